"""The track planner: the client's CURIE forms, the exact tracks a request returns, descendants
in the pinned release's closure, filters, and the organism of the metadata."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import FIXTURES, REAL_TSV, SHARED, VALID, needs_sdk, needs_shared, run_cli
from trackmeta.findings import UsageError
from trackmeta.request.client_curie import canonical

TEXTPROTO = FIXTURES / "metadata.textproto"
HUMAN_TSV = SHARED / "alphagenome_human_track_metadata_2025-08.tsv"
MOUSE = SHARED / "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto"


@pytest.mark.parametrize(("given", "curie", "fix"), [
    ("CL:0000084", "CL:0000084", None),
    ("UBERON:2048", "UBERON:0002048", None),  # from_curie reads the id with int()
    ("uberon:0002048", None, "UBERON:0002048"),  # the type is case sensitive
    ("UBERON_0002048", None, "UBERON:0002048"),
    ("http://purl.obolibrary.org/obo/CL_0000084", None, "CL:0000084"),
    ("MONDO:0005086", None, None),
    ("CL:84a", None, None),
])
def test_curie_forms_as_the_client_reads_them(given: str, curie: str | None, fix: str | None) -> None:
    read = canonical(given)
    assert (read.curie, read.fix) == (curie, fix)
    assert (read.problem is None) == (curie is not None)


@needs_sdk
def test_the_sdk_agrees_on_every_form() -> None:
    from alphagenome.data import ontology

    for given in ("CL:0000084", "UBERON:2048", "uberon:0002048", "UBERON_0002048", "MONDO:1"):
        try:
            theirs: str | None = ontology.from_curie(given).ontology_curie
        except ValueError:
            theirs = None
        assert canonical(given).curie == theirs, given
    assert canonical(ontology.from_curie("CL:84")).curie == "CL:0000084"


def test_exact_tracks_per_term_and_type() -> None:
    plan = trackmeta.tracks(["CL:0000084", "CL:0000047"], ["ATAC", "DNASE"], VALID)
    assert plan.curies == ["CL:0000084", "CL:0000047"]
    assert [(t.curie, t.output_type, t.values["name"]) for t in plan.tracks] == [
        ("CL:0000084", "ATAC", "CL:0000084 ATAC-seq"), ("CL:0000084", "DNASE", "CL:0000084 DNase-seq"),
        ("CL:0000047", "DNASE", "CL:0000047 DNase-seq")]
    assert plan.terms[1].tracks == {"ATAC": 0, "DNASE": 1}


def test_the_textproto_plans_as_its_table() -> None:
    plan = trackmeta.tracks(["CL:0000084"], ["DNASE"], TEXTPROTO)
    assert [t.values["name"] for t in plan.tracks] == ["CL:0000084 DNase-seq"]


def test_filters_are_exact_and_named_columns_only() -> None:
    plan = trackmeta.tracks(["CL:0000062", "CL:0000115"], ["CHIP_TF"], VALID,
                            where=["transcription_factor=CTCF", "strand=."])
    assert len(plan.tracks) == 2
    assert trackmeta.tracks(["CL:0000062"], ["CHIP_TF"], VALID,
                            where={"transcription_factor": "ctcf"}).tracks == ()
    with pytest.raises(UsageError, match="no such column"):
        trackmeta.tracks(["CL:0000062"], ["CHIP_TF"], VALID, where=["target=CTCF"])
    with pytest.raises(UsageError, match="COLUMN=VALUE"):
        trackmeta.tracks(["CL:0000062"], ["CHIP_TF"], VALID, where=["CTCF"])


def test_descendants_come_from_the_pinned_closure() -> None:
    from trackmeta.ontology.resolver import resolver_for
    from trackmeta.specs.model import default_specs

    plan = trackmeta.tracks(["CL:0002319"], ["RNA_SEQ", "DNASE"], VALID, descendants=True)
    included = plan.terms[0].included
    assert included[0] == "CL:0002319" and "CL:0000047" in included
    resolver = resolver_for(default_specs(), None)
    assert all("CL:0002319" in resolver.ancestors(c) for c in included[1:])
    assert trackmeta.tracks(["CL:0002319"], ["RNA_SEQ"], VALID).tracks == ()  # no expansion


def test_the_metadata_organism_wins_and_a_contradiction_is_an_error(tmp_path: Path) -> None:
    official = tmp_path / "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto"
    official.write_bytes(TEXTPROTO.read_bytes().replace(b"OUTPUT_TYPE_PROCAP", b"OUTPUT_TYPE_CAGE"))
    assert trackmeta.tracks(["CL:0000084"], ["DNASE"], official).organism == "mouse"
    with pytest.raises(UsageError, match=r"is mouse metadata .*, not human"):
        trackmeta.tracks(["CL:0000084"], ["DNASE"], official, organism="human")


def test_cli_json_and_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "tracks", "CL:0000084", "--output-type", "ATAC",
                           "--metadata", str(VALID), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["terms"] == ["CL:0000084"]
    assert document["tracks"][0]["curie"] == "CL:0000084"
    assert set(document["tracks"][0]) >= {"output_type", "name", "strand", "biosample_type"}
    code, out, _ = run_cli(capsys, "tracks", "UBERON:2048", "--output-type", "ATAC",
                           "--metadata", str(VALID))
    assert code == 1 and "UBERON:2048 -> UBERON:0002048: ATAC 0" in out


def test_no_pandas_to_plan_from_a_table() -> None:
    code = ("import sys, trackmeta; trackmeta.tracks(['CL:0000084'], ['ATAC'], sys.argv[1]); "
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(VALID)], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


@needs_shared
def test_brain_with_dnase_on_the_real_human_metadata() -> None:
    plan = trackmeta.tracks(["UBERON:0000955"], ["DNASE"], HUMAN_TSV, descendants=True)
    assert len(plan.curies) == 11 and len(plan.tracks) == 11
    alone = trackmeta.tracks(["UBERON:0000955"], ["DNASE"], HUMAN_TSV)
    assert [t.curie for t in alone.tracks] == ["UBERON:0000955"]


@needs_shared
@pytest.mark.skipif(not MOUSE.is_file(), reason=f"{MOUSE} is absent")
def test_mouse_metadata_is_planned_as_mouse() -> None:
    plan = trackmeta.tracks(["UBERON:0000955"], ["DNASE"], MOUSE, descendants=True)
    assert plan.organism == "mouse" and plan.tracks
    with pytest.raises(UsageError):
        trackmeta.tracks(["UBERON:0000955"], ["DNASE"], MOUSE, organism="human")


def test_a_name_is_resolved_to_the_term_it_names_exactly() -> None:
    plan = trackmeta.tracks(["T-cell", "no such cell type at all"], ["ATAC"], VALID)
    assert (plan.terms[0].given, plan.terms[0].curie) == ("T-cell", "CL:0000084")
    assert plan.terms[1].curie is None and "no term is named so exactly" in str(plan.terms[1].problem)


def test_a_curie_under_several_biosample_types_is_flagged(tmp_path: Path) -> None:
    text = VALID.read_text().splitlines()
    header = text[0].split("\t")
    row = text[1].split("\t")  # CL:0000084 ATAC-seq, primary_cell
    twin = list(row)
    twin[header.index("name")] = "CL:0000084 ATAC-seq second"
    twin[header.index("biosample_type")] = "in_vitro_differentiated_cells"
    table = tmp_path / "table.tsv"
    table.write_text("\n".join([*text, "\t".join(twin)]) + "\n")
    plan = trackmeta.tracks(["CL:0000084"], ["ATAC"], table)
    assert len(plan.tracks) == 2
    assert plan.terms[0].biosample_types == {
        "CL:0000084": ("in_vitro_differentiated_cells", "primary_cell")}
    assert any("several biosample types" in w for w in plan.warnings)


@needs_sdk
def test_ontology_terms_are_the_sdks_objects() -> None:
    from alphagenome.data import ontology

    plan = trackmeta.tracks(["UBERON:2048", "CL:0000084"], ["ATAC"], VALID)
    assert plan.ontology_terms == [ontology.from_curie("UBERON:0002048"),
                                   ontology.from_curie("CL:0000084")]
    assert list(plan.to_frame()["curie"]) == ["CL:0000084"]


def test_no_pandas_to_plan_from_an_official_file() -> None:
    code = ("import sys, trackmeta; trackmeta.tracks(['CL:0000084'], ['DNASE'], sys.argv[1]); "
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(TEXTPROTO)], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "False"


@needs_shared
def test_the_planner_says_where_a_replaced_terms_tracks_are_and_why_a_prefix_is_refused() -> None:
    """#30: a term without tracks whose former (obsolete) id has them says so; a CURIE of a
    prefix no metadata uses is refused for its prefix; no output type named means every one."""
    plan = trackmeta.tracks(["CL:0000322"], ["RNA_SEQ"], REAL_TSV)
    assert any("CL:0010003, the obsolete id it replaces, has 2" in w for w in plan.warnings)
    (mondo,) = trackmeta.tracks(["MONDO:0005086"], None, REAL_TSV).terms
    assert mondo.curie is None and "no ontology type 'MONDO'" in (mondo.problem or "")
    every = trackmeta.tracks(["EFO:0002067"], None, REAL_TSV)  # K562
    assert set(every.output_types) >= {"DNASE", "RNA_SEQ", "CHIP_TF"}
    assert sum(every.terms[0].tracks.values()) > 100


def test_an_ntr_term_is_placed_under_the_organs_its_encode_slims_name() -> None:
    """ENCODE's NTR list gives each biosample its organ slims (NTR:0000493 'left ventricle
    myocardium inferior': heart); the declared slim -> UBERON map places it under heart."""
    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs.model import default_specs

    resolver = Resolver(default_specs())
    placed = resolver.ancestors("NTR:0000493")
    assert placed["UBERON:0000948"] == 1  # heart
    assert placed["UBERON:0000467"] > 1  # anatomical system, above heart
    assert resolver.is_under("NTR:0000646", ["UBERON:0000955"])  # left cerebral cortex: brain
    assert resolver.ancestors("NTR:0000856") == {} or "UBERON:0000948" not in resolver.ancestors(
        "NTR:0000856")  # mesendoderm: no organ slim of heart


