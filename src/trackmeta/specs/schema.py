"""Compile the output type specs into one pandera DataFrameSchema per table and turn its lazy
failure cases into findings.

The schema covers every output type present in the table: each check sees a whole column and the
row's output type, and judges distinct (type, value) pairs once. Each pandera check is named by its
rule code, so a failure case row (column, check, failure_case, index) maps straight to a finding.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from trackmeta.findings import Finding
from trackmeta.rules import rule
from trackmeta.specs.curie import curie_problem
from trackmeta.specs.distinct import by_distinct
from trackmeta.specs.model import ColumnDef, ColumnUse, Specs

ALWAYS_ALLOWED = ("units", "resolution")  # may accompany any output type
Explanation = tuple[str, str | None, str | None]  # message, expected, fix


@dataclass(frozen=True)
class _Check:
    """One rule on one column: a vectorised verdict, and how to word a failure."""

    code: str
    verdict: Callable[[pd.Series], pd.Series]
    explain: Callable[[str, str], Explanation]  # (value, output type) -> explanation


@dataclass(frozen=True)
class CompiledSchema:
    schema: pa.DataFrameSchema
    checks: Mapping[tuple[str, str], _Check]
    types: pd.Series
    required_by: Mapping[str, tuple[str, ...]]


class _Stripped:
    """A column's stripped values, computed once for all of that column's checks (pandera hands
    each check its own Series object, so identity is checked on the values' index)."""

    def __init__(self) -> None:
        self._last: pd.Series | None = None

    def __call__(self, s: pd.Series) -> pd.Series:
        if self._last is None or not self._last.index.equals(s.index):
            self._last = s.str.strip()
        return self._last


def parse_resolution(text: str) -> int | None:
    match = re.fullmatch(r"\s*(\d+)\s*(bp)?\s*", str(text), flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def _positive(text: str) -> bool:
    try:
        number = float(text)
    except ValueError:
        return False
    return math.isfinite(number) and number > 0


def _closest(value: str, allowed: tuple[str, ...]) -> str | None:
    stripped = value.strip()
    folded = {a.lower(): a for a in allowed}
    if stripped.lower() in folded:
        return folded[stripped.lower()]
    close = difflib.get_close_matches(stripped, allowed, n=1, cutoff=0.75)
    return close[0] if close else None


def _column_checks(
    col: ColumnDef,
    uses: Mapping[str, ColumnUse | None],
    types: pd.Series,
    groups: Mapping[str, np.ndarray],
    specs: Specs,
) -> Iterator[_Check]:
    name = col.name
    who = specs.organism.name  # allowed values and forbidden columns differ by organism
    _stripped = _Stripped()

    def _per_type(judge: Callable[[str, str], bool]) -> Callable[[pd.Series], pd.Series]:
        """A verdict per output type over its rows' distinct stripped values."""

        def verdict(s: pd.Series) -> pd.Series:
            stripped = _stripped(s)
            passed = np.ones(len(s), dtype=bool)
            for otype, positions in groups.items():
                if otype in uses:
                    judged = by_distinct(stripped.iloc[positions], functools.partial(judge, otype))
                    passed[positions] = judged.to_numpy()
            return pd.Series(passed, index=s.index)

        return verdict

    def _per_value(judge: Callable[[str], bool]) -> Callable[[pd.Series], pd.Series]:
        return lambda s: by_distinct(_stripped(s), lambda v: v == "" or judge(v))

    yield _Check("TM104", lambda s: s == _stripped(s),
                 lambda v, t: (f"{name} {v!r} has leading or trailing whitespace", None, v.strip()))
    required = {t for t, use in uses.items() if use is not None and use.required}
    forbidden = {t for t, use in uses.items() if use is None}
    if required:
        yield _Check("TM101", lambda s: (_stripped(s) != "") | ~types.isin(required).to_numpy(),
                     lambda v, t: (f"{name} is empty; {t} requires it", "a value", None))
    if forbidden:
        yield _Check("TM102", lambda s: (_stripped(s) == "") | ~types.isin(forbidden).to_numpy(),
                     lambda v, t: (f"{name} is {v!r}, but {who} {t} tracks have no {name}", "empty", ""))
    allowed = {t: use.values for t, use in uses.items() if use is not None and use.values}
    if allowed and col.kind in ("enum", "text"):
        yield _Check(
            "TM103",
            _per_type(lambda t, v: v == "" or t not in allowed or v in allowed[t]),
            lambda v, t: (f"{name} {v!r} is not allowed for {who} {t}", "one of: " + ", ".join(allowed[t]),
                          _closest(v, allowed[t])))
    if allowed and col.kind == "enum_list":
        sep = col.separator or ","
        yield _Check(
            "TM103",
            _per_type(lambda t, v: v == "" or t not in allowed
                      or set(v.split(sep)) <= set(allowed[t])),
            lambda v, t: (f"{name} {v!r} is not a {sep!r}-separated list of values allowed for {who} {t}",
                          f"items from: {', '.join(allowed[t])}", None))
    if col.pattern is not None:
        pattern = re.compile(col.pattern)
        yield _Check("TM106", _per_value(lambda v: pattern.fullmatch(v) is not None),
                     lambda v, t: (f"{name} {v!r} does not have the required form", col.pattern, None))
    if col.kind == "positive_number":
        yield _Check("TM105", _per_value(_positive),
                     lambda v, t: (f"{name} {v!r} is not a finite positive number",
                                   "a finite number > 0", None))
    if col.kind == "curie":
        for code in ("TM201", "TM202", "TM203"):
            yield _curie_check(code, name, specs, _per_value)
    if col.kind == "units":
        units = {t: specs.output_types[t].units for t in uses}
        yield _Check("TM401", _per_type(lambda t, v: v in ("", units[t])),
                     lambda v, t: (f"units {v!r} differ from {t}'s units (Table 1)",
                                   units[t], units[t]))
    if col.kind == "resolution":
        bp = {t: specs.output_types[t].resolution_bp for t in uses}
        yield _Check("TM402", _per_type(lambda t, v: v == "" or parse_resolution(v) == bp[t]),
                     lambda v, t: (f"resolution {v!r} differs from {t}'s resolution (Table 1)",
                                   f"{bp[t]}bp", f"{bp[t]}bp"))


def _curie_check(
    code: str, column: str, specs: Specs,
    per_value: Callable[[Callable[[str], bool]], Callable[[pd.Series], pd.Series]],
) -> _Check:
    def passes(value: str) -> bool:
        problem = curie_problem(value, specs.ontologies)
        return problem is None or problem.code != code

    def explain(value: str, _: str) -> Explanation:
        problem = curie_problem(value.strip(), specs.ontologies)
        assert problem is not None
        return f"{column}: {problem.message}", problem.expected, problem.fix

    return _Check(code, per_value(passes), explain)


def compile_schema(specs: Specs, types: pd.Series) -> CompiledSchema:
    """One pandera schema for the table whose rows have these output types (in row order)."""
    groups = {str(t): np.asarray(positions)
              for t, positions in types.groupby(types, sort=True).indices.items()}
    present = sorted(set(groups) - {""})
    columns: dict[str, pa.Column] = {}
    checks: dict[tuple[str, str], _Check] = {}
    required_by: dict[str, tuple[str, ...]] = {}
    for name, col in specs.columns.items():
        if col.kind == "output_type":
            continue  # resolved by the engine before the schema is built
        uses: dict[str, ColumnUse | None] = {}
        for otype in present:
            use = specs.output_types[otype].columns.get(name)
            if use is None and name in ALWAYS_ALLOWED:
                use = ColumnUse(col, required=False, values=None)
            uses[otype] = use
        column_checks = list(_column_checks(col, uses, types, groups, specs))
        for check in column_checks:
            checks[(name, check.code)] = check
        required_by[name] = tuple(t for t, use in uses.items() if use is not None and use.required)
        columns[name] = pa.Column(
            checks=[pa.Check(c.verdict, name=c.code, ignore_na=False) for c in column_checks],
            required=bool(required_by[name]),
            nullable=True,
        )
    return CompiledSchema(pa.DataFrameSchema(columns, strict=False), checks, types, required_by)


def run_schema(compiled: CompiledSchema, frame: pd.DataFrame) -> Iterator[Finding]:
    """Validate lazily; one finding per failure case (the engine fills in path and line)."""
    try:
        compiled.schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        for column, check, value, index in zip(
            cases["column"], cases["check"], cases["failure_case"], cases["index"], strict=True
        ):
            if check == "column_in_dataframe":
                needing = ", ".join(compiled.required_by[str(value)])
                yield rule("TM001").finding(
                    f"column {value!r} is required for {needing} and missing",
                    column=str(value), line=1)
                continue
            row = int(index)
            how = compiled.checks[(str(column), str(check))]
            message, expected, fix = how.explain(str(value), str(compiled.types.loc[row]))
            yield rule(str(check)).finding(
                message, column=str(column), value=str(value), expected=expected, fix=fix, row=row)
