"""Pre-request term checks: usable means the request returns tracks; the ontology is advice."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import REAL_TSV, REPO, VALID, needs_sdk, needs_shared
from trackmeta.cli import main

Capture = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees metadata another remembered (the index cache stays shared: it is verified)."""
    from trackmeta.cache import cache_dir

    own = cache_dir() / "test-memory" / f"{tmp_path.parent.name}-{tmp_path.name}"
    monkeypatch.setattr("trackmeta.request.availability._memory",  # inside the cache: trusted
                        lambda organism: own / f"{organism}.json")


@pytest.mark.parametrize(("curie", "status", "usable"), [
    ("CL:0000084", "ok", None),        # without metadata, availability is not claimed
    ("CL:84", "ok", None),  # the client reads it as CL:0000084
    ("CL:84a", "malformed", False),
    ("CL:9999999", "unknown", False),
    ("CL:0010003", "obsolete", None),
    ("NTR:0000856", "provisional", None),
    ("CLO:0026782", "unresolved", None),
])
def test_statuses_without_metadata(curie: str, status: str, usable: bool | None) -> None:
    (result,) = trackmeta.check_terms([curie], ["DNASE"])
    assert (result.status, result.usable, result.tracks) == (status, usable, None)
    if usable is None:
        assert result.availability == {"DNASE": "unknown"}
        assert "availability unknown: no metadata given" in result.message


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


def test_splice_sites_are_usable_with_any_term() -> None:
    (check,) = trackmeta.check_terms(["EFO:0002106"], ["SPLICE_SITES"], VALID)
    assert (check.usable, check.availability) == (True, {"SPLICE_SITES": "any-term"})
    assert any("do not depend on the ontology term" in w for w in check.warnings)
    (without,) = trackmeta.check_terms(["EFO:0002106"], ["SPLICE_SITES"])
    assert without.availability == {"SPLICE_SITES": "any-term"}


@needs_sdk
def test_sdk_types_in_and_out() -> None:
    from alphagenome.data import ontology
    from alphagenome.models import dna_client

    terms = [ontology.from_curie("CL:0000084"), "EFO:0002106"]
    outputs = [dna_client.OutputType.ATAC]
    with pytest.raises(trackmeta.TermValidationError) as caught:
        trackmeta.validate_request(terms, outputs, metadata=VALID)
    assert [c.curie for c in caught.value.checks if not c.usable] == ["EFO:0002106"]
    assert "EFO:0002106" in str(caught.value)
    term = ontology.from_curie("CL:0000084")
    assert trackmeta.validate_request([term], outputs, metadata=VALID) == [term]
    assert trackmeta.validate_request(term, dna_client.OutputType.ATAC, metadata=VALID) is term
    assert trackmeta.validate_request("CL:0000084", "DNASE", metadata=VALID) == "CL:0000084"
    assert trackmeta.validate_request(["CL:0000084"], ["DNASE"], VALID) == ["CL:0000084"]


def test_empty_term_list_is_flagged() -> None:
    with pytest.raises(trackmeta.TermValidationError, match="ontology_terms is empty"):
        trackmeta.validate_request([], ["DNASE"], VALID)
    assert trackmeta.validate_request([], ["SPLICE_SITES"], VALID) == []
    assert trackmeta.validate_request(None, ["DNASE"], VALID) is None  # None: every term, given back


def test_every_problem_at_once_with_fix_hints() -> None:
    with pytest.raises(trackmeta.TermValidationError) as caught:
        trackmeta.validate_request(["CL:84a", "CL:9999999", "CL:0000084", "cl_0000084"], ["DNASE"])
    assert len(caught.value.problems) == 3
    assert "cl_0000084" in caught.value.problems[2]
    assert "use CL:0000084" in caught.value.problems[2]


@pytest.mark.parametrize("given", [
    "CL_0000084", "cl:0000084", "cl:84", " CL:0000084", "CL 0000084",
    "http://purl.obolibrary.org/obo/CL_0000084", "https://www.ebi.ac.uk/ols4/ontologies/cl/classes/CL_0000084",
])
def test_fix_hints_for_usual_slips(given: str, capsys: Capture) -> None:
    (check,) = trackmeta.check_terms([given], ["DNASE"])
    assert (check.status, check.fix, check.usable) == ("malformed", "CL:0000084", False)
    assert main(["terms", given, "--format", "json", "--no-remember"]) == 1
    assert json.loads(capsys.readouterr().out)[0]["fix"] == "CL:0000084"
    assert main(["terms", given, "--no-remember"]) == 1
    assert "\tuse: CL:0000084" in capsys.readouterr().out


