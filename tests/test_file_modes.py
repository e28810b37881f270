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


# -- round two: disks and signals; one writer, atomic and signal-safe for every output ---------

def test_a_full_disk_during_fix_in_place_leaves_the_input_and_no_partial_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import errno
    import os

    from tests.helpers import edited, run_cli, to_text, valid_lines

    table = tmp_path / "tracks.tsv"
    table.write_text(to_text(edited(valid_lines(), 5, "biosample_name", "fat cell ")))
    before = table.read_bytes()
    real = os.replace
    calls = []

    def full(src: str, dst: str) -> None:
        calls.append(dst)
        if str(dst) == str(table):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", full)
    code, _, err = run_cli(capsys, "fix", str(table), "--in-place")
    assert code == 2 and f"{table}: No space left on device" in err
    assert table.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracks.tsv"]  # no .orig, no temp


def test_a_read_only_directory_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    import errno
    import tempfile

    from tests.helpers import run_cli

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    code, _, err = run_cli(capsys, "check", str(VALID), "-o", str(tmp_path / "r.json"))
    assert code == 2 and str(tmp_path) in err and "Permission denied" in err
    assert "internal" not in err


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_signal_during_a_write_leaves_no_temporary_or_partial_file(tmp_path: Path,
                                                                     signal_name: str) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "out.json"
    script = f"""
import os, sys, time
from pathlib import Path
from trackmeta.cli import on_termination, main
import trackmeta.io.safe as safe
on_termination()
real = os.fdopen
def slow(fd, *a, **k):
    handle = real(fd, *a, **k)
    write = handle.write
    def stalled(data):
        Path({str(tmp_path / 'started')!r}).touch()
        time.sleep(30)
        return write(data)
    handle.write = stalled
    return handle
safe.os.fdopen = slow
sys.exit(main(["check", {str(VALID)!r}, "-o", {str(target)!r}]))
"""
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (tmp_path / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(child.pid, getattr(signal, signal_name))
    _, err = child.communicate(timeout=60)
    assert child.returncode == (143 if signal_name == "SIGTERM" else 130), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["started"], err
