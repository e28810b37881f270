"""Find ontology terms by name: the labels and synonyms of the pinned CL, UBERON and EFO releases,
and the biosample names metadata gives its NTR and CLO ids. Exact names rank before names that
start with the query, which rank before fuzzy matches (rapidfuzz); with metadata, each match
carries its tracks per output type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackmeta.findings import ArgumentError
from trackmeta.limits import SEARCH_LIMIT
from trackmeta.ontology.index import fold_name
from trackmeta.ontology.resolver import Resolver
from trackmeta.specs.model import Specs

SEARCHED = ("CL", "UBERON", "EFO")
FUZZY_CUTOFF = 80.0
_TIERS = ("exact", "prefix", "fuzzy")


@dataclass(frozen=True)
class Match:
    curie: str
    label: str
    matched: str  # the label or synonym that matched the query
    score: float  # 0-100: 100 an exact label, then exact synonyms, prefixes, fuzzy matches
    kind: str  # exact, prefix or fuzzy
    tracks: Mapping[str, int] | None = None  # per output type, with metadata


class NameIndex:
    """Every searchable name, lower-cased once per process and set of releases."""

    def __init__(self, resolver: Resolver, extra: Mapping[str, str] | None = None) -> None:
        self.resolver = resolver
        names: list[tuple[str, str, bool, str]] = []
        for prefix in SEARCHED:
            index = resolver.index(prefix)
            if index is not None:
                names.extend(index.names)
        for curie, name in (extra or {}).items():
            if curie.split(":", 1)[0] not in SEARCHED and name:
                # NTR and CLO: the metadata's own name
                names.append((name, curie, True, fold_name(name)))
        self.names = names
        self.folded = [folded for _, _, _, folded in names]
        self.labels = {curie: text for text, curie, is_label, _ in names if is_label}

    def find(self, query: str, limit: int) -> tuple[list[Match], int]:
        """The best `limit` matches, and how many more there were."""
        from rapidfuzz import fuzz, process

        wanted = fold_name(query)
        if not wanted:
            return [], 0
        best: dict[str, tuple[tuple[Any, ...], Match]] = {}

        def offer(position: int, tier: int, score: float) -> None:
            text, curie, is_label, _ = self.names[position]
            rank = (tier, -score, not is_label, len(text), curie)
            if curie not in best or rank < best[curie][0]:
                best[curie] = (rank, Match(curie, self.labels.get(curie, text), text,
                                           round(score, 1), _TIERS[tier]))

        for position, folded in enumerate(self.folded):
            if folded == wanted:
                offer(position, 0, 100.0 if self.names[position][2] else 99.0)
            elif folded.startswith(wanted):
                offer(position, 1, 90.0 * len(wanted) / len(folded) + 5.0)
        fuzzy = process.extract(wanted, self.folded, scorer=fuzz.QRatio, limit=max(50, limit * 5),
                                score_cutoff=FUZZY_CUTOFF)
        for _, score, position in fuzzy:
            offer(position, 2, min(float(score), 89.0))
        ranked = [match for _, match in sorted(best.values(), key=lambda item: item[0])]
        return ranked[:limit], max(0, len(ranked) - limit)


_INDEXES: dict[tuple[int, int], NameIndex] = {}


def name_index(resolver: Resolver, extra: Mapping[str, str] | None = None) -> NameIndex:
    key = (id(resolver), id(extra))
    if key not in _INDEXES:
        _INDEXES[key] = NameIndex(resolver, extra)
    return _INDEXES[key]


@dataclass(frozen=True)
class SearchResult:
    query: str
    matches: tuple[Match, ...]
    more: int  # matches beyond the limit, not shown

    def _repr_html_(self) -> str:
        """The notebook view: one row per match, with its tracks where metadata was given."""
        from trackmeta import escape

        rows = [(m.curie, m.label, m.matched, m.kind, f"{m.score:.0f}",
                 "" if m.tracks is None else ", ".join(f"{t} {n}" for t, n in m.tracks.items()))
                for m in self.matches]
        more = f"<p>{self.more} more matches not shown</p>" if self.more else ""
        return escape.html_table(("CURIE", "label", "matched", "how", "score", "tracks"),
                                 rows) + more


def search(
    query: str,
    metadata: Any = None,
    *,
    organism: Any = None,
    limit: int = SEARCH_LIMIT,
    with_tracks: bool = False,
    ontologies: Mapping[str, str | Path] | None = None,
) -> SearchResult:
    """Terms whose label or synonym matches `query`, best first; with `metadata` (a table path,
    DataFrame or the SDK's OutputMetadata) each match has its tracks per output type, and
    `with_tracks` keeps only those that have some."""
    from trackmeta.ontology.resolver import resolver_for
    from trackmeta.specs.organism import metadata_specs, organism_specs

    if not isinstance(query, str) or not query.strip():
        raise ArgumentError(f"search() takes a name to look for, such as 'liver', not {query!r}"
                            [:200])
    if not isinstance(limit, int) or limit < 0:
        raise ArgumentError(f"search() takes a limit of 0 or more, not {limit!r}")
    specs = metadata_specs(metadata, organism) if metadata is not None else organism_specs(organism)
    resolver = resolver_for(specs, ontologies)
    return search_with(query, resolver, specs, metadata, limit=limit, with_tracks=with_tracks)


def search_with(query: str, resolver: Resolver, specs: Specs, metadata: Any = None, *,
                limit: int = SEARCH_LIMIT, with_tracks: bool = False) -> SearchResult:
    from trackmeta.request import availability

    index = availability.load(metadata, specs) if metadata is not None else None
    names = name_index(resolver, index.names if index is not None else None)
    if index is None:
        found, more = names.find(query, limit)
        return SearchResult(query, tuple(found), more)
    found, more = names.find(query, len(names.names) if with_tracks else limit)
    counted = [Match(m.curie, m.label, m.matched, m.score, m.kind, index.total(m.curie))
               for m in found]
    if with_tracks:
        counted = [m for m in counted if m.tracks]
        more = max(0, len(counted) - limit)
    return SearchResult(query, tuple(counted[:limit]), more)
