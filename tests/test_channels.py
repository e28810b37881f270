"""Hostile text in every field reaches no channel raw (#32): CI log commands for GitHub and Azure,
terminal and OSC escapes, Markdown links, images and mentions, forged lines. Each is planted in a
file name, a value, a configuration value and a remembered path, and every channel is read back:
stdout and stderr of the commands, every report format, the step summary."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import VALID

FORGED = "::error file=pwn.py,line=1::PWNED"
PAYLOADS = {
    "github": f"x\n{FORGED}",
    "azure": "##vso[task.setvariable variable=PWNED]1 ##[error]PWNED",
    "osc": "\x1b]52;c;UFdORUQ=\x07\x1b[2J\rPWNED",
    "markdown": "[PWNED](https://evil.example) ![PWNED](https://evil.example/x.png) @team",
}
REPORTS = ("text", "json", "sarif", "junit", "github", "gitlab", "rdjsonl", "azure")


def _run(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, "-m", "trackmeta", *argv], cwd=cwd, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, check=False)
    return done.returncode, done.stdout, done.stderr


def _unsafe_line(line: str) -> str | None:
    """What a CI log or a terminal would act on in one line of output, if anything."""
    if re.search(r"##(vso)?\[", line, re.IGNORECASE):
        return "an Azure logging command"
    if line.lstrip().startswith("::error file=pwn.py"):
        return "a forged GitHub workflow command"
    if "\x1b" in line or "\r" in line or "\x07" in line:
        return "a terminal control character"
    return None


def _assert_safe(text: str, channel: str) -> None:
    for line in text.split("\n"):
        if channel == "azure" and line.startswith("##vso[task.logissue "):
            line = line[len("##vso[task.logissue "):]  # the format's own command: its values
        problem = _unsafe_line(line)
        assert problem is None, f"{channel}: {problem} in {line!r}"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _assert_report_safe(fmt: str, document: str) -> None:
    """A report, and every string a CI system decodes from it and prints."""
    _assert_safe(document, fmt)
    decoded: list[str] = []
    if fmt == "sarif":  # what inputs reach: results and notifications (rule docs are ours)
        run = json.loads(document)["runs"][0]
        decoded = _strings(run["results"]) + _strings(run["invocations"])
    elif fmt == "gitlab":
        decoded = _strings(json.loads(document))
    elif fmt == "rdjsonl":
        decoded = [s for line in document.splitlines() for s in _strings(json.loads(line))]
    elif fmt == "junit":
        root = ET.fromstring(document.split("\n", 1)[1])
        decoded = [t for e in root.iter() for t in (e.text or "", *e.attrib.values())]
    for text in decoded:  # one decoded string is one message: no line of its own inside
        assert "\n" not in text.replace("\nexpected: ", "").replace("\nfix: ", "") or fmt == "junit"
        _assert_safe(text, f"{fmt} (decoded)")


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV release whose file name and values carry every payload."""
    root = tmp_path_factory.mktemp("hostile")
    rows = list(csv.reader(io.StringIO(VALID.read_text()), delimiter="\t"))
    at = rows[0].index("biosample_name")
    for number, payload in enumerate(PAYLOADS.values(), 1):
        rows[number][at] = payload
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    name = "tracks " + PAYLOADS["github"].replace("\n", "\n ") + " ##vso[task.complete]x.csv"
    (root / name).write_text(out.getvalue(), encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", REPORTS)
def test_every_report_format_of_hostile_names_and_values(planted: Path, fmt: str) -> None:
    code, out, err = _run("check", ".", "--format", fmt, cwd=planted)
    assert code == 1, err
    _assert_report_safe(fmt, out)
    _assert_safe(err, f"{fmt} stderr")


def test_the_step_summary_renders_values_as_written(planted: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    _run("check", ".", "--format", "github", cwd=planted, env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text()
    _assert_safe(text, "step summary")
    assert "](https://evil" not in text and "![" not in text
    assert re.search(r"(?<!\\)@team", text) is None  # no mention, no notification


def test_stderr_names_hostile_paths_and_configuration_inertly(planted: Path,
                                                             tmp_path: Path) -> None:
    missing = tmp_path / ("gone " + PAYLOADS["github"] + PAYLOADS["azure"] + ".tsv")
    code, out, err = _run("check", str(missing), cwd=tmp_path)
    assert code == 2 and "PWNED" in err
    _assert_safe(out + err, "missing path")
    (tmp_path / "trackmeta.toml").write_text(
        json.dumps({"baseline": PAYLOADS["azure"] + PAYLOADS["github"]}).replace('{"', "").replace(
            '": ', " = ").rstrip("}") + "\n")
    code, out, err = _run("check", str(VALID), cwd=tmp_path)
    assert code == 2 and "PWNED" in err
    _assert_safe(out + err, "configuration value")


def test_a_remembered_path_is_said_inertly(planted: Path, tmp_path: Path) -> None:
    cache = {"TRACKMETA_CACHE_DIR": str(tmp_path / "cache")}
    metadata = next(planted.iterdir())
    code, _, err = _run("terms", "CL:0000084", "--metadata", str(metadata), cwd=tmp_path, env=cache)
    assert code in (0, 1), err
    code, out, err = _run("terms", "CL:0000084", cwd=tmp_path, env=cache)
    assert "PWNED" in out + err  # the note names the remembered file
    _assert_safe(out + err, "remembered path")


@pytest.mark.parametrize("planted", [" =HYPERLINK(\"https://evil.example\",\"x\")",
                                     " +cmd|' /C calc'!A0", " =1+1", " @SUM(A1)"])
def test_a_repair_never_makes_a_formula(planted: str, tmp_path: Path) -> None:
    import trackmeta
    from tests.helpers import edited, to_text, valid_lines

    table = tmp_path / "t.tsv"
    table.write_text(to_text(edited(valid_lines(), 5, "biosample_name", planted)))
    found = [f for f in trackmeta.check(table).findings if f.code == "TM104"]
    assert found and found[0].fix is None and "spreadsheet formula" in found[0].message
    repair = trackmeta.fix(table)
    assert all(not e.new.startswith(("=", "+", "@")) for e in repair.edits)
    assert any(f.code == "TM104" for f in repair.left)  # a person's call


def test_a_delimited_export_forges_no_row_column_or_formula(tmp_path: Path) -> None:
    from tests.helpers import edited, valid_lines

    hostile = '=HYPERLINK("https://evil.example")\n=cmd\tforged'
    table = tmp_path / "m.csv"
    rows = [list(r) for r in edited(valid_lines(), 2, "biosample_name", "x")]
    rows[1][rows[0].index("biosample_name")] = hostile
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    table.write_text(out.getvalue())
    curie = rows[1][rows[0].index("ontology_curie")]
    code, text, err = _run("tracks", curie, "--metadata", str(table), "--format", "tsv",
                           "--no-remember", cwd=tmp_path)
    assert code == 0, err
    parsed = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert len({len(r) for r in parsed}) == 1  # no forged column
    cells = [c for r in parsed[1:] for c in r]
    assert f"'{hostile}" in cells  # one cell, whole, and inert in a spreadsheet
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
