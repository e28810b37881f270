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
import mmap
import struct
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from trackmeta.cache import cache_dir, write_atomic
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
        start = _HEADER.size
        self._offsets = memoryview(self._map)[start:start + 4 * (self._count + 1)].cast("I")
        self._data = start + 4 * (self._count + 1)

    def __len__(self) -> int:
        return self._count

    def _line(self, i: int) -> bytes:
        return self._map[self._data + self._offsets[i]:self._data + self._offsets[i + 1] - 1]

    def _key(self, i: int) -> bytes:
        return self._line(i).split(b"\t", 1)[0]

    def get(self, key: str) -> list[tuple[str, ...]]:
        """The values filed under `key` (each a tuple of the line's other fields)."""
        wanted = key.encode("utf-8")
        i = bisect_left(range(self._count), wanted, key=self._key)
        found = []
        while i < self._count:
            fields = self._line(i).decode("utf-8").split("\t")
            if fields[0] != key:
                break
            found.append(tuple(fields[1:]))
            i += 1
        return found

    def starting(self, prefix: str, limit: int) -> list[tuple[str, ...]]:
        """Up to `limit` entries whose key starts with `prefix`, in key order."""
        wanted = prefix.encode("utf-8")
        i = bisect_left(range(self._count), wanted, key=self._key)
        found: list[tuple[str, ...]] = []
        while i < self._count and len(found) < limit and self._key(i).startswith(wanted):
            found.append(tuple(self._line(i).decode("utf-8").split("\t")[1:]))
            i += 1
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.get(key))

    def keys_near(self, key: str, alphabet: str) -> list[str]:
        """Keys one edit (a deleted, inserted, replaced or swapped character) from `key`: a near
        miss found by lookups rather than by comparing with every key."""
        return [k for k in dict.fromkeys(_one_edit(key, alphabet)) if k != key and k in self]


def _one_edit(word: str, alphabet: str) -> Iterator[str]:
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
            for c in alphabet:
                yield head + c + tail[1:]
        for c in alphabet:
            yield head + c + tail


def compiled_path(decl: VocabularyDecl) -> Path:
    assert decl.file is not None
    return data_dir("ontologies") / "vocabularies" / decl.file


def _unpacked(decl: VocabularyDecl) -> mmap.mmap | bytes:
    """The cache's unpacked copy, mapped; made (and the shipped file verified) on first use. A
    cache that cannot be written costs only speed: the copy is then held in memory."""
    assert decl.sha256 is not None
    target = cache_dir() / "vocab" / f"{decl.name}-{decl.sha256[:16]}.vocab"
    try:
        with target.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
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
    lines = [line for line in gzip.decompress(source.read_bytes()).split(b"\n")
             if line and not line.startswith(b"#")]
    offsets, position = array("I", [0]), 0
    for line in lines:
        position += len(line) + 1
        offsets.append(position)
    data = (_HEADER.pack(MAGIC, len(lines), bytes.fromhex(decl.sha256)) + offsets.tobytes()
            + b"".join(line + b"\n" for line in lines))
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

    def grammar(self, name: str) -> HistoneGrammar:
        from trackmeta.ontology.histone import HistoneGrammar

        decl = self._decls[name]
        assert decl.grammar is not None
        self._used[name] = decl
        return HistoneGrammar(decl.grammar)

    def used(self) -> list[dict[str, str | None]]:
        return [decl.report_entry() for _, decl in sorted(self._used.items())]

    def declared(self) -> list[VocabularyDecl]:
        return [decl for _, decl in sorted(self._decls.items())]
