"""Baselines: today's findings recorded so that a CI gate fails only on new ones.

An entry names a finding by rule, file, track identity, column and value, never by line: it
survives row reordering and unrelated edits. The file is named as it is inside its release (its
path below the release directory, or its own name when given alone), so a release directory
renamed or moved keeps every match. Entries are counted, so one more identical defect is still
new. The file is sorted, deterministic JSON.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackmeta.findings import Finding
from trackmeta.identity import TrackId

FORMAT = 2  # 1: files named relative to the baseline's folder (read by their own names)
Key = tuple[str, str, tuple[str, str, str, str] | None, str | None, str | None]


class BaselineError(ValueError):
    """A baseline file trackmeta cannot read (exit 2)."""


def release_name(path: str | None, roots: Mapping[str, str]) -> str:
    """A file as its release names it: below its release directory, or its own name."""
    if path is None or path.startswith("<"):
        return path or ""
    root = roots.get(path)
    if root is None:
        return Path(path).name
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()


def key(finding: Finding, roots: Mapping[str, str]) -> Key:
    t = finding.track
    track = (t.organism, t.output_type, t.name, t.strand) if t is not None else None
    return finding.code, release_name(finding.path, roots), track, finding.column, finding.value


def _entry(k: Key, count: int) -> dict[str, Any]:
    code, file, track, column, value = k
    return {"code": code, "file": file,
            "track": TrackId(*track)._asdict() if track is not None else None,
            "column": column, "value": value, "count": count}


def _sort(k: Key) -> tuple[str, ...]:
    code, file, track, column, value = k
    return (file, code, *(track or ("", "", "", "")), column or "", value or "")


def record(findings: Iterable[Finding], roots: Mapping[str, str]) -> str:
    """The baseline document for these findings (`roots`: each file's release directory)."""
    counts = Counter(key(f, roots) for f in findings)
    entries = [_entry(k, counts[k]) for k in sorted(counts, key=_sort)]
    return json.dumps({"trackmeta_baseline": FORMAT, "entries": entries}, indent=2,
                      ensure_ascii=False, sort_keys=True) + "\n"


def load(path: Path) -> Counter[Key]:
    from trackmeta.sidefiles import (
        BASELINE_MAX_BYTES,
        SideFileError,
        describe_unreadable,
        load_json,
    )

    if describe_unreadable(path) == "no such file or directory":
        raise BaselineError(f"{path}: no such baseline; make one with `trackmeta baseline`")
    try:
        document = load_json(path, "baseline", BASELINE_MAX_BYTES)
    except SideFileError as exc:
        raise BaselineError(str(exc)) from None
    version = document.get("trackmeta_baseline") if isinstance(document, dict) else None
    if version not in (1, FORMAT) or isinstance(version, bool):
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
            file = entry["file"]
            if version == 1 and isinstance(file, str) and not file.startswith("<"):
                file = Path(file).name  # format 1 named files from the baseline's folder
            key_ = (entry["code"], file, ident, entry["column"], entry["value"])
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
    notes: tuple[str, ...] = ()  # entries set aside, and why


def apply(findings: Iterable[Finding], baseline: Counter[Key], roots: Mapping[str, str],
          files: Iterable[str], present: Collection[TrackId | None] = (),
          enabled: Callable[[str], bool] = lambda code: True) -> Applied:
    """The findings the baseline does not hold; entries of the checked `files` (and of the
    release level) that no finding matched are `fixed`. Entries of a rule not `enabled` (ignored
    or not selected) or of a file not checked are set aside with a note: neither matched nor
    fixed. A finding whose track was renamed only where its name embeds a term (what `fix`
    does with a replaced CURIE) matches the entry of the old name, when no track of that name
    is `present` any more and the match is the only one: the finding moved, it is not new."""
    checked = {release_name(f, roots) for f in files} | {""}
    off = sum(n for k, n in baseline.items() if not enabled(k[0]))
    elsewhere = sorted({k[1] for k, n in baseline.items() if enabled(k[0]) and k[1] not in checked})
    left = Counter({k: n for k, n in baseline.items() if k[1] in checked and enabled(k[0])})
    new: list[Finding] = []
    unmatched: list[tuple[Finding, Key]] = []
    baselined = 0
    for f in findings:
        k = key(f, roots)
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
    notes = []
    if off:
        notes.append(f"{off} baseline entr{'y' if off == 1 else 'ies'} of rules this run does "
                     "not check (ignored or not selected) set aside: kept in the baseline, "
                     "neither matched nor fixed")
    if elsewhere:
        shown = ", ".join(elsewhere[:5]) + (", ..." if len(elsewhere) > 5 else "")
        notes.append(f"baseline entries for files this run did not check set aside: {shown}")
    return Applied(tuple(new), baselined, fixed, tuple(notes))


_CURIE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+:\d+")


def _shape(k: Key) -> Key:
    """The key with the CURIEs a track name embeds set aside."""
    code, file, track, column, value = k
    if track is None:
        return k
    organism, output_type, name, strand = track
    return code, file, (organism, output_type, _CURIE.sub("\0", name), strand), column, value
