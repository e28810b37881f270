"""Every input format becomes one `Table`: all values as strings ('' for empty), each row's
physical source line kept beside it, and structural findings (TM00x) found on the way.

Nothing is modified: files are read as bytes once and decoded strictly.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trackmeta.findings import Failure, Finding
from trackmeta.io import lines as lines_of
from trackmeta.io.safe import InputError, gunzip, is_gzip, read_bytes
from trackmeta.io.table import (
    TABLE_SUFFIXES,
    ReadError,
    Table,
    dedupe_header,
    from_dataframe,
    is_table_file,
)
from trackmeta.limits import DEFAULT_MAX_BYTES
from trackmeta.rules import rule
from trackmeta.sidefiles import describe_unreadable

if TYPE_CHECKING:
    pass

_DELIMITERS = ("\t", ",", ";", "|")
_MAX_FIELD = 1 << 20  # a field over 1 MiB is not metadata; csv refuses it with a located error


@dataclass(frozen=True)
class Inputs:
    """What a list of paths names: files to read, each with the manifest of the release directory
    it was found in, and paths that cannot be used."""

    files: list[Path]
    manifest_of: dict[Path, Path]
    manifests: list[Path]
    failures: list[Failure]
    unsearched: list[Path] = field(default_factory=list)  # subdirectories holding tables
    root_of: dict[Path, Path] = field(default_factory=dict)  # a file's release directory


STDIN = "-"


def expand_paths(paths: Iterable[Path], stdin_name: Path | None = None) -> Inputs:
    """Files to read (`-` is stdin, named `stdin_name` where given: then it belongs to the
    release that path lies in), with their release manifests, and the paths that cannot be
    read, each named with its real cause."""
    inputs = Inputs([], {}, [], [])
    for path in paths:
        if str(path) == STDIN:
            inputs.files.append(path)
            if stdin_name is not None:
                _release_of(stdin_name, inputs)
                for found in (inputs.manifest_of, inputs.root_of):
                    if stdin_name in found:
                        found[path] = found.pop(stdin_name)
        elif path.is_dir():
            _expand_directory(path, inputs)
        else:
            problem = describe_unreadable(path)
            if problem is None:
                inputs.files.append(path)
                _release_of(path, inputs)
            else:
                inputs.failures.append(Failure(problem, str(path)))
    return inputs


def _manifest_in(directory: Path, inputs: Inputs) -> Path | None:
    """The directory's release manifest, once per run; an unusable one is a failure."""
    named = [p for p in (directory / "manifest.yaml", directory / "manifest.yml")
             if os.path.lexists(p)]
    for unusable in (p for p in named if describe_unreadable(p) is not None):
        failure = Failure(f"release manifest: {describe_unreadable(unusable)}", str(unusable))
        if failure not in inputs.failures:
            inputs.failures.append(failure)
    manifest = next((p for p in named if describe_unreadable(p) is None), None)
    if manifest is not None and manifest not in inputs.manifests:
        inputs.manifests.append(manifest)
    return manifest


def _release_of(path: Path, inputs: Inputs) -> None:
    """A file given alone that sits in a release directory (one with a manifest) is read as
    part of that release: its manifest applies, and the directory is its root."""
    manifest = _manifest_in(path.parent, inputs)
    if manifest is not None:
        inputs.manifest_of[path] = manifest
        inputs.root_of[path] = path.parent


def _expand_directory(path: Path, inputs: Inputs) -> None:
    found = []
    for entry in sorted(path.iterdir()):
        if not is_table_file(entry):
            continue
        problem = describe_unreadable(entry)
        if problem is None:
            found.append(entry)
        elif not entry.is_dir():
            inputs.failures.append(Failure(problem, str(entry)))
    manifest = _manifest_in(path, inputs)
    if manifest is not None:
        inputs.manifest_of.update(dict.fromkeys(found, manifest))
    inputs.root_of.update(dict.fromkeys(found, path))
    below = [e.name for e in sorted(path.iterdir()) if e.is_dir() and not e.name.startswith(".")]
    if found:
        inputs.unsearched.extend(path / name for name in below if _holds_tables(path / name))
    else:
        hint = (f"; its subdirectories ({', '.join(below[:5])}{', ...' if len(below) > 5 else ''})"
                " are not searched: give each release directory as a path" if below else "")
        inputs.failures.append(Failure(
            f"directory holds no metadata tables ({', '.join(TABLE_SUFFIXES)}, "
            f"optionally .gz){hint}", str(path)))
    inputs.files.extend(found)


