"""The reports where users look: GitLab Code Quality, reviewdog rdjsonl, Azure Pipelines logging
commands, the HTML page, and the notebook views. Each holds every finding once, and escapes
hostile values."""

from __future__ import annotations

import html.parser
import json
import os
from collections import Counter
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import REAL_TSV, edited, needs_shared, real_report, to_text, valid_lines
from trackmeta.checking.report import Report
from trackmeta.render import render
from trackmeta.render.sarif import fingerprint

HOSTILE = '<script>alert("x")</script>\x1b[31m;]%'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The valid fixture with a hostile biosample name and a few real defects."""
    lines = edited(valid_lines(), 5, "biosample_name", HOSTILE)
    lines = edited(lines, 7, "ontology_curie", "CL:84")
    path = tmp_path_factory.mktemp("hostile") / "table.tsv"
    path.write_text(to_text(lines))
    return trackmeta.check(path)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The valid fixture with an unpadded CURIE: a file that holds each cell exactly."""
    path = tmp_path_factory.mktemp("plain") / "table.tsv"
    path.write_text(to_text(edited(valid_lines(), 7, "ontology_curie", "CL:84")))
    return trackmeta.check(path)


def _gitlab(report: Report) -> list[dict[str, object]]:
    issues = json.loads(render(report, "gitlab"))
    assert isinstance(issues, list)
    return issues


def test_gitlab_code_quality_shape(hostile: Report) -> None:
    issues = _gitlab(hostile)
    assert len(issues) == len(hostile.findings)
    for issue, f in zip(issues, hostile.findings, strict=True):
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == f.code
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        location = issue["location"]
        assert isinstance(location, dict) and not os.path.isabs(str(location["path"]))
        assert location["lines"] == {"begin": f.line or 1}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert issues[0]["fingerprint"] == fingerprint(hostile.findings[0])  # the SARIF identity


def test_rdjsonl_one_diagnostic_per_line_with_fix_suggestions(plain: Report) -> None:
    lines = render(plain, "rdjsonl").splitlines()
    assert len(lines) == len(plain.findings)
    diagnostics = [json.loads(line) for line in lines]
    for d, f in zip(diagnostics, plain.findings, strict=True):
        assert d["code"]["value"] == f.code and d["severity"] in {"ERROR", "WARNING", "INFO"}
        assert d["location"]["range"]["start"]["line"] == f.line
    with_fix = [d for d in diagnostics if "suggestions" in d]
    assert with_fix, "the CURIE fix becomes a suggestion"
    tm203 = next(d for d in with_fix if d["code"]["value"] == "TM203")
    assert tm203["suggestions"][0]["text"] == "CL:0000084"
    start, end = (tm203["suggestions"][0]["range"][k]["column"] for k in ("start", "end"))
    assert end - start == len("CL:84")


def test_azure_logging_commands_are_escaped(hostile: Report) -> None:
    lines = render(hostile, "azure").splitlines()
    assert len(lines) == len(hostile.findings)
    for line in lines:
        assert line.startswith("##vso[task.logissue type=")
        props, _, _ = line.partition(";]")
        assert "]" not in props and "\x1b" not in line
    hostile_line = next(line for line in lines if "script" in line)
    assert "%3B" not in hostile_line.partition(";]")[2]  # a message keeps ';' (only props escape)


class _Dom(html.parser.HTMLParser):
    """Every element, with its attributes, and the text; fails on a stray end tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.text: list[str] = []
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.external.append(value)
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_and_escapes_hostile_values(hostile: Report) -> None:
    page = render(hostile, "html")
    dom = _Dom()
    dom.feed(page)
    assert dom.scripts == 1 and dom.external == []  # one inline script, nothing fetched
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "\x1b" not in page
    assert dom.tags["svg"] == 2 and dom.tags["details"] == 1
    rows = page.count("<tr data-severity=")
    assert rows == len(hostile.findings)


def test_notebook_views(hostile: Report) -> None:
    view = hostile._repr_html_()
    assert "<html" not in view and "body{" not in view and "Findings by rule" in view
    frame = hostile.to_frame()
    assert list(frame.columns) == ["code", "name", "severity", "path", "line", "column", "value",
                                   "expected", "fix", "track", "message"]
    assert len(frame) == len(hostile.findings)
    assert frame.loc[frame["code"] == "TM203", "fix"].tolist() == ["CL:0000084"]


@needs_shared
@pytest.mark.parametrize("fmt", ["gitlab", "rdjsonl", "azure", "html"])
def test_every_real_finding_once(fmt: str) -> None:
    report = real_report(REAL_TSV)
    document = render(report, fmt)
    if fmt == "gitlab":
        found = len(json.loads(document))
    elif fmt == "html":
        found = document.count("<tr data-severity=")
    else:
        found = len(document.splitlines())
    assert found == len(report.findings) == 281  # the six Jurkat TM212 are known lines now (#30)


def test_cli_writes_html(tmp_path: Path) -> None:
    from trackmeta.cli import main

    out = tmp_path / "report.html"
    assert main(["check", str(Path(__file__).parent / "fixtures" / "valid.tsv"), "--format",
                 "html", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_term_checks_and_search_results_have_notebook_views() -> None:
    from tests.helpers import VALID

    (check,) = trackmeta.check_terms(["CL:0000084"], ["DNASE"], VALID)
    view = check._repr_html_()
    assert "<table>" in view and "CL:0000084" in view and "tracks: DNASE" in view
    found = trackmeta.search("T-cell", metadata=VALID)
    assert "CURIE" in found._repr_html_() and "CL:0000084" in found._repr_html_()
