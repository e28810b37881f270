"""Cross-column checks on one table (TM301, TM303) and across a release (TM302)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat

import numpy as np
import pandas as pd

from trackmeta.findings import Finding
from trackmeta.rules import rule
from trackmeta.specs.curie import curie_problem
from trackmeta.specs.distinct import Codes, Distinct, codes_of, joint, rows_of
from trackmeta.specs.model import Specs


def _embedded_curie(specs: Specs) -> re.Pattern[str]:
    prefixes = "|".join(sorted(specs.ontologies))
    return re.compile(rf"(?<![A-Za-z0-9])((?:{prefixes}):\d+)")


def name_curie_mismatch(distinct: Distinct, specs: Specs) -> Iterator[Finding]:
    """TM301: a name that embeds a CURIE must embed the row's own ontology_curie."""
    frame = distinct.frame
    if "name" not in frame or "ontology_curie" not in frame:
        return
    curies = distinct.column("ontology_curie")
    terms = curies.values.tolist()
    well_formed = np.fromiter((curie_problem(v, specs.ontologies) is None for v in terms),
                              dtype=bool, count=len(terms))[curies.codes]
    # a name that holds its own term whole with no colon before it ('CL:0000084 ...',
    # 'usage_NTR:0000646 ...') is taken to be of that term; the others are searched. The usual
    # name, the term then a space where the name's first colon is, is told for every row by
    # C-level maps of str.startswith, then str.find
    names = frame["name"].to_numpy(dtype=object)
    listed = names.tolist()
    leads = np.asarray([f"{term} " for term in terms], dtype=object)[curies.codes]
    rest = np.flatnonzero(well_formed & ~np.fromiter(
        map(str.startswith, listed, leads.tolist()), dtype=bool, count=len(listed)))
    within = names[rest].tolist()  # names that do not open with their term
    at = np.fromiter(map(str.find, within, leads[rest].tolist()), dtype=np.int64,
                     count=len(rest))
    first_colon = np.fromiter(map(str.find, within, repeat(":")), dtype=np.int64,
                              count=len(rest))
    colons = np.fromiter((term.find(":") for term in terms), dtype=np.int64,
                         count=len(terms))[curies.codes[rest]]
    search = _embedded_curie(specs).search
    for position in rest[(at < 0) | (at != first_colon - colons)].tolist():
        name, term = listed[position], curies.values[curies.codes[position]]
        if ((whole := name.find(term)) >= 0 and ":" not in name[:whole]
                and not name[whole + len(term):whole + len(term) + 1].isdigit()):
            continue
        inside = search(name)
        if inside is None or inside.group(1) == term:
            continue
        yield rule("TM301").finding(
            f"name {name!r} embeds {inside.group(1)} but ontology_curie is {term}",
            column="name", value=str(name), expected=str(term), row=int(distinct.rows[position]))


_SYNTAX_FIXES = ("TM201", "TM202", "TM203")  # a CURIE's fix read from its spelling alone


def weighed_by_name(findings: Iterable[Finding], distinct: Distinct, specs: Specs
                    ) -> Iterator[Finding]:
    """The findings, each fix of an ontology_curie's spelling weighed against the CURIE the
    row's track name holds (#30): 'CL:84' is CL:0000084 by its spelling, but on a track named
    'UBERON:0000059 ...' that would file the track under another term; the name contradicts
    the fix, so none is proposed and the message says why. A name that agrees says so."""
    if "name" not in distinct.frame:
        yield from findings
        return
    search = _embedded_curie(specs).search
    names = distinct.frame["name"].to_numpy(dtype=object)
    for finding in findings:
        if (finding.code not in _SYNTAX_FIXES or finding.column != "ontology_curie"
                or finding.fix is None or finding.row is None):
            yield finding
            continue
        at = int(distinct.positions(np.asarray([finding.row]))[0])
        inside = search(str(names[at])) if at >= 0 else None
        if inside is None or curie_problem(inside.group(1), specs.ontologies) is not None:
            yield finding  # no CURIE in the name, or one misspelt too ('CL:84 DNase-seq')
        elif inside.group(1) == finding.fix:
            yield finding.having(message=f"{finding.message}; the track's name says "
                                         f"{finding.fix} too")
        else:
            yield finding.having(
                fix=None, message=f"{finding.message}; but the track's name says "
                                  f"{inside.group(1)}, not {finding.fix}: which term the track "
                                  "is, is for a person to say")


