"""Report renderers, one module per output format; each returns the document as text and
escapes what came from inputs through trackmeta.escape.

May import: checking (the Report it renders) and the core modules.
"""

from __future__ import annotations

from collections.abc import Callable

from trackmeta.checking.report import Report
from trackmeta.render.options import RenderOptions

__all__ = ["FORMATS", "RenderOptions", "render"]

FORMATS = ("text", "json", "sarif", "junit", "github")


def render(report: Report, fmt: str, options: RenderOptions | None = None) -> str:
    """The report in `fmt` (one of FORMATS)."""
    from trackmeta.render import github, junit, sarif, text

    given = options or RenderOptions()
    renderers: dict[str, Callable[[Report, RenderOptions], str]] = {
        "text": text.render,
        "json": lambda r, o: r.to_json() + "\n",
        "sarif": lambda r, o: sarif.render(r),
        "junit": lambda r, o: junit.render(r),
        "github": github.render,
    }
    return renderers[fmt](report, given)
