"""How words read in every message and report: counts ("1 file", "2 files", never "1 files"),
and the close match offered for a name mistyped (a command, an option, a rule code)."""

from __future__ import annotations

from collections.abc import Iterable


def counted(n: int, word: str, plural: str | None = None) -> str:
    """`n word`, with thousands separated and the plural where n is not one."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def did_you_mean(given: str, choices: Iterable[str]) -> str:
    """"; did you mean 'check'?" where one choice is close to `given` (case aside), else ""."""
    import difflib

    folded = {choice.upper(): choice for choice in choices}
    close = difflib.get_close_matches(given.upper(), list(folded), n=1, cutoff=0.7)
    return f"; did you mean {folded[close[0]]!r}?" if close else ""
