"""Vocabularies: pinned word lists (gene names, ENCODE's NTR terms, Cellosaurus names) looked up
by key, read in place.

A vocabulary is declared in ontologies/vocabularies/ (source, version, sha256, licence) and
compiled by `python -m trackmeta.ontology.compile` into a gzip file the package ships: one
`key<TAB>value...` line per entry, sorted by key. The first use on a machine unpacks it into the
cache with a table of line offsets in front, so that a run maps the file and looks keys up by
bisection: opening costs no parsing, whatever the vocabulary's size.
"""

from __future__ import annotations

import gzip
import struct
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from trackmeta.cache import cache_dir, read_entry, write_atomic
from trackmeta.ontology.sources import OntologyError, sha256_file
from trackmeta.resources import data_dir
from trackmeta.specs.model import VocabularyDecl

if TYPE_CHECKING:
    from trackmeta.ontology.histone import HistoneGrammar

MAGIC = b"TMVOCAB1"
_HEADER = struct.Struct("<8sI32s")  # magic, line count, sha256 of the compiled file


class VocabularyError(OntologyError):
    """A shipped vocabulary is missing or does not match its declared checksum (exit 2)."""


def normalised(text: str) -> str:
    """The key names are compared by: case folded, only letters and digits kept
    ('K-562' = 'k562')."""
    return "".join(c for c in text.casefold() if c.isalnum())


class Vocabulary:
    """A compiled vocabulary, mapped: `get(key)` gives every entry filed under the key."""

    def __init__(self, decl: VocabularyDecl) -> None:
        self.decl = decl
        self._map = _unpacked(decl)
        self._count: int = _HEADER.unpack_from(self._map)[1]
        self._lookups = 0
        start = _HEADER.size
        self._offsets = memoryview(self._map)[start:start + 4 * (self._count + 1)].cast("I")
        self._data = start + 4 * (self._count + 1)

    def __len__(self) -> int:
        return self._count

    def _line(self, i: int) -> bytes:
        return self._map[self._data + self._offsets[i]:self._data + self._offsets[i + 1] - 1]

    @cached_property
    def _sample(self) -> list[bytes]:
        """Every _STEP-th line, in memory: a lookup bisects it first, then one block of lines."""
        return [self._line(i) for i in range(0, self._count, _STEP)]

    def _first_at_least(self, wanted: bytes, lo: int = 0) -> int:
        """The first line (at or after `lo`) that sorts at or after `wanted`. The first few
        lookups bisect the mapped lines alone; later ones pay for the sample once."""
        self._lookups += 1
        if self._lookups <= _STEP:
            return bisect_left(range(self._count), wanted, lo, key=self._line)
        block = bisect_left(self._sample, wanted)
        start = max(lo, (block - 1) * _STEP + 1 if block else 0)
        end = max(start, min(block * _STEP, self._count))
        return bisect_left(range(self._count), wanted, start, end, key=self._line)

    def get(self, key: str) -> list[tuple[str, ...]]:
        """The values filed under `key` (each a tuple of the line's other fields). Lines are
        compared whole: a tab sorts before every character a key holds ('CTC\t' < 'CTCF\t'),
        so line order is key order."""
        wanted = key.encode("utf-8") + b"\t"
        i = self._first_at_least(wanted)
        found = []
        while i < self._count and self._line(i).startswith(wanted):
            found.append(tuple(self._line(i).decode("utf-8").split("\t")[1:]))
            i += 1
        return found

    def entries(self) -> Iterator[tuple[str, ...]]:
        """Every line's fields, key first, in key order."""
        for i in range(self._count):
            yield tuple(self._line(i).decode("utf-8").split("\t"))

    def starting(self, prefix: str, limit: int) -> list[tuple[str, ...]]:
        """Up to `limit` entries whose key starts with `prefix`, in key order."""
        wanted = prefix.encode("utf-8")
        i = self._first_at_least(wanted)
        found: list[tuple[str, ...]] = []
        while i < self._count and len(found) < limit and self._line(i).startswith(wanted):
            found.append(tuple(self._line(i).decode("utf-8").split("\t")[1:]))
            i += 1
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.get(key))

    def keys_near(self, key: str, alphabet: str) -> list[str]:
        """Keys one edit (a deleted, inserted, replaced or swapped character) from `key`: a near
        miss found by lookups, not by comparing with every key. Edits are tried position by
        position; once the keys sharing the unedited head are few, they are read and compared
        instead, which covers every later position at once."""
        found: list[str] = []
        for i in range(len(key) + 1):
            head = key[:i].encode("utf-8")
            lo = self._first_at_least(head)
            hi = self._first_at_least(head + b"\xff", lo)
            if hi - lo <= _SCAN:
                keys = (self._line(j).split(b"\t", 1)[0].decode("utf-8") for j in range(lo, hi))
                found += [k for k in keys if _one_edit_apart(key, k)]
                break
            found += [k for k in _edits_at(key, i, alphabet) if k in self]
        return list(dict.fromkeys(k for k in found if k != key))


