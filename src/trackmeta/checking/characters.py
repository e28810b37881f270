"""Invisible and look-alike characters in any cell (TM012): found, named and, where certain,
cleaned. A table whose distinct values hold none, the usual case, costs one scan of their text;
a value that holds one is judged once and placed on its rows through the column's codes."""

from __future__ import annotations

from collections.abc import Iterator

from trackmeta import characters
from trackmeta.findings import Finding
from trackmeta.rules import rule
from trackmeta.specs.distinct import Distinct
from trackmeta.specs.model import Specs

TEXT_KINDS = ("text",)  # free text: only invisible characters and odd spaces are cleaned
CODE_COLUMNS = ("transcription_factor", "histone_mark")  # text, but written as codes


def character_findings(distinct: Distinct, specs: Specs) -> Iterator[Finding]:
    for column in distinct.frame.columns:
        coded = distinct.column(str(column))
        values = coded.values.tolist()
        definition = specs.columns.get(str(column))
        code = column in CODE_COLUMNS or (definition is not None
                                          and definition.kind not in TEXT_KINDS)
        joined = "\n".join(values)
        if not characters.SCREEN.search(joined) and (joined.isascii() or not code):
            continue
        found: dict[int, Finding] = {}
        for at, value in enumerate(values):
            suspicious = characters.suspicious(value, code)
            if not suspicious:
                continue
            fix = characters.cleaned(value, code)
            names = ", ".join(characters.name_of(c) for c in suspicious)
            found[at] = rule("TM012").finding(
                f"{column} '{characters.shown(value, code)}' holds {names}, which a reader cannot "
                "see or cannot tell from another character"
                + ("" if fix is not None else "; no certain cleaning: retype the value"),
                column=str(column), value=value, expected=fix, fix=fix)
        for at, positions in coded.rows_of(list(found)):
            for row in distinct.rows[positions].tolist():
                yield found[at].at_row(row)
