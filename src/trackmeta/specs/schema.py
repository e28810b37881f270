"""Compile the output type specs into one pandera DataFrameSchema per table and turn its lazy
failure cases into findings.

The schema covers every output type present in the table. pandera validates, per column, the
distinct (output type, value) pairs of the table, not its rows: each check judges a pair once, and
each failure case (check, failure_case, index) is mapped back through the column's codes to every
row that holds the pair. Each pandera check is named by its rule code.
"""

from __future__ import annotations

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
from trackmeta.specs.distinct import Distinct
from trackmeta.specs.model import ColumnDef, ColumnUse, Specs, parse_resolution
from trackmeta.words import did_you_mean

ALWAYS_ALLOWED = ("units", "resolution")  # may accompany any output type
Explanation = tuple[str, str | None, str | None]  # message, expected, fix


Verdict = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class _Check:
    """One rule on one column: a verdict over distinct (output type, value) pairs, and how to
    word a failure."""

    code: str
    verdict: Verdict  # (values, stripped values, their output types; arrays) -> passes
    explain: Callable[[str, str], Explanation]  # (value, output type) -> explanation


@dataclass
class CompiledSchema:
    """Per column, its checks and which output types require it; the one pandera schema that
    runs them; and what each (output type, value) pair was judged, remembered for the run's
    later tables: a release of many small files validates each distinct pair once."""

    checks: Mapping[str, tuple[_Check, ...]]
    required_by: Mapping[str, tuple[str, ...]]
    required: pa.DataFrameSchema  # the columns some present output type requires
    schema: pa.DataFrameSchema
    pairs: _Pairs
    known: dict[str, dict[tuple[str, str], tuple[Finding, ...]]]


def _positive(text: str) -> bool:
    try:
        number = float(text)
    except ValueError:
        return False
    return math.isfinite(number) and number > 0


def _same_but_case(value: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed value `value` is but for case and surrounding spaces: a certain fix."""
    folded = {a.lower(): a for a in allowed}
    return folded.get(value.strip().lower())


def _not_allowed(name: str, value: str, who: str, otype: str, allowed: tuple[str, ...]
                 ) -> Explanation:
    meant = _same_but_case(value, allowed)
    hint = "" if meant is not None else did_you_mean(value.strip(), allowed)
    return (f"{name} {value!r} is not allowed for {who} {otype}{hint}",
            "one of: " + ", ".join(allowed), meant)


def _judged(judge: Callable[[str, str], bool]) -> Verdict:
    """A verdict per pair from a judge of (output type, stripped value)."""
    return lambda raw, stripped, types: np.fromiter(
        (judge(t, v) for t, v in zip(types.tolist(), stripped.tolist(), strict=True)),
        dtype=bool, count=len(stripped))


def _of_types(judge: Callable[[str, str], bool], chosen: set[str]) -> Verdict:
    """A verdict per pair from a judge of (output type, stripped value) that applies to the
    chosen output types alone: the other pairs pass unjudged (a column of a million distinct
    names, of which one output type restricts the values, costs a call per pair of that type)."""
    judged = _judged(judge)

    def verdict(raw: np.ndarray, stripped: np.ndarray, types: np.ndarray) -> np.ndarray:
        passed = np.ones(len(stripped), dtype=bool)
        at = np.flatnonzero(_among(types, chosen))
        passed[at] = judged(raw[at], stripped[at], types[at])
        return passed
    return verdict


def _per_value(judge: Callable[[str], bool]) -> Verdict:
    """Empty values pass; the others are judged by their stripped value alone."""
    return _judged(lambda t, v: v == "" or judge(v))


def _column_checks(col: ColumnDef, uses: Mapping[str, ColumnUse | None], specs: Specs
                   ) -> Iterator[_Check]:
    name = col.name
    who = specs.organism.name  # allowed values and forbidden columns differ by organism
    yield _Check("TM104", lambda raw, stripped, types: raw == stripped,
                 lambda v, t: (f"{name} {v!r} has leading or trailing whitespace", None, v.strip()))
    required = {t for t, use in uses.items() if use is not None and use.required}
    forbidden = {t for t, use in uses.items() if use is None}
    if required:
        yield _Check("TM101", lambda raw, stripped, types: (
                         (stripped != "") | ~_among(types, required)),
                     lambda v, t: (f"{name} is empty; {t} requires it", "a value", None))
    if forbidden:
        yield _Check("TM102", lambda raw, stripped, types: (
                         (stripped == "") | ~_among(types, forbidden)),
                     lambda v, t: (f"{name} is {v!r}, but {who} {t} tracks have no {name}", "empty",
                                   None))  # emptying a cell loses what it holds: a person's call
    allowed = {t: use.values for t, use in uses.items() if use is not None and use.values}
    if allowed and col.kind in ("enum", "text"):
        yield _Check(
            "TM103",
            _of_types(lambda t, v: v == "" or v in allowed[t], set(allowed)),
            lambda v, t: _not_allowed(name, v, who, t, allowed[t]))
    if allowed and col.kind == "enum_list":
        sep = col.separator or ","
        yield _Check(
            "TM103",
            _of_types(lambda t, v: v == "" or set(v.split(sep)) <= set(allowed[t]),
                      set(allowed)),
            lambda v, t: (f"{name} {v!r} is not a {sep!r}-separated list of values allowed for {who} {t}",
                          f"items from: {', '.join(allowed[t])}", None))
    if col.pattern is not None:
        pattern = re.compile(col.pattern)
        yield _Check("TM106", _per_value(lambda v: pattern.fullmatch(v) is not None),
                     lambda v, t: (f"{name} {v!r} does not have the required form", col.pattern, None))
    if col.kind == "positive_number":
        yield _Check("TM105", _positive_numbers,
                     lambda v, t: (f"{name} {v!r} is not a finite positive number",
                                   "a finite number > 0", None))
    if col.kind == "curie":
        for code in ("TM201", "TM202", "TM203"):
            yield _curie_check(code, name, specs)
    if col.kind == "units":
        units = {t: specs.output_types[t].units for t in uses}
        yield _Check("TM401", _of_types(lambda t, v: v in ("", units[t]), set(uses)),
                     lambda v, t: (f"units {v!r} differ from {t}'s units (Table 1)",
                                   units[t], units[t]))
    if col.kind == "resolution":
        bp = {t: specs.output_types[t].resolution_bp for t in uses}
        yield _Check("TM402", _of_types(lambda t, v: v == "" or parse_resolution(v) == bp[t],
                                        set(uses)),
                     lambda v, t: (f"resolution {v!r} differs from {t}'s resolution (Table 1)",
                                   f"{bp[t]}bp", f"{bp[t]}bp"))


def _among(types: np.ndarray, chosen: set[str]) -> np.ndarray:
    """Which pairs' output types are among `chosen`: by hashing (numpy's isin sorts object
    arrays, slow on a column of a million distinct values)."""
    return pd.Series(types, dtype=object, copy=False).isin(chosen).to_numpy()


def _positive_numbers(raw: np.ndarray, stripped: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Empty, or a finite number > 0: parsed in C, and by Python's float() where C declines
    (underscores, other digits), so the verdict is float()'s."""
    numbers = pd.to_numeric(pd.Series(stripped, dtype=object), errors="coerce").to_numpy(float)
    passed: np.ndarray = np.isfinite(numbers) & (numbers > 0)
    for i in np.flatnonzero(np.isnan(numbers)).tolist():
        passed[i] = stripped[i] == "" or _positive(stripped[i])
    return passed


