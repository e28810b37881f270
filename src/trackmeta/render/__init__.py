"""Report renderers, one module per output format; each returns the document as text and
escapes what came from inputs through trackmeta.escape.

May import: the core modules. The Report it renders is named for typing only (html, which the
Report calls for its notebook view, names it as a Protocol): checking -> render -> core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from trackmeta.render.options import RenderOptions

if TYPE_CHECKING:
    from trackmeta.checking.report import Report

__all__ = ["FORMATS", "RenderOptions", "render"]

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "rdjsonl", "azure", "html")


def render(report: Report, fmt: str, options: RenderOptions | None = None) -> str:
    """The report in `fmt` (one of FORMATS)."""
    from trackmeta.render import azure, github, gitlab, html, junit, rdjsonl, sarif, text

    given = options or RenderOptions()
    renderers: dict[str, Callable[[Report, RenderOptions], str]] = {
        "text": text.render,
        "json": lambda r, o: r.to_json() + "\n",
        "sarif": lambda r, o: sarif.render(r),
        "junit": lambda r, o: junit.render(r),
        "github": github.render,
        "gitlab": lambda r, o: gitlab.render(r),
        "rdjsonl": lambda r, o: rdjsonl.render(r),
        "azure": lambda r, o: azure.render(r),
        "html": html.render,
    }
    return renderers[fmt](report, given)
