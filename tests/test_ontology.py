"""The resolver: statuses, replacements, ancestry, sources (bundled, OBO via pronto) and the cache."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import FIXTURES, REPO, SHARED, edited, to_text, valid_lines
from trackmeta.cli import main
from trackmeta.ontology import index as index_module
from trackmeta.ontology.index import OntologyIndex, Release, Term, load_or_build, row_of
from trackmeta.ontology.resolver import Resolver
from trackmeta.specs.model import default_specs

MINI = FIXTURES / "ontologies"
CL_MINI, UBERON_MINI, CLO_MINI = (MINI / f"{n}-mini.obo" for n in ("cl", "uberon", "clo"))
REAL_CL = SHARED / "cl-basic_2022-11-25.obo"


@pytest.fixture(scope="module")
def bundled() -> Resolver:
    return Resolver(default_specs())


@pytest.fixture(scope="module")
def mini() -> Resolver:
    return Resolver(default_specs(), {"CL": CL_MINI, "UBERON": UBERON_MINI, "CLO": CLO_MINI})


@pytest.mark.parametrize(("curie", "status", "label", "replacement"), [
    ("UBERON:0002245", "ok", "cerebellar hemisphere", None),
    ("UBERON:0002037", "ok", "cerebellum", None),
    ("CL:0000084", "ok", "T cell", None),
    ("EFO:0002106", "ok", "A673", None),
    ("CL:0010003", "obsolete", "obsolete epithelial cell of alveolus of lung", "CL:0000322"),
    ("EFO:0001184", "obsolete", "obsolete_HEK293T", "EFO:0001082"),
    ("EFO:0000681", "obsolete", "obsolete_renal cell carcinoma", "MONDO:0005086"),
    ("CL:9999999", "unknown", None, None),
    ("NTR:0000856", "provisional", "mesendoderm", None),  # named by ENCODE's NTR list
    ("NTR:9999999", "unknown", None, None),
    ("CLO:0026782", "unresolved", None, None),
    ("CL:84", "malformed", None, "CL:0000084"),
    ("MONDO:0005086", "malformed", None, None),
])
def test_bundled_statuses(
    bundled: Resolver, curie: str, status: str, label: str | None, replacement: str | None
) -> None:
    result = bundled.resolve(curie)
    assert (result.status, result.label, result.replacement) == (status, label, replacement)


def test_cross_ontology_replacement_is_said_so(bundled: Resolver) -> None:
    result = bundled.resolve("EFO:0000681")
    assert "in MONDO, another ontology" in result.message
    assert result.replacement_label is None  # not followed into a release we do not have


def test_obo_fixture_through_pronto(mini: Resolver) -> None:
    t_cell = mini.resolve("CL:0000084")
    assert t_cell.status == "ok" and "T-cell" in t_cell.synonyms
    assert t_cell.release is not None and "cl-mini.obo" in t_cell.release
    assert mini.resolve("CL:0000375").replacement == "CL:0007010"
    consider = mini.resolve("CL:0000013")
    assert consider.status == "obsolete" and consider.replacement is None
    assert consider.candidates == ("CL:0000140",)
    assert "no automatic replacement is safe" in consider.message
    assert mini.resolve("CLO:0026782").label == "GM19397"


def test_ancestors_follow_is_a_and_part_of(mini: Resolver) -> None:
    assert mini.ancestors("UBERON:0002245") == {
        "UBERON:0001062": 1, "UBERON:0002037": 1, "UBERON:0000955": 2}
    assert mini.is_under("CL:0000084", ["CL:0000000"])
    assert not mini.is_under("CL:0000084", ["CL:0007010"])


def test_replacement_chains_are_followed_to_a_live_term(tmp_path: Path) -> None:
    def term(curie: str, label: str, obsolete: bool = False, replaced: tuple[str, ...] = ()) -> Term:
        return Term(curie, label, (), obsolete, replaced, (), ())

    rows = {t.id: row_of(t) for t in (
        term("CL:0000001", "obsolete a", True, ("CL:0000002",)),
        term("CL:0000002", "obsolete b", True, ("CL:0000003",)),
        term("CL:0000003", "c"),
        term("CL:0000004", "obsolete loop", True, ("CL:0000005",)),
        term("CL:0000005", "obsolete loop back", True, ("CL:0000004",)),
    )}
    resolver = Resolver(default_specs())
    resolver._indices["CL"] = OntologyIndex(Release("CL", "test", "memory", "0" * 64), rows)
    chained = resolver.resolve("CL:0000001")
    assert (chained.replacement, chained.chain) == ("CL:0000003", ("CL:0000002", "CL:0000003"))
    looped = resolver.resolve("CL:0000004")
    assert looped.status == "obsolete" and looped.replacement is None


@pytest.mark.skipif(not REAL_CL.is_file(), reason=f"{REAL_CL} is absent (../shared)")
def test_real_cl_obo_release() -> None:
    resolver = Resolver(default_specs(), {"CL": REAL_CL})
    result = resolver.resolve("CL:0000375")
    assert (result.status, result.replacement, result.replacement_label) == (
        "obsolete", "CL:0007010", "preosteoblast")
    assert result.release == f"CL 2022-11-25 ({REAL_CL})"
    index = resolver.index("CL")
    assert index is not None
    # the file has 157 obsolete terms: 148 CL ones (indexed) and 9 of other prefixes (not)
    assert sum(1 for row in index.rows.values() if row[2] and row[6] is None) == 148
    # and 76 CL alt_ids, each indexed as merged into its primary term
    assert sum(1 for row in index.rows.values() if row[6] is not None) == 76
    merged = resolver.resolve("CL:0002609")
    assert (merged.status, merged.merged, merged.replacement, merged.replacement_label) == (
        "obsolete", True, "CL:0010012", "cerebral cortex neuron")
    assert "merged into CL:0010012" in merged.message


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def test_cache_hit_then_damaged_file_is_rebuilt() -> None:
    """The header is verified when the file is opened, a record when it is read, the names when
    a search reads them: damage anywhere is rebuilt from the source, never trusted."""
    release = Release("CL", "v", "memory", "a" * 64)
    rows = {"CL:0000000": row_of(Term("CL:0000000", "cell", (), False, (), (), {})),
            "CL:0000001": row_of(Term("CL:0000001", "zygote", (), False, (), (), {"CL:0000000": 1}))}
    calls: list[int] = []

    def build() -> OntologyIndex:
        calls.append(1)
        return OntologyIndex(release, rows)

    path = index_module.cache_path("CL", "a" * 64)
    stale = path.with_name(path.name.replace(f"-f{index_module.FORMAT}-", "-f1-"))
    path.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"an index of an older trackmeta")
    former = path.with_name("CL-former-" + "f" * 24 + ".idx")
    former.write_bytes(b"another kind of cache file")
    assert load_or_build("CL", "a" * 64, build)[1] is False
    assert not stale.exists()  # a layout no version reads again is removed when one is built
    assert former.exists()
    index, hit = load_or_build("CL", "a" * 64, build)
    assert hit is True and index.get("CL:0000001") == Term(
        "CL:0000001", "zygote", (), False, (), (), {"CL:0000000": 1})
    assert "CL:0000002" not in index.rows and index.get("CL:0000002") is None
    assert [n[0] for n in index.names] == ["cell", "zygote"]
    size = path.stat().st_size

    _flip(path, 40)  # the header
    index, hit = load_or_build("CL", "a" * 64, build)
    assert hit is False and index.get("CL:0000000") is not None and len(calls) == 2

    names_start = size - len(index_module.completed(build()).packed_names)  # type: ignore[arg-type]
    del calls[2:]
    _flip(path, names_start - 3)  # the last record, CL:0000001's
    index, hit = load_or_build("CL", "a" * 64, build)
    assert hit is True and len(calls) == 2
    assert index.get("CL:0000000") is not None and len(calls) == 2  # an intact record
    assert index.get("CL:0000001") is not None and index.get("CL:0000001").label == "zygote"  # type: ignore[union-attr]
    assert len(calls) == 3  # rebuilt, and the file rewritten
    assert load_or_build("CL", "a" * 64, build)[0].get("CL:0000001") is not None and len(calls) == 3

    _flip(path, size - 2)  # the names
    index, hit = load_or_build("CL", "a" * 64, build)
    assert hit is True and [n[0] for n in index.names] == ["cell", "zygote"] and len(calls) == 4

    path.write_bytes(b"short")
    assert load_or_build("CL", "a" * 64, build)[1] is False
    path.write_bytes(b"")
    assert load_or_build("CL", "a" * 64, build)[1] is False


def test_an_index_is_built_by_one_process_while_the_others_wait() -> None:
    import threading
    import time

    release = Release("CL", "v", "memory", "b" * 64)
    calls: list[str] = []

    def build(who: str) -> Callable[[], OntologyIndex]:
        def slow() -> OntologyIndex:
            calls.append(who)
            time.sleep(0.3)
            cell = Term("CL:0000000", "cell", (), False, (), (), {})
            return OntologyIndex(release, {cell.id: row_of(cell)})
        return slow

    results: dict[str, bool] = {}
    first = threading.Thread(
        target=lambda: results.update(first=load_or_build("CL", "b" * 64, build("first"))[1]))
    first.start()
    while not calls:
        time.sleep(0.01)
    index, hit = load_or_build("CL", "b" * 64, build("second"))  # waits for the first build
    first.join()
    assert calls == ["first"] and results == {"first": False} and hit is True
    assert index.get("CL:0000000") is not None


def test_the_helper_is_started_only_for_a_missing_index_and_builds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trackmeta.ontology import index, prebuild

    started: list[list[str]] = []
    monkeypatch.setattr(prebuild.subprocess, "Popen", lambda argv, **_: started.append(argv))
    monkeypatch.setattr(prebuild, "_cores", lambda: 2)
    monkeypatch.setattr(prebuild, "_writable", lambda: True)
    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path / "cache"))
    default_specs.cache_clear()
    try:
        prebuild.start(["UBERON"])  # a new machine: the package ships every index prebuilt
        assert started == []
        # an index layout the package did not prebuild: the releases must be compiled
        monkeypatch.setattr(index, "shipped_path", lambda prefix, sha: tmp_path / "none.zst")
        prebuild.start(["UBERON"])
        assert started and started[0][-3:] == ["-m", "trackmeta.ontology.prebuild", "UBERON"]
        assert prebuild.main(["UBERON", "EFO"]) == 0  # the helper, as started (less EFO: time)
        assert sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "index").glob("*.idx")) == ["CL"]
        assert prebuild.missing(default_specs()) == ["EFO", "UBERON"]
        assert prebuild.missing(default_specs(), ["EFO", "UBERON"]) == []
        started.clear()
        prebuild.start(["EFO", "UBERON"])  # nothing left to build for this run: no helper
        prebuild.start(["EFO", "UBERON"])
        assert started == []
        monkeypatch.setattr(prebuild, "_cores", lambda: 1)
        prebuild.start()  # one core: the run builds what it needs itself
        monkeypatch.setattr(prebuild, "_cores", lambda: 2)
        monkeypatch.setattr(prebuild, "_writable", lambda: False)
        prebuild.start()  # a cache it could not write to
        assert started == []
    finally:
        default_specs.cache_clear()


def test_a_release_that_does_not_match_its_pin_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = default_specs()
    bad = dataclasses.replace(specs.ontologies["CL"], release_sha256="0" * 64)
    monkeypatch.setattr(
        "trackmeta.checking.pipeline.default_specs",
        lambda: dataclasses.replace(specs, ontologies={**specs.ontologies, "CL": bad}))
    assert main(["check", str(REPO / "examples/release")]) == 2
    err = capsys.readouterr().err
    assert "differs from the pinned" in err and "Traceback" not in err


def test_unknown_ontology_option_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "CL:0000084", "--ontology", "GO=x.obo"]) == 2
    assert main(["resolve", "CL:0000084", "--ontology", f"CL={MINI / 'nope.obo'}"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_unreadable_obo_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.obo"
    broken.write_text("format-version: 1.2\n\n[Term]\nid CL:0000000 no colon\n")
    assert main(["resolve", "CL:0000084", "--ontology", f"CL={broken}"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_gtex_remap_both_ways(tmp_path: Path) -> None:
    lines = valid_lines()
    lines[9][lines[0].index("ontology_curie")] = "UBERON:0002037"  # hemisphere -> cerebellum
    cerebellum = list(lines[9])
    name, tissue = lines[0].index("name"), lines[0].index("gtex_tissue")
    cerebellum[name] = "UBERON:0002245 gtex Brain_Cerebellum polyA plus RNA-seq"
    cerebellum[lines[0].index("ontology_curie")] = "UBERON:0002245"
    cerebellum[tissue] = "Brain - Cerebellum"
    lines[9][name] = "UBERON:0002037 gtex Brain_Cerebellar_Hemisphere polyA plus RNA-seq"
    path = tmp_path / "gtex.tsv"
    path.write_text(to_text([*lines, cerebellum]))
    found = [(f.line, f.value, f.fix) for f in trackmeta.check(path, select=["TM211"]).findings]
    assert found == [(10, "UBERON:0002037", "UBERON:0002245"), (27, "UBERON:0002245", "UBERON:0002037")]
    message = trackmeta.check(path, select=["TM211"]).findings[0].message
    assert "GTEx documents" in message


def test_biosample_type_roots_exist_and_are_live_in_the_pinned_releases(bundled: Resolver) -> None:
    for kind in default_specs().biosample_types.values():
        for roots in kind.branches.values():
            for root in roots:
                assert bundled.resolve(root).status == "ok", root


def test_check_with_an_obo_release(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    rows = [f for n, f in enumerate(valid_lines(), 1) if n in (1, 2)]  # ATAC, CL:0000084 'T-cell'
    path.write_text(to_text(rows))
    report = trackmeta.check(path, ontologies={"CL": CL_MINI})
    assert report.ok
    assert [o["source"] for o in report.ontologies if o["prefix"] == "CL"] == [str(CL_MINI)]
    rows[1][rows[0].index("biosample_name")] = "mature T cell"  # a RELATED synonym
    path.write_text(to_text(rows))
    found = trackmeta.check(path, ontologies={"CL": CL_MINI}).findings
    assert [(f.line, f.code) for f in found] == [(2, "TM209")]


def test_resolve_api_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert trackmeta.resolve("UBERON:0002245").label == "cerebellar hemisphere"
    assert main(["resolve", "UBERON:0002245"]) == 0
    assert main(["resolve", "UBERON:0002245", "CL:0010003", "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"status": "obsolete"' in out and '"replacement": "CL:0000322"' in out


def test_ontologies_command_names_exact_releases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ontologies"]) == 0
    out = capsys.readouterr().out
    assert "CL      2026-03-26" in out and "UBERON  2026-04-01" in out and "EFO     3.90.0" in out


def test_a_former_label_is_named_with_its_release_and_the_current_label(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CL:0000649 was 'prickle cell' up to CL 2025-04-10 (bundled); it is 'spinous cell of
    epidermis' in the pinned release."""
    lines = edited(valid_lines(), 9, "ontology_curie", "CL:0000649")
    lines = edited(lines, 9, "name", "CL:0000649 total RNA-seq")
    lines = edited(lines, 9, "biosample_name", "prickle cell")
    path = tmp_path / "t.tsv"
    path.write_text(to_text(lines))
    report = trackmeta.check(path)
    (finding,) = report.findings
    assert (finding.line, finding.code, finding.fix) == (9, "TM208", "spinous cell of epidermis")
    assert "was the label of CL:0000649 in CL 2025-04-10" in finding.message
    (cl,) = [o for o in report.ontologies if o["prefix"] == "CL"]
    assert cl["history"] == ["2025-07-30", "2025-04-10"]  # newest first, until one matches

    def unread(path: Path) -> None:
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr("trackmeta.ontology.resolver.ReleaseText", unread)
    again = trackmeta.check(path)  # what the older releases said of CL:0000649 is cached
    assert [f.message for f in again.findings] == [finding.message]


def test_an_older_release_read_as_text_gives_what_parsing_it_whole_gives() -> None:
    """The former names come from a scan for a term's own entry in an older release's text;
    on the newest history release of each ontology, a sample of its terms (and ids it lacks)
    reads as a full parse does."""
    import json
    import random

    import zstandard

    from trackmeta.ontology.sources import ReleaseText, bundled_file

    for decl in default_specs().ontologies.values():
        for old in decl.history[:1]:
            path = bundled_file(old.file)
            with path.open("rb") as handle:
                whole = json.loads(zstandard.ZstdDecompressor().stream_reader(handle).read())
            text = ReleaseText(path)
            for curie in random.Random(old.file).sample(sorted(whole), 60):
                data = whole[curie]
                assert text.names(curie) == (data.get("label", ""),
                                             tuple(data.get("synonyms", ()))), curie
            assert text.names(f"{decl.prefix}:9999999") is None
            assert text.names(f"{decl.prefix}:000000") is None  # a prefix of real ids
