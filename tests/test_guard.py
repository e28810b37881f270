"""The guard around the SDK's real clients (DnaClient and AtlasClient), talking gRPC to a local
server that serves the official metadata (tests/sdk_server.py): a good request arrives exactly as
the unguarded client sends it, a bad one never arrives."""

from __future__ import annotations

import copy
import pickle
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trackmeta
from tests.helpers import FIXTURES, SHARED, needs_sdk

HUMAN = SHARED / "OutputMetadataResponse_ORGANISM_HOMO_SAPIENS.textproto"
MOUSE = SHARED / "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto"
OFFICIAL = {"ORGANISM_HOMO_SAPIENS": HUMAN, "ORGANISM_MUS_MUSCULUS": MOUSE}

pytestmark = [needs_sdk, pytest.mark.skipif(
    not (HUMAN.is_file() and MOUSE.is_file()),
    reason=f"the official metadata files are not in {SHARED} (../shared beside the checkout)")]

LUNG, UNKNOWN, OBSOLETE = "UBERON:0002048", "UBERON:9999999", "CL:0000003"
MICROGLIA = "CL:0000129"  # mouse metadata only


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    from tests.sdk_server import LocalServer

    local = LocalServer(OFFICIAL)
    yield local
    local.stop()


def _interval() -> Any:
    from alphagenome.data import genome

    return genome.Interval("chr1", 0, 2**20)


def _variant() -> Any:
    from alphagenome.data import genome

    return genome.Variant("chr1", 1_000_000, "A", "C")


def _outputs(*names: str) -> list[Any]:
    from alphagenome.models.dna_client import OutputType

    return [OutputType[n] for n in names]


def _sent_by(server: Any, method: str, call: Any) -> list[bytes]:
    """The requests `call()` made the server receive under `method`."""
    before = len(server.recorder.sent(method))
    call()
    return server.recorder.sent(method)[before:]


# -- DnaClient ------------------------------------------------------------------------------------

def test_good_requests_arrive_as_the_unguarded_client_sends_them(server: Any) -> None:
    from alphagenome.data import ontology

    client = server.dna_client()
    guarded = trackmeta.guard(client)
    iv, dna = _interval(), "A" * 2**14
    shapes: list[Any] = [
        lambda: [LUNG, "CL:0000084"], lambda: (LUNG, "CL:0000084"),
        lambda: (t for t in [LUNG, "CL:0000084"]), lambda: [ontology.from_curie(LUNG), "CL:0000084"],
        lambda: iter({LUNG: 1, "CL:0000084": 2})]
    for make in shapes:
        for method, name, first in (("predict_interval", "PredictInterval", iv),
                                    ("predict_sequence", "PredictSequence", dna)):
            sent = _sent_by(server, name, lambda m=method, f=first, mk=make: getattr(guarded, m)(
                f, requested_outputs=_outputs("RNA_SEQ", "DNASE"), ontology_terms=mk()))
            plain = _sent_by(server, name, lambda m=method, f=first: getattr(client, m)(
                f, requested_outputs=_outputs("RNA_SEQ", "DNASE"),
                ontology_terms=[LUNG, "CL:0000084"]))
            assert sent == plain and len(sent) == 1
    variant = _sent_by(server, "PredictVariant", lambda: guarded.predict_variant(
        iv, _variant(), requested_outputs=(o for o in _outputs("RNA_SEQ")), ontology_terms=[LUNG]))
    assert variant == _sent_by(server, "PredictVariant", lambda: client.predict_variant(
        iv, _variant(), requested_outputs=_outputs("RNA_SEQ"), ontology_terms=[LUNG]))
    every = _sent_by(server, "PredictInterval", lambda: guarded.predict_intervals(
        [iv, iv], requested_outputs=_outputs("DNASE"), ontology_terms=(t for t in [LUNG])))
    assert len(every) == 2 and every[0] == every[1]  # one list, read by both requests


def test_a_generator_of_terms_is_not_sent_empty(server: Any) -> None:
    """The unguarded plural call consumes a generator on its first request; the guard reads it
    once into a list, so the lung filter reaches the server."""
    from alphagenome.protos.v1 import dna_model_service_pb2

    guarded = trackmeta.guard(server.dna_client())
    (sent,) = _sent_by(server, "PredictInterval", lambda: guarded.predict_interval(
        _interval(), requested_outputs=_outputs("RNA_SEQ"), ontology_terms=(t for t in [LUNG])))
    request = dna_model_service_pb2.PredictIntervalRequest.FromString(sent)
    assert [(t.ontology_type, t.id) for t in request.ontology_terms] == [(2, 2048)]
    assert len(request.requested_outputs) == 1


