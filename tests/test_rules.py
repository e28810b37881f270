"""Every rule has a failing and a passing fixture; findings are asserted at (line, column, code)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import FIXTURES, edited, to_text, valid_lines
from trackmeta.rules import RULES

TEXTPROTO = FIXTURES / "metadata.textproto"


@dataclass(frozen=True)
class Case:
    code: str
    outcome: str  # "fail" or "pass"
    make: Callable[[], str | bytes]
    where: tuple[tuple[int | None, str | None], ...] = ()  # (line, column) of each finding
    name: str = "table.tsv"
    options: dict[str, str] = field(default_factory=dict)
    manifest: str | None = None


def cell(line: int, column: str, value: str) -> Callable[[], str]:
    return lambda: to_text(edited(valid_lines(), line, column, value))


def cells(*edits: tuple[int, str, str]) -> Callable[[], str]:
    def make() -> str:
        lines = valid_lines()
        for line, column, value in edits:
            lines = edited(lines, line, column, value)
        return to_text(lines)

    return make


def drop_column(column: str) -> Callable[[], str]:
    def make() -> str:
        lines = valid_lines()
        i = lines[0].index(column)
        return to_text([fields[:i] + fields[i + 1:] for fields in lines])

    return make


def add_column(name: str, value: str) -> Callable[[], str]:
    return lambda: to_text([[*fields, name if n == 0 else value] for n, fields in
                            enumerate(valid_lines())])


def only_rows(*lines: int) -> Callable[[], str]:
    return lambda: to_text([fields for n, fields in enumerate(valid_lines(), 1)
                            if n == 1 or n in lines])


def valid() -> str:
    return to_text(valid_lines())


CASES = [
    Case("TM001", "fail", drop_column("histone_mark"), ((1, "histone_mark"),)),
    Case("TM001", "pass", lambda: to_text(  # a CAGE-only table needs no transcription_factor
        [f[:-1] for n, f in enumerate(valid_lines(), 1) if n in (1, 4, 5)])),
    Case("TM002", "fail", add_column("biosample", "x"), ((1, "biosample"),)),
    Case("TM002", "pass", valid),
    Case("TM003", "fail", lambda: to_text([[*f, f[0]] for f in valid_lines()]), ((1, "name"),)),
    Case("TM003", "pass", valid),
    Case("TM004", "fail", lambda: valid() + "extra\trow\n", ((27, None),)),
    Case("TM004", "pass", valid),
    Case("TM005", "fail", cell(9, "output_type", "OutputType.RNA_SEQS"), ((9, "output_type"),)),
    Case("TM005", "fail", cell(9, "output_type", "rnaseq"), ((9, "output_type"),)),  # a file alias
    Case("TM005", "fail", cell(9, "output_type", "RNA-SEQ"), ((9, "output_type"),)),
    Case("TM005", "pass", cell(9, "output_type", "RNA_SEQ")),
    Case("TM006", "fail", lambda: to_text(valid_lines()[:1]), ((1, None),)),
    Case("TM006", "pass", only_rows(2)),
    Case("TM007", "fail", lambda: b"\xef\xbb\xbf" + valid().encode(), ((1, None),)),
    Case("TM007", "pass", lambda: valid().encode()),
    Case("TM008", "fail", cell(2, "biosample_life_stage", "postnatal"),
         ((2, "biosample_life_stage"),)),
    Case("TM008", "pass", valid),
    Case("TM009", "fail", valid, ((25, "output_type"), (26, "output_type")),
         options={"organism": "mouse"}),
    Case("TM009", "pass", valid),
    Case("TM010", "fail", lambda: to_text([[*f, ""] for f in valid_lines()]), ((1, ""),)),
    Case("TM010", "pass", valid),
    Case("TM011", "fail", lambda: TEXTPROTO.read_text().replace(
        '      assay: "DNase-seq"\n', '      assay: "DNase-seq"\n      tissue_code: "X"\n', 1),
         ((17, None),), name="metadata.textproto"),
    Case("TM011", "pass", TEXTPROTO.read_text, name="metadata.textproto"),
    Case("TM012", "fail", cell(7, "ontology_curie", "CL:\u200b0000084"), ((7, "ontology_curie"),)),
    Case("TM012", "fail", cell(7, "strand", "\u2212"), ((7, "strand"),)),
    Case("TM012", "fail", cell(6, "name", "CL:0000047 DNase-seq\u00a0"), ((6, "name"),)),
    Case("TM012", "pass", cell(4, "biosample_name", "mesothelial cell")),
    Case("TM101", "fail", cell(6, "biosample_type", ""), ((6, "biosample_type"),)),
    Case("TM101", "pass", cell(8, "gtex_tissue", "")),  # optional for RNA_SEQ
    Case("TM102", "fail", cell(8, "histone_mark", "H3K27ac"), ((8, "histone_mark"),)),
    Case("TM102", "pass", cell(11, "histone_mark", "H3K27ac")),
    Case("TM103", "fail", cell(4, "strand", "."), ((4, "strand"),)),
    Case("TM103", "pass", cell(8, "strand", ".")),  # RNA_SEQ allows unstranded
    Case("TM103", "fail", cell(2, "biosample_life_stage", "adult, child"),
         ((2, "biosample_life_stage"),)),
    Case("TM103", "pass", cell(2, "biosample_life_stage", "adult,child")),
    Case("TM104", "fail", cell(5, "biosample_name", "fat cell "), ((5, "biosample_name"),)),
    Case("TM104", "pass", cell(5, "biosample_name", "fat cell")),
    Case("TM105", "fail", cell(2, "nonzero_mean", "nan"), ((2, "nonzero_mean"),)),
    Case("TM105", "fail", cell(3, "nonzero_mean", "0"), ((3, "nonzero_mean"),)),
    Case("TM105", "pass", cell(2, "nonzero_mean", "1e-3")),
    Case("TM106", "fail", cell(13, "transcription_factor", "CTCF;"), ((13, "transcription_factor"),)),
    Case("TM106", "pass", cell(13, "transcription_factor", "CTCF")),
    Case("TM107", "fail", cell(13, "transcription_factor", "CTFC"), ((13, "transcription_factor"),)),
    Case("TM107", "fail", cell(13, "transcription_factor", "POLR2phosphoS5"),
         ((13, "transcription_factor"),)),
    Case("TM107", "pass", cell(13, "transcription_factor", "POLR2AphosphoS5")),  # gene + mod
    Case("TM107", "pass", cell(13, "transcription_factor", "EZH2phosphoT487")),
    Case("TM112", "fail", cell(13, "transcription_factor", "ARNTL"), ((13, "transcription_factor"),)),
    Case("TM112", "fail", cell(13, "transcription_factor", "C11orf30"),
         ((13, "transcription_factor"),)),
    Case("TM112", "pass", cell(13, "transcription_factor", "BMAL1")),
    Case("TM108", "fail", cell(13, "transcription_factor", "Ctcf"), ((13, "transcription_factor"),)),
    Case("TM108", "fail", cell(14, "transcription_factor", "ep300"), ((14, "transcription_factor"),)),
    Case("TM108", "pass", valid),
    Case("TM108", "pass", cell(13, "transcription_factor", "CTCF"), options={"organism": "mouse"}),
    Case("TM109", "fail", cell(13, "transcription_factor", "2-Sep"), ((13, "transcription_factor"),)),
    Case("TM109", "pass", cell(13, "transcription_factor", "SEPTIN2")),
    Case("TM110", "fail", cell(11, "histone_mark", "H3K4me4"), ((11, "histone_mark"),)),
    Case("TM110", "fail", cell(12, "histone_mark", "H3k9me3"), ((12, "histone_mark"),)),
    Case("TM110", "fail", cell(12, "histone_mark", "H3me3"), ((12, "histone_mark"),)),
    Case("TM110", "pass", cell(11, "histone_mark", "H2BK120ac")),
    Case("TM110", "pass", cell(11, "histone_mark", "H3ac")),
    Case("TM111", "fail", cell(11, "histone_mark", "H2AFZ"), ((11, "histone_mark"),)),
    Case("TM111", "pass", valid),
    Case("TM201", "fail", cells((2, "ontology_curie", "CL_0000084"), (2, "name", "ATAC-seq")),
         ((2, "ontology_curie"),)),
    Case("TM201", "pass", valid),
    Case("TM202", "fail", cells((2, "ontology_curie", "MONDO:0005148"), (2, "name", "ATAC-seq")),
         ((2, "ontology_curie"),)),
    Case("TM202", "pass", cells((2, "ontology_curie", "CLO:0026782"), (2, "name", "ATAC-seq"))),
    Case("TM203", "fail", cell(7, "ontology_curie", "CL:84"), ((7, "ontology_curie"),)),
    Case("TM203", "pass", cell(7, "ontology_curie", "CL:0000084")),
    Case("TM204", "fail", cell(6, "ontology_curie", "CL:9999999"), ((6, "ontology_curie"),)),
    Case("TM204", "pass", valid),
    Case("TM205", "fail", cells((6, "ontology_curie", "CL:0010003"),
                                (6, "name", "CL:0010003 DNase-seq")), ((6, "ontology_curie"),)),
    Case("TM205", "pass", cells((6, "ontology_curie", "CL:0000322"),
                                (6, "name", "CL:0000322 DNase-seq"))),
    Case("TM206", "fail", cells((6, "ontology_curie", "NTR:0000856"),
                                (6, "name", "NTR:0000856 DNase-seq")), ((6, "ontology_curie"),)),
    Case("TM206", "pass", valid),
    Case("TM204", "fail", cells((6, "ontology_curie", "NTR:9999999"),  # not in ENCODE's list
                                (6, "name", "NTR:9999999 DNase-seq")), ((6, "ontology_curie"),)),
    Case("TM208", "fail", cells((6, "ontology_curie", "NTR:0000856"),  # ENCODE: 'mesendoderm'
                                (6, "name", "NTR:0000856 DNase-seq")), ((6, "biosample_name"),)),
    Case("TM208", "pass", cells((6, "ontology_curie", "NTR:0000856"), (6, "biosample_name", "mesendoderm"),
                                (6, "name", "NTR:0000856 DNase-seq"))),
    Case("TM213", "fail", cells((6, "ontology_curie", "NTR:0000856"), (6, "biosample_name", "Mesendoderm"),
                                (6, "name", "NTR:0000856 DNase-seq")), ((6, "biosample_name"),)),
    Case("TM207", "fail", cell(23, "ontology_curie", "CLO:0026782"), ((23, "ontology_curie"),)),
    Case("TM207", "pass", valid),
    Case("TM208", "fail", cell(6, "biosample_name", "T-cell"), ((6, "biosample_name"),)),
    Case("TM208", "pass", cell(2, "biosample_name", "T lymphocyte")),  # an exact synonym
    Case("TM213", "fail", cell(6, "biosample_name", "Neuronal Stem-Cell"), ((6, "biosample_name"),)),
    Case("TM213", "fail", cell(9, "biosample_name", "osteoblasts"), ((9, "biosample_name"),)),
    Case("TM213", "fail", cells((23, "biosample_name", "SJCRH30"), (23, "ontology_curie", "EFO:0005722")),
         ((23, "biosample_name"),)),  # a name ontologies/abbreviations.yaml declares
    Case("TM213", "pass", valid),
    Case("TM208", "fail", cell(4, "biosample_name", "mesenchymal cell"), ((4, "biosample_name"),)),
    Case("TM209", "fail", cell(2, "biosample_name", "mature T cell"), ((2, "biosample_name"),),
         options={"cl": "cl-mini.obo"}),  # a RELATED synonym, in a release that carries them
    Case("TM209", "pass", cell(2, "biosample_name", "T lymphocyte"), options={"cl": "cl-mini.obo"}),
    Case("TM210", "fail", cell(6, "biosample_type", "tissue"), ((6, "biosample_type"),)),
    Case("TM210", "fail", cells((23, "ontology_curie", "UBERON:0000948"),
                                (23, "biosample_name", "heart")), ((23, "biosample_type"),)),
    Case("TM210", "pass", cell(6, "biosample_type", "primary_cell")),
    Case("TM211", "fail", cells((10, "ontology_curie", "UBERON:0002037"),
                                (10, "name", "UBERON:0002037 gtex Brain_Cerebellar_Hemisphere "
                                             "polyA plus RNA-seq")), ((10, "ontology_curie"),)),
    Case("TM211", "pass", cell(10, "gtex_tissue", "Brain - Cerebellar Hemisphere")),
    Case("TM212", "fail", cells((23, "ontology_curie", "CLO:0026782"),
                                (23, "biosample_name", "no-such-cell-line")), ((23, "biosample_name"),)),
    Case("TM212", "pass", cells((23, "ontology_curie", "CLO:0026782"), (23, "biosample_name", "GM19397"))),
    Case("TM301", "fail", cell(2, "ontology_curie", "CL:0000100"), ((2, "name"),)),
    Case("TM301", "pass", cell(23, "name", "4dn:4DNFI9GMP2J8")),
    Case("TM302", "fail", lambda: valid() + "\t".join(valid_lines()[1]) + "\n", ((27, "name"),)),
    Case("TM302", "pass", valid),  # same names on both strands (SPLICE_SITES) are distinct
    Case("TM303", "fail", cell(8, "gtex_tissue", "Liver"), ((8, "gtex_tissue"),)),
    Case("TM303", "pass", cell(21, "gtex_tissue", "Liver")),  # SPLICE_JUNCTIONS has no source
    # a units column: right for RNA_SEQ, CAGE and PROCAP rows, wrong for all others
    Case("TM401", "fail", add_column("units", "Normalized read signal"),
         tuple((n, "units") for n in (2, 3, 6, 7, *range(11, 25)))),
    Case("TM401", "pass", lambda: to_text(
        [[*f, "units" if n == 1 else "Normalized read signal"]
         for n, f in enumerate(valid_lines(), 1) if n in (1, 4, 5, 8, 25)])),
    Case("TM401", "pass", valid, manifest="output_types:\n  CAGE: {units: Normalized read signal}\n"),
    Case("TM401", "fail", valid, ((2, "units"),),
         manifest="output_types:\n  CAGE: {units: Normalized insertion signal}\n"),
    Case("TM402", "fail", valid, ((3, "resolution"),),
         manifest="output_types:\n  DNASE:\n    resolution: 128bp\n"),
    Case("TM402", "fail", add_column("resolution", "128bp"),
         tuple((n, "resolution") for n in (*range(2, 11), *range(15, 27)))),
    Case("TM402", "pass", valid, manifest="output_types:\n  CONTACT_MAPS: {resolution: 2048 bp}\n"),
    Case("TM403", "fail", valid, ((None, "output_type"),) * 10, options={"expect": "table1"}),
    Case("TM403", "pass", valid),
    Case("TM404", "fail", valid, ((None, "ontology_curie"),) * 10, options={"expect": "table1"}),
    Case("TM404", "pass", valid),
]


def _run(case: Case, tmp_path: Path) -> list[tuple[int | None, str | None]]:
    content = case.make()
    target = tmp_path / "release"
    target.mkdir()
    path = target / case.name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    if case.manifest is not None:
        (target / "manifest.yaml").write_text(case.manifest, encoding="utf-8")
    report = trackmeta.check(target if case.manifest is not None else path,
                             output_type=case.options.get("output_type"),
                             organism=case.options.get("organism"),
                             expect=case.options.get("expect"),
                             ontologies={"CL": FIXTURES / "ontologies" / case.options["cl"]}
                             if "cl" in case.options else None)
    assert not report.failures, report.failures
    return [(f.line, f.column) for f in report.findings if f.code == case.code]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.code}-{c.outcome}")
def test_rule_case(case: Case, tmp_path: Path) -> None:
    found = _run(case, tmp_path)
    if case.outcome == "pass":
        assert found == []
    else:
        assert sorted(found, key=str) == sorted(case.where, key=str)


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    covered = {(c.code, c.outcome) for c in CASES}
    missing = [f"{code} {outcome}" for code in RULES for outcome in ("fail", "pass")
               if (code, outcome) not in covered]
    assert missing == []


def test_every_rule_is_documented_with_a_stable_code_and_kebab_name() -> None:
    import re

    names = [r.name for r in RULES.values()]
    assert len(set(names)) == len(names)
    for code, r in RULES.items():
        assert re.fullmatch(r"TM[0-4]\d\d", code) and r.code == code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name)
        assert all(text.strip() for text in (r.summary, r.why, r.example, r.fix)), code


def _table_cases() -> list[Case]:
    """The failing cases that are tables `fix` can edit (no manifest, no option fix lacks)."""
    return [c for c in CASES if c.outcome == "fail" and c.manifest is None
            and "output_type" not in c.options and "expect" not in c.options
            and c.name.endswith((".tsv", ".csv"))]


@pytest.mark.parametrize("case", _table_cases(), ids=lambda c: c.code)
def test_fix_applies_every_fix_check_proposes(case: Case, tmp_path: Path) -> None:
    """Parity over the rule catalogue (#31): a finding's fix is an edit `fix` makes, and what
    `fix` does not edit, at warning or error, is listed as left for a person."""
    path = tmp_path / case.name
    content = case.make()
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(
        content, encoding="utf-8")
    ontologies = ({"CL": FIXTURES / "ontologies" / case.options["cl"]}
                  if "cl" in case.options else None)
    report = trackmeta.check(path, organism=case.options.get("organism"), ontologies=ontologies)
    repair = trackmeta.fix(path, organism=case.options.get("organism"), ontologies=ontologies)
    # an output type is written as the table writes the others (OutputType.RNA_SEQ)
    edits = {(e.row, e.column): e.new.removeprefix("OutputType.") for e in repair.edits}
    for finding in report.findings:
        if finding.fix is not None:
            assert edits.get((finding.row, finding.column)) == finding.fix, finding
        elif finding.severity >= trackmeta.Severity.WARNING and finding.code != "TM007":
            # a new term settles what its name and biosample_name must be
            touched = {(finding.row, finding.column), (finding.row, "ontology_curie")} & set(edits)
            assert touched or finding in repair.left, finding
    if any(f.code == "TM007" for f in report.findings):
        assert repair.files[0].fixed is not None
        assert not repair.files[0].fixed.startswith(b"\xef\xbb\xbf")


def test_every_rule_with_a_fix_has_a_case_fix_can_apply() -> None:
    from trackmeta.curation.fix import REPAIRED

    covered = {c.code for c in _table_cases()}
    assert set(REPAIRED) - covered == set()