@pytest.mark.parametrize("given", ["CL:84", "CL:0000084 ", "CL: 84", "CL:+84"])
def test_forms_the_client_accepts_are_usable_with_the_canonical_id(given: str) -> None:
    """As `ontology.from_curie` reads them (the id through int()): the request returns the
    tracks of the canonical CURIE, so they are usable, and the canonical id is shown."""
    (check,) = trackmeta.check_terms([given], ["DNASE"], VALID)
    assert (check.input, check.curie, check.usable, check.fix) == (
        given, "CL:0000084", True, "CL:0000084")
    assert f"the client reads {given!r} as CL:0000084" in check.warnings
    with pytest.warns(trackmeta.TermWarning, match="the client reads"):
        assert trackmeta.validate_request([given], ["DNASE"], VALID) == [given]


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
def test_suggestion_limits_are_options_and_the_rest_is_counted() -> None:
    """'auditory hair cell' has no CHIP_HISTONE tracks; 'neuron' is 5 steps away."""
    (near,) = trackmeta.check_terms(["CL:0000202"], ["CHIP_HISTONE"], REAL_TSV)
    assert "CHIP_HISTONE" not in near.suggestions and near.more["CHIP_HISTONE"] >= 1
    (far,) = trackmeta.check_terms(["CL:0000202"], ["CHIP_HISTONE"], REAL_TSV, max_distance=5)
    assert "CL:0000540" in [s.curie for s in far.suggestions["CHIP_HISTONE"]]
    (one,) = trackmeta.check_terms(["UBERON:0002245"], ["DNASE"], REAL_TSV, max_suggestions=1)
    assert len(one.suggestions["DNASE"]) == 1 and one.more["DNASE"] >= 2


@needs_shared
def test_suggestions_look_down_the_ontology_too() -> None:
    (check,) = trackmeta.check_terms(["CL:0000084"], ["CHIP_TF"], REAL_TSV)
    assert {s.relation for s in check.suggestions["CHIP_TF"]} == {"descendant"}


@needs_shared
@pytest.mark.parametrize("old, new, otype, tracks", [
    ("CL:0010003", "CL:0000322", "RNA_SEQ", 2), ("EFO:0001184", "EFO:0001082", "CHIP_TF", 5)])
def test_obsolete_ids_with_tracks_are_usable_and_their_replacement_points_back(
        old: str, new: str, otype: str, tracks: int) -> None:
    (check,) = trackmeta.check_terms([old], [otype], REAL_TSV)
    assert (check.status, check.replacement, check.usable) == ("obsolete", new, True)
    assert check.tracks == {otype: tracks}
    assert any(f"still files its tracks under {old}" in w for w in check.warnings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert trackmeta.validate_request([old], [otype], REAL_TSV) == [old]
    assert [w.category for w in caught] == [trackmeta.TermWarning]
    (live,) = trackmeta.check_terms([new], [otype], REAL_TSV)
    assert (live.status, live.usable) == ("no-tracks", False)
    first = live.suggestions[otype][0]
    assert (first.curie, first.relation, first.tracks) == (old, "replaced-id", tracks)
    assert f"the metadata files tracks under {old}" in live.message
    # an output type without any suggestion beside one with the old id
    (both,) = trackmeta.check_terms([new], ["DNASE", otype], REAL_TSV)
    assert both.suggestions[otype][0].curie == old and "DNASE" not in both.suggestions
    # without metadata, the obsolete id is advice, not a refusal
    assert trackmeta.validate_request([old], [otype]) == [old]


@needs_shared
def test_ntr_and_clo_ids_with_tracks_are_usable() -> None:
    checks = trackmeta.check_terms(["NTR:0000856", "CLO:0007045"], None, REAL_TSV)
    assert [(c.status, c.usable) for c in checks] == [("provisional", True), ("unresolved", True)]


@needs_shared
@pytest.mark.parametrize("name, curie", [
    ("liver", "UBERON:0002107"), ("lung", "UBERON:0002048"), ("heart", "UBERON:0000948"),
    ("brain", "UBERON:0000955"), ("T cell", "CL:0000084"), ("K562", "EFO:0002067"),
    ("HepG2", "EFO:0001187"), ("keratinocyte", "CL:0000312"), ("fibroblast of lung", "CL:0002553"),
])
def test_search_ranks_the_common_name_first(name: str, curie: str) -> None:
    found = trackmeta.search(name, REAL_TSV)
    assert found.matches[0].curie == curie and found.matches[0].kind == "exact"
    assert found.matches[0].tracks


@needs_shared
def test_search_with_tracks_and_metadata_names(capsys: Capture) -> None:
    only = trackmeta.search("lung", REAL_TSV, with_tracks=True)
    assert only.matches and all(m.tracks for m in only.matches)
    ntr = trackmeta.search("HAP-1", REAL_TSV)  # an NTR/CLO id's name, as the metadata gives it
    assert any(m.curie.startswith(("NTR:", "CLO:", "EFO:")) for m in ntr.matches)
    assert main(["search", "liver", "--metadata", str(REAL_TSV), "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)[0]
    assert {"curie", "label", "matched", "score", "tracks"} <= set(first)
    assert first["curie"] == "UBERON:0002107" and first["tracks"]["RNA_SEQ"] > 0


def test_a_name_instead_of_a_curie_gets_matches(capsys: Capture) -> None:
    (check,) = trackmeta.check_terms(["liver"], ["DNASE"])
    assert (check.status, check.fix, check.usable) == ("name", "UBERON:0002107", False)
    assert check.matches[0].curie == "UBERON:0002107"
    assert main(["terms", "liver", "--no-remember"]) == 1
    assert "'liver' is a name, not a CURIE; best matches: UBERON:0002107 'liver'" in (
        capsys.readouterr().out)


def test_command_exit_codes_and_json(capsys: Capture) -> None:
    assert main(["terms", "CL:0000084", "UBERON:0002245", "--no-remember"]) == 1  # unknown
    assert "availability unknown" in capsys.readouterr().out
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--metadata", str(VALID),
                 "--format", "json"]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["tracks"] == {"DNASE": 1} and result["usable"] is True


def test_metadata_is_remembered_per_organism(capsys: Capture) -> None:
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--metadata", str(VALID)]) == 0
    capsys.readouterr()
    assert main(["terms", "CL:0000084", "--output-type", "DNASE"]) == 0
    out = capsys.readouterr().out
    assert f"remembered: {VALID.resolve()} (sha256 " in out and ", remembered " in out
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--organism", "mouse"]) == 1
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--no-remember"]) == 1


def test_remembered_metadata_is_kept_per_its_own_organism_and_watched(
        tmp_path: Path, capsys: Capture) -> None:
    from tests.helpers import FIXTURES

    mouse = tmp_path / "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto"
    mouse.write_bytes((FIXTURES / "metadata.textproto").read_bytes().replace(
        b"OUTPUT_TYPE_PROCAP", b"OUTPUT_TYPE_CAGE"))
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--metadata", str(mouse)]) == 0
    capsys.readouterr()
    # remembered as mouse metadata, never as human
    assert main(["terms", "CL:0000084", "--output-type", "DNASE"]) == 1
    assert "availability unknown" in capsys.readouterr().out
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--organism", "mouse"]) == 0
    assert "metadata remembered" in capsys.readouterr().out
    # a contradiction between --organism and the file is exit 2, naming both
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--metadata", str(mouse),
                 "--organism", "human"]) == 2
    assert "is mouse metadata" in capsys.readouterr().err
    # the note shows the file as it is now
    mouse.write_bytes(mouse.read_bytes() + b"\n")
    main(["terms", "CL:0000084", "--output-type", "DNASE", "--organism", "mouse"])
    assert "changed since it was remembered" in capsys.readouterr().out
    mouse.unlink()
    assert main(["terms", "CL:0000084", "--output-type", "DNASE", "--organism", "mouse"]) == 1
    assert "is gone" in capsys.readouterr().out