@pytest.mark.parametrize(("term", "outputs", "reason"), [
    (UNKNOWN, ("RNA_SEQ",), "UBERON:9999999 is not in UBERON"),
    (OBSOLETE, ("DNASE",), "obsolete"),
    ("uberon:0002048", ("RNA_SEQ",), "use UBERON:0002048"),
    ("lung", ("RNA_SEQ",), "is a name, not a CURIE"),
    ("MONDO:0005086", ("RNA_SEQ",), "is a MONDO id"),
    ("UBERON:0001016", ("DNASE",), "terms under it have DNASE tracks"),
    (LUNG, ("PROCAP",), "has no tracks for PROCAP"),
])
def test_bad_requests_never_arrive(server: Any, term: str, outputs: tuple[str, ...],
                                   reason: str) -> None:
    guarded = trackmeta.guard(server.dna_client())
    before = list(server.recorder.requests)
    with pytest.raises(trackmeta.TermValidationError, match=reason) as caught:
        guarded.predict_interval(_interval(), requested_outputs=_outputs(*outputs),
                                 ontology_terms=[term])
    assert server.recorder.requests == before
    assert caught.value.problems[0].startswith(f"{term}:")


def test_a_refusal_names_the_terms_that_return_tracks(server: Any) -> None:
    guarded = trackmeta.guard(server.dna_client())
    with pytest.raises(trackmeta.TermValidationError) as caught:
        guarded.predict_interval(_interval(), requested_outputs=_outputs("DNASE"),
                                 ontology_terms=[OBSOLETE])
    (check,) = caught.value.checks
    assert check.status == "obsolete" and check.usable is False
    assert all(s.tracks > 0 for found in check.suggestions.values() for s in found)


def test_syntax_is_judged_before_any_metadata_is_fetched(server: Any) -> None:
    """A term the client would refuse is stopped with no network: the metadata is not fetched."""
    calls = server.recorder.metadata_calls
    guarded = trackmeta.guard(server.dna_client())
    for terms, reason in (([" uberon:0002048"], "UBERON:0002048"), (["CL_0000084"], "CL:0000084"),
                          (["http://purl.obolibrary.org/obo/UBERON_0002048"], "UBERON:0002048"),
                          ([], "ontology_terms is empty"), (LUNG, r"pass a list: ontology_terms=\[")):
        with pytest.raises(trackmeta.TermValidationError, match=reason):
            guarded.predict_interval(_interval(), requested_outputs=_outputs("RNA_SEQ"),
                                     ontology_terms=terms)
    assert server.recorder.metadata_calls == calls


def test_given_metadata_means_no_fetch(server: Any, tmp_path: Path) -> None:
    from alphagenome.models.dna_client import Organism

    calls = server.recorder.metadata_calls
    guarded = trackmeta.guard(server.dna_client(), metadata={"human": HUMAN, "mouse": MOUSE})
    guarded.predict_interval(_interval(), requested_outputs=_outputs("RNA_SEQ"),
                             ontology_terms=[LUNG])
    guarded.predict_interval(_interval(), organism=Organism.MUS_MUSCULUS,
                             requested_outputs=_outputs("CAGE"), ontology_terms=[MICROGLIA])
    with pytest.raises(trackmeta.TermValidationError, match="CL:0000129"):
        guarded.predict_interval(_interval(), requested_outputs=_outputs("CAGE"),
                                 ontology_terms=[MICROGLIA])  # human: no microglia tracks
    only_human = trackmeta.guard(server.dna_client(), metadata=HUMAN)
    with pytest.raises(trackmeta.TermValidationError, match="metadata for human only"):
        only_human.predict_interval(_interval(), organism=Organism.MUS_MUSCULUS,
                                    requested_outputs=_outputs("DNASE"), ontology_terms=[MICROGLIA])
    assert server.recorder.metadata_calls == calls


