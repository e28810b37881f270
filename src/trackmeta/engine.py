"""The check pipeline: read -> output types -> schema checks -> cross-column -> release -> Report."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackmeta.findings import Failure, Finding, Severity
from trackmeta.readers import ReadError, Table, expand_paths, from_dataframe, read_path, table_stem
from trackmeta.report import Report
from trackmeta.rules import RuleSelection, rule
from trackmeta.specs import Specs, default_specs

if TYPE_CHECKING:
    import pandas as pd

    from trackmeta.checks.ontology import OntologyJudge

EXPECTATIONS = ("table1",)
ONTOLOGY_RULES = ("TM204", "TM205", "TM206", "TM207", "TM208", "TM209", "TM210", "TM211")


class UsageError(ValueError):
    """The call itself is wrong (unknown output type, bad option): exit 2."""


def _row_types(table: Table, default: str | None, specs: Specs) -> tuple[pd.Series, list[Finding]]:
    """The canonical output type of each row ('' where unknown), with TM005 findings."""
    import pandas as pd

    frame = table.frame
    if "output_type" not in frame:
        if default is None:
            raise ReadError(Failure(
                "cannot tell the output type: the table has no output_type column, the file "
                "name names no output type (e.g. rna_seq.tsv); pass --output-type", table.path))
        return pd.Series(default, index=frame.index, dtype=object), []
    distinct = {v: specs.output_type(v) for v in frame["output_type"].unique()}
    types = frame["output_type"].map({v: s.name if s else "" for v, s in distinct.items()})
    findings = [
        rule("TM005").finding(
            f"output_type {value!r} is not a known output type",
            column="output_type", value=str(value),
            expected=", ".join(specs.output_types), row=int(row))
        for row, value in zip(frame.index[types == ""], frame["output_type"][types == ""],
                              strict=True)
    ]
    return types, findings


def _default_type(path: str, given: str | None, specs: Specs) -> str | None:
    if given is not None:
        spec = specs.output_type(given)
        if spec is None:
            raise UsageError(f"unknown output type {given!r}; choose from "
                             + ", ".join(specs.output_types))
        return spec.name
    inferred = specs.output_type(table_stem(Path(path)))
    return inferred.name if inferred else None


def _unknown_columns(table: Table, specs: Specs) -> Iterable[Finding]:
    for column in table.frame.columns:
        if column not in specs.columns:
            yield rule("TM002").finding(
                f"column {column!r} is not defined by any output type spec",
                column=str(column), value=str(column), line=1)


def _check_table(
    table: Table, types: pd.Series, specs: Specs, judge: OntologyJudge | None
) -> Iterable[Finding]:
    from trackmeta.checks.cross_column import name_curie_mismatch, pairing_mismatch
    from trackmeta.checks.ontology import ontology_findings
    from trackmeta.schema import compile_schema, run_schema

    yield from _unknown_columns(table, specs)
    known = types != ""
    if known.any():
        if known.all():
            yield from run_schema(compile_schema(specs, types), table.frame)
        else:
            yield from run_schema(compile_schema(specs, types[known]), table.frame[known])
    yield from name_curie_mismatch(table.frame, specs)
    yield from pairing_mismatch(table.frame, types, specs)
    if judge is not None:
        yield from ontology_findings(table.frame, types, judge)


def _locate(finding: Finding, table: Table) -> Finding:
    line = finding.line
    if line is None and finding.row is not None:
        line = table.line_of(finding.row)
    return dataclasses.replace(finding, path=finding.path or table.path, line=line)


def _sort_key(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.path or "", f.line or 0, f.row if f.row is not None else -1, f.code, f.column or "")


def check(
    source: str | Path | pd.DataFrame | Sequence[str | Path] | Any,
    *,
    output_type: str | None = None,
    delimiter: str | None = None,
    select: Sequence[str] = ("TM",),
    ignore: Sequence[str] = (),
    expect: str | None = None,
    fail_on: str | None = "error",
    ontologies: Mapping[str, str | Path] | None = None,
    specs: Specs | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Validate metadata (paths, a release directory, a DataFrame or the AlphaGenome SDK's
    OutputMetadata) and return a Report.

    Bad metadata becomes findings; inputs that cannot be read become failures (exit code 2).
    `ontologies` maps a prefix to a release file read with pronto (OBO, OWL, OBO-JSON) instead of
    the bundled release. `progress(step, done, total)` is told of each step.
    """
    tell = progress or (lambda step, done, total: None)
    import pandas as pd

    from trackmeta.checks.cross_column import duplicate_tracks
    from trackmeta.checks.ontology import OntologyJudge
    from trackmeta.checks.release import Count, manifest_findings, table1_findings
    from trackmeta.ontology.resolver import Resolver

    specs = specs or default_specs()
    selection = RuleSelection(tuple(select), tuple(ignore))
    if expect is not None and expect not in EXPECTATIONS:
        raise UsageError(f"unknown expectation {expect!r}; choose from {', '.join(EXPECTATIONS)}")
    threshold = None if fail_on in (None, "never") else Severity.parse(str(fail_on))
    resolver = Resolver(specs, {k: Path(v) for k, v in (ontologies or {}).items()})
    judge = (OntologyJudge(specs, resolver)
             if any(selection.enabled(code) for code in ONTOLOGY_RULES) else None)

    failures: list[Failure] = []
    findings: list[Finding] = []
    tables: list[tuple[Table, pd.Series]] = []
    manifests: list[Path] = []

    from trackmeta import sdk

    if isinstance(source, pd.DataFrame):
        loaded: list[Table] = [from_dataframe(source)]
    elif sdk.is_output_metadata(source):
        loaded = [sdk.from_output_metadata(source)]
    else:
        paths = [source] if isinstance(source, (str, Path)) else list(source)
        files, manifests, failures = expand_paths(Path(p) for p in paths)
        loaded = []
        for number, path in enumerate(files):
            tell(f"reading {path.name}", number, 2 * len(files) + 1)
            try:
                loaded.append(read_path(path, delimiter))
            except ReadError as exc:
                failures.append(exc.failure)
    for number, table in enumerate(loaded):
        tell(f"checking {Path(table.path).name} ({len(table.frame):,} rows)",
             len(loaded) + number, 2 * len(loaded) + 1)
        try:
            types, type_findings = _row_types(
                table, _default_type(table.path, output_type, specs), specs)
        except ReadError as exc:
            failures.append(exc.failure)
            continue
        tables.append((table, types))
        raw = [*table.findings, *type_findings, *_check_table(table, types, specs, judge)]
        findings.extend(_locate(f, table) for f in raw)

    tell("release checks", 2 * len(loaded), 2 * len(loaded) + 1)
    by_path = {t.path: t for t, _ in tables}
    for table_path, finding in duplicate_tracks(
        [(t.path, t.frame, types) for t, types in tables],
        {t.path: t.lines for t, _ in tables},
    ):
        findings.append(_locate(finding, by_path[table_path]))
    for manifest in manifests:
        found, broken = manifest_findings(manifest, specs)
        findings.extend(found)
        failures.extend(broken)

    tracks_by_type: Counter[str] = Counter()
    biosamples: dict[str, set[str]] = {name: set() for name in specs.output_types}
    rows = 0
    for table, types in tables:
        rows += len(table.frame)
        for otype, count in types[types != ""].value_counts().items():
            tracks_by_type[str(otype)] += int(count) * specs.output_types[str(otype)].tracks_per_row
        if "ontology_curie" in table.frame:
            for otype, curies in table.frame.groupby(types)["ontology_curie"]:
                if otype != "":
                    biosamples[str(otype)].update(c for c in curies.unique() if c.strip())

    counts: tuple[Count, ...] | None = None
    if expect == "table1":
        counts = tuple(
            Count(s.name, tracks_by_type.get(s.name, 0), len(biosamples[s.name]),
                  s.table1_tracks, s.table1_biosamples)
            for s in specs.output_types.values()
        )
        findings.extend(table1_findings(list(counts)))

    return Report(
        findings=tuple(sorted(selection.filter(findings), key=_sort_key)),
        failures=tuple(failures),
        files=tuple(t.path for t in loaded),
        rows=rows,
        tracks=sum(tracks_by_type.values()),
        tracks_by_type=dict(sorted(tracks_by_type.items())),
        counts=counts,
        fail_on=threshold,
        schemas=tuple(
            {"output_type": s.name, "file": s.path.name, "sha256": s.sha256}
            for s in specs.output_types.values()
        ),
        ontologies=tuple(resolver.releases()),
    )
