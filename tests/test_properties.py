"""Properties, bounded for CI time: the CURIE parser and the resolver take any text; `check` on
mutated real-shaped tables never crashes, never points outside the file, and gives byte-identical
reports for the same input. Plus races (8 cold-cache processes) and no network at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trackmeta
from tests.helpers import VALID, cl_only_table, cold_cache
from trackmeta.specs.curie import curie_problem
from trackmeta.specs.model import default_specs

BOUNDED = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
VALID_BYTES = VALID.read_bytes()
PIECES = st.sampled_from([b"\t", b"\n", b"\r\n", b'"', b"\0", b" ", b"\xff", b"\xc3\xa9", b",",
                          b"CL:", b"OutputType.", b"Padding", b"\x1b[31m", b"x" * 300, b""])


@BOUNDED
@given(st.text(max_size=40))
def test_curie_parser_takes_any_text(text: str) -> None:
    problem = curie_problem(text, default_specs().ontologies)
    assert problem is None or problem.code in ("TM201", "TM202", "TM203")


@BOUNDED
@given(st.text(max_size=30))
def test_resolver_takes_any_text(text: str) -> None:
    assert trackmeta.resolve(text).status in (
        "ok", "obsolete", "unknown", "malformed", "provisional", "unresolved")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID_BYTES)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(PIECES)
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        else:
            data[at:at + len(piece)] = piece
    return bytes(data)


@BOUNDED
@given(mutated())
def test_check_on_mutated_tables(tmp_path_factory: object, data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "table.tsv"
        path.write_bytes(data)
        first = trackmeta.check(path)
        second = trackmeta.check(path)
    assert first.to_json() == second.to_json()  # deterministic, byte for byte
    last_line = data.count(b"\n") + 1
    for f in first.findings:
        assert f.line is None or 1 <= f.line <= last_line, f
        assert f.row is None or f.row >= 0
    for failure in first.failures:
        assert failure.line is None or 1 <= failure.line <= last_line, failure
    assert first.exit_code in (0, 1, 2)


def test_eight_cold_cache_processes_agree(tmp_path: Path) -> None:
    env = {**os.environ, "TRACKMETA_CACHE_DIR": str(cold_cache(tmp_path))}
    command = [sys.executable, "-m", "trackmeta", "check", str(cl_only_table(tmp_path)),
               "--format", "json"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(8)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0] * 8
    assert all(err == b"" for _, err in outputs)
    reports = {out for out, _ in outputs}
    assert len(reports) == 1  # identical, whichever process built the shared index
    assert subprocess.run(command, env=env, capture_output=True).stdout in reports


NO_NETWORK = """
import socket, sys
def deny(*args, **kwargs):
    raise OSError("a network call was attempted")
socket.socket.connect = deny
socket.socket.connect_ex = deny
socket.create_connection = deny
socket.getaddrinfo = deny
from trackmeta.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_no_command_touches_the_network() -> None:
    commands = [
        ["check", str(VALID)],
        ["terms", "CL:0000084", "--output-type", "DNASE", "--metadata", str(VALID), "--no-remember"],
        ["resolve", "UBERON:0002245", "CL:0010003"],
        ["search", "liver", "--metadata", str(VALID), "--no-remember"],
        ["ontologies"],
    ]
    for argv in commands:
        done = subprocess.run([sys.executable, "-c", NO_NETWORK, *argv], capture_output=True,
                              text=True)
        assert done.returncode in (0, 1), (argv, done.stderr)
        assert "network" not in done.stderr, argv
