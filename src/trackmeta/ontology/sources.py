"""Adapters from each kind of release file to the compiled index.

The bundled cellxgene-ontology-guide releases are compressed JSON with ancestor closures; OBO, OWL
and OBO-JSON files are read with pronto. The checks never know which one a release came from.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trackmeta.ontology.index import OntologyIndex, Release, Row, Term, row_of

PART_OF = ("part_of", "BFO:0000050")


class OntologyError(Exception):
    """A release cannot be found, verified or read: trackmeta cannot do its job (exit 2)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_file(name: str) -> Path:
    """A release file inside the installed cellxgene-ontology-guide package."""
    import importlib.util

    spec = importlib.util.find_spec("cellxgene_ontology_guide")
    if spec is None or not spec.submodule_search_locations:
        raise OntologyError("cellxgene-ontology-guide is not installed: pip install trackmeta")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    if not path.is_file():
        raise OntologyError(
            f"the pinned release file {name} is not in the installed cellxgene-ontology-guide; "
            "install the version pinned by trackmeta")
    return path


def from_cellxgene(path: Path, release: Release) -> OntologyIndex:
    import zstandard

    with path.open("rb") as handle:
        raw: dict[str, Any] = json.loads(zstandard.ZstdDecompressor().stream_reader(handle).read())
    terms: dict[str, Row] = {}
    for curie, data in raw.items():  # rows made directly: a release has tens of thousands
        replaced = data.get("replaced_by")
        terms[curie] = (
            str(data.get("label", "")),
            tuple((str(s), "") for s in data.get("synonyms", ())),
            bool(data.get("deprecated", False)),
            (replaced,) if isinstance(replaced, str) else tuple(replaced or ()),
            tuple(data.get("consider", ())),
            data.get("ancestors") or {},
            None,
        )
    return OntologyIndex(release, MappingProxyType(terms))


class ReleaseText:
    """A bundled release kept as text, to read the names of a few terms without parsing the
    whole file: an older release is consulted only for the handful of names a run questions."""

    def __init__(self, path: Path) -> None:
        import zstandard

        with path.open("rb") as handle:
            data = zstandard.ZstdDecompressor().stream_reader(handle).read()
        self._text = data.decode("utf-8")
        self._decoder = json.JSONDecoder()

    def names(self, curie: str) -> tuple[str, tuple[str, ...]] | None:
        """(label, synonyms) of the term, or None if the release does not have it."""
        key = re.compile(rf'"{re.escape(curie)}"\s*:\s*\{{')  # the term's own entry
        found = key.search(self._text)
        while found is not None:
            data, _ = self._decoder.raw_decode(self._text, found.end() - 1)
            if isinstance(data, dict) and "label" in data:
                return (str(data.get("label", "")),
                        tuple(str(t) for t in data.get("synonyms", ())))
            found = key.search(self._text, found.end())
        return None


MAX_DEPTH = 256  # is_a/part_of levels; real releases (CL, UBERON, EFO) have fewer than 50
MAX_LINKS = 20_000_000  # ancestor links in all: 1.2M for the pinned UBERON


def closure(parents: Mapping[str, tuple[str, ...]], where: str = "the release"
            ) -> dict[str, dict[str, int]]:
    """Every term's ancestors with their shortest distance, from its direct parents: computed
    once when an index is built, so no check walks the graph. Bounded: a hierarchy deeper than
    MAX_DEPTH or with more than MAX_LINKS links (a 12,000-term chain has 72 million) is refused
    by name rather than exhausting memory."""
    result: dict[str, dict[str, int]] = {}
    links = 0
    for curie in parents:
        distances: dict[str, int] = {}
        frontier = [curie]
        depth = 0
        while frontier:
            depth += 1
            if depth > MAX_DEPTH:
                raise OntologyError(f"{where}: {curie} is more than {MAX_DEPTH} is_a/part_of "
                                    "levels deep: not a hierarchy trackmeta indexes")
            following = []
            for current in frontier:
                for parent in parents.get(current, ()):
                    if parent not in distances and parent != curie:
                        distances[parent] = depth
                        following.append(parent)
            frontier = following
        links += len(distances)
        if links > MAX_LINKS:
            raise OntologyError(f"{where}: more than {MAX_LINKS:,} ancestor links: too large a "
                                "hierarchy to index")
        result[curie] = distances
    return result