def _curie_check(code: str, column: str, specs: Specs) -> _Check:
    def passes(value: str) -> bool:
        problem = curie_problem(value, specs.ontologies)
        return problem is None or problem.code != code

    def explain(value: str, _: str) -> Explanation:
        problem = curie_problem(value.strip(), specs.ontologies)
        assert problem is not None
        return f"{column}: {problem.message}", problem.expected, problem.fix

    return _Check(code, _per_value(passes), explain)


_COMPILED: dict[tuple[int, tuple[str, ...]], tuple[Specs, CompiledSchema]] = {}


def compile_schema(specs: Specs, present: tuple[str, ...]) -> CompiledSchema:
    """The checks of every column for a table holding these output types, compiled once per
    specs (an organism's view) and set of output types in a process."""
    key = (id(specs), present)
    if key not in _COMPILED:  # the specs are kept beside it, so their id stays theirs
        _COMPILED[key] = (specs, _compile(specs, present))
    return _COMPILED[key][1]


def _compile(specs: Specs, present: tuple[str, ...]) -> CompiledSchema:
    checks: dict[str, tuple[_Check, ...]] = {}
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
        checks[name] = tuple(_column_checks(col, uses, specs))
        required_by[name] = tuple(t for t, use in uses.items() if use is not None and use.required)
    required = pa.DataFrameSchema({name: pa.Column(required=True, nullable=True)
                                   for name, needing in required_by.items() if needing})
    pairs = _Pairs()
    schema = pa.DataFrameSchema({name: pa.Column(checks=[
        pa.Check(functools.partial(pairs.verdict, name, c.verdict), name=c.code, ignore_na=False)
        for c in column_checks], required=False, nullable=True)
        for name, column_checks in checks.items() if column_checks})
    return CompiledSchema(checks, required_by, required, schema, pairs,
                          {name: {} for name in checks})


_REMEMBERED = 10_000  # a column of more distinct pairs than this is judged without remembering
_TOGETHER = 4_096  # new pairs per column up to which every column is validated in one call

Pairs = tuple[np.ndarray, np.ndarray]  # output types and values of some distinct pairs


