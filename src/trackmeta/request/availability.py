"""The track availability index: (output type, CURIE) -> tracks, for one organism's metadata.

What a request returns is decided by the metadata's `ontology_curie`, so `terms`, `search`,
`validate_request` and `guard` all read this. It is built from any shape of the metadata without
pandas (a table through the csv module, the official protobuf through its own parser), and kept
for the life of the process per metadata object or file content.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trackmeta.specs.model import Specs

Row = tuple[str, str, str]  # output type as written, ontology_curie, biosample_name


class MetadataError(ValueError):
    """Metadata that cannot be read for track counts (exit 2)."""


@dataclass(frozen=True)
class Availability:
    """Tracks per (output type, CURIE) and the biosample names the metadata uses per CURIE."""

    counts: Mapping[tuple[str, str], int]
    names: Mapping[str, tuple[str, ...]]  # CURIE -> the biosample names the metadata gives it
    source: str  # what the counts come from, for messages
    by_type: dict[str, dict[str, int]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for (otype, curie), n in self.counts.items():
            self.by_type.setdefault(otype, {})[curie] = n

    def tracks(self, otype: str, curie: str) -> int:
        return self.counts.get((otype, curie), 0)

    def total(self, curie: str) -> dict[str, int]:
        """Tracks per output type under `curie`."""
        return {otype: by[curie] for otype, by in sorted(self.by_type.items()) if curie in by}


def _count(rows: Iterable[Row], specs: Specs, source: str) -> Availability:
    counts: dict[tuple[str, str], int] = {}
    names: dict[str, dict[str, None]] = {}
    spec_of: dict[str, str | None] = {}
    for written, curie, name in rows:
        curie = curie.strip()
        if not curie:
            continue  # padding and term-less tracks (SPLICE_SITES)
        if written not in spec_of:
            spec = specs.output_type(written.strip())
            spec_of[written] = spec.name if spec is not None else None
        otype = spec_of[written]
        if otype is None:
            continue
        key = (otype, curie)
        counts[key] = counts.get(key, 0) + specs.output_types[otype].tracks_per_row
        if name and name.strip():
            names.setdefault(curie, {})[name.strip()] = None
    return Availability(counts, {c: tuple(n) for c, n in names.items()}, source)


def table_records(data: bytes, where: str) -> tuple[list[str], list[list[str]]]:
    """A text table's header and its records (a record of another width is left out: `check`
    reports it), read with the csv module: no pandas on the pre-request path."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MetadataError(f"{where}: not UTF-8 text; check it with `trackmeta check`") from None
    import csv  # only metadata given as a text table

    header_line = text.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";", "|"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        if "ontology_curie" not in header or "output_type" not in header:
            raise MetadataError(f"{where}: metadata needs output_type and ontology_curie columns")
        return header, [record for record in reader if len(record) == len(header)]
    except (csv.Error, StopIteration) as exc:
        raise MetadataError(f"{where}: cannot read as a table ({exc}); check it with "
                            "`trackmeta check`") from None


def _text_rows(data: bytes, where: str) -> Iterator[Row]:
    header, records = table_records(data, where)
    t, c = header.index("output_type"), header.index("ontology_curie")
    n = header.index("biosample_name") if "biosample_name" in header else None
    for record in records:
        yield record[t], record[c], record[n] if n is not None else ""


def _proto_rows(data: bytes, where: str, text: bool) -> Iterator[Row]:
    from trackmeta.io import proto
    from trackmeta.io.table import ReadError

    try:
        response = proto.parse(data, where, text)
    except ReadError as exc:
        raise MetadataError(f"{where}: {exc.failure.message}") from None
    for block in response.blocks:
        for record in block.records:
            term = record.get("ontology_term")
            if term is not None and term.get("ontology_type", 0):
                yield (block.output_type, proto.curie(term),
                       record.get("biosample", {}).get("name", ""))


def _frame_rows(frame: Any, otype: str | None = None) -> Iterator[Row]:
    columns = frame.columns
    if "ontology_curie" not in columns or (otype is None and "output_type" not in columns):
        return
    types = [otype] * len(frame) if otype is not None else frame["output_type"].map(str)
    names = frame["biosample_name"] if "biosample_name" in columns else [""] * len(frame)
    for written, curie, name in zip(types, frame["ontology_curie"], names, strict=True):
        if isinstance(curie, str):
            yield written, curie, name if isinstance(name, str) else ""


def _object_rows(metadata: Any) -> Iterator[Row]:
    from trackmeta.io import sdk

    for otype, frame in sdk.typed_frames(metadata):
        yield from _frame_rows(frame, otype)


def request_specs(metadata: Any, organism: Any) -> Specs:
    """The specs a request answered from `metadata` is judged with: the organism the metadata
    states unless named; the Atlas's scorer metadata is for the Atlas's one organism, and another
    named is an OrganismError naming both."""
    from trackmeta.io import sdk
    from trackmeta.specs.organism import OrganismError, find, metadata_specs, organism_specs

    if not sdk.is_scorer_metadata(metadata):
        return metadata_specs(metadata, organism)
    atlas = organism_specs(sdk.ATLAS_ORGANISM)
    if organism is not None and find(organism, atlas).name != atlas.organism.name:
        raise OrganismError(f"the Atlas serves {atlas.organism.name} ({atlas.organism.title}) "
                            f"variant scores only, not {find(organism, atlas).name}")
    return atlas