def test_a_metadata_change_on_the_server_changes_the_verdict(server: Any) -> None:
    guarded = trackmeta.guard(server.dna_client())
    guarded.predict_interval(_interval(), requested_outputs=_outputs("RNA_SEQ"),
                             ontology_terms=[LUNG])
    server.serve({"ORGANISM_HOMO_SAPIENS": FIXTURES / "metadata.textproto"})  # no lung tracks
    try:
        guarded.refresh()
        with pytest.raises(trackmeta.TermValidationError, match="no tracks for RNA_SEQ"):
            guarded.predict_interval(_interval(), requested_outputs=_outputs("RNA_SEQ"),
                                     ontology_terms=[LUNG])
        with pytest.raises(trackmeta.TermValidationError):
            trackmeta.guard(server.dna_client()).predict_interval(
                _interval(), requested_outputs=_outputs("RNA_SEQ"), ontology_terms=[LUNG])
    finally:
        server.serve(OFFICIAL)


def test_the_clients_own_errors_pass_through_unchanged(server: Any) -> None:
    from alphagenome.data import genome

    client, guarded = server.dna_client(), trackmeta.guard(server.dna_client())
    odd = genome.Interval("chr1", 0, 1000)  # a width the model does not take
    for model in (client, guarded):
        with pytest.raises(ValueError, match="Sequence length 1000 not supported"):
            model.predict_interval(odd, requested_outputs=_outputs("RNA_SEQ"),
                                   ontology_terms=[LUNG])
        with pytest.raises(TypeError, match="requested_outputs"):
            model.predict_interval(_interval(), ontology_terms=[LUNG])


def test_every_refusal_is_a_term_validation_error(server: Any) -> None:
    from alphagenome.models.dna_client import Organism

    guarded = trackmeta.guard(server.dna_client())
    with pytest.raises(trackmeta.GuardError, match="PROCAP is not served for mouse"):
        guarded.predict_interval(_interval(), organism=Organism.MUS_MUSCULUS,
                                 requested_outputs=_outputs("PROCAP"), ontology_terms=None)
    assert issubclass(trackmeta.GuardError, trackmeta.TermValidationError)


def test_the_default_organism_is_fetched_once_even_from_eight_threads(server: Any) -> None:
    from alphagenome.models.dna_client import Organism

    guarded = trackmeta.guard(server.dna_client())
    calls = server.recorder.metadata_calls
    start = threading.Barrier(8)

    def request() -> None:
        start.wait()
        guarded.predict_interval(_interval(), requested_outputs=_outputs("RNA_SEQ"),
                                 ontology_terms=[LUNG])

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    guarded.predict_interval(_interval(), organism=Organism.HOMO_SAPIENS,
                             requested_outputs=_outputs("RNA_SEQ"), ontology_terms=[LUNG])
    assert server.recorder.metadata_calls == calls + 1


def _advice(server: Any, term: str) -> list[warnings.WarningMessage]:
    """The warnings a guarded SPLICE_SITES request for `term` gives."""
    guarded = trackmeta.guard(server.dna_client())
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        guarded.predict_interval(_interval(), requested_outputs=_outputs("SPLICE_SITES"),
                                 ontology_terms=[term])
    return seen


def test_a_term_agnostic_output_still_says_the_term_does_not_exist(server: Any) -> None:
    seen = _advice(server, UNKNOWN)
    assert any("UBERON:9999999 is not in UBERON" in str(w.message) for w in seen)


def test_what_takes_no_terms_passes_through(server: Any) -> None:
    client = server.dna_client()
    guarded = trackmeta.guard(client)
    assert guarded.output_metadata == client.output_metadata  # the client's own method
    assert guarded._channel is client._channel


def test_copies_and_pickles_do_not_recurse(server: Any) -> None:
    guarded = trackmeta.guard(server.dna_client())
    assert copy.copy(guarded).predict_interval.__name__ == "predict_interval"
    try:
        pickle.dumps(guarded)
    except RecursionError:  # pragma: no cover - the failure this test is for
        pytest.fail("pickling the guard recursed")
    except (TypeError, pickle.PicklingError):
        pass  # the gRPC channel itself cannot be pickled: the client's own limit


# -- the Atlas -------------------------------------------------------------------------------------

