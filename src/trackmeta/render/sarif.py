"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

import json
from typing import Any

from trackmeta import escape
from trackmeta._version import __version__
from trackmeta.findings import Severity
from trackmeta.report import Report
from trackmeta.rules import RULES

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def render(report: Report) -> str:
    codes = list(RULES)
    rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.why},
            "help": {"text": f"{r.summary}\nWhy: {r.why}\nExample: {r.example}\nFix: {r.fix}"},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
        }
        for r in RULES.values()
    ]
    results: list[dict[str, Any]] = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code),
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
        }
        if f.path:
            location: dict[str, Any] = {"artifactLocation": {"uri": f.path}}
            if f.line is not None:
                location["region"] = {"startLine": f.line}
            result["locations"] = [{"physicalLocation": location}]
        result["properties"] = {k: v for k, v in (
            ("column", f.column), ("value", f.value), ("expected", f.expected), ("fix", f.fix),
            ("row", f.row)) if v is not None}
        results.append(result)
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "trackmeta", "version": __version__, "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": not report.failures,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": fail.message},
                     **({"locations": [{"physicalLocation": {
                         "artifactLocation": {"uri": fail.path}}}]} if fail.path else {})}
                    for fail in report.failures
                ],
            }],
            "results": results,
        }],
    }
    return json.dumps(escape.deep(document, escape.utf8), indent=2, ensure_ascii=False) + "\n"
