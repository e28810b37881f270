"""Names as biologists write them: one name model (trackmeta.ontology.names) for search, the
biosample-name checks and fix."""

from __future__ import annotations

import pytest

import trackmeta
from tests.helpers import REAL_TSV, needs_shared
from trackmeta.ontology import names


@pytest.mark.parametrize(("a", "b"), [
    ("T47D", "T-47D cell"), ("HT1080", "HT-1080 cell"), ("lung fibroblast", "fibroblast of lung"),
    ("CD4+ T cell", "CD4-positive T-cell"), ("leucocyte", "leukocyte"),
    ("oesophagus", "esophagus"), ("T cells", "T cell"), ("\u03b1-beta T cell", "alpha-beta T cell"),
    ("Neuronal Stem-Cell", "neuronal stem cell"),
])
def test_one_name_written_two_ways(a: str, b: str) -> None:
    assert names.same_name(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("mesenchymal cell", "mesenchymal stem cell"), ("perineural cell", "perineurial cell"),
    ("B cell", "T cell"), ("CD4 T cell", "CD8 T cell"),
])
def test_two_names(a: str, b: str) -> None:
    assert not names.same_name(a, b)


@pytest.mark.parametrize("query", ["iPSC", "HUVEC", "NK", "K562", "Treg"])
def test_an_abbreviation_is_never_fuzzy(query: str) -> None:
    assert names.abbreviation_like(query)
    assert all(m.kind != "fuzzy" for m in trackmeta.search(query, limit=20).matches)


def test_gtex_portal_names_and_abbreviations_are_names() -> None:
    (first, *_) = trackmeta.search("Whole Blood").matches
    assert (first.curie, first.how) == ("UBERON:0013756", "GTEx portal name")
    (first, *_) = trackmeta.search("HUVEC").matches
    assert first.curie == "CL:0002618" and first.how.startswith("abbreviation (")


@needs_shared
@pytest.mark.parametrize(("query", "first"), [
    ("CD4 T cell", "CL:0000624"), ("CD8 T cell", "CL:0000625"), ("Whole Blood", "UBERON:0013756"),
    ("Muscle - Skeletal", "UBERON:0011907"), ("Nerve - Tibial", "UBERON:0001323"),
    ("HUVEC", "CL:0002618"), ("lung fibroblast", "CL:0002553"), ("T47D", "EFO:0001247"),
    ("HT1080", "EFO:0002059"), ("HEK293T", "EFO:0001184"),
])
def test_with_metadata_the_intended_term_comes_first(query: str, first: str) -> None:
    found = trackmeta.search(query, str(REAL_TSV), limit=3).matches
    assert found[0].curie == first and found[0].tracks


@needs_shared
def test_a_match_without_tracks_brings_its_nearest_terms_with_tracks() -> None:
    found = trackmeta.search("Treg", str(REAL_TSV), limit=3).matches
    stand_in, *_ = found
    assert (stand_in.curie, stand_in.kind, stand_in.via, stand_in.distance) == (
        "CL:0000792", "descendant", "CL:0000815", 1)
    assert stand_in.tracks and any(m.curie == "CL:0000815" and not m.tracks for m in found)


@needs_shared
def test_the_quality_benchmark_holds() -> None:
    import importlib.util

    from tests.helpers import REPO

    spec = importlib.util.spec_from_file_location(
        "search_quality", REPO / "benchmarks" / "search_quality.py")
    assert spec is not None and spec.loader is not None
    quality = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quality)
    held_out = quality.rates(quality.queries("held_out"), REAL_TSV)
    assert held_out["top1"] >= 0.90 and held_out["top3"] >= 0.98, held_out["misses"]
