"""Pre-request checks of ontology terms: will a request with these terms return the tracks meant,
and if not, what to ask for instead.

Usable means the request returns tracks: the API matches tracks by the metadata's
`ontology_curie`, so availability comes from the metadata, and the ontology status is advice
beside it (an obsolete id the metadata still files tracks under is usable, with a warning). Without
metadata nothing is claimed: availability is unknown and `usable` is None.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trackmeta.findings import ArgumentError
from trackmeta.limits import MAX_DISTANCE, MAX_SUGGESTIONS, NAME_MATCHES
from trackmeta.ontology.resolver import Resolution, Resolver, resolver_for
from trackmeta.request.availability import Availability, request_specs
from trackmeta.request.client_curie import canonical, looks_like_curie
from trackmeta.specs.model import Specs
from trackmeta.specs.organism import organism_specs
from trackmeta.words import counted

_RELATION_ORDER = ("replaced-id", "replacement", "ancestor", "descendant")


class TermWarning(UserWarning):
    """Advice on a usable term: an obsolete id the metadata still uses, a term-agnostic output."""


@dataclass(frozen=True)
class Suggestion:
    curie: str
    label: str | None
    relation: str  # replaced-id (an old id of this term), replacement, ancestor, descendant
    distance: int
    tracks: int


@dataclass(frozen=True)
class TermCheck:
    """The verdict on one requested term."""

    input: str
    curie: str
    status: str  # ok, no-tracks, malformed, name, unknown, obsolete, provisional, unresolved
    message: str
    label: str | None = None
    release: str | None = None
    replacement: str | None = None
    fix: str | None = None  # the CURIE to use, where the input was a slip (CL_0000084, cl:84)
    tracks: Mapping[str, int] | None = None  # per requested output type; None: no metadata
    availability: Mapping[str, str] = field(default_factory=dict)  # tracks/none/any-term/unknown
    suggestions: Mapping[str, tuple[Suggestion, ...]] = field(default_factory=dict)
    more: Mapping[str, int] = field(default_factory=dict)  # suggestions beyond the limits
    matches: tuple[Any, ...] = ()  # for a name given instead of a CURIE: search matches
    warnings: tuple[str, ...] = ()
    usable: bool | None = None  # None: unknown without metadata

    def _repr_html_(self) -> str:
        """The notebook view: the verdict, the tracks per output type, the suggestions."""
        from trackmeta import escape

        verdict = {True: "usable", False: "not usable", None: "unknown (no metadata)"}[self.usable]
        rows = [("term", f"{self.curie} {self.label or ''}".strip()), ("status", self.status),
                ("verdict", verdict), ("message", self.message)]
        rows += [(f"tracks: {otype}", str(n)) for otype, n in (self.tracks or {}).items()]
        rows += [(f"instead, for {otype}", ", ".join(
                     f"{s.curie} {s.label or ''} ({s.relation}, {counted(s.tracks, 'track')})"
                     for s in found))
                 for otype, found in self.suggestions.items() if found]
        rows += [("warning", w) for w in self.warnings]
        return escape.html_table(("", ""), rows)


class TermValidationError(ValueError):
    """Raised by validate_request: every problem at once, with the checks for programs."""

    def __init__(self, checks: Sequence[TermCheck], problems: Sequence[str]) -> None:
        super().__init__("the request would fail or return no data:\n  " + "\n  ".join(problems))
        self.checks = list(checks)
        self.problems = list(problems)


def _curie_text(term: Any) -> str:
    return str(getattr(term, "ontology_curie", term))  # the SDK's OntologyTerm, or a string


class NotServedError(ValueError):
    """An output type the organism's model does not serve: the request would fail."""


def normalise_output_types(output_types: Iterable[Any] | None, specs: Specs) -> list[str]:
    names = []
    for value in [] if output_types is None else _as_list(output_types, "output types"):
        text = getattr(value, "name", value)  # the SDK's OutputType enum
        spec = specs.output_type_named(str(text))
        if spec is None:
            raise ValueError(f"unknown output type {text!r}; choose from {', '.join(specs.output_types)}")
        if spec.name not in specs.output_types:
            organism = specs.organism
            raise NotServedError(f"output type {spec.name} is not served for {organism.name} "
                             f"({organism.title}); choose from {', '.join(specs.output_types)}")
        names.append(spec.name)
    return names


