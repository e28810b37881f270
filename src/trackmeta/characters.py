"""Invisible and look-alike characters: the one place that finds them in a value, names them and
says what the value is once they are cleaned.

Copy-paste brings characters a reader cannot see or cannot tell apart: a zero-width space or a
byte order mark inside a CURIE, a no-break space, a soft hyphen, full-width or Arabic-Indic digits
(`CL:` then digits U+FF10-U+FF19), a Cyrillic letter in a prefix (U+0421 for C), a Unicode
minus as strand. They make a value differ from the one it shows. `suspicious` finds them
(`SCREEN` rules most values out at once); `shown` writes a value with each one named
(`U+200B ZERO WIDTH SPACE`); `cleaned` gives the value meant, where that is certain for the
column's kind.
"""

from __future__ import annotations

import re
import unicodedata

# What no renderer may print as it is: a reader sees nothing, or a space (escape.py shows them)
HIDDEN = "\u00a0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff"

# Controls (but tab), C1 controls, no-break and other odd spaces, soft hyphen, zero-width and
# bidirectional marks, line and paragraph separators, word joiners, the byte order mark,
# full-width forms, dashes and the minus sign, and non-ASCII digits: suspicious anywhere.
_ALWAYS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u2000-\u200f\u2010-\u2015\u2028-\u202f\u205f-\u206f\u2212\u3000\u3164\ufeff\uff00-\uffef"
    "\u0660-\u0669\u06f0-\u06f9\u0966-\u096f]")
# Any character that may be suspicious: a value without one needs no closer look.
SCREEN = re.compile(f"{_ALWAYS.pattern}|[\u0370-\u03ff\u0400-\u04ff]")

# Greek and Cyrillic letters drawn like Latin ones, as they turn up in identifiers (written as
# escapes: the letters themselves would be the hazard they describe)
_LATIN = str.maketrans(
    "\u0410\u0412\u0421\u0415\u041d\u0406\u0408\u041a\u041c\u041e\u0420\u0405\u0422\u0425\u0423\u0430\u0441\u0435\u0456\u0458"
    "\u043e\u0440\u0455\u0445\u0443\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7\u03bf",
    "ABCEHIJKMOPSTXYaceijopsxyABEZHIKMNOPTYXo")
_CONFUSABLE = frozenset(chr(c) for c in _LATIN)
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u206f\ufeff]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_EDGE_SPACES = re.compile(f"^{_SPACES.pattern}+|{_SPACES.pattern}+$")


def suspicious(value: str, code: bool = False) -> list[str]:
    """The distinct invisible or look-alike characters of a value, in order. A Greek or Cyrillic
    letter drawn like a Latin one counts in a value otherwise written in ASCII (U+0421 in `CL:1`);
    in a code (an id, a strand, an enum value), every character outside ASCII counts."""
    found = [m.group() for m in _ALWAYS.finditer(value)]
    rest = [c for c in value if not c.isascii() and c not in found]
    if code or (rest and all(c in _CONFUSABLE for c in rest)):
        found += rest
    return [c for c in dict.fromkeys(found) if c in value]


def name_of(ch: str) -> str:
    """`U+200B ZERO WIDTH SPACE`: the code point and its Unicode name."""
    name = unicodedata.name(ch, "") or {
        "\r": "CARRIAGE RETURN", "\x0b": "LINE TABULATION", "\x0c": "FORM FEED",
        "\x85": "NEXT LINE", "\x1c": "FILE SEPARATOR", "\x1d": "GROUP SEPARATOR",
        "\x1e": "RECORD SEPARATOR"}.get(ch, "CONTROL CHARACTER")
    return f"U+{ord(ch):04X} {name}"


def shown(value: str, code: bool = False) -> str:
    """The value with each suspicious character written as `<U+200B ZERO WIDTH SPACE>`, so that
    a message never reads exactly like the valid value."""
    hidden = set(suspicious(value, code))
    return "".join(f"<{name_of(c)}>" if c in hidden else c for c in value)


def cleaned(value: str, code: bool) -> str | None:
    """The value meant, or None where that is not certain. Invisible characters go; odd spaces
    become spaces inside text and go at its ends (a trailing no-break space meant none) and
    anywhere in a code (`CL:000\u00a00047` is CL:0000047); in a code (an id, a strand, an enum
    value, a number) full-width forms and non-ASCII digits become ASCII, dashes a hyphen-minus,
    and Greek or Cyrillic letters that look Latin the Latin letter."""
    text = _INVISIBLE.sub("", value)
    text = _SPACES.sub("", text) if code else _SPACES.sub(" ", _EDGE_SPACES.sub("", text))
    if code:
        text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_LATIN)
        text = "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c
                       for c in text)
        text = text.strip()
    if suspicious(text, code):
        return None  # a control character, or a letter with no Latin twin: for a person
    return text if text != value else None
