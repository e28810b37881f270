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
    assert [distinct.position(row) for row in (0, 4, 9, 5, 10, -1)] == [0, 1, 2, None, None,
                                                                         None]
