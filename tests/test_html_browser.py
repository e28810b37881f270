"""The HTML report in a real browser: Debian's chromium, headless, renders it and its DOM is read
back (the filter script included). Skips, saying so, where chromium is not installed (.ci/run
installs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import trackmeta
from tests.helpers import edited, to_text, valid_lines
from trackmeta.render import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(apt-get install chromium; .ci/run does)")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def _dom(page: Path, fragment: str, profile: Path) -> str:
    done = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=2000",
         "--dump-dom", page.as_uri() + fragment],
        capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_the_report_renders_filters_and_keeps_hostile_text_as_text(tmp_path: Path) -> None:
    lines = edited(valid_lines(), 5, "biosample_name", '<img src=x onerror="document.title=1">')
    lines = edited(lines, 7, "ontology_curie", "CL:84")
    table = tmp_path / "table.tsv"
    table.write_text(to_text(lines))
    report = trackmeta.check(table)
    page = tmp_path / "report.html"
    page.write_text(render(report, "html"))

    dom = _dom(page, "", tmp_path / "profile")
    assert "<title>trackmeta report: " in dom  # the injected handler never ran
    assert dom.count("<svg") == 2 and dom.count('<tr data-severity="') == len(report.findings)
    assert "<img" not in dom and '&lt;img src=x onerror="document.title=1"&gt;' in dom

    filtered = _dom(page, "#q=TM203", tmp_path / "profile2")
    hidden = len(re.findall(r'<tr data-severity="[a-z]+" style="display: none;">', filtered))
    tm203 = sum(1 for f in report.findings if f.code == "TM203")
    assert tm203 == 1 and hidden == len(report.findings) - tm203
    assert re.search(r'<span id="c-0">1</span> shown', filtered)


def test_the_report_leads_with_what_fails(tmp_path: Path) -> None:
    """#31: rules ordered by severity, then count; the findings table opens with errors and
    names each track's output type and track; the heatmap counts errors and warnings only,
    zero cells left blank; identifiers never wrap."""
    from tests.helpers import REPO

    report = trackmeta.check(REPO / "examples" / "release")
    page = tmp_path / "report.html"
    page.write_text(render(report, "html"))
    dom = _dom(page, "", tmp_path / "profile")
    rules = re.search(r'<table id="rules">.*?</table>', dom, re.S)
    assert rules is not None
    severities = re.findall(r'<span class="sev-(\w+)">', rules.group())
    order = {"error": 0, "warning": 1, "info": 2}
    assert severities == sorted(severities, key=order.__getitem__) and severities[0] == "error"
    body = re.search(r'<table id="t-0">.*?</table>', dom, re.S)
    assert body is not None and "<th>Output type</th><th>Track</th>" in body.group()
    rows = re.findall(r'<tr data-severity="(\w+)"', body.group())
    assert rows == sorted(rows, key=order.__getitem__) and rows[0] == "error"
    worst = sum(found for row in report.matrix.values() for _, found in row.values())
    assert worst == report.count(trackmeta.Severity.ERROR) + report.count(
        trackmeta.Severity.WARNING)
    assert 'fill="#ffffff"' in dom and "white-space:nowrap" in dom
