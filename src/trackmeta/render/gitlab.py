"""GitLab Code Quality JSON: the report a merge request shows as code-quality changes.

Each finding is one issue; its fingerprint is the SARIF one (rule, file, track identity, column,
value), made unique within the report where two findings share it, so GitLab tracks a finding
across runs by the track it is about, not by its line.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from trackmeta import escape
from trackmeta.findings import Severity
from trackmeta.render.options import relative
from trackmeta.render.sarif import fingerprint

if TYPE_CHECKING:
    from trackmeta.checking.report import Report

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(report: Report) -> str:
    seen: Counter[str] = Counter()
    issues: list[dict[str, Any]] = []
    for f in report.findings:
        base = fingerprint(f)
        seen[base] += 1
        unique = base if seen[base] == 1 else hashlib.sha256(
            f"{base}\x1f{seen[base]}".encode()).hexdigest()[:32]
        issues.append({
            "type": "issue",
            "description": f"{f.code} {f.name}: {f.message}",
            "check_name": f.code,
            "categories": ["Bug Risk"] if f.severity is Severity.ERROR else ["Style"],
            "fingerprint": unique,
            "severity": SEVERITY[f.severity],
            "location": {"path": relative(f.path) if f.path else "",
                         "lines": {"begin": f.line or 1}},
        })
    return escape.json_text(json.dumps(escape.deep(issues, escape.terminal), indent=2,
                                       ensure_ascii=False)) + "\n"
