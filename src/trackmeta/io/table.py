"""The one shape every input becomes: a `Table` of strings with each row's physical line, the
file suffixes trackmeta reads, and the official formats' padding rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trackmeta.findings import Failure, Finding
from trackmeta.rules import rule

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES = (".tsv", ".csv", ".txt", ".parquet", ".pq")
PROTO_SUFFIXES = (".textproto", ".pbtxt", ".txtpb", ".binpb", ".pb")


class ReadError(Exception):
    """The input cannot be read as a table at all; carries a located Failure."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


@dataclass
class Table:
    """One input table, normalised. `frame.index` is the 0-based data row position."""

    path: str
    frame: pd.DataFrame
    lines: pd.Series | None  # row position -> physical line (header = line 1)
    findings: list[Finding] = field(default_factory=list)
    skipped: int = 0  # padding rows: placeholders in the official formats, not tracks
    exact: bool = False  # each row is one line whose fields are the cells, unquoted
    plain: bool = False  # read from ASCII text without a control character: no cell to scan


def is_table_file(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return not path.name.startswith(".") and name.endswith((*TABLE_SUFFIXES, *PROTO_SUFFIXES))


def table_stem(path: Path) -> str:
    """`rna_seq` for rna_seq.tsv.gz: the part of the name that may say the output type."""
    name = path.name
    for suffix in (".gz", *TABLE_SUFFIXES, *PROTO_SUFFIXES):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


PADDING = "Padding"


def drop_padding(table: Table) -> Table:
    """Without the rows the official formats use as placeholders: named `Padding`, and empty
    but for strand and output type. They are counted in `skipped`, never checked as tracks."""
    frame = table.frame
    if "name" not in frame:
        return table
    padding = frame["name"].to_numpy(dtype=object) == PADDING  # numpy's compare: a third of
    if not padding.any():                                       # pandas' on its str dtype
        return table
    for column in frame.columns:
        if column not in ("name", "strand", "output_type"):
            padding &= frame[column].to_numpy(dtype=object) == ""
    lines = table.lines[~padding] if table.lines is not None else None
    return Table(table.path, frame[~padding], lines, table.findings, int(padding.sum()),
                 table.exact, table.plain)


def from_dataframe(frame: pd.DataFrame, where: str = "<DataFrame>") -> Table:
    """A DataFrame (e.g. the AlphaGenome client's) as a Table; the caller's frame is not changed."""
    import pandas as pd

    keep, findings = dedupe_header([str(c) for c in frame.columns])
    text = pd.DataFrame(
        {str(frame.columns[i]): _as_text(frame.iloc[:, i]) for i in keep},
        index=pd.RangeIndex(len(frame)),
    )
    if frame.empty:
        findings.append(rule("TM006").finding("table has no rows"))
    return Table(where, text, None, findings)


def _as_text(column: pd.Series) -> pd.Series:
    """Values as the TSV would spell them: '' for missing, True/False for booleans."""
    return column.astype(object).where(column.notna(), "").astype(str).reset_index(drop=True)


def dedupe_header(header: list[str]) -> tuple[list[int], list[Finding]]:
    """Positions of the columns to keep (first of each name) and a TM003 per repeat."""
    seen: set[str] = set()
    keep: list[int] = []
    findings: list[Finding] = []
    for i, name in enumerate(header):
        if name in seen:
            findings.append(rule("TM003").finding(
                f"column {name!r} appears again as column {i + 1}; only the first is checked",
                column=name, value=name, line=1))
        else:
            seen.add(name)
            keep.append(i)
    return keep, findings
