"""The output type of each row: named exactly in an `output_type` column, or given for the whole
table (an option, or the file's name such as rna_seq.tsv), and served for the organism."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from trackmeta.findings import Failure, Finding, UsageError
from trackmeta.io.table import ReadError, Table, table_stem
from trackmeta.rules import rule
from trackmeta.specs.distinct import codes_of
from trackmeta.specs.model import Specs

if TYPE_CHECKING:
    import pandas as pd


def row_types(table: Table, default: str | None, specs: Specs, *, given: bool = False
              ) -> tuple[pd.Series, list[Finding]]:
    """The canonical output type of each row ('' where unknown or not served), with TM005 and
    TM009 findings. Values must name the type exactly (RNA_SEQ or OutputType.RNA_SEQ).
    A `given` default that an output_type column contradicts is a failure, never ignored."""
    import numpy as np
    import pandas as pd

    frame = table.frame
    if "output_type" not in frame:
        if default is None:
            raise ReadError(Failure(_untyped(table), table.path))
        if default not in specs.output_types:
            finding = dataclasses.replace(_type_finding(default, specs, 0), row=None, line=1)
            return pd.Series("", index=frame.index, dtype=object), [finding]
        return pd.Series(default, index=frame.index, dtype=object), []
    coded = codes_of(frame["output_type"])
    codes, written = coded.codes, coded.values
    names = [spec.name if (spec := specs.output_type(v)) else "" for v in written]
    types = pd.Series(np.asarray(names, dtype=object)[codes], index=frame.index, dtype=object)
    findings = []
    missing = [code for code, name in enumerate(names) if not name]  # judged per written value
    if missing:
        unknown = np.isin(codes, missing)
        for row, value in zip(frame.index[unknown], frame["output_type"][unknown], strict=True):
            findings.append(_type_finding(str(value), specs, int(row)))
    others = sorted({name for name in names if name} - {default})
    if given and others:
        raise ReadError(Failure(
            f"the output type given ({default}) contradicts the table's output_type column "
            f"({', '.join(others)}); the option is for tables without one", table.path))
    return types, findings


def _untyped(table: Table) -> str:
    if len(table.frame.columns) == 0:
        return "the table has no columns: there is nothing to check"
    how = ("pass output_type='RNA_SEQ' (or another output type)" if table.path.startswith("<")
           else "pass --output-type")
    return ("cannot tell the output type: the table has no output_type column, the file name "
            f"names no output type (e.g. rna_seq.tsv); {how}")


def _type_finding(value: str, specs: Specs, row: int) -> Finding:
    organism = specs.organism
    known = specs.known_output_types.get(value.removeprefix("OutputType."))
    if known is not None:
        return rule("TM009").finding(
            f"output type {known.name} is not served for {organism.name} ({organism.title})",
            column="output_type", value=value, expected=", ".join(specs.output_types), row=row)
    closest = specs.closest_output_type(value)
    hint = f"; did you mean {closest}?" if closest else ""
    return rule("TM005").finding(
        f"output_type {value!r} is not an output type name{hint}",
        column="output_type", value=value, expected=", ".join(specs.output_types),
        fix=closest if closest in specs.output_types else None, row=row)


def default_type(path: str, given: str | None, specs: Specs) -> str | None:
    if given is not None:
        spec = specs.output_type_named(given)
        if spec is None:
            raise UsageError(f"unknown output type {given!r}; choose from "
                             + ", ".join(specs.known_output_types))
        return spec.name
    inferred = specs.output_type_named(table_stem(Path(path)))
    return inferred.name if inferred else None