def run_schema(compiled: CompiledSchema, distinct: Distinct) -> Iterator[Finding]:
    """Validate the distinct (output type, value) pairs of each column with pandera, lazily,
    and place each failure on the rows holding its pair (the engine fills in path and line).
    Pairs an earlier table of the run had are not validated again (a release of many small
    files); a column of many pairs is judged as arrays, unremembered. Rows of an unknown output
    type ('') are not judged."""
    frame = distinct.frame
    try:
        if any(needing and column not in frame for column, needing in compiled.required_by.items()):
            compiled.required.validate(frame.head(0), lazy=True)  # pandera names what is missing
    except SchemaErrors as errors:
        for value in errors.failure_cases["failure_case"]:
            needing = ", ".join(compiled.required_by[str(value)])
            yield rule("TM001").finding(f"column {value!r} is required for {needing} and missing",
                                        column=str(value), line=1)
    columns = [c for c, checks in compiled.checks.items() if c in frame and checks]
    coded = {c: distinct.tuples([c], typed=True) for c in columns}
    pending: dict[str, np.ndarray] = {}  # column -> the codes of its pairs to validate
    for column in columns:
        types, values = coded[column].parts
        judged = np.flatnonzero(types != "")
        if len(types) <= _REMEMBERED:
            known = compiled.known[column]
            judged = np.asarray([c for c in judged.tolist() if (types[c], values[c]) not in known],
                                dtype=np.intp)
        if len(judged):
            pending[column] = judged
    failed = _validate(compiled, {c: (coded[c].parts[0][codes], coded[c].parts[1][codes])
                                  for c, codes in pending.items()})
    for column in columns:
        types, values = coded[column].parts
        found = {int(pending[column][at]): templates
                 for at, templates in failed.get(column, {}).items()} if column in pending else {}
        if len(types) <= _REMEMBERED:
            known = compiled.known[column]
            for code in pending.get(column, np.empty(0, dtype=np.intp)).tolist():
                known[(types[code], values[code])] = found.get(code, ())
            found = {code: known[(t, v)] for code, (t, v) in enumerate(zip(
                types.tolist(), values.tolist(), strict=True)) if t != "" and known.get((t, v))}
        for code, positions in coded[column].rows_of(sorted(found)):
            for template in found[code]:
                for row in distinct.rows[positions].tolist():
                    yield template.at_row(row)


def _validate(compiled: CompiledSchema, pending: Mapping[str, Pairs]
              ) -> dict[str, dict[int, tuple[Finding, ...]]]:
    """The finding templates of the pairs that fail, by their place in `pending`: few pairs in
    one pandera call over every column (the shorter ones padded with a pair that is not
    judged), many a call per column, so no column is copied to the length of the longest."""
    if not pending:
        return {}
    if max(len(types) for types, _ in pending.values()) <= _TOGETHER:
        return _failures(compiled, pending)
    found: dict[str, dict[int, tuple[Finding, ...]]] = {}
    for column, pairs in pending.items():
        found.update(_failures(compiled, {column: pairs}))
    return found


def _failures(compiled: CompiledSchema, pending: Mapping[str, Pairs]
              ) -> dict[str, dict[int, tuple[Finding, ...]]]:
    height = max(len(types) for types, _ in pending.values())
    compiled.pairs.load(pending)
    frame = pd.DataFrame({column: np.concatenate(
        [values, np.full(height - len(values), values[0], dtype=object)])
        for column, (_, values) in pending.items()}, dtype=object)  # as given, not re-inferred
    found: dict[str, dict[int, list[Finding]]] = {column: {} for column in pending}
    try:
        compiled.schema.validate(frame, lazy=True, inplace=True)  # a frame of our own: no copy
    except SchemaErrors as errors:
        cases = errors.failure_cases
        for column, code, value, index in zip(cases["column"], cases["check"],
                                              cases["failure_case"], cases["index"], strict=True):
            types, _ = pending[str(column)]
            position = int(index)
            if position >= len(types):
                continue  # padding: never a pair of this column
            check = next(c for c in compiled.checks[str(column)] if c.code == code)
            message, expected, fix = check.explain(str(value), types[position])
            found[str(column)].setdefault(position, []).append(rule(str(code)).finding(
                message, column=str(column), value=str(value), expected=expected, fix=fix))
    finally:
        compiled.pairs.load({})
    return {column: {at: tuple(t) for at, t in judged.items()} for column, judged in found.items()}


def _stripped(values: np.ndarray) -> np.ndarray:
    """Each value without surrounding white space, as an object array."""
    stripped = np.empty(len(values), dtype=object)
    stripped[:] = list(map(str.strip, values.tolist()))  # a table's values are text
    return stripped


class _Pairs:
    """The pairs each column's checks judge in the current pandera call. pandera deep-copies a
    schema's checks; this holder is read, never copied, so a copy is the object itself."""

    def __init__(self) -> None:
        self._columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def load(self, pending: Mapping[str, Pairs]) -> None:
        self._columns = {column: (values, _stripped(values), types)
                         for column, (types, values) in pending.items()}

    def __deepcopy__(self, memo: dict[int, object]) -> _Pairs:
        return self

    def verdict(self, column: str, verdict: Verdict, values: pd.Series) -> pd.Series:
        raw, stripped, types = self._columns[column]
        passed = np.ones(len(values), dtype=bool)  # the padding passes
        passed[:len(raw)] = verdict(raw, stripped, types)
        return pd.Series(passed, index=values.index)
