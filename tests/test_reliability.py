"""Never overwrite, never hang, never pass garbage, never let input drive the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.bad_inputs import CORPUS, Bad
from tests.helpers import REPO, VALID, cl_only_table, cold_cache, run_cli, to_text, valid_lines

Capture = pytest.CaptureFixture[str]
ESC = "\x1b"


run = run_cli


@pytest.mark.parametrize("bad", CORPUS, ids=lambda b: b.name)
def test_bad_input_is_refused_by_name_or_found(bad: Bad, tmp_path: Path, capsys: Capture) -> None:
    target = bad.make(tmp_path)
    code, out, err = run(capsys, "check", str(target), *bad.args)
    assert code == bad.exit_code, (out, err)
    assert bad.says in out + err
    assert "internal error" not in err and "Traceback" not in err


# -- an input is never written -----------------------------------------------------------------

def _input(tmp_path: Path) -> Path:
    path = tmp_path / "bad.tsv"
    path.write_text(VALID.read_text())
    return path


@pytest.mark.parametrize("how", ["same", "symlink", "dotdot", "hardlink", "in-release"])
def test_output_onto_an_input_is_refused(how: str, tmp_path: Path, capsys: Capture) -> None:
    source = _input(tmp_path)
    before = source.read_bytes()
    given = str(source)
    if how == "same":
        output = source
    elif how == "symlink":
        output = tmp_path / "report.json"
        output.symlink_to(source)
    elif how == "dotdot":
        (tmp_path / "rel").mkdir()
        output = tmp_path / "rel" / ".." / "bad.tsv"
    elif how == "hardlink":
        output = tmp_path / "other.json"
        os.link(source, output)
    else:
        given = str(tmp_path)
        output = source
    code, _, err = run(capsys, "check", given, "--format", "json", "-o", str(output))
    assert code == 2 and "never writes an input" in err
    assert source.read_bytes() == before


def test_report_is_written_whole(tmp_path: Path, capsys: Capture) -> None:
    output = tmp_path / "report.json"
    assert run(capsys, "check", str(VALID), "--format", "json", "-o", str(output))[0] == 0
    assert json.loads(output.read_text())["summary"]["exit_code"] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


# -- caches ------------------------------------------------------------------------------------

def test_corrupt_spec_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Specs other than the shipped ones (an edited copy) are checked once and cached; a
    damaged cache file is checked again and rewritten, never trusted."""
    import shutil

    from trackmeta.specs.model import load_specs

    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path / "cache"))
    schemas, ontologies = tmp_path / "schemas", tmp_path / "ontologies"
    shutil.copytree(REPO / "schemas", schemas)
    shutil.copytree(REPO / "ontologies", ontologies, ignore=shutil.ignore_patterns("prebuilt"))
    edited = schemas / "output_types" / "rna_seq.yaml"
    edited.write_text(edited.read_text() + "\n# edited\n")
    expected = load_specs(schemas, ontologies).output_types
    (cached,) = (tmp_path / "cache" / "specs").iterdir()
    for damage in (b"garbage", cached.read_bytes()[:-7], b"\0" * 40):
        cached.write_bytes(damage)
        assert load_specs(schemas, ontologies).output_types.keys() == expected.keys()
        assert cached.read_bytes() != damage  # rewritten
    written = cached.stat().st_ino
    load_specs(schemas, ontologies)
    assert cached.stat().st_ino == written  # a cache that verifies is read, not written again


def test_shipped_specs_need_no_cache(tmp_path: Path) -> None:
    """The package ships its specs checked (ontologies/prebuilt): a first run checks none and
    writes no spec cache."""
    env = {**os.environ, "TRACKMETA_CACHE_DIR": str(cold_cache(tmp_path))}
    command = [sys.executable, "-m", "trackmeta", "check", str(cl_only_table(tmp_path))]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert not (tmp_path / "cache" / "specs").exists()


