"""Pre-request checks of ontology terms: will each term give tracks for each requested output
type, and what to use instead. Touches only the compiled ontology index unless metadata is given
(then pandas reads it once)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from trackmeta.ontology.resolver import Resolution, Resolver
from trackmeta.specs import Specs, default_specs

MAX_SUGGESTIONS = 5
MAX_DISTANCE = 4
UNUSABLE = ("malformed", "unknown")


@dataclass(frozen=True)
class Suggestion:
    curie: str
    label: str | None
    relation: str  # replacement, ancestor or descendant
    distance: int
    tracks: int


@dataclass(frozen=True)
class TermCheck:
    """The verdict on one requested term."""

    input: str
    curie: str
    status: str  # ok, malformed, unknown, obsolete, provisional, unresolved, no-tracks
    message: str
    label: str | None = None
    release: str | None = None
    replacement: str | None = None
    tracks: Mapping[str, int] | None = None  # per output type, when metadata is given
    suggestions: Mapping[str, tuple[Suggestion, ...]] = field(default_factory=dict)
    usable: bool = False


class TermValidationError(ValueError):
    """Raised by validate_request: every problem at once, with the checks for programs."""

    def __init__(self, checks: Sequence[TermCheck], problems: Sequence[str]) -> None:
        super().__init__("the request would fail or return no data:\n  " + "\n  ".join(problems))
        self.checks = list(checks)
        self.problems = list(problems)


class TrackIndex:
    """Tracks per (output type, CURIE), counted from a metadata table or SDK object."""

    def __init__(self, counts: Mapping[tuple[str, str], int]) -> None:
        self.counts = dict(counts)
        self.by_type: dict[str, dict[str, int]] = {}
        for (otype, curie), n in self.counts.items():
            self.by_type.setdefault(otype, {})[curie] = n

    def tracks(self, otype: str, curie: str) -> int:
        return self.counts.get((otype, curie), 0)

    @classmethod
    def load(cls, metadata: Any, specs: Specs) -> TrackIndex:
        import pandas as pd

        from trackmeta import sdk
        from trackmeta.readers import ReadError, from_dataframe, read_path

        if isinstance(metadata, TrackIndex):
            return metadata
        if isinstance(metadata, pd.DataFrame):
            table = from_dataframe(metadata)
        elif sdk.is_output_metadata(metadata):
            table = sdk.from_output_metadata(metadata)
        else:
            try:
                table = read_path(Path(metadata))
            except ReadError as exc:
                raise ValueError(f"{exc.failure.path}: {exc.failure.message}") from None
        frame = table.frame
        if "output_type" not in frame or "ontology_curie" not in frame:
            raise ValueError(f"{table.path}: metadata needs output_type and ontology_curie columns")
        names = {v: specs.output_type(v) for v in frame["output_type"].unique()}
        types = frame["output_type"].map({v: s.name if s else "" for v, s in names.items()})
        per_row = types.map({s.name: s.tracks_per_row for s in specs.output_types.values()})
        grouped = per_row.groupby([types, frame["ontology_curie"].str.strip()]).sum()
        pairs = cast("dict[tuple[str, str], int]", grouped.to_dict())
        return cls({(str(t), str(c)): int(n) for (t, c), n in pairs.items() if t and c})


def _normalise_term(term: Any) -> str:
    curie = getattr(term, "ontology_curie", term)  # the SDK's OntologyTerm
    return str(curie).strip()


def normalise_output_types(output_types: Iterable[Any] | None, specs: Specs) -> list[str]:
    names = []
    for value in output_types or ():
        text = getattr(value, "name", value)  # the SDK's OutputType enum
        spec = specs.output_type_named(str(text))
        if spec is None:
            raise ValueError(f"unknown output type {text!r}; choose from {', '.join(specs.output_types)}")
        if spec.name not in specs.output_types:
            organism = specs.organism
            raise ValueError(f"output type {spec.name} is not served for {organism.name} "
                             f"({organism.title}); choose from {', '.join(specs.output_types)}")
        names.append(spec.name)
    return names


def organism_specs(organism: Any) -> Specs:
    """The specs for the organism a caller names (None: the SDK's default, human)."""
    from trackmeta.organism import find

    specs = default_specs()
    return specs if organism is None else specs.for_organism(find(organism, specs).name)


class TermChecker:
    """Checks terms against the pinned releases and, optionally, a metadata table."""

    def __init__(self, resolver: Resolver, tracks: TrackIndex | None, specs: Specs) -> None:
        self.resolver = resolver
        self.tracks = tracks
        self.specs = specs
        self._ancestors: dict[str, dict[str, int]] = {}

    def ancestors(self, curie: str) -> dict[str, int]:
        if curie not in self._ancestors:
            self._ancestors[curie] = {curie: 0, **self.resolver.ancestors(curie)}
        return self._ancestors[curie]

    def check(self, term: Any, output_types: Sequence[str]) -> TermCheck:
        given = _normalise_term(term)
        res = self.resolver.resolve(given)
        curie = res.curie.strip() if res.status != "malformed" else given
        if self.tracks is None:
            return TermCheck(given, curie, res.status, res.message, res.label, res.release,
                             res.replacement, usable=res.status in ("ok", "provisional", "unresolved"))
        wanted = list(output_types) or sorted(self.specs.output_types)
        counts = {otype: self.tracks.tracks(otype, curie) for otype in wanted}
        missing = [otype for otype in wanted if counts[otype] == 0]
        if output_types:
            usable = not missing
        else:
            usable = any(counts.values())
            missing = [] if usable else wanted
        usable = usable and res.status not in UNUSABLE
        status, message = res.status, res.message
        if res.status == "ok" and not usable:
            status = "no-tracks"
            message = f"{curie} ('{res.label}') has no tracks for {', '.join(missing)}"
        suggestions = {otype: self.suggest(res, otype) for otype in missing}
        return TermCheck(given, curie, status, message, res.label, res.release, res.replacement,
                         counts, {k: v for k, v in suggestions.items() if v}, usable)

    def _label(self, curie: str) -> str | None:
        term = self.resolver.term(curie)
        return term.label if term is not None else None

    def suggest(self, res: Resolution, otype: str) -> tuple[Suggestion, ...]:
        """Terms near `res` in the ontology that do have tracks for `otype`, nearest first."""
        assert self.tracks is not None
        with_tracks = self.tracks.by_type.get(otype, {})
        found: list[Suggestion] = []
        if res.replacement and with_tracks.get(res.replacement):
            found.append(Suggestion(res.replacement, self._label(res.replacement), "replacement",
                                    0, with_tracks[res.replacement]))
        # an obsolete term has no place in the graph: look around its replacement instead
        anchor = res.replacement if res.status == "obsolete" and res.replacement else res.curie
        if res.status not in ("ok", "obsolete") or self.resolver.term(anchor) is None:
            return tuple(found)
        mine = self.ancestors(anchor)
        for candidate, n in with_tracks.items():
            if candidate in (res.curie, anchor):
                continue
            if candidate in mine:
                relation, distance = "ancestor", mine[candidate]
            elif anchor in (theirs := self.ancestors(candidate)):
                relation, distance = "descendant", theirs[anchor]
            else:
                continue
            if distance <= MAX_DISTANCE:
                found.append(Suggestion(candidate, self._label(candidate), relation, distance, n))
        found.sort(key=lambda s: (s.relation != "replacement", s.distance, -s.tracks, s.curie))
        return tuple(found[:MAX_SUGGESTIONS])


def check_terms(
    terms: Iterable[Any],
    output_types: Iterable[Any] | None = None,
    metadata: Any = None,
    *,
    organism: Any = None,
    ontologies: Mapping[str, str | Path] | None = None,
) -> list[TermCheck]:
    """Check ontology terms (CURIE strings or SDK OntologyTerm) before an AlphaGenome request.

    `metadata` (a table path, a DataFrame or the SDK's OutputMetadata) adds track counts per
    requested output type and suggestions for terms without tracks. `organism` (`human`,
    `mouse`, or the SDK's `Organism`) is the request's, human by default as in the SDK.
    """
    specs = organism_specs(organism)
    wanted = normalise_output_types(output_types, specs)
    resolver = Resolver(specs, {k: Path(v) for k, v in (ontologies or {}).items()})
    tracks = TrackIndex.load(metadata, specs) if metadata is not None else None
    checker = TermChecker(resolver, tracks, specs)
    return [checker.check(term, wanted) for term in terms]


def validate_request(
    ontology_terms: Iterable[Any],
    requested_outputs: Iterable[Any],
    metadata: Any = None,
    *,
    organism: Any = None,
    ontologies: Mapping[str, str | Path] | None = None,
) -> list[str]:
    """Guard to call right before a request: the normalised CURIEs, or TermValidationError
    listing every problem (with `.checks`)."""
    checks = check_terms(ontology_terms, requested_outputs, metadata, organism=organism,
                         ontologies=ontologies)
    problems = [f"{c.input}: {c.message}" for c in checks if not c.usable]
    if problems:
        raise TermValidationError(checks, problems)
    return [c.curie for c in checks]