_STEP = 64  # lines per block of the in-memory sample
_SCAN = 64  # keys read and compared rather than looked up, once this few share a head


def _edits_at(word: str, i: int, alphabet: str) -> Iterator[str]:
    """The words one edit from `word` whose first change is at position `i`."""
    head, tail = word[:i], word[i:]
    if tail:
        yield head + tail[1:]
        if len(tail) > 1:
            yield head + tail[1] + tail[0] + tail[2:]
        for c in alphabet:
            yield head + c + tail[1:]
    for c in alphabet:
        yield head + c + tail


def _one_edit_apart(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y),
             len(short))
    return short[i:] == long_[i + 1:]


def compiled_path(decl: VocabularyDecl) -> Path:
    assert decl.file is not None
    return data_dir("ontologies") / "vocabularies" / decl.file


def unpacked_path(decl: VocabularyDecl) -> Path:
    """Where the cache keeps the unpacked copy, named by the shipped file's pinned sha256."""
    assert decl.sha256 is not None
    return cache_dir() / "vocab" / f"{decl.name}-{decl.sha256[:16]}.vocab"


def _unpacked(decl: VocabularyDecl) -> bytes:
    """The cache's unpacked copy, mapped; made (and the shipped file verified) on first use. A
    cache that cannot be written costs only speed: the copy is then held in memory."""
    assert decl.sha256 is not None
    target = unpacked_path(decl)
    mapped = read_entry(target)  # whole: a copy truncated meanwhile cannot crash the run
    try:
        if mapped is None:
            raise ValueError("not cached")
        magic, count, digest = _HEADER.unpack_from(mapped)
        table = _HEADER.size + 4 * (count + 1)
        (end,) = struct.unpack_from("I", mapped, table - 4)
        if magic == MAGIC and digest.hex() == decl.sha256 and len(mapped) == table + end:
            return mapped  # whole (a file cut short is made again)
    except (OSError, ValueError, struct.error):
        pass
    source = compiled_path(decl)
    if not source.is_file():
        raise VocabularyError(f"{source}: the compiled {decl.name} vocabulary is missing")
    if sha256_file(source) != decl.sha256:
        raise VocabularyError(f"{source}: does not match the sha256 its declaration "
                              f"({decl.name}) pins; recompile it or restore the file")
    import numpy as np  # pandas' own dependency: finds the line ends without a Python loop

    text = gzip.decompress(source.read_bytes())
    body = text.split(b"\n", 1)[1] if text.startswith(b"#") else text  # the compiler's header
    ends = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == ord("\n")) + 1
    offsets = np.concatenate(([0], ends)).astype(np.uint32)  # native order, as cast("I") reads
    data = _HEADER.pack(MAGIC, len(ends), bytes.fromhex(decl.sha256)) + offsets.tobytes() + body
    write_atomic(target, data)
    return data


class Vocabularies:
    """One per run, beside the ontology releases: opens each vocabulary on first need and
    remembers which were used, for the report."""

    def __init__(self, decls: Mapping[str, VocabularyDecl]) -> None:
        self._decls = decls
        self._opened: dict[str, Vocabulary] = {}
        self._used: dict[str, VocabularyDecl] = {}

    def get(self, name: str) -> Vocabulary:
        if name not in self._opened:
            self._opened[name] = Vocabulary(self._decls[name])
        self._used[name] = self._decls[name]
        return self._opened[name]

    def mark(self, name: str) -> None:
        """Name a vocabulary as consulted without opening it: a verdict remembered from an
        earlier run consulted it then, and the report says so either way."""
        self._used[name] = self._decls[name]

    def grammar(self, name: str) -> HistoneGrammar:
        from trackmeta.ontology.histone import HistoneGrammar

        decl = self._decls[name]
        assert decl.grammar is not None
        self._used[name] = decl
        source = str(decl.grammar["variants_from"])

        def variants() -> dict[str, tuple[str, str]]:
            return {symbol: (now, histone) for symbol, now, histone in self.get(source).entries()}

        return HistoneGrammar(decl.grammar, variants)

    def used(self) -> list[dict[str, str | None]]:
        return [decl.report_entry() for _, decl in sorted(self._used.items())]

    def declared(self) -> list[VocabularyDecl]:
        return [decl for _, decl in sorted(self._decls.items())]
