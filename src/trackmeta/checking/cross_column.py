"""Cross-column checks on one table (TM301, TM303) and across a release (TM302)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from trackmeta.findings import Finding
from trackmeta.rules import rule
from trackmeta.specs.curie import curie_problem
from trackmeta.specs.distinct import Distinct
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
    well_formed = np.fromiter((curie_problem(v, specs.ontologies) is None for v in curies.values),
                              dtype=bool, count=len(curies))[curies.codes]
    search = _embedded_curie(specs).search
    names = frame["name"].to_numpy(dtype=object)
    terms = frame["ontology_curie"].to_numpy(dtype=object)
    for position in np.flatnonzero(well_formed).tolist():
        name, term = names[position], terms[position]
        if name.startswith(term) and not name[len(term):len(term) + 1].isdigit():
            continue  # the usual name: it opens with its own term, which is its first CURIE
        inside = search(name)
        if inside is None or inside.group(1) == term:
            continue
        yield rule("TM301").finding(
            f"name {name!r} embeds {inside.group(1)} but ontology_curie is {term}",
            column="name", value=str(name), expected=str(term),
            fix=str(name).replace(inside.group(1), str(term)), row=int(distinct.rows[position]))


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


TRACK_IDENTITY = ("organism", "type", "name", "strand")


def duplicate_tracks(
    keys: Sequence[tuple[str, pd.DataFrame, pd.Series, str]],
    lines: Mapping[str, pd.Series | None],
) -> Iterator[tuple[str, Finding]]:
    """TM302 across every table of a release: (organism, output type, name, strand) names one
    track. `keys` holds (path, frame, output types, organism) per table."""
    parts = []
    for path, frame, types, organism in keys:
        if "name" not in frame:
            continue
        strand = frame["strand"] if "strand" in frame else pd.Series("", index=frame.index)
        parts.append(pd.DataFrame({  # object: a path may hold bytes no string dtype can encode
            "path": path, "row": frame.index, "organism": organism, "type": types.to_numpy(),
            "name": frame["name"].to_numpy(), "strand": strand.to_numpy()}, dtype=object))
    if not parts:
        return
    tracks = pd.concat(parts, ignore_index=True)
    tracks = tracks[tracks["type"] != ""]
    dup = tracks.duplicated(list(TRACK_IDENTITY), keep=False)
    if not dup.any():
        return
    for _, group in tracks[dup].groupby(list(TRACK_IDENTITY), sort=False):
        first = group.iloc[0]
        first_line = lines.get(first["path"])
        where = (f"line {first_line.at[first['row']]}" if first_line is not None
                 else f"row {first['row']}")
        for _, later in group.iloc[1:].iterrows():
            yield later["path"], rule("TM302").finding(
                f"{later['type']} track {later['name']!r} (strand {later['strand']!r}) "
                f"already appears in {first['path']} at {where}",
                column="name", value=str(later["name"]), row=int(later["row"]))
