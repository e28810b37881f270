"""What changed between two metadata releases: tracks added, removed and changed (by field),
keyed by track identity, never by line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trackmeta.findings import UsageError
from trackmeta.identity import TrackId


@dataclass(frozen=True)
class Change:
    track: TrackId
    fields: Mapping[str, tuple[str, str]]  # column -> (old, new)


@dataclass(frozen=True)
class ReleaseDiff:
    old: tuple[str, ...]
    new: tuple[str, ...]
    added: tuple[TrackId, ...]
    removed: tuple[TrackId, ...]
    changed: tuple[Change, ...]
    by_type: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": list(self.old), "new": list(self.new),
            "summary": {"added": len(self.added), "removed": len(self.removed),
                        "changed": len(self.changed),
                        "by_output_type": {t: dict(c) for t, c in sorted(self.by_type.items())}},
            "added": [t._asdict() for t in self.added],
            "removed": [t._asdict() for t in self.removed],
            "changed": [{"track": c.track._asdict(),
                         "fields": {k: {"old": o, "new": n} for k, (o, n) in c.fields.items()}}
                        for c in self.changed],
        }


def _tracks(paths: Sequence[str | Path], organism: Any, organisms: set[str]
            ) -> dict[TrackId, dict[str, str]]:
    """Every track of a release by identity (a repeated identity gets `#2`, `#3` appended);
    the organisms its files are read as go into `organisms`."""
    from trackmeta.checking.output_types import default_type, row_types
    from trackmeta.checking.release import Manifest
    from trackmeta.io.readers import expand_paths, read_path
    from trackmeta.io.table import ReadError, drop_padding
    from trackmeta.specs.model import default_specs
    from trackmeta.specs.organism import OrganismError, chosen_for, find

    base = default_specs()
    inputs = expand_paths(Path(p) for p in paths)
    if inputs.failures:
        raise ValueError(f"{inputs.failures[0].path}: {inputs.failures[0].message}")
    tracks: dict[TrackId, dict[str, str]] = {}
    for path in inputs.files:
        try:
            table = drop_padding(read_path(path))
        except ReadError as exc:
            raise ValueError(f"{exc.failure.path}: {exc.failure.message}") from None
        manifest = inputs.manifest_of.get(path)
        try:
            chosen = chosen_for(table.path, find(organism, base) if organism is not None else None,
                                Manifest.read(manifest, base).organism if manifest else None, base)
        except OrganismError as exc:
            raise UsageError(str(exc)) from None
        organisms.add(chosen.name)
        specs = base.for_organism(chosen.name)
        types, _ = row_types(table, default_type(table.path, None, specs), specs)
        frame = table.frame
        for row, otype in zip(frame.index, types, strict=True):
            values = {str(k): str(v) for k, v in frame.loc[row].items() if k != "output_type"}
            ident = TrackId(chosen.name, str(otype) or "?", values.get("name", ""),
                            values.get("strand", ""))
            key, n = ident, 1
            while key in tracks:
                n += 1
                key = ident._replace(name=f"{ident.name}#{n}")
            tracks[key] = values
    return tracks


EMBEDDED = ("ontology_curie", "transcription_factor", "histone_mark")  # what track names embed


def _renamed(before: Mapping[TrackId, Mapping[str, str]], after: Mapping[TrackId, Mapping[str, str]],
             paired: Mapping[TrackId, TrackId]) -> dict[TrackId, TrackId]:
    """Tracks whose name changed only where it embeds the row's own term, ChIP target or histone
    mark (what `fix` does with a replaced term or a respelt target): one track renamed, not one
    removed and one added. Each embedded column is set aside alone first, then all together; a
    name that is not unique once they are set aside is left unpaired rather than guessed."""
    def shapes(tracks: Mapping[TrackId, Mapping[str, str]], taken: Iterable[TrackId],
               columns: Sequence[str]) -> dict[TrackId, TrackId | None]:
        found: dict[TrackId, TrackId | None] = {}
        for ident in set(tracks) - set(taken):
            name = ident.name
            for column in columns:
                value = tracks[ident].get(column, "").strip()
                if value and value in name:
                    name = name.replace(value, f"{{{column}}}")
            if name == ident.name:
                continue
            shape = ident._replace(name=name)
            found[shape] = None if shape in found else ident
        return found

    renamed: dict[TrackId, TrackId] = {}
    for columns in (*((c,) for c in EMBEDDED), EMBEDDED):
        taken = {**paired, **renamed}
        olds = shapes(before, taken, columns)
        news = shapes(after, taken.values(), columns)
        renamed.update({old: new for shape, old in olds.items()
                        if old is not None and (new := news.get(shape)) is not None})
    return renamed


def diff(old: Sequence[str | Path] | str | Path, new: Sequence[str | Path] | str | Path, *,
         organism: Any = None) -> ReleaseDiff:
    """Compare two releases (tables or release directories, in any format `check` reads)."""
    olds = [old] if isinstance(old, (str, Path)) else list(old)
    news = [new] if isinstance(new, (str, Path)) else list(new)
    was: set[str] = set()
    now: set[str] = set()
    before, after = _tracks(olds, organism, was), _tracks(news, organism, now)
    if was and now and was != now:
        raise UsageError(f"{', '.join(map(str, olds))} is {' and '.join(sorted(was))} metadata "
                         f"and {', '.join(map(str, news))} is {' and '.join(sorted(now))}: a "
                         "diff compares two releases of one organism")
    pairs = {ident: ident for ident in set(before) & set(after)}
    pairs.update(_renamed(before, after, pairs))
    added = tuple(sorted(set(after) - set(pairs.values())))
    removed = tuple(sorted(set(before) - set(pairs)))
    changed = []
    for ident in sorted(pairs):
        a, b = before[ident], after[pairs[ident]]
        fields = {c: (a.get(c, ""), b.get(c, "")) for c in sorted(set(a) | set(b))
                  if a.get(c, "") != b.get(c, "")}
        if fields:
            changed.append(Change(ident, fields))
    by_type: dict[str, Counter[str]] = {}
    for kind, idents in (("added", added), ("removed", removed),
                         ("changed", tuple(c.track for c in changed))):
        for ident in idents:
            by_type.setdefault(ident.output_type, Counter())[kind] += 1
    return ReleaseDiff(tuple(map(str, olds)), tuple(map(str, news)), added, removed,
                       tuple(changed), by_type)
