"""Ontology checks (TM204-TM211), judged once per distinct (term, name, type, tissue) tuple and
mapped back to every row that holds it: the cost follows distinct values, not rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from trackmeta.findings import Finding
from trackmeta.ontology import names
from trackmeta.ontology.resolver import EXACT_SCOPES, Resolution, Resolver, fold
from trackmeta.ontology.vocabulary import normalised
from trackmeta.rules import rule
from trackmeta.specs.curie import curie_problem
from trackmeta.specs.distinct import Distinct
from trackmeta.specs.model import Specs

COLUMNS = ("ontology_curie", "biosample_name", "biosample_type", "gtex_tissue")
_CLONE = re.compile(r"[,\s]*\bclone\b[,\s]*", re.IGNORECASE)


def _live_label(label: str) -> str:
    """Labels of obsolete terms carry an 'obsolete' prefix that names never do."""
    for prefix in ("obsolete_", "obsolete "):
        if label.startswith(prefix):
            return label[len(prefix):]
    return label


class OntologyJudge:
    """Judges one tuple at a time; remembers resolutions so each CURIE is resolved once."""

    def __init__(self, specs: Specs, resolver: Resolver) -> None:
        self.specs = specs
        self.resolver = resolver
        self.resolve = cache(resolver.resolve)

    def judge(self, curie: str, name: str, btype: str, tissue: str) -> Iterator[Finding]:
        if curie and curie_problem(curie, self.specs.ontologies) is None:
            resolution = self.resolve(curie)
            yield from self._status(resolution, name, btype)
            if resolution.status in ("ok", "obsolete") and name:
                yield from self._name(resolution, name, btype)
            elif resolution.status == "provisional" and resolution.label and name:
                yield from self._provisional_name(resolution, name)
            if btype:
                yield from self._biosample_type(resolution, btype)
        if tissue and curie:
            yield from self._gtex(curie, tissue)

    def _status(self, res: Resolution, name: str, btype: str) -> Iterator[Finding]:
        if res.status == "unknown":
            prefix = res.curie.split(":", 1)[0]
            guesses = self.resolver.names_for(prefix).get(fold(name), []) if name else []
            yield rule("TM204").finding(
                res.message + (f"; {name!r} is {', '.join(guesses)}" if guesses else ""),
                column="ontology_curie", value=res.curie,
                expected=guesses[0] if len(guesses) == 1 else f"a term of {res.release}")
        elif res.status == "obsolete":
            same = res.replacement is not None and res.replacement_label is not None
            yield rule("TM205").finding(
                res.message, column="ontology_curie", value=res.curie,
                expected=res.replacement or (", ".join(res.candidates) or None),
                fix=res.replacement if same else None)
        elif res.status == "provisional":
            yield rule("TM206").finding(res.message, column="ontology_curie", value=res.curie)
        elif res.status == "unresolved":
            known = self._cell_line(name) if btype == "cell_line" and name else None
            said = f"; Cellosaurus knows {name!r} as {known}" if known else ""
            yield rule("TM207").finding(res.message + said, column="ontology_curie",
                                        value=res.curie)
            if btype == "cell_line" and name and known == "":
                yield rule("TM212").finding(
                    f"cell line {name!r} is not a label in {self._cell_lines_release()} (compared "
                    "ignoring case, spaces and punctuation; the bundled release has labels "
                    f"only), and no {res.curie.split(':', 1)[0]} release is loaded to say what "
                    f"{res.curie} is{self._labels_like(name)}", column="biosample_name",
                    value=name)

    def _cell_line(self, name: str) -> str | None:
        """How Cellosaurus names a cell line ("CVCL_0063 'HEK293T'"), '' where it does not know
        the name, None where the organism declares no cell-line vocabulary. A label's bracketed
        qualifier ('HK-2 [Human kidney]') is no part of the name but picks the line: the one
        written exactly as given comes first, then one whose qualifier names the organism; a
        'Clone' word is read past ('Jurkat, Clone E6-1' is 'Jurkat E6.1')."""
        vocabulary = self.specs.organism.cell_lines
        if vocabulary is None:
            return None
        words = self.resolver.words.get(vocabulary)
        found = words.get(normalised(name)) or words.get(normalised(_CLONE.sub(" ", name)))
        kind = self.specs.organism.name  # 'human': as Cellosaurus qualifiers say it

        def rank(entry: tuple[str, ...]) -> tuple[bool, bool, str]:
            label = entry[1]
            base = label.split(" [", 1)[0]
            return base != name.strip(), kind not in label.casefold(), label

        return ", ".join(f"{curie} '{label}'" for curie, label in sorted(found, key=rank)[:3])

    def _labels_like(self, name: str) -> str:
        """Labels that start with the name's first word ('Jurkat, Clone E6-1': Jurkat E6.1)."""
        vocabulary = self.specs.organism.cell_lines
        word = next(iter(re.split(r"[\s,;/]+", name.strip())), "")
        if vocabulary is None or len(normalised(word)) < 3:
            return ""
        found = self.resolver.words.get(vocabulary).starting(normalised(word), 4)
        shown = ", ".join(f"{label} ({curie})" for curie, label in found)
        return f"; labels starting {word!r}: {shown}" if found else ""

    def _cell_lines_release(self) -> str:
        vocabulary = self.specs.organism.cell_lines
        assert vocabulary is not None
        return self.resolver.words.get(vocabulary).decl.describe()

    def _provisional_name(self, res: Resolution, name: str) -> Iterator[Finding]:
        """An NTR id's biosample_name against the name its vocabulary gives it."""
        assert res.label is not None
        if name == res.label:
            return
        if names.same_name(name, res.label):
            yield rule("TM213").finding(
                f"biosample_name {name!r} is {res.curie}'s name in {res.release} "
                f"('{res.label}'), written otherwise",
                column="biosample_name", value=name, expected=res.label)
            return
        yield rule("TM208").finding(
            f"biosample_name {name!r} is not the name {res.release} gives {res.curie} "
            f"('{res.label}')", column="biosample_name", value=name, expected=res.label)

    def _name(self, res: Resolution, name: str, btype: str) -> Iterator[Finding]:
        """biosample_name against the term's names: a naming variant is an info (TM213), a
        non-exact synonym or a former label a warning with the label as fix, anything else
        TM208, naming the term whose label it is where there is one."""
        term = self.resolver.term(res.curie)
        assert term is not None and res.label is not None
        label = _live_label(term.label)
        exact = self.resolver.exact_names(res.curie)
        if name in exact:
            return
        other_scopes = {text: scope for text, scope in term.synonyms if scope not in EXACT_SCOPES}
        if name in other_scopes:
            yield rule("TM209").finding(
                f"biosample_name {name!r} is a {other_scopes[name].lower()} synonym of "
                f"{res.curie} ('{label}'), not an exact name",
                column="biosample_name", value=name, expected=label, fix=label)
            return
        variant = self._variant(res.curie, name, exact)
        if variant is not None:
            yield rule("TM213").finding(
                f"biosample_name {name!r} is {variant}; {res.curie} is '{label}'",
                column="biosample_name", value=name, expected=label)
            return
        for release, old_label, old_synonyms in self.resolver.older_names(res.curie):
            if name == _live_label(old_label) or name in old_synonyms:
                what = "the label" if name == _live_label(old_label) else "a synonym"
                yield rule("TM208").finding(
                    f"biosample_name {name!r} was {what} of {res.curie} in {release}; "
                    f"it is '{label}' in {res.release}",
                    column="biosample_name", value=name, expected=label, fix=label)
                return
        known = self._cell_line(name) if btype == "cell_line" else None
        said = ("" if known is None else f"; Cellosaurus knows {name!r} as {known}" if known
                else f"; nor is it a name in {self._cell_lines_release()}")
        yield rule("TM208").finding(
            f"biosample_name {name!r} is not a name of {res.curie} ('{label}')"
            f"{self._named_elsewhere(res.curie, name)}{said}",
            column="biosample_name", value=name, expected=label)

    def _variant(self, curie: str, name: str, exact: set[str]) -> str | None:
        """How a name is one of the term's names as written otherwise (case, punctuation, word
        order, plural, a trailing 'cell'), or one trackmeta's abbreviations give the term."""
        same = next((n for n in sorted(exact) if names.same_name(name, n)), None)
        if same is not None:
            return f"{same!r} written otherwise"
        given = self.specs.abbreviations.get(name)
        if given is not None and given[0] == curie:
            return f"a name ontologies/abbreviations.yaml gives {curie} ({given[1]})"
        return None

    def _named_elsewhere(self, curie: str, name: str) -> str:
        """'; it is the label of CL:0008019' where another term is named exactly so."""
        prefix = curie.split(":", 1)[0]
        others = [c for c in self.resolver.names_for(prefix).get(fold(name), []) if c != curie]
        if not others:
            return ""
        shown = ", ".join(f"{c}{self._label_of(c)}" for c in others[:3])
        return f"; it is a name of {shown}"

    def _biosample_type(self, res: Resolution, btype: str) -> Iterator[Finding]:
        kind = self.specs.biosample_types.get(btype)
        if kind is None or res.status == "provisional":
            return  # not an allowed biosample_type (TM103), or an id no release can place (TM206)
        prefix = res.curie.split(":", 1)[0]
        roots = kind.branches.get(prefix)
        if roots is None:
            yield rule("TM210").finding(
                f"biosample_type {btype!r} takes {' or '.join(kind.branches)} terms, "
                f"not {prefix} ({res.curie}{self._label(res)})",
                column="biosample_type", value=btype,
                expected=f"a term of {', '.join(kind.branches)}")
            return
        if res.status != "ok":
            return  # an obsolete term has no place in the graph (TM205 says so)
        ancestors = self.resolver.ancestors(res.curie)
        organism = self.specs.organism.name
        barred = next((b for b in kind.excluded.get(prefix, ()) if b in ancestors), None)
        if barred is not None:
            yield rule("TM210").finding(
                f"{res.curie}{self._label(res)} is under {barred}{self._label_of(barred)}, "
                f"which a {organism} {btype} cannot be",
                column="biosample_type", value=btype,
                expected=f"a {organism} {btype} term{self._roots(roots)}")
            return
        placed = set(ancestors) - set(self.specs.top_terms)
        if not roots or not placed or self.resolver.is_under(res.curie, roots):
            return  # any term accepted, a term the release cannot place, or in the branch
        yield rule("TM210").finding(
            f"{res.curie}{self._label(res)} is not under the {organism} {btype} branch"
            f"{self._roots(roots)}",
            column="biosample_type", value=btype, expected=f"a term under {roots[-1]}")

    def _roots(self, roots: tuple[str, ...]) -> str:
        """The organism's own root first (declared last), then the shared ones."""
        ordered = (roots[-1], *roots[:-1])
        shown = ", ".join(f"{r}{self._label_of(r)}" for r in ordered[:2])
        return f" ({shown}{', ...' if len(ordered) > 2 else ''})"

    def _label_of(self, curie: str) -> str:
        term = self.resolver.term(curie)
        return f" '{term.label}'" if term is not None else ""

    @staticmethod
    def _label(res: Resolution) -> str:
        return f" '{res.label}'" if res.label else ""

    def _gtex(self, curie: str, tissue: str) -> Iterator[Finding]:
        mapped = self.specs.gtex_tissue(tissue)
        if mapped is None or mapped.curie == curie:
            return  # an unknown tissue is TM103's
        note = ""
        if curie == mapped.gtex_documented_curie:
            note = (f"; {curie} is the term GTEx documents, but AlphaGenome maps "
                    f"'{mapped.display}' to {mapped.curie} ('{mapped.label}')")
        yield rule("TM211").finding(
            f"gtex_tissue {tissue!r} maps to {mapped.curie} ('{mapped.label}'), "
            f"not {curie}{note}",
            column="ontology_curie", value=curie, expected=mapped.curie, fix=mapped.curie)


def ontology_findings(distinct: Distinct, judge: OntologyJudge) -> Iterator[Finding]:
    """Findings for every row of a table with a known output type: each distinct tuple of
    COLUMNS is judged once, and its findings placed on the rows that hold it."""
    if "ontology_curie" not in distinct.frame:
        return
    tuples = distinct.tuples(COLUMNS, typed=True)
    judged: dict[tuple[str, ...], list[Finding]] = {}
    found: dict[int, list[Finding]] = {}
    for code, (otype, *values) in tuples.tuples():
        if otype == "":
            continue
        key = tuple(str(v).strip() for v in values)
        if key not in judged:
            judged[key] = list(judge.judge(*key))
        if judged[key]:
            found[code] = judged[key]
    for code, positions in tuples.rows_of(sorted(found)):
        for row in distinct.rows[positions].tolist():
            for template in found[code]:
                yield template.at_row(row)
