"""Ant-style JUnit XML: a test suite per file, a failing test case per finding."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from itertools import groupby
from typing import TYPE_CHECKING

from trackmeta import escape
from trackmeta.findings import Finding

if TYPE_CHECKING:
    from trackmeta.checking.report import Report


def _fails(report: Report, finding: Finding) -> bool:
    return report.fail_on is not None and finding.severity >= report.fail_on


def render(report: Report) -> str:
    root = ET.Element("testsuites")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    host = socket.gethostname() or "localhost"
    by_path = {path: list(g) for path, g in
               groupby(report.findings, key=lambda f: f.path or "(release)")}
    for path in report.files:
        by_path.setdefault(path, [])
    for number, (path, findings) in enumerate(sorted(by_path.items())):
        failing = [f for f in findings if _fails(report, f)]
        suite = ET.SubElement(root, "testsuite", {
            "package": "trackmeta", "id": str(number), "name": path, "timestamp": stamp,
            "hostname": host, "tests": str(max(len(findings), 1)),
            "failures": str(len(failing)), "errors": "0", "time": "0",
        })
        ET.SubElement(suite, "properties")
        if not findings:
            ET.SubElement(suite, "testcase", {"name": "trackmeta check", "classname": path,
                                              "time": "0"})
        for f in findings:
            where = f"line {f.line}" if f.line is not None else f"row {f.row}"
            case = ET.SubElement(suite, "testcase", {
                "name": f"{f.code} {f.name} {where} {f.column or ''}".strip(),
                "classname": path, "time": "0"})
            if _fails(report, f):
                failure = ET.SubElement(case, "failure", {"message": f.message, "type": f.code})
                failure.text = "\n".join(f"{label}: {shown}" for label, shown in (
                    ("value", repr(f.value) if f.value is not None else None),
                    ("expected", f.expected), ("fix", f.fix)) if shown is not None)
            else:
                ET.SubElement(case, "skipped", {"message": f"{f.severity}: {f.message}"})
        ET.SubElement(suite, "system-out").text = ""
        ET.SubElement(suite, "system-err").text = "\n".join(
            fail.message for fail in report.failures if fail.path == path)
    for element in root.iter():  # nothing XML 1.0 forbids, from any input, reaches the document
        element.attrib = {k: escape.xml(escape.terminal(v)) for k, v in element.attrib.items()}
        if element.text:
            element.text = escape.xml(escape.lines(element.text))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
