"""A CI gate teams adopt: configuration found upward, baselines, reports CI systems use well."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import SHARED, VALID, edited, run_cli, to_text, valid_lines
from trackmeta.render.sarif import MAX_RESULTS

Capture = pytest.CaptureFixture[str]
SARIF_SCHEMA = SHARED / "formats" / "sarif-schema-2.1.0.json"


run = run_cli


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose table has one error (TM205) and one warning (TM208) on line 9."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    lines = edited(valid_lines(), 9, "ontology_curie", "CL:0010003")
    lines = edited(lines, 9, "name", "CL:0010003 total RNA-seq")
    (root / "data" / "tracks.tsv").write_text(to_text(lines))
    monkeypatch.chdir(root / "data")
    return root


def codes(out: str) -> list[str]:
    return [f["code"] for f in json.loads(out)["findings"]]


# -- configuration ----------------------------------------------------------------------------

def test_pyproject_found_upward_and_flags_on_top(project: Path, capsys: Capture) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ruff]\nignore = ["E1"]\n\n'
        '[tool.trackmeta]\nignore = ["TM205"]\nfail-on = "warning"\n')
    _, out, _ = run(capsys, "config", "--format", "json")
    assert json.loads(out)["settings"]["ignore"]["source"].endswith("pyproject.toml:8")
    code, out, _ = run(capsys, "check", "tracks.tsv", "--format", "json")
    assert (code, codes(out)) == (1, ["TM208"])  # TM205 ignored; the warning now fails
    code, out, _ = run(capsys, "check", "tracks.tsv", "--format", "json", "--fail-on", "error")
    assert code == 0  # the flag overrides the file
    code, out, _ = run(capsys, "check", "tracks.tsv", "--format", "json", "--isolated")
    assert (code, codes(out)) == (1, ["TM205", "TM208"])


def test_nearest_configuration_wins(project: Path, capsys: Capture) -> None:
    (project / "pyproject.toml").write_text('[tool.trackmeta]\nignore = ["TM205"]\n')
    (project / "data" / "trackmeta.toml").write_text('ignore = ["TM208"]\n')
    _, out, _ = run(capsys, "check", "tracks.tsv", "--format", "json")
    assert codes(out) == ["TM205"]


def test_config_command_says_where_each_value_came_from(project: Path, capsys: Capture) -> None:
    config = project / "trackmeta.toml"
    config.write_text('select = ["TM2"]\n\n[severity]\nTM208 = "error"\n')
    code, out, _ = run(capsys, "config", "--format", "json")
    settings = json.loads(out)["settings"]
    assert code == 0 and json.loads(out)["config"] == str(config)
    assert settings["select"] == {"value": "TM2", "source": f"{config}:1"}
    assert settings["severity"] == {"value": "TM208 = error", "source": f"{config}:3"}
    assert settings["fail-on"] == {"value": "error", "source": "default"}
    code, out, _ = run(capsys, "config")
    (select,) = [line for line in out.splitlines() if line.startswith("select ")]
    assert select.split() == ["select", "TM2", f"[{config}:1]"]


@pytest.mark.parametrize("text, says", [
    ('selekt = ["TM2"]\n', "trackmeta.toml:1: selekt: unknown key"),
    ('\n\nfail-on = "sometimes"\n', "trackmeta.toml:3: fail-on: 'sometimes' is not one of"),
    ('select = ["XX9"]\n', "no rule code starts with 'XX9'"),
    ('organism = "rat"\n', "unknown organism 'rat'"),
    ('[severity]\nTM999 = "error"\n', "'TM999' is not a rule code"),
    ('[severity]\nTM208 = "fatal"\n', "'fatal' is not a severity"),
    ("select = [\n", "not valid TOML"),
])
def test_bad_configuration_is_exit_2_naming_file_line_and_key(
        project: Path, capsys: Capture, text: str, says: str) -> None:
    (project / "trackmeta.toml").write_text(text)
    code, _, err = run(capsys, "check", "tracks.tsv")
    assert code == 2 and says in err, err


def test_severity_overrides_and_per_file_ignores(project: Path, capsys: Capture) -> None:
    (project / "trackmeta.toml").write_text(
        '[severity]\nTM205 = "warning"\n\n[per-file-ignores]\n"data/track*.tsv" = ["TM208"]\n')
    code, out, _ = run(capsys, "check", "tracks.tsv", "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 0  # the error is now a warning; the other warning is ignored for this file
    assert [(f["code"], f["severity"]) for f in findings] == [("TM205", "warning")]
    other = project / "data" / "other.tsv"
    other.write_text((project / "data" / "tracks.tsv").read_text())
    _, out, _ = run(capsys, "check", "other.tsv", "--format", "json")
    assert codes(out) == ["TM205", "TM208"]  # the glob does not match this file


# -- baselines --------------------------------------------------------------------------------

def test_baseline_survives_reordering_and_new_defects_still_fail(
        project: Path, capsys: Capture) -> None:
    table = project / "data" / "tracks.tsv"
    code, out, _ = run(capsys, "baseline", "tracks.tsv", "-o", "baseline.json")
    assert code == 0 and "recorded 2 findings" in out
    recorded = json.loads(Path("baseline.json").read_text())
    assert [e["code"] for e in recorded["entries"]] == ["TM205", "TM208"]
    assert recorded["entries"][0]["track"] == {
        "organism": "human", "output_type": "RNA_SEQ", "name": "CL:0010003 total RNA-seq",
        "strand": "+"}
    assert Path("baseline.json").read_text() == run_baseline_again(capsys)  # deterministic

    lines = table.read_text().splitlines(keepends=True)
    table.write_text(lines[0] + "".join(reversed(lines[1:])))  # every row moves
    code, out, _ = run(capsys, "check", "tracks.tsv", "--baseline", "baseline.json",
                       "--format", "json")
    report = json.loads(out)
    assert (code, report["findings"], report["summary"]["baselined"]) == (0, [], 2)

    rows = valid_lines()
    rows = edited(rows, 5, "ontology_curie", "CL:0010003")  # a new defect
    rows = edited(rows, 5, "name", "LQhCAGE CL:0010003")
    reordered = [lines[0]] + [line for line in reversed(lines[1:])] + [to_text(rows[4:5])]
    table.write_text("".join(reordered))
    code, out, _ = run(capsys, "check", "tracks.tsv", "--baseline", "baseline.json",
                       "--format", "json")
    assert code == 1 and codes(out) == ["TM205", "TM208"]  # the new row's, not the old


def run_baseline_again(capsys: Capture) -> str:
    assert run(capsys, "baseline", "tracks.tsv", "-o", "again.json")[0] == 0
    return Path("again.json").read_text()


def test_fixed_baseline_entries_are_listed(project: Path, capsys: Capture) -> None:
    run(capsys, "baseline", "tracks.tsv", "-o", "baseline.json")
    (project / "data" / "tracks.tsv").write_text(VALID.read_text())
    code, out, _ = run(capsys, "check", "tracks.tsv", "--baseline", "baseline.json")
    assert code == 0
    assert "2 baseline entries no longer found" in out and "TM205 tracks.tsv RNA_SEQ" in out
    code, out, _ = run(capsys, "check", "tracks.tsv", "--baseline", "baseline.json",
                       "--format", "json")
    assert [e["code"] for e in json.loads(out)["baseline"]["fixed"]] == ["TM205", "TM208"]


def test_baseline_from_configuration_and_a_damaged_baseline(
        project: Path, capsys: Capture) -> None:
    run(capsys, "baseline", "tracks.tsv", "-o", str(project / "baseline.json"))
    (project / "trackmeta.toml").write_text('baseline = "baseline.json"\n')
    assert run(capsys, "check", "tracks.tsv")[0] == 0
    (project / "baseline.json").write_text("{not json")
    code, _, err = run(capsys, "check", "tracks.tsv")
    assert code == 2 and "baseline.json:1: the baseline is not valid JSON" in err


# -- reports ----------------------------------------------------------------------------------

def test_text_collapses_repeated_messages_and_counts_rules(capsys: Capture, tmp_path: Path) -> None:
    rows = valid_lines()
    for line in (4, 5):
        rows = edited(rows, line, "nonzero_mean", "-1")
    path = tmp_path / "t.tsv"
    path.write_text(to_text(rows))
    code, out, _ = run(capsys, "check", str(path), "--statistics")
    assert code == 1
    assert "TM105 error   nonzero_mean '-1' is not a finite positive number" in out
    assert "[2 rows: 4, 5]" in out and out.count("TM105 error") == 1
    assert "Findings per rule\n  2  TM105  not-a-positive-number" in out


def test_colour_follows_no_color_and_force_color(capsys: Capture, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in run(capsys, "check", str(VALID))[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(capsys, "check", str(VALID))[1]


def test_github_annotations_are_capped_with_a_step_summary(
        capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = valid_lines()
    for line in range(2, 15):
        rows = edited(rows, line, "nonzero_mean", "-1")
    path = tmp_path / "t.tsv"
    path.write_text(to_text(rows))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run(capsys, "check", str(path), "--format", "github")
    assert code == 1
    assert out.count("::error ") == 10
    assert "::notice title=TM105 (more)::3 more TM105 findings not annotated" in out
    markdown = summary.read_text()
    assert "## trackmeta: failed" in markdown and "| TM105 | not-a-positive-number | error | 13 |" in markdown


def _sarif(capsys: Capture, path: Path) -> dict[str, object]:
    code, out, _ = run(capsys, "check", str(path), "--format", "sarif")
    assert code == 1
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.mark.skipif(not SARIF_SCHEMA.is_file(), reason=f"{SARIF_SCHEMA} is absent (../shared)")
def test_sarif_is_valid_and_fingerprints_survive_reordering(
        project: Path, capsys: Capture) -> None:
    import jsonschema

    table = project / "data" / "tracks.tsv"
    document = _sarif(capsys, Path("tracks.tsv"))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(document)
    (result, _) = document["runs"][0]["results"]  # type: ignore[index]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "tracks.tsv", "uriBaseId": "%SRCROOT%"}
    line = table.read_text().splitlines()[8]
    start, end = location["region"]["startColumn"], location["region"]["endColumn"]
    assert location["region"]["startLine"] == 9 and line[start - 1:end - 1] == "CL:0010003"
    assert "**Why is this bad?**" in document["runs"][0]["tool"]["driver"]["rules"][0]["help"][
        "markdown"]  # type: ignore[index]
    before = {r["ruleId"]: r["partialFingerprints"] for r in document["runs"][0]["results"]}  # type: ignore[index]
    lines = table.read_text().splitlines(keepends=True)
    table.write_text(lines[0] + "".join(reversed(lines[1:])))
    after_doc = _sarif(capsys, Path("tracks.tsv"))
    after = {r["ruleId"]: r["partialFingerprints"] for r in after_doc["runs"][0]["results"]}  # type: ignore[index]
    assert before == after
    assert str(project) not in json.dumps(document)  # no absolute path leaks


def test_sarif_stays_within_githubs_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    from trackmeta.checking.report import Report
    from trackmeta.render import sarif
    from trackmeta.rules import rule

    monkeypatch.setattr(sarif, "MAX_RESULTS", 50)
    findings = tuple(rule("TM206").finding("p", path="t.tsv", line=n + 2, row=n) for n in range(80)) + tuple(
        rule("TM105").finding("n", path="t.tsv", line=n + 2, row=n) for n in range(5))
    document = json.loads(sarif.render(Report(findings=findings)))
    results = document["runs"][0]["results"]
    assert len(results) <= 50 and sum(r["ruleId"] == "TM105" for r in results) == 5
    assert results[-1]["message"]["text"].startswith(f"{80 - (len(results) - 6)} more TM206")
    assert MAX_RESULTS == 25_000


def test_check_json_counts_baselined_in_summary(project: Path, capsys: Capture) -> None:
    import jsonschema

    from tests.helpers import REPO

    run(capsys, "baseline", "tracks.tsv", "-o", "baseline.json")
    _, out, _ = run(capsys, "check", "tracks.tsv", "--baseline", "baseline.json", "--format", "json")
    schema = json.loads((REPO / "schemas" / "report" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads(out))
    assert json.loads(out)["summary"]["baselined"] == 2
    assert os.path.basename(json.loads(out)["baseline"]["file"]) == "baseline.json"
