"""The official MetadataResponse read with protobuf alone (the core install): text and binary,
any text layout, unknown fields, the cache, and the SDK's own table where the SDK is installed."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import trackmeta
from tests.helpers import FIXTURES, SHARED, needs_sdk
from trackmeta.io import proto
from trackmeta.io.readers import read_path
from trackmeta.io.table import ReadError

TEXTPROTO = FIXTURES / "metadata.textproto"
OFFICIAL = [SHARED / f"OutputMetadataResponse_ORGANISM_{o}.textproto"
            for o in ("HOMO_SAPIENS", "MUS_MUSCULUS")]


def _message(text: str) -> Any:
    from google.protobuf import text_format

    return text_format.Parse(text, proto.message_class()())


def _frame(path: Path) -> pd.DataFrame:
    return read_path(path).frame


def test_textproto_without_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """No import of alphagenome anywhere on the path: the core install reads official files."""
    real_import = builtins.__import__

    def no_alphagenome(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("alphagenome"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_alphagenome)
    report = trackmeta.check(TEXTPROTO)
    assert report.exit_code == 1 and report.rows == 4 and report.skipped == 1
    assert [(f.line, f.column, f.code) for f in report.findings] == [(22, "nonzero_mean", "TM105")]


def test_the_printers_layout_and_text_format_give_the_same_records() -> None:
    data = TEXTPROTO.read_bytes()
    fast = proto.parse(data, "x", text=True)
    slow = proto._from_message(proto._parse_message(data, "x", text=True), "x", data)
    assert [(b.output_type, b.records, b.lines) for b in fast.blocks] == [
        (b.output_type, b.records, b.lines) for b in slow.blocks]


@pytest.mark.parametrize("layout", ["one line", "comments and tabs", "CRLF", "angle brackets"])
def test_any_text_layout_gives_the_same_table(layout: str, tmp_path: Path) -> None:
    text = TEXTPROTO.read_text()
    if layout == "one line":
        changed = " ".join(line.strip() for line in text.splitlines())
    elif layout == "comments and tabs":
        changed = "# made by hand\n" + text.replace("  ", "\t").replace('"T-cell"', '"T-cell" # ok')
    elif layout == "CRLF":
        changed = text.replace("\n", "\r\n")
    else:
        changed = text.replace("ontology_term {", "ontology_term <", 1).replace(
            "id: 84\n      }", "id: 84\n      >", 1)
    path = tmp_path / "changed.textproto"
    path.write_bytes(changed.encode())
    pd.testing.assert_frame_equal(_frame(path), _frame(TEXTPROTO))


def test_binary_gives_the_same_table_without_lines(tmp_path: Path) -> None:
    path = tmp_path / "metadata.binpb"
    path.write_bytes(_message(TEXTPROTO.read_text()).SerializeToString())
    table = read_path(path)
    pd.testing.assert_frame_equal(table.frame, _frame(TEXTPROTO))
    assert table.lines is None
    report = trackmeta.check(path)
    assert [(f.line, f.row, f.code) for f in report.findings] == [(None, 1, "TM105")]


def test_string_escapes_are_read_as_text_format_reads_them(tmp_path: Path) -> None:
    text = TEXTPROTO.read_text().replace('"T-cell"', r'"Ammon\'s \"horn\" \303\251"')
    path = tmp_path / "escaped.textproto"
    path.write_text(text)
    assert _frame(path).iloc[0]["biosample_name"] == 'Ammon\'s "horn" é'


def test_unknown_fields_are_an_info_at_their_line(tmp_path: Path) -> None:
    text = TEXTPROTO.read_text().replace(
        '      assay: "DNase-seq"\n',
        '      assay: "DNase-seq"\n      tissue_code: "X"\n      provenance {\n        lab: "Y"\n'
        '      }\n', 1)
    path = tmp_path / "newer.textproto"
    path.write_text(text)
    report = trackmeta.check(path)
    unknown = [(f.line, f.value, f.severity.name) for f in report.findings if f.code == "TM011"]
    assert unknown == [(17, "tissue_code", "INFO"), (18, "provenance", "INFO")]
    assert report.rows == 4  # the rest is read as before


def test_unknown_fields_in_binary_are_named_by_number(tmp_path: Path) -> None:
    message = _message(TEXTPROTO.read_text())
    data = message.SerializeToString() + b"\xa0\x06\x01"  # field 100, varint 1, at the top
    path = tmp_path / "newer.binpb"
    path.write_bytes(data)
    report = trackmeta.check(path)
    assert [(f.code, f.value) for f in report.findings if f.code == "TM011"] == [("TM011", "#100")]


@pytest.mark.parametrize(("change", "said"), [
    (("ENDEDNESS_SINGLE", "ENDEDNESS_TRIPLE"), "ENDEDNESS_TRIPLE"),
    (('name: "T-cell"', 'name: "T-cell"\n        name: "again"'), "name"),
    (("output_type: OUTPUT_TYPE_DNASE", "output_type: OUTPUT_TYPE_DNASE\n  junctions {\n  }"),
     "oneof"),
])
def test_text_that_is_not_a_response_is_exit_2_naming_why(
        change: tuple[str, str], said: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.textproto"
    path.write_text(TEXTPROTO.read_text().replace(*change, 1))
    report = trackmeta.check(path)
    assert report.exit_code == 2 and said in report.failures[0].message


def test_unspecified_enums_are_values_the_checks_judge(tmp_path: Path) -> None:
    text = TEXTPROTO.read_text().replace("strand: STRAND_UNSTRANDED", "strand: STRAND_UNSPECIFIED", 1)
    text = text.replace("ontology_type: ONTOLOGY_TYPE_CL", "ontology_type: 0", 1)
    path = tmp_path / "unspecified.textproto"
    path.write_text(text)
    first = _frame(path).iloc[0]
    assert (first["strand"], first["ontology_curie"]) == ("UNSPECIFIED", "UNSPECIFIED:0000084")
    report = trackmeta.check(path)
    assert {(f.line, f.column) for f in report.findings if f.severity.name == "ERROR"} >= {
        (4, "strand"), (4, "ontology_curie")}


def test_a_read_table_is_cached_and_a_damaged_cache_is_read_past(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path / "cache"))
    data = TEXTPROTO.read_bytes()
    first = proto.read(data, "x", text=True)
    cached = proto._cache_file(data, text=True)
    assert cached.is_file()

    def no_parse(*args: Any) -> Any:
        raise AssertionError("parsed again")

    monkeypatch.setattr(proto, "parse", no_parse)
    again = proto.read(data, "x", text=True)
    pd.testing.assert_frame_equal(again.frame, first.frame)
    assert again.lines is not None and first.lines is not None
    assert list(again.lines) == list(first.lines)
    cached.write_bytes(cached.read_bytes()[:-5])
    monkeypatch.undo()
    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path / "cache"))
    pd.testing.assert_frame_equal(proto.read(data, "x", text=True).frame, first.frame)


def test_empty_and_foreign_messages_are_refused() -> None:
    with pytest.raises(ReadError, match="holds no output_metadata"):
        proto.parse(b"", "x", text=False)
    with pytest.raises(ReadError, match="no output type"):
        proto.parse(b"output_metadata {\n  tracks {\n  }\n}\n", "x", text=True)


@needs_sdk
@pytest.mark.parametrize("path", [TEXTPROTO, *OFFICIAL], ids=lambda p: p.name)
def test_the_table_is_the_sdks_table(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared beside the checkout)")
    from alphagenome.models import dna_client
    from alphagenome.protos import dna_model_service_pb2
    from google.protobuf import text_format

    sdk_message = text_format.Parse(path.read_text(), dna_model_service_pb2.MetadataResponse())
    ours = _message(path.read_text())
    assert ours.SerializeToString(deterministic=True) == sdk_message.SerializeToString(
        deterministic=True)
    metadata = dna_client.construct_output_metadata([sdk_message])
    from trackmeta.io.sdk import from_sdk

    sdk_frame = from_sdk(metadata).frame
    our_frame = _frame(path)
    key = ["output_type", "name", "strand"]
    columns = sorted(sdk_frame.columns)
    assert sorted(our_frame.columns) == columns
    pd.testing.assert_frame_equal(
        our_frame[columns].sort_values(key, kind="stable").reset_index(drop=True),
        sdk_frame[columns].sort_values(key, kind="stable").reset_index(drop=True))