def _ids(termset: Any) -> tuple[str, ...]:
    """Ids of a pronto TermSet; targets the release does not declare are skipped."""
    try:
        return tuple(sorted(t.id for t in termset))
    except KeyError:
        return tuple(sorted(getattr(termset, "_ids", ())))


MAX_NESTING = 64  # brackets deep in an OBO-JSON file; real ones nest fewer than 10


def _nesting(path: Path) -> int:
    """How deeply a JSON file's brackets nest (strings included: an over-estimate, never an
    under-estimate), in C-speed passes: pronto's JSON reader takes minutes on a file nested
    100,000 deep, so such a file is refused before it is handed over."""
    import numpy as np

    keep = bytes(range(256)).translate(None, b"[]{}")
    with path.open("rb") as handle:
        depth = deepest = 0
        while chunk := handle.read(1 << 24):
            brackets = np.frombuffer(chunk.translate(None, keep), dtype=np.uint8)
            steps = np.where((brackets == ord("[")) | (brackets == ord("{")), 1, -1)
            levels = depth + np.cumsum(steps, dtype=np.int64)
            if len(levels):
                deepest = max(deepest, int(levels.max()))
                depth = int(levels[-1])
    return deepest


def from_pronto(path: Path, prefix: str, sha256: str) -> OntologyIndex:
    from pronto.ontology import Ontology

    with path.open("rb") as handle:
        json_like = handle.read(64).lstrip().startswith(b"{")
    if json_like and _nesting(path) > MAX_NESTING:
        raise OntologyError(f"{path}: nested more than {MAX_NESTING} levels deep: not an "
                            "OBO-JSON release trackmeta reads")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pronto warns about every unusual header line
        try:
            ontology = Ontology(str(path))
        except Exception as exc:  # pronto/fastobo raise many types on a bad file
            raise OntologyError(f"{path}: pronto cannot read it as OBO/OWL/OBO-JSON: {exc}") from None
    declared = ontology.metadata.data_version or ""
    found = re.search(r"\d{4}-\d{2}-\d{2}|v?\d+\.\d+(\.\d+)?", declared)
    version = found.group(0) if found else (declared or "unknown")
    parents: dict[str, tuple[str, ...]] = {}
    found_terms = []
    for term in ontology.terms():
        direct = set(_ids(term.superclasses(distance=1, with_self=False)))
        for relation, targets in term.relationships.items():
            if relation.id in PART_OF:
                direct.update(_ids(targets))
        parents[term.id] = tuple(sorted(direct))
        if term.id.startswith(f"{prefix}:"):
            found_terms.append(term)
    if not found_terms:
        raise OntologyError(f"{path}: holds no {prefix} terms")
    ancestors = closure(parents, str(path))
    terms = {}
    for term in found_terms:
        terms[term.id] = row_of(Term(
            id=term.id,
            label=term.name or "",
            synonyms=tuple((s.description, s.scope or "") for s in term.synonyms),
            obsolete=bool(term.obsolete),
            replaced_by=_ids(term.replaced_by),
            consider=_ids(term.consider),
            ancestors=ancestors[term.id],
        ))
    for term in found_terms:  # alt_ids: ids merged into this term, unless a term of their own
        for alt in sorted(term.alternate_ids):
            if alt.startswith(f"{prefix}:") and alt not in terms:
                terms[alt] = row_of(Term(
                    id=alt, label=term.name or "", synonyms=(), obsolete=True,
                    replaced_by=(term.id,), consider=(), ancestors={}, merged_into=term.id))
    return OntologyIndex(Release(prefix, version, str(path), sha256), MappingProxyType(terms))
