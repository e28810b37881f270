"""The check pipeline: read -> output types -> schema checks -> cross-column -> release -> Report."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackmeta.checking.edits import reconcile
from trackmeta.checking.report import Report
from trackmeta.findings import Failure, Finding, Severity
from trackmeta.identity import track_at
from trackmeta.io.readers import expand_paths, read_path
from trackmeta.io.table import ReadError, Table, drop_padding, from_dataframe, table_stem
from trackmeta.limits import DEFAULT_MAX_BYTES
from trackmeta.rules import RuleSelection, rule
from trackmeta.specs.model import Specs, default_specs

if TYPE_CHECKING:
    import pandas as pd

    from trackmeta.checking.ontology import OntologyJudge

EXPECTATIONS = ("table1",)
ONTOLOGY_RULES = ("TM204", "TM205", "TM206", "TM207", "TM208", "TM209", "TM210", "TM211")


class UsageError(ValueError):
    """The call itself is wrong (unknown output type, bad option): exit 2."""


def row_types(table: Table, default: str | None, specs: Specs) -> tuple[pd.Series, list[Finding]]:
    """The canonical output type of each row ('' where unknown or not served), with TM005 and
    TM009 findings. Values must name the type exactly (RNA_SEQ or OutputType.RNA_SEQ)."""
    import pandas as pd

    frame = table.frame
    if "output_type" not in frame:
        if default is None:
            raise ReadError(Failure(
                "cannot tell the output type: the table has no output_type column, the file "
                "name names no output type (e.g. rna_seq.tsv); pass --output-type", table.path))
        if default not in specs.output_types:
            finding = dataclasses.replace(_type_finding(default, specs, 0), row=None, line=1)
            return pd.Series("", index=frame.index, dtype=object), [finding]
        return pd.Series(default, index=frame.index, dtype=object), []
    distinct = {v: specs.output_type(v) for v in frame["output_type"].unique()}
    types = frame["output_type"].map({v: s.name if s else "" for v, s in distinct.items()})
    findings = []
    unknown = types == ""
    for row, value in zip(frame.index[unknown], frame["output_type"][unknown], strict=True):
        findings.append(_type_finding(str(value), specs, int(row)))
    return types, findings


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


def _unknown_columns(table: Table, specs: Specs) -> Iterable[Finding]:
    for position, column in enumerate(table.frame.columns, 1):
        if not str(column).strip():
            yield rule("TM010").finding(
                f"column {position} of the header has no name"
                + (" (a delimiter at the end of the line?)"
                   if position == len(table.frame.columns) else ""),
                column=str(column), value=str(column), line=1)
        elif column not in specs.columns:
            yield rule("TM002").finding(
                f"column {column!r} is not defined by any output type spec",
                column=str(column), value=str(column), line=1)


def _check_table(
    table: Table, types: pd.Series, specs: Specs, judge: OntologyJudge | None
) -> Iterable[Finding]:
    from trackmeta.checking.cross_column import name_curie_mismatch, pairing_mismatch
    from trackmeta.checking.ontology import ontology_findings
    from trackmeta.specs.schema import compile_schema, run_schema

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


def _locate(finding: Finding, table: Table, types: pd.Series, organism: str) -> Finding:
    """The engine fills in where a check's finding is: path, line and track."""
    line, track, span = finding.line, finding.track, finding.span
    if finding.row is not None:
        if line is None:
            line = table.line_of(finding.row)
        if track is None:
            track = track_at(table.frame, types, organism, finding.row)
        if span is None and finding.column is not None:
            span = table.span_of(finding.row, finding.column)
    return dataclasses.replace(finding, path=finding.path or table.path, line=line, track=track,
                               span=span)


def _adjusted(findings: Iterable[Finding], severity: Mapping[str, str],
              per_file_ignores: Mapping[str, Sequence[str]]) -> list[Finding]:
    """Findings with the configured severities, less those a per-file ignore names."""
    from trackmeta.settings import globs_match

    levels = {code.upper(): Severity.parse(level) for code, level in severity.items()}
    out = []
    for f in findings:
        if f.path is not None and any(
                f.code.startswith(tuple(c.upper() for c in codes))
                and globs_match(f.path, [glob]) for glob, codes in per_file_ignores.items()):
            continue
        level = levels.get(f.code)
        out.append(f if level is None or level == f.severity
                   else dataclasses.replace(f, severity=level))
    return out