def _holds_tables(directory: Path) -> bool:
    try:
        return any(is_table_file(entry) for entry in directory.iterdir())
    except OSError:
        return False


def read_path(path: Path, delimiter: str | None = None, limit: int = DEFAULT_MAX_BYTES) -> Table:
    """Read a TSV/CSV (optionally gzip), Parquet or official protobuf file, or stdin (`-`);
    raise ReadError if it is no table."""
    try:
        if str(path) == STDIN:
            where = "<stdin>"
            raw = sys.stdin.buffer.read(limit + 1)
            if len(raw) > limit:
                raise ReadError(Failure(f"stdin holds more than the limit of {limit:,} bytes; "
                                        "raise it with --max-input-size", where))
            data = gunzip(raw, where, limit) if is_gzip(raw) else raw
        else:
            where = str(path)
            data = read_bytes(path, limit)
    except InputError as exc:
        raise ReadError(exc.failure) from None
    if data[:4] == b"PAR1":
        return _read_parquet(data, where)
    from trackmeta.io import proto

    name = path.name.lower()
    if proto.is_textproto(data) or name.endswith(proto.TEXT_SUFFIXES):
        return proto.read(data, where, text=True)
    if name.endswith((".binpb", ".pb")):
        return proto.read(data, where, text=False)
    return read_text(data, where, delimiter)


def _read_parquet(data: bytes, where: str) -> Table:
    import pandas as pd

    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except ImportError:
        raise ReadError(Failure(
            "reading Parquet needs pyarrow: pip install 'trackmeta[parquet]'", where)) from None
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise ReadError(Failure(f"not a readable Parquet file: {exc}", where)) from None
    return from_dataframe(frame, where)


_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"), (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
         (b"\xfe\xff", "UTF-16 (big-endian)"), (b"\xff\xfe", "UTF-16 (little-endian)"))


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32, by byte order mark or by the NUL pattern of ASCII text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return f"{name}, by its byte order mark"
    head = data[:4096]
    if len(head) >= 8:
        zeros = [head[i::4].count(0) / len(head[i::4]) for i in range(4)]
        if zeros[1] > 0.9 and zeros[2] > 0.9 and zeros[3] > 0.9:
            return "UTF-32 (little-endian), by its NUL pattern"
        if zeros[0] > 0.9 and zeros[1] > 0.9 and zeros[2] > 0.9:
            return "UTF-32 (big-endian), by its NUL pattern"
        even, odd = head[0::2].count(0) / len(head[0::2]), head[1::2].count(0) / len(head[1::2])
        if odd > 0.9 and even < 0.1:
            return "UTF-16 (little-endian), by its NUL pattern"
        if even > 0.9 and odd < 0.1:
            return "UTF-16 (big-endian), by its NUL pattern"
    return None


def _spreadsheet(data: bytes) -> str | None:
    """Excel's formats, by their signatures: a zip holding [Content_Types].xml (.xlsx, .ods's
    cousin) or an OLE2 compound file (.xls)."""
    if data.startswith(b"PK\x03\x04"):
        return ("a spreadsheet (.xlsx)" if b"[Content_Types].xml" in data[:4096] or b"xl/" in data
                else "a zip archive")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an Excel 97-2003 spreadsheet (.xls)"
    return None


def _decode(data: bytes, where: str) -> tuple[bytes, bool, bytes | None, list[Finding]]:
    """The file's body (less a byte order mark), checked to be UTF-8 text (decoded to check,
    the text not kept: the reader parses the bytes, and a million-row file's text is as large
    again); whether it is ASCII; and for an ASCII file, its bytes other than printable
    characters, tabs and line feeds (control characters, CRs and quotes: usually none), which
    answer the reader's questions about the file in one pass."""
    findings: list[Finding] = []
    spreadsheet = _spreadsheet(data)
    if spreadsheet is not None:
        raise ReadError(Failure(f"the file is {spreadsheet}, not a text table: export the sheet "
                                "as TSV (or CSV) and check that", where))
    wide = _wide_encoding(data)
    if wide is not None:
        raise ReadError(Failure(f"the file is {wide}; save it as UTF-8", where))
    odd = data.translate(None, _QUIET) if data.isascii() else None
    nul = data.find(b"\x00") if odd is None or b"\x00" in odd else -1
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        column = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        raise ReadError(Failure(
            f"NUL byte at line {line}, character {column}: not a text table (binary data, or a "
            "damaged file)", where, line=line))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        findings.append(rule("TM007").finding(
            "file starts with a UTF-8 byte order mark", line=1, value="\\ufeff"))
    if odd is not None or data.isascii():
        return data, True, odd, findings
    try:
        data.decode("utf-8")
        return data, False, None, findings
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ReadError(Failure(
            f"not UTF-8: byte 0x{data[exc.start]:02x} at line {line}, character {column}; "
            "save the file as UTF-8", where, line=line)) from None


