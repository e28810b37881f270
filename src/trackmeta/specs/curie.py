"""CURIE syntax: PREFIX:LOCAL, with the prefixes and id widths declared in ontologies/releases/."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from trackmeta.specs.model import OntologyDecl

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
        fix = guess_curie(text, ontologies)
        return CurieProblem("TM201", f"{text!r} is not a CURIE (PREFIX:digits)"
                            + (f"; use {fix}" if fix else ""), "PREFIX:digits", fix)
    prefix, local = match.groups()
    decl = ontologies.get(prefix)
    if decl is None:
        fix = guess_curie(text, ontologies)
        what = (f"prefix {prefix!r} is not an allowed ontology" if fix else
                f"{text} is a {prefix} id: track metadata uses {prefixes} ids only, and no "
                f"{prefix} release is loaded (a replacement an ontology names may lie outside them)")
        return CurieProblem("TM202", what + (f"; use {fix}" if fix else ""), prefixes, fix)
    if not (local.isascii() and local.isdigit() and len(local) == decl.id_digits):
        fix = None
        if local.isascii() and local.isdigit() and len(local) < decl.id_digits:
            fix = f"{prefix}:{local.zfill(decl.id_digits)}"
        return CurieProblem(
            "TM203", f"{prefix} ids have exactly {decl.id_digits} digits, not {local!r}",
            f"{prefix}:{'0' * decl.id_digits}", fix)
    return None


_SLIP = re.compile(r"^(?:.*[/#])?([A-Za-z]+)[_: ](\d+)$")


def guess_curie(text: str, ontologies: Mapping[str, OntologyDecl]) -> str | None:
    """The CURIE a usual slip meant: `CL_0000084`, `CL 0000084`, `cl:84`, surrounding spaces,
    or an IRI (`http://purl.obolibrary.org/obo/CL_0000084`)."""
    match = _SLIP.match(text.strip())
    if match and match.group(1).upper() in ontologies:
        decl = ontologies[match.group(1).upper()]
        fix = f"{decl.prefix}:{match.group(2).zfill(decl.id_digits)}"
        return fix if fix != text else None
    return None
