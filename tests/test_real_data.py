"""The real AlphaGenome human metadata in ../shared: every track read, Table 1 matched."""

from __future__ import annotations

import pytest

import trackmeta
from tests.helpers import REAL_TSV, needs_shared

pytestmark = needs_shared


@pytest.fixture(scope="module")
def report() -> trackmeta.Report:
    return trackmeta.check(REAL_TSV, expect="table1")


def test_every_track_is_read(report: trackmeta.Report) -> None:
    assert report.failures == ()
    assert report.rows == 5563
    # SPLICE_JUNCTIONS rows describe two tracks each: 367 rows, 734 tracks
    assert report.tracks_by_type["SPLICE_JUNCTIONS"] == 734
    assert report.tracks == 5930


def test_counts_match_table1(report: trackmeta.Report) -> None:
    assert report.counts is not None
    mismatches = [c for c in report.counts if c.tracks != c.expected_tracks
                  or c.expected_biosamples not in (None, c.biosamples)]
    assert mismatches == []


def test_table_and_value_rules_find_nothing_in_the_real_table(report: trackmeta.Report) -> None:
    """Nothing but the vocabulary findings (TM107-TM112), read one by one in test_vocabularies."""
    words = ("TM107", "TM108", "TM109", "TM110", "TM111", "TM112")
    structural = [f for f in report.findings
                  if f.code[:3] in ("TM0", "TM1", "TM3", "TM4") and f.code not in words]
    assert structural == []
