"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from trackmeta import escape
from trackmeta.findings import Severity
from trackmeta.report import Report

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        props = [f"file={escape.workflow(f.path, True)}"] if f.path else []
        if f.line is not None:
            props.append(f"line={f.line}")
        props.append(f"title={escape.workflow(f'{f.code} {f.name}', True)}")
        lines.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{escape.workflow(f.message)}")
    return "".join(line + "\n" for line in lines)
