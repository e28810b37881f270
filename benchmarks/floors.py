"""The floors a large check is measured against, each run as its own process:

    python benchmarks/floors.py read TABLE       # pandas.read_csv(dtype=str): reading alone
    python benchmarks/floors.py distinct TABLE   # reading, then the least a check must do: every
                                                 # column factorized, one Python call per distinct
                                                 # value mapped back to the rows, the distinct
                                                 # ontology tuples
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

ONTOLOGY = ["ontology_curie", "biosample_name", "biosample_type", "gtex_tissue"]


def read(path: str) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def distinct(frame: pd.DataFrame) -> int:
    failing = 0
    for column in frame.columns:
        codes, values = pd.factorize(frame[column].to_numpy(dtype=object))
        verdicts = np.fromiter((v == v.strip() for v in values), dtype=bool, count=len(values))
        failing += int((~verdicts[codes]).sum())
    present = [c for c in ONTOLOGY if c in frame]
    failing += len(frame[present].drop_duplicates())
    return failing


if __name__ == "__main__":
    table = read(sys.argv[2])
    if sys.argv[1] == "distinct":
        distinct(table)
