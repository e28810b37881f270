"""Safe repair: the fixes that need no judgement, as one coherent edit per row, written to copies
(or in place, atomically, with a backup) and shown as a unified diff that `patch` applies.

`fix` applies every fix `check` proposes (a finding's `fix` is proposed only when certain; a test
holds the two together over the rule catalogue): an obsolete term with exactly one live
replacement in the same ontology, and a merged id (TM205); the GTEx remap (TM211); a CURIE
written otherwise (TM201-TM203); with the new term, the CURIE a track name embeds and a
biosample_name that is not a name of the new term. Also surrounding whitespace (TM104), an
allowed value but for case (TM103), an output type spelt other than by its name (TM005), a
non-exact synonym or former label as biosample_name (TM209, TM208), units and resolution that
differ from Table 1 (TM401, TM402), copy-paste characters (TM012), ChIP targets and histone
marks spelt otherwise (TM108-TM110), and a byte order mark (TM007). Every other error and warning
is listed as left for a person, never guessed; infos are advice, left as written.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackmeta.findings import Finding, Severity, paths_argument
from trackmeta.io.lines import physical, records
from trackmeta.ontology.resolver import Resolver

# a new value for the cell
_CELL_FIXES = ("TM012", "TM104", "TM103", "TM209", "TM208", "TM005", "TM107", "TM108", "TM109",
               "TM110", "TM112", "TM401", "TM402")
_NAMED_IN_TRACK = ("transcription_factor", "histone_mark")  # what a track name ends with
_TERM_FIXES = ("TM211", "TM205", "TM201", "TM202", "TM203")  # precedence for a new ontology_curie
_BOM = "TM007"
REPAIRED = (*_CELL_FIXES, *_TERM_FIXES, _BOM)


class RepairError(ValueError):
    """An input fix cannot edit, or an output it must not write (exit 2)."""


@dataclass(frozen=True)
class Edit:
    """A change to one cell: what `fix` does, as data."""

    path: str
    line: int | None
    row: int
    column: str
    old: str
    new: str
    reason: str  # the rule codes behind it


@dataclass(frozen=True)
class FileRepair:
    path: str
    edits: tuple[Edit, ...]
    left: tuple[Finding, ...]  # findings for a person
    diff: str  # unified diff of the text, '' when nothing changed
    fixed: bytes | None  # the corrected file's bytes (None when nothing changed)


@dataclass(frozen=True)
class Repair:
    files: tuple[FileRepair, ...]

    @property
    def edits(self) -> tuple[Edit, ...]:
        return tuple(e for f in self.files for e in f.edits)

    @property
    def left(self) -> tuple[Finding, ...]:
        return tuple(f for r in self.files for f in r.left)

    @property
    def diff(self) -> str:
        return "".join(f.diff for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": {"files": len(self.files), "edits": len(self.edits),
                        "rows": len({(e.path, e.row) for e in self.edits if e.row >= 0}),
                        "left": len(self.left)},
            "edits": [e.__dict__ for e in self.edits],
            "left": [{"code": f.code, "path": f.path, "line": f.line, "row": f.row,
                      "column": f.column, "value": f.value, "message": f.message}
                     for f in self.left],
        }


def fix(paths: str | Path | Sequence[str | Path], *, organism: Any = None,
        ontologies: Mapping[str, str | Path] | None = None) -> Repair:
    """The repairs of tables (TSV, CSV, gzip, Parquet): edits as data, corrected bytes and diffs.
    Nothing is written: the command writes copies, or in place with a backup."""
    from trackmeta.checking.pipeline import check
    from trackmeta.io.readers import expand_paths
    from trackmeta.io.table import PROTO_SUFFIXES

    given = [Path(p) for p in paths_argument(paths, "fix", "tables (TSV, CSV, gzip, Parquet)")]
    inputs = expand_paths(given)
    if inputs.failures:
        first = inputs.failures[0]
        raise RepairError(f"{first.path}: {first.message}")
    files = inputs.files
    if not files:
        raise RepairError("no table to repair was given")
    for path in files:
        if path.name.lower().removesuffix(".gz").endswith(PROTO_SUFFIXES):
            raise RepairError(f"{path}: official protobuf files are read-only: fix the table "
                              "they are made from")
    report = check(files, organism=organism, ontologies=ontologies)
    if report.failures:
        first = report.failures[0]
        raise RepairError(f"{first.path}: {first.message}")
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_file[finding.path or ""].append(finding)
    from trackmeta.io.readers import read_path
    from trackmeta.ontology.resolver import resolver_for
    from trackmeta.specs.organism import organism_specs

    names = resolver_for(organism_specs(organism), ontologies)
    out = []
    for path in files:
        findings = by_file.get(str(path), [])
        frame = read_path(path).frame
        edits, left = _plan(str(path), findings, names, frame)
        if any(f.code == _BOM for f in findings):
            edits.insert(0, Edit(str(path), 1, -1, "", "\ufeff", "", _BOM))
        fixed, diff = _apply(path, edits)
        out.append(FileRepair(str(path), tuple(edits), tuple(left), diff, fixed))
    return Repair(tuple(out))


def _plan(path: str, findings: Iterable[Finding], names: Resolver,
          frame: Any) -> tuple[list[Edit], list[Finding]]:
    rows: dict[int, list[Finding]] = defaultdict(list)
    left: list[Finding] = []
    for f in findings:
        if f.row is None or f.column is None:
            if f.severity >= Severity.WARNING and f.code != _BOM:
                left.append(f)
            continue
        rows[f.row].append(f)
    edits: list[Edit] = []
    types = frame.get("output_type")
    prefixed = types is not None and bool(types.str.startswith("OutputType.").mean() > 0.5)
    for row, found in sorted(rows.items()):
        values = {str(k): str(v) for k, v in frame.loc[row].items()} if row in frame.index else {}
        row_edits, row_left = _row(path, row, found, names, values, prefixed)
        edits.extend(row_edits)
        left.extend(row_left)
    return edits, left


def _row(path: str, row: int, found: list[Finding], names: Resolver, values: Mapping[str, str],
         prefixed: bool) -> tuple[list[Edit], list[Finding]]:
    """One coherent edit of a row: the new term, and what follows from it."""
    cells: dict[str, tuple[str, str, list[str]]] = {}  # column -> (old, new, reasons)
    line = next((f.line for f in found), None)

    def propose(column: str, old: str, new: str, code: str) -> None:
        if column in cells:
            old = cells[column][0]
            reasons = cells[column][2]
        else:
            reasons = []
        cells[column] = (old, new, [*reasons, code])

    for f in found:
        if f.code in _CELL_FIXES and f.fix is not None and f.value is not None:
            new = f"OutputType.{f.fix}" if f.code == "TM005" and prefixed else f.fix
            propose(f.column or "", values.get(f.column or "", f.value), new, f.code)
            name = cells["name"][1] if "name" in cells else values.get("name", "")
            if f.column in _NAMED_IN_TRACK and name.endswith(f" {f.value}"):
                # every mention of the target in the track's name: it names one gene
                mention = re.compile(rf"(?<![\w.-]){re.escape(f.value)}(?![\w.-])")
                propose("name", values.get("name", ""), mention.sub(new, name), f.code)
    term_fix = next((f for code in _TERM_FIXES for f in found
                     if f.code == code and f.column == "ontology_curie" and f.fix), None)
    left = [f for f in found if f.severity >= Severity.WARNING and f is not term_fix
            and not (f.code in _CELL_FIXES and f.fix)
            and not (f.code == "TM301" and term_fix is not None)
            and not (f.code == "TM208" and term_fix is not None)
            and not (f.code in _TERM_FIXES and f.fix)]
    if term_fix is not None and term_fix.value is not None and term_fix.fix is not None:
        old_term, new_term = term_fix.value.strip(), term_fix.fix
        propose("ontology_curie", term_fix.value, new_term, term_fix.code)
        name = values.get("name", "")
        if old_term in name:
            propose("name", name, name.replace(old_term, new_term), term_fix.code)
        current = values.get("biosample_name")
        if current and not names.is_name(new_term, current.strip()):
            term = names.term(new_term)
            label = term.label if term is not None else None
            if label is not None:
                propose("biosample_name", current, label, term_fix.code)
    edits = [Edit(path, line, row, column, old, new, "+".join(dict.fromkeys(reasons)))
             for column, (old, new, reasons) in cells.items() if old != new]
    return edits, left


def _apply(path: Path, edits: Sequence[Edit]) -> tuple[bytes | None, str]:
    """The file with the edits made, and the unified diff of its text."""
    if not edits:
        return None, ""
    from trackmeta.io.safe import gunzip, is_gzip, read_file
    from trackmeta.limits import DEFAULT_MAX_BYTES

    stored = read_file(path)  # one read: whether it is gzip, and the table inside
    compressed = is_gzip(stored)
    data = gunzip(stored, str(path), DEFAULT_MAX_BYTES) if compressed else stored
    if data[:4] == b"PAR1":
        return _apply_parquet(data, edits), _cells_diff(str(path), edits)
    text = data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    dropped = any(e.reason == _BOM for e in edits)
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") and not dropped else ""
    edits = [e for e in edits if e.reason != _BOM]
    lines = physical(text)  # the reader's lines: an edit lands on the line its finding names
    header_line = lines[0].rstrip("\r\n")
    delimiter = max(("\t", ",", ";", "|"), key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter))
    by_line: dict[int, list[Edit]] = defaultdict(list)
    for e in edits:
        if e.line is None:
            raise RepairError(f"{path}: cannot place the edit of row {e.row}")
        by_line[e.line].append(e)
    new_lines = list(lines)
    for number, line_edits in by_line.items():
        _, last, fields = next(records(lines[number - 1:], text, delimiter))
        span = "".join(lines[number - 1:number - 1 + last])  # a quoted record may span lines
        if len(fields) != len(header):
            raise RepairError(f"{path}:{number}: the record does not have the header's "
                              f"{len(header)} fields; fix will not edit it")
        ending = span[len(span.rstrip("\r\n")):]
        for e in line_edits:
            fields[header.index(e.column)] = e.new
        if '"' in span or any(delimiter in v or '"' in v or "\n" in v or "\r" in v
                              for v in fields):
            buffer = io.StringIO()  # its line end makes the writer quote a field holding one
            csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow(fields)
            rebuilt = buffer.getvalue()[:-1]
        else:
            rebuilt = delimiter.join(fields)
        new_lines[number - 1:number - 1 + last] = [rebuilt + ending] + [""] * (last - 1)
    fixed_text = bom + "".join(new_lines)
    if dropped and new_lines:  # the diff shows the mark going, as `patch` would apply it
        lines = ["\ufeff" + lines[0], *lines[1:]]
    diff = "".join(difflib.unified_diff(lines, new_lines, fromfile=str(path), tofile=str(path)))
    if diff and not diff.endswith("\n"):
        diff += "\n\\ No newline at end of file\n"
    fixed = fixed_text.encode("utf-8")
    return (gzip.compress(fixed, mtime=0) if compressed else fixed), diff


def _apply_parquet(data: bytes, edits: Sequence[Edit]) -> bytes:
    import pandas as pd

    frame = pd.read_parquet(io.BytesIO(data))
    for e in edits:
        frame.at[frame.index[e.row], e.column] = e.new
    out = io.BytesIO()
    frame.to_parquet(out, index=False)
    return out.getvalue()


def _cells_diff(path: str, edits: Sequence[Edit]) -> str:
    """For a binary table: the changed cells, one per line (no `patch` applies to Parquet)."""
    return "".join(f"{path}: row {e.row} {e.column}: {e.old!r} -> {e.new!r}\n" for e in edits)
