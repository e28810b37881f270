"""Find ontology terms by name, as biologists write them (the name model: ontology/names.py).

Names come from every source: labels and synonyms of the pinned CL, UBERON and EFO releases,
GTEx portal names, ENCODE's NTR names, the declared abbreviations, and with metadata its own
biosample names. Matches rank exact, then normalised (case, punctuation, word order, plurals,
British spellings, a trailing 'cell'), then all query words, then fuzzy (rapidfuzz, only when
nothing matched better and never for an abbreviation). With metadata, a term that has tracks
ranks above an equal match without, and a matched term without tracks brings the nearest terms
that have them (descendants first, then ancestors)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackmeta.findings import ArgumentError
from trackmeta.limits import SEARCH_LIMIT
from trackmeta.ontology import names
from trackmeta.ontology.index import fold_name
from trackmeta.ontology.resolver import Resolver
from trackmeta.specs.model import Specs

SEARCHED = ("CL", "UBERON", "EFO")
FUZZY_CUTOFF = 80.0
NEAR = 2  # terms with tracks shown for a match that has none
NEAR_DISTANCE = 3
_TIERS = ("exact", "normalised", "words", "fuzzy")


@dataclass(frozen=True)
class Match:
    curie: str
    label: str
    matched: str  # the name that matched the query
    score: float  # 0-100 within its kind: exact, normalised, words, fuzzy
    kind: str  # exact, normalised, words, fuzzy; or descendant/ancestor of a match without tracks
    tracks: Mapping[str, int] | None = None  # per output type, with metadata
    how: str = ""  # which name matched, from which source: 'exact synonym', 'GTEx portal name'...
    via: str | None = None  # for a descendant or ancestor: the matched term it stands in for
    distance: int | None = None  # ... and how many is_a/part_of steps away


class NameIndex:
    """Every searchable name with its source, and its normalised forms, as parallel lists (the
    release names' forms are cached on disk by release: computing them costs more than a
    search)."""

    def __init__(self, resolver: Resolver, specs: Specs,
                 metadata: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.resolver = resolver
        texts, curies, labels, folded, compacts, keys = _release_names(resolver)
        extra = list(_declared_names(resolver, specs))
        extra += [(name, curie, "metadata name") for curie, names_ in (metadata or {}).items()
                  for name in names_]
        self.texts = texts + [t for t, _, _ in extra]
        self.curies = curies + [c for _, c, _ in extra]
        self.hows = ["label" if flag else "synonym" for flag in labels]
        self.hows += [how for _, _, how in extra]
        self.folded = folded + [fold_name(t) for t, _, _ in extra]
        self.compacts = compacts + [names.compact(t) for t, _, _ in extra]
        self.keys = keys + [names.key(t) for t, _, _ in extra]

    def label(self, curie: str) -> str | None:
        term = self.resolver.term(curie)
        if term is not None:
            return term.label
        return next((t for t, c in zip(self.texts, self.curies, strict=True) if c == curie),
                    None)

    def find(self, query: str, tracks: Mapping[str, int] | None = None
             ) -> list[tuple[tuple[Any, ...], Match]]:
        """Every match, best first: exact, then normalised, then all words; fuzzy matches only
        where no name matches exactly or normalised, and never for an abbreviation-like query.
        Within a kind, with `tracks`, terms that have some come first."""
        wanted = fold_name(query)
        if not wanted:
            return []
        best: dict[str, tuple[tuple[Any, ...], int, int, float]] = {}

        def offer(position: int, tier: int, score: float) -> None:
            curie, how = self.curies[position], self.hows[position]
            none = tracks is not None and not tracks.get(curie)
            rank = (tier, none, how != "label", -score, len(self.texts[position]), curie)
            if curie not in best or rank < best[curie][0]:
                best[curie] = (rank, position, tier, score)

        for position in [i for i, f in enumerate(self.folded) if f == wanted]:
            offer(position, 0, 100.0)
        compact, key = names.compact(query), names.key(query)
        for position in [i for i, (c, k) in enumerate(zip(self.compacts, self.keys, strict=True))
                         if (compact and c == compact) or (key and k == key)]:
            offer(position, 1, 95.0)
        query_words = names.words(query)
        if query_words:
            first = min(query_words, key=len)
            for position in [i for i, k in enumerate(self.keys) if first in k]:
                words = self.keys[position].split()
                if query_words <= set(words):
                    offer(position, 2, 90.0 * len(query_words) / len(words))
        if not names.abbreviation_like(query) and not any(t < 2 for _, _, t, _ in best.values()):
            from rapidfuzz import fuzz, process

            for _, score, position in process.extract(
                    wanted, self.folded, scorer=fuzz.QRatio, limit=50, score_cutoff=FUZZY_CUTOFF):
                offer(position, 3, min(float(score), 89.0))
        ranked = sorted(best.values(), key=lambda item: item[0])
        return [(rank, Match(self.curies[p], self.label(self.curies[p]) or self.texts[p],
                             self.texts[p], round(score, 1), _TIERS[tier], how=self.hows[p]))
                for rank, p, tier, score in ranked]


def _declared_names(resolver: Resolver, specs: Specs) -> Iterator[tuple[str, str, str]]:
    """Names the releases do not carry: GTEx portal and file names, ENCODE's NTR names, the
    declared abbreviations."""
    for tissue in specs.gtex_tissues:
        yield tissue.display, tissue.curie, "GTEx portal name"
        yield tissue.name, tissue.curie, "GTEx file name"
    ntr = specs.ontologies.get("NTR")
    if ntr is not None and ntr.vocabulary is not None:
        for curie, name in resolver.words.get(ntr.vocabulary).entries():
            yield name, curie, "ENCODE NTR name"
    for name, (curie, source) in specs.abbreviations.items():
        yield name, curie, f"abbreviation ({source})"


Names = tuple[list[str], list[str], bytes, list[str], list[str], list[str]]


def _release_names(resolver: Resolver) -> Names:
    """Every name of the searched releases: text, id, whether it is the label, and its folded,
    compact and key forms, as parallel lists; cached on disk by the releases and the name
    model's own source (normalising 65,000 names costs more than a search)."""
    import hashlib
    import marshal

    from trackmeta.cache import cache_dir, read_sealed, sealed, write_atomic

    digest = hashlib.sha256(Path(names.__file__).read_bytes())
    indexes = [resolver.index(prefix) for prefix in SEARCHED]
    for prefix, index in zip(SEARCHED, indexes, strict=True):
        digest.update(f"{prefix}:{index.release.sha256 if index else '-'}".encode())
    path = cache_dir() / "names" / f"{digest.hexdigest()[:32]}.names"
    payload = read_sealed(path)
    try:
        cached = marshal.loads(payload) if payload is not None else None
    except (ValueError, EOFError, TypeError):
        cached = None
    if (isinstance(cached, tuple) and len(cached) == 6
            and all(isinstance(part, (list, bytes)) for part in cached)
            and len({len(part) for part in cached}) == 1
            and all(type(t) is str for t in cached[0]) and all(type(c) is str for c in cached[1])):
        return cached
    released = [entry for index in indexes if index is not None for entry in index.names]
    table: Names = ([t for t, _, _, _ in released], [c for _, c, _, _ in released],
                    bytes(int(is_label) for _, _, is_label, _ in released),
                    [f for _, _, _, f in released], [names.compact(t) for t, _, _, _ in released],
                    [names.key(t) for t, _, _, _ in released])
    write_atomic(path, sealed(marshal.dumps(table)))
    return table


