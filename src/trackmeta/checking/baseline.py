"""Baselines: today's findings recorded so that a CI gate fails only on new ones.

An entry names a finding by rule, file (relative to the baseline file), track identity, column
and value, never by line: it survives row reordering and unrelated edits. Entries are counted, so
one more identical defect is still new. The file is sorted, deterministic JSON.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackmeta.findings import Finding
from trackmeta.identity import TrackId

FORMAT = 1
Key = tuple[str, str, tuple[str, str, str, str] | None, str | None, str | None]


class BaselineError(ValueError):
    """A baseline file trackmeta cannot read (exit 2)."""


def _file(path: str | None, root: Path) -> str:
    if path is None or path.startswith("<"):
        return path or ""
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


def key(finding: Finding, root: Path) -> Key:
    t = finding.track
    track = (t.organism, t.output_type, t.name, t.strand) if t is not None else None
    return finding.code, _file(finding.path, root), track, finding.column, finding.value


def _entry(k: Key, count: int) -> dict[str, Any]:
    code, file, track, column, value = k
    return {"code": code, "file": file,
            "track": TrackId(*track)._asdict() if track is not None else None,
            "column": column, "value": value, "count": count}


def _sort(k: Key) -> tuple[str, ...]:
    code, file, track, column, value = k
    return (file, code, *(track or ("", "", "", "")), column or "", value or "")


def record(findings: Iterable[Finding], root: Path) -> str:
    """The baseline document for these findings, relative to `root` (the baseline's folder)."""
    counts = Counter(key(f, root) for f in findings)
    entries = [_entry(k, counts[k]) for k in sorted(counts, key=_sort)]
    return json.dumps({"trackmeta_baseline": FORMAT, "entries": entries}, indent=2,
                      ensure_ascii=False, sort_keys=True) + "\n"


def load(path: Path) -> Counter[Key]:
    from trackmeta.sidefiles import SideFileError, describe_unreadable, load_json

    if describe_unreadable(path) == "no such file or directory":
        raise BaselineError(f"{path}: no such baseline; make one with `trackmeta baseline`")
    try:
        document = load_json(path, "baseline")
    except SideFileError as exc:
        raise BaselineError(str(exc)) from None
    if not isinstance(document, dict) or document.get("trackmeta_baseline") != FORMAT:
        raise BaselineError(f"{path}: not a trackmeta baseline (format {FORMAT})")
    entries = document.get("entries", [])
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: entries: expected a list of entries, not {entries!r}"[:200])
    counts: Counter[Key] = Counter()
    for number, entry in enumerate(entries, 1):
        try:
            track = entry["track"]
            ident = (None if track is None else
                     (track["organism"], track["output_type"], track["name"], track["strand"]))
            count = entry["count"]
            key_ = (entry["code"], entry["file"], ident, entry["column"], entry["value"])
        except (KeyError, TypeError):
            raise BaselineError(f"{path}: entry {number} is damaged") from None
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise BaselineError(f"{path}: entry {number}: count must be a whole number of 1 or "
                                f"more, not {count!r}")
        texts = [*key_[:2], *key_[3:], *(ident or ())]
        if not all(v is None or isinstance(v, str) for v in texts):
            raise BaselineError(f"{path}: entry {number} is damaged: its fields must be text")
        counts[key_] += count
    return counts


@dataclass(frozen=True)
class Applied:
    findings: tuple[Finding, ...]  # the new ones
    baselined: int
    fixed: tuple[Mapping[str, Any], ...]  # entries no longer found: the baseline can shrink


def apply(findings: Iterable[Finding], baseline: Counter[Key], root: Path,
          files: Iterable[str], present: Collection[TrackId | None] = ()) -> Applied:
    """The findings the baseline does not hold; entries of the checked `files` (and of the
    release level) that no finding matched are `fixed`. A finding whose track was renamed only
    where its name embeds a term (what `fix` does with a replaced CURIE) matches the entry of
    the old name, when no track of that name is `present` any more and the match is the only
    one: the finding moved, it is not new."""
    checked = {_file(f, root) for f in files} | {""}
    left = Counter({k: n for k, n in baseline.items() if k[1] in checked})
    new: list[Finding] = []
    unmatched: list[tuple[Finding, Key]] = []
    baselined = 0
    for f in findings:
        k = key(f, root)
        if left[k] > 0:
            left[k] -= 1
            baselined += 1
        else:
            unmatched.append((f, k))
    gone = {k for k, n in left.items() if n > 0 and k[2] is not None
            and TrackId(*k[2]) not in present}
    by_shape: dict[Key, list[Key]] = {}
    for k in gone:
        by_shape.setdefault(_shape(k), []).append(k)
    for f, k in unmatched:
        moved = [old for old in by_shape.get(_shape(k), []) if left[old] > 0 and old != k]
        if len(moved) == 1:
            left[moved[0]] -= 1
            baselined += 1
        else:
            new.append(f)
    fixed = tuple(_entry(k, n) for k, n in sorted(left.items(), key=lambda kv: _sort(kv[0]))
                  if n > 0)
    return Applied(tuple(new), baselined, fixed)


_CURIE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+:\d+")


def _shape(k: Key) -> Key:
    """The key with the CURIEs a track name embeds set aside."""
    code, file, track, column, value = k
    if track is None:
        return k
    organism, output_type, name, strand = track
    return code, file, (organism, output_type, _CURIE.sub("\0", name), strand), column, value
