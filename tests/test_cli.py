"""The command: exit codes, formats, streams, rule docs; no traceback ever reaches the user."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO, VALID, run_cli, to_text, valid_lines

EXAMPLE = REPO / "examples" / "release"
Capture = pytest.CaptureFixture[str]


run = run_cli


def test_clean_table_exits_0(capsys: Capture) -> None:
    code, out, err = run(capsys, "check", str(VALID))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "ontology releases: CL 2026-03-26, EFO 3.90.0, UBERON 2026-04-01 "
        "(cellxgene-ontology-guide)",
        "vocabularies: GENCODE human gene names (v48), Histone modification grammar "
        "(Brno nomenclature)",
        "ok: 1 file (human), 25 rows, 27 tracks; 0 errors, 0 warnings, 0 infos"]


def test_example_release_findings_exit_1(capsys: Capture) -> None:
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--format", "json")
    report = json.loads(out)
    assert code == 1
    located = {(f["line"], f["column"], f["code"]) for f in report["findings"]}
    assert {(5, "biosample_name", "TM104"), (7, "ontology_curie", "TM203")} <= located


def test_fail_on_and_ignore(capsys: Capture) -> None:
    assert run(capsys, "check", str(EXAMPLE), "--fail-on", "never")[0] == 0
    assert run(capsys, "check", str(EXAMPLE), "--ignore", "TM104,TM2")[0] == 0
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--select", "TM104", "--format", "json")
    assert code == 1 and {f["code"] for f in json.loads(out)["findings"]} == {"TM104"}


def test_warning_threshold(write: Callable[..., Path], capsys: Capture) -> None:
    path = write(to_text([[*f, "x"] for f in valid_lines()]))  # TM002 is a warning
    assert run(capsys, "check", str(path))[0] == 0
    assert run(capsys, "check", str(path), "--fail-on", "warning")[0] == 1


def test_unknown_select_prefix_is_a_usage_error(capsys: Capture) -> None:
    code, out, err = run(capsys, "check", str(VALID), "--select", "XX9")
    assert code == 2 and out == "" and "no rule code starts with 'XX9'" in err


def test_a_command_builds_only_its_own_parser_but_every_command_is_listed(capsys: Capture) -> None:
    from trackmeta.cli import build_parser

    def commands(argv: list[str] | None) -> set[str]:
        action = next(a for a in build_parser(argv)._actions if a.dest == "command")
        return set(action.choices or ())

    everything = commands(None)
    assert {"check", "terms", "search", "fix", "rules", "ontologies"} <= everything
    assert commands(["terms", "CL:0000084"]) == {"resolve", "terms", "search"}
    assert commands(["--help"]) == commands(["nope"]) == everything
    code, _, err = run(capsys, "nope")
    assert code == 2 and "'check'" in err and "'terms'" in err
    code, _, err = run(capsys, "check", str(VALID), "--nope")  # usage still names every command
    assert code == 2 and "{check,baseline,fix," in err and "search" in err


def test_format_is_also_spelt_output_format(capsys: Capture) -> None:
    code, out, _ = run(capsys, "check", str(VALID), "--output-format", "json")
    assert code == 0 and json.loads(out)["summary"]["exit_code"] == 0
    code, out, _ = run(capsys, "resolve", "CL:0000084", "--output-format", "json")
    assert code == 0 and json.loads(out)[0]["status"] == "ok"


def test_bad_arguments_exit_2(capsys: Capture) -> None:
    assert run(capsys, "check", str(VALID), "--format", "yaml")[0] == 2
    assert run(capsys, "check")[0] == 2
    code, _, err = run(capsys, "check", str(VALID), "--output-type", "RNA")
    assert code == 2 and "unknown output type 'RNA'" in err


def test_unreadable_input_exit_2_reports_the_rest(tmp_path: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "check", str(VALID), str(tmp_path / "missing.tsv"))
    assert code == 2
    assert "missing.tsv: no such file or directory" in err
    assert "1 input not checked" in out


def test_output_file(tmp_path: Path, capsys: Capture) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--format", "json", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["summary"]["exit_code"] == 1


def test_expect_table1_side_by_side(capsys: Capture) -> None:
    code, out, _ = run(capsys, "check", str(VALID), "--expect", "table1")
    assert code == 1
    assert "Table 1 comparison" in out
    assert "RNA_SEQ" in out and "3 / 667" in out


def test_rules_and_rule(capsys: Capture) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "TM203  curie-id-format" in out
    code, out, _ = run(capsys, "rule", "curie-id-format")
    assert code == 0
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert heading in out
    assert run(capsys, "rule", "TM999")[0] == 2


def test_internal_errors_never_show_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    import trackmeta.checking.pipeline

    def boom(*_: object, **__: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(trackmeta.checking.pipeline, "check", boom)
    code, _out, err = run(capsys, "check", str(VALID))
    assert code == 2 and "internal error" in err and "Traceback" not in err


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trackmeta", "check", str(EXAMPLE), "--format", "github"],
        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert "::error file=" in result.stdout and "title=TM203 curie-id-format" in result.stdout


def test_progress_only_after_a_delay_and_wiped() -> None:
    import io

    from trackmeta.cli.progress import Progress

    stream = io.StringIO()
    quiet = Progress(enabled=False, stream=stream, delay=0)
    quiet("reading", 0, 3)
    slow_start = Progress(enabled=True, stream=stream, delay=60)
    slow_start("reading", 0, 3)
    assert stream.getvalue() == ""
    shown = Progress(enabled=True, stream=stream, delay=0)
    shown("checking x.tsv", 1, 3)
    assert "[" in stream.getvalue() and "1/3 checking x.tsv" in stream.getvalue()
    shown.close()
    assert stream.getvalue().endswith("\r")


def test_no_progress_when_not_a_terminal(capsys: Capture) -> None:
    code, _, err = run(capsys, "check", str(EXAMPLE))
    assert code == 1 and err == ""


@pytest.mark.parametrize(("given", "seen"), [(None, "0"), ("1", "1")])
def test_a_run_asks_numpy_for_no_huge_pages_unless_its_caller_said(given: str | None,
                                                                     seen: str) -> None:
    """The executable sets memory up for a short run before numpy is imported (huge pages
    cost some runs 0.4 s of compaction); a caller's own NUMPY_MADVISE_HUGEPAGE is kept."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if given is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = given
    code = ("import os, sys; from trackmeta.cli import _serve_memory; _serve_memory(); "
            "assert 'numpy' not in sys.modules; "
            "print(os.environ.get('NUMPY_MADVISE_HUGEPAGE', 'unset'))")
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert shown == (seen if sys.platform.startswith("linux") else (given or "unset"))
