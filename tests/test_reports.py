"""Machine-readable reports validate against their published schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import trackmeta
from tests.helpers import REPO, SHARED, VALID
from trackmeta.render import render

EXAMPLE = REPO / "examples" / "release"
REPORT_SCHEMA = json.loads((REPO / "schemas/report/report.schema.json").read_text())


@pytest.mark.parametrize("source", [EXAMPLE, VALID, [VALID, REPO / "missing.tsv"]],
                         ids=["findings", "clean", "failure"])
def test_json_report_matches_its_schema(source: Path | list[Path]) -> None:
    report = trackmeta.check(source, expect="table1", missing="report")
    document = json.loads(render(report, "json"))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    assert document["summary"]["exit_code"] == report.exit_code


def test_report_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)


@pytest.mark.skipif(not (SHARED / "formats/sarif-schema-2.1.0.json").is_file(),
                    reason="../shared/data/formats/sarif-schema-2.1.0.json is absent")
def test_sarif_matches_the_sarif_schema() -> None:
    schema = json.loads((SHARED / "formats/sarif-schema-2.1.0.json").read_text())
    report = trackmeta.check([EXAMPLE, REPO / "missing.tsv"], missing="report")
    document = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(schema).validate(document)
    results = document["runs"][0]["results"]
    assert {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in results} >= {("TM104", 5), ("TM203", 7)}


@pytest.mark.skipif(not (SHARED / "formats/JUnit.xsd").is_file(),
                    reason="../shared/data/formats/JUnit.xsd is absent")
@pytest.mark.parametrize("source", [EXAMPLE, VALID], ids=["findings", "clean"])
def test_junit_matches_the_junit_schema(source: Path) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SHARED / "formats/JUnit.xsd")))
    document = etree.fromstring(render(trackmeta.check(source), "junit").encode())
    schema.assertValid(document)
    failures = sum(int(s.get("failures")) for s in document.iter("testsuite"))
    assert failures == (3 if source == EXAMPLE else 0)


def test_text_groups_by_file_and_summarises() -> None:
    text = render(trackmeta.check(EXAMPLE), "text")
    lines = text.splitlines()
    assert lines[0].endswith("track_metadata.tsv")
    assert lines[-1] == "FAILED: 1 file (human), 25 rows, 27 tracks; 3 errors, 1 warning, 1 info"


def test_the_json_text_is_the_standard_librarys_byte_for_byte() -> None:
    """The report's own JSON writer (render/jsondoc.py) against json.dumps, on any document."""
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trackmeta import escape
    from trackmeta.render import jsondoc

    scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
               | st.sampled_from(["\udcff.tsv", "a\ud800b"]))  # undecodable bytes of file names
    keys = st.text() | st.integers() | st.booleans() | st.none()
    documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                             | st.dictionaries(keys, inner, max_size=4), max_leaves=30)

    @settings(max_examples=300, deadline=None)
    @given(documents)
    def same(document: object) -> None:
        expected = escape.json_text(json.dumps(escape.deep(document, escape.utf8), indent=2,
                                               ensure_ascii=False))
        assert jsondoc.dumps(document) == expected

    same()


def test_records_are_written_as_json_dumps_writes_their_dicts() -> None:
    """The column-by-column writer of a report's findings (scalars by the C encoder, a shaped
    tuple as an object, a list of scalars) against json.dumps of the same dicts."""
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trackmeta import escape
    from trackmeta.render import jsondoc

    scalar = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
              | st.text())
    track = st.none() | st.tuples(st.text(), st.text())
    span = st.none() | st.lists(st.integers(), min_size=1, max_size=3)
    rows = st.lists(st.tuples(scalar, track, span, st.text()), min_size=0, max_size=6)

    @settings(max_examples=200, deadline=None)
    @given(rows)
    def same(rows: list[tuple[object, ...]]) -> None:
        records = jsondoc.Records(("value", "track", "span", "100%s \"message\""), rows,
                                  {"track": ("organism", "name")})
        document = {"findings": records}
        expected = escape.json_text(json.dumps(
            escape.deep({"findings": records.dicts()}, escape.utf8), indent=2,
            ensure_ascii=False))
        assert jsondoc.dumps(document) == expected

    same()


def test_a_finding_row_follows_the_fields_of_a_finding() -> None:
    """The JSON report writes findings from rows; each value sits under its own field's name."""
    import dataclasses

    from trackmeta.checking.report import _FINDING_FIELDS, _row
    from trackmeta.identity import TrackId

    finding = trackmeta.Finding("TM104", "whitespace", trackmeta.Severity.ERROR, "m", "p", 2, "c",
                                "v", "e", "f", 0, TrackId("human", "DNASE", "n", "."), (1, 3))
    expected = dataclasses.asdict(finding) | {"severity": "error",
                                             "track": finding.track._asdict(), "span": [1, 3]}
    row = dict(zip(_FINDING_FIELDS, _row(finding), strict=True))
    assert {**row, "track": row["track"]._asdict()} == expected


def test_text_infos_of_one_cause_are_one_line_naming_their_values(tmp_path: Path) -> None:
    """#30: infos of one rule and one cause group on one line that lists their values; errors
    lead each file."""
    from tests.helpers import edited, to_text, valid_lines

    lines = edited(valid_lines(), 2, "ontology_curie", "CLO:0000001")
    lines = edited(lines, 3, "ontology_curie", "CLO:0000002")
    lines = edited(lines, 5, "biosample_name", "fat cell ")
    for line in (2, 3):
        lines = edited(lines, line, "biosample_type", "cell_line")
    table = tmp_path / "t.tsv"
    table.write_text(to_text(lines))
    text = render(trackmeta.check(table), "text")
    grouped = [line for line in text.splitlines() if " TM207 " in line]
    assert len(grouped) == 1 and "CLO:0000001" in grouped[0] and "CLO:0000002" in grouped[0]
    body = [line for line in text.splitlines() if line.startswith("  ")]
    assert " error " in body[0]
