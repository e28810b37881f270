"""A Markdown summary for a CI job page ($GITHUB_STEP_SUMMARY): verdict, counts per rule, and
the first findings of each rule."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from trackmeta import escape
from trackmeta.rules import RULES
from trackmeta.words import counted

if TYPE_CHECKING:
    from trackmeta.checking.report import Report

FIRST = 5


def _cell(text: str) -> str:
    """Table-cell text: one line that renders as written (no pipe, link, image, mention, HTML)."""
    return escape.markdown(text)


def render(report: Report) -> str:
    s = report.summary()
    verdict = {0: "passed", 1: "failed", 2: "could not check every input"}[report.exit_code]
    out = [f"## trackmeta: {verdict}", "",
           f"{counted(s['files'], 'file')} ({', '.join(s['organisms']) or '-'}), "
           f"{counted(s['rows'], 'row')}, {counted(s['tracks'], 'track')}: "
           f"{counted(s['errors'], 'error')}, {counted(s['warnings'], 'warning')}, "
           f"{counted(s['infos'], 'info')}"
           + (f", {s['baselined']:,} baselined" if report.baseline else "")
           + (f", {counted(s['failures'], 'input')} not checked" if s["failures"] else ""), ""]
    counts = Counter(f.code for f in report.findings)
    if counts:
        out += ["| rule | name | severity | findings |", "|---|---|---|---:|"]
        out += [f"| {code} | {RULES[code].name} | {RULES[code].severity} | {n} |"
                for code, n in sorted(counts.items())]
        out.append("")
        for code in sorted(counts):
            out += [f"<details><summary>{code} {RULES[code].name}: {counts[code]}</summary>", "",
                    "| where | message |", "|---|---|"]
            for f in [f for f in report.findings if f.code == code][:FIRST]:
                where = f"{f.path or '-'}:{f.line if f.line is not None else f.row}"
                out.append(f"| {_cell(where)} | {_cell(f.message)} |")
            out += ["", "</details>", ""]
    for failure in report.failures:
        out.append(f"- not checked: {_cell(failure.path or '-')}: {_cell(failure.message)}")
    return "\n".join(out) + "\n"
