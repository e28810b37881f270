"""Work over distinct values, mapped back to every row: the cost follows distinct values, not rows."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def by_distinct(values: pd.Series, verdict: Callable[[str], bool]) -> pd.Series:
    """A boolean Series: `verdict` applied once per distinct value."""
    distinct = {value: verdict(value) for value in values.unique()}
    return values.map(distinct).astype(bool)
