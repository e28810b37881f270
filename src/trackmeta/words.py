"""How counts read in every message and report: "1 file", "2 files", never "1 files"."""

from __future__ import annotations


def counted(n: int, word: str, plural: str | None = None) -> str:
    """`n word`, with thousands separated and the plural where n is not one."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"