def _sniff(header: str, where: str, delimiter: str | None) -> str:
    if delimiter is not None:
        if delimiter not in header:
            others = [d for d in _DELIMITERS if d != delimiter and d in header]
            if others:
                raise ReadError(Failure(
                    f"the header has no {delimiter!r} but has {others[0]!r}: "
                    f"is the delimiter {others[0]!r}? (--delimiter)", where, line=1))
        return delimiter
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else "\t"


def read_text(data: bytes, where: str, delimiter: str | None = None) -> Table:
    """Parse delimited text, keeping each record's physical line.

    Regular files (no quotes, one field per header column on every line, no huge field) take
    pandas' C parser; anything else takes the csv module, which locates every irregularity.
    """
    body, ascii_, odd, findings = _decode(data, where)  # checks the whole file is UTF-8
    lines_end = True if odd is not None and b"\r" not in odd else _no_lone_cr(body)
    # no quotes and no lone CR (where the C parser would end a line): the C parser reads the
    # bytes, with no second copy of a large file in memory
    unquoted = lines_end and b'"' not in (body if odd is None else odd)
    table = _read_text(body, unquoted, where, delimiter, findings)
    table.plain = (ascii_ and lines_end  # C-speed passes
                   and not (body.translate(None, _PRINTABLE) if odd is None
                            else odd.translate(None, b'\r"')))
    return table


_SMALL = 16 << 10  # a table this small is read faster by the csv module than by pandas' parser
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t\n\r"  # what a plain table holds
_QUIET = _PRINTABLE.translate(None, b'\r"')  # ... that asks no question of the reader
_SOMETHING = re.compile(rb"[^ \t\n\r\x0b\x0c\x1c-\x1f]")  # what str.isspace() is not, in ASCII


def _read_text(body: bytes, unquoted: bool, where: str, delimiter: str | None,
               findings: list[Finding]) -> Table:
    """`body` is UTF-8 (decoded where the csv module reads it); `unquoted`: it holds no quote,
    and every CR in it ends a line."""
    first = _SOMETHING.search(body)  # a non-ASCII character may be a space too: then decoded
    if first is None or (body[first.start()] >= 0x80 and body.decode("utf-8").isspace()):
        raise ReadError(Failure("file is empty: expected a header line and track rows", where))
    end = body.find(b"\n")
    if end < 0 and b"\r" in body.rstrip(b"\r"):
        raise ReadError(Failure("the lines of this file end with a carriage return alone (classic "
                                "Mac OS line ends), which no reader here splits: save it with "
                                "LF or CRLF line ends", where, line=1))
    header_line = (body if end < 0 else body[:end]).decode("utf-8").rstrip("\r")
    delim = _sniff(header_line, where, delimiter)
    if unquoted and len(body) > _SMALL:
        fast = _read_regular(body, header_line.split(delim), delim, where, findings)
        if fast is not None:
            return fast
    table = _read_irregular(body.decode("utf-8"), delim, where, findings)
    # unquoted, with every record one line of the header's width: each field is its cell
    table.exact = unquoted and not any(f.code == "TM004" for f in table.findings)
    return table


