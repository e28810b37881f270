"""Human-readable report: findings grouped by file, errors first, then warnings, then infos; a
message repeated on many rows is said once with its row count and a few line numbers; a count
per rule with --statistics (errors first); colour on a terminal."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING

from trackmeta import escape
from trackmeta.findings import Finding, Severity
from trackmeta.words import counted

if TYPE_CHECKING:
    from trackmeta.checking.report import Report
    from trackmeta.render.options import RenderOptions

SHOWN_PLACES = 3  # line numbers shown for a collapsed message
_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _where(f: Finding) -> str:
    if f.line is not None:
        place = f"{f.line}"
    elif f.row is not None:
        place = f"row {f.row}"
    else:
        place = "-"
    return f"{place}:{f.column}" if f.column else place



def _detail(f: Finding) -> str:
    text = f.message
    if f.expected and f.code != "TM104":
        text += f" [expected: {f.expected}]"
    if f.fix:
        text += f" (fix: {f.fix!r})"
    return text


class _Paint:
    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text


def _cause(f: Finding) -> str:
    """What an info is about, before its notes about the one value (`; Cellosaurus knows...`):
    infos of one rule and one cause are said on one line, with their values."""
    detail = _detail(f)
    return detail.split("; ", 1)[0] if f.severity == Severity.INFO else detail


def _lines_for(findings: list[Finding], paint: _Paint) -> list[str]:
    """One line per finding, or per repeated (code, column, message) with its count; infos of
    one rule and one cause grouped on one line naming their values."""
    groups: dict[tuple[str, str | None, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.code, f.column, _cause(f)), []).append(f)
    rows = []
    for (_, _, cause), same in groups.items():
        detail = _detail(same[0]) if len({_detail(f) for f in same}) == 1 else cause
        first = same[0]
        where = _where(first)
        if len(same) > 1:
            values = len({f.value for f in same}) > 1  # the message alone would hide them
            places = ", ".join(str(f.line if f.line is not None else f"row {f.row}")
                               + (f" {f.value}" if values and f.value is not None else "")
                               for f in same[:SHOWN_PLACES])
            more = ", ..." if len(same) > SHOWN_PLACES else ""
            detail = f"{detail} [{counted(len(same), 'row')}: {places}{more}]"
        rows.append((where, first, detail))
    rows.sort(key=lambda row: -row[1].severity)  # errors first, each severity by line
    width = max(len(where) for where, _, _ in rows)
    out = []
    for where, f, detail in rows:
        severity = paint(f"{f.severity!s:<7}", _COLOURS[f.severity])
        # escape untrusted text before colouring: our own escape sequences must survive
        out.append(f"  {escape.terminal(f'{where:<{width}}')}  {paint(f.code, '1')} {severity} "
                   f"{escape.terminal(detail)}")
    return out


def render(report: Report, options: RenderOptions) -> str:
    paint = _Paint(options.color)
    out: list[str] = []
    for path, group in groupby(report.findings, key=lambda f: f.path or "(release)"):
        out.append(paint(escape.terminal(path), "1"))
        out.extend(_lines_for(list(group), paint))
        out.append("")
    if report.counts is not None:
        out.append("Table 1 comparison (tracks, biosamples: found / expected)")
        for c in report.counts:
            mark = "  " if (c.tracks == c.expected_tracks and c.expected_biosamples in
                            (None, c.biosamples)) else "! "
            bio = "NA" if c.expected_biosamples is None else str(c.expected_biosamples)
            out.append(f"  {mark}{c.output_type:<18} {c.tracks:>6} / {c.expected_tracks:<6}"
                       f" {c.biosamples:>5} / {bio}")
        out.append("")
    if options.statistics and report.findings:
        out.extend(_statistics(report))
    if report.fixed:
        entries = "baseline entry" if len(report.fixed) == 1 else "baseline entries"
        out.append(f"{len(report.fixed)} {entries} no longer found "
                   f"(run `trackmeta baseline` to tighten {escape.terminal(report.baseline or '')}):")
        out.extend(f"  {escape.terminal(_entry(e))}" for e in report.fixed[:20])
        out.append("")
    used = [f"{o['prefix']} {o['version']}" for o in report.ontologies if "terms" in o]
    if used:
        sources = sorted({str(o["source"]) for o in report.ontologies if "terms" in o})
        out.append(escape.terminal(f"ontology releases: {', '.join(used)} ({'; '.join(sources)})"))
    if report.vocabularies:
        out.append(escape.terminal("vocabularies: " + ", ".join(
            f"{v['title']} ({v['version']})" for v in report.vocabularies)))
    out.extend(escape.terminal(f"note: {note}") for note in report.notes)
    out.append(_verdict(report, paint))
    return "".join(line + "\n" for line in out)


def _entry(entry: object) -> str:
    if not isinstance(entry, dict):
        return str(entry)
    track = entry.get("track") or {}
    name = (f" {track.get('output_type')} {track.get('name')!r} (strand {track.get('strand')!r})"
            if track else "")
    return f"{entry['code']} {entry['file']}{name} {entry.get('column') or ''} {entry.get('value')!r}"


def _statistics(report: Report) -> list[str]:
    from trackmeta.rules import RULES

    counts = Counter(f.code for f in report.findings)
    width = len(str(max(counts.values())))
    lines = ["Findings per rule"]
    worst = {code: max(f.severity for f in report.findings if f.code == code) for code in counts}
    for code, n in sorted(counts.items(), key=lambda item: (-worst[item[0]], -item[1], item[0])):
        rule = RULES[code]
        severities = {f.severity for f in report.findings if f.code == code}
        level = "/".join(str(s) for s in sorted(severities, reverse=True))
        lines.append(f"  {n:>{width}}  {code}  {rule.name:<28} {level}")
    return [*lines, ""]


def _verdict(report: Report, paint: _Paint) -> str:
    s = report.summary()
    verdict = {0: "ok", 1: "FAILED", 2: "INCOMPLETE"}[report.exit_code]
    colour = {0: "32", 1: "31", 2: "31"}[report.exit_code]
    organisms = f" ({', '.join(s['organisms'])})" if s["organisms"] else ""
    skipped = f", {counted(s['skipped'], 'padding row')} skipped" if s["skipped"] else ""
    baselined = f", {s['baselined']} baselined" if report.baseline is not None else ""
    return (f"{paint(verdict, colour)}: {counted(s['files'], 'file')}{organisms}, "
            f"{counted(s['rows'], 'row')}, {counted(s['tracks'], 'track')}{skipped}; "
            f"{counted(s['errors'], 'error')}, {counted(s['warnings'], 'warning')}, "
            f"{counted(s['infos'], 'info')}{baselined}"
            + (f", {counted(s['failures'], 'input')} not checked" if s["failures"] else ""))
