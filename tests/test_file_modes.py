"""Files trackmeta writes are as readable as any program's: a new report follows the umask, a
file replaced in place keeps its mode, and its backup has the original's mode. And gzip of many
members decompresses whole, or stops at the limit."""

from __future__ import annotations

import gzip
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import VALID, run_cli
from trackmeta.io.safe import InputError, gunzip, write_atomic_bytes


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_report_follows_the_umask(tmp_path: Path, umask_022: None,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    assert run_cli(capsys, "check", str(VALID), "--format", "json", "-o", str(out))[0] == 0
    assert _mode(out) == 0o644


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "shared.tsv"
    target.write_text("old")
    target.chmod(0o664)
    write_atomic_bytes(target, b"new")
    assert (target.read_bytes(), _mode(target)) == (b"new", 0o664)


def test_fix_in_place_keeps_the_mode_and_the_backup_has_the_originals(
        tmp_path: Path, umask_022: None, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "table.tsv"
    table.write_text(VALID.read_text().replace("fat cell", "fat cell ", 1))
    table.chmod(0o664)
    code, _, err = run_cli(capsys, "fix", str(table), "--in-place")
    assert code == 0 and "fixed in place" in err
    backup = tmp_path / "table.tsv.orig"
    assert _mode(table) == 0o664 and _mode(backup) == 0o664
    assert "fat cell " in backup.read_text() and "fat cell " not in table.read_text()


def test_many_gzip_members_with_padding_decompress_whole() -> None:
    parts = [gzip.compress(f"member {n}\n".encode()) + b"\0" * 7 for n in range(300)]
    data = b"".join(parts)
    assert gunzip(data, "x", 1 << 20) == b"".join(f"member {n}\n".encode() for n in range(300))


def test_many_members_stop_at_the_limit() -> None:
    member = gzip.compress(b"\0" * (1 << 20))
    with pytest.raises(InputError, match="decompresses to more"):
        gunzip(member * 68, "x", 8 << 20)
