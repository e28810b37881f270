"""The check pipeline: read -> output types -> schema checks -> cross-column -> release -> Report.

`check` runs named steps, each a small function: settle the options, load the inputs, check each
table, check across tables, count, compare with Table 1, and make the Report.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackmeta.checking.edits import reconcile
from trackmeta.checking.locate import Locator
from trackmeta.checking.output_types import default_type, row_types
from trackmeta.checking.report import Report
from trackmeta.findings import Failure, Finding, Severity, UsageError, paths_argument
from trackmeta.io.readers import expand_paths, read_path
from trackmeta.io.table import ReadError, Table, drop_padding, from_dataframe
from trackmeta.limits import DEFAULT_MAX_BYTES
from trackmeta.rules import RuleSelection, rule
from trackmeta.specs.distinct import Distinct
from trackmeta.specs.model import OrganismSpec, Specs, default_specs

if TYPE_CHECKING:
    import pandas as pd

    from trackmeta.checking.baseline import Key
    from trackmeta.checking.ontology import OntologyJudge
    from trackmeta.checking.release import Count, Manifest
    from trackmeta.ontology.resolver import Resolver
    from trackmeta.ontology.vocabulary import Vocabularies

EXPECTATIONS = ("table1",)
ONTOLOGY_RULES = ("TM204", "TM205", "TM206", "TM207", "TM208", "TM209", "TM210", "TM211",
                  "TM212", "TM213")
VOCABULARY_RULES = ("TM107", "TM108", "TM109", "TM110", "TM111", "TM112")


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
    table: Table, distinct: Distinct, specs: Specs, judge: OntologyJudge | None,
    words: Vocabularies | None,
) -> Iterable[Finding]:
    from trackmeta.checking.cross_column import (
        name_curie_mismatch,
        pairing_mismatch,
        weighed_by_name,
    )
    from trackmeta.checking.ontology import ontology_findings
    from trackmeta.checking.vocabularies import vocabulary_findings
    from trackmeta.specs.schema import compile_schema, run_schema

    yield from _unknown_columns(table, specs)
    if not table.plain:  # ASCII without controls holds no invisible or look-alike character
        from trackmeta.checking.characters import character_findings

        yield from character_findings(distinct, specs)
    present = tuple(sorted(set(distinct.kinds.values.tolist()) - {""}))
    if present:
        yield from weighed_by_name(run_schema(compile_schema(specs, present), distinct),
                                   distinct, specs)
    yield from name_curie_mismatch(distinct, specs)
    yield from pairing_mismatch(distinct, specs)
    if judge is not None:
        yield from ontology_findings(distinct, judge)
    if words is not None:
        yield from vocabulary_findings(distinct, specs, words)


def _adjusted(findings: Iterable[Finding], severity: Mapping[str, str],
              per_file_ignores: Mapping[str, Sequence[str]]) -> list[Finding]:
    """Findings with the configured severities, less those a per-file ignore names."""
    from trackmeta.settings import globs_match

    if not severity and not per_file_ignores:
        return list(findings)
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


@dataclass(frozen=True)
class _Options:
    """The call's options, checked before any input is read."""

    base: Specs
    declared: OrganismSpec | None
    selection: RuleSelection
    threshold: Severity | None
    resolver: Resolver
    recorded: Counter[Key] | None


