"""Environments and streams a CI job or a shell can hand trackmeta (#32): closed standard
streams, an encoding that cannot hold the report, a deleted working directory, a dumb terminal.
The report is never lost, and no traceback reaches the user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, edited, to_text, valid_lines

EXAMPLE = REPO / "examples" / "release"


def _run(argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
         close: tuple[int, ...] = (), stdin: int | None = None) -> subprocess.CompletedProcess[bytes]:
    """The command with some standard streams closed (as `>&-` closes them)."""
    prefix = " ".join(f"{fd}>&-" if fd else "<&-" for fd in close)
    command = " ".join(["exec", sys.executable, "-m", "trackmeta", *argv, prefix])
    return subprocess.run(["bash", "-c", command], cwd=cwd or REPO, capture_output=True,
                          env={**os.environ, **(env or {})}, stdin=stdin, check=False)


def test_stdout_closed_is_exit_2_naming_it() -> None:
    done = _run(["check", str(EXAMPLE)], close=(1,))
    assert done.returncode == 2 and b"standard output is closed" in done.stderr
    assert b"Traceback" not in done.stderr


def test_stderr_closed_loses_no_report() -> None:
    done = _run(["check", str(EXAMPLE)], close=(2,))
    assert done.returncode == 1 and b"FAILED: 1 file" in done.stdout


def test_stdin_closed_is_exit_2_naming_it() -> None:
    done = _run(["terms", "-"], close=(0,))
    assert done.returncode == 2 and b"standard input is closed" in done.stderr
    assert b"internal error" not in done.stderr


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_encoding_that_cannot_hold_the_report_loses_nothing(encoding: str,
                                                               tmp_path: Path) -> None:
    table = tmp_path / "t.tsv"
    table.write_text(to_text(edited(valid_lines(), 5, "biosample_name", "Zellen \u2192 \u03b1 ")))
    done = _run(["check", str(table)], env={"PYTHONIOENCODING": encoding})
    assert done.returncode == 1, done.stderr
    assert b"TM104" in done.stdout and b"\\u2192" in done.stdout


def test_a_deleted_working_directory(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (f"cd {gone} && rmdir {gone} && exec {sys.executable} -m trackmeta ")
    for argv, code, said in (([f"check {EXAMPLE}"], 1, b"FAILED"),
                             (["resolve CL:0000084"], 0, b"T cell"),
                             (["check examples/release"], 2, b"no such file")):
        done = subprocess.run(["bash", "-c", script + argv[0]], capture_output=True,
                              env={**os.environ, "PYTHONPATH": str(REPO / "src")}, check=False)
        assert done.returncode == code, done.stderr
        assert said in done.stdout + done.stderr and b"Traceback" not in done.stderr
        gone.mkdir()


def test_a_dumb_terminal_gets_no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    from trackmeta.cli.check import _color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert _color(Terminal())
    monkeypatch.setenv("TERM", "dumb")
    assert not _color(Terminal())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert _color(Terminal())
