"""The JSON report's text: what `json.dumps(document, indent=2, ensure_ascii=False)` writes, byte
for byte, in about half the time on a report with tens of thousands of findings (the standard
library's indenting encoder is pure Python; here each string goes through its C encoder and each
record's lines are joined once).

Untrusted text is made valid UTF-8 by `escape.utf8`; a document that needs it (an undecodable
byte in a file name) is rare, so it is found by one scan of the text and then made the slow way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from trackmeta import escape


@dataclass(frozen=True)
class Records:
    """A list of objects that all have these keys in this order (a report's findings): written
    as json.dumps writes the list of dicts, without making the dicts."""

    keys: tuple[str, ...]
    rows: Sequence[Sequence[Any]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Record:
    """One object of these keys in this order (a finding's track): written as json.dumps
    writes the dict, without making it."""

    keys: tuple[str, ...]
    values: Sequence[Any]


def dumps(document: Any) -> str:
    text = _encode(document, "", {})
    if escape.needs_utf8(text):
        text = json.dumps(escape.deep(_plain(document), escape.utf8), indent=2,
                          ensure_ascii=False)
    return escape.json_text(text)


def _plain(value: Any) -> Any:
    if isinstance(value, Records):
        return [{k: _plain(v) for k, v in row.items()} for row in value.dicts()]
    if isinstance(value, Record):
        return dict(zip(value.keys, value.values, strict=True))
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
    if kind is Record:
        return _object(value, pad, keys)
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
    if not records.rows:
        return "[]"
    inner = pad + "  "
    field = inner + "  "
    leads = [f"{field}{encode_basestring(key)}: " for key in records.keys]
    close = "\n" + inner + "}"
    return "[\n" + ",\n".join([
        inner + "{\n" + ",\n".join([
            lead + (encode_basestring(item) if type(item) is str else "null" if item is None
                    else int.__repr__(item) if type(item) is int else _encode(item, field, keys))
            for lead, item in zip(leads, row, strict=True)]) + close
        for row in records.rows]) + "\n" + pad + "]"


def _object(record: Record, pad: str, keys: dict[tuple[str, type, Any], str]) -> str:
    inner = pad + "  "
    parts = []
    for key, item in zip(record.keys, record.values, strict=True):
        lead = keys.get((inner, str, key))
        if lead is None:
            lead = keys[(inner, str, key)] = f"{inner}{encode_basestring(key)}: "
        parts.append(lead + (encode_basestring(item) if type(item) is str
                             else _encode(item, inner, keys)))
    return "{\n" + ",\n".join(parts) + "\n" + pad + "}"


def _scalar(value: Any) -> str:
    """A value that is no container, as json.dumps writes it."""
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False)
