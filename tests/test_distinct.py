"""Distinct values: whatever way a column is factorized (by object, or by value), its codes and
distinct values are pandas' own, so every verdict reaches the same rows."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from trackmeta.specs.distinct import Distinct, codes_of


def _same_as_pandas(cells: np.ndarray) -> None:
    found = codes_of(cells)
    codes, uniques = pd.factorize(cells)
    assert found.codes.tolist() == codes.tolist()
    assert found.values.tolist() == list(uniques)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=3), min_size=65, max_size=400), st.integers(1, 40))
def test_codes_are_pandas_codes_whether_values_share_objects_or_not(values: list[str],
                                                                    repeat: int) -> None:
    shared = np.asarray(values * repeat, dtype=object)  # few objects, many rows
    _same_as_pandas(shared)
    copies = np.asarray(["".join(v) for v in values * repeat], dtype=object)  # equal, not same
    _same_as_pandas(copies)


def test_a_parsed_column_of_few_values_and_one_of_all_distinct_values() -> None:
    rows = 200_000  # past the sample that tells the two apart, and several parser chunks
    text = "kind\tname\n" + "".join(f"{('a', 'b', '', 'c d')[i % 4]}\tt{i}\n"
                                    for i in range(rows))
    frame = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False)
    for column in frame.columns:
        _same_as_pandas(frame[column].to_numpy(dtype=object))
    assert len(codes_of(frame["kind"])) == 4 and len(codes_of(frame["name"])) == rows


def test_a_row_label_is_found_at_its_position() -> None:
    frame = pd.DataFrame({"name": ["a", "b", "c"]}, index=[0, 4, 9])
    distinct = Distinct(frame, pd.Series(["", "", ""], index=frame.index))
    rows = np.asarray([0, 4, 9, 5, 10, -1])
    assert distinct.positions(rows).tolist() == [0, 1, 2, -1, -1, -1]


def _embeds_other_term(name: str, term: str) -> bool:
    """TM301 as first written, one row at a time: a name holding its own term whole with no
    colon before it is of that term; else its first embedded CURIE must be the term."""
    import re

    at = name.find(term)
    if at >= 0 and ":" not in name[:at] and not name[at + len(term):at + len(term) + 1].isdigit():
        return False
    inside = re.search(r"(?<![A-Za-z0-9])((?:CL|CLO|EFO|NTR|UBERON):\d+)", name)
    return inside is not None and inside.group(1) != term


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["", "usage_", "junction_", "x", "hCAGE ", "UBERON:0000948 ", "CL:1 "]),
    st.sampled_from(["CL:0000084", "UBERON:0000948", "EFO:0002067", "CL:00000841"]),
    st.sampled_from(["", " ", " DNase-seq", "_UBERON:0000948", "1", ":", " CL:0000084"]),
    st.sampled_from(["CL:0000084", "UBERON:0000948", "EFO:0002067"])), min_size=1, max_size=40))
def test_name_curie_mismatch_agrees_with_its_row_by_row_reading(
        rows: list[tuple[str, str, str, str]]) -> None:
    from trackmeta.checking.cross_column import name_curie_mismatch
    from trackmeta.specs.model import default_specs

    names = [head + embedded + tail for head, embedded, tail, _ in rows]
    terms = [term for *_, term in rows]
    frame = pd.DataFrame({"name": names, "ontology_curie": terms})
    distinct = Distinct(frame, pd.Series(["DNASE"] * len(rows)))
    found = [f.row for f in name_curie_mismatch(distinct, default_specs())]
    assert found == [row for row, (name, term) in enumerate(zip(names, terms, strict=True))
                     if _embeds_other_term(name, term)]
