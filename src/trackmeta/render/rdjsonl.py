"""reviewdog's rdjsonl: one Diagnostic per line. A finding with a certain fix, on a cell the file
holds exactly, carries it as a suggestion that replaces the cell, so reviewdog can offer it as a
suggested change."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from trackmeta import escape
from trackmeta.findings import Finding, Severity
from trackmeta.render.options import relative

if TYPE_CHECKING:
    from trackmeta.checking.report import Report

SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def _diagnostic(f: Finding) -> dict[str, Any]:
    location: dict[str, Any] = {"path": relative(f.path) if f.path else ""}
    cell = None
    if f.line is not None:
        start = {"line": f.line, "column": f.span[0] if f.span else 1}
        cell = {"start": start, "end": {"line": f.line, "column": f.span[1]}} if f.span else None
        location["range"] = cell or {"start": start}
    diagnostic: dict[str, Any] = {
        "message": f.message,
        "location": location,
        "severity": SEVERITY[f.severity],
        "source": {"name": "trackmeta"},
        "code": {"value": f.code},
    }
    if f.fix is not None and cell is not None:
        diagnostic["suggestions"] = [{"range": cell, "text": f.fix}]
    return diagnostic


def render(report: Report) -> str:
    return "".join(escape.json_text(json.dumps(escape.deep(_diagnostic(f), escape.terminal),
                                            ensure_ascii=False)) + "\n"
                   for f in report.findings)
