"""Untrusted text, made safe for each place it is written to. Every renderer and every line
printed calls these; nothing read from an input (values, column names, file names, configuration
values, remembered paths, labels of a user's OBO, CURIEs from stdin) reaches a terminal, a CI
log, an XML document, a JSON document, a Markdown summary or a workflow command raw.

Escapes are visible and reversible: ESC becomes `\\x1b`, a byte of a non-UTF-8 file name `\\xff`.
What a CI log acts on is made inert the same way: an Azure logging command (`##vso[`, `##[`)
anywhere in a line, a GitHub workflow command (`::`) at its start.
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
    return not text.isascii() and _SURROGATE.search(text) is not None


def terminal(text: str) -> str:
    """One line for a terminal or a CI log: control characters (ESC, CR, newline, ...) shown
    escaped, tabs kept (they cannot drive a terminal, and separate columns), and nothing a CI
    log would run as a command."""
    return _inert(_TERMINAL.sub(lambda m: _code(m.group()), utf8(text)))


# Azure Pipelines runs `##vso[...]` and formats `##[...]` wherever they stand in a line; GitHub
# runs `::command::` at the start of a line
_AZURE_COMMAND = re.compile(r"##(?=vso\[|\[)", re.IGNORECASE)


def _inert(line: str) -> str:
    line = _AZURE_COMMAND.sub(r"#\\x23", line) if "##" in line else line
    stripped = line.lstrip()
    if stripped.startswith("::"):
        line = line[:len(line) - len(stripped)] + "\\x3a" + stripped[1:]
    return line


FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet cell a formula


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula (a plain number is a number, and a
    lone sign, such as the strand `-`, is text)."""
    if len(text) < 2 or not text.startswith(FORMULA_LEADERS):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def delimited(rows: Iterable[Sequence[str]], delimiter: str = "\t") -> str:
    """Rows of a delimited file made from input values: a value a spreadsheet would run as a
    formula gets a leading `'` (OWASP's CSV-injection advice), controls other than line breaks
    and tabs are shown escaped, and a value holding the delimiter, a quote or a line break is
    quoted: no value forges a row, a column or a formula."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow([_cell(str(value)) for value in row])
    return out.getvalue()


_CELL_CONTROLS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2066-\u2069{HIDDEN}]")


def _cell(value: str) -> str:
    value = _inert(_CELL_CONTROLS.sub(lambda m: _code(m.group()), utf8(value)))
    return "'" + value if starts_formula(value) else value


_JSON_UNSAFE = re.compile(r"##(?=vso\[|\[)|[\x7f-\x9f]", re.IGNORECASE)


def json_text(document: str) -> str:
    """A JSON document whose lines no CI log acts on: within its strings (the only place such
    characters can be), the `#` of an Azure command and the C1 controls become \\u escapes, which
    every JSON reader decodes back: the data stays exact."""
    if document.isascii() and "##" not in document and "\x7f" not in document:
        return document  # a large report's usual case, told without a scan by the pattern
    return _JSON_UNSAFE.sub(lambda m: "#\\u0023" if m.group().startswith("#")
                            else f"\\u{ord(m.group()):04x}", document)


def lines(text: str) -> str:
    """Text of several lines (our own line breaks), each made a safe line."""
    return "\n".join(terminal(line) for line in text.split("\n"))


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~@>])")


def markdown(text: str) -> str:
    """One line of Markdown text that renders as written: no link, image, mention, emphasis,
    table cell or HTML from a value."""
    return _MARKDOWN.sub(r"\\\1", terminal(text)).replace("<", "&lt;")


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
