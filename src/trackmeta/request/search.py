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
        self._lines: dict[tuple[int, str], set[str]] | None = None  # see lines_of

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
        Where the whole query names no term exactly or normalised (with `tracks`: no term that
        has some), it is searched again less its qualifier words ('mouse liver', 'K562 cell
        line'), those matches ranking after the whole query's of their kind. Within a kind,
        with `tracks`, terms that have some come first."""
        best: dict[str, tuple[tuple[Any, ...], int, int, float, tuple[str, ...]]] = {}

        def offer(position: int, tier: int, score: float, step: int,
                  taken: tuple[str, ...]) -> None:
            curie, how = self.curies[position], self.hows[position]
            none = tracks is not None and not tracks.get(curie)
            rank = (tier, step, none, how != "label", -score, len(self.texts[position]), curie)
            if curie not in best or rank < best[curie][0]:
                best[curie] = (rank, position, tier, score, taken)

        steps: list[tuple[str, tuple[str, ...]]] = [(query, ()), *names.unqualified(query)]
        for step, (text, taken) in enumerate(steps):
            if step and any(t < 2 and (tracks is None or tracks.get(self.curies[p]))
                            for _, p, t, _, _ in best.values()):
                break  # the query named something (with tracks): its qualifiers are its name
            for position, tier, score in self._named(text):
                offer(position, tier, score, step, taken)
        if not names.abbreviation_like(query) and not any(t < 2 for _, _, t, _, _ in best.values()):
            from rapidfuzz import fuzz, process

            for _, score, position in process.extract(
                    fold_name(query), self.folded, scorer=fuzz.QRatio, limit=50,
                    score_cutoff=FUZZY_CUTOFF):
                offer(position, 3, min(float(score), 89.0), 0, ())
        ranked = sorted(best.values(), key=lambda item: item[0])
        return [(rank, Match(self.curies[p], self.label(self.curies[p]) or self.texts[p],
                             self.texts[p], round(score, 1), _TIERS[tier],
                             how=self.hows[p] + _qualified(taken)))
                for rank, p, tier, score, taken in ranked]

    def named(self, name: str) -> set[str]:
        """The terms this name names exactly or normalised."""
        return {self.curies[p] for p, tier, _ in self._named(name) if tier < 2}

    def lines_of(self, name: str) -> set[str]:
        """The terms named '<name> derived cell line' (EFO's classes of the cell lines of a
        cell type), found through a table of the few names of that form, made once."""
        if self._lines is None:
            self._lines = {}
            for text, curie, folded in zip(self.texts, self.curies, self.folded, strict=True):
                if folded.endswith(_DERIVED):
                    for form in _forms(text[: -len(_DERIVED)]):
                        self._lines.setdefault(form, set()).add(curie)
        return set().union(*(self._lines.get(form, set()) for form in _forms(name)))

    def _named(self, query: str) -> Iterator[tuple[int, int, float]]:
        """(name's position, tier, score) of each name the query names exactly, normalised, or
        with all its words."""
        wanted = fold_name(query)
        if not wanted:
            return
        for position in [i for i, f in enumerate(self.folded) if f == wanted]:
            yield position, 0, 100.0
        compact, key = names.compact(query), names.key(query)
        for position in [i for i, (c, k) in enumerate(zip(self.compacts, self.keys, strict=True))
                         if (compact and c == compact) or (key and k == key)]:
            yield position, 1, 95.0
        query_words = names.words(query)
        if query_words:
            first = min(query_words, key=len)
            for position in [i for i, k in enumerate(self.keys) if first in k]:
                words = self.keys[position].split()
                if query_words <= set(words):
                    yield position, 2, 90.0 * len(query_words) / len(words)


_DERIVED = " derived cell line"


def _forms(name: str) -> list[tuple[int, str]]:
    """A name's exact and normalised forms, each with what kind of form it is."""
    return [(kind, form) for kind, form in enumerate(
        (fold_name(name), names.compact(name), names.key(name))) if form]


def _qualified(taken: tuple[str, ...]) -> str:
    """How a match found without the query's qualifier words says so."""
    if not taken:
        return ""
    return "; " + ", ".join(repr(t) for t in taken) + " read as " + (
        "a qualifier" if len(taken) == 1 else "qualifiers") + ", not part of the name"


def _declared_names(resolver: Resolver, specs: Specs) -> Iterator[tuple[str, str, str]]:
    """Names the releases do not carry: GTEx portal and file names, ENCODE's NTR names, the
    declared abbreviations."""
    for tissue in specs.gtex_tissues:
        yield tissue.display, tissue.curie, "GTEx portal name"
        yield tissue.name, tissue.curie, "GTEx file name"
    ntr = specs.ontologies.get("NTR")
    if ntr is not None and ntr.vocabulary is not None:
        for curie, name, *_ in resolver.words.get(ntr.vocabulary).entries():
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
    cell_lines = specs.biosample_types.get("cell_line")
    near = _Near(resolver, totals, index.names, table,
                 cell_lines.branches.get("EFO", ()) if cell_lines is not None else ())
    # each match with the terms that stand in for it where it has no tracks; a match that leads
    # to no tracks at all ranks after every one that does (it is still shown)
    groups: list[tuple[bool, int, list[Match]]] = []
    leading = 0  # matches shown so far that have tracks or lead to some
    for order, (_, match) in enumerate(ranked[:_CONSIDERED + limit]):
        if leading >= limit:
            break  # every later match ranks after these
        counted = dataclasses.replace(match, tracks=index.total(match.curie))
        relatives = ([dataclasses.replace(r, tracks=index.total(r.curie)) for r in near.of(match)]
                     if not counted.tracks and match.kind in _STOOD_IN_FOR else [])
        nowhere = not counted.tracks and not relatives
        leading += 0 if nowhere else len(relatives) + bool(counted.tracks)
        groups.append((nowhere, order, [*relatives, counted]))
    shown: list[Match] = []
    seen: set[str] = set()
    for _, _, group in sorted(groups, key=lambda g: (g[0], g[1])):
        for match in group:
            if match.curie not in seen and (match.tracks or not with_tracks):
                seen.add(match.curie)
                shown.append(match)
    return SearchResult(query, tuple(shown[:limit]), max(0, len(ranked) - limit))


_CONSIDERED = 50  # matches weighed for a search, beyond the limit
_STOOD_IN_FOR = ("exact", "normalised")


_NAMED_AFTER = "named after"


class _Near:
    """Terms with tracks nearest a matched term without: descendants first, then ancestors,
    then the cell lines of a cell type (EFO files them under '<cell type> derived cell line':
    'iPSC' -> 'iPSC derived cell line' -> WTC11), then the term its label names less its
    qualifier words ('mouse embryonic fibroblast cell' -> 'embryonic fibroblast'), then terms
    named after it (a cell line's sublines and clones, where the release links none to its
    parent: 'HeLa' -> 'HeLa-S3')."""

    def __init__(self, resolver: Resolver, totals: Mapping[str, int],
                 written: Mapping[str, tuple[str, ...]], table: NameIndex,
                 lines: tuple[str, ...]) -> None:
        self.resolver = resolver
        self.totals = totals
        self.written = written  # the metadata's own names of each term with tracks
        self.table = table
        self.lines = lines  # the roots of the organism's cell lines: named-after is theirs
        self._below: dict[str, list[tuple[str, int]]] | None = None
        self._openings: list[tuple[tuple[str, ...], str]] | None = None

    def _descendants(self) -> dict[str, list[tuple[str, int]]]:
        if self._below is None:
            self._below = {}
            for curie in self.totals:
                for ancestor, distance in self.resolver.ancestors(curie).items():
                    self._below.setdefault(ancestor, []).append((curie, distance))
        return self._below

    def _under(self, curie: str) -> list[tuple[int, int, str]]:
        return sorted((d, -self.totals[c], c) for c, d in self._descendants().get(curie, [])
                      if d <= NEAR_DISTANCE)[:NEAR]

    def of(self, match: Match) -> list[Match]:
        found = f"{match.curie} ('{match.label}'), which matched {match.matched!r} ({match.kind})"
        below = self._under(match.curie)
        if below:
            return [self._stand_in(c, match, "descendant", f"descendant of {found}", d)
                    for d, _, c in below]
        above = sorted((d, -self.totals[c], c)
                       for c, d in self.resolver.ancestors(match.curie).items()
                       if d <= NEAR_DISTANCE and self.totals.get(c))[:NEAR]
        if above:
            return [self._stand_in(c, match, "ancestor", f"ancestor of {found}", d)
                    for d, _, c in above]
        for line in sorted(self._derived_lines(match.curie)):
            lines = self._under(line)
            if lines:
                return [self._stand_in(c, match, "cell line",
                                       f"a cell line of {found}, filed under {line} "
                                       f"('{self._label(line)}')", d) for d, _, c in lines]
        plain = self._unqualified(match)
        if plain:
            return [self._stand_in(c, match, "unqualified",
                                   f"named as {found} is, less its qualifier words", None)
                    for c in plain]
        return [self._stand_in(c, match, _NAMED_AFTER, f"named after {found}", None)
                for c in self._named_after(match)]

    def _stand_in(self, curie: str, match: Match, kind: str, how: str,
                  distance: int | None) -> Match:
        return Match(curie, self._label(curie), match.matched, match.score, kind, how=how,
                     via=match.curie, distance=distance)

    def _unqualified(self, match: Match) -> list[str]:
        """Terms with tracks named as the match's label is less its qualifier words: EFO's
        organism-specific cell types ('mouse embryonic fibroblast cell') stand for CL's
        ('embryonic fibroblast'), which the metadata uses."""
        found: set[str] = set()
        for text, _ in names.unqualified(match.label):
            found |= {c for c in self.table.named(text) if self.totals.get(c)} - {match.curie}
            if found:
                break
        return sorted(found, key=lambda c: (-self.totals[c], c))[:NEAR]

    def _derived_lines(self, curie: str) -> set[str]:
        """The terms named '<a name of this term> derived cell line'."""
        term = self.resolver.term(curie)
        if term is None:
            return set()
        return {line for name in (term.label, *(text for text, _ in term.synonyms))
                for line in self.table.lines_of(name)} - {curie}

    def _named_after(self, match: Match) -> list[str]:
        """Cell lines with tracks whose name, in the metadata or the release, opens with the
        matched cell line's name as whole words ('LNCaP' -> 'LNCaP clone FGC'), most tracks
        first."""
        if self._openings is None:
            self._openings = [(tuple(names.tokens(n)), c) for c in self.totals
                              for n in {*self.written.get(c, ()), self._label(c)}]
        opening = tuple(names.tokens(match.matched))
        if not opening or not self.resolver.is_under(match.curie, self.lines):
            return []  # a tissue or cell type is not what terms opening with its name are
        found = {c for tokens, c in self._openings if len(tokens) > len(opening)
                 and tokens[:len(opening)] == opening and c != match.curie
                 and self.resolver.is_under(c, self.lines)}
        return sorted(found, key=lambda c: (-self.totals[c], c))[:NEAR]

    def _label(self, curie: str) -> str:
        term = self.resolver.term(curie)
        return term.label if term is not None else curie
