"""Ontology drift: for the CURIEs a metadata release uses, what changes between two releases of
their ontology. The report a curator reads before bumping an ontology pin: terms that become
obsolete (with their replacement), merged, relabelled (and whether a TM208 would appear), moved
out of their biosample type's branch, or removed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trackmeta.ontology.resolver import Resolution, Resolver

KINDS = ("obsolete", "merged", "relabelled", "moved", "removed")


@dataclass(frozen=True)
class Drift:
    curie: str
    kind: str  # one of KINDS
    message: str
    old_label: str | None
    new_label: str | None
    replacement: str | None = None
    rows: int = 0  # rows of the metadata using the CURIE
    names_failing: tuple[str, ...] = ()  # biosample_names that would be TM208 after the change


@dataclass(frozen=True)
class DriftReport:
    paths: tuple[str, ...]
    releases: Mapping[str, tuple[str, str]]  # prefix -> (from, to), as described by each index
    drifts: tuple[Drift, ...]
    checked: int  # distinct CURIEs of the compared prefixes
    by_kind: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"paths": list(self.paths),
                "releases": {p: {"from": a, "to": b} for p, (a, b) in self.releases.items()},
                "summary": {"curies": self.checked, **{k: self.by_kind.get(k, 0) for k in KINDS}},
                "drifts": [d.__dict__ | {"names_failing": list(d.names_failing)}
                           for d in self.drifts]}


def _usage(paths: Sequence[str | Path]) -> dict[str, dict[str, Any]]:
    """Per CURIE: rows, the biosample names and the biosample types used with it."""
    from trackmeta.io.readers import expand_paths, read_path
    from trackmeta.io.table import ReadError, drop_padding

    inputs = expand_paths(Path(p) for p in paths)
    if inputs.failures:
        raise ValueError(f"{inputs.failures[0].path}: {inputs.failures[0].message}")
    usage: dict[str, dict[str, Any]] = defaultdict(lambda: {"rows": 0, "names": set(),
                                                            "types": set()})
    for path in inputs.files:
        try:
            frame = drop_padding(read_path(path)).frame
        except ReadError as exc:
            raise ValueError(f"{exc.failure.path}: {exc.failure.message}") from None
        if "ontology_curie" not in frame:
            continue
        names = frame.get("biosample_name")
        types = frame.get("biosample_type")
        for i, curie in enumerate(frame["ontology_curie"]):
            curie = str(curie).strip()
            if not curie:
                continue
            entry = usage[curie]
            entry["rows"] += 1
            if names is not None and str(names.iloc[i]).strip():
                entry["names"].add(str(names.iloc[i]).strip())
            if types is not None and str(types.iloc[i]).strip():
                entry["types"].add(str(types.iloc[i]).strip())
    return usage


def drift(paths: Sequence[str | Path] | str | Path, releases_from: Mapping[str, str],
          releases_to: Mapping[str, str] | None = None, *, organism: Any = None) -> DriftReport:
    """Compare, for the CURIEs `paths` use, the `releases_from` (prefix -> OBO/OWL file, or a
    version the bundled package carries) with `releases_to` (default: the pinned releases)."""
    from trackmeta.specs.organism import organism_specs

    specs = organism_specs(organism)
    given = [paths] if isinstance(paths, (str, Path)) else list(paths)
    before = Resolver(specs, {p: Path(r) for p, r in releases_from.items()}, option="--from")
    after = Resolver(specs, {p: Path(r) for p, r in (releases_to or {}).items()}, option="--to")
    usage = _usage(given)
    prefixes = set(releases_from) | set(releases_to or {})
    drifts: list[Drift] = []
    checked = 0
    for curie in sorted(usage):
        prefix = curie.split(":", 1)[0]
        if prefix not in prefixes:
            continue
        checked += 1
        old, new = before.resolve(curie), after.resolve(curie)
        found = _compare(curie, old, new, usage[curie], before, after, specs)
        drifts.extend(found)
    by_kind: dict[str, int] = defaultdict(int)
    for d in drifts:
        by_kind[d.kind] += 1
    releases = {}
    for prefix in sorted(prefixes):
        a, b = before.index(prefix), after.index(prefix)
        releases[prefix] = (a.release.describe() if a else "-", b.release.describe() if b else "-")
    return DriftReport(tuple(map(str, given)), releases, tuple(drifts), checked, dict(by_kind))


def _compare(curie: str, old: Resolution, new: Resolution, used: Mapping[str, Any],
             before: Resolver, after: Resolver, specs: Any) -> list[Drift]:
    rows = int(used["rows"])
    label_old, label_new = old.label, new.label
    if old.status in ("ok", "obsolete") and new.status == "unknown":
        return [Drift(curie, "removed", f"{curie} ('{label_old}') is not in {new.release}",
                      label_old, None, rows=rows)]
    if old.status != "ok":
        return []  # already obsolete or unknown before: today's check reports it
    if new.status == "obsolete":
        kind = "merged" if new.merged else "obsolete"
        failing = tuple(sorted(n for n in used["names"]
                               if new.replacement and not after.is_name(new.replacement, n)))
        return [Drift(curie, kind, new.message, label_old, new.replacement_label,
                      new.replacement, rows, failing)]
    out = []
    if new.status == "ok" and label_old != label_new:
        failing = tuple(sorted(n for n in used["names"] if not after.is_name(curie, n)))
        was = [n for n in used["names"] if before.is_name(curie, n)]
        note = (f"; {len(failing)} biosample name(s) would no longer match (TM208): "
                + ", ".join(repr(n) for n in failing)) if failing and was else ""
        out.append(Drift(curie, "relabelled", f"{curie} is relabelled '{label_old}' -> "
                         f"'{label_new}'{note}", label_old, label_new, rows=rows,
                         names_failing=failing))
    for btype in sorted(used["types"]):
        kind = specs.biosample_types.get(btype)
        roots = kind.branches.get(curie.split(":", 1)[0]) if kind is not None else None
        if roots and before.is_under(curie, roots) and not after.is_under(curie, roots):
            out.append(Drift(curie, "moved", f"{curie} ('{label_new}') leaves the {btype} branch "
                             f"({', '.join(roots[:2])}{', ...' if len(roots) > 2 else ''})",
                             label_old, label_new, rows=rows))
    return out
