"""The words around the term: ChIP targets (transcription_factor) against the organism's gene
names, histone marks (histone_mark) against the histone grammar (TM107-TM111). Judged once per
distinct value and mapped back to its rows; a vocabulary is opened only when a table has values
that need it."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator

import pandas as pd

from trackmeta.findings import Finding
from trackmeta.ontology.genes import GeneNames, Target
from trackmeta.ontology.vocabulary import Vocabularies
from trackmeta.rules import rule
from trackmeta.specs.distinct import Distinct
from trackmeta.specs.model import Specs

Judge = Callable[[str, str], list[Finding]]


def vocabulary_findings(distinct: Distinct, specs: Specs, words: Vocabularies
                        ) -> Iterator[Finding]:
    known = distinct.kinds.values[distinct.kinds.codes] != ""
    for column, vocabulary in specs.organism.vocabularies.items():
        if column not in distinct.frame:
            continue
        cells = distinct.column(column)
        held = pd.unique(cells.codes[known])  # the values of rows with a known output type
        pattern = specs.columns[column].pattern if column in specs.columns else None
        wanted = {}
        for code in held.tolist():
            value = str(cells.values[code]).strip()
            # an empty value is no target; one outside the column's form is TM106's alone
            if value and (pattern is None or re.fullmatch(pattern, value)):
                wanted[code] = value
        if not wanted:
            continue
        candidates: dict[str, tuple[str, ...]] = {}
        judge, finish = _judge_for(column, vocabulary, specs, words, candidates)
        judged = {code: judge(column, value) for code, value in wanted.items()}
        finish()
        failed = [code for code, templates in judged.items() if templates]  # most pass
        evidence = _Evidence(distinct, judge, column)
        for code, positions in cells.rows_of(failed):  # in the order given
            for position in positions[known[positions]].tolist():
                row = int(distinct.rows[position])
                for template in judged[code]:
                    near = candidates.get(wanted[code], ()) if template.code == "TM107" else ()
                    yield (evidence.weighed(template, near, position) if near
                           else template).at_row(row)


class _Evidence:
    """What a row's own track name says of a value with candidates (#30): the name less the
    row's CURIE and assay title, read word by word for the column's known values."""

    def __init__(self, distinct: Distinct, judge: Judge, column: str) -> None:
        frame = distinct.frame
        self.names = frame["name"].to_numpy(dtype=object) if "name" in frame else None
        self.assays = (frame["Assay title"].to_numpy(dtype=object) if "Assay title" in frame
                       else None)
        self.judge, self.column = judge, column
        self._known: dict[str, bool] = {}

    def said(self, position: int) -> list[str]:
        """The column's known values the track's name holds as words, in order."""
        if self.names is None:
            return []
        name = str(self.names[position])
        if self.assays is not None and str(self.assays[position]).strip():
            name = name.replace(str(self.assays[position]).strip(), " ")
        found = []
        for word in name.split():
            if ":" in word or word in found:
                continue  # a CURIE is TM301's
            if word not in self._known:
                self._known[word] = not self.judge(self.column, word)
            if self._known[word]:
                found.append(word)
        return found

    def weighed(self, template: Finding, near: tuple[str, ...], position: int) -> Finding:
        """A candidate the name agrees with is the fix, said so; a name that says another
        known value contradicts every candidate, and the message says that instead. A
        spelling neighbour alone is never a fix."""
        said = self.said(position)
        agreeing = [c for c in near if c in said]
        if len(agreeing) == 1:
            return dataclasses.replace(
                template, fix=agreeing[0], expected=agreeing[0],
                message=f"{template.message}; the track's name says {agreeing[0]}, so it is "
                        f"{agreeing[0]}")
        if not agreeing and len(said) == 1:
            return dataclasses.replace(
                template, message=f"{template.message}; but the track's name says {said[0]}, "
                                  "which none of them is: which target the track is, is for a "
                                  "person to say")
        return template


def _judge_for(column: str, vocabulary: str, specs: Specs, words: Vocabularies,
               candidates: dict[str, tuple[str, ...]]) -> tuple[Judge, Callable[[], None]]:
    """The judge of one column's values, and what to call once every value is judged; the
    genes each unknown target may have meant go into `candidates`."""
    if specs.vocabularies[vocabulary].kind == "histone-marks":
        return _histone_judge(words, vocabulary), lambda: None
    others = {other.name: other.vocabularies[column] for other in specs.organisms.values()
              if other.name != specs.organism.name and column in other.vocabularies}
    former = next((d.name for d in specs.vocabularies.values()
                   if d.kind == "former-symbols" and d.joins == vocabulary), None)
    genes = GeneNames(words.get(vocabulary), specs.organism.name, specs.organism.targets_written,
                      {organism: functools.partial(words.get, name)
                       for organism, name in others.items()},
                      functools.partial(words.get, former) if former else None)

    def judge(column: str, value: str) -> list[Finding]:
        target = genes.read(value)
        if target.kind in ("former", "unknown") and former:  # consulted for it
            words.mark(former)
        if target.kind == "unknown":  # the other organisms' names were consulted for it
            for name in others.values():
                words.mark(name)
            candidates[value] = target.near
        return list(_target(genes, target, column, value))

    return judge, genes.save


def _target(genes: GeneNames, target: Target, column: str, value: str) -> Iterator[Finding]:
    if target.kind == "spelling":
        yield rule("TM108").finding(target.message, column=column, value=value,
                                    expected=target.fix, fix=target.fix)
    elif target.kind == "date":
        yield rule("TM109").finding(target.message, column=column, value=value,
                                    expected=target.fix, fix=target.fix)
    elif target.kind == "former":
        yield rule("TM112").finding(target.message, column=column, value=value,
                                    expected=target.fix, fix=target.fix)
    elif target.kind == "unknown":
        spelt = target.message.endswith("misspelt")  # neighbours are spellings, not facts
        near = (f"; {'spellings one edit away' if spelt else 'candidates'}: "
                f"{', '.join(target.near)}" if target.near else "")
        yield rule("TM107").finding(target.message + near, column=column, value=value,
                                    expected=f"a gene name of {genes.release}")


def _histone_judge(words: Vocabularies, vocabulary: str) -> Judge:
    grammar = words.grammar(vocabulary)

    def judge(column: str, value: str) -> list[Finding]:
        reading = grammar.read(value)
        if reading.kind == "bad":
            return [rule("TM110").finding(reading.problem, column=column, value=value,
                                          expected=reading.fix or "a histone modification "
                                          "name such as H3K27ac or H3K4me3", fix=reading.fix)]
        if reading.kind == "variant":
            return [rule("TM111").finding(
                f"{value!r} is the former gene symbol of the histone variant {reading.histone} "
                f"(now {reading.now}): a ChIP target, not a modification", column=column,
                value=value, expected=reading.histone)]
        return []

    return judge
