"""Where a finding is: the engine fills in path, line, track and cell span from arrays read once
per table, by position. No row is looked up by label per finding: a release with a million
tracks and tens of thousands of findings is located in one pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trackmeta.findings import Finding
from trackmeta.identity import TrackId

if TYPE_CHECKING:
    import pandas as pd

    from trackmeta.io.table import Table


class Locator:
    """One table's rows as positional arrays: its physical lines, output types, track names and
    strands, and (for a file that holds each cell exactly) the cells, for spans."""

    def __init__(self, table: Table, types: pd.Series, organism: str) -> None:
        frame = table.frame
        labels = frame.index.to_numpy()
        self.path = table.path
        self.organism = organism
        self._position = np.full(int(labels.max()) + 1 if len(labels) else 0, -1, dtype=np.intp)
        self._position[labels] = np.arange(len(labels))
        self._lines = (table.lines.reindex(frame.index).to_numpy()
                       if table.lines is not None else None)
        self._types = types.reindex(frame.index, fill_value="").to_numpy(dtype=object)
        self._names = frame["name"].to_numpy(dtype=object) if "name" in frame else None
        self._strands = frame["strand"].to_numpy(dtype=object) if "strand" in frame else None
        self._order = {str(c): i for i, c in enumerate(frame.columns)}
        self._frame = frame if table.exact else None
        self._cells: list[np.ndarray] | None = None  # read on the first span asked for
        self._tracks: dict[int, TrackId | None] = {}

    def position(self, row: int) -> int:
        """The row's position in the table, -1 for a label it does not hold."""
        return int(self._position[row]) if 0 <= row < len(self._position) else -1

    def track(self, position: int) -> TrackId | None:
        """The identity of the track at `position` (None where its output type is unknown)."""
        if position not in self._tracks:
            otype = str(self._types[position])
            self._tracks[position] = TrackId(
                self.organism, otype,
                str(self._names[position]) if self._names is not None else "",
                str(self._strands[position]) if self._strands is not None else "",
            ) if otype else None
        return self._tracks[position]

    def tracks(self) -> set[TrackId]:
        """Every track the table holds."""
        count = len(self._types)
        names = self._names if self._names is not None else [""] * count
        strands = self._strands if self._strands is not None else [""] * count
        return {TrackId(self.organism, str(t), str(n), str(s))
                for t, n, s in zip(self._types, names, strands, strict=True) if t}

    def span(self, position: int, column: str) -> tuple[int, int] | None:
        """The 1-based first and past-the-end character of a cell in its line."""
        if self._frame is None or column not in self._order:
            return None
        if self._cells is None:
            self._cells = [self._frame.iloc[:, i].to_numpy(dtype=object)
                           for i in range(self._frame.shape[1])]
        start = 1
        for cells in self._cells[:self._order[column]]:
            start += len(str(cells[position])) + 1
        return start, start + len(str(self._cells[self._order[column]][position]))

    def place(self, finding: Finding) -> Finding:
        """The finding with its path, line, track and span, where the check left them out."""
        line, track, span = finding.line, finding.track, finding.span
        position = self.position(finding.row) if finding.row is not None else -1
        if position >= 0:
            if line is None and self._lines is not None:
                line = int(self._lines[position])
            if track is None:
                track = self.track(position)
            if span is None and finding.column is not None:
                span = self.span(position, finding.column)
        return finding.having(path=finding.path or self.path, line=line, track=track, span=span)
