"""The cache on a shared machine (#32): an aid to speed, never a source of truth. Entries another
user wrote, links, devices, FIFOs, huge or truncated files and re-sealed wrong payloads are
rebuilt, never trusted; pruning touches only trackmeta's own files; no report changes."""

from __future__ import annotations

import marshal
import os
import threading
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import FIXTURES
from trackmeta import cache

TEXTPROTO = FIXTURES / "metadata.textproto"
NOBODY = 65534


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(root))
    return root


def _findings(path: Path) -> list[tuple[int | None, str | None, str, str]]:
    return [(f.line, f.column, f.code, f.message) for f in trackmeta.check(path).findings]


def _proto_entry(root: Path) -> Path:
    (entry,) = (root / "proto").glob("*.marshal")
    return entry


def test_a_resealed_wrong_payload_is_rebuilt_and_changes_nothing(own_cache: Path) -> None:
    expected = _findings(TEXTPROTO)
    entry = _proto_entry(own_cache)
    forged = ({"name": ["x"], "output_type": ["DNASE", "CAGE"]}, [2])  # columns of two lengths
    for payload in (marshal.dumps(forged), marshal.dumps([1, 2]), b"not marshal",
                    marshal.dumps(({"name": ["a", "b"]}, [3, 2]))):
        entry.write_bytes(cache.sealed(payload))
        assert _findings(TEXTPROTO) == expected  # lines kept, no pandas error, no exit 2


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="giving a file to another user needs root (CI runs as root)")
def test_entries_and_directories_of_another_user_are_not_trusted(own_cache: Path) -> None:
    expected = _findings(TEXTPROTO)
    entry = _proto_entry(own_cache)
    text, lines = marshal.loads(cache.unsealed(entry.read_bytes()) or b"")
    text = {k: ["FORGED"] * len(v) if k == "biosample_name" else v for k, v in text.items()}
    entry.write_bytes(cache.sealed(marshal.dumps((text, lines))))  # validly sealed, forged
    os.chown(entry, NOBODY, NOBODY)
    assert cache.read_entry(entry) is None
    assert _findings(TEXTPROTO) == expected
    os.chown(entry, 0, 0)
    os.chown(entry.parent, NOBODY, NOBODY)  # the directory another's: nothing read or written
    assert not cache.trusted_dir(entry.parent)
    assert _findings(TEXTPROTO) == expected


def test_links_devices_fifos_and_huge_files_are_not_read(own_cache: Path, tmp_path: Path) -> None:
    expected = _findings(TEXTPROTO)
    entry = _proto_entry(own_cache)
    entry.unlink()
    entry.symlink_to("/dev/zero")
    assert cache.read_entry(entry) is None and _findings(TEXTPROTO) == expected
    entry.unlink()
    os.mkfifo(entry)
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(cache.read_entry(entry)), daemon=True)
    worker.start()
    worker.join(5)
    assert done == [None]  # neither hangs nor reads
    entry.unlink()
    with entry.open("wb") as handle:
        handle.truncate(cache.MAX_ENTRY + 1)  # sparse: huge, costs no disk
    assert cache.read_entry(entry) is None and _findings(TEXTPROTO) == expected


def test_pruning_never_follows_a_link_into_a_users_directory(own_cache: Path,
                                                           tmp_path: Path) -> None:
    _findings(TEXTPROTO)
    mine = tmp_path / "my-work"
    mine.mkdir()
    precious = [mine / f"{n:064x}.marshal" for n in range(12)]
    for path in precious:
        path.write_bytes(b"the user's own file")
    proto = own_cache / "proto"
    for old in proto.iterdir():
        old.unlink()
    proto.rmdir()
    proto.symlink_to(mine, target_is_directory=True)
    for n in range(10):  # many files checked: the cache would prune beyond its few
        table = tmp_path / f"t{n}.textproto"
        table.write_text(TEXTPROTO.read_text().replace("T-cell", f"T-cell {n}"))
        trackmeta.check(table)
    assert all(path.read_bytes() == b"the user's own file" for path in precious)


def test_an_index_truncated_while_in_use_is_a_clean_rebuild(own_cache: Path) -> None:
    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs.model import default_specs

    resolver = Resolver(default_specs(), {"CL": FIXTURES / "ontologies" / "cl-mini.obo"})
    assert resolver.resolve("CL:0000084").status in ("ok", "obsolete")
    for index in (own_cache / "index").glob("CL-*.idx"):
        with index.open("r+b") as handle:
            handle.truncate(100)
    assert resolver.resolve("CL:0000236").status in ("ok", "obsolete", "unknown")  # no SIGBUS
    fresh = Resolver(default_specs(), {"CL": FIXTURES / "ontologies" / "cl-mini.obo"})
    assert fresh.resolve("CL:0000084") == resolver.resolve("CL:0000084")


def test_a_damaged_vocabulary_copy_changes_no_report(own_cache: Path, tmp_path: Path) -> None:
    from tests.helpers import edited, to_text, valid_lines

    table = tmp_path / "chip.tsv"
    table.write_text(to_text(edited(valid_lines(), 2, "transcription_factor", "CTFC")))
    expected = _findings(table)
    for copy in (own_cache / "vocab").glob("*.vocab"):
        copy.write_bytes(copy.read_bytes()[: len(copy.read_bytes()) // 2])
    assert _findings(table) == expected
    for copy in (own_cache / "verdicts").glob("*.memo"):  # remembered verdicts, misshapen
        copy.write_bytes(cache.sealed(marshal.dumps({"CTFC": "gene", "X": ("gene",)})))
    assert _findings(table) == expected


# -- configuration from places the user does not control ------------------------------------------

def _bad_table(directory: Path) -> Path:
    from tests.helpers import VALID

    table = directory / "bad.tsv"
    table.write_text(VALID.read_text().replace("0.09414368867874146", "-1"))
    return table


def _cli(*argv: str, cwd: Path) -> tuple[int, str, str]:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "trackmeta", *argv], cwd=cwd, text=True,
                          capture_output=True, check=False)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="a directory of another user needs root to make (CI runs as root)")
def test_a_configuration_in_another_users_directory_silences_nothing(tmp_path: Path) -> None:
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    (shared / "trackmeta.toml").write_text('ignore = ["TM1"]\n')
    mine = shared / "work"
    mine.mkdir()
    table = _bad_table(mine)
    os.chown(shared, NOBODY, NOBODY)
    os.chmod(shared, 0o1777)
    code, out, _ = _cli("check", table.name, cwd=mine)
    assert code == 1 and "TM105" in out and "configuration:" not in out


def test_the_search_stops_at_the_repository_root_and_names_the_file_used(tmp_path: Path) -> None:
    (tmp_path / "trackmeta.toml").write_text('ignore = ["TM1"]\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    table = _bad_table(repo)
    code, out, _ = _cli("check", table.name, cwd=repo)
    assert code == 1 and "TM105" in out
    (repo / "trackmeta.toml").write_text('fail-on = "never"\n')
    code, out, _ = _cli("check", table.name, cwd=repo)
    assert code == 0 and f"note: configuration: {repo / 'trackmeta.toml'}" in out


def test_an_error_about_a_setting_names_its_file_line_and_key(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "trackmeta.toml").write_text('fail-on = "error"\n[ontologies]\nCL = "/dev/zero"\n')
    code, _, err = _cli("check", _bad_table(tmp_path).name, cwd=tmp_path)
    assert code == 2 and "trackmeta.toml:" in err and "ontologies.CL = '/dev/zero'" in err
    assert "--ontology" not in err  # a flag the user never passed
