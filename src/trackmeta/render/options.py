"""What a reader of a report may ask of its rendering, beside the format; and the one way every
renderer names a file (relative to the working directory, where CI systems attach findings)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    statistics: bool = False  # text: a count per rule at the end
    color: bool = False  # text: ANSI colours (a terminal, NO_COLOR unset, or FORCE_COLOR)
    annotations_per_rule: int = 10  # github: the rest of a rule's findings are summarised
    compact: bool = False  # html: the notebook view, without the per-file tables


def relative(path: str) -> str:
    """A path relative to the working directory with / separators, as CI systems attach
    findings to files; `<stdin>` and the like kept."""
    if path.startswith("<"):
        return path
    try:
        return os.path.relpath(os.path.abspath(path)).replace(os.sep, "/")
    except FileNotFoundError:  # the working directory is gone: the path as given
        return path.replace(os.sep, "/")


def shown(path: str) -> str:
    """A path as a reader sees it: relative where it lies below the working directory, as
    given otherwise (no `../../..` climbing out of a notebook's folder)."""
    if path.startswith("<"):
        return path
    try:
        inside = relative(path)
    except ValueError:  # another drive
        return path
    return path if inside.startswith("../") or inside == ".." else inside
