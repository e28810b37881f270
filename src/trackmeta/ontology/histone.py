"""Histone modification names read by a grammar declared as data (ontologies/vocabularies/
histone-marks.yaml): a histone (or variant), then residue, position and modification with its
state (H3K27ac, H2BK120ac, H3K4me3), or a modification of the histone as a whole (H3ac).

`read(mark)` says what a name is: well formed, the gene symbol of a histone variant (H2AFZ), or
not a name of the grammar, with why and, where only the case is off, the name meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

_SITE = re.compile(r"([A-Za-z])(\d+)([A-Za-z]+\d*)")
_STATE = re.compile(r"([a-z]+?)(\d+)$")
_RESIDUES = {"K": "lysine", "R": "arginine", "S": "serine", "T": "threonine", "Y": "tyrosine",
             "H": "histidine", "E": "glutamate"}


@dataclass(frozen=True)
class Reading:
    kind: str  # "mark", "variant" (a variant's gene symbol), "histone" (a variant itself), "bad"
    problem: str = ""
    fix: str | None = None  # the well-formed name meant, where only case is off
    histone: str = ""  # for a variant symbol: the histone it names
    now: str = ""  # for a variant symbol: its current gene symbol


class HistoneGrammar:
    """The grammar of one declaration; the histone variants' gene symbols (a compiled
    vocabulary) are read only for a name the grammar does not take."""

    def __init__(self, grammar: Mapping[str, Any],
                 variants: Callable[[], Mapping[str, tuple[str, str]]]) -> None:
        self.histones: tuple[str, ...] = tuple(sorted(grammar["histones"], key=len, reverse=True))
        self.residues: Mapping[str, tuple[str, ...]] = {
            r: tuple(mods) for r, mods in grammar["residues"].items()}
        self.whole: tuple[str, ...] = tuple(grammar["whole"])
        self._load_variants = variants  # gene symbol -> (current symbol, histone)

    @cached_property
    def variants(self) -> Mapping[str, tuple[str, str]]:
        return self._load_variants()

    @cached_property
    def _variant_histones(self) -> set[str]:
        return {histone for _, histone in self.variants.values()}

    def read(self, mark: str) -> Reading:
        problem = self._problem(mark)
        if problem is None:
            return Reading("mark")
        if mark in self.variants:
            now, histone = self.variants[mark]
            return Reading("variant", histone=histone, now=now)
        if mark in self._variant_histones:
            return Reading("histone")
        cased = self._cased(mark)
        if cased is not None and cased != mark and self._problem(cased) is None:
            return Reading("bad", f"{mark!r} is {cased} but for case", fix=cased)
        return Reading("bad", problem)

    def _problem(self, mark: str) -> str | None:
        histone = next((h for h in self.histones if mark.startswith(h)), None)
        if histone is None:
            return (f"{mark!r} does not start with a histone "
                    f"({', '.join(sorted(self.histones, key=lambda h: (len(h), h))[:6])}, ...)")
        rest = mark[len(histone):]
        if not rest:
            return f"{mark!r} names the histone {histone} but no modification"
        if rest in self.whole:
            return None
        if not re.fullmatch(rf"(?:{_SITE.pattern})+", rest):
            if any(rest in mods for mods in self.residues.values()):
                return (f"{mark!r}: {rest} needs a residue and position (e.g. {histone}K4{rest})"
                        + (f"; {histone} takes {', '.join(self.whole)} as a whole" if self.whole
                           else ""))
            return f"{mark!r}: {rest!r} is not residue, position and modification (e.g. K27ac)"
        for residue, _, modification in _SITE.findall(rest):
            mods = self.residues.get(residue)
            if mods is None:
                return (f"{mark!r}: {_named(residue)} is not a residue the grammar modifies "
                        f"({', '.join(self.residues)})")
            if modification not in mods:
                return f"{mark!r}: {self._not_a_state(residue, modification, mods)}"
        return None

    @staticmethod
    def _not_a_state(residue: str, modification: str, mods: tuple[str, ...]) -> str:
        state = _STATE.match(modification)
        if state is not None:
            kind = state.group(1)
            states = [m for m in mods if m.startswith(kind) and m[len(kind):].isdigit()]
            if states:
                return (f"{modification} is not a state {_named(residue)} takes "
                        f"({', '.join(states)})")
        return f"{modification!r} is not a modification of {_named(residue)} ({', '.join(mods)})"

    def _cased(self, mark: str) -> str | None:
        """The name with the grammar's case: histone and residues upper, modifications lower."""
        histone = next((h for h in self.histones if mark.upper().startswith(h.upper())), None)
        if histone is None:
            return None
        rest = mark[len(histone):]
        if rest.lower() in self.whole:
            return histone + rest.lower()
        if not re.fullmatch(rf"(?:{_SITE.pattern})+", rest):
            return None
        return histone + "".join(f"{r.upper()}{p}{m.lower()}" for r, p, m in _SITE.findall(rest))


def _named(residue: str) -> str:
    return f"{_RESIDUES[residue]} ({residue})" if residue in _RESIDUES else repr(residue)
