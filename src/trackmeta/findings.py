"""Findings: what trackmeta says about metadata, as plain data.

A finding is about the user's metadata (exit 1 when it reaches --fail-on); a `Failure` is trackmeta
being unable to do its job on an input (exit 2). Neither is an exception.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Any

from trackmeta.identity import TrackId


class Severity(enum.IntEnum):
    """Ordered so that `severity >= threshold` selects what fails a run."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return _SEVERITY_NAMES[self]  # enum's `name` is a descriptor: slow per finding

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(str(s) for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


_SEVERITY_NAMES = {level: level.name.lower() for level in Severity}


@dataclass(frozen=True)
class Finding:
    """One property of the metadata that a rule objects to.

    `line` is the 1-based physical line in `path` (the header is line 1); `row` is the 0-based
    position of the data row, also set for inputs without lines (Parquet, DataFrames); `track`
    is the identity of the row's track, which survives reordering and unrelated edits.
    """

    code: str
    name: str
    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    fix: str | None = None
    row: int | None = None
    track: TrackId | None = None
    span: tuple[int, int] | None = None  # the cell's first and past-the-end character in `line`

    def at_row(self, row: int) -> Finding:
        """This finding on `row`: a check judges a value once and places it on every row that
        holds it. Runs once per row found, so it copies the fields as they are (already
        checked) rather than through the frozen constructor, a quarter of its cost."""
        fields = self.__dict__.copy()
        fields["row"] = row
        return _made(fields)

    def placed(self, path: str | None, line: int | None, track: TrackId | None,
               span: tuple[int, int] | None) -> Finding:
        """A copy at this place: the engine's own values, filled in once per finding of a
        million-row table, so the fields are copied as a dict, with no keywords to check."""
        fields = self.__dict__.copy()
        fields["path"], fields["line"], fields["track"], fields["span"] = path, line, track, span
        return _made(fields)

    def having(self, **changed: Any) -> Finding:
        """A copy with these fields changed (the engine's own values, already valid)."""
        if not changed.keys() <= self.__dict__.keys():
            raise TypeError(f"a Finding has no field {sorted(changed.keys() - self.__dict__.keys())}")
        return _made({**self.__dict__, **changed})


def _made(fields: dict[str, Any]) -> Finding:
    """A Finding holding these fields (a copy's, with some changed): not through the frozen
    constructor, which checks and sets each field in turn."""
    finding = object.__new__(Finding)
    object.__setattr__(finding, "__dict__", fields)
    return finding


@dataclass(frozen=True)
class Failure:
    """trackmeta could not read or check an input; the run exits 2."""

    message: str
    path: str | None = None
    line: int | None = None
    column: str | None = None


class UsageError(ValueError):
    """The call itself is wrong (unknown output type, bad option): exit 2, before any input is
    judged."""


class ArgumentError(UsageError, TypeError):
    """A Python call was given what the argument cannot be (None, a number, bytes): named with
    what it accepts. Both a ValueError and a TypeError, so either `except` catches it."""


def paths_argument(value: object, function: str, accepts: str) -> list[str | os.PathLike[str]]:
    """`value` as a list of paths (a path, or a sequence of paths); anything else is an
    ArgumentError naming the function and what it accepts, never a silent empty answer."""
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        if str(value) == "":
            raise ArgumentError(f"{function}(): the path is empty; give {accepts}")
        return [value]
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (str, os.PathLike)) and str(v) for v in value):
        return list(value)
    shown = ("an empty sequence" if isinstance(value, (list, tuple)) and not value
             else f"{type(value).__name__} {value!r}"[:80]
             if value is None or isinstance(value, (int, float, bytes, list, tuple))
             else f"a {type(value).__name__}")
    raise ArgumentError(f"{function}() takes {accepts}, not {shown}")
