"""Work over distinct values, mapped back to every row: the cost follows distinct values, not rows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def by_distinct(values: pd.Series, verdict: Callable[[str], bool]) -> pd.Series:
    """A boolean Series: `verdict` applied once per distinct value (missing values pass)."""
    codes, uniques = pd.factorize(values)
    judged = np.fromiter((verdict(v) for v in uniques), dtype=bool, count=len(uniques))
    judged = np.append(judged, True)  # code -1, a missing value, indexes this last slot
    return pd.Series(judged[codes], index=values.index)