def _read_regular(
    data: bytes, header: list[str], delim: str, where: str, findings: list[Finding]
) -> Table | None:
    """The C parser's reading, or None when the file is not regular enough for it."""
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a ragged row: the csv module will locate it
            # object columns of str: pandas 3's str dtype would check every cell again, a
            # seventh of the parse on a million rows
            frame = pd.read_csv(io.BytesIO(data), sep=delim, dtype=object,
                                keep_default_na=False, encoding="utf-8",
                                na_filter=False, quoting=csv.QUOTE_NONE, skip_blank_lines=False,
                                engine="c", header=0, index_col=False)
    except (ValueError, pd.errors.ParserError):
        return None  # a row with too many fields, among others
    if list(frame.columns) != header:
        return None  # duplicate names were renamed: let csv report them
    # short rows are padded silently by the C parser: every line must hold exactly the header's
    # number of delimiters, which the total proves since no row has more
    if _count(data, ord(delim)) != (len(header) - 1) * (len(frame) + 1):
        return None
    if len(data) > _MAX_FIELD and _longest_line(data) > _MAX_FIELD:
        return None  # the csv module refuses the huge field with its line
    if not len(frame):
        findings.append(rule("TM006").finding("table has a header and no rows", line=1))
    frame.index = pd.RangeIndex(len(frame))
    lines = pd.Series(frame.index + 2, index=frame.index, dtype="int64")
    return Table(where, frame, lines, findings, exact=True)


def _count(data: bytes, byte: int) -> int:
    """How many times `byte` occurs: numpy's vectorised compare, a few MiB at a time, is three
    times bytes.count's loop on a large file."""
    import numpy as np

    window = 1 << 22
    values = np.frombuffer(data, dtype=np.uint8)
    return sum(int(np.count_nonzero(values[start:start + window] == byte))
               for start in range(0, len(values), window))


def _longest_line(data: bytes) -> int:
    """The longest line's length in bytes, or 0 when no line can exceed _MAX_FIELD: a longer
    line covers a whole aligned half-window with no line feed, and a search for a line feed
    stops at the first one, so most windows cost a few bytes."""
    half = _MAX_FIELD // 2
    if all(data.find(b"\n", start, start + half) >= 0
           for start in range(0, len(data) - half + 1, half)):
        return 0
    import numpy as np

    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    bounds = np.concatenate(([-1], ends, [len(data)]))
    return int(np.diff(bounds).max())


def _no_lone_cr(data: bytes) -> bool:
    """Every CR ends a line (CRLF): the C parser and the csv module then agree on lines."""
    if data.find(b"\r") < 0:
        return True  # the usual case, told by a search that stops at the first CR
    return data.count(b"\r") == data.count(b"\r\n")


def _read_irregular(text: str, delim: str, where: str, findings: list[Finding]) -> Table:
    """The csv module's reading: quotes, multi-line records, ragged rows, all located."""
    import pandas as pd

    csv.field_size_limit(_MAX_FIELD)
    parsed = lines_of.records(lines_of.physical(text), text, delim)
    records: list[list[str]] = []
    rows: list[int] = []
    lines: list[int] = []
    start, end = 1, 0
    try:
        _, end, header = next(parsed)
        width = len(header)
        start = end + 1
        blank: list[Finding] = []  # blank lines: findings only when a row follows them
        for row, (start, end, record) in enumerate(parsed):
            if len(record) == width:
                findings.extend(blank)
                blank.clear()
                records.append(record)
                rows.append(row)
                lines.append(start)
            else:
                empty = not any(field.strip() for field in record)
                what = "a blank line" if not record else f"{len(record)} fields"
                ragged = rule("TM004").finding(
                    f"row has {what}; the header has {width} columns; the row is not checked",
                    value=str(len(record)), expected=str(width), row=row, line=start)
                if empty:
                    blank.append(ragged)  # the blank lines editors leave at the end are none
                else:
                    findings.extend(blank)
                    blank.clear()
                    findings.append(ragged)
            start = end + 1
    except csv.Error as exc:
        last = text.count("\n") + 1
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            raise ReadError(Failure(
                f"unbalanced quote: the record that starts at line {start} opens a quoted field "
                f"that never closes (it runs to line {last}, the end of the file)",
                where, line=start)) from None
        raise ReadError(Failure(
            f"cannot parse the record at line {start}: {exc}", where, line=start)) from None
    keep, header_findings = dedupe_header(header)
    findings[:0] = header_findings
    if len(keep) < width:
        records = [[r[i] for i in keep] for r in records]
        header = [header[i] for i in keep]
    index = pd.Index(rows, dtype="int64")
    frame = pd.DataFrame(records, columns=header, dtype=str, index=index)
    if not rows and not any(f.code == "TM004" for f in findings):
        findings.append(rule("TM006").finding("table has a header and no rows", line=1))
    return Table(where, frame, pd.Series(lines, index=index, dtype="int64"), findings)
