"""Report renderers, one module per output format; each returns the document as text."""

from __future__ import annotations

from collections.abc import Callable

from trackmeta.report import Report

FORMATS = ("text", "json", "sarif", "junit", "github")


def render(report: Report, fmt: str) -> str:
    """The report in `fmt` (one of FORMATS)."""
    renderers: dict[str, Callable[[Report], str]]
    from trackmeta.render import github, junit, sarif, text

    renderers = {
        "text": text.render,
        "json": lambda r: r.to_json() + "\n",
        "sarif": sarif.render,
        "junit": junit.render,
        "github": github.render,
    }
    return renderers[fmt](report)