@dataclass
class _Run:
    """What the steps gather: one entry per input that became a table."""

    loaded: list[tuple[Table, Path | None]] = field(default_factory=list)
    manifests: dict[Path, Manifest] = field(default_factory=dict)
    tables: list[tuple[Table, pd.Series, Specs]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    locators: dict[str, Locator] = field(default_factory=dict)
    distincts: dict[str, Distinct] = field(default_factory=dict)  # each table's shared codes
    roots: dict[str, str] = field(default_factory=dict)  # a file's release directory


@dataclass(frozen=True)
class _Tally:
    rows: int
    tracks_by_type: Counter[str]
    biosamples: dict[str, set[str]]


def _options(specs: Specs | None, organism: Any, select: Sequence[str], ignore: Sequence[str],
             expect: str | None, fail_on: str | None, ontologies: Mapping[str, str | Path] | None,
             baseline: str | Path | None, sources: Mapping[str, str]) -> _Options:
    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs import organism as organisms

    base = specs or default_specs()
    recorded = None
    if baseline is not None:
        from trackmeta.checking import baseline as baselines

        try:
            recorded = baselines.load(Path(baseline))
        except baselines.BaselineError as exc:
            from trackmeta.settings import origin

            raise UsageError(f"{origin(sources, 'baseline', baseline)}: {exc}") from None
    try:
        declared = organisms.find(organism, base) if organism is not None else None
    except organisms.OrganismError as exc:
        raise UsageError(str(exc)) from None
    if expect is not None and expect not in EXPECTATIONS:
        raise UsageError(f"unknown expectation {expect!r}; choose from {', '.join(EXPECTATIONS)}")
    return _Options(
        base, declared, RuleSelection(tuple(select), tuple(ignore)),
        None if fail_on in (None, "never") else Severity.parse(str(fail_on)),
        Resolver(base, {k: Path(v) for k, v in (ontologies or {}).items()},
                 given={prefix: sources.get(f"ontologies.{prefix}", f"ontologies[{prefix!r}]")
                        for prefix in ontologies or {}}), recorded)


def _load(source: Any, run: _Run, base: Specs, delimiter: str | None, max_input_bytes: int,
          tell: Callable[[str, int, int], None], missing: str, stdin_name: Path | None) -> None:
    """Every input as a Table with the manifest of its release directory; what cannot be read
    becomes a failure, and the other inputs are still read. A path that does not exist raises
    FileNotFoundError where `missing` is "raise" (a Python call), or is a failure ("report")."""
    import pandas as pd

    from trackmeta.checking.release import Manifest
    from trackmeta.io import sdk

    if isinstance(source, pd.DataFrame):
        run.loaded.append((from_dataframe(source), None))
        return
    if sdk.is_sdk_metadata(source):
        try:
            run.loaded.append((sdk.from_sdk(source), None))
        except sdk.ScorerError as exc:
            raise UsageError(str(exc)) from None
        return
    paths = paths_argument(source, "check", "a path, a sequence of paths, a pandas DataFrame, "
                           "the AlphaGenome SDK's OutputMetadata or the Atlas's scorer metadata")
    if missing == "raise":
        import errno
        import os

        for path in paths:
            if str(path) != "-" and not os.path.lexists(path):
                raise FileNotFoundError(errno.ENOENT, "no such file or directory", str(path))
    inputs = expand_paths((Path(p) for p in paths), stdin_name)
    run.failures.extend(inputs.failures)
    run.notes.extend(f"{below}: a subdirectory holding tables, not searched (give it as a path "
                     "to check it too)" for below in inputs.unsearched)
    for path in inputs.manifests:
        manifest = run.manifests[path] = Manifest.read(path, base)
        run.findings.extend(manifest.findings)
        run.failures.extend(manifest.failures)
    for number, path in enumerate(inputs.files):
        tell(f"reading {path.name}", number, 2 * len(inputs.files) + 1)
        named = str(stdin_name) if str(path) == "-" and stdin_name is not None else None
        if path in inputs.root_of:
            run.roots[named or str(path)] = str(inputs.root_of[path])
        try:
            table = read_path(path, delimiter, max_input_bytes)
        except ReadError as exc:
            run.failures.append(exc.failure)
            continue
        if named is not None:  # stdin, as the path it stands for
            table.path = named
            table.findings = [dataclasses.replace(f, path=named) if f.path == "<stdin>" else f
                              for f in table.findings]
        run.loaded.append((table, inputs.manifest_of.get(path)))


def _check_tables(run: _Run, options: _Options, output_type: str | None,
                  tell: Callable[[str, int, int], None]) -> None:
    """Each table checked as its organism's metadata, its findings reconciled and located."""
    from trackmeta.checking.ontology import OntologyJudge
    from trackmeta.specs import organism as organisms

    base = options.base
    judging = any(options.selection.enabled(code) for code in ONTOLOGY_RULES)
    wording = any(options.selection.enabled(code) for code in VOCABULARY_RULES)
    judges: dict[str, OntologyJudge] = {}
    for number, (read, manifest_path) in enumerate(run.loaded):
        table = drop_padding(read)
        stated = run.manifests[manifest_path].organism if manifest_path is not None else None
        try:
            chosen = organisms.chosen_for(table.path, options.declared, stated, base)
        except organisms.OrganismError as exc:
            raise UsageError(str(exc)) from None
        tspecs = base.for_organism(chosen.name)
        tell(f"checking {Path(table.path).name} ({len(table.frame):,} rows)",
             len(run.loaded) + number, 2 * len(run.loaded) + 1)
        try:
            types, type_findings = row_types(
                table, default_type(table.path, output_type, tspecs), tspecs,
                given=output_type is not None)
        except ReadError as exc:
            run.failures.append(exc.failure)
            continue
        run.tables.append((table, types, tspecs))
        distinct = run.distincts[table.path] = Distinct(table.frame, types)
        locator = run.locators[table.path] = Locator(table, distinct, chosen.name)
        if judging and chosen.name not in judges:
            judges[chosen.name] = OntologyJudge(tspecs, options.resolver)
        raw = [*table.findings, *type_findings, *organisms.mismatch(distinct, tspecs),
               *_check_table(table, distinct, tspecs, judges.get(chosen.name),
                             options.resolver.words if wording else None)]
        run.findings.extend(locator.place(reconcile(raw)))


def _check_across(run: _Run) -> None:
    """Findings that need every table at once: tracks defined twice in the release."""
    from trackmeta.checking.cross_column import duplicate_tracks

    found: dict[str, list[Finding]] = {}
    for table_path, finding in duplicate_tracks(
        [(t.path, run.distincts[t.path], tspecs.organism.name) for t, _, tspecs in run.tables],
        {t.path: t.lines for t, _, _ in run.tables},
    ):
        found.setdefault(table_path, []).append(finding)
    for table_path, findings in found.items():
        run.findings.extend(run.locators[table_path].place(findings))


def _tally(run: _Run, base: Specs) -> _Tally:
    """Rows, tracks per output type, and the distinct biosamples (CURIEs) per output type,
    from the codes the checks made."""
    import numpy as np

    tracks_by_type: Counter[str] = Counter()
    biosamples: dict[str, set[str]] = {name: set() for name in base.known_output_types}
    rows = 0
    for table, _, _ in run.tables:
        rows += len(table.frame)
        distinct = run.distincts[table.path]
        kinds = distinct.kinds
        for code, count in enumerate(np.bincount(kinds.codes, minlength=len(kinds)).tolist()):
            otype = str(kinds.values[code])
            if otype and count:
                tracks_by_type[otype] += count * base.known_output_types[otype].tracks_per_row
        if "ontology_curie" in table.frame:
            typed = distinct.tuples(["ontology_curie"], typed=True)
            for otype, curie in zip(*(part.tolist() for part in typed.parts), strict=True):
                if otype != "" and str(curie).strip():
                    biosamples[str(otype)].add(curie)
    return _Tally(rows, tracks_by_type, biosamples)


def _table1(run: _Run, tally: _Tally, base: Specs) -> tuple[Count, ...]:
    """Counts per output type beside the published Table 1, with their findings (human only)."""
    from trackmeta.checking.release import Count, table1_findings

    without = sorted({t.organism.name for _, _, t in run.tables if not t.organism.table1})
    if without:
        raise UsageError(f"there is no published Table 1 for {', '.join(without)}: "
                         "--expect table1 compares human metadata only")
    counts = tuple(
        Count(s.name, tally.tracks_by_type.get(s.name, 0), len(tally.biosamples[s.name]),
              s.table1_tracks, s.table1_biosamples)
        for s in base.output_types.values()
    )
    run.findings.extend(table1_findings(list(counts)))
    return counts


def _matrix(run: _Run, findings: list[Finding]) -> dict[str, dict[str, tuple[int, int]]]:
    """Tracks and errors or warnings per output type and biosample type (each on a row counts in
    its row's cell; infos are advice, and findings of no row, such as Table 1's, are in no
    cell). Counted by codes."""
    import numpy as np

    on_rows: dict[str, list[int]] = {}
    for f in findings:
        if f.row is not None and f.path in run.locators and f.severity >= Severity.WARNING:
            on_rows.setdefault(f.path, []).append(f.row)
    cells: dict[tuple[str, str], list[int]] = {}
    for table, _, tspecs in run.tables:
        pairs = run.distincts[table.path].tuples(["biosample_type"], typed=True)
        numbered = pairs.numbered()
        locator = run.locators[table.path]
        found = locator.positions(np.asarray(on_rows.get(table.path, []), dtype=np.intp))
        found = found[found >= 0]
        tracks = np.bincount(numbered, minlength=len(pairs)).tolist()
        hits = np.bincount(numbered[found], minlength=len(pairs)).tolist()
        for pair, (written, kind) in enumerate(zip(*(p.tolist() for p in pairs.parts),
                                                   strict=True)):
            if written and tracks[pair]:
                per_row = tspecs.known_output_types[written].tracks_per_row
                cell = cells.setdefault((written, kind or "(none)"), [0, 0])
                cell[0] += tracks[pair] * per_row
                cell[1] += hits[pair]
    matrix: dict[str, dict[str, tuple[int, int]]] = {}
    for (otype, kind), (tracks_in, found_in) in sorted(cells.items()):
        matrix.setdefault(otype, {})[kind] = (tracks_in, found_in)
    return matrix


def _report(run: _Run, options: _Options, tally: _Tally, counts: tuple[Count, ...] | None,
            kept: list[Finding], baseline: str | Path | None) -> Report:
    """The Report: findings less the baselined ones, sorted by place; what was read and used."""
    applied = None
    if options.recorded is not None:
        from trackmeta.checking import baseline as baselines

        present = {track for locator in run.locators.values() for track in locator.tracks()}
        applied = baselines.apply(kept, options.recorded, run.roots,
                                  [t.path for t, _ in run.loaded], present,
                                  options.selection.enabled)
        kept = list(applied.findings)
    base = options.base
    return Report(
        findings=tuple(sorted(kept, key=_sort_key)),
        baseline=None if applied is None else str(baseline),
        baselined=0 if applied is None else applied.baselined,
        fixed=() if applied is None else applied.fixed,
        failures=tuple(run.failures),
        files=tuple(t.path for t, _ in run.loaded),
        organisms={t.path: tspecs.organism.name for t, _, tspecs in run.tables},
        rows=tally.rows,
        skipped=sum(t.skipped for t, _, _ in run.tables),
        tracks=sum(tally.tracks_by_type.values()),
        tracks_by_type=dict(sorted(tally.tracks_by_type.items())),
        counts=counts,
        fail_on=options.threshold,
        schemas=tuple(
            {"output_type": s.name, "file": s.path.name, "sha256": s.sha256}
            for s in base.known_output_types.values()
        ),
        ontologies=tuple(options.resolver.releases()),
        vocabularies=tuple(options.resolver.words.used()),
        matrix=_matrix(run, kept),
        notes=tuple(run.notes) + (applied.notes if applied is not None else ()),
        roots=dict(run.roots),
    )


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
    missing: str = "raise",
    stdin_filename: str | Path | None = None,
    sources: Mapping[str, str] | None = None,
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
    of each step. A path that does not exist raises FileNotFoundError (`missing="report"`
    makes it a failure of the Report instead, as the command line reports it).
    `sources` says where each setting came from (a configuration file's line and key, or a
    flag), for the errors about it. `stdin_filename` names the table read from `-`: its path in
    the report and the baseline, and the release directory (with its manifest) it belongs to.
    """
    tell = progress or (lambda step, done, total: None)
    options = _options(specs, organism, select, ignore, expect, fail_on, ontologies, baseline,
                       sources or {})
    run = _Run()
    _load(source, run, options.base, delimiter, max_input_bytes, tell, missing,
          Path(stdin_filename) if stdin_filename is not None else None)
    _check_tables(run, options, output_type, tell)
    tell("release checks", 2 * len(run.loaded), 2 * len(run.loaded) + 1)
    _check_across(run)
    tally = _tally(run, options.base)
    counts = _table1(run, tally, options.base) if expect == "table1" else None
    kept = _adjusted(options.selection.filter(run.findings), severity or {}, per_file_ignores or {})
    return _report(run, options, tally, counts, kept, baseline)
