"""The compiled ontology index: id -> (label, synonyms, obsolete, replacements, ancestors).

Compiled once per release from whatever source, and cached on disk keyed by the source's sha256.
The file is read in place (mapped into memory): its header carries its own sha256 and each record
its crc32, checked as it is read; a damaged or stale file is rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import marshal
import re
import struct
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from trackmeta.cache import cache_dir, prune, read_entry, write_atomic

FORMAT = 7  # bump whenever the encoded layout changes
BUILD_WAIT = 120.0  # seconds to wait for another process building the same index


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
    # see `names`: decoded (and, from a file, read) only by the runs that search
    packed_names: bytes | Callable[[], bytes] = b""  # b"": no names

    @cached_property
    def names(self) -> tuple[tuple[str, str, bool, str], ...]:
        """(label or synonym, live id, whether it is the label, the name lower-cased with its
        white space folded) of every live term."""
        packed = self.packed_names if isinstance(self.packed_names, bytes) else self.packed_names()
        names: tuple[tuple[str, str, bool, str], ...] = marshal.loads(packed) if packed else ()
        return names

    def get(self, curie: str) -> Term | None:
        row = self.rows.get(curie)
        return None if row is None else Term(curie, *row)

    def __contains__(self, curie: object) -> bool:
        return curie in self.rows

    def __len__(self) -> int:
        return len(self.rows)


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


MAGIC = b"trackmeta-index\n"
_HEAD = struct.Struct(f"<{len(MAGIC)}sQ32s")  # magic, header length, sha256 of the header


def _encode(index: OntologyIndex) -> bytes:
    """The file: a sealed header (release, sorted ids, each record's span and crc32, the
    replacement map), then one marshalled record per id, then the packed names."""
    r = index.release
    keys = sorted(index.rows)
    records = [marshal.dumps(_plain(index.rows[curie])) for curie in keys]
    spans = array("Q", [0])
    for record in records:
        spans.append(spans[-1] + len(record))
    names = index.packed_names if isinstance(index.packed_names, bytes) else index.packed_names()
    header = marshal.dumps({
        "format": FORMAT,
        "release": (r.prefix, r.version, r.source, r.sha256),
        "keys": tuple(keys),
        "spans": spans.tobytes(),
        "crcs": array("I", [zlib.crc32(record) for record in records]).tobytes(),
        "replaces": dict(index.replaces),
        "names": hashlib.sha256(names).digest(),
    })
    return b"".join([_HEAD.pack(MAGIC, len(header), hashlib.sha256(header).digest()), header,
                     *records, names])


class StoredRows(Mapping[str, Row]):
    """The rows of an index file mapped into memory. The header was verified when the file was
    opened; a record is decoded, and its crc32 checked, the first time it is looked up, so a run
    pays for the terms it looks at, not for the release. A damaged record makes the index be
    rebuilt (through `repair`), and that index answers from then on."""

    def __init__(self, keys: tuple[str, ...], spans: memoryview, crcs: memoryview,
                 view: bytes, base: int, repair: Callable[[], OntologyIndex]) -> None:
        self._keys, self._spans, self._crcs = keys, spans, crcs
        self._view, self._base, self._repair = view, base, repair
        self._rows: dict[str, Row] = {}
        self._rebuilt: OntologyIndex | None = None

    def _position(self, curie: object) -> int:
        keys = self._keys
        at = bisect_left(keys, curie) if isinstance(curie, str) else len(keys)
        return at if at < len(keys) and keys[at] == curie else -1

    def rebuilt(self) -> OntologyIndex:
        """The index built anew from its source (once), after damage was found in the file."""
        if self._rebuilt is None:
            self._rebuilt = self._repair()
        return self._rebuilt

    def __getitem__(self, curie: str) -> Row:
        row = self.get(curie)
        if row is None:
            raise KeyError(curie)
        return row

    def get(self, curie: str, default: Row | None = None) -> Row | None:  # type: ignore[override]
        known = self._rows.get(curie)
        if known is not None:
            return known
        if self._rebuilt is not None:
            return self._rebuilt.rows.get(curie, default)
        at = self._position(curie)
        if at < 0:
            return default
        record = self._view[self._base + self._spans[at]:self._base + self._spans[at + 1]]
        if zlib.crc32(record) != self._crcs[at]:
            return self.rebuilt().rows.get(curie, default)
        row: Row = marshal.loads(record)
        self._rows[curie] = row
        return row

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, curie: object) -> bool:
        return self._position(curie) >= 0


def _names_reader(view: bytes, start: int, digest: bytes,
                  rows: StoredRows) -> Callable[[], bytes]:
    """The packed names, read (and verified) only by the runs that search."""
    def read() -> bytes:
        packed = view[start:]
        if hashlib.sha256(packed).digest() == digest:
            return packed
        rebuilt = rows.rebuilt().packed_names
        return rebuilt if isinstance(rebuilt, bytes) else rebuilt()
    return read


def _opened(path: Path, expected_sha256: str,
            repair: Callable[[], OntologyIndex]) -> OntologyIndex | None:
    """The index in the file at `path`, or None if it is missing, stale or damaged."""
    view = read_entry(path)  # read whole: a file truncated meanwhile cannot crash the run
    if view is None:  # missing, another user's, not a regular file, or too large
        return None
    try:
        magic, length, digest = _HEAD.unpack_from(view)
        header = view[_HEAD.size:_HEAD.size + length]
        if magic != MAGIC or len(header) != length or hashlib.sha256(header).digest() != digest:
            return None
        raw = marshal.loads(header)
        release = Release(*raw["release"])
        keys, spans = raw["keys"], memoryview(raw["spans"]).cast("Q")
        crcs, replaces = memoryview(raw["crcs"]).cast("I"), raw["replaces"]
        names_digest = raw["names"]
    except (struct.error, EOFError, ValueError, TypeError, KeyError):
        return None
    if raw.get("format") != FORMAT or release.sha256 != expected_sha256:
        return None
    base = _HEAD.size + length
    if len(spans) != len(keys) + 1 or len(crcs) != len(keys) or base + spans[-1] > len(view):
        return None
    rows = StoredRows(keys, spans, crcs, view, base, repair)
    return OntologyIndex(release, rows, replaces,
                         _names_reader(view, base + spans[-1], names_digest, rows))


def cache_path(prefix: str, source_sha256: str) -> Path:
    return cache_dir() / "index" / f"{prefix}-{source_sha256[:24]}-f{FORMAT}-m{marshal.version}.idx"


def _drop_other_formats(directory: Path, prefix: str) -> None:
    """Indexes of this prefix in another layout are never read again: free their space."""
    layout = re.compile(rf"{re.escape(prefix)}-[0-9a-f]{{24}}-f(\d+)-m(\d+)\.idx")
    prune(directory, [stale for stale in directory.glob(f"{prefix}-*.idx")
                      if (found := layout.fullmatch(stale.name))
                      and (int(found[1]), int(found[2])) != (FORMAT, marshal.version)])


def shipped_path(prefix: str, source_sha256: str) -> Path:
    """Where this installation keeps the prebuilt index of a pinned release (zstd), written by
    `python -m trackmeta.ontology.ship`: a first run unpacks it instead of compiling the
    release."""
    from trackmeta.resources import prebuilt_dir

    return prebuilt_dir() / f"{cache_path(prefix, source_sha256).name}.zst"


def shippable(index: OntologyIndex) -> bytes:
    """The index as the package ships it: the cache file's bytes, zstd-compressed (zstd, which
    the pinned releases use too, unpacks several times faster than gzip)."""
    import zstandard

    return zstandard.ZstdCompressor(level=19).compress(_encode(completed(index)))


def _unpacked(path: Path, source_sha256: str, shipped: Path | None,
              repair: Callable[[], OntologyIndex]) -> OntologyIndex | None:
    """The shipped index, unpacked into the cache; None where there is none for this source
    and layout, or it does not verify (then the release is compiled as before)."""
    if shipped is None or not shipped.is_file():
        return None
    import zstandard

    try:
        data = zstandard.ZstdDecompressor().decompress(shipped.read_bytes())
    except (OSError, zstandard.ZstdError):
        return None
    write_atomic(path, data)
    return _opened(path, source_sha256, repair)


def load_or_build(
    prefix: str, source_sha256: str, build: Callable[[], OntologyIndex],
    shipped: Path | None = None,
) -> tuple[OntologyIndex, bool]:
    """The cached index for this source, else the shipped one unpacked, else a freshly built
    (and cached) one; True if it was not compiled. Builds are serialised per index across
    processes: one builds, the others wait for its file."""
    path = cache_path(prefix, source_sha256)

    def rebuild() -> OntologyIndex:
        index = completed(build())
        write_atomic(path, _encode(index))
        _drop_other_formats(path.parent, prefix)
        return index

    cached = _opened(path, source_sha256, rebuild)
    if cached is not None:
        return cached, True
    from filelock import FileLock, Timeout

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{path}.lock", timeout=BUILD_WAIT):
            cached = (_opened(path, source_sha256, rebuild)  # built while this one waited
                      or _unpacked(path, source_sha256, shipped, rebuild))
            if cached is not None:
                return cached, True
            return rebuild(), False
    except (OSError, Timeout):  # a cache that cannot be locked (read-only), or a stuck builder
        return rebuild(), False
