"""CURIE syntax: PREFIX:LOCAL, with the prefixes and id widths declared in ontologies/releases/."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from trackmeta.specs import OntologyDecl

CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):([A-Za-z0-9_.-]+)$")


@dataclass(frozen=True)
class CurieProblem:
    code: str  # TM201 malformed, TM202 prefix not allowed, TM203 id format
    message: str
    expected: str
    fix: str | None


def curie_problem(text: str, ontologies: Mapping[str, OntologyDecl]) -> CurieProblem | None:
    """What is wrong with the syntax of `text` as a biosample CURIE, or None."""
    match = CURIE.match(text)
    prefixes = ", ".join(sorted(ontologies))
    if match is None:
        return CurieProblem("TM201", f"{text!r} is not a CURIE (PREFIX:digits)",
                            "PREFIX:digits", _guess_fix(text, ontologies))
    prefix, local = match.groups()
    decl = ontologies.get(prefix)
    if decl is None:
        upper = ontologies.get(prefix.upper())
        fix = f"{upper.prefix}:{local}" if upper is not None else None
        return CurieProblem("TM202", f"prefix {prefix!r} is not an allowed ontology",
                            prefixes, fix)
    if not (local.isascii() and local.isdigit() and len(local) == decl.id_digits):
        fix = None
        if local.isascii() and local.isdigit() and len(local) < decl.id_digits:
            fix = f"{prefix}:{local.zfill(decl.id_digits)}"
        return CurieProblem(
            "TM203", f"{prefix} ids have exactly {decl.id_digits} digits, not {local!r}",
            f"{prefix}:{'0' * decl.id_digits}", fix)
    return None


def _guess_fix(text: str, ontologies: Mapping[str, OntologyDecl]) -> str | None:
    """`CL_0000084` and `CL 0000084` are the usual slips; suggest the CURIE they meant."""
    match = re.match(r"^([A-Za-z]+)[_ ](\d+)$", text)
    if match and match.group(1).upper() in ontologies:
        decl = ontologies[match.group(1).upper()]
        return f"{decl.prefix}:{match.group(2).zfill(decl.id_digits)}"
    return None