def _sort_key(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.path or "", f.line or 0, f.row if f.row is not None else -1, f.code, f.column or "")


def check(
    source: str | Path | pd.DataFrame | Sequence[str | Path] | Any,
    *,
    output_type: str | None = None,
    organism: Any = None,
    delimiter: str | None = None,
    select: Sequence[str] = ("TM",),
    ignore: Sequence[str] = (),
    expect: str | None = None,
    fail_on: str | None = "error",
    ontologies: Mapping[str, str | Path] | None = None,
    severity: Mapping[str, str] | None = None,
    per_file_ignores: Mapping[str, Sequence[str]] | None = None,
    baseline: str | Path | None = None,
    specs: Specs | None = None,
    max_input_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Validate metadata (paths, a release directory, a DataFrame or the AlphaGenome SDK's
    OutputMetadata) and return a Report.

    `organism` (`human`, `mouse`, or the SDK's `Organism`) is the organism of every input; without
    it, a release manifest's `organism:`, an official file named for its organism, or the
    default (human, as in the SDK). Bad metadata becomes findings; inputs that cannot be read
    become failures (exit code 2). `ontologies` maps a prefix to a release file read with pronto
    (OBO, OWL, OBO-JSON) instead of the bundled release. `severity` overrides rules' severities
    (code -> error/warning/info); `per_file_ignores` maps a glob to the codes not reported for
    files it matches; `baseline` (a file made by `trackmeta baseline`) leaves out the findings
    it records. A file (or stdin, `-`) of more than
    `max_input_bytes`, after decompression, is a failure. `progress(step, done, total)` is told
    of each step.
    """
    tell = progress or (lambda step, done, total: None)
    import pandas as pd

    from trackmeta.checking.cross_column import duplicate_tracks
    from trackmeta.checking.ontology import OntologyJudge
    from trackmeta.checking.release import Count, Manifest, table1_findings
    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs import organism as organisms

    base = specs or default_specs()
    recorded = None
    if baseline is not None:
        from trackmeta.checking import baseline as baselines

        try:
            recorded = baselines.load(Path(baseline))
        except baselines.BaselineError as exc:
            raise UsageError(str(exc)) from None
    try:
        declared = organisms.find(organism, base) if organism is not None else None
    except organisms.OrganismError as exc:
        raise UsageError(str(exc)) from None
    selection = RuleSelection(tuple(select), tuple(ignore))
    if expect is not None and expect not in EXPECTATIONS:
        raise UsageError(f"unknown expectation {expect!r}; choose from {', '.join(EXPECTATIONS)}")
    threshold = None if fail_on in (None, "never") else Severity.parse(str(fail_on))
    resolver = Resolver(base, {k: Path(v) for k, v in (ontologies or {}).items()})
    judging = any(selection.enabled(code) for code in ONTOLOGY_RULES)
    judges: dict[str, OntologyJudge] = {}

    failures: list[Failure] = []
    findings: list[Finding] = []
    tables: list[tuple[Table, pd.Series, Specs]] = []
    manifests: dict[Path, Manifest] = {}

    from trackmeta.io import sdk

    if isinstance(source, pd.DataFrame):
        loaded: list[tuple[Table, Path | None]] = [(from_dataframe(source), None)]
    elif sdk.is_output_metadata(source):
        loaded = [(sdk.from_output_metadata(source), None)]
    else:
        paths = [source] if isinstance(source, (str, Path)) else list(source)
        inputs = expand_paths(Path(p) for p in paths)
        failures.extend(inputs.failures)
        for path in inputs.manifests:
            manifest = Manifest.read(path, base)
            manifests[path] = manifest
            findings.extend(manifest.findings)
            failures.extend(manifest.failures)
        loaded = []
        for number, path in enumerate(inputs.files):
            tell(f"reading {path.name}", number, 2 * len(inputs.files) + 1)
            try:
                loaded.append((read_path(path, delimiter, max_input_bytes),
                               inputs.manifest_of.get(path)))
            except ReadError as exc:
                failures.append(exc.failure)
    for number, (read, manifest_path) in enumerate(loaded):
        table = drop_padding(read)
        stated = manifests[manifest_path].organism if manifest_path is not None else None
        chosen = (declared or stated or organisms.stated_by_file(table.path, base)
                  or base.organism)
        tspecs = base.for_organism(chosen.name)
        tell(f"checking {Path(table.path).name} ({len(table.frame):,} rows)",
             len(loaded) + number, 2 * len(loaded) + 1)
        try:
            types, type_findings = row_types(
                table, default_type(table.path, output_type, tspecs), tspecs)
        except ReadError as exc:
            failures.append(exc.failure)
            continue
        tables.append((table, types, tspecs))
        if judging and chosen.name not in judges:
            judges[chosen.name] = OntologyJudge(tspecs, resolver)
        raw = [*table.findings, *type_findings, *organisms.mismatch(table.frame, tspecs),
               *_check_table(table, types, tspecs, judges.get(chosen.name))]
        findings.extend(_locate(f, table, types, chosen.name) for f in reconcile(raw))

    tell("release checks", 2 * len(loaded), 2 * len(loaded) + 1)
    by_path = {t.path: (t, types, tspecs.organism.name) for t, types, tspecs in tables}
    for table_path, finding in duplicate_tracks(
        [(t.path, t.frame, types, tspecs.organism.name) for t, types, tspecs in tables],
        {t.path: t.lines for t, _, _ in tables},
    ):
        findings.append(_locate(finding, *by_path[table_path]))

    tracks_by_type: Counter[str] = Counter()
    biosamples: dict[str, set[str]] = {name: set() for name in base.known_output_types}
    rows = 0
    for table, types, _ in tables:
        rows += len(table.frame)
        for otype, count in types[types != ""].value_counts().items():
            tracks_by_type[str(otype)] += (int(count)
                                           * base.known_output_types[str(otype)].tracks_per_row)
        if "ontology_curie" in table.frame:
            for otype, curies in table.frame.groupby(types)["ontology_curie"]:
                if otype != "":
                    biosamples[str(otype)].update(c for c in curies.unique() if c.strip())

    counts: tuple[Count, ...] | None = None
    if expect == "table1":
        without = sorted({t.organism.name for _, _, t in tables if not t.organism.table1})
        if without:
            raise UsageError(f"there is no published Table 1 for {', '.join(without)}: "
                             "--expect table1 compares human metadata only")
        counts = tuple(
            Count(s.name, tracks_by_type.get(s.name, 0), len(biosamples[s.name]),
                  s.table1_tracks, s.table1_biosamples)
            for s in base.output_types.values()
        )
        findings.extend(table1_findings(list(counts)))

    kept = _adjusted(selection.filter(findings), severity or {}, per_file_ignores or {})
    applied = None
    if recorded is not None:
        applied = baselines.apply(kept, recorded, Path(str(baseline)).resolve().parent,
                                  [t.path for t, _ in loaded])
        kept = list(applied.findings)
    return Report(
        findings=tuple(sorted(kept, key=_sort_key)),
        baseline=None if applied is None else str(baseline),
        baselined=0 if applied is None else applied.baselined,
        fixed=() if applied is None else applied.fixed,
        failures=tuple(failures),
        files=tuple(t.path for t, _ in loaded),
        organisms={t.path: tspecs.organism.name for t, _, tspecs in tables},
        rows=rows,
        skipped=sum(t.skipped for t, _, _ in tables),
        tracks=sum(tracks_by_type.values()),
        tracks_by_type=dict(sorted(tracks_by_type.items())),
        counts=counts,
        fail_on=threshold,
        schemas=tuple(
            {"output_type": s.name, "file": s.path.name, "sha256": s.sha256}
            for s in base.known_output_types.values()
        ),
        ontologies=tuple(resolver.releases()),
    )
