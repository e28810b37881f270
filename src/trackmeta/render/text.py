"""Human-readable report: findings grouped by file, then a summary line."""

from __future__ import annotations

from itertools import groupby

from trackmeta import escape
from trackmeta.findings import Finding
from trackmeta.report import Report


def _where(f: Finding) -> str:
    if f.line is not None:
        place = f"{f.line}"
    elif f.row is not None:
        place = f"row {f.row}"
    else:
        place = "-"
    return f"{place}:{f.column}" if f.column else place


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(report: Report) -> str:
    out: list[str] = []
    for path, group in groupby(report.findings, key=lambda f: f.path or "(release)"):
        out.append(path)
        items = list(group)
        width = max(len(_where(f)) for f in items)
        for f in items:
            line = f"  {_where(f):<{width}}  {f.code} {f.severity!s:<7} {f.message}"
            if f.expected and f.code not in ("TM104",):
                line += f" [expected: {f.expected}]"
            if f.fix:
                line += f" (fix: {f.fix!r})"
            out.append(line)
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
    used = [f"{o['prefix']} {o['version']}" for o in report.ontologies if "terms" in o]
    if used:
        sources = sorted({str(o["source"]) for o in report.ontologies if "terms" in o})
        out.append(f"ontology releases: {', '.join(used)} ({'; '.join(sources)})")
    s = report.summary()
    verdict = {0: "ok", 1: "FAILED", 2: "INCOMPLETE"}[report.exit_code]
    organisms = f" ({', '.join(s['organisms'])})" if s["organisms"] else ""
    skipped = f", {_plural(s['skipped'], 'padding row')} skipped" if s["skipped"] else ""
    out.append(
        f"{verdict}: {_plural(s['files'], 'file')}{organisms}, {_plural(s['rows'], 'row')}, "
        f"{_plural(s['tracks'], 'track')}{skipped}; {_plural(s['errors'], 'error')}, "
        f"{_plural(s['warnings'], 'warning')}, {_plural(s['infos'], 'info')}"
        + (f", {_plural(s['failures'], 'input')} not checked" if s["failures"] else "")
    )
    return "".join(escape.terminal(line) + "\n" for line in out)
