"""Which organism a table's metadata is for: declared (argument, flag or manifest), stated by
the input (an official response file named for its organism), or the SDK's default. And the one
finding (TM008) for a table whose values fit another organism than the one it is checked as."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackmeta.specs.model import OrganismSpec, Specs, default_specs

if TYPE_CHECKING:
    from trackmeta.findings import Finding
    from trackmeta.specs.distinct import Distinct

_SDK_SPELLING = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")  # MUS_MUSCULUS, ORGANISM_HOMO_SAPIENS


class OrganismError(ValueError):
    """An organism name that no spec in schemas/organisms/ declares."""


def find(name: object, specs: Specs) -> OrganismSpec:
    """The organism a user named (`mouse`, `MUS_MUSCULUS`, the SDK's `Organism` member)."""
    found = specs.find_organism(str(getattr(name, "name", name)))
    if found is None:
        choices = ", ".join(f"{o.name} ({', '.join(o.aliases[:1])})" for o in specs.organisms.values())
        raise OrganismError(f"unknown organism {name!r}; choose from {choices}")
    return found


def organism_specs(organism: Any) -> Specs:
    """The specs for the organism a caller names (None: the SDK's default, human)."""
    specs = default_specs()
    return specs if organism is None else specs.for_organism(find(organism, specs).name)


def metadata_specs(metadata: Any, organism: Any) -> Specs:
    """The specs for a request answered from `metadata`: the organism its official file name
    states, unless named; a name that contradicts the file is an OrganismError naming both
    (mouse metadata is never counted as human)."""
    specs = default_specs()
    if not isinstance(metadata, (str, Path)):
        return organism_specs(organism)
    declared = find(organism, specs) if organism is not None else None
    return specs.for_organism(chosen_for(str(metadata), declared, None, specs).name)


def chosen_for(path: str, declared: OrganismSpec | None, manifest: OrganismSpec | None,
               specs: Specs) -> OrganismSpec:
    """The organism a file is read as: the one declared (an argument or flag), else its release
    manifest's, else the one its official name states, else the default. A declared organism
    that contradicts the file's own statement is an OrganismError naming both: mouse metadata
    is never checked as human."""
    stated = manifest or stated_by_file(path, specs)
    if declared is not None and stated is not None and declared.name != stated.name:
        how = "its release manifest says so" if manifest is not None else "its name says so"
        raise OrganismError(f"{path} is {stated.name} metadata ({how}), not {declared.name}, "
                            f"the organism given: name {stated.name}, or give the "
                            f"{declared.name} metadata")
    return declared or stated or specs.organism


def stated_by_file(path: str, specs: Specs) -> OrganismSpec | None:
    """The organism an official file names, as in OutputMetadataResponse_ORGANISM_MUS_MUSCULUS:
    an alias in the SDK's spelling inside the file name."""
    name = Path(path).name.upper()
    for organism in specs.organisms.values():
        if any(_SDK_SPELLING.match(a) and a in name for a in organism.aliases):
            return organism
    return None


def mismatch(distinct: Distinct, specs: Specs) -> Iterator[Finding]:
    """TM008: values that only another organism allows, said once per table with the way to
    declare that organism (each distinct value read once)."""
    import numpy as np

    from trackmeta.rules import rule  # a table check: `terms` resolves organisms, never needs rules

    mine = specs.organism
    for other in specs.organisms.values():
        if other.name == mine.name:
            continue
        theirs = specs.for_organism(other.name)
        for column in other.column_values:
            if column not in distinct.frame:
                continue
            allowed = set(theirs.columns[column].values or ()) - set(specs.columns[column].values or ())
            if not allowed:
                continue
            separator = specs.columns[column].separator
            cells = distinct.column(column)
            parts = [str(v).strip().split(separator) if separator else [str(v).strip()]
                     for v in cells.values]
            hit = np.fromiter((any(p in allowed for p in items) for items in parts), dtype=bool,
                              count=len(parts))
            if not hit.any():
                continue
            found = sorted({p for items, h in zip(parts, hit, strict=True) if h
                            for p in items if p in allowed})
            on_rows = hit[cells.codes]
            shown = ", ".join(repr(v) for v in found)
            rows = int(on_rows.sum())
            yield rule("TM008").finding(
                f"{column} {shown} (on {rows} row{'' if rows == 1 else 's'}) fit {other.name} "
                f"({other.title}) "
                f"metadata, not {mine.name}, the organism it is checked as; if it is {other.name} "
                f"metadata, say so: --organism {other.name}, check(..., organism="
                f"'{other.name}') or `organism: {other.name}` in the release's manifest.yaml",
                column=column, value=found[0], expected=mine.name,
                row=int(distinct.rows[int(np.argmax(on_rows))]))
