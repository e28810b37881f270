"""Invisible and look-alike characters in any cell (TM012): found, named and, where certain,
cleaned. A table whose distinct values hold none, the usual case, costs one scan of their text."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pandas as pd

from trackmeta import characters
from trackmeta.findings import Finding
from trackmeta.rules import rule
from trackmeta.specs.model import Specs

TEXT_KINDS = ("text",)  # free text: only invisible characters and odd spaces are cleaned
CODE_COLUMNS = ("transcription_factor", "histone_mark")  # text, but written as codes


def character_findings(frame: pd.DataFrame, specs: Specs) -> Iterator[Finding]:
    for column in frame.columns:
        values = frame[column]
        distinct = [str(v) for v in pd.unique(values)]
        definition = specs.columns.get(str(column))
        code = column in CODE_COLUMNS or (definition is not None
                                          and definition.kind not in TEXT_KINDS)
        joined = "\n".join(distinct)
        if not characters.SCREEN.search(joined) and (joined.isascii() or not code):
            continue
        for value in distinct:
            found = characters.suspicious(value, code)
            if not found:
                continue
            fix = characters.cleaned(value, code)
            names = ", ".join(characters.name_of(c) for c in found)
            template = rule("TM012").finding(
                f"{column} '{characters.shown(value, code)}' holds {names}, which a reader cannot "
                "see or cannot tell from another character"
                + ("" if fix is not None else "; no certain cleaning: retype the value"),
                column=str(column), value=value, expected=fix, fix=fix)
            for row in values.index[values == value]:
                yield dataclasses.replace(template, row=int(row))