def _as_list(values: Any, function: str) -> list[Any]:
    """A single value or any iterable of them, as a list (a string is one value). None and bytes
    are refused: to the client None means every term, which no check can turn into a list."""
    if values is None or isinstance(values, (bytes, bytearray)):
        raise ArgumentError(f"{function}() takes a term (a CURIE string, a name or the SDK's "
                            f"OntologyTerm) or a sequence of them, not {values!r}"[:200])
    if isinstance(values, str) or not isinstance(values, Iterable):
        return [values]
    return list(values)


class _Neighbours:
    """For one output type, the terms with tracks, inverted by ancestor: nearby terms are found
    by lookups, not by scanning every candidate."""

    def __init__(self, with_tracks: Mapping[str, int], resolver: Resolver) -> None:
        self.with_tracks = with_tracks
        self.below: dict[str, list[tuple[str, int]]] = {}
        for candidate in with_tracks:
            for ancestor, distance in resolver.ancestors(candidate).items():
                self.below.setdefault(ancestor, []).append((candidate, distance))


class TermChecker:
    """Checks terms against the pinned releases and, optionally, a metadata's availability
    index. Kept per process for a metadata object, so repeated calls cost lookups only."""

    def __init__(self, resolver: Resolver, tracks: Availability | None, specs: Specs,
                 max_distance: int = MAX_DISTANCE, max_suggestions: int = MAX_SUGGESTIONS) -> None:
        self.resolver = resolver
        self.tracks = tracks
        self.specs = specs
        self.max_distance = max_distance
        self.max_suggestions = max_suggestions
        self._neighbours: dict[str, _Neighbours] = {}
        self._results: dict[tuple[str, tuple[str, ...]], TermCheck] = {}

    def check(self, term: Any, output_types: Sequence[str]) -> TermCheck:
        given = _curie_text(term)
        key = (given, tuple(output_types))
        if key not in self._results:
            self._results[key] = self._check(given, output_types)
        return self._results[key]

    def _check(self, given: str, output_types: Sequence[str]) -> TermCheck:
        read = canonical(given)
        if read.curie is not None and read.curie != given:  # UBERON:2048: the client accepts it
            inner = self._check(read.curie, output_types)
            note = f"the client reads {given!r} as {read.curie}"
            return dataclasses.replace(inner, input=given, message=f"{inner.message} ({note})",
                                       fix=read.curie, warnings=(note, *inner.warnings))
        if given != given.strip() and self.resolver.resolve(given.strip()).status != "malformed":
            return TermCheck(given, given, "malformed",
                             f"{given!r} has surrounding whitespace; use {given.strip()}",
                             fix=given.strip(), usable=False)
        res = self.resolver.resolve(given)
        if res.status == "malformed" and res.replacement is None and any(
                ch.isalpha() for ch in given) and not looks_like_curie(given):
            return self._name(given)  # a CURIE of a foreign prefix keeps the resolver's reason
        wanted = list(output_types) or sorted(self.specs.output_types)
        if res.status == "malformed":
            return TermCheck(given, given, "malformed", res.message + (
                f"; use {res.replacement}" if res.replacement and "; use" not in res.message
                else ""), fix=res.replacement, usable=False)
        curie = res.curie
        availability: dict[str, str] = {}
        counts: dict[str, int] = {}
        notes: list[str] = []
        for otype in wanted:
            if self.specs.output_types[otype].term_agnostic:
                availability[otype] = "any-term"
                if output_types:
                    notes.append(f"{otype} predictions do not depend on the ontology term: any "
                                 "term returns its tracks")
            elif self.tracks is None:
                availability[otype] = "unknown"
            else:
                counts[otype] = self.tracks.tracks(otype, curie)
                availability[otype] = "tracks" if counts[otype] else "none"
        missing = [o for o in wanted if availability[o] == "none"]
        specific = [o for o in wanted if availability[o] != "any-term"]
        if self.tracks is None:
            usable: bool | None = None if res.status not in ("unknown",) else False
        elif output_types:
            usable = not missing
        else:
            usable = any(availability[o] == "tracks" for o in specific)
            missing = [] if usable else specific
        status, message = res.status, res.message
        if res.status == "ok" and usable is False:
            status = "no-tracks"
            message = f"{curie} ('{res.label}') has no tracks for {', '.join(missing)}"
        if res.status == "unknown" and self.tracks is not None and any(counts.values()):
            message += "; the metadata still has tracks under it"
        if res.status == "unknown" and usable and not any(counts.values()):  # agnostic outputs only
            notes.insert(0, f"{res.message}: no such term, though these outputs ignore it")
        if res.status == "obsolete" and any(counts.values()):
            notes.insert(0, f"{curie} is obsolete{_replaced(res)}, but the metadata still files "
                            f"its tracks under {curie}: the request returns them under this id")
        if self.tracks is None and usable is None:
            message += ("; track availability unknown: no metadata given (pass --metadata, or "
                        "metadata= in Python)")
        suggestions, more = {}, {}
        for otype in missing:
            shown, beyond = self.suggest(res, otype)
            if shown:
                suggestions[otype] = shown
            if beyond:
                more[otype] = beyond
        old_ids = sorted({shown[0].curie for shown in suggestions.values()
                          if shown[0].relation == "replaced-id"})
        if status == "no-tracks" and old_ids:
            message += (f"; the metadata files tracks under {', '.join(old_ids)}, an obsolete id "
                        "it replaces")
        return TermCheck(
            given, curie, status, message, res.label, res.release, res.replacement,
            fix=None, tracks=counts if self.tracks is not None else None,
            availability=availability, suggestions=suggestions, more=more,
            warnings=tuple(notes), usable=usable)

    def _name(self, given: str) -> TermCheck:
        """A name instead of a CURIE: answer with the best matches, never a bare 'malformed'."""
        from trackmeta.request.search import search_with

        found = search_with(given, self.resolver, self.specs, self.tracks, limit=NAME_MATCHES)
        if not found.matches:
            return TermCheck(given, given, "malformed",
                             f"{given!r} is not a CURIE (PREFIX:digits), and no term is named so",
                             usable=False)
        best = found.matches[0]
        shown = "; ".join(f"{m.curie} '{m.label}'" + (f" (as '{m.matched}')"
                                                      if m.matched != m.label else "")
                          for m in found.matches)
        return TermCheck(given, given, "name",
                         f"{given!r} is a name, not a CURIE; best matches: {shown}",
                         label=best.label, fix=best.curie if best.kind == "exact" else None,
                         matches=found.matches, usable=False)

    def _label(self, curie: str) -> str | None:
        term = self.resolver.term(curie)
        return term.label if term is not None else None

    def suggest(self, res: Resolution, otype: str) -> tuple[tuple[Suggestion, ...], int]:
        """Terms near `res` that do have tracks for `otype`, nearest first, and how many more
        candidates exist beyond the count and distance limits."""
        assert self.tracks is not None
        with_tracks = self.tracks.by_type.get(otype, {})
        found: dict[str, tuple[str, int]] = {}  # candidate -> (relation, distance)
        if res.status in ("ok", "unknown"):
            for old in self.resolver.replaced_ids(res.curie):
                if with_tracks.get(old):
                    found[old] = ("replaced-id", 0)
        if res.replacement and with_tracks.get(res.replacement):
            found[res.replacement] = ("replacement", 0)
        # an obsolete term has no place in the graph: look around its replacement instead
        anchor = res.replacement if res.status == "obsolete" and res.replacement else res.curie
        beyond = 0
        if res.status in ("ok", "obsolete") and self.resolver.term(anchor) is not None:
            if otype not in self._neighbours:
                self._neighbours[otype] = _Neighbours(with_tracks, self.resolver)
            near = self._neighbours[otype]
            mine = self.resolver.ancestors(anchor)
            nearby = [(c, "ancestor", d) for c, d in mine.items() if c in with_tracks]
            nearby += [(c, "descendant", d) for c, d in near.below.get(anchor, ())]
            for candidate, relation, distance in nearby:
                if candidate in (res.curie, anchor) or candidate in found:
                    continue
                if distance > self.max_distance:
                    beyond += 1
                    continue
                found[candidate] = (relation, distance)
        ordered = sorted(found, key=lambda c: (
            _RELATION_ORDER.index(found[c][0]), found[c][1], -with_tracks[c], c))
        shown = tuple(Suggestion(c, self._label(c), found[c][0], found[c][1], with_tracks[c])
                      for c in ordered[:self.max_suggestions])  # labels of the shown ones only
        return shown, beyond + max(0, len(ordered) - self.max_suggestions)


