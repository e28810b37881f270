"""Single-term entry points, light enough to call before every AlphaGenome request."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from trackmeta.ontology.resolver import Resolution, Resolver
from trackmeta.specs import default_specs


@cache
def _resolver(overrides: tuple[tuple[str, str], ...]) -> Resolver:
    return Resolver(default_specs(), {prefix: Path(path) for prefix, path in overrides})


def resolve(curie: str, ontologies: Mapping[str, str | Path] | None = None) -> Resolution:
    """Resolve one CURIE against the pinned releases (or the given release files).

    Releases are loaded once per process and per set of `ontologies`.
    """
    key = tuple(sorted((prefix, str(path)) for prefix, path in (ontologies or {}).items()))
    return _resolver(key).resolve(curie)
