"""The fixes proposed for one row never contradict each other.

Checks judge one property at a time, so two of them may propose different new values for the same
cell (a GTEx remap and an obsolete-term replacement of one ontology_curie), or a fix of one cell
may depend on another (a track name embeds the CURIE that another fix replaces). `reconcile` keeps
one new value per cell, by rule precedence, and rewrites the dependent fixes to agree with it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from trackmeta.escape import starts_formula
from trackmeta.findings import Finding

# Whose fix wins when several rules propose a new value for one cell: the most specific first.
PRECEDENCE = ("TM012", "TM211", "TM205", "TM204", "TM201", "TM202", "TM203", "TM209", "TM213",
              "TM109", "TM112", "TM108", "TM107", "TM110", "TM104")
NAME_EMBEDS_TERM = "TM301"
_CURIE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+:\d+")


def _rank(code: str) -> int:
    return PRECEDENCE.index(code) if code in PRECEDENCE else len(PRECEDENCE)


def reconcile(findings: Iterable[Finding]) -> list[Finding]:
    """The same findings, with at most one proposed value per (row, column) and TM301 name fixes
    that embed the CURIE the row ends up with; and no fix that would make a cell a spreadsheet
    formula it was not (` =1+1` stripped of its space): that one is for a person."""
    found = [_no_formula(f) for f in findings]
    chosen: dict[tuple[int, str], Finding] = {}
    for f in found:
        if f.fix is None or f.row is None or f.column is None or f.code == NAME_EMBEDS_TERM:
            continue
        key = (f.row, f.column)
        if key not in chosen or _rank(f.code) < _rank(chosen[key].code):
            chosen[key] = f
    out: list[Finding] = []
    for f in found:
        if f.code == NAME_EMBEDS_TERM and f.row is not None:
            out.append(_name_fix(f, chosen.get((f.row, "ontology_curie"))))
            continue
        if f.row is None or f.column is None or f.fix is None:
            out.append(f)
            continue
        winner = chosen[(f.row, f.column)]
        out.append(f if winner.fix == f.fix else dataclasses.replace(
            f, fix=None, message=f"{f.message} (see {winner.code} for the fix of this cell)"))
    return out


def _no_formula(finding: Finding) -> Finding:
    fix = finding.fix
    if fix is None or not starts_formula(fix) or (finding.value or "").startswith(fix[:1]):
        return finding
    return dataclasses.replace(finding, fix=None, message=(
        f"{finding.message}; not repaired: the repaired value would start a spreadsheet "
        "formula, which the value as written does not"))


def _name_fix(finding: Finding, term_fix: Finding | None) -> Finding:
    """A TM301 fix that embeds the row's final term: none when the name already embeds it."""
    if term_fix is None or finding.value is None or term_fix.fix is None:
        return finding
    target = term_fix.fix
    name = finding.value
    if target in _CURIE.findall(name):
        return dataclasses.replace(
            finding, fix=None,
            message=f"{finding.message}; the name already embeds {target}, the term that "
                    f"{term_fix.code} proposes for ontology_curie")
    embedded = finding.expected  # TM301's expected is the row's current term
    inside = next((c for c in _CURIE.findall(name) if c != embedded), None)
    if inside is None:
        return finding
    return dataclasses.replace(finding, fix=name.replace(inside, target), expected=target)
