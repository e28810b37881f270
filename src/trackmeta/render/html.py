"""One self-contained HTML page for people reviewing a release: the summary, counts beside Table 1,
findings per rule, where findings sit (output type x biosample type), and per-file tables of
findings that collapse and filter in the page. No network access: styles, the small filter
script and the charts (inline SVG) are in the file. Every value from an input goes through
`escape.html`.

`compact` is the notebook view (`Report._repr_html_`): the summary and the rule counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from trackmeta import escape
from trackmeta._version import __version__
from trackmeta.findings import Finding, Severity
from trackmeta.render.options import RenderOptions, shown
from trackmeta.rules import RULES
from trackmeta.words import counted


class Report(Protocol):
    """What the page reads of a Report. Named here rather than imported: the Report renders
    itself in a notebook through this module, so this module may not lean on it, even for
    typing."""

    @property
    def findings(self) -> tuple[Finding, ...]: ...
    @property
    def failures(self) -> tuple[Any, ...]: ...
    @property
    def files(self) -> tuple[str, ...]: ...
    @property
    def organisms(self) -> Mapping[str, str]: ...
    @property
    def rows(self) -> int: ...
    @property
    def skipped(self) -> int: ...
    @property
    def tracks(self) -> int: ...
    @property
    def tracks_by_type(self) -> Mapping[str, int]: ...
    @property
    def counts(self) -> tuple[Any, ...] | None: ...  # checking.release.Count
    @property
    def fail_on(self) -> Severity | None: ...
    @property
    def ontologies(self) -> tuple[Mapping[str, Any], ...]: ...
    @property
    def vocabularies(self) -> tuple[Mapping[str, Any], ...]: ...
    @property
    def baseline(self) -> str | None: ...
    @property
    def baselined(self) -> int: ...
    @property
    def matrix(self) -> Mapping[str, Mapping[str, tuple[int, int]]]: ...
    @property
    def ok(self) -> bool: ...
    @property
    def exit_code(self) -> int: ...
    def count(self, severity: Severity) -> int: ...

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;
background:#fff}
main{max-width:1200px;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.75rem 0 .5rem;
border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.verdict{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600;color:#fff}
.verdict.ok{background:#1a7f37}.verdict.failed{background:#cf222e}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.sev-error{color:#cf222e;font-weight:600}.sev-warning{color:#9a6700;font-weight:600}
.sev-info{color:#0969da}
code,.v{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.v{white-space:pre-wrap;overflow-wrap:break-word}td.col,td.id,code{white-space:nowrap}
details{border:1px solid #d0d7de;border-radius:6px;margin:.5rem 0;padding:.25rem .75rem}
summary{cursor:pointer;font-weight:600;padding:.25rem 0}
.filters{margin:.5rem 0}.filters input{padding:.25rem .5rem;width:20rem}
.muted{color:#59636e}.grid{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start}
"""

# The notebook view sits inside someone else's page: its rules apply inside .trackmeta only.
_COMPACT_STYLE = """
.trackmeta table{border-collapse:collapse;margin:.5rem 0;font-size:13px}
.trackmeta th,.trackmeta td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left}
.trackmeta td.n{text-align:right}.trackmeta .sev-error{color:#cf222e;font-weight:600}
.trackmeta .sev-warning{color:#9a6700;font-weight:600}.trackmeta .sev-info{color:#0969da}
.trackmeta .verdict{padding:.1rem .5rem;border-radius:1rem;color:#fff;font-weight:600}
.trackmeta .verdict.ok{background:#1a7f37}.trackmeta .verdict.failed{background:#cf222e}
.trackmeta .muted{color:#59636e}.trackmeta .grid{display:flex;flex-wrap:wrap;gap:1.5rem}
"""