def test_atlas_good_requests_arrive_unchanged(server: Any) -> None:
    client = server.atlas_client()
    guarded = trackmeta.guard(client)
    for terms in ([LUNG], (LUNG,), (t for t in [LUNG])):
        sent = _sent_by(server, "GetDenseVariantScores", lambda ts=terms: guarded.query_variant(
            _variant(), requested_scorers=(s for s in ["RNA_SEQ", "DNASE"]), ontology_terms=ts))
        plain = _sent_by(server, "GetDenseVariantScores", lambda: client.query_variant(
            _variant(), requested_scorers=["RNA_SEQ", "DNASE"], ontology_terms=[LUNG]))
        assert sent == plain and len(sent) == 1
    listed = _sent_by(server, "ListDenseVariantScores", lambda: guarded.query_interval(
        _interval().resize(64), requested_scorers=["DNASE"], ontology_terms=[LUNG],
        progress_bar=False))
    assert len(listed) == 2
    many = _sent_by(server, "GetDenseVariantScores", lambda: guarded.query_variants(
        [_variant()], requested_scorers=["CAGE"], ontology_terms=[LUNG], progress_bar=False))
    assert len(many) == 1


@pytest.mark.parametrize(("term", "scorers", "reason"), [
    (UNKNOWN, ["RNA_SEQ"], "UBERON:9999999 is not in UBERON"),
    ("Uberon:0002048", ["RNA_SEQ"], "use UBERON:0002048"),
    (MICROGLIA, ["CAGE", "RNA_SEQ"], "CL:0000129"),
    (LUNG, ["PROCAP"], "no tracks for PROCAP"),
])
def test_atlas_bad_requests_never_arrive(server: Any, term: str, scorers: list[str],
                                         reason: str) -> None:
    guarded = trackmeta.guard(server.atlas_client())
    before = list(server.recorder.requests)
    with pytest.raises(trackmeta.TermValidationError, match=reason):
        guarded.query_variant(_variant(), requested_scorers=scorers, ontology_terms=[term])
    assert server.recorder.requests == before


def test_atlas_a_term_some_requested_scorer_has_passes(server: Any) -> None:
    """The client filters each scorer on its own: lung has RNA_SEQ tracks and no PROCAP ones,
    and a request for both returns the RNA_SEQ ones."""
    guarded = trackmeta.guard(server.atlas_client())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        guarded.query_variant(_variant(), requested_scorers=["PROCAP", "RNA_SEQ"],
                              ontology_terms=[LUNG])


def test_atlas_is_human_only(server: Any) -> None:
    with pytest.raises(trackmeta.ArgumentError, match="the Atlas serves human"):
        trackmeta.guard(server.atlas_client(), metadata=MOUSE)
    scorers = server.atlas_client().scorer_metadata()
    with pytest.raises(ValueError, match="the Atlas serves human"):
        trackmeta.check_terms([LUNG], ["RNA_SEQ"], scorers, organism="mouse")


def test_atlas_scorer_metadata_is_checked_as_the_dna_clients_metadata(server: Any) -> None:
    """One table per scorer, its output type from the scorer; the same tracks as the
    DnaClient's metadata give the same findings (scorers sharing tracks count them once)."""
    scorers = server.atlas_client().scorer_metadata()
    atlas = trackmeta.check(scorers)
    dna = trackmeta.check(server.dna_client().output_metadata())

    def seen(report: Any) -> list[tuple[Any, ...]]:
        from tests.sdk_server import ATLAS_SCORERS

        return sorted((f.code, f.column, f.value, f.track.name if f.track else None)
                      for f in report.findings if f.track is None
                      or f.track.output_type in ATLAS_SCORERS.values())

    assert seen(atlas) == seen(dna) and atlas.findings
    assert atlas.tracks_by_type["RNA_SEQ"] == dna.tracks_by_type["RNA_SEQ"]
    assert trackmeta.check(scorers["DNASE"]).tracks == dna.tracks_by_type["DNASE"]
    (lung,) = trackmeta.check_terms([LUNG], ["RNA_SEQ"], scorers)
    assert lung.usable and lung.tracks == trackmeta.check_terms([LUNG], ["RNA_SEQ"], HUMAN)[0].tracks
    plan = trackmeta.tracks([LUNG], ["RNA_SEQ"], scorers)
    assert len(plan.tracks) == lung.tracks["RNA_SEQ"]


def test_advice_points_at_the_callers_line(server: Any) -> None:
    seen = _advice(server, LUNG)
    assert seen and all(Path(w.filename).name == "test_guard.py" for w in seen)
