"""Single-term entry point, light enough to call before every AlphaGenome request."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from trackmeta.findings import ArgumentError
from trackmeta.ontology.resolver import Resolution, resolver_for
from trackmeta.specs.model import default_specs


def resolve(curie: str, ontologies: Mapping[str, str | Path] | None = None) -> Resolution:
    """Resolve one CURIE against the pinned releases (or the given release files).

    Releases are loaded once per process and per set of `ontologies`.
    """
    if not isinstance(curie, str):
        raise ArgumentError(f"resolve() takes a CURIE string such as 'CL:0000084', not "
                            f"{curie!r}"[:200])
    return resolver_for(default_specs(), ontologies).resolve(curie)
