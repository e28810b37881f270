"""Work over distinct values, mapped back to every row: the cost follows distinct values, not rows.

A release of a million tracks repeats a few thousand values. `Distinct` factorizes each column of
a table once (codes per row, the distinct values) and every check shares it: a check judges the
distinct values, or the distinct tuples of the columns it reads, and its verdicts reach the rows
through the codes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Codes:
    """Each row's code (numbered in order of first appearance) and what each code stands for:
    `parts[i][code]` is the i-th column's value of the distinct value or tuple `code`."""

    codes: np.ndarray
    parts: tuple[np.ndarray, ...]  # object arrays, one per column read (one, but for joins)

    @property
    def values(self) -> np.ndarray:
        """The distinct values of a single column."""
        return self.parts[0]

    def __len__(self) -> int:
        return len(self.parts[0])

    def rows_of(self, chosen: Sequence[int]) -> Iterator[tuple[int, np.ndarray]]:
        """(code, the positions of its rows, ascending) for each chosen code, in the order
        chosen."""
        return rows_of(self.codes, chosen)


def rows_of(codes: np.ndarray, chosen: Sequence[int]) -> Iterator[tuple[int, np.ndarray]]:
    """(code, the positions of its rows, ascending) for each chosen code, in the order chosen:
    one pass over the rows, whatever the number of codes chosen."""
    if not len(chosen):
        return
    wanted = np.asarray(chosen, dtype=codes.dtype)
    positions = np.flatnonzero(np.isin(codes, wanted))
    held = codes[positions]
    order = np.argsort(held, kind="stable")
    held, positions = held[order], positions[order]
    starts = np.searchsorted(held, wanted, side="left")
    ends = np.searchsorted(held, wanted, side="right")
    for code, start, end in zip(wanted.tolist(), starts.tolist(), ends.tolist(), strict=True):
        yield code, positions[start:end]


_SMALL = 64


def codes_of(values: np.ndarray | pd.Series) -> Codes:
    """Any array's codes and distinct values (the rows' output types, say)."""
    cells = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    if len(cells) <= _SMALL and all(type(v) is str for v in cells):
        seen: dict[str, int] = {}  # a few values: a dict beats the hash table's set-up
        small = np.fromiter((seen.setdefault(v, len(seen)) for v in cells), dtype=np.int32,
                            count=len(cells))
        return Codes(small, (np.asarray(list(seen), dtype=object),))
    codes, uniques = _by_identity(cells) if cells.dtype == object else pd.factorize(cells)
    return Codes(_narrow(codes), (np.asarray(uniques, dtype=object),))


_SAMPLE = 1 << 16


