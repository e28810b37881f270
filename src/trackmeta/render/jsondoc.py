"""The JSON report's text: what `json.dumps(document, indent=2, ensure_ascii=False)` writes, byte
for byte, in about half the time on a report with tens of thousands of findings (the standard
library's indenting encoder is pure Python; here each string goes through its C encoder and each
record's lines are joined once).

Untrusted text is made valid UTF-8 by `escape.utf8`; a document that needs it (an undecodable
byte in a file name) is rare, so it is found by one scan of the text and then made the slow way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from json.encoder import encode_basestring
from typing import Any

from trackmeta import escape


@dataclass(frozen=True)
class Records:
    """A list of objects that all have these keys in this order (a report's findings): written
    as json.dumps writes the list of dicts, without making the dicts. A field named in `shapes`
    holds tuples (or None) written as objects of those keys (a finding's track)."""

    keys: tuple[str, ...]
    rows: Sequence[Sequence[Any]]
    shapes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def dicts(self) -> list[dict[str, Any]]:
        shaped = [self.shapes.get(key) for key in self.keys]
        return [{key: value if shape is None or value is None
                 else dict(zip(shape, value, strict=True))
                 for key, shape, value in zip(self.keys, shaped, row, strict=True)}
                for row in self.rows]


def dumps(document: Any) -> str:
    text = _encode(document, "", {})
    if escape.needs_utf8(text):
        text = json.dumps(escape.deep(_plain(document), escape.utf8), indent=2,
                          ensure_ascii=False)
    return escape.json_text(text)


def _plain(value: Any) -> Any:
    if isinstance(value, Records):
        return value.dicts()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _encode(value: Any, pad: str, keys: dict[tuple[str, type, Any], str]) -> str:
    kind = type(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = pad + "  "
        parts = []
        for key, item in value.items():
            lead = keys.get((inner, type(key), key))  # 0 and False are equal keys, not one name
            if lead is None:
                named = key if isinstance(key, str) else json.dumps(key)  # as json names keys
                lead = keys[(inner, type(key), key)] = f"{inner}{encode_basestring(named)}: "
            kind = type(item)
            if kind is str:
                parts.append(lead + encode_basestring(item))
            elif item is None:
                parts.append(lead + "null")
            elif kind is int:
                parts.append(lead + int.__repr__(item))
            else:
                parts.append(lead + _encode(item, inner, keys))
        return "{\n" + ",\n".join(parts) + "\n" + pad + "}"
    if kind is Records:
        return _records(value, pad, keys)
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = pad + "  "
        return ("[\n" + ",\n".join([
            inner + (int.__repr__(item) if type(item) is int else encode_basestring(item)
                     if type(item) is str else _encode(item, inner, keys)) for item in value])
                + "\n" + pad + "]")
    return _scalar(value)


def _records(records: Records, pad: str, keys: dict[tuple[str, type, Any], str]) -> str:
    """Column by column: each column of scalars goes through the C encoder in one call, and
    each record is its values put into the one text all records share (a C-level map); only
    the other values (a track, a span) are encoded one by one."""
    if not records.rows:
        return "[]"
    field = pad + "    "
    columns = [_column(column, field, keys) if records.shapes.get(key) is None
               else _objects(column, records.shapes[key], field, keys)
               for key, column in zip(records.keys, zip(*records.rows, strict=True), strict=True)]
    record = pad + "  " + _object_text(records.keys, pad + "  ")
    return "[\n" + ",\n".join(map(record.__mod__, zip(*columns, strict=True))) + "\n" + pad + "]"


def _object_text(keys: Sequence[str], pad: str) -> str:
    """An object of these keys as written at `pad` (from its opening brace), each value a `%s`
    to fill in: one text for every record, filled by a C-level map."""
    return ("{\n" + ",\n".join(f"{pad}  {encode_basestring(key).replace('%', '%%')}: %s"
                                for key in keys) + "\n" + pad + "}")


_SCALARS = frozenset({str, int, float, bool, type(None)})
_APART = "\x00"  # never in the encoder's output: it writes a NUL in a string as \u0000


def _column(column: Sequence[Any], pad: str, keys: dict[tuple[str, type, Any], str]
            ) -> list[str]:
    """Each value of a column written at `pad`: scalars in one call of the C encoder, objects
    of one shape (a finding's track) and lists of scalars (its span) by their columns."""
    kinds = set(map(type, column))
    if kinds <= {str, type(None)}:  # a value repeats on every row it is found on: each
        distinct = list(dict.fromkeys(column))  # distinct text is encoded once
        return list(map(dict(zip(distinct, _scalars(distinct), strict=True)).__getitem__, column))
    if kinds <= _SCALARS:  # not by value: 1, 1.0 and True are one key of a dict
        return _scalars(column)
    present = [item for item in column if item is not None]
    inner = pad + "  "
    if (kinds <= {list, type(None)} and all(_SCALARS.issuperset(map(type, item))
                                            for item in present) and all(present)):
        flat = iter(_scalars([value for item in present for value in item]))
        texts: dict[int, str] = {}
        for item in present:
            if len(item) not in texts:
                texts[len(item)] = ("[\n" + ",\n".join([inner + "%s"] * len(item)) + "\n"
                                    + pad + "]")
        return ["null" if item is None else texts[len(item)] % tuple(islice(flat, len(item)))
                for item in column]
    return [_encode(item, pad, keys) for item in column]


def _objects(column: Sequence[Sequence[Any] | None], shape: tuple[str, ...], pad: str,
             keys: dict[tuple[str, type, Any], str]) -> list[str]:
    """Tuples (or None) written as objects of these keys, by their columns."""
    present = [item for item in column if item is not None]
    if not present:
        return ["null"] * len(column)
    parts = [_column(part, pad + "  ", keys) for part in zip(*present, strict=True)]
    bodies = iter(map(_object_text(shape, pad).__mod__, zip(*parts, strict=True)))
    return ["null" if item is None else next(bodies) for item in column]


def _scalars(column: Sequence[Any]) -> list[str]:
    """Each value as json.dumps writes it, from one call of the C encoder: the column is
    written as one list whose items are set apart by a NUL."""
    return json.dumps(list(column), ensure_ascii=False,
                      separators=(_APART, ":"))[1:-1].split(_APART)


def _scalar(value: Any) -> str:
    """A value that is no container, as json.dumps writes it."""
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False)
