"""Bad input never crashes and is never silently accepted; input files are never modified."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import trackmeta
from tests.helpers import VALID, run_cli, to_text, valid_lines
from trackmeta.cli import main

Write = Callable[..., Path]


def failure_of(path: Path | list[Path], **options: str) -> str:
    report = trackmeta.check(path, **options)  # type: ignore[arg-type]
    assert report.exit_code == 2
    assert len(report.failures) == 1
    return report.failures[0].message


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From Python a path that does not exist raises (a Report with exit code 2 is easily
    missed in a notebook); the command line reports it and exits 2 (#31)."""
    with pytest.raises(FileNotFoundError, match=r"nope\.tsv"):
        trackmeta.check(tmp_path / "nope.tsv")
    reported = trackmeta.check(tmp_path / "nope.tsv", missing="report")
    assert "no such file" in reported.failures[0].message
    code, _, err = run_cli(capsys, "check", str(tmp_path / "nope.tsv"))
    assert code == 2 and "nope.tsv" in err and "no such file" in err


def test_directory_without_tables(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("hello")
    assert "no metadata tables" in failure_of(tmp_path)


def test_empty_file(write: Write) -> None:
    assert "file is empty" in failure_of(write(""))


@pytest.mark.parametrize("blank", [" \t\n\n", "\u00a0\n\u3000 \n", " \u2003"])
def test_a_file_of_white_space_is_empty_whatever_its_spaces(write: Write, blank: str) -> None:
    """ASCII spaces are told from the bytes; a non-ASCII character is a space or not as
    Python's str says (no-break, ideographic, em spaces)."""
    assert "file is empty" in failure_of(write(blank))


def test_a_table_opening_with_a_non_ascii_character_is_read(write: Write) -> None:
    report = trackmeta.check(write("\u00e9tude\tstrand\nx\t+\n"), output_type="DNASE")
    assert report.failures == () and report.rows == 1


def test_binary_file(write: Write) -> None:
    assert "binary" in failure_of(write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))


def test_non_utf8_names_line_and_byte(write: Write) -> None:
    data = to_text(valid_lines()).encode().replace(b"T-cell", b"T-c\xe9ll", 1)
    report = trackmeta.check(write(data))
    assert report.exit_code == 2
    failure = report.failures[0]
    assert failure.line == 2
    assert "0xe9" in failure.message


def test_wrong_delimiter_is_named(write: Write) -> None:
    message = failure_of(write(to_text(valid_lines())), delimiter=",")
    assert "'\\t'" in message and "--delimiter" in message


def test_csv_is_sniffed(write: Write) -> None:
    lines = [[f'"{v}"' if "," in v else v for v in fields] for fields in valid_lines()]
    report = trackmeta.check(write(to_text(lines, ","), "release.csv"))
    assert report.ok, report.findings
    assert report.rows == 25


def test_gzip(write: Write) -> None:
    report = trackmeta.check(write(gzip.compress(VALID.read_bytes()), "release.tsv.gz"))
    assert report.ok and report.rows == 25


def test_corrupt_gzip(write: Write) -> None:
    assert "gzip" in failure_of(write(b"\x1f\x8b\x08\x00garbage", "x.tsv.gz"))


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "release.parquet"
    pd.read_csv(VALID, sep="\t", dtype=str, keep_default_na=False).to_parquet(path)
    report = trackmeta.check(path)
    assert report.ok and report.rows == 25


def test_corrupt_parquet(write: Write) -> None:
    assert "Parquet" in failure_of(write(b"PAR1 this is not parquet", "x.parquet"))


def test_huge_field(write: Write) -> None:
    lines = valid_lines()
    lines[1][4] = "x" * (2 << 20)
    report = trackmeta.check(write(to_text(lines)))
    assert report.exit_code == 2
    assert report.failures[0].line == 2
    assert "field larger than field limit" in report.failures[0].message


def test_ragged_rows_and_blank_lines_are_findings(write: Write) -> None:
    text = to_text(valid_lines()[:3]) + "\n" + "a\tb\n" + to_text(valid_lines()[3:4])
    report = trackmeta.check(write(text))
    assert [(f.line, f.code) for f in report.findings] == [(4, "TM004"), (5, "TM004")]
    assert report.rows == 3


def test_multiline_quoted_field_keeps_physical_lines(write: Write) -> None:
    lines = valid_lines()
    lines[1][4] = '"T-\ncell"'  # the record on line 2 spans lines 2 and 3
    lines[2][7] = "bogus"  # so the next record starts on physical line 4
    report = trackmeta.check(write(to_text(lines)), select=["TM1"])
    assert [(f.line, f.column, f.code) for f in report.findings] == [
        (4, "data_source", "TM103")]


def test_output_type_cannot_be_told(write: Write) -> None:
    text = to_text([f[:11] + f[12:] for f in valid_lines()])
    assert "--output-type" in failure_of(write(text, "tracks.tsv"))


def test_output_type_from_file_name(write: Write) -> None:
    rows = [f[:11] + f[12:] for n, f in enumerate(valid_lines(), 1) if n in (1, 4, 5)]
    report = trackmeta.check(write(to_text(rows), "cage.tsv"))
    assert report.ok and report.tracks_by_type == {"CAGE": 2}


def test_unknown_output_type_option(write: Write) -> None:
    with pytest.raises(ValueError, match="unknown output type"):
        trackmeta.check(write(to_text(valid_lines())), output_type="RNA")


def test_inputs_are_never_modified(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(b"\xef\xbb\xbf" + to_text(valid_lines()).replace("T-cell", "T-cell ").encode())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["check", str(path)]) == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_dataframe_is_checked_in_memory_and_left_alone() -> None:
    frame = pd.read_csv(VALID, sep="\t", keep_default_na=False)
    frame.loc[3, "strand"] = "."
    snapshot = frame.copy()
    report = trackmeta.check(frame)
    assert [(f.row, f.column, f.code, f.line) for f in report.findings] == [
        (3, "strand", "TM103", None)]
    pd.testing.assert_frame_equal(frame, snapshot)


def test_dataframe_with_native_types() -> None:
    frame = pd.read_csv(VALID, sep="\t")  # floats, NaN, booleans as the client returns them
    assert frame["nonzero_mean"].dtype == float and frame["nonzero_mean"].isna().any()
    assert frame["genetically_modified"].dropna().map(type).eq(bool).all()
    report = trackmeta.check(frame)
    assert report.ok, report.findings


def test_fast_and_located_readers_agree() -> None:
    from trackmeta.io.readers import _read_irregular, read_text

    data = VALID.read_bytes()
    fast = read_text(data, "valid.tsv")
    slow = _read_irregular(data.decode(), "\t", "valid.tsv", [])
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_index_type=False)
    assert fast.lines is not None and slow.lines is not None
    assert list(fast.lines) == list(slow.lines)


def test_ragged_file_without_quotes_takes_the_located_reader(write: Write) -> None:
    text = to_text(valid_lines()) + "short\trow\n"
    report = trackmeta.check(write(text))
    assert [(f.line, f.code) for f in report.findings] == [(27, "TM004")]