def pairing_mismatch(distinct: Distinct, specs: Specs) -> Iterator[Finding]:
    """TM303: a paired column is set exactly where its partner column has the given value."""
    for pairing in specs.pairings:
        if pairing.column not in distinct.frame or pairing.when_column not in distinct.frame:
            continue
        tuples = distinct.tuples([pairing.column, pairing.when_column], typed=True)
        failed: dict[int, Finding] = {}
        for code, (otype, value, partner) in tuples.tuples():
            spec = specs.output_types.get(otype)
            if (spec is None or pairing.column not in spec.columns
                    or pairing.when_column not in spec.columns or not partner.strip()
                    or bool(value.strip()) == (partner.strip() == pairing.equals)):
                continue
            if value.strip():
                message = (f"{pairing.column} is {value!r} but {pairing.when_column} is "
                           f"{partner!r}, not {pairing.equals!r}")
            else:
                message = (f"{pairing.column} is empty on a row whose {pairing.when_column} "
                           f"is {pairing.equals!r}")
            failed[code] = rule("TM303").finding(
                message, column=pairing.column, value=value,
                expected=f"set exactly when {pairing.when_column} = {pairing.equals}")
        for code, positions in tuples.rows_of(sorted(failed)):
            for row in distinct.rows[positions].tolist():
                yield failed[code].at_row(row)


def duplicate_tracks(
    keys: Sequence[tuple[str, Distinct, str]], lines: Mapping[str, pd.Series | None],
) -> Iterator[tuple[str, Finding]]:
    """TM302 across every table of a release: (organism, output type, name, strand) names one
    track. `keys` holds (path, the table's codes, organism) per table. The identities are coded
    from the codes the checks made, so finding repeats costs a pass over the rows, however many
    repeat."""
    tables = [(path, distinct, organism) for path, distinct, organism in keys
              if "name" in distinct.frame]
    if not tables:
        return
    parts = [[distinct.kinds, distinct.column("name"), distinct.column("strand")]
             for _, distinct, _ in tables]
    kinds, names, strands = (_across([p[i] for p in parts]) for i in range(3))
    # a track is repeated only where its name is: the identities are coded on those rows alone
    typed = kinds.codes != _code_of(kinds, "")
    held = np.flatnonzero((np.bincount(names.codes)[names.codes] > 1) & typed)
    if not len(held):
        return
    identity = [kinds, names, strands]
    if len(tables) > 1:
        identity.insert(0, codes_of(np.concatenate(
            [np.full(len(d), o, dtype=object) for _, d, o in tables])))
    codes = joint([Codes(part.codes[held], part.parts) for part in identity])
    repeated = np.bincount(codes)[codes] > 1
    if not repeated.any():
        return
    types = kinds.values[kinds.codes[held]]
    table_of = np.concatenate([np.full(len(d), i) for i, (_, d, _) in enumerate(tables)])[held]
    rows = np.concatenate([d.rows for _, d, _ in tables])[held]
    names = Codes(names.codes[held], names.parts)
    strands = Codes(strands.codes[held], strands.parts)
    for _, positions in rows_of(codes, pd.unique(codes[repeated])):
        first = positions[0]
        path = tables[table_of[first]][0]
        first_lines = lines.get(path)
        where = (f"line {first_lines.at[rows[first]]}" if first_lines is not None
                 else f"row {rows[first]}")
        for later in positions[1:].tolist():
            name = names.values[names.codes[later]]
            strand = strands.values[strands.codes[later]]
            yield tables[table_of[later]][0], rule("TM302").finding(
                f"{types[later]} track {name!r} (strand {strand!r}) already appears in {path} "
                f"at {where}", column="name", value=str(name), row=int(rows[later]))


def _code_of(codes: Codes, value: str) -> int:
    """The code of `value` among the distinct values, -1 where none holds it."""
    found = np.flatnonzero(codes.values == value)
    return int(found[0]) if len(found) else -1


def _across(parts: Sequence[Codes]) -> Codes:
    """One column's codes in several tables, numbered together (rows one after another)."""
    if len(parts) == 1:
        return parts[0]
    merged = codes_of(np.concatenate([p.values for p in parts]))
    offsets = np.cumsum([0, *(len(p) for p in parts[:-1])])
    return Codes(np.concatenate([merged.codes[offset + p.codes]
                                 for offset, p in zip(offsets.tolist(), parts, strict=True)]),
                 merged.parts)