def test_every_organ_slim_the_ntr_list_uses_is_declared_and_live() -> None:
    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs.model import default_specs

    specs = default_specs()
    resolver = Resolver(specs)
    decl = specs.vocabularies["encode-ntr"]
    used = {slim for _, _, slims in resolver.words.get("encode-ntr").entries()
            for slim in slims.split("|") if slim}
    assert used == set(decl.organ_slims)
    labels = {slim: getattr(resolver.term(curie), "label", None)
              for slim, curie in decl.organ_slims.items()}
    assert all(resolver.term(c) is not None and not resolver.term(c).obsolete  # type: ignore[union-attr]
               for c in decl.organ_slims.values())
    # ENCODE's names are UBERON's labels, but for its spelling of one and a shortened other
    assert {slim: label for slim, label in labels.items() if slim != label} == {
        "paraythroid gland": "parathyroid gland",
        "extraembryonic component": "entire extraembryonic component"}


@needs_shared
def test_descendants_of_an_organ_include_its_ntr_samples() -> None:
    human = trackmeta.tracks("UBERON:0000948", "DNASE", REAL_TSV, descendants=True)
    assert {"NTR:0000491", "NTR:0000492", "NTR:0000493", "NTR:0000494"} <= set(
        human.curies)
    mouse = trackmeta.tracks("UBERON:0000955", None, SHARED / (
        "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto"), descendants=True)
    assert {"NTR:0000646", "NTR:0000647"} <= set(mouse.curies)
