"""Compile an output type spec into a pandera DataFrameSchema and turn its lazy failure cases
into findings. Each pandera check is named by its rule code, so a failure case row
(column, check, failure_case, index) maps straight to a finding (column, code, value, row)."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from trackmeta.curie import curie_problem
from trackmeta.distinct import by_distinct
from trackmeta.findings import Finding
from trackmeta.rules import rule
from trackmeta.specs import ColumnDef, ColumnUse, OutputTypeSpec, Specs

_ALWAYS_ALLOWED = ("units", "resolution")  # may accompany any output type


@dataclass(frozen=True)
class _Explain:
    """How to word a failed check: value -> (message, expected, fix)."""

    explain: Callable[[str], tuple[str, str | None, str | None]]


@dataclass(frozen=True)
class CompiledSchema:
    spec: OutputTypeSpec
    schema: pa.DataFrameSchema
    explain: dict[tuple[str, str], _Explain]


def _stripped(s: pd.Series) -> pd.Series:
    return s.str.strip()


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


def _value_checks(
    spec: OutputTypeSpec, use: ColumnUse, specs: Specs
) -> Iterator[tuple[pa.Check, _Explain]]:
    """The checks on a column's (stripped, non-empty) values, by the column's kind."""
    col: ColumnDef = use.column
    otype = spec.name
    allowed = use.values
    if col.kind in ("enum", "text") and allowed is not None:
        allowed_set = frozenset(allowed)
        yield (
            pa.Check(lambda s: by_distinct(_stripped(s), lambda v: v == "" or v in allowed_set),
                     name="TM103"),
            _Explain(lambda v: (f"{col.name} {v!r} is not allowed for {otype}",
                                "one of: " + ", ".join(allowed), _closest(v, allowed))),
        )
    if col.kind == "enum_list" and allowed is not None:
        allowed_set = frozenset(allowed)
        sep = col.separator or ","
        yield (
            pa.Check(lambda s: by_distinct(
                _stripped(s), lambda v: v == "" or set(v.split(sep)) <= allowed_set),
                name="TM103"),
            _Explain(lambda v: (
                f"{col.name} {v!r} is not a {sep!r}-separated list of allowed values for {otype}",
                f"items from: {', '.join(allowed)}", None)),
        )
    if col.pattern is not None:
        pattern = re.compile(col.pattern)
        yield (
            pa.Check(lambda s: by_distinct(
                _stripped(s), lambda v: v == "" or pattern.fullmatch(v) is not None),
                name="TM106"),
            _Explain(lambda v: (f"{col.name} {v!r} does not have the required form",
                                col.pattern, None)),
        )
    if col.kind == "positive_number":
        yield (
            pa.Check(lambda s: by_distinct(_stripped(s), lambda v: v == "" or _positive(v)),
                     name="TM105"),
            _Explain(lambda v: (f"{col.name} {v!r} is not a finite positive number",
                                "a finite number > 0", None)),
        )
    if col.kind == "curie":
        for code in ("TM201", "TM202", "TM203"):
            yield _curie_check(code, col.name, specs)
    if col.kind == "units":
        yield (
            pa.Check(lambda s: by_distinct(_stripped(s), lambda v: v in ("", spec.units)),
                     name="TM401"),
            _Explain(lambda v: (f"units {v!r} differ from {otype}'s units (Table 1)",
                                spec.units, spec.units)),
        )
    if col.kind == "resolution":
        want = spec.resolution_bp
        yield (
            pa.Check(lambda s: by_distinct(
                _stripped(s), lambda v: v == "" or parse_resolution(v) == want), name="TM402"),
            _Explain(lambda v: (f"resolution {v!r} differs from {otype}'s resolution (Table 1)",
                                f"{want}bp", f"{want}bp")),
        )


def _curie_check(code: str, column: str, specs: Specs) -> tuple[pa.Check, _Explain]:
    def passes(value: str) -> bool:
        problem = curie_problem(value, specs.ontologies) if value else None
        return problem is None or problem.code != code

    def explain(value: str) -> tuple[str, str | None, str | None]:
        problem = curie_problem(value.strip(), specs.ontologies)
        assert problem is not None
        return f"{column}: {problem.message}", problem.expected, problem.fix

    return (pa.Check(lambda s: by_distinct(_stripped(s), passes), name=code), _Explain(explain))


def _presence_checks(
    column: str, otype: str, use: ColumnUse | None
) -> Iterator[tuple[pa.Check, _Explain]]:
    """Whitespace on every column; non-empty where required; empty where the type has no use."""
    yield (
        pa.Check(lambda s: s == _stripped(s), name="TM104"),
        _Explain(lambda v: (f"{column} {v!r} has leading or trailing whitespace", None, v.strip())),
    )
    if use is None:
        yield (
            pa.Check(lambda s: _stripped(s) == "", name="TM102"),
            _Explain(lambda v: (f"{column} is {v!r}, but {otype} tracks have no {column}", "empty", "")),
        )
    elif use.required:
        yield (
            pa.Check(lambda s: _stripped(s) != "", name="TM101"),
            _Explain(lambda v: (f"{column} is empty; {otype} requires it", "a value", None)),
        )


def compile_schema(spec: OutputTypeSpec, specs: Specs) -> CompiledSchema:
    """One pandera schema per output type, over every column that columns.yaml defines."""
    columns: dict[str, pa.Column] = {}
    explain: dict[tuple[str, str], _Explain] = {}
    otype = spec.name
    for name, col in specs.columns.items():
        if col.kind == "output_type":
            continue  # resolved by the engine before a spec is chosen
        use = spec.columns.get(name)
        if use is None and name in _ALWAYS_ALLOWED:
            use = ColumnUse(col, required=False, values=None)
        checks = list(_presence_checks(name, otype, use))
        if use is not None:
            checks.extend(_value_checks(spec, use, specs))
        for check, how in checks:
            explain[(name, str(check.name))] = how
        columns[name] = pa.Column(
            checks=[check for check, _ in checks],
            required=use is not None and use.required,
            nullable=True,
        )
    schema = pa.DataFrameSchema(columns, strict=False, name=otype)
    return CompiledSchema(spec, schema, explain)


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
                yield rule("TM001").finding(
                    f"column {value!r} is required for {compiled.spec.name} and missing",
                    column=str(value), line=1)
                continue
            how = compiled.explain[(str(column), str(check))]
            message, expected, fix = how.explain(str(value))
            yield rule(str(check)).finding(
                message, column=str(column), value=str(value), expected=expected, fix=fix,
                row=int(index))