def _by_identity(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize's codes and uniques, found by object first: pandas' parser boxes each
    distinct string of a column once per chunk it reads, so a column of few values holds few
    objects, and hashing their addresses (integers) then the values of those few objects costs
    a third of hashing a million strings. A column of mostly distinct values is hashed as is."""
    try:
        addresses = np.frombuffer(np.ascontiguousarray(cells), dtype=np.intp)
    except (TypeError, ValueError):  # a numpy that exports no object buffer
        return pd.factorize(cells)
    head = addresses[:_SAMPLE]
    if len(pd.unique(head)) > len(head) // 4:
        return pd.factorize(cells)
    by_object, _ = pd.factorize(addresses, size_hint=1024)
    codes, uniques = pd.factorize(cells[_first_rows(by_object)])  # in order of appearance
    return _narrow(codes)[by_object], uniques  # gathered as 32 bits: no 64-bit copy per row


class Distinct:
    """One table's columns, each factorized once on first use, and tuples of them."""

    def __init__(self, frame: pd.DataFrame, types: pd.Series) -> None:
        self.frame = frame
        self.types = types  # each row's output type, '' where unknown
        self.kinds = codes_of(types)
        self.rows = frame.index.to_numpy()  # position -> row label, for findings
        self._columns: dict[str, Codes] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def positions(self, rows: np.ndarray) -> np.ndarray:
        """The position of each row label (labels ascend), -1 where the table holds none."""
        at = np.searchsorted(self.rows, rows)
        held = np.flatnonzero(at < len(self.rows))
        held = held[self.rows[at[held]] == rows[held]]
        found = np.full(len(rows), -1, dtype=np.intp)
        found[held] = at[held]
        return found

    def column(self, name: str) -> Codes:
        if name not in self._columns:
            self._columns[name] = codes_of(self.frame[name] if name in self.frame
                                           else np.full(len(self.frame), "", dtype=object))
        return self._columns[name]

    def tuples(self, names: Sequence[str], typed: bool = False) -> Tuples:
        """The distinct tuples of these columns (led by the row's output type when `typed`),
        with each row's key."""
        parts = ([self.kinds] if typed else []) + [self.column(n) for n in names]
        sizes = tuple(len(p) for p in parts)
        space = math.prod(sizes)
        if len(self) and space <= _TABLED * len(self) + (1 << 20):
            # each row's key is its codes in mixed radix, and a table of the key space says
            # which keys occur: no hashing, no renumbering, one pass per part
            keyed = _mixed(parts, sizes, np.int32 if space < 2**31 else np.int64)
            present = np.zeros(space, dtype=bool)
            present[keyed] = True
            keys = np.flatnonzero(present)
            digits = np.unravel_index(keys, sizes)
            return Tuples(keyed, keys, tuple(p.values[d] for p, d in zip(parts, digits,
                                                                          strict=True)))
        combined = joint(parts) if len(self) else np.empty(0, dtype=np.int32)
        first = _first_rows(combined)
        return Tuples(combined, np.arange(len(first)),
                      tuple(p.values[p.codes[first]] for p in parts))


_TABLED = 16  # a key space up to this many slots per row is tabled (one byte a slot)


def _mixed(parts: Sequence[Codes], sizes: tuple[int, ...], dtype: type[np.signedinteger[Any]]
           ) -> np.ndarray:
    """Each row's codes in `parts` as one number in mixed radix, computed in place in `dtype`
    (32 bits where the key space allows: half the memory, kept while rows are found)."""
    keyed = parts[0].codes.astype(dtype)
    for part, size in zip(parts[1:], sizes[1:], strict=True):
        keyed *= size
        keyed += part.codes
    return keyed


@dataclass(frozen=True)
class Tuples:
    """Distinct tuples of some columns: `parts[i][t]` is the i-th column's value of tuple t,
    `keys[t]` its key, and `keyed` each row's key; a tuple's rows are found when asked for."""

    keyed: np.ndarray
    keys: np.ndarray
    parts: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.keys)

    def tuples(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(number, its values) for each distinct tuple."""
        return enumerate(zip(*(p.tolist() for p in self.parts), strict=True))

    def numbered(self) -> np.ndarray:
        """Each row's tuple number (0..len-1)."""
        return np.searchsorted(self.keys, self.keyed)  # keys ascend

    def rows_of(self, chosen: Sequence[int]) -> Iterator[tuple[int, np.ndarray]]:
        """(number, the positions of its rows, ascending) for each chosen tuple, in the order
        chosen."""
        found = rows_of(self.keyed, self.keys[np.asarray(chosen, dtype=np.intp)].tolist())
        for number, (_, positions) in zip(chosen, found, strict=True):
            yield number, positions


def joint(parts: Sequence[Codes]) -> np.ndarray:
    """One code per row for the tuple of its codes in `parts` (rows aligned): equal tuples,
    equal codes, numbered 0..k-1."""
    combined, count = _renumbered(parts[0].codes.astype(np.int64) + 1, len(parts[0]) + 1)
    for part in parts[1:]:  # mixed radix, renumbered after each part so the product stays small
        combined, count = _renumbered(combined * (len(part) + 1) + (part.codes + 1),
                                      count * (len(part) + 1))
    return _narrow(combined)


def _narrow(codes: np.ndarray) -> np.ndarray:
    """Codes as 32-bit integers (a table has far fewer than 2**31 rows): half the memory of
    a million-row table's codes, kept for every column."""
    return codes.astype(np.int32, copy=False)


def _renumbered(mixed: np.ndarray, space: int) -> tuple[np.ndarray, int]:
    """Codes 0..k-1 for the k distinct values of `mixed` (each in 0..space-1): by a table of
    the space where it is small against the rows (no hashing), else by factorizing."""
    if space <= 4 * len(mixed) + 4096:
        present = np.zeros(space, dtype=bool)
        present[mixed] = True
        renumber = np.cumsum(present, dtype=np.int64) - 1
        return renumber[mixed], int(renumber[-1]) + 1 if space else 0
    codes, uniques = pd.factorize(mixed)
    return codes.astype(np.int64), len(uniques)


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """The first row of each code (codes numbered in order of first appearance): the rows are
    written from the last, a block at a time, so the earliest write of a code is the one kept
    and no temporary array is as long as the table (two per column of a million rows cost
    four times the work, in page faults)."""
    first = np.full(int(codes.max()) + 1 if len(codes) else 0, -1, dtype=np.intp)
    for start in range((len(codes) - 1) // _BLOCK * _BLOCK, -1, -_BLOCK):
        block = codes[start:start + _BLOCK]
        first[block[::-1]] = np.arange(start + len(block) - 1, start - 1, -1)
    return first


_BLOCK = 1 << 16