def _replaced(res: Resolution) -> str:
    if res.replacement and res.replacement_label:
        return f" (replaced by {res.replacement} '{res.replacement_label}')"
    return f" (replaced by {res.replacement})" if res.replacement else ""


_CHECKERS: dict[tuple[int, int, str, int, int], TermChecker] = {}


def checker(
    metadata: Any = None,
    *,
    organism: Any = None,
    ontologies: Mapping[str, str | Path] | None = None,
    max_distance: int = MAX_DISTANCE,
    max_suggestions: int = MAX_SUGGESTIONS,
) -> TermChecker:
    """The checker for this metadata and organism, kept for the life of the process."""
    from trackmeta.request import availability

    specs = request_specs(metadata, organism) if metadata is not None else organism_specs(organism)
    resolver = resolver_for(specs, ontologies)
    tracks = availability.load(metadata, specs) if metadata is not None else None
    key = (id(resolver), id(tracks), specs.organism.name, max_distance, max_suggestions)
    if key not in _CHECKERS:
        _CHECKERS[key] = TermChecker(resolver, tracks, specs, max_distance, max_suggestions)
    return _CHECKERS[key]


def check_terms(
    terms: Iterable[Any] | Any,
    output_types: Iterable[Any] | Any = None,
    metadata: Any = None,
    *,
    organism: Any = None,
    ontologies: Mapping[str, str | Path] | None = None,
    max_distance: int = MAX_DISTANCE,
    max_suggestions: int = MAX_SUGGESTIONS,
) -> list[TermCheck]:
    """Check ontology terms (CURIE strings, names, or SDK OntologyTerm) before a request.

    `metadata` (a table path, a DataFrame or the SDK's OutputMetadata) gives the tracks per
    requested output type, and suggestions for terms without tracks: an old id the metadata still
    uses, the replacement, then ancestors and descendants up to `max_distance` steps, at most
    `max_suggestions` per output type (`more` counts the rest). `organism` is the request's.
    """
    found = checker(metadata, organism=organism, ontologies=ontologies,
                    max_distance=max_distance, max_suggestions=max_suggestions)
    wanted = normalise_output_types(output_types, found.specs)
    return [found.check(term, wanted) for term in _as_list(terms, "check_terms")]


