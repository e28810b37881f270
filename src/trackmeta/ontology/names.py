"""The name model: when two names are one name as biologists write them. Search ranks with it,
TM208/TM213 judge biosample names with it, `fix` proposes with it.

Two forms of a name are compared:
- `compact`: letters and digits only, case folded, Greek letters by their names, `+` as
  `positive`, British spellings as American, a trailing `cell`/`cells` dropped:
  `T-47D cell` = `T47D`, `HT-1080 cell` = `HT1080`, `CD4+ T cell` = `CD4-positive T-cell`.
- `key`: the same words as a set, without `of`/`the`/`and`, `cell` and plural endings:
  `fibroblast of lung` = `lung fibroblasts`.
A short or all-capitals query (an abbreviation, a cell line) is never matched fuzzily.

Qualifier words say which sample, not which term: an organism ('mouse liver'), a life stage
('adult', 'fetal'), or the kind of biosample ('K562 cell line', 'primary keratinocytes', 'liver
tissue'). `unqualified` gives a query without them, in steps, for a search whose whole query
names nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Greek letters by their Unicode names ('GREEK SMALL LETTER ALPHA' -> 'alpha'), as labels spell them
_GREEK = {chr(c): unicodedata.name(chr(c)).rsplit(" ", 1)[-1].lower()
          for c in range(0x03B1, 0x03CA) if unicodedata.name(chr(c), "")}
# British stems and their American spelling (the releases write American)
_SPELLINGS = (("leucocyt", "leukocyt"), ("oesophag", "esophag"), ("haemat", "hemat"),
              ("haemo", "hemo"), ("foet", "fet"), ("oestr", "estr"), ("tumour", "tumor"),
              ("anaem", "anem"), ("paediat", "pediat"), ("caecum", "cecum"), ("coeliac", "celiac"),
              ("colour", "color"), ("ischaem", "ischem"), ("oedema", "edema"), ("haem", "hem"))
_QUIET = frozenset({"of", "the", "and", "in", "from", "cell", "cells"})
_WORD = re.compile(r"[a-z0-9]+")


_BRITISH = re.compile("|".join(british for british, _ in _SPELLINGS))
_AMERICAN = dict(_SPELLINGS)


@lru_cache(maxsize=65536)
def _plain(name: str) -> str:
    text = name.casefold()
    if not text.isascii():  # accents off, Greek letters by name
        text = unicodedata.normalize("NFKD", text)
        text = "".join(_GREEK.get(c, c) for c in text if not unicodedata.combining(c))
    if "+" in text:
        text = text.replace("+", " positive ")
    return _BRITISH.sub(lambda m: _AMERICAN[m.group()], text) if _BRITISH.search(text) else text


def compact(name: str) -> str:
    """Letters and digits only, with a trailing cell/cells dropped ('T-47D cell' -> 't47d')."""
    text = "".join(_WORD.findall(_plain(name)))
    for tail in ("cells", "cell"):
        if text.endswith(tail) and len(text) > len(tail):
            return text[: -len(tail)]
    return text


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(name: str) -> frozenset[str]:
    """The name's words, order and grammar aside ('fibroblast of lung' = 'lung fibroblasts')."""
    return frozenset(_singular(w) for w in _WORD.findall(_plain(name)) if w not in _QUIET)


def tokens(name: str) -> list[str]:
    """The name's letters-and-digits runs, in order ('HeLa-S3' -> ['hela', 's3'])."""
    return _WORD.findall(_plain(name))


def key(name: str) -> str:
    return " ".join(sorted(words(name)))


def same_name(a: str, b: str) -> bool:
    """Whether two names are one name as biologists write them."""
    return compact(a) == compact(b) or (bool(words(a)) and words(a) == words(b))


def abbreviation_like(query: str) -> bool:
    """A short or all-capitals query (iPSC, HUVEC, NK, K562): never matched fuzzily."""
    letters = re.sub(r"[^A-Za-z0-9]", "", query)
    return len(letters) <= 4 or (sum(c.isupper() for c in letters) >= len(letters) / 2)


# Each step takes out more: the organism, then the kind of biosample, then the life stage (last:
# 'embryonic' is part of names such as 'embryonic fibroblast').
_QUALIFIERS = (
    ("organism", ("homo sapiens", "mus musculus", "humans", "human", "mice", "mouse", "murine")),
    ("biosample", ("cell lines", "cell line", "cells", "tissues", "tissue", "primary",
                   "cultured")),
    ("life stage", ("adults", "adult", "fetal", "foetal", "fetus", "foetus", "embryonic")),
)
_QUALIFYING = tuple(
    (kind, re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(w) for w in taken)
                      + r")(?![A-Za-z0-9])", re.IGNORECASE))
    for kind, taken in _QUALIFIERS)


def unqualified(query: str) -> list[tuple[str, tuple[str, ...]]]:
    """The query less its qualifier words, one step at a time (each step also takes out what
    the steps before it did), with the words taken out so far; steps that take out nothing,
    or everything, are left out."""
    steps: list[tuple[str, tuple[str, ...]]] = []
    text, taken = query, tuple[str, ...]()
    if not text.isascii():  # 'émbryonic liver': accents off, as the name model compares names
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    for _, pattern in _QUALIFYING:
        found = tuple(m.group() for m in pattern.finditer(text))
        if not found:
            continue
        rest = " ".join(pattern.sub(" ", text).split())
        if not _WORD.search(rest.lower()):
            break
        text, taken = rest, taken + found
        steps.append((text, taken))
    return steps
