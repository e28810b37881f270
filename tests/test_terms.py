"""Pre-request term checks: every status, track counts, suggestions, the guard, the command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import REAL_TSV, REPO, VALID, needs_shared
from trackmeta.cli import main

Capture = pytest.CaptureFixture[str]


@pytest.mark.parametrize(("curie", "status", "usable"), [
    ("CL:0000084", "ok", True),
    ("CL:84", "malformed", False),
    ("CL:9999999", "unknown", False),
    ("CL:0010003", "obsolete", False),
    ("NTR:0000856", "provisional", True),
    ("CLO:0026782", "unresolved", True),
])
def test_statuses_without_metadata(curie: str, status: str, usable: bool) -> None:
    (result,) = trackmeta.check_terms([curie])
    assert (result.status, result.usable, result.tracks) == (status, usable, None)


def test_track_counts_from_metadata() -> None:
    checks = trackmeta.check_terms(["CL:0000084", "EFO:0002106", "CL:0000047"],
                                   ["ATAC", "DNASE"], VALID)
    assert [(c.curie, c.status, dict(c.tracks or {}), c.usable) for c in checks] == [
        ("CL:0000084", "ok", {"ATAC": 1, "DNASE": 1}, True),
        ("EFO:0002106", "no-tracks", {"ATAC": 0, "DNASE": 0}, False),
        ("CL:0000047", "no-tracks", {"ATAC": 0, "DNASE": 1}, False),
    ]


def test_splice_junction_rows_count_two_tracks() -> None:
    (check,) = trackmeta.check_terms(["CL:0000047"], ["SPLICE_JUNCTIONS"], VALID)
    assert check.tracks == {"SPLICE_JUNCTIONS": 2}


def test_guard_with_sdk_types() -> None:
    from alphagenome.data import ontology
    from alphagenome.models import dna_client

    terms = [ontology.from_curie("CL:0000084"), "EFO:0002106"]
    outputs = [dna_client.OutputType.ATAC]
    with pytest.raises(trackmeta.TermValidationError) as caught:
        trackmeta.validate_request(terms, outputs, metadata=VALID)
    assert [c.curie for c in caught.value.checks if not c.usable] == ["EFO:0002106"]
    assert "EFO:0002106" in str(caught.value)
    assert trackmeta.validate_request(
        [ontology.from_curie("CL:0000084")], outputs, metadata=VALID) == ["CL:0000084"]


def test_guard_lists_every_problem_at_once() -> None:
    with pytest.raises(trackmeta.TermValidationError) as caught:
        trackmeta.validate_request(["CL:84", "CL:9999999", "CL:0000084"], ["DNASE"])
    assert len(caught.value.problems) == 2


def test_unknown_output_type_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown output type 'DNA'"):
        trackmeta.check_terms(["CL:0000084"], ["DNA"])


@needs_shared
def test_suggestions_for_a_brain_region_without_dnase_tracks() -> None:
    (check,) = trackmeta.check_terms(["UBERON:0002245"], ["DNASE"], REAL_TSV)
    assert check.status == "no-tracks"
    near = [(s.curie, s.relation, s.distance) for s in check.suggestions["DNASE"]]
    assert near[:3] == [("UBERON:0002129", "ancestor", 1), ("UBERON:0002037", "ancestor", 2),
                        ("UBERON:0000955", "ancestor", 3)]


@needs_shared
def test_suggestions_look_down_the_ontology_too() -> None:
    (check,) = trackmeta.check_terms(["CL:0000084"], ["CHIP_TF"], REAL_TSV)
    assert {s.relation for s in check.suggestions["CHIP_TF"]} == {"descendant"}


@needs_shared
def test_obsolete_term_points_at_its_replacement() -> None:
    (check,) = trackmeta.check_terms(["CL:0010003"], ["RNA_SEQ"], REAL_TSV)
    assert check.status == "obsolete" and check.replacement == "CL:0000322"
    assert check.usable  # the metadata still has tracks under the obsolete id


def test_command_exit_codes_and_json(capsys: Capture) -> None:
    assert main(["terms", "CL:0000084", "UBERON:0002245"]) == 0
    assert main(["terms", "CL:0000084", "CL:9999999"]) == 1
    capsys.readouterr()
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--metadata", str(VALID),
                 "--format", "json"]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["tracks"] == {"DNASE": 1} and result["usable"] is True


def test_command_bad_input_is_exit_2(capsys: Capture) -> None:
    assert main(["terms", "CL:0000084", "--output-type", "DNA"]) == 2
    assert main(["terms", "CL:0000084", "--metadata", str(REPO / "missing.tsv")]) == 2
    assert "missing.tsv: no such file or directory" in capsys.readouterr().err


def test_stdin_and_no_pandas_without_metadata(tmp_path: Path) -> None:
    script = ("import sys; from trackmeta.cli import main; code = main(sys.argv[1:]); "
              "assert 'pandas' not in sys.modules and 'pandera' not in sys.modules, 'imported'; "
              "sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script, "terms", "-", "EFO:0002106"],
                            input="CL:0000084\n\nUBERON:0002245\n", capture_output=True,
                            text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        "CL:0000084", "UBERON:0002245", "EFO:0002106"]