_BY_OBJECT: dict[int, Availability] = {}
_BY_CONTENT: dict[tuple[str, str], Availability] = {}


def _forget(key: int) -> None:
    _BY_OBJECT.pop(key, None)


def load(metadata: Any, specs: Specs) -> Availability:
    """The index of a metadata table or official file (path), a DataFrame, or the SDK's
    OutputMetadata; built once per object or file content and organism in a process."""
    if isinstance(metadata, Availability):
        return metadata
    if isinstance(metadata, (str, os.PathLike)):
        return _load_path(Path(metadata), specs)
    key = id(metadata)
    cached = _BY_OBJECT.get(key)
    if cached is not None:
        return cached
    from trackmeta.io import sdk

    if sdk.is_sdk_metadata(metadata):
        try:
            built = _count(_object_rows(metadata), specs, sdk.describe(metadata))
        except sdk.ScorerError as exc:
            raise MetadataError(str(exc)) from None
    elif hasattr(metadata, "columns") and hasattr(metadata, "__len__"):
        built = _count(_frame_rows(metadata), specs, "the DataFrame")
    else:
        raise MetadataError(f"cannot count tracks in a {type(metadata).__name__}: give a table "
                            "path, a DataFrame, the SDK's OutputMetadata or the Atlas's "
                            "scorer metadata")
    try:
        weakref.finalize(metadata, _forget, key)
    except TypeError:
        return built  # an object that cannot be watched is not cached: its id may be reused
    _BY_OBJECT[key] = built
    return built


_BY_STAT: dict[tuple[str, int, int, int, str], Availability] = {}


def _load_path(path: Path, specs: Specs) -> Availability:
    """By content; a file whose size and modification time have not changed since it was read
    in this process is not read again."""
    try:
        info = path.stat()
        stamp = (str(path.resolve()), info.st_size, info.st_mtime_ns, info.st_ino,
                 specs.organism.name)
    except OSError:
        stamp = None
    if stamp is not None and stamp in _BY_STAT:
        return _BY_STAT[stamp]
    built = _read_path(path, specs)
    if stamp is not None:
        _BY_STAT[stamp] = built
    return built


def _read_path(path: Path, specs: Specs) -> Availability:
    from trackmeta.io import proto
    from trackmeta.io.safe import InputError, read_bytes

    try:
        data = read_bytes(path)
    except InputError as exc:
        raise MetadataError(f"{path}: {exc.failure.message}") from None
    digest = hashlib.sha256(data).hexdigest()
    key = (digest, specs.organism.name)
    cached = _BY_CONTENT.get(key)
    if cached is not None:
        return cached
    where = str(path)
    name = path.name.lower().removesuffix(".gz")
    if data[:4] == b"PAR1":
        import pandas as pd

        built = _count(_frame_rows(pd.read_parquet(io.BytesIO(data))), specs, where)
    elif proto.is_textproto(data) or name.endswith(proto.TEXT_SUFFIXES):
        built = _count(_proto_rows(data, where, True), specs, where)
    elif name.endswith((".binpb", ".pb")):
        built = _count(_proto_rows(data, where, False), specs, where)
    else:
        built = _count(_text_rows(data, where), specs, where)
    _BY_CONTENT[key] = built
    return built


# -- the metadata remembered per organism, so that later calls need no --metadata --------------

def _memory(organism: str) -> Path:
    from trackmeta.cache import cache_dir

    return cache_dir() / "metadata" / f"{organism}.json"


@dataclass(frozen=True)
class Remembered:
    path: Path
    sha256: str
    when: str

    @property
    def present(self) -> bool:
        return self.path.is_file()

    def describe(self) -> str:
        """Where it is and what it holds now: the current sha256, and whether it changed since
        it was remembered."""
        from trackmeta.ontology.sources import sha256_file

        if not self.present:
            return f"{self.path} is gone (remembered {self.when}); pass --metadata"
        try:
            now = sha256_file(self.path)
        except OSError as exc:
            return f"{self.path} cannot be read ({exc.strerror}); pass --metadata"
        changed = "" if now == self.sha256 else (
            f", changed since it was remembered (then sha256 {self.sha256[:12]})")
        return f"{self.path} (sha256 {now[:12]}, remembered {self.when}{changed})"


def remember(path: Path, organism: str) -> None:
    from datetime import datetime, timezone

    from trackmeta.cache import write_atomic
    from trackmeta.ontology.sources import sha256_file
    record = {"path": str(path.resolve()), "sha256": sha256_file(path),
              "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    write_atomic(_memory(organism), json.dumps(record).encode())


def remembered(organism: str) -> Remembered | None:
    """The metadata last given for this organism (it may since have changed or gone)."""
    from trackmeta.cache import read_entry

    data = read_entry(_memory(organism), 1 << 16)
    if data is None:
        return None
    try:
        record = json.loads(data)
        return Remembered(Path(record["path"]), str(record["sha256"]), str(record["when"]))
    except (ValueError, KeyError, TypeError):
        return None
