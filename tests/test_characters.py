"""Hostile input, round two: invisible and look-alike characters, and line ends, closed at their
mechanism. One module names and cleans characters (trackmeta.characters); one module decides what
a line is (trackmeta.io.lines), for the reader and for `fix` alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import trackmeta
from tests.corpus.copy_paste import BOM, COPY_PASTE, CYRILLIC_ES, NBSP, SHY, ZWSP
from tests.helpers import VALID, edited, run_cli, to_text, valid_lines
from trackmeta import characters


@pytest.mark.parametrize(("column", "value", "fix"), COPY_PASTE)
def test_each_character_is_found_named_and_cleaned(tmp_path: Path, column: str, value: str,
                                                   fix: str | None) -> None:
    path = tmp_path / "t.tsv"
    path.write_text(to_text(edited(valid_lines(), 7, column, value)), encoding="utf-8")
    report = trackmeta.check(path)
    (found,) = [f for f in report.findings if f.code == "TM012"]
    assert (found.line, found.column) == (7, column)
    assert found.fix == fix
    assert "<U+" in found.message and found.message.count("U+") >= 1
    assert report.exit_code == 1


def test_the_message_names_a_look_alike_letter() -> None:
    assert characters.shown(f"{CYRILLIC_ES}L:0000047") == (
        "<U+0421 CYRILLIC CAPITAL LETTER ES>L:0000047")
    assert characters.shown(f"CL:{ZWSP}1") == "CL:<U+200B ZERO WIDTH SPACE>1"


def test_text_output_never_prints_an_invisible_character(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.tsv"
    path.write_text(to_text(edited(valid_lines(), 7, "ontology_curie", f"CL:{ZWSP}0000084")))
    for fmt in ("text", "github", "azure", "html"):
        _, out, _ = run_cli(capsys, "check", str(path), "--format", fmt)
        assert ZWSP not in out, fmt


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\x0c", "\x0b", "\x1e", "\r"])
def test_a_separator_inside_a_cell_moves_no_edit(tmp_path: Path, separator: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """U+2028 in one row's name must not make `fix` write a later row's value over it."""
    lines = edited(valid_lines(), 4, "name", f"CL:0000077 CAGE{separator}x")
    lines = edited(lines, 5, "biosample_name", "fat cell ")  # a certain fix, one row below
    path, fixed = tmp_path / "t.tsv", tmp_path / "fixed.tsv"
    path.write_text(to_text(lines), encoding="utf-8", newline="")
    report = trackmeta.check(path)
    assert {(f.line, f.code) for f in report.findings} >= {(4, "TM012"), (5, "TM104")}
    assert run_cli(capsys, "fix", str(path), "-o", str(fixed))[0] == 0
    before = path.read_bytes().decode().split("\n")
    after = fixed.read_bytes().decode().split("\n")
    assert len(after) == len(before)
    assert after[4].split("\t")[4] == "fat cell"  # line 5 fixed, in place
    assert after[3].split("\t")[0] in (f"CL:0000077 CAGE{separator}x", "CL:0000077 CAGEx")
    assert [a for a, b in zip(after, before, strict=True) if a != b] == [
        a for n, a in enumerate(after) if n in (3, 4) and a != before[n]]


@pytest.mark.parametrize("damage", ["\r\r\n", "lone CR", "CRLF"])
def test_line_numbers_stay_physical_whatever_the_line_ends(tmp_path: Path, damage: str) -> None:
    lines = edited(valid_lines(), 20, "biosample_name", "osteoblast ")
    if damage == "lone CR":  # inside a cell of line 4
        lines = edited(lines, 4, "biosample_name", "mesothelial\rcell")
    text = "".join("\t".join(f) + "\n" for f in lines)
    if damage == "\r\r\n":  # line 3 ends with a stray CR before its CRLF
        parts = text.split("\n")
        parts[2] += "\r\r"
        text = "\n".join(parts)
    elif damage == "CRLF":
        text = text.replace("\n", "\r\n")
    path = tmp_path / "t.tsv"
    path.write_bytes(text.encode())
    found = {(f.line, f.code) for f in trackmeta.check(path).findings}
    assert (20, "TM104") in found
    assert {line for line, _ in found} <= {3, 4, 20}  # nothing moved to another line
    assert {(3, "TM012"), (4, "TM012")} & found or damage == "CRLF"


def test_a_quoted_two_line_record_is_edited_where_it_stands(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    lines = edited(valid_lines(), 3, "name", "CL:0000100 ATAC-seq\nsecond line")
    lines = edited(lines, 3, "biosample_name", "motor neuron ")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    path, fixed = tmp_path / "t.csv", tmp_path / "fixed.csv"
    path.write_text(buffer.getvalue())
    assert run_cli(capsys, "fix", str(path), "-o", str(fixed))[0] == 0
    rows = list(csv.reader(io.StringIO(fixed.read_text())))
    assert rows[2][lines[0].index("biosample_name")] == "motor neuron"
    assert rows[2][0] == "CL:0000100 ATAC-seq\nsecond line"
    assert len(rows) == len(lines)


_HIDDEN = st.sampled_from([ZWSP, NBSP, SHY, BOM, "\u2028", "\u0085", "\x0c", "\r", "\u200d",
                           "\u2060", "\u202e", CYRILLIC_ES, "\uff10", "\u2212"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.integers(2, 26), column=st.integers(0, 14), at=st.integers(0, 40), ch=_HIDDEN)
def test_a_hidden_character_anywhere_is_found_on_its_line(tmp_path: Path, row: int, column: int,
                                                          at: int, ch: str) -> None:
    lines = valid_lines()
    value = lines[row - 1][column]
    position = min(at, len(value))
    assume(not (ch == "\r" and column == len(lines[0]) - 1 and position == len(value)))  # CRLF
    lines[row - 1][column] = value[:position] + ch + value[position:]
    path = tmp_path / "t.tsv"
    path.write_text(to_text(lines), encoding="utf-8", newline="")
    report = trackmeta.check(path)
    assert report.exit_code != 0
    assert [(f.line, f.column) for f in report.findings if f.code == "TM012"] == [
        (row, lines[0][column])]
    assert all(f.line is None or f.line <= len(lines) for f in report.findings)


def test_the_valid_table_has_no_hidden_character() -> None:
    assert not characters.SCREEN.search(VALID.read_text(encoding="utf-8"))


# -- Python API misuse: trackmeta's own exception, naming the argument; never a silent answer --

@pytest.mark.parametrize(("call", "says"), [
    (lambda: trackmeta.check(42), "check() takes a path"),
    (lambda: trackmeta.check(None), "not NoneType None"),
    (lambda: trackmeta.check(b"x.tsv"), "not bytes"),
    (lambda: trackmeta.check([]), "not an empty sequence"),
    (lambda: trackmeta.resolve(None), "resolve() takes a CURIE string"),
    (lambda: trackmeta.search(None), "search() takes a name"),
    (lambda: trackmeta.search("liver", limit=-1), "limit of 0 or more"),
    (lambda: trackmeta.check_terms(None), "check_terms() takes a term"),
    (lambda: trackmeta.fix(__import__("pandas").DataFrame()), "fix() takes tables"),
])
def test_api_misuse_raises_a_named_error(call: object, says: str) -> None:
    from trackmeta.findings import ArgumentError

    with pytest.raises(ArgumentError, match=says.replace("(", r"\(").replace(")", r"\)")):
        call()  # type: ignore[operator]


def test_api_errors_are_both_value_and_type_errors() -> None:
    from trackmeta.findings import ArgumentError

    assert issubclass(ArgumentError, ValueError) and issubclass(ArgumentError, TypeError)


@pytest.mark.parametrize("make", ["missing", "empty-dir", "fifo"])
def test_fix_on_what_it_cannot_use_exits_2(tmp_path: Path, make: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import os

    target = tmp_path / "x.tsv"
    if make == "empty-dir":
        target = tmp_path / "d"
        target.mkdir()
    elif make == "fifo":
        os.mkfifo(target)
    code, out, err = run_cli(capsys, "fix", str(target))
    assert code == 2 and str(target) in err and "0 edits" not in out + err


@pytest.mark.parametrize("argv", [("search", "liver", "--limit", "-1"),
                                  ("terms", "CL:0000084", "--max-distance", "-3"),
                                  ("terms", "CL:0000084", "--max-suggestions", "-1"),
                                  ("diff", "a", "b", "--limit", "-2")])
def test_negative_counts_are_refused(argv: tuple[str, ...],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and "expected a number of 0 or more" in err
