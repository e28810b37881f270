"""What a reader of a report may ask of its rendering, beside the format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    statistics: bool = False  # text: a count per rule at the end
    color: bool = False  # text: ANSI colours (a terminal, NO_COLOR unset, or FORCE_COLOR)
    annotations_per_rule: int = 10  # github: the rest of a rule's findings are summarised
