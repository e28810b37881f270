"""The compiled ontology index: id -> (label, synonyms, obsolete, replacements, ancestors).

Compiled once per release from whatever source, and cached on disk keyed by the source's sha256.
A cache file carries the sha256 of its own payload: a corrupt or stale file is rebuilt, never trusted.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from trackmeta.cache import cache_dir, sealed, unsealed, write_atomic

FORMAT = 6  # bump whenever the encoded layout changes


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    synonyms: tuple[tuple[str, str], ...]  # (text, scope); scope "" where the source has none
    obsolete: bool
    replaced_by: tuple[str, ...]
    consider: tuple[str, ...]
    ancestors: Mapping[str, int]  # every is_a/part_of ancestor -> shortest distance
    merged_into: str | None = None  # an alt_id: the primary id it was merged into

    @property
    def parents(self) -> tuple[str, ...]:
        return tuple(sorted(a for a, d in self.ancestors.items() if d == 1))


@dataclass(frozen=True)
class Release:
    """Which release an index was compiled from: named in every report."""

    prefix: str
    version: str
    source: str  # cellxgene-ontology-guide, a file path, or a pulled URL
    sha256: str  # of the source file

    def describe(self) -> str:
        return f"{self.prefix} {self.version} ({self.source})"


Row = tuple[str, tuple[tuple[str, str], ...], bool, tuple[str, ...], tuple[str, ...],
            Mapping[str, int], str | None]


def row_of(term: Term) -> Row:
    return (term.label, term.synonyms, term.obsolete, term.replaced_by, term.consider,
            dict(term.ancestors), term.merged_into)


@dataclass(frozen=True)
class OntologyIndex:
    """Terms kept as plain tuples (fast to load); a Term is made only for the ids looked up."""

    release: Release
    rows: Mapping[str, Row]
    # live id -> the obsolete (or merged) ids whose replacement it is: where metadata may still
    # file the tracks of a live term
    replaces: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    packed_names: bytes = marshal.dumps(())  # see `names`: decoded only by the runs that search

    @cached_property
    def names(self) -> tuple[tuple[str, str, bool, str], ...]:
        """(label or synonym, live id, whether it is the label, the name lower-cased with its
        white space folded) of every live term."""
        names: tuple[tuple[str, str, bool, str], ...] = marshal.loads(self.packed_names)
        return names

    def get(self, curie: str) -> Term | None:
        row = self.rows.get(curie)
        return None if row is None else Term(curie, *row)

    def __contains__(self, curie: object) -> bool:
        return curie in self.rows

    def __len__(self) -> int:
        return len(self.rows)


class LazyRows(Mapping[str, Row]):
    """Rows kept marshalled per term and decoded on first access: loading a release costs one
    small marshal.loads, and a run pays only for the terms it looks at."""

    def __init__(self, packed: Mapping[str, bytes]) -> None:
        self._packed = packed
        self._rows: dict[str, Row] = {}

    def __getitem__(self, curie: str) -> Row:
        row = self._rows.get(curie)
        if row is None:
            row = self._rows[curie] = marshal.loads(self._packed[curie])
        return row

    def get(self, curie: str, default: Row | None = None) -> Row | None:  # type: ignore[override]
        return self[curie] if curie in self._packed else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __contains__(self, curie: object) -> bool:
        return curie in self._packed


def _plain(row: Row) -> Any:
    """A row as marshal takes it: plain tuples and dicts."""
    label, synonyms, obsolete, replaced_by, consider, ancestors, merged_into = row
    return (label, synonyms, obsolete, replaced_by, consider, dict(ancestors), merged_into)


def fold_name(text: str) -> str:
    """A name as searches compare it: lower case, runs of white space as one space."""
    return " ".join(text.lower().split())


def completed(index: OntologyIndex) -> OntologyIndex:
    """The index with what is derived from all its rows, computed once when it is built: the
    reverse replacement map and the name table that `search` reads."""
    replaces: dict[str, list[str]] = {}
    names: list[tuple[str, str, bool, str]] = []
    rows = index.rows
    for curie, row in rows.items():
        label, synonyms, obsolete, replaced_by = row[0], row[1], row[2], row[3]
        if not obsolete:
            names.append((label, curie, True, fold_name(label)))
            names.extend((text, curie, False, fold_name(text)) for text, _ in synonyms)
            continue
        seen = {curie}
        target = replaced_by[0] if len(replaced_by) == 1 else None
        while target is not None and target in rows and rows[target][2] and target not in seen:
            seen.add(target)
            following = rows[target][3]
            target = following[0] if len(following) == 1 else None
        if target is not None and target in rows and not rows[target][2]:
            replaces.setdefault(target, []).append(curie)
    return OntologyIndex(index.release, index.rows,
                         {live: tuple(sorted(old)) for live, old in replaces.items()},
                         marshal.dumps(tuple(names)))


def _encode(index: OntologyIndex) -> bytes:
    r = index.release
    payload = marshal.dumps({
        "format": FORMAT,
        "release": (r.prefix, r.version, r.source, r.sha256),
        "rows": {curie: marshal.dumps(_plain(row)) for curie, row in index.rows.items()},
        "replaces": dict(index.replaces),
        "names": index.packed_names,
    })
    return sealed(payload)


def _decode(data: bytes, expected_sha256: str) -> OntologyIndex | None:
    payload = unsealed(data)
    if payload is None:
        return None
    try:
        raw = marshal.loads(payload)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            return None
        release = Release(*raw["release"])
        rows, replaces, names = raw["rows"], raw["replaces"], raw["names"]
    except (EOFError, ValueError, TypeError, KeyError):
        return None
    if release.sha256 != expected_sha256 or not isinstance(rows, dict):
        return None
    return OntologyIndex(release, LazyRows(rows), replaces, names)


def cache_path(prefix: str, source_sha256: str) -> Path:
    return cache_dir() / "index" / f"{prefix}-{source_sha256[:24]}-f{FORMAT}-m{marshal.version}.idx"


def load_or_build(
    prefix: str, source_sha256: str, build: Callable[[], OntologyIndex]
) -> tuple[OntologyIndex, bool]:
    """The cached index for this source, or a freshly built (and cached) one; True if cached."""
    path = cache_path(prefix, source_sha256)
    try:
        cached = _decode(path.read_bytes(), source_sha256)
    except OSError:
        cached = None
    if cached is not None:
        return cached, True
    index = completed(build())
    write_atomic(path, _encode(index))
    return index, False
