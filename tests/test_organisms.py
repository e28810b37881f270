"""Organism is a dimension of the specs: each organism's rules fail and pass on its own fixture,
the organism is declared or inferred, and a third organism is a data change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import FIXTURES, REPO, VALID, edited, to_text, valid_lines
from trackmeta.cli import main
from trackmeta.findings import UsageError
from trackmeta.specs.model import load_specs

MOUSE = FIXTURES / "mouse.tsv"


def found(report: trackmeta.Report, code: str | None = None) -> list[tuple[int | None, str | None, str]]:
    return [(f.line, f.column, f.code) for f in report.findings if code in (None, f.code)]


def mouse_lines() -> list[list[str]]:
    return [line.split("\t") for line in MOUSE.read_text(encoding="utf-8").splitlines()]


def test_mouse_fixture_is_clean_as_mouse_and_flagged_as_human() -> None:
    assert found(trackmeta.check(MOUSE, organism="mouse")) == []
    as_human = trackmeta.check(MOUSE)
    assert as_human.organisms == {str(MOUSE): "human"}
    assert found(as_human) == [
        (2, "biosample_life_stage", "TM008"),   # one finding says which organism fits
        (2, "biosample_life_stage", "TM103"),   # 'postnatal' is ENCODE's mouse life stage only
        (3, "biosample_type", "TM210"),         # C2C12 is a mouse cell line
        (5, "biosample_type", "TM210"),         # 416B too
    ]
    (hint,) = [f for f in as_human.findings if f.code == "TM008"]
    assert hint.fix is None and "--organism mouse" in hint.message  # advice, not a cell value


@pytest.mark.parametrize("stage, organism, ok", [
    ("postnatal", "mouse", True), ("postnatal", "human", False),
    ("child", "human", True), ("child", "mouse", False),
    ("newborn", "mouse", False), ("adult,unknown", "mouse", True),
])
def test_life_stages_follow_encode_per_organism(
        stage: str, organism: str, ok: bool, tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text(to_text(edited(mouse_lines(), 4, "biosample_life_stage", stage)))
    report = trackmeta.check(path, organism=organism)
    assert ((4, "biosample_life_stage", "TM103") not in found(report, "TM103")) is ok


def test_human_cell_line_in_mouse_metadata_and_gtex_and_procap() -> None:
    report = trackmeta.check(VALID, organism="MUS_MUSCULUS")
    assert report.organisms == {str(VALID): "mouse"}
    assert found(report) == [
        (10, "gtex_tissue", "TM102"),       # GTEx is human: mouse tracks carry no tissue
        (23, "biosample_type", "TM210"),    # H1-hESC is a Homo sapiens cell line
        (24, "biosample_type", "TM210"),    # HFFc6 too
        (25, "output_type", "TM009"),       # no PROCAP for mouse
        (26, "output_type", "TM009"),
    ]
    h1 = next(f for f in report.findings if f.line == 23)
    assert "EFO:0002888 'Homo sapiens cell line', which a mouse cell_line cannot be" in h1.message
    assert "EFO:0002887 'mouse cell line'" in str(h1.expected)


@pytest.mark.parametrize("organism", ["human", "mouse"])
def test_a_cell_type_is_not_a_cell_line(organism: str, tmp_path: Path) -> None:
    lines = edited(mouse_lines(), 3, "ontology_curie", "EFO:0004038")
    lines = edited(lines, 3, "name", "EFO:0004038 DNase-seq")
    lines = edited(lines, 3, "biosample_name", "mouse embryonic stem cell")
    path = tmp_path / "t.tsv"
    path.write_text(to_text(lines))
    (finding,) = [f for f in trackmeta.check(path, organism=organism).findings if f.line == 3]
    assert finding.code == "TM210" and "EFO:0000324 'cell type'" in finding.message


def test_organism_from_manifest_and_from_official_file_name(tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    shutil.copy(MOUSE, release / "tracks.tsv")
    (release / "manifest.yaml").write_text("organism: MUS_MUSCULUS\noutput_types: {}\n")
    assert trackmeta.check(release).organisms == {str(release / "tracks.tsv"): "mouse"}
    named = tmp_path / "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.tsv"
    shutil.copy(MOUSE, named)
    report = trackmeta.check(named)
    assert report.organisms == {str(named): "mouse"} and report.ok
    # a declared organism that contradicts what the file name says is a usage error (#31)
    from trackmeta.findings import UsageError

    with pytest.raises(UsageError, match=r"is mouse metadata \(its name says so\), not human"):
        trackmeta.check(named, organism="human")


def test_unknown_organism_in_manifest_is_exit_2_at_its_line(tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    shutil.copy(MOUSE, release / "tracks.tsv")
    (release / "manifest.yaml").write_text("release: x\norganism: rat\noutput_types: {}\n")
    report = trackmeta.check(release)
    assert report.exit_code == 2
    (failure,) = report.failures
    assert (failure.line, failure.column) == (2, "organism") and "'rat'" in failure.message


def test_unknown_organism_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError, match="unknown organism 'rat'"):
        trackmeta.check(MOUSE, organism="rat")
    assert main(["check", str(MOUSE), "--organism", "rat"]) == 2
    assert "unknown organism 'rat'" in capsys.readouterr().err


def test_table1_has_no_mouse_counterpart(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MOUSE), "--organism", "mouse", "--expect", "table1"]) == 2
    assert "no published Table 1 for mouse" in capsys.readouterr().err


def test_json_report_names_the_organism(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MOUSE), "--organism", "mouse", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["organisms"] == {str(MOUSE): "mouse"}
    assert report["summary"]["organisms"] == ["mouse"]


def test_a_third_organism_is_a_data_change(tmp_path: Path) -> None:
    schemas, ontologies = tmp_path / "schemas", tmp_path / "ontologies"
    shutil.copytree(REPO / "schemas", schemas)
    shutil.copytree(REPO / "ontologies", ontologies)
    (schemas / "organisms" / "rat.yaml").write_text(
        "organism: rat\ntitle: Rattus norvegicus\ndefault: false\naliases: [RATTUS_NORVEGICUS]\n"
        "output_types: [RNA_SEQ, SPLICE_SITES]\ntable1: false\ngtex: false\n"
        "columns:\n  biosample_life_stage: {values: [adult, unknown]}\n")
    specs = load_specs(schemas, ontologies)
    assert specs.find_organism("RATTUS_NORVEGICUS") is not None
    report = trackmeta.check(MOUSE, organism="rat", specs=specs)
    assert report.organisms == {str(MOUSE): "rat"}
    assert {(f.line, f.code) for f in report.findings} >= {
        (2, "TM009"), (3, "TM009"), (5, "TM009"),   # ATAC, DNASE, CHIP_TF are not served
        (4, "TM103"),                               # 'embryonic' is not a rat stage here
    }


def test_organism_spec_is_checked_against_its_meta_schema(tmp_path: Path) -> None:
    schemas, ontologies = tmp_path / "schemas", tmp_path / "ontologies"
    shutil.copytree(REPO / "schemas", schemas)
    shutil.copytree(REPO / "ontologies", ontologies)
    (schemas / "organisms" / "rat.yaml").write_text("organism: rat\ntitle: Rat\n")
    from trackmeta.specs.model import SpecError

    with pytest.raises(SpecError, match=r"rat.yaml: breaks organism.schema.json"):
        load_specs(schemas, ontologies)


def test_output_type_values_are_exact_names_with_a_did_you_mean(tmp_path: Path) -> None:
    lines = valid_lines()
    for line, value in ((9, "rnaseq"), (8, "RNA-SEQ"), (7, "DNASE")):
        lines = edited(lines, line, "output_type", value)
    path = tmp_path / "t.tsv"
    path.write_text(to_text(lines))
    report = trackmeta.check(path)
    assert [(f.line, f.code, f.fix) for f in report.findings] == [
        (8, "TM005", "RNA_SEQ"), (9, "TM005", "RNA_SEQ")]
    # aliases stay for file names and flags: a table of one output type, without the column
    rows = [line for n, line in enumerate(mouse_lines(), 1) if n in (1, 4)]
    column = rows[0].index("output_type")
    single = tmp_path / "tracks.tsv"
    single.write_text(to_text([line[:column] + line[column + 1:] for line in rows]))
    assert trackmeta.check(single, organism="mouse", output_type="rnaseq").ok
    alias = tmp_path / "rna-seq.tsv"
    shutil.copy(single, alias)
    assert trackmeta.check(alias, organism="mouse").ok


def test_terms_take_the_organism_of_the_request() -> None:
    with pytest.raises(ValueError, match="PROCAP is not served for mouse"):
        trackmeta.check_terms(["CL:0000084"], ["PROCAP"], organism="mouse")
    (check,) = trackmeta.check_terms(["EFO:0001098"], ["DNASE"], MOUSE, organism="mouse")
    assert (check.usable, check.tracks) == (True, {"DNASE": 1})
    assert trackmeta.validate_request(["EFO:0001098"], ["DNASE"], MOUSE,
                                      organism="MUS_MUSCULUS") == ["EFO:0001098"]


def test_terms_take_the_sdks_organism_enum() -> None:
    pytest.importorskip("alphagenome")
    from alphagenome.models.dna_client import Organism

    (check,) = trackmeta.check_terms(["EFO:0001098"], ["DNASE"], MOUSE,
                                     organism=Organism.MUS_MUSCULUS)
    assert check.usable
