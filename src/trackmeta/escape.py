"""Untrusted text, made safe for each place it is written to. Every renderer calls these; nothing
read from an input (values, column names, file names, labels of a user's OBO, CURIEs from stdin)
reaches a terminal, an XML document, a JSON document or a workflow command raw.

Escapes are visible and reversible: ESC becomes `\\x1b`, a byte of a non-UTF-8 file name `\\xff`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from trackmeta.characters import HIDDEN

# C0 and C1 controls, DEL, the bidirectional overrides that reorder what a reader sees, and the
# characters a reader cannot see (zero-width and no-break spaces, byte order marks, ...)
_TERMINAL = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2066-\u2069{HIDDEN}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# characters XML 1.0 forbids: everything outside #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000+
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _code(ch: str) -> str:
    point = ord(ch)
    if 0xDC80 <= point <= 0xDCFF:  # a byte that os.fsdecode could not decode (surrogateescape)
        return f"\\x{point - 0xDC00:02x}"
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def utf8(text: str) -> str:
    """Valid UTF-8 for JSON and SARIF: undecodable bytes of file names shown as `\\xNN`."""
    return _SURROGATE.sub(lambda m: _code(m.group()), text)


def needs_utf8(text: str) -> bool:
    """Whether `utf8` would change anything in `text`."""
    return _SURROGATE.search(text) is not None


def terminal(text: str) -> str:
    """One line for a terminal: control characters (ESC, CR, newline, ...) shown escaped; tabs
    stay, since they cannot drive a terminal and separate columns."""
    return _TERMINAL.sub(lambda m: _code(m.group()), utf8(text))


def xml(text: str) -> str:
    """Text that XML 1.0 can hold (the XML library escapes <, > and & itself)."""
    return _XML_FORBIDDEN.sub(lambda m: _code(m.group()), text)


def workflow(text: str, prop: bool = False) -> str:
    """A GitHub Actions workflow command's message (or property, with `prop`)."""
    text = terminal(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def azure(text: str, prop: bool = False) -> str:
    """An Azure Pipelines logging command's message (or property, with `prop`), as its
    documentation escapes them."""
    text = terminal(text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A"))
    return text.replace(";", "%3B").replace("]", "%5D") if prop else text


def html(text: str) -> str:
    """Text for an HTML element or a quoted attribute: markup characters as entities, controls
    shown escaped."""
    import html as markup

    return markup.escape(terminal(text), quote=True)


def html_table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain HTML table of text, every cell escaped: the notebook views of small results."""
    cells = "".join("<tr>" + "".join(f"<td>{html(str(c))}</td>" for c in row) + "</tr>"
                    for row in rows)
    names = "".join(f"<th>{html(h)}</th>" for h in head)
    return f"<table><thead><tr>{names}</tr></thead><tbody>{cells}</tbody></table>"


def deep(value: Any, clean: Callable[[str], str]) -> Any:
    """`value` (JSON-like: dicts, lists, strings) with every string, keys too, cleaned."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {deep(k, clean): deep(v, clean) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [deep(v, clean) for v in value]
    return value
