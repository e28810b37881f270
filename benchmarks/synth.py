"""Synthetic releases for the scaling benchmark: the real table replicated to N rows, names made
unique, and a sprinkle of defects (about 1 row in 1,000) so the findings path is exercised."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd


def make(real: str, rows: int, out: str, seed: int = 7) -> None:
    base = pd.read_csv(real, sep="\t", dtype=str, keep_default_na=False)
    reps = -(-rows // len(base))
    frame = pd.concat([base] * reps, ignore_index=True).iloc[:rows].copy()
    copy = (np.arange(rows) // len(base)).astype(str)
    frame["name"] = frame["name"] + np.where(copy == "0", "", " #" + copy)
    rng = np.random.default_rng(seed)
    defects = rng.choice(rows, size=max(rows // 1000, 1), replace=False)
    kinds = defects % 3
    frame.loc[defects[kinds == 0], "biosample_name"] += " "
    frame.loc[defects[kinds == 1], "nonzero_mean"] = "-1"
    frame.loc[defects[kinds == 2], "ontology_curie"] = "CL:84"
    frame.to_csv(out, sep="\t", index=False)


if __name__ == "__main__":
    make(sys.argv[1], int(sys.argv[2]), sys.argv[3])
