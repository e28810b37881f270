"""The words around the term: ChIP targets, histone marks, NTR ids and cell-line names checked
against declared vocabularies; planted defects in copies of the real tables found at their line
and column, with the fix where it is certain; the real tables' own findings, one by one."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import (
    FIXTURES,
    REAL_TSV,
    REPO,
    SHARED,
    edited,
    needs_shared,
    real_report,
    run_cli,
    to_text,
)
from trackmeta.ontology.vocabulary import Vocabularies, Vocabulary, VocabularyError
from trackmeta.specs.model import default_specs

VOCAB = SHARED / "vocab"


def _lines(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def _first(lines: list[list[str]], output_type: str, skip: int = 0) -> int:
    """The physical line of the (skip+1)-th row of an output type."""
    column = lines[0].index("output_type")
    found = [n for n, fields in enumerate(lines, 1) if fields[column].endswith(output_type)]
    return found[skip]


def _planted(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    lines = _lines(REAL_TSV)
    at = {"CTFC": _first(lines, "CHIP_TF", 0), "ep300": _first(lines, "CHIP_TF", 1),
          "2-Sep": _first(lines, "CHIP_TF", 2), "H3K27ax": _first(lines, "CHIP_HISTONE", 0),
          "H3k9me3": _first(lines, "CHIP_HISTONE", 1), "H3K4me4": _first(lines, "CHIP_HISTONE", 2)}
    mark = lines[0].index("histone_mark")
    own = lines[at["H3k9me3"] - 1][mark]  # a row's own mark, its case damaged
    assert own == "H2AK5ac"
    planted = {"H3k9me3": "h2ak5AC"}
    for column, values in (("transcription_factor", ("CTFC", "ep300", "2-Sep")),
                           ("histone_mark", ("H3K27ax", "H3k9me3", "H3K4me4"))):
        for key in values:  # the track name ends with the target, as real names do
            value = planted.get(key, key)
            name = lines[at[key] - 1][0].rsplit(" ", 1)[0] + " " + value
            lines = edited(edited(lines, at[key], column, value), at[key], "name", name)
    curie = lines[0].index("ontology_curie")
    ntr = [n for n, fields in enumerate(lines, 1) if fields[curie] == "NTR:0000856"]
    at["NTR:9999999"], at["Mesendoderm"] = ntr[0], ntr[1]
    lines = edited(lines, ntr[0], "ontology_curie", "NTR:9999999")
    lines = edited(lines, ntr[0], "name", lines[ntr[0] - 1][0].replace("NTR:0000856", "NTR:9999999"))
    lines = edited(lines, ntr[1], "biosample_name", "Mesendoderm")
    path = tmp_path / "tracks.tsv"
    path.write_text(to_text(lines), encoding="utf-8")
    return path, at


@needs_shared
def test_planted_defects_in_the_real_table_are_found_where_they_are(tmp_path: Path) -> None:
    path, at = _planted(tmp_path)
    report = trackmeta.check(path)
    found = {(f.line, f.column, f.code): f.fix for f in report.findings
             if f.code in ("TM107", "TM108", "TM109", "TM110", "TM112", "TM204")
             or (f.code == "TM213" and f.line in at.values())}
    assert found == {
        (at["CTFC"], "transcription_factor", "TM107"): None,
        (at["ep300"], "transcription_factor", "TM108"): "EP300",
        (at["2-Sep"], "transcription_factor", "TM109"): "SEPTIN2",
        (at["H3K27ax"], "histone_mark", "TM110"): None,
        (at["H3k9me3"], "histone_mark", "TM110"): "H2AK5ac",
        (at["H3K4me4"], "histone_mark", "TM110"): None,
        (at["NTR:9999999"], "ontology_curie", "TM204"): None,
        (at["Mesendoderm"], "biosample_name", "TM213"): None,  # an info: the label is expected, not a fix
        # the real table's own
        (3032, "transcription_factor", "TM112"): "BMAL1",  # former symbols: today's gene (#30)
        (3520, "transcription_factor", "TM112"): "ZNF724",
        (3536, "transcription_factor", "TM112"): "ZNF788P",
        (3670, "transcription_factor", "TM112"): "EMSY",
        (4316, "transcription_factor", "TM108"): "CEBPA",
    }
    assert sum(f.code == "TM213" for f in report.findings) == 27 + 1  # the real ones, planted
    by_line = {f.line: f.message for f in report.findings if f.code in ("TM107", "TM110")}
    assert "spellings one edit away: CTCF" in by_line[at["CTFC"]]
    assert "me4 is not a state lysine (K) takes (me1, me2, me3)" in by_line[at["H3K4me4"]]
    assert "'ax' is not a modification of lysine (K)" in by_line[at["H3K27ax"]]


@needs_shared
def test_fix_makes_the_certain_repairs_and_renames_the_track_with_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, at = _planted(tmp_path)
    fixed = tmp_path / "fixed.tsv"
    assert run_cli(capsys, "fix", str(path), "-o", str(fixed))[0] == 0
    edits = {(e.line, e.column): (e.old, e.new) for e in trackmeta.fix(path).edits}
    assert edits[(at["ep300"], "transcription_factor")] == ("ep300", "EP300")
    assert edits[(at["2-Sep"], "transcription_factor")] == ("2-Sep", "SEPTIN2")
    assert edits[(at["H3k9me3"], "histone_mark")] == ("h2ak5AC", "H2AK5ac")
    assert edits[(at["H3k9me3"], "name")][1].endswith(" H2AK5ac")
    assert edits[(4316, "transcription_factor")] == ("Cebpa", "CEBPA")
    assert (at["Mesendoderm"], "biosample_name") not in edits  # a naming variant: an info
    assert (at["CTFC"], "transcription_factor") not in edits  # a near miss is for a person
    after = {(f.line, f.code) for f in trackmeta.check(fixed).findings}
    assert (at["ep300"], "TM108") not in after and (at["2-Sep"], "TM109") not in after
    assert (at["CTFC"], "TM107") in after
    changes = trackmeta.diff(path, fixed)  # renamed tracks pair as changed, not removed + added
    assert changes.added == () and changes.removed == ()


def test_mouse_targets_written_upper_case_raise_nothing(tmp_path: Path) -> None:
    lines = _lines(FIXTURES / "mouse.tsv")
    line = _first(lines, "CHIP_TF")
    for value, codes in (("CTCF", []), ("Ctcf", []), ("ctcf", ["TM108"]), ("CTFC", ["TM107"]),
                         ("ZNF384", ["TM107"])):
        path = tmp_path / "mouse.tsv"
        path.write_text(to_text(edited(lines, line, "transcription_factor", value)))
        report = trackmeta.check(path, organism="mouse", select=["TM1"])
        assert [f.code for f in report.findings] == codes, value
    assert "it is a human gene name" in report.findings[0].message
    assert trackmeta.check(path, organism="mouse", select=["TM1"]).findings[0].fix is None


@needs_shared
def test_the_real_tables_raise_only_these(tmp_path: Path) -> None:
    report = real_report()
    words = sorted({(f.code, f.value) for f in report.findings
                    if f.code in ("TM107", "TM108", "TM109", "TM110", "TM111", "TM112",
                                  "TM212")})
    assert words == [  # former symbols name today's gene (#30), never a neighbour
        ("TM108", "Cebpa"), ("TM111", "H2AFZ"), ("TM111", "H3F3A"),
        ("TM112", "ARNTL"), ("TM112", "C11orf30"), ("TM112", "ZNF724P"), ("TM112", "ZNF788")]
    lines = [f.message for f in report.findings if f.code == "TM207"]
    # a bracketed qualifier picks the line, and a 'Clone' word is read past (#30)
    assert any("'HK-2' as CVCL_0302 'HK-2 [Human kidney]'" in m for m in lines)
    assert any("'Jurkat, Clone E6-1' as CVCL_0367 'Jurkat E6.1'" in m for m in lines)
    fixes = {f.value: f.fix for f in report.findings if f.code == "TM112"}
    assert fixes == {"ARNTL": "BMAL1", "C11orf30": "EMSY", "ZNF724P": "ZNF724",
                     "ZNF788": "ZNF788P"}
    provisional = [f.message for f in report.findings if f.code == "TM206"]
    assert any("names it 'nephron progenitor cell'" in m for m in provisional)
    clo = [f.message for f in report.findings if f.code == "TM207"]
    assert any("Cellosaurus knows 'GM19397' as CVCL_P335 'GM19397'" in m for m in clo)


def test_a_vocabulary_is_opened_only_for_the_columns_that_need_it(tmp_path: Path) -> None:
    lines = [f for f in _lines(FIXTURES / "valid.tsv") if "CHIP" not in f[11]]
    path = tmp_path / "no_chip.tsv"
    path.write_text(to_text(lines))
    assert trackmeta.check(path).vocabularies == ()
    names = [v["name"] for v in trackmeta.check(FIXTURES / "valid.tsv").vocabularies]
    assert names == ["genes-human", "histone-marks"]


def test_reports_and_the_listing_name_the_vocabularies(capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema

    code, out, _ = run_cli(capsys, "check", str(FIXTURES / "valid.tsv"), "--format", "json")
    document = json.loads(out)
    schema = json.loads((REPO / "schemas/report/report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert [v["title"] for v in document["vocabularies"]] == [
        "GENCODE human gene names", "Histone modification grammar"]
    code, out, _ = run_cli(capsys, "ontologies", "--format", "json")
    listed = {v["name"]: v for v in json.loads(out)["vocabularies"]}
    assert code == 0 and listed["genes-human"]["entries"] > 70_000
    assert listed["encode-ntr"]["entries"] == 114 and listed["histone-marks"]["entries"] is None


def test_a_damaged_vocabulary_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path))
    decl = default_specs().vocabularies["encode-ntr"]
    with pytest.raises(VocabularyError, match="does not match the sha256"):
        Vocabulary(dataclasses.replace(decl, sha256="0" * 64))
    assert Vocabulary(decl).get("NTR:0000856") == [("mesendoderm", "embryo")]
    unpacked = next((tmp_path / "vocab").glob("encode-ntr-*.vocab"))
    unpacked.write_bytes(unpacked.read_bytes()[:-10])  # cut short: made again, never trusted
    assert Vocabulary(decl).get("NTR:0000856") == [("mesendoderm", "embryo")]


@pytest.mark.skipif(not VOCAB.is_dir(), reason=f"the vocabulary sources are not at {VOCAB}")
def test_the_shipped_vocabularies_are_what_the_script_compiles(tmp_path: Path) -> None:
    from trackmeta.ontology.compile import compile_one

    declared = default_specs().vocabularies
    for decl in declared.values():
        if decl.file is None:
            continue
        shipped = REPO / "ontologies" / "vocabularies" / decl.file
        joined = declared[decl.joins] if decl.joins else None
        assert compile_one(decl, VOCAB, joined) == shipped.read_bytes(), decl.name


def test_the_track_name_is_evidence_for_a_near_miss(tmp_path: Path) -> None:
    """#30: `CTFC` on a track named `... CTCF` is CTCF (the fix, said so); with no name to
    go by, or one naming two candidates, the spellings one edit away stay suggestions."""
    lines = _lines(FIXTURES / "valid.tsv")
    line = 13
    for name, fix in (("CL:0000084 TF ChIP-seq CTCF", "CTCF"), ("CL:0000084 TF ChIP-seq", None),
                      ("CL:0000084 TF ChIP-seq CTCF CTF1", None)):
        path = tmp_path / "t.tsv"
        path.write_text(to_text(edited(edited(lines, line, "transcription_factor", "CTFC"),
                                       line, "name", name)))
        (found,) = [f for f in trackmeta.check(path).findings if f.code == "TM107"]
        assert (found.line, found.column, found.fix) == (line, "transcription_factor", fix)
        if fix:
            assert "the track's name says CTCF" in found.message
            assert {(e.column, e.new) for e in trackmeta.fix(path).edits} == {
                ("transcription_factor", "CTCF")}


def test_a_track_name_that_says_another_target_contradicts_every_candidate(tmp_path: Path) -> None:
    """#30: `CTFC` on a track named `... TF ChIP-seq REST`: none of the spellings near CTFC is
    what the name says; the message says so, and nothing is fixed."""
    lines = _lines(FIXTURES / "valid.tsv")
    line = 13
    path = tmp_path / "t.tsv"
    path.write_text(to_text(edited(edited(lines, line, "transcription_factor", "CTFC"),
                                   line, "name", "CL:0000084 TF ChIP-seq REST")))
    (found,) = [f for f in trackmeta.check(path).findings if f.code == "TM107"]
    assert (found.line, found.column, found.fix) == (line, "transcription_factor", None)
    assert "but the track's name says REST, which none of them is" in found.message
    assert trackmeta.fix(path).edits == ()


def test_histone_variants_are_hgnc_data_not_a_hand_kept_list() -> None:
    """#30: the variants ENCODE names by gene symbol come from HGNC joined to GENCODE; the five
    once kept by hand read as before, and HGNC adds the rest (H2AFV is a gene of H2A.Z too)."""
    specs = default_specs()
    grammar = Vocabularies(specs.vocabularies).grammar("histone-marks")
    assert {symbol: grammar.variants[symbol] for symbol in
            ("H2AFZ", "H3F3A", "H3F3B", "H2AFX", "H2AFY")} == {
        "H2AFZ": ("H2AZ1", "H2A.Z"), "H3F3A": ("H3-3A", "H3.3"), "H3F3B": ("H3-3B", "H3.3"),
        "H2AFX": ("H2AX", "H2A.X"), "H2AFY": ("MACROH2A1", "macroH2A1")}
    assert grammar.variants["H2AFV"] == ("H2AZ2", "H2A.Z")
    assert not any(symbol.startswith("HIST") for symbol in grammar.variants)
    # read only where the grammar does not take a name: no variant symbol is a modification
    assert all(grammar._problem(symbol) is not None for symbol in grammar.variants)
    for decl in specs.vocabularies.values():
        if decl.grammar is not None:
            assert specs.vocabularies[decl.grammar["variants_from"]].kind == "histone-variants"


def test_a_variant_symbol_hgnc_adds_is_named_with_its_histone(tmp_path: Path) -> None:
    lines = _lines(FIXTURES / "valid.tsv")
    line = next(i for i, f in enumerate(lines, 1) if f[13] and i > 1)
    path = tmp_path / "t.tsv"
    path.write_text(to_text(edited(lines, line, "histone_mark", "H2AFV")))
    (found,) = [f for f in trackmeta.check(path).findings if f.code == "TM111"]
    assert (found.line, found.column, found.expected) == (line, "histone_mark", "H2A.Z")
    assert "histone variant H2A.Z (now H2AZ2)" in found.message
    assert "histone-variants" in [v["name"] for v in trackmeta.check(path).vocabularies]
    assert "histone-variants" not in [v["name"] for v in trackmeta.check(
        FIXTURES / "valid.tsv").vocabularies]  # well-formed marks need no variant list


def test_a_curie_spelling_fix_is_weighed_against_the_track_name(tmp_path: Path) -> None:
    """#30: 'CL:84' is CL:0000084 by its spelling; on a track named 'CL:0000084 ...' that is the
    fix (said so), on one named 'UBERON:0002048 ...' the name contradicts it: no fix; a name
    that repeats the misspelt CURIE is no evidence either way."""
    lines = _lines(FIXTURES / "valid.tsv")
    line = 2  # CL:0000084 ATAC-seq
    for name, fix, said in (("CL:0000084 ATAC-seq", "CL:0000084", "says CL:0000084 too"),
                            ("CL:84 ATAC-seq", "CL:0000084", "not '84'"),  # no evidence
                            ("UBERON:0002048 ATAC-seq", None,
                             "but the track's name says UBERON:0002048, not CL:0000084")):
        path = tmp_path / "t.tsv"
        path.write_text(to_text(edited(edited(lines, line, "ontology_curie", "CL:84"),
                                       line, "name", name)))
        (found,) = [f for f in trackmeta.check(path).findings if f.code == "TM203"]
        assert (found.line, found.column, found.fix) == (line, "ontology_curie", fix)
        assert said in found.message
        edits = {(e.column, e.new) for e in trackmeta.fix(path).edits}
        assert (("ontology_curie", "CL:0000084") in edits) == (fix is not None)
