"""A gate teams keep (#31): each case reproduces what a team hit in its second month."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import FIXTURES, REPO, run_cli

EXAMPLE = REPO / "examples" / "release"
MOUSE = FIXTURES / "mouse.tsv"


def test_a_baseline_survives_a_renamed_release_directory(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release = tmp_path / "release"
    shutil.copytree(EXAMPLE, release)
    baseline = tmp_path / "baseline.json"
    assert run_cli(capsys, "baseline", str(release), "-o", str(baseline))[0] == 0
    entries = json.loads(baseline.read_text())["entries"]
    assert {e["file"] for e in entries} == {"track_metadata.tsv"}  # named inside its release
    renamed = release.rename(tmp_path / "release-2025-09")
    report = trackmeta.check(renamed, baseline=baseline)
    assert report.baselined == sum(e["count"] for e in entries) and report.baselined > 0
    assert report.findings == () and report.fixed == () and report.exit_code == 0
    moved = tmp_path / "elsewhere" / "deep"
    moved.parent.mkdir()
    renamed.rename(moved)
    assert trackmeta.check(moved / "track_metadata.tsv", baseline=baseline).findings == ()


def test_a_format_1_baseline_is_read_by_file_names(tmp_path: Path) -> None:
    report = trackmeta.check(EXAMPLE)
    old = {"trackmeta_baseline": 1, "entries": [
        {"code": f.code, "file": f"release/{Path(str(f.path)).name}",
         "track": f.track._asdict() if f.track else None, "column": f.column, "value": f.value,
         "count": 1} for f in report.findings]}
    baseline = tmp_path / "old.json"
    baseline.write_text(json.dumps(old))
    assert trackmeta.check(EXAMPLE, baseline=baseline).findings == ()


def test_a_rule_ignored_is_not_no_longer_found(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    run_cli(capsys, "baseline", str(EXAMPLE), "-o", str(baseline))
    report = trackmeta.check(EXAMPLE, baseline=baseline, ignore=["TM111"])
    assert report.fixed == ()
    assert any("of rules this run does not check" in note for note in report.notes)
    code, out, _ = run_cli(capsys, "check", str(EXAMPLE), "--baseline", str(baseline),
                           "--ignore", "TM111")
    assert code == 0 and "no longer found" not in out and "set aside" in out


def test_baseline_lines_name_the_strand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "rna.tsv"
    lines = (FIXTURES / "valid.tsv").read_text().splitlines()
    table.write_text("\n".join(lines) + "\n")
    baseline = tmp_path / "b.json"
    document = {"trackmeta_baseline": 2, "entries": [
        {"code": "TM104", "file": "rna.tsv", "column": "biosample_name", "value": "x ",
         "count": 1, "track": {"organism": "human", "output_type": "RNA_SEQ", "name": "t",
                               "strand": "+"}}]}
    baseline.write_text(json.dumps(document))
    _, out, _ = run_cli(capsys, "check", str(table), "--baseline", str(baseline))
    assert "RNA_SEQ 't' (strand '+')" in out


def test_a_file_alone_reads_its_release_manifest(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    release = tmp_path / "mrel"
    release.mkdir()
    shutil.copy(MOUSE, release / "track_metadata.tsv")
    (release / "manifest.yaml").write_text("organism: mouse\n")  # the organism alone
    alone = release / "track_metadata.tsv"
    report = trackmeta.check(alone)
    assert report.organisms == {str(alone): "mouse"} and report.exit_code == 0
    assert run_cli(capsys, "check", str(alone))[0] == 0  # what the per-file hook runs
    code, _, err = run_cli(capsys, "check", str(alone), "--organism", "human")
    assert code == 2 and "is mouse metadata (its release manifest says so), not human" in err


def test_organism_contradictions_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    official = REPO / "examples" / "official" / "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto"
    code, _, err = run_cli(capsys, "check", str(official), "--organism", "human")
    assert code == 2 and "is mouse metadata (its name says so), not human" in err
    code, _, err = run_cli(capsys, "diff", str(EXAMPLE), str(official))
    assert code == 2 and "a diff compares two releases of one organism" in err
    with pytest.raises(trackmeta.ArgumentError.__mro__[1]) as caught:  # UsageError
        trackmeta.check(official, organism="human")
    assert "--organism" not in str(caught.value)  # Python errors name no flag


def test_a_blank_line_at_the_end_is_not_a_finding(tmp_path: Path) -> None:
    text = (FIXTURES / "valid.tsv").read_text()
    trailing = tmp_path / "trailing.tsv"
    trailing.write_text(text + "\n\n")
    assert trackmeta.check(trailing, output_type=None).findings == ()
    lines = text.splitlines()
    inside = tmp_path / "inside.tsv"
    inside.write_text("\n".join([*lines[:3], "", *lines[3:]]) + "\n")
    assert [(f.line, f.code) for f in trackmeta.check(inside).findings] == [(4, "TM004")]


def test_junit_bodies_print_no_absent_value() -> None:
    from trackmeta.render import render

    assert ": None" not in render(trackmeta.check(EXAMPLE), "junit")


@pytest.mark.parametrize(("argv", "meant"), [
    (("chek", "x"), "'check'"), (("check", "--organsim", "mouse", "x"), "'--organism'"),
    (("rule", "TM1O4"), "'TM104'"), (("check", "--select", "TM1O4", "x"), "'TM104'")])
def test_a_mistyped_name_gets_the_one_meant(argv: tuple[str, ...], meant: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and f"did you mean {meant}?" in err


def test_fix_applies_what_check_offers_on_a_csv_saved_by_excel(tmp_path: Path) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO((FIXTURES / "valid.tsv").read_text()), delimiter="\t"))
    at = rows[0].index("genetically_modified")
    for row in rows[1:]:
        row[at] = row[at].upper()  # Excel writes booleans as FALSE and TRUE
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    table = tmp_path / "excel.csv"
    table.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode())
    found = trackmeta.check(table).findings
    assert {f.code for f in found} >= {"TM007", "TM103"}
    assert all(f.fix == "False" for f in found if f.code == "TM103" and f.value == "FALSE")
    repair = trackmeta.fix(table)
    assert repair.left == ()
    fixed = tmp_path / "fixed.csv"
    fixed.write_bytes(repair.files[0].fixed or b"")
    assert not fixed.read_bytes().startswith(b"\xef\xbb\xbf")
    assert {f.code for f in trackmeta.check(fixed).findings} == set()


def test_stdin_named_by_stdin_filename_belongs_to_its_release(tmp_path: Path) -> None:
    import subprocess
    import sys

    release = tmp_path / "mrel"
    release.mkdir()
    (release / "manifest.yaml").write_text("organism: mouse\n")
    name = release / "track_metadata.tsv"
    done = subprocess.run(
        [sys.executable, "-m", "trackmeta", "check", "-", "--stdin-filename", str(name),
         "--format", "json"], input=MOUSE.read_bytes(), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == [str(name)] and report["organisms"] == {str(name): "mouse"}
