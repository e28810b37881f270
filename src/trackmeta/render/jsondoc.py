"""The JSON report's text: what `json.dumps(document, indent=2, ensure_ascii=False)` writes, byte
for byte, in about half the time on a report with tens of thousands of findings (the standard
library's indenting encoder is pure Python; here each string goes through its C encoder and each
record's lines are joined once).

Untrusted text is made valid UTF-8 by `escape.utf8`; a document that needs it (an undecodable
byte in a file name) is rare, so it is found by one scan of the text and then made the slow way.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from trackmeta import escape


def dumps(document: Any) -> str:
    text = _encode(document, "", {})
    if escape.needs_utf8(text):
        return json.dumps(escape.deep(document, escape.utf8), indent=2, ensure_ascii=False)
    return text


def _encode(value: Any, pad: str, keys: dict[tuple[str, str], str]) -> str:
    kind = type(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = pad + "  "
        parts = []
        for key, item in value.items():
            lead = keys.get((inner, key))
            if lead is None:
                named = key if isinstance(key, str) else json.dumps(key)  # as json names keys
                lead = keys[(inner, key)] = f"{inner}{encode_basestring(named)}: "
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
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = pad + "  "
        return ("[\n" + ",\n".join([
            inner + (int.__repr__(item) if type(item) is int else encode_basestring(item)
                     if type(item) is str else _encode(item, inner, keys)) for item in value])
                + "\n" + pad + "]")
    return _scalar(value)


def _scalar(value: Any) -> str:
    """A value that is no container, as json.dumps writes it."""
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False)
