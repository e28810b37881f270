"""ChIP targets read against an organism's gene names: what a `transcription_factor` value is,
and what is certain to be meant when it is not a name.

Certain: a value that differs from one gene name only by case or inner spaces; a human value
written as a mouse symbol (`Cebpa`); a spreadsheet's date made of a symbol (`2-Sep`, SEPT2, now
SEPTIN2). Not certain: a near miss (`CTFC`), which gets the names one edit away as suggestions.
ENCODE's modification forms (`POLR2AphosphoS5`) name a gene and a modification: the gene is read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from trackmeta.ontology.vocabulary import Vocabulary

_MODIFIED = re.compile(r"(?P<gene>.+?)(?P<mod>phospho|acetyl|methyl|ubiquityl|sumoyl)"
                       r"(?P<sites>(?:[STYKR]\d+)*)")
_DATE = re.compile(r"0?(?P<day>\d{1,2})-(?P<month>[A-Za-z]{3})|(?P<month2>[A-Za-z]{3})-0?(?P<day2>\d{1,2})")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
_MEMO_MAX = 200_000  # remembered verdicts per vocabulary: beyond, judged afresh each run


@dataclass(frozen=True)
class Target:
    kind: str  # "gene", "spelling" (certain fix), "date" (certain fix), "unknown"
    message: str = ""
    fix: str | None = None
    near: tuple[str, ...] = ()


def _verdict_shaped(value: object) -> bool:
    """A remembered verdict as `read` writes it: (kind, message, fix or None, near names)."""
    return (isinstance(value, tuple) and len(value) == 4 and value[0] in _KINDS
            and type(value[1]) is str and (value[2] is None or type(value[2]) is str)
            and isinstance(value[3], tuple) and all(type(n) is str for n in value[3]))


_KINDS = ("gene", "spelling", "date", "former", "unknown")


class GeneNames:
    def __init__(self, names: Vocabulary, organism: str, written: str | None,
                 others: Mapping[str, Callable[[], Vocabulary]] | None = None,
                 former: Callable[[], Vocabulary] | None = None) -> None:
        self.names = names
        self.organism = organism
        self.written = written  # 'upper': the organism's targets are written upper-case
        self.others = dict(others or {})  # other organisms' gene names (opened on a miss)
        self.former = former  # former and alias symbols (opened on a miss)
        self._memo: dict[str, tuple[str, str, str | None, tuple[str, ...]]] | None = None
        self._new = False

    @property
    def release(self) -> str:
        return self.names.decl.describe()

    def _named(self, value: str) -> list[str]:
        return [fields[0] for fields in self.names.get(value.upper())]

    def _is_name(self, value: str) -> bool:
        named = self._named(value)
        return value in named or bool(named and self.written == "upper" and value == value.upper())

    def read(self, value: str) -> Target:
        """What `value` is, remembered on disk per vocabulary, organism and this module's source:
        a release's next check reads its verdicts instead of making them again."""
        memo = self._remembered()
        if value not in memo:
            target = self._read(value)
            memo[value] = (target.kind, target.message, target.fix, target.near)
            self._new = True
        kind, message, fix, near = memo[value]
        return Target(kind, message, fix, near)

    def save(self) -> None:
        """Keep the verdicts made in this run for the next (a cache: failing to write costs only
        speed)."""
        import marshal

        from trackmeta.cache import sealed, write_atomic

        if self._new and self._memo is not None and len(self._memo) <= _MEMO_MAX:
            write_atomic(self._memo_path(), sealed(marshal.dumps(self._memo)))
            self._new = False

    def _memo_path(self) -> Path:
        import hashlib

        from trackmeta.cache import cache_dir

        digest = hashlib.sha256(Path(__file__).read_bytes())
        digest.update(f"{self.names.decl.sha256}:{self.organism}:{self.written}".encode())
        for organism in sorted(self.others):
            digest.update(organism.encode())
        digest.update(b"former" if self.former is not None else b"-")
        return cache_dir() / "verdicts" / f"genes-{digest.hexdigest()[:32]}.memo"

    def _remembered(self) -> dict[str, tuple[str, str, str | None, tuple[str, ...]]]:
        if self._memo is None:
            import marshal

            from trackmeta.cache import read_sealed

            self._memo = {}
            payload = read_sealed(self._memo_path())
            try:
                loaded = marshal.loads(payload) if payload is not None else None
            except (ValueError, EOFError, TypeError):
                loaded = None
            if isinstance(loaded, dict) and all(_verdict_shaped(v) for v in loaded.values()):
                self._memo = loaded
        return self._memo

    def _read(self, value: str) -> Target:
        if self._is_name(value):
            return Target("gene")
        modified = _MODIFIED.fullmatch(value)
        if modified is not None and self._is_name(modified["gene"]):
            return Target("gene")  # ENCODE's gene + modification form
        return (self._spelling(value) or self._date(value) or self._former(value)
                or self._unknown(value, modified))

    def _former(self, value: str) -> Target | None:
        """A symbol the gene had: HGNC's former symbol with one current gene is certain (the
        fix); one that was several genes', or an alias, is named, never a fix."""
        if self.former is None:
            return None
        entries = self.former().get(value.upper())
        formers = sorted({fields[0] for fields in entries if fields[1] == "former"})
        aliases = sorted({fields[0] for fields in entries if fields[1] == "alias"})
        release = self.release
        if len(formers) == 1:
            meant = formers[0].upper() if self.written == "upper" else formers[0]
            dates = sorted({fields[2] for fields in entries if len(fields) > 2 and fields[2]
                            and fields[0] == formers[0]})
            snapshot = self.former().decl.version.split(" ")[0]
            when = f", renamed {dates[-1]}" if dates else f", renamed after its {snapshot} set"
            return Target("former", f"{value!r} is a former symbol of {meant} (HGNC{when}); "
                                    f"{release} names the gene {meant}", meant)
        if formers:
            return Target("unknown", f"{value!r} is not a gene name in {release}: it is a "
                                     f"former symbol of several genes ({', '.join(formers)}), "
                                     "so which one is meant is not certain", near=tuple(formers))
        if aliases:
            return Target("unknown", f"{value!r} is not a gene name in {release}: HGNC lists it "
                                     f"as an alias of {', '.join(aliases)}", near=tuple(aliases))
        return None

    def _spelling(self, value: str) -> Target | None:
        squeezed = re.sub(r"\s+", "", value)
        named = self._named(squeezed)
        if len(named) != 1:
            return None
        meant = squeezed.upper() if self.written == "upper" else named[0]
        if squeezed != value and self._is_name(squeezed):
            return Target("spelling", f"{value!r} is the gene {squeezed} with spaces in it", meant)
        if self.organism == "human" and value[:1].isupper() and value[1:] == value[1:].lower():
            return Target("spelling", f"{value!r} is written as a mouse gene symbol; the human "
                                      f"gene is {meant}", meant)
        return Target("spelling", f"{value!r} is the gene {meant} but for case", meant)

    def _date(self, value: str) -> Target | None:
        date = _DATE.fullmatch(value)
        if date is None:
            return None
        month = (date["month"] or date["month2"]).title()
        day = int(date["day"] or date["day2"])
        for stem in self.names.decl.excel_dates.get(month, ()):
            named = self._named(f"{stem}{day}")
            if len(named) == 1:
                meant = named[0].upper() if self.written == "upper" else named[0]
                return Target("date", f"{value!r} is a spreadsheet's date made of a gene symbol: "
                                      f"{stem.upper()}{day}"
                                      + (f", now {meant}" if meant != f"{stem.upper()}{day}" else ""),
                                      meant)
        return None

    def _unknown(self, value: str, modified: re.Match[str] | None) -> Target:
        gene = modified["gene"] if modified is not None else value
        shown = f"{value!r}" if gene == value else f"{value!r} (the gene {gene!r}, modified)"
        near = self.near(gene)
        elsewhere = self._elsewhere(gene)
        return Target("unknown", f"{shown} is not a gene name in {self.release}"
                                 + (elsewhere or ": no gene had it as a symbol either (HGNC), so "
                                                 "it may be misspelt"), near=near)

    def _elsewhere(self, gene: str) -> str | None:
        """Whose gene name it is, when another organism's (ZNF384 in mouse metadata: Zfp384)."""
        for organism, opened in self.others.items():
            names = opened()
            if gene in [fields[0] for fields in names.get(gene.upper())]:
                return f"; it is a {organism} gene name ({names.decl.describe()})"
        return None

    def near(self, gene: str, limit: int = 5) -> tuple[str, ...]:
        """Gene names one edit from `gene`, the most alike first."""
        keys = self.names.keys_near(gene.upper(), _ALPHABET)
        names = [fields[0] for key in keys for fields in self.names.get(key)]
        if self.written == "upper":
            names = [n.upper() for n in names]
        ranked = sorted(dict.fromkeys(names), key=lambda n: (
            -(sorted(n.upper()) == sorted(gene.upper())),
            -difflib.SequenceMatcher(None, gene.upper(), n.upper()).ratio(), n))
        return tuple(ranked[:limit])
