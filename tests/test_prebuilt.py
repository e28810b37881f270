"""What the package ships prebuilt (ontologies/prebuilt) is what `python -m
trackmeta.ontology.ship` makes from the pinned data today, and a first run uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
import zstandard

import trackmeta
from tests.helpers import cl_only_table
from trackmeta.ontology import index as indexes
from trackmeta.ontology import sources
from trackmeta.ontology.ship import pinned
from trackmeta.specs.model import default_specs, shipped_specs

REMAKE = "stale: run `python -m trackmeta.ontology.ship` and commit ontologies/prebuilt"


def test_the_shipped_specs_are_the_specs_checked_now() -> None:
    path, content = shipped_specs()
    assert path.is_file(), REMAKE
    assert path.read_bytes() == content, REMAKE
    assert [p.name for p in path.parent.glob("specs-*.seal")] == [path.name], REMAKE


@pytest.mark.parametrize("prefix", ["CL", "UBERON", "EFO"])
def test_each_shipped_index_is_its_pinned_release_compiled_now(prefix: str) -> None:
    (_, source, release), = [p for p in pinned(default_specs()) if p[0] == prefix]
    shipped = indexes.shipped_path(prefix, release.sha256)
    assert shipped.is_file(), REMAKE
    unpacked = zstandard.ZstdDecompressor().decompress(shipped.read_bytes())
    assert unpacked == indexes._encode(indexes.completed(sources.from_cellxgene(source, release))), \
        REMAKE
    assert [p.name for p in shipped.parent.glob(f"{prefix}-*.idx.zst")] == [shipped.name], REMAKE


def test_a_first_run_compiles_no_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty cache: the indexes are unpacked from the package, never compiled from JSON."""
    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path / "cache"))

    def refused(*args: object) -> None:
        raise AssertionError("a pinned release was compiled")

    from trackmeta.ontology import resolver

    monkeypatch.setattr(resolver, "from_cellxgene", refused)
    report = trackmeta.check(cl_only_table(tmp_path))
    assert report.exit_code == 0
    assert list((tmp_path / "cache" / "index").glob("CL-*.idx"))


def test_a_damaged_shipped_index_is_compiled_instead(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path / "cache"))
    release = next(r for p, _, r in pinned(default_specs()) if p == "CL")
    damaged = tmp_path / "CL.idx.zst"
    damaged.write_bytes(b"not zstd")
    from trackmeta.ontology import resolver

    monkeypatch.setattr(resolver, "shipped_path", lambda prefix, sha: damaged)
    report = trackmeta.check(cl_only_table(tmp_path))
    assert report.exit_code == 0
    assert any(r["prefix"] == "CL" and r["sha256"] == release.sha256 for r in report.ontologies)


def test_a_damaged_shipped_seal_is_checked_instead(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Shipped checked specs that do not verify are never trusted: the specs are read and
    meta-validated as on a checkout, and the result is the same."""
    from trackmeta.specs import model

    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path / "cache"))
    _, content = shipped_specs()
    damaged = tmp_path / "specs.seal"
    monkeypatch.setattr(model._Documents, "shipped_path", lambda self: damaged)
    for damage in (content[:-5], b"\0" * 40, content[:32] + content[40:]):
        damaged.write_bytes(damage)
        loaded = model.load_specs()
        assert list(loaded.output_types) == list(default_specs().output_types)
        assert (tmp_path / "cache" / "specs").is_dir()  # checked, so cached
