"""Where the declarative data lives: in the wheel (trackmeta/_data) or at the top of a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The `schemas` or `ontologies` directory this installation uses."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"trackmeta's {name}/ directory is missing from the installation")


def prebuilt_dir() -> Path:
    """What the package ships prebuilt from its pinned data (`python -m trackmeta.ontology.ship`):
    the ontology indexes and the checked specs, which a first run reads instead of building."""
    return data_dir("ontologies") / "prebuilt"
