"""A term as the AlphaGenome client reads it. `ontology.from_curie` splits on ':' (exactly one),
looks the type up by name (CLO, UBERON, CL, EFO, NTR; case sensitive) and reads the id with
`int()`, so `UBERON:2048` and `CL: 84` are accepted and become `PREFIX:%07d`; tracks are then
matched on that canonical CURIE exactly. What it accepts is what a request can use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SDK_PREFIXES = ("CLO", "UBERON", "CL", "EFO", "NTR")  # alphagenome.data.ontology.OntologyType
_SLIP = re.compile(r"\s*(?:.*[/#])?([A-Za-z]+)[_: ](\d+)\s*")


@dataclass(frozen=True)
class Canonical:
    """A term as the client reads it: its canonical CURIE, or why the client refuses it."""

    given: str
    curie: str | None
    problem: str | None = None
    fix: str | None = None  # a CURIE the client accepts, where the slip is certain


def canonical(term: Any) -> Canonical:
    """What `ontology.from_curie` makes of `term` (a string, or the SDK's OntologyTerm)."""
    text = str(getattr(term, "ontology_curie", term))
    parts = text.split(":")
    if len(parts) != 2:
        return Canonical(text, None, "the client needs <type>:<id>, with one ':'",
                         _slip(text))
    prefix, local = parts
    if prefix not in SDK_PREFIXES:
        return Canonical(text, None, f"the client knows no ontology type {prefix!r} (it accepts "
                         f"{', '.join(SDK_PREFIXES)}, case sensitive)", _slip(text))
    try:
        number = int(local) if len(local) <= 64 else int("x")  # no id is longer: not a number
    except ValueError:
        return Canonical(text, None, f"the client cannot read {local!r} as a number", _slip(text))
    return Canonical(text, f"{prefix}:{number:07d}")


_CURIE_SHAPE = re.compile(r"\s*[A-Za-z][\w.-]*:\s*\d+\s*")  # MONDO:0005086: a CURIE, not a name


def looks_like_curie(text: str) -> bool:
    """PREFIX:digits, whatever the prefix: a term of an ontology the metadata does not use is
    refused for its prefix, never read as a name."""
    return _CURIE_SHAPE.fullmatch(text) is not None


def _slip(text: str) -> str | None:
    """`CL_0000084`, `cl:84`, an IRI: the CURIE meant, where only one is possible."""
    found = _SLIP.fullmatch(text)
    if found is None or found.group(1).upper() not in SDK_PREFIXES or len(found.group(2)) > 64:
        return None  # no id has more digits than that: the slip is not certain
    return f"{found.group(1).upper()}:{int(found.group(2)):07d}"