def test_command_bad_input_is_exit_2(capsys: Capture) -> None:
    assert main(["terms", "CL:0000084", "--output-type", "DNA"]) == 2
    assert main(["terms", "CL:0000084", "--metadata", str(REPO / "missing.tsv")]) == 2
    assert "missing.tsv: no such file or directory" in capsys.readouterr().err


def test_stdin_and_no_pandas(tmp_path: Path) -> None:
    script = ("import sys; from trackmeta.cli import main; code = main(sys.argv[1:]); "
              "assert 'pandas' not in sys.modules and 'pandera' not in sys.modules, 'imported'; "
              "sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script, "terms", "-", "EFO:0002106",
                             "--no-remember", "--metadata", str(VALID)],
                            input="CL:0000084\n\nUBERON:0002245\n", capture_output=True,
                            text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr  # no output type asked: any tracks will do
    assert [line.split("\t")[0] for line in result.stdout.splitlines() if line[:1] != "\t"] == [
        "CL:0000084", "UBERON:0002245", "EFO:0002106"]
    searched = subprocess.run([sys.executable, "-c", script, "search", "liver", "--metadata",
                               str(VALID), "--no-remember"], capture_output=True, text=True,
                              check=False)
    assert searched.returncode == 0, searched.stderr


def test_validate_request_with_the_same_metadata_reuses_its_index(tmp_path: Path) -> None:
    """The index and checker are kept per metadata (the time per call is in benchmarks/)."""
    import pandas as pd

    from trackmeta.request import availability, terms
    from trackmeta.specs.model import default_specs

    first = terms.checker(VALID)
    trackmeta.validate_request(["CL:0000084"], ["DNASE"], VALID)
    assert terms.checker(VALID) is first
    assert availability.load(VALID, default_specs()) is first.tracks
    frame = pd.read_csv(VALID, sep="\t", dtype=str, keep_default_na=False)
    assert terms.checker(frame) is terms.checker(frame)
    copy = tmp_path / "copy.tsv"
    copy.write_bytes(VALID.read_bytes())
    assert availability.load(copy, default_specs()) is first.tracks  # same content, one index


@needs_shared
def test_a_term_whose_tracks_sit_under_its_descendants_says_how_to_list_them() -> None:
    with pytest.raises(trackmeta.TermValidationError) as caught:
        trackmeta.validate_request(["UBERON:0001016"], ["DNASE"], REAL_TSV)
    (problem,) = caught.value.problems
    assert "trackmeta.tracks(['UBERON:0001016'], ['DNASE'], metadata, descendants=True)" in problem
