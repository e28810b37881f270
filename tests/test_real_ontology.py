"""Ontology checks on the real AlphaGenome human metadata in ../shared."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

import trackmeta
from tests.helpers import REAL_TSV, needs_shared, real_report
from trackmeta.ontology.resolver import Resolver
from trackmeta.specs.model import default_specs

pytestmark = needs_shared


@pytest.fixture(scope="module")
def report() -> trackmeta.Report:
    return real_report()


def test_every_distinct_curie_has_a_status() -> None:
    curies = pd.read_csv(REAL_TSV, sep="\t", dtype=str, keep_default_na=False)["ontology_curie"]
    resolver = Resolver(default_specs())
    statuses = Counter(resolver.resolve(c).status for c in curies.unique() if c)
    assert statuses == {"ok": 631, "unresolved": 52, "provisional": 18, "obsolete": 3}


def test_findings_per_rule(report: trackmeta.Report) -> None:
    assert report.summary()["by_rule"] == {
        "TM108": 1, "TM112": 4, "TM111": 43, "TM205": 11, "TM206": 93, "TM207": 65, "TM208": 8,
        "TM210": 29, "TM213": 27}


def test_biosample_type_mismatches_are_the_known_oddities(report: trackmeta.Report) -> None:
    pairs = Counter((f.value, (f.message.split(" not ")[1].split(" ")[0]))
                    for f in report.findings if f.code == "TM210")
    assert pairs == {("primary_cell", "UBERON"): 18, ("tissue", "EFO"): 8, ("cell_line", "CL"): 1,
                     ("in_vitro_differentiated_cells", "EFO"): 2}


def test_obsolete_terms_name_their_replacements(report: trackmeta.Report) -> None:
    obsolete = {(f.value, f.expected) for f in report.findings if f.code == "TM205"}
    assert obsolete == {("CL:0010003", "CL:0000322"), ("EFO:0001184", "EFO:0001082"),
                        ("EFO:0000681", "MONDO:0005086")}

