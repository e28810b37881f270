"""Specs are data: checked against their meta-schemas; a new output type is one new file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import REPO, to_text
from trackmeta.cli import main
from trackmeta.specs.model import SpecError, default_specs, load_specs


def copy_specs(tmp_path: Path) -> tuple[Path, Path]:
    schemas, ontologies = tmp_path / "schemas", tmp_path / "ontologies"
    shutil.copytree(REPO / "schemas", schemas)
    shutil.copytree(REPO / "ontologies", ontologies)
    return schemas, ontologies


def test_shipped_specs_cover_the_eleven_output_types() -> None:
    specs = default_specs()
    assert sorted(specs.output_types) == sorted([
        "RNA_SEQ", "CAGE", "PROCAP", "DNASE", "ATAC", "CHIP_HISTONE", "CHIP_TF", "SPLICE_SITES",
        "SPLICE_JUNCTIONS", "SPLICE_SITE_USAGE", "CONTACT_MAPS"])


@pytest.mark.parametrize(("otype", "units", "resolution"), [
    ("RNA_SEQ", "Normalized read signal", 1),
    ("CAGE", "Normalized read signal", 1),
    ("PROCAP", "Normalized read signal", 1),
    ("DNASE", "Normalized insertion signal", 1),
    ("ATAC", "Normalized insertion signal", 1),
    ("CHIP_HISTONE", "Fold-change over control", 128),
    ("CHIP_TF", "Fold-change over control", 128),
    ("SPLICE_SITES", "Predicted probability", 1),
    ("SPLICE_JUNCTIONS", "Normalized junction signal", 1),
    ("SPLICE_SITE_USAGE", "Fraction", 1),
    ("CONTACT_MAPS", "Log-fold over genomic distance-based expectation", 2048),
])
def test_units_and_resolution_follow_table1(otype: str, units: str, resolution: int) -> None:
    spec = default_specs().output_types[otype]
    assert (spec.units, spec.resolution_bp) == (units, resolution)


def test_gtex_map_has_both_spellings_and_the_documented_remap() -> None:
    tissues = {t.name: t for t in default_specs().gtex_tissues}
    hemisphere = tissues["Brain_Cerebellar_Hemisphere"]
    assert hemisphere.display == "Brain - Cerebellar Hemisphere"
    assert hemisphere.curie == "UBERON:0002245"
    assert hemisphere.gtex_documented_curie == "UBERON:0002037"
    assert tissues["Brain_Cerebellum"].curie == "UBERON:0002037"
    assert len(tissues) == 54


def test_a_spec_breaking_its_meta_schema_is_named(tmp_path: Path) -> None:
    schemas, ontologies = copy_specs(tmp_path)
    path = schemas / "output_types/cage.yaml"
    path.write_text(path.read_text().replace("resolution_bp: 1", "resolution_bp: one"))
    with pytest.raises(SpecError, match=r"cage\.yaml: breaks output_type\.schema\.json.*resolution_bp"):
        load_specs(schemas, ontologies)


def test_a_broken_spec_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas, ontologies = copy_specs(tmp_path)
    (schemas / "output_types/atac.yaml").write_text("output_type: [unclosed\n")
    import trackmeta.specs.model as specs_module

    monkeypatch.setattr(specs_module, "default_specs", lambda: load_specs(schemas, ontologies))
    monkeypatch.setattr("trackmeta.checking.pipeline.default_specs", specs_module.default_specs)
    assert main(["check", str(REPO / "examples/release")]) == 2
    err = capsys.readouterr().err
    assert "atac.yaml: cannot read spec" in err and "Traceback" not in err


def test_a_twelfth_output_type_is_one_file(tmp_path: Path) -> None:
    schemas, ontologies = copy_specs(tmp_path)
    (schemas / "output_types/procap_2.yaml").write_text(
        "output_type: PROCAP_V2\n"
        "description: A hypothetical twelfth output type.\n"
        "units: Normalized read signal\nresolution_bp: 1\ntracks_per_row: 1\n"
        "table1: {tracks: 2, unique_biosamples: 1}\n"
        "columns:\n  name: required\n  strand: {presence: required, values: ['+', '-']}\n"
        "  ontology_curie: required\n")
    rows = [["name", "strand", "ontology_curie", "output_type"],
            ["a", "+", "EFO:0002106", "PROCAP_V2"],
            ["b", ".", "EFO:0002106", "OutputType.PROCAP_V2"]]
    table = tmp_path / "t.tsv"
    table.write_text(to_text(rows))
    report = trackmeta.check(table, specs=load_specs(schemas, ontologies))
    assert [(f.line, f.column, f.code) for f in report.findings] == [(3, "strand", "TM103")]
    assert report.tracks_by_type == {"PROCAP_V2": 2}


def test_valid_fixture_is_clean() -> None:
    assert trackmeta.check(REPO / "tests/fixtures/valid.tsv").ok
