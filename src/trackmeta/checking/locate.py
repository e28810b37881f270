"""Where a finding is: the engine fills in path, line, track and cell span from arrays read once
per table, by position. No row is looked up by label per finding: a release with a million
tracks and tens of thousands of findings is located in one pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trackmeta.findings import Finding
from trackmeta.identity import TrackId

if TYPE_CHECKING:
    from trackmeta.io.table import Table
    from trackmeta.specs.distinct import Distinct


class Locator:
    """One table's rows as positional arrays: its physical lines, output types, track names and
    strands, and (for a file that holds each cell exactly) the cells, for spans."""

    def __init__(self, table: Table, distinct: Distinct, organism: str) -> None:
        frame = table.frame
        self.path = table.path
        self.organism = organism
        self.positions = distinct.positions  # row label -> position, -1 where none
        self._lines = (table.lines.reindex(frame.index).to_numpy()
                       if table.lines is not None else None)
        self._types = distinct.types.reindex(frame.index, fill_value="").to_numpy(dtype=object)
        self._names = frame["name"].to_numpy(dtype=object) if "name" in frame else None
        self._strands = frame["strand"].to_numpy(dtype=object) if "strand" in frame else None
        self._order = {str(c): i for i, c in enumerate(frame.columns)}
        self._frame = frame if table.exact else None

    def tracks(self) -> set[TrackId]:
        """Every track the table holds."""
        count = len(self._types)
        names = self._names if self._names is not None else [""] * count
        strands = self._strands if self._strands is not None else [""] * count
        return {TrackId(self.organism, str(t), str(n), str(s))
                for t, n, s in zip(self._types, names, strands, strict=True) if t}

    def place(self, findings: list[Finding]) -> list[Finding]:
        """The findings with their path, line, track and span, where the checks left them
        out: the rows' lines by one array read; the tracks, and the cells' spans from the
        lengths of the cells before them, read once per row that has findings."""
        positions = self.positions(np.fromiter((-1 if f.row is None else f.row for f in findings),
                                               dtype=np.intp, count=len(findings)))
        lines = (self._lines[positions].tolist() if self._lines is not None and len(self._lines)
                 else [None] * len(findings))  # no rows: every position is -1, none read
        chosen = np.unique(positions[positions >= 0])
        tracks = self._tracks_at(chosen)
        order = self._order
        starts = self._starts(chosen, max((order.get(str(f.column), -1) for f in findings),
                                          default=-1))
        path = self.path
        placed = []
        for finding, position, line in zip(findings, positions.tolist(), lines, strict=True):
            fields = finding.__dict__
            if position < 0:
                placed.append(finding.having(path=fields["path"] or path))
                continue
            span = fields["span"]
            if span is None and starts is not None and fields["column"] in order:
                at = order[fields["column"]]
                cells = starts[position]
                span = (cells[at], cells[at + 1] - 1)
            placed.append(finding.placed(
                fields["path"] or path, line if fields["line"] is None else fields["line"],
                tracks[position] if fields["track"] is None else fields["track"], span))
        return placed

    def _tracks_at(self, chosen: np.ndarray) -> dict[int, TrackId | None]:
        """The identity of the track at each chosen position (None where its output type is
        unknown)."""
        blank = [""] * len(chosen)
        columns = [self._types[chosen].tolist(),
                   *(blank if cells is None else cells[chosen].tolist()
                     for cells in (self._names, self._strands))]
        return {position: TrackId(self.organism, str(otype), str(name), str(strand)) if otype
                else None
                for position, otype, name, strand in zip(chosen.tolist(), *columns, strict=True)}

    def _starts(self, chosen: np.ndarray, last: int) -> dict[int, list[int]] | None:
        """Per chosen position, the 1-based first character of each cell in its line up to
        column `last` and one past it: for a file whose cells are its fields exactly, else
        None."""
        if self._frame is None or last < 0:
            return None
        rows = self._frame.iloc[chosen, :last + 1]
        widths = np.ones((len(chosen), last + 2), dtype=np.int64)
        for i in range(last + 1):
            widths[:, i + 1] += np.fromiter(map(len, rows.iloc[:, i].tolist()), dtype=np.int64,
                                            count=len(chosen))
        return dict(zip(chosen.tolist(), np.cumsum(widths, axis=1).tolist(), strict=True))
