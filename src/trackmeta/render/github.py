"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from trackmeta.findings import Severity
from trackmeta.report import Report

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        props = [f"file={_escape(f.path, True)}"] if f.path else []
        if f.line is not None:
            props.append(f"line={f.line}")
        props.append(f"title={_escape(f'{f.code} {f.name}', True)}")
        lines.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{_escape(f.message)}")
    return "".join(line + "\n" for line in lines)