_INDEXES: dict[tuple[int, int, int], NameIndex] = {}


def name_index(resolver: Resolver, specs: Specs,
               metadata: Mapping[str, tuple[str, ...]] | None = None) -> NameIndex:
    key = (id(resolver), id(specs), id(metadata))
    if key not in _INDEXES:
        _INDEXES[key] = NameIndex(resolver, specs, metadata)
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
    from trackmeta.request.availability import request_specs
    from trackmeta.specs.organism import organism_specs

    if not isinstance(query, str) or not query.strip():
        raise ArgumentError(f"search() takes a name to look for, such as 'liver', not {query!r}"
                            [:200])
    if not isinstance(limit, int) or limit < 0:
        raise ArgumentError(f"search() takes a limit of 0 or more, not {limit!r}")
    specs = request_specs(metadata, organism) if metadata is not None else organism_specs(organism)
    resolver = resolver_for(specs, ontologies)
    return search_with(query, resolver, specs, metadata, limit=limit, with_tracks=with_tracks)


def search_with(query: str, resolver: Resolver, specs: Specs, metadata: Any = None, *,
                limit: int = SEARCH_LIMIT, with_tracks: bool = False) -> SearchResult:
    from trackmeta.request import availability

    index = availability.load(metadata, specs) if metadata is not None else None
    table = name_index(resolver, specs, index.names if index is not None else None)
    if index is None:
        found = [match for _, match in table.find(query)]
        return SearchResult(query, tuple(found[:limit]), max(0, len(found) - limit))
    totals = {curie: sum(index.total(curie).values()) for curie in {
        c for (_, c) in index.counts}}
    ranked = table.find(query, totals)
    shown: list[Match] = []
    seen: set[str] = set()
    near = _Near(resolver, totals)
    for _, match in ranked:
        if len(shown) >= limit + NEAR and not with_tracks:
            break
        counted = dataclasses.replace(match, tracks=index.total(match.curie))
        if not counted.tracks and match.kind in ("exact", "normalised"):
            # the terms nearest a term named so, that have tracks, stand in for it
            for relative in near.of(match):
                if relative.curie not in seen:
                    seen.add(relative.curie)
                    shown.append(dataclasses.replace(relative, tracks=index.total(
                        relative.curie)))
        if counted.curie not in seen and (counted.tracks or not with_tracks):
            seen.add(counted.curie)
            shown.append(counted)
    return SearchResult(query, tuple(shown[:limit]), max(0, len(ranked) - limit))


class _Near:
    """Terms with tracks nearest a matched term without: descendants first, then ancestors."""

    def __init__(self, resolver: Resolver, totals: Mapping[str, int]) -> None:
        self.resolver = resolver
        self.totals = totals
        self._below: dict[str, list[tuple[str, int]]] | None = None

    def _descendants(self) -> dict[str, list[tuple[str, int]]]:
        if self._below is None:
            self._below = {}
            for curie in self.totals:
                for ancestor, distance in self.resolver.ancestors(curie).items():
                    self._below.setdefault(ancestor, []).append((curie, distance))
        return self._below

    def of(self, match: Match) -> list[Match]:
        below = [(d, -self.totals[c], c, "descendant")
                 for c, d in self._descendants().get(match.curie, []) if d <= NEAR_DISTANCE]
        above = [(d, -self.totals[c], c, "ancestor")
                 for c, d in self.resolver.ancestors(match.curie).items()
                 if d <= NEAR_DISTANCE and self.totals.get(c)]
        chosen = sorted(below)[:NEAR] or sorted(above)[:NEAR]
        return [Match(c, self._label(c), match.matched, match.score, relation,
                      how=f"{relation} of {match.curie} ('{match.label}'), which matched "
                          f"{match.matched!r} ({match.kind})", via=match.curie, distance=d)
                for d, _, c, relation in chosen]

    def _label(self, curie: str) -> str:
        term = self.resolver.term(curie)
        return term.label if term is not None else curie
