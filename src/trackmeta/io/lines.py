"""What every part of trackmeta means by line N: a line ends at a line feed ("\\r\\n" is one line
end), and at nothing else. Not at a lone carriage return, a form feed, U+0085 or U+2028, where
`str.splitlines` would split and the csv module would stop: a character inside a cell never moves
a finding, or an edit, to another line. Such characters stay in the value, where TM012 names them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

_LONE_CR = re.compile("\r(?!\n)")


def physical(text: str) -> list[str]:
    """The lines of `text`, each with its line end."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    return [*out, lines[-1]] if lines[-1] else out


def _sentinel(text: str) -> str:
    """A character the text does not hold (a Unicode noncharacter), to carry a lone carriage
    return through the csv module, which ends a record there."""
    return next(chr(c) for c in range(0xFDD0, 0xFDF0) if chr(c) not in text)


def records(lines: Iterable[str], text: str, delimiter: str, strict: bool = True
            ) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of each record, lines numbered from 1 as in `lines`: a
    quoted field may span lines, a lone carriage return stays in its field. `text` is the whole
    text the lines come from (to pick a placeholder it does not hold)."""
    held = _sentinel(text) if "\r" in text else ""
    source = (_LONE_CR.sub(held, line) for line in lines) if held else iter(lines)
    reader = csv.reader(source, delimiter=delimiter, strict=strict)
    start = 1
    for fields in reader:
        yield start, reader.line_num, [f.replace(held, "\r") for f in fields] if held else fields
        start = reader.line_num + 1
