"""Track identity: what names one track across releases, row orders and file layouts.

Duplicate detection (TM302), baselines, SARIF fingerprints and release diffs all key on it, and
never on a line number, which any unrelated edit shifts.
"""

from __future__ import annotations

from typing import NamedTuple


class TrackId(NamedTuple):
    organism: str
    output_type: str
    name: str
    strand: str

    def __str__(self) -> str:
        return f"{self.organism} {self.output_type} {self.name!r} ({self.strand or 'no strand'})"
