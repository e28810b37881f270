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


# -- left from rounds one and two --------------------------------------------------------------

def test_an_alias_bomb_in_a_manifest_is_refused_quickly(tmp_path: Path) -> None:
    import time

    release = tmp_path / "release"
    release.mkdir()
    (release / "tracks.tsv").write_text((REPO / "tests" / "fixtures" / "valid.tsv").read_text())
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 9)}]"
              for i in range(1, 9)]
    (release / "manifest.yaml").write_text("\n".join(lines) + "\n")
    start = time.monotonic()
    done = _run(["check", str(release)])
    assert done.returncode == 2 and b"manifest key 'a'" in done.stderr
    assert time.monotonic() - start < 20  # was past 60 s: each node is walked once


def test_a_large_baseline_is_valid(tmp_path: Path) -> None:
    import json

    entry = {"code": "TM104", "file": "t.tsv", "column": "name", "value": "x", "count": 1,
             "track": {"organism": "human", "output_type": "DNASE", "name": "n", "strand": "."}}
    entries = [{**entry, "value": f"v{i}"} for i in range(200_001)]
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"trackmeta_baseline": 2, "entries": entries}))
    assert baseline.stat().st_size > 16 << 20
    done = _run(["check", str(EXAMPLE), "--baseline", str(baseline)])
    assert done.returncode == 1, done.stderr  # the example's findings, not exit 2
    assert b"set aside" in done.stdout  # its entries are for a file this run did not check


def test_cr_only_line_ends_are_refused_by_name(tmp_path: Path) -> None:
    table = tmp_path / "mac.tsv"
    table.write_bytes((REPO / "tests" / "fixtures" / "valid.tsv").read_bytes().replace(b"\n", b"\r"))
    done = _run(["check", str(table)])
    assert done.returncode == 2 and b"carriage return alone" in done.stderr


@pytest.mark.parametrize(("column", "planted", "meant"), [
    ("ontology_curie", "CL:000\u00a00084", "CL:0000084"),
    ("biosample_name", "T-cell\u00a0", "T-cell"),
    ("biosample_name", "T\u00a0cell", "T cell"),
])
def test_a_no_break_space_is_cleaned_to_the_value_meant(column: str, planted: str, meant: str,
                                                        tmp_path: Path) -> None:
    import trackmeta

    table = tmp_path / "t.tsv"
    table.write_text(to_text(edited(valid_lines(), 2, column, planted)))
    (found,) = [f for f in trackmeta.check(table).findings if f.code == "TM012"]
    assert found.fix == meant


def test_an_overlong_term_is_a_verdict_not_a_failure() -> None:
    done = _run(["terms", "CL:" + "9" * 120_000])
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "trackmeta", "terms", "-"], cwd=REPO,
                          input=b"CL:" + b"9" * 10_000_000 + b"\n", capture_output=True,
                          check=False)
    assert done.returncode == 1, done.stderr


@pytest.mark.parametrize("how", ["-o", "--in-place"])
def test_a_full_disk_during_fix_names_the_file(how: str, tmp_path: Path) -> None:
    """A file-size limit stands in for a full disk: the write fails midway (EFBIG)."""
    import resource
    import shutil

    table = tmp_path / "t.tsv"
    shutil.copy(REPO / "examples" / "release" / "track_metadata.tsv", table)
    before = table.read_bytes()
    limit = len(before) // 2

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    target = tmp_path / "out"
    argv = [sys.executable, "-m", "trackmeta", "fix", str(table), *(
        ["-o", str(target)] if how == "-o" else ["--in-place"])]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, preexec_fn=small_files,
                          check=False)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    named = str(target if how == "-o" else tmp_path).encode()
    assert named in done.stderr, done.stderr
    assert table.read_bytes() == before  # the input is whole
    assert not list(tmp_path.glob(".t.tsv.*")) and not list(tmp_path.glob("*.orig"))
