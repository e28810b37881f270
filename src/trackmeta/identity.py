"""Track identity: what names one track across releases, row orders and file layouts.

Duplicate detection (TM302), baselines, SARIF fingerprints and release diffs all key on it, and
never on a line number, which any unrelated edit shifts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pandas as pd


class TrackId(NamedTuple):
    organism: str
    output_type: str
    name: str
    strand: str

    def __str__(self) -> str:
        return f"{self.organism} {self.output_type} {self.name!r} ({self.strand or 'no strand'})"


def track_at(frame: pd.DataFrame, types: pd.Series, organism: str, row: int) -> TrackId | None:
    """The identity of the track on `row` (None where the row has no known output type)."""
    otype = str(types.at[row]) if row in types.index else ""
    if not otype:
        return None
    name = str(frame.at[row, "name"]) if "name" in frame else ""
    strand = str(frame.at[row, "strand"]) if "strand" in frame else ""
    return TrackId(organism, otype, name, strand)
