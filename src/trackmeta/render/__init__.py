"""Report renderers, one module per output format; each returns the document as text and
escapes what came from inputs through trackmeta.escape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trackmeta.checking.report import Report

FORMATS = ("text", "json", "sarif", "junit", "github")


@dataclass(frozen=True)
class RenderOptions:
    statistics: bool = False  # text: a count per rule at the end
    color: bool = False  # text: ANSI colours (a terminal, NO_COLOR unset, or FORCE_COLOR)
    annotations_per_rule: int = 10  # github: the rest of a rule's findings are summarised


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