def _below(check: TermCheck) -> str:
    """Where the terms under a term have the tracks it lacks: the call that lists them (the
    client never expands a term to its descendants)."""
    types = [t for t, found in check.suggestions.items()
             if any(s.relation == "descendant" for s in found)]
    if not types:
        return ""
    return (f"; terms under it have {', '.join(types)} tracks, which a request for "
            f"{check.curie} alone does not return: trackmeta.tracks([{check.curie!r}], "
            f"{types!r}, metadata, descendants=True) lists them")


EMPTY_TERMS = ("ontology_terms is empty: the client sends no term filter, so the request would "
               "return the tracks of every term; pass None to ask for every term")


def problem(check: TermCheck) -> str:
    """One refused term as a line: the term, why, the fix, and where its tracks are."""
    use = f" (use {check.fix})" if check.fix and "use " not in check.message else ""
    return f"{check.input}: {check.message}{use}{_below(check)}"


def validate_request(
    ontology_terms: Iterable[Any] | Any,
    requested_outputs: Iterable[Any] | Any,
    metadata: Any = None,
    *,
    organism: Any = None,
    ontologies: Mapping[str, str | Path] | None = None,
) -> Any:
    """Guard to call right before a request: gives back what it was given (strings, or the SDK's
    OntologyTerm; a single value or a list), or raises one TermValidationError listing every
    problem (`.checks` for programs). Without `metadata` only what the ontology says is checked;
    warnings (TermWarning) carry advice on usable terms."""
    found = checker(metadata, organism=organism, ontologies=ontologies)
    try:
        wanted = normalise_output_types(requested_outputs, found.specs)
    except NotServedError as exc:  # as every other reason a request would fail
        raise TermValidationError([], [str(exc)]) from None
    if ontology_terms is None:
        return None  # no term filter: the request returns every track of the output types
    single = isinstance(ontology_terms, str) or not isinstance(ontology_terms, Iterable)
    terms = _as_list(ontology_terms, "validate_request")
    checks = [found.check(term, wanted) for term in terms]
    problems = [problem(c) for c in checks if c.usable is False]
    agnostic = all(found.specs.output_types[o].term_agnostic for o in wanted) and wanted
    if not terms and not agnostic:
        problems.append(EMPTY_TERMS)
    if problems:
        raise TermValidationError(checks, problems)
    for c in checks:
        for note in c.warnings:
            warnings.warn(f"{c.input}: {note}", TermWarning, stacklevel=2)
    return terms[0] if single else terms