def test_unwritable_cache_still_works(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    env = {**os.environ, "TRACKMETA_CACHE_DIR": str(blocker / "cache")}
    done = subprocess.run([sys.executable, "-m", "trackmeta", "check", str(cl_only_table(tmp_path))],
                          env=env, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


# -- pipes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["rules"], ["terms", "-", "--no-remember"], ["check", str(REPO / "examples" / "release")]])
def test_closed_pipe_exits_quietly(argv: list[str]) -> None:
    process = subprocess.Popen([sys.executable, "-m", "trackmeta", *argv], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stdin is not None
    assert process.stderr is not None
    if "-" in argv:
        process.stdin.write(b"CL:0000084\n" * 20_000)
    process.stdin.close()
    assert len(process.stdout.read(10)) == 10
    process.stdout.close()  # the reader goes away, as `| head -c 10` does
    err = process.stderr.read()
    assert process.wait(timeout=60) in (141, 0, 1) and err == b""


def test_check_reads_a_table_from_stdin() -> None:
    done = subprocess.run([sys.executable, "-m", "trackmeta", "check", "-"],
                          input=VALID.read_bytes(), capture_output=True)
    assert done.returncode == 0 and b"ok: 1 file (human), 25 rows" in done.stdout


# -- nothing reaches the terminal raw ---------------------------------------------------------

def _hostile(tmp_path: Path) -> Path:
    lines = valid_lines()
    lines[0] = [*lines[0], f"x{ESC}]0;owned{ESC}\\"]  # an OSC sequence in a column name
    lines = [lines[0]] + [[*line, ""] for line in lines[1:]]
    lines[2][4] = f"motor{ESC}[31m neuron\r"
    name = os.fsdecode(b"evil\x1b[2J\xff.tsv")
    path = tmp_path / name
    path.write_text(to_text(lines))
    return path


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_no_control_character_reaches_a_terminal(fmt: str, tmp_path: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "check", str(_hostile(tmp_path)), "--format", fmt)
    assert code == 1
    assert ESC not in out + err and "\r" not in out
    assert "\\x1b" in out


def test_json_and_sarif_are_valid_utf8(tmp_path: Path, capsys: Capture) -> None:
    path = _hostile(tmp_path)
    for fmt in ("json", "sarif"):
        code, out, _ = run(capsys, "check", str(path), "--format", fmt)
        assert code == 1
        out.encode("utf-8")  # no lone surrogate from the undecodable file name byte
        json.loads(out)
        if fmt == "json":  # ESC as JSON escapes it, the undecodable byte as \xff
            assert "evil\\u001b[2J\\\\xff.tsv" in out
        else:  # a URI: percent-encoded, the byte as it is on disk
            assert "evil%1B%5B2J%FF.tsv" in out


def test_junit_is_well_formed_xml(tmp_path: Path, capsys: Capture) -> None:
    lxml = pytest.importorskip("lxml.etree")
    code, out, _ = run(capsys, "check", str(_hostile(tmp_path)), "--format", "junit")
    assert code == 1
    lxml.fromstring(out.encode("utf-8"))


def test_terms_from_a_binary_stdin_are_shown_escaped() -> None:
    done = subprocess.run([sys.executable, "-m", "trackmeta", "terms", "-", "--no-remember"],
                          input=b"CL:0000084\n\x1b[31mCL:1\xff\x00\n", capture_output=True)
    assert done.returncode == 1 and b"\x1b" not in done.stdout + done.stderr
    assert b"\\x1b[31mCL:1" in done.stdout


def test_labels_of_a_users_obo_are_escaped(tmp_path: Path, capsys: Capture) -> None:
    obo = tmp_path / "cl.obo"
    obo.write_text("format-version: 1.2\ndata-version: 2024-01-01\n\n[Term]\nid: CL:0000084\n"
                   f"name: T{ESC}[5m cell\n")
    code, out, _ = run(capsys, "resolve", "CL:0000084", "--ontology", f"CL={obo}")
    assert code == 0 and ESC not in out and "\\x1b[5m" in out


def test_output_to_a_device_or_fifo_is_written_not_replaced(tmp_path: Path, capsys: Capture) -> None:
    import stat
    import threading

    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert run(capsys, "check", str(VALID), "--format", "json", "-o", str(fifo))[0] == 0
    reader.join(timeout=30)
    assert json.loads(received[0])["summary"]["exit_code"] == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not a file put in its place
    assert run(capsys, "check", str(VALID), "-o", os.devnull)[0] == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_through_a_symlink_writes_the_file_it_names(tmp_path: Path, capsys: Capture) -> None:
    target = tmp_path / "reports" / "latest.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    assert run(capsys, "check", str(VALID), "--format", "json", "-o", str(link))[0] == 0
    assert link.is_symlink() and json.loads(target.read_text())["summary"]["exit_code"] == 0


# -- round two: side files, through the one loader that bounds them -----------------------------

from tests.corpus.side_files import SIDE_FILES, Side  # noqa: E402


@pytest.mark.parametrize("side", SIDE_FILES, ids=lambda s: s.name)
def test_a_hostile_side_file_stops_the_run_by_name(side: Side, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: Capture) -> None:
    monkeypatch.chdir(tmp_path)
    args = side.make(tmp_path)
    code, out, err = run(capsys, "check", *args)
    assert code == 2, (out, err)
    assert side.says in err + out, err + out
    assert "internal error" not in err and "Traceback" not in err


# -- round two: user ontologies are bounded work, or refused naming the limit --------------------

def _chain_obo(path: Path, terms: int) -> Path:
    lines = ["format-version: 1.2", "data-version: 2025-01-01", "ontology: cl", ""]
    for i in range(1, terms + 1):
        lines += ["[Term]", f"id: CL:{i:07d}", f"name: term {i}"]
        lines += [f"is_a: CL:{i - 1:07d}"] if i > 1 else []
        lines += [""]
    path.write_text("\n".join(lines))
    return path


@pytest.mark.parametrize(("make", "says"), [
    (lambda d: _chain_obo(d / "chain.obo", 400), "is_a/part_of levels deep"),
    (lambda d: (d / "deep.json").write_text('{"graphs": ' + "[" * 5000 + "]" * 5000 + "}")
     and d / "deep.json", "nested more than 64 levels deep"),
    (lambda d: os.mkfifo(d / "cl.obo") or d / "cl.obo", "a FIFO (named pipe), not a regular"),
])
def test_a_hostile_user_ontology_is_refused_by_name(make: Any, says: str, tmp_path: Path,
                                                    capsys: Capture) -> None:
    release = make(tmp_path)
    code, _, err = run(capsys, "check", str(VALID), "--ontology", f"CL={release}")
    assert code == 2 and says in err and "internal error" not in err
