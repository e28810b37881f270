"""SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning and others).

Results carry `partialFingerprints` from (rule, file, track identity, column, value), so editing
one row does not churn the alerts of others; URIs are relative to the working directory, under
the `%SRCROOT%` base, so no absolute path leaks; regions name the cell's columns where the file
holds it exactly. Past GitHub's 25,000 results per run, the rules with the most results are cut
to a share and each is summarised by one result, with a note saying so.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trackmeta import escape
from trackmeta._version import __version__
from trackmeta.findings import Finding, Severity
from trackmeta.render.options import relative
from trackmeta.rules import RULES, Rule

if TYPE_CHECKING:
    from trackmeta.checking.report import Report

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000  # GitHub code scanning's limit per run
SRCROOT = "%SRCROOT%"


def uri(path: str) -> str:
    """A path relative to the working directory, as a URI reference."""
    return quote(relative(path), safe="/", errors="surrogateescape")


def fingerprint(f: Finding) -> str:
    track = tuple(f.track) if f.track is not None else ()
    parts = (f.code, uri(f.path) if f.path else "", *track, f.column or "", f.value or "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _help(r: Rule) -> dict[str, str]:
    return {
        "text": f"{r.summary}\nWhy: {r.why}\nExample: {r.example}\nFix: {r.fix}",
        "markdown": (f"**{r.code} {r.name}** ({r.severity})\n\n{r.summary}\n\n"
                     f"**Why is this bad?** {r.why}\n\n**Example:** {r.example}\n\n"
                     f"**Use instead:** {r.fix}\n\nSee `trackmeta rule {r.code}`."),
    }


def _result(f: Finding, codes: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": codes.index(f.code),
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "partialFingerprints": {"trackmeta/v1": fingerprint(f)},
    }
    if f.path:
        location: dict[str, Any] = {"artifactLocation": {"uri": uri(f.path), "uriBaseId": SRCROOT}}
        if f.line is not None:
            region: dict[str, int] = {"startLine": f.line}
            if f.span is not None:
                region.update(startColumn=f.span[0], endColumn=max(f.span[1], f.span[0] + 1))
            location["region"] = region
        result["locations"] = [{"physicalLocation": location}]
    result["properties"] = {k: v for k, v in (
        ("column", f.column), ("value", f.value), ("expected", f.expected), ("fix", f.fix),
        ("row", f.row), ("track", f.track._asdict() if f.track is not None else None))
        if v is not None}
    return result


def _share(counts: Counter[str]) -> int:
    """The most results per rule that keeps the run within MAX_RESULTS, with one summary
    result for each rule that is cut."""
    share = MAX_RESULTS
    while share > 0 and sum(min(n, share) + (n > share) for n in counts.values()) > MAX_RESULTS:
        share = share * 9 // 10
    return share


def render(report: Report) -> str:
    codes = list(RULES)
    counts = Counter(f.code for f in report.findings)
    share = MAX_RESULTS if len(report.findings) <= MAX_RESULTS else _share(counts)
    taken: Counter[str] = Counter()
    results: list[dict[str, Any]] = []
    for f in report.findings:
        taken[f.code] += 1
        if taken[f.code] <= share:
            results.append(_result(f, codes))
    notes = []
    for code, n in sorted(counts.items()):
        if n > share:
            text = (f"{n - share} more {code} findings are not listed: GitHub code scanning takes "
                    f"at most {MAX_RESULTS:,} results per run; see the JSON or text report")
            results.append({"ruleId": code, "ruleIndex": codes.index(code), "level": "note",
                            "message": {"text": text},
                            "partialFingerprints": {"trackmeta/v1": f"{code}-more"}})
            notes.append({"level": "warning", "message": {"text": text}})
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "trackmeta", "version": __version__,
                "rules": [{
                    "id": r.code, "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": r.why},
                    "help": _help(r),
                    "defaultConfiguration": {"level": _LEVEL[r.severity]},
                } for r in RULES.values()],
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": escape.deep([{
                "executionSuccessful": not report.failures,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": fail.message},
                     **({"locations": [{"physicalLocation": {"artifactLocation": {
                         "uri": uri(fail.path), "uriBaseId": SRCROOT}}}]} if fail.path else {})}
                    for fail in report.failures
                ] + notes,
            }], escape.terminal),
            "results": escape.deep(results, escape.terminal),  # one line each, inert in a log
        }],
    }
    return escape.json_text(json.dumps(document, indent=2,
                                       ensure_ascii=False)) + "\n"