_SCRIPT = """
function tmFilter(id){
  var box=document.getElementById('q-'+id), level=document.getElementById('s-'+id);
  var words=box.value.toLowerCase(), wanted=level.value, shown=0;
  document.querySelectorAll('#t-'+id+' tbody tr').forEach(function(tr){
    var ok=(!words||tr.textContent.toLowerCase().indexOf(words)>=0)&&
           (!wanted||tr.getAttribute('data-severity')===wanted);
    tr.style.display=ok?'':'none'; if(ok){shown++;}
  });
  document.getElementById('c-'+id).textContent=shown;
}
// report.html#q=TM205 opens with every table filtered to TM205
window.addEventListener('DOMContentLoaded',function(){
  var m=/^#q=(.*)$/.exec(location.hash); if(!m){return;}
  document.querySelectorAll('input[id^="q-"]').forEach(function(box){
    box.value=decodeURIComponent(m[1]); tmFilter(box.id.slice(2));
  });
});
"""

_FILL = {Severity.ERROR: "#cf222e", Severity.WARNING: "#d4a72c", Severity.INFO: "#0969da"}


def _e(text: object) -> str:
    return escape.html(str(text))



def _table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (),
           attrs: str = "") -> str:
    """`rows` hold HTML already escaped; `numeric` are the columns aligned right."""
    out = [f"<table{attrs}><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(
            f"<td class=\"n\">{cell}</td>" if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _summary(report: Report) -> str:
    verdict = "ok" if report.ok else "failed"
    organisms = ", ".join(sorted(set(report.organisms.values()))) or "-"
    releases = ", ".join(
        f"{r.get('prefix')} {r.get('version') or ''} ({r.get('source') or r.get('note') or ''})"
        for r in report.ontologies) or "-"
    rows = [
        ("Verdict", f"<span class=\"verdict {verdict}\">{verdict.upper()}</span> "
                    f"<span class=\"muted\">exit status {report.exit_code}, failing on "
                    f"{_e(report.fail_on or 'never')}</span>"),
        ("Findings", f"<span class=\"sev-error\">{counted(report.count(Severity.ERROR), 'error')}"
                     f"</span>, <span class=\"sev-warning\">"
                     f"{counted(report.count(Severity.WARNING), 'warning')}</span>, "
                     f"<span class=\"sev-info\">{counted(report.count(Severity.INFO), 'info')}"
                     "</span>" + (f"; {report.baselined:,} baselined" if report.baseline else "")),
        ("Organisms", _e(organisms)),
        ("Files", "<br>".join(f"<code>{_e(shown(p))}</code> ({_e(report.organisms.get(p, '-'))})"
                              for p in report.files) or "-"),
        ("Rows", f"{report.rows:,} rows, {report.tracks:,} tracks"
                 + (f", {report.skipped:,} padding rows skipped" if report.skipped else "")),
        ("Ontology releases", _e(releases)),
        ("Vocabularies", _e(", ".join(f"{v['title']} ({v['version']})"
                                       for v in report.vocabularies) or "none needed")),
        ("trackmeta", _e(__version__)),
    ]
    failures = "".join(
        f"<p class=\"sev-error\">Could not read <code>{_e(shown(f.path or '-'))}</code>"
        f"{' line ' + str(f.line) if f.line else ''}: {_e(f.message)}</p>" for f in report.failures)
    cells = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table class=\"summary\"><tbody>{cells}</tbody></table>{failures}"


def _by_rule(report: Report) -> str:
    counts = Counter(f.code for f in report.findings)
    if not counts:
        return "<p>No findings.</p>"
    worst = {code: max(f.severity for f in report.findings if f.code == code) for code in counts}
    ordered = sorted(counts.items(), key=lambda item: (-worst[item[0]], -item[1], item[0]))
    rows = [(f"<code>{_e(code)}</code>", _e(RULES[code].name),
             f"<span class=\"sev-{RULES[code].severity}\">{_e(RULES[code].severity)}</span>",
             f"{n:,}", _e(RULES[code].summary)) for code, n in ordered]
    return ("<div class=\"grid\">" + _table(("Rule", "Name", "Default", "Findings", "What"), rows,
                                            numeric=(3,), attrs=" id=\"rules\"")
            + _bars(ordered, report) + "</div>")


def _bars(ordered: list[tuple[str, int]], report: Report) -> str:
    """Findings per rule as a horizontal bar chart (SVG)."""
    severity = {f.code: f.severity for f in report.findings}
    width, bar, gap, label = 420, 18, 6, 70
    most = max(n for _, n in ordered)
    height = len(ordered) * (bar + gap) + gap
    parts = [f"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" "
             f"height=\"{height}\" aria-label=\"findings per rule\" id=\"chart-rules\">"]
    for i, (code, n) in enumerate(ordered):
        y = gap + i * (bar + gap)
        length = max(2, round((width - label - 60) * n / most))
        parts.append(
            f"<text x=\"0\" y=\"{y + bar - 5}\" font-size=\"12\">{_e(code)}</text>"
            f"<rect x=\"{label}\" y=\"{y}\" width=\"{length}\" height=\"{bar}\" "
            f"fill=\"{_FILL[severity[code]]}\"><title>{_e(code)}: {n:,}</title></rect>"
            f"<text x=\"{label + length + 4}\" y=\"{y + bar - 5}\" font-size=\"12\">{n:,}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _output_types(report: Report) -> str:
    if report.counts is not None:
        rows = [(_e(c.output_type), f"{c.tracks:,}", f"{c.expected_tracks:,}",
                 f"{c.biosamples:,}", "-" if c.expected_biosamples is None
                 else f"{c.expected_biosamples:,}") for c in report.counts]
        return _table(("Output type", "Tracks", "Table 1 tracks", "Biosamples",
                       "Table 1 biosamples"), rows, numeric=(1, 2, 3, 4))
    per_type = [(_e(t), f"{n:,}") for t, n in sorted(report.tracks_by_type.items())]
    return _table(("Output type", "Tracks"), per_type, numeric=(1,)) + (
        "<p class=\"muted\">Counts beside Table 1 of the AlphaGenome paper: "
        "<code>--expect table1</code> (human metadata).</p>")


def _heatmap(report: Report) -> str:
    """Tracks and errors or warnings per output type x biosample type (infos are advice, not
    counted): a cell's colour is the share of its tracks with one; a cell without is blank."""
    if not report.matrix:
        return ""
    types = sorted(report.matrix)
    kinds = sorted({k for row in report.matrix.values() for k in row})
    cw, ch, left, top = 120, 34, 150, 40
    parts = [f"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" id=\"chart-matrix\" "
             f"width=\"{left + cw * len(kinds)}\" height=\"{top + ch * len(types)}\" "
             "aria-label=\"tracks and findings per output type and biosample type\">"]
    for j, kind in enumerate(kinds):
        parts.append(f"<text x=\"{left + j * cw + cw // 2}\" y=\"{top - 10}\" font-size=\"11\" "
                     f"text-anchor=\"middle\">{_e(kind)}</text>")
    for i, otype in enumerate(types):
        y = top + i * ch
        parts.append(f"<text x=\"{left - 8}\" y=\"{y + ch // 2 + 4}\" font-size=\"11\" "
                     f"text-anchor=\"end\">{_e(otype)}</text>")
        for j, kind in enumerate(kinds):
            tracks, found = report.matrix[otype].get(kind, (0, 0))
            share = min(1.0, found / tracks) if tracks else 0.0
            fill = ("#ffffff" if not found else f"rgba(207,34,46,{0.15 + 0.75 * share:.2f})")
            x = left + j * cw
            parts.append(
                f"<rect x=\"{x}\" y=\"{y}\" width=\"{cw - 2}\" height=\"{ch - 2}\" fill=\"{fill}\">"
                f"<title>{_e(otype)} / {_e(kind)}: {tracks:,} tracks, {found:,} errors or warnings"
                f"</title>"
                f"</rect>")
            if tracks:
                parts.append(f"<text x=\"{x + cw // 2}\" y=\"{y + ch // 2 + 4}\" font-size=\"11\" "
                             f"text-anchor=\"middle\">{tracks:,} / {found:,}</text>")
    parts.append("</svg>")
    return ("<p class=\"muted\">Each cell: tracks / errors and warnings on them (infos are not "
            "counted); the redder, the larger their share; blank: none.</p>" + "".join(parts))


def _cell(value: str | None) -> str:
    return "" if value is None else f"<span class=\"v\">{_e(value)}</span>"


def _file_section(number: int, path: str, findings: list[Finding]) -> str:
    rows = []
    for f in sorted(findings, key=lambda f: -f.severity):  # errors first, each by line
        track = f.track
        rows.append(
            f"<tr data-severity=\"{f.severity}\"><td class=\"n\">{f.line if f.line is not None else ''}"
            f"</td><td class=\"col\">{_e(f.column or '')}</td><td><code>{_e(f.code)}</code></td>"
            f"<td class=\"sev-{f.severity}\">{_e(f.severity)}</td>"
            f"<td class=\"id\">{_e(track.output_type) if track else ''}</td>"
            f"<td>{_cell(f'{track.name} ({track.strand})' if track else None)}</td>"
            f"<td>{_cell(f.value)}</td>"
            f"<td>{_cell(f.expected)}</td><td>{_cell(f.fix)}</td><td>{_e(f.message)}</td></tr>")
    counts = Counter(f.severity for f in findings)
    said = ", ".join(counted(counts[s], str(s)) for s in reversed(Severity) if counts[s])
    return (
        f"<details open><summary><code>{_e(shown(path))}</code> — {said}</summary>"
        f"<div class=\"filters\"><input id=\"q-{number}\" type=\"search\" "
        f"placeholder=\"filter: a code, column, value...\" oninput=\"tmFilter({number})\"> "
        f"<select id=\"s-{number}\" onchange=\"tmFilter({number})\"><option value=\"\">every "
        "severity</option><option>error</option><option>warning</option><option>info</option>"
        f"</select> <span class=\"muted\"><span id=\"c-{number}\">{len(findings)}</span> shown"
        "</span></div>"
        f"<table id=\"t-{number}\"><thead><tr><th>Line</th><th>Column</th><th>Rule</th>"
        "<th>Severity</th><th>Output type</th><th>Track</th><th>Value</th><th>Expected</th>"
        "<th>Fix</th><th>Message</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></details>")


def body(report: Report, compact: bool = False) -> str:
    """The report's HTML without the page around it (the notebook view embeds it)."""
    parts = ["<h2>Summary</h2>", _summary(report), "<h2>Findings by rule</h2>", _by_rule(report)]
    if compact:
        return "<div class=\"trackmeta\">" + "".join(parts) + "</div>"
    parts += ["<h2>Tracks per output type</h2>", _output_types(report)]
    heatmap = _heatmap(report)
    if heatmap:
        parts += ["<h2>Where the findings are</h2>", heatmap]
    by_file: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_file.setdefault(f.path or "(release)", []).append(f)
    if by_file:
        parts.append("<h2>Findings per file</h2>")
        parts += [_file_section(n, path, found) for n, (path, found) in enumerate(by_file.items())]
    return "".join(parts)


def render(report: Report, options: RenderOptions) -> str:
    if options.compact:
        return f"<style>{_COMPACT_STYLE}</style>" + body(report, compact=True)
    title = "trackmeta report: " + ", ".join(shown(p) for p in report.files[:3]) + (
        " ..." if len(report.files) > 3 else "")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body><main>"
            f"<h1>trackmeta report</h1>{body(report)}</main><script>{_SCRIPT}</script>"
            "</body></html>\n")
