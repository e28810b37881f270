"""Azure Pipelines logging commands: `##vso[task.logissue ...]` per finding, properties and
message escaped as Azure documents. Azure knows errors and warnings only: an info is a warning
whose message says it is an info."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackmeta import escape
from trackmeta.findings import Finding, Severity
from trackmeta.render.options import relative

if TYPE_CHECKING:
    from trackmeta.checking.report import Report


def _command(f: Finding) -> str:
    props = ["type=error" if f.severity is Severity.ERROR else "type=warning"]
    if f.path:
        props.append(f"sourcepath={escape.azure(relative(f.path), True)}")
    if f.line is not None:
        props.append(f"linenumber={f.line}")
        if f.span is not None:
            props.append(f"columnnumber={f.span[0]}")
    props.append(f"code={escape.azure(f.code, True)}")
    prefix = "info: " if f.severity is Severity.INFO else ""
    return f"##vso[task.logissue {';'.join(props)};]{escape.azure(prefix + f.code + ' ' + f.message)}"


def render(report: Report) -> str:
    return "".join(_command(f) + "\n" for f in report.findings)
