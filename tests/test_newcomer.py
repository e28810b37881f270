"""What a newcomer hits first: help from a bare command, the rule catalogue as JSON, comments in
a list of terms, values named in a collapsed message, hooks that see every file check reads."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO, VALID, edited, run_cli, to_text, valid_lines
from trackmeta.rules import RULES


def test_bare_trackmeta_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys)
    assert code == 0 and "usage: trackmeta" in out and "tracks" in out and err == ""


def test_rules_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and [r["code"] for r in rules] == list(RULES)
    assert set(rules[0]) == {"code", "name", "severity", "summary", "why", "example", "fix"}


def test_terms_from_stdin_skip_comments(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"# my terms\nCL:0000084\n")))
    _, out, _ = run_cli(capsys, "terms", "-", "--no-remember", "--format", "json")
    assert [c["input"] for c in json.loads(out)] == ["CL:0000084"]


def test_a_collapsed_message_names_the_values(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    lines = edited(valid_lines(), 2, "ontology_curie", "CLO:0000031")  # not cell_line rows:
    lines = edited(lines, 3, "ontology_curie", "CLO:0026782")          # one message for both
    table = tmp_path / "table.tsv"
    table.write_text(to_text(lines))
    _, out, _ = run_cli(capsys, "check", str(table), "--select", "TM207")
    assert re.search(r"TM207 .*\[2 rows: 2 CLO:0000031, 3 CLO:0026782\]", out), out


def test_the_hooks_see_every_file_check_reads() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    pattern = re.compile(next(h["files"] for h in hooks if h["id"] == "trackmeta"))
    for name in ("a.tsv", "a.csv", "a.txt", "a.parquet", "a.textproto", "a.pbtxt", "a.binpb",
                 "a.pb", "a.tsv.gz"):
        assert pattern.search(name), name


def test_a_spreadsheet_is_named_as_such(tmp_path: Path) -> None:
    import zipfile

    import trackmeta

    book = tmp_path / "tracks.tsv"  # misnamed, as people do
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    report = trackmeta.check(book)
    assert report.exit_code == 2
    assert "spreadsheet (.xlsx)" in report.failures[0].message
    assert "export the sheet as TSV" in report.failures[0].message


def test_an_output_type_mouse_is_not_served_fails_the_request_as_the_rest() -> None:
    import trackmeta

    with pytest.raises(trackmeta.TermValidationError, match="PROCAP is not served for mouse"):
        trackmeta.validate_request(["CL:0000084"], ["PROCAP"], organism="mouse")


def test_a_directory_of_release_directories_says_they_are_not_searched(tmp_path: Path) -> None:
    import trackmeta

    (tmp_path / "2025-08").mkdir()
    (tmp_path / "2025-08" / "tracks.tsv").write_text(VALID.read_text())
    report = trackmeta.check(tmp_path)
    assert report.exit_code == 2
    assert "subdirectories (2025-08) are not searched" in report.failures[0].message


def test_an_id_of_another_ontology_is_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "resolve", "MONDO:0005086")
    assert code == 1 and "MONDO:0005086 is a MONDO id" in out and "no MONDO release" in out


def test_diff_after_fix_pairs_renamed_tracks(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import trackmeta

    lines = edited(valid_lines(), 9, "ontology_curie", "CL:0010003")  # obsolete: fix renames
    lines = edited(lines, 9, "name", "CL:0010003 total RNA-seq")
    table, fixed = tmp_path / "tracks.tsv", tmp_path / "fixed.tsv"
    table.write_text(to_text(lines))
    assert run_cli(capsys, "fix", str(table), "-o", str(fixed))[0] == 0
    result = trackmeta.diff(table, fixed)
    assert result.added == () and result.removed == ()
    (change,) = result.changed
    assert change.fields["name"] == ("CL:0010003 total RNA-seq", "CL:0000322 total RNA-seq")
    assert change.fields["ontology_curie"] == ("CL:0010003", "CL:0000322")


def test_a_subdirectory_with_tables_beside_tables_is_named(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tracks.tsv").write_text(VALID.read_text())
    (tmp_path / "older").mkdir()
    (tmp_path / "older" / "tracks.tsv").write_text(VALID.read_text())
    code, out, _ = run_cli(capsys, "check", str(tmp_path))
    assert code == 0
    assert f"note: {tmp_path / 'older'}: a subdirectory holding tables, not searched" in out


def test_a_given_output_type_the_column_contradicts_is_refused(tmp_path: Path) -> None:
    import trackmeta

    report = trackmeta.check(VALID, output_type="CAGE")
    assert report.exit_code == 2
    assert "the output type given (CAGE) contradicts the table's output_type column" in (
        report.failures[0].message)


def test_an_empty_dataframe_is_named_as_such() -> None:
    import pandas as pd

    import trackmeta

    assert "the table has no columns" in trackmeta.check(pd.DataFrame()).failures[0].message
    message = trackmeta.check(pd.DataFrame({"name": ["x"]})).failures[0].message
    assert "pass output_type='RNA_SEQ'" in message


def test_quiet_fix_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = edited(valid_lines(), 5, "biosample_name", "fat cell ")
    table = tmp_path / "tracks.tsv"
    table.write_text(to_text(lines))
    code, out, err = run_cli(capsys, "fix", str(table), "-q")
    assert code == 0 and out.startswith("---") and err == ""
    assert run_cli(capsys, "diff", str(VALID), str(table), "-q") == (1, "", "")


def test_drift_names_its_own_options(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run_cli(capsys, "drift", str(VALID), "--from", "CL=2020-01-01")
    assert "--from CL=2020-01-01: no such file, and no bundled CL release" in err
    _, _, err = run_cli(capsys, "drift", str(VALID), "--from", "CLO=x.obo")
    assert err.rstrip().endswith("x.obo: no such file, and no CLO release is bundled")


def test_a_baselined_finding_on_a_track_fix_renamed_has_moved(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = edited(valid_lines(), 9, "ontology_curie", "CL:0010003")  # obsolete: fix renames
    lines = edited(lines, 9, "name", "CL:0010003 total RNA-seq")
    lines = edited(lines, 9, "biosample_type", "tissue")  # a CL term on a tissue row: stays
    table, fixed = tmp_path / "tracks.tsv", tmp_path / "fixed.tsv"
    table.write_text(to_text(lines))
    baseline = tmp_path / "baseline.json"
    assert run_cli(capsys, "baseline", str(table), "-o", str(baseline))[0] == 0
    assert run_cli(capsys, "fix", str(table), "-o", str(fixed), "-q")[0] == 0
    fixed.replace(table)  # the release, repaired in place of the old
    import trackmeta

    report = trackmeta.check(table, baseline=baseline)
    assert [(f.code, f.line) for f in report.findings] == []  # TM210 moved with its track
    assert sorted(e["code"] for e in report.fixed) == ["TM205", "TM208"]  # what fix repaired


def test_a_new_defect_never_hides_behind_a_fixed_entry_of_another_track(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import trackmeta

    table = tmp_path / "tracks.tsv"
    table.write_text(to_text(edited(valid_lines(), 2, "biosample_type", "tissue")))
    baseline = tmp_path / "baseline.json"
    assert run_cli(capsys, "baseline", str(table), "-o", str(baseline))[0] == 0
    # line 2's defect fixed, the same defect on another ATAC track (same shape of name)
    table.write_text(to_text(edited(valid_lines(), 3, "biosample_type", "tissue")))
    report = trackmeta.check(table, baseline=baseline)
    assert [(f.code, f.line) for f in report.findings] == [("TM210", 3)]
