"""Resolve CURIEs against pinned releases: status, label, synonyms, replacement, ancestry.

Releases load lazily, one per prefix, from the compiled index cache; a release that cannot be
verified or read raises OntologyError (exit 2), never a silent fall-back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from trackmeta.cache import cache_dir, read_sealed, sealed, write_atomic
from trackmeta.ontology.index import OntologyIndex, Release, Term, load_or_build, shipped_path
from trackmeta.ontology.sources import (
    OntologyError,
    ReleaseText,
    bundled_file,
    from_cellxgene,
    from_pronto,
    sha256_file,
)
from trackmeta.ontology.vocabulary import Vocabularies
from trackmeta.sidefiles import describe_unreadable
from trackmeta.specs.curie import curie_problem
from trackmeta.specs.model import BundledRelease, OntologyDecl, Specs, default_specs

EXACT_SCOPES = ("EXACT", "")  # "" where the source gives no scope (cellxgene JSON)
STATUSES = ("ok", "obsolete", "unknown", "malformed", "provisional", "unresolved")


@dataclass(frozen=True)
class Resolution:
    """What a pinned release says about one CURIE."""

    curie: str
    status: str  # one of STATUSES
    message: str
    label: str | None = None
    synonyms: tuple[str, ...] = ()
    replacement: str | None = None  # a live term reached through replaced_by
    replacement_label: str | None = None
    candidates: tuple[str, ...] = ()  # `consider` terms where no replacement is safe
    release: str | None = None
    chain: tuple[str, ...] = field(default=())  # replaced_by hops taken
    merged: bool = False  # an alt_id of the replacement, not a term of its own

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def fold(text: str) -> str:
    """Case and punctuation folded: 'T-cell' and 't cell' compare equal."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def _verified(bundled: BundledRelease) -> Path:
    """A release file of the pinned package, checked against its declared sha256."""
    path = bundled_file(bundled.file)
    digest = sha256_file(path)
    if digest != bundled.sha256:
        raise OntologyError(
            f"{path}: sha256 {digest} differs from the pinned {bundled.sha256}; "
            f"the installed cellxgene-ontology-guide is not the pinned one")
    return path


def _load_bundled(prefix: str, bundled: BundledRelease) -> tuple[OntologyIndex, bool]:
    path = _verified(bundled)
    release = Release(prefix, bundled.version, bundled.source, bundled.sha256)
    return load_or_build(prefix, bundled.sha256, lambda: from_cellxgene(path, release),
                         shipped_path(prefix, bundled.sha256))


FORMAT_TAG = "former-2"
# curie -> older version -> (label, synonyms) in that release, or None where it lacks the term
Former = dict[str, dict[str, "tuple[str, tuple[str, ...]] | None"]]


class Resolver:
    """One per run: holds the releases used, loaded on first need."""

    def __init__(self, specs: Specs, overrides: Mapping[str, Path] | None = None, *,
                 option: str = "--ontology", given: Mapping[str, str] | None = None) -> None:
        self._decls = specs.ontologies
        self._overrides = dict(overrides or {})
        self._option = option  # how the user gave the overrides, for messages
        self._given = dict(given or {})  # prefix -> where its override was set, where known
        self.words = Vocabularies(specs.vocabularies)  # the word lists used beside the releases
        self._names: dict[str, dict[str, list[str]]] = {}
        for prefix in self._overrides:
            if prefix not in self._decls:
                raise OntologyError(f"{self._setting(prefix, '...')}: {prefix} is not a declared "
                                    f"ontology ({', '.join(sorted(self._decls))})")
        self._indices: dict[str, OntologyIndex | None] = {}
        self._history: list[tuple[str, str]] = []  # older releases consulted, in order
        self._formers: dict[str, Former] = {}
        self._older: dict[tuple[str, str], ReleaseText] = {}
        self.cache_hits: dict[str, bool] = {}

    def _setting(self, prefix: str, release: object) -> str:
        """An override as the user set it: the configuration file, line and key, the
        argument, or the option."""
        where = self._given.get(prefix)
        return f"{where} = {str(release)!r}" if where else f"{self._option} {prefix}={release}"

    # releases -----------------------------------------------------------------------------
    def index(self, prefix: str) -> OntologyIndex | None:
        """The release for `prefix`, or None where none is declared or given (CLO, NTR)."""
        if prefix not in self._indices:
            self._indices[prefix] = self._load(prefix)
        return self._indices[prefix]

    def _load(self, prefix: str) -> OntologyIndex | None:
        decl = self._decls.get(prefix)
        if decl is None or not decl.resolvable:
            return None
        override = self._overrides.get(prefix)
        if override is not None:
            from trackmeta.ontology.pull import PULLED, locked_file  # only with a user's release

            if str(override) == PULLED:
                override = self._overrides[prefix] = locked_file(prefix)
        bundled = {old.version: old for old in decl.history}
        if decl.release_file is not None and decl.release_version is not None:
            bundled[decl.release_version] = BundledRelease(
                decl.release_version, str(decl.release_source), decl.release_file,
                str(decl.release_sha256))
        if override is not None and not override.is_file() and str(override) in bundled:
            index, hit = _load_bundled(prefix, bundled[str(override)])  # a bundled version
        elif override is not None:
            problem = describe_unreadable(override)
            if problem not in (None, "no such file or directory"):
                raise OntologyError(f"{self._setting(prefix, override)}: {problem}")
            if problem is not None:
                versions = ", ".join(sorted(bundled))
                raise OntologyError(
                    f"{self._setting(prefix, override)}: no such file, and "
                    + (f"no bundled {prefix} release of that version ({versions})" if bundled
                       else f"no {prefix} release is bundled"))
            digest = sha256_file(override)
            index, hit = load_or_build(prefix, digest, lambda: from_pronto(override, prefix, digest))
            # the cache is keyed by content: name the file as this run was given it
            index = dataclasses.replace(index, release=dataclasses.replace(
                index.release, source=str(override)))
        elif decl.release_version is not None and decl.release_version in bundled:
            index, hit = _load_bundled(prefix, bundled[decl.release_version])
        else:
            return None
        self.cache_hits[prefix] = hit
        return index

    def older_names(self, curie: str) -> Iterator[tuple[str, str, tuple[str, ...]]]:
        """(release, label, synonyms) of the term in each older bundled release where they
        differ from the pinned release's, newest first. An older release is read only for the
        terms a run asks about, and what it said of them is cached, so that a later run of the
        same table reads one small file."""
        prefix = curie.split(":", 1)[0]
        decl = self._decls.get(prefix)
        current = self.index(prefix)
        if decl is None or current is None or prefix in self._overrides or not decl.history:
            return  # a release given by the user has no declared history
        now = current.rows.get(curie)
        entries = self._former_entries(prefix, decl, curie)
        for old in decl.history:
            self._history.append((prefix, old.version))
            names = entries.get(old.version)
            if names is not None and (now is None or (now[0], tuple(t for t, _ in now[1])) != names):
                yield f"{prefix} {old.version} ({old.source})", names[0], names[1]

    def _former_entries(self, prefix: str, decl: OntologyDecl,
                        curie: str) -> dict[str, tuple[str, tuple[str, ...]] | None]:
        current = self.index(prefix)
        assert current is not None
        digest = hashlib.sha256(" ".join(
            [FORMAT_TAG, current.release.sha256, *(o.sha256 for o in decl.history)]
        ).encode()).hexdigest()
        path = cache_dir() / "index" / f"{prefix}-former-{digest[:24]}.idx"
        if prefix not in self._formers:
            payload = read_sealed(path)
            try:
                loaded = marshal.loads(payload) if payload is not None else None
            except (EOFError, ValueError, TypeError):
                loaded = None
            self._formers[prefix] = loaded if isinstance(loaded, dict) else {}
        former = self._formers[prefix]
        if curie not in former:
            entries: dict[str, tuple[str, tuple[str, ...]] | None] = {}
            for old in decl.history:
                if (prefix, old.version) not in self._older:
                    self._older[prefix, old.version] = ReleaseText(_verified(old))
                entries[old.version] = self._older[prefix, old.version].names(curie)
            former[curie] = entries
            write_atomic(path, sealed(marshal.dumps(former)))
        return former[curie]

    def releases(self, cache_status: bool = False) -> list[dict[str, object]]:
        """Every declared ontology with the release used (or why none was); with
        `cache_status`, whether its index was read from the cache or built (never in reports,
        which are the same for the same input)."""
        out: list[dict[str, object]] = []
        for prefix, decl in sorted(self._decls.items()):
            entry: dict[str, object] = {"prefix": prefix, "title": decl.title}
            loaded = self._indices.get(prefix)
            if loaded is not None:
                r = loaded.release
                entry.update(version=r.version, source=r.source, sha256=r.sha256,
                             terms=len(loaded))
                if cache_status:
                    entry["index"] = "cached" if self.cache_hits.get(prefix) else "built"
                consulted = list(dict.fromkeys(v for p, v in self._history if p == prefix))
                if consulted:
                    entry["history"] = consulted
            elif not decl.resolvable:
                named = (f", named by the {decl.vocabulary} vocabulary" if decl.vocabulary
                         else "")
                entry.update(version=None, source=None,
                             note=f"provisional ids; no release holds them{named}")
            elif prefix in self._overrides:
                entry.update(version=None, source=str(self._overrides[prefix]))
            elif decl.release_file is None:
                entry.update(version=None, source=None,
                             note=f"no release bundled; give one with --ontology {prefix}=PATH")
            else:
                entry.update(version=decl.release_version, source=decl.release_source,
                             note="not needed in this run")
            out.append(entry)
        return out

    # terms --------------------------------------------------------------------------------
    def term(self, curie: str) -> Term | None:
        index = self.index(curie.split(":", 1)[0])
        return index.get(curie) if index is not None else None

    def resolve(self, curie: str) -> Resolution:
        text = curie.strip()
        problem = curie_problem(text, self._decls)
        if problem is not None:
            return Resolution(curie, "malformed", problem.message, replacement=problem.fix)
        prefix = text.split(":", 1)[0]
        decl = self._decls[prefix]
        if not decl.resolvable:
            return self._provisional(text, decl)
        index = self.index(prefix)
        if index is None:
            return Resolution(text, "unresolved",
                              f"no {prefix} release is loaded (give one with --ontology {prefix}=PATH)")
        where = index.release.describe()
        term = index.get(text)
        if term is None:
            return Resolution(text, "unknown", f"{text} is not in {where}", release=where)
        synonyms = tuple(s for s, _ in term.synonyms)
        if term.merged_into is not None:
            merged = self.term(term.merged_into)
            label = merged.label if merged is not None else None
            return Resolution(text, "obsolete",
                              f"{text} was merged into {term.merged_into} ('{label}') in {where}: "
                              "it is an alternative id of that term", label, (),
                              replacement=term.merged_into, replacement_label=label,
                              release=where, chain=(term.merged_into,), merged=True)
        if not term.obsolete:
            return Resolution(text, "ok", f"{text} is '{term.label}' in {where}", term.label,
                              synonyms, release=where)
        return self._obsolete(term, where, synonyms)

    def _obsolete(self, term: Term, where: str, synonyms: tuple[str, ...]) -> Resolution:
        chain: list[str] = []
        current = term
        while current.obsolete and len(current.replaced_by) == 1 and len(chain) < 20:
            target = current.replaced_by[0]
            if target in chain or target == term.id:
                break
            chain.append(target)
            following = self.term(target)
            if following is None:
                prefix = target.split(":", 1)[0]
                other = "" if prefix == term.id.split(":", 1)[0] else f" (in {prefix}, another ontology)"
                return Resolution(term.id, "obsolete",
                                  f"{term.id} is obsolete in {where}; replaced by {target}{other}",
                                  term.label, synonyms, replacement=target, release=where,
                                  chain=tuple(chain))
            current = following
        if chain and not current.obsolete:
            return Resolution(term.id, "obsolete",
                              f"{term.id} is obsolete in {where}; replaced by {current.id} "
                              f"('{current.label}')", term.label, synonyms,
                              replacement=current.id, replacement_label=current.label,
                              release=where, chain=tuple(chain))
        candidates = current.consider or term.consider
        if candidates:
            return Resolution(term.id, "obsolete",
                              f"{term.id} is obsolete in {where} with no replacement; candidates "
                              f"to consider: {', '.join(candidates)} (no automatic replacement is "
                              "safe)", term.label, synonyms, candidates=candidates, release=where,
                              chain=tuple(chain))
        return Resolution(term.id, "obsolete",
                          f"{term.id} is obsolete in {where} and names no replacement",
                          term.label, synonyms, release=where, chain=tuple(chain))

    def ancestors(self, curie: str) -> Mapping[str, int]:
        """Every ancestor (is_a and part_of) with its shortest distance, as the index holds it;
        for an id no release holds (NTR), the organs its vocabulary places it under and theirs."""
        prefix = curie.split(":", 1)[0]
        index = self.index(prefix)
        if index is None:
            return self._placed(curie, prefix)
        row = index.rows.get(curie)
        return row[5] if row is not None else {}

    def _placed(self, curie: str, prefix: str) -> Mapping[str, int]:
        """The UBERON organs ENCODE's organ slims name for a provisional id (one step up), with
        every ancestor of theirs one step further."""
        decl = self._decls.get(prefix)
        if decl is None or decl.vocabulary is None:
            return {}
        vocabulary = self.words.get(decl.vocabulary)
        slim_of = vocabulary.decl.organ_slims
        found: dict[str, int] = {}
        for _, slims, *_ in vocabulary.get(curie)[:1] if slim_of else ():
            for slim in slims.split("|") if slims else ():
                organ = slim_of.get(slim)
                if organ is None:
                    continue
                found[organ] = 1
                for above, distance in self.ancestors(organ).items():
                    found[above] = min(found.get(above, distance + 1), distance + 1)
        return found

    def is_under(self, curie: str, roots: Iterable[str]) -> bool:
        wanted = set(roots)
        return curie in wanted or not wanted.isdisjoint(self.ancestors(curie))

    def _provisional(self, curie: str, decl: OntologyDecl) -> Resolution:
        """An id no release holds (NTR): named by its vocabulary, where one is declared."""
        if decl.vocabulary is None:
            return Resolution(curie, "provisional", f"{curie} is provisional ({decl.title}), not "
                                                    "a term of any ontology release")
        words = self.words.get(decl.vocabulary)
        where = words.decl.describe()
        named = words.get(curie)
        if not named:
            return Resolution(curie, "unknown", f"{curie} is not in {where}", release=where)
        label = named[0][0]
        return Resolution(curie, "provisional",
                          f"{curie} is provisional: {where} names it '{label}'; it is not a term "
                          "of any ontology release", label=label, release=where)

    def names_for(self, prefix: str) -> dict[str, list[str]]:
        """Folded label and synonym -> live ids, for 'did you mean' by biosample name (made once
        per release and run)."""
        if prefix in self._names:
            return self._names[prefix]
        index = self.index(prefix)
        path = (cache_dir() / "index" / f"{prefix}-names-{index.release.sha256[:24]}.idx"
                if index is not None else None)
        payload = read_sealed(path) if path is not None else None  # one small file, by release
        try:
            cached = marshal.loads(payload) if payload is not None else None
        except (ValueError, EOFError, TypeError):
            cached = None
        if isinstance(cached, dict) and all(
                type(k) is str and isinstance(v, list) and all(type(c) is str for c in v)
                for k, v in cached.items()):
            self._names[prefix] = cached
            return cached
        table: dict[str, list[str]] = {}
        for text, curie, _, _ in index.names if index is not None else ():
            ids = table.setdefault(fold(text), [])
            if curie not in ids:
                ids.append(curie)
        if path is not None:
            write_atomic(path, sealed(marshal.dumps(table)))
        self._names[prefix] = table
        return table

    def exact_names(self, curie: str) -> set[str]:
        """The term's label (without an 'obsolete' prefix) and its exact synonyms: the names a
        biosample_name may be. Sources without scopes (cellxgene JSON) count as exact."""
        term = self.term(curie)
        if term is None:
            return set()
        label = term.label
        for prefix in ("obsolete_", "obsolete "):
            label = label.removeprefix(prefix)
        return {label} | {text for text, scope in term.synonyms if scope in EXACT_SCOPES}

    def is_name(self, curie: str, text: str) -> bool:
        """Whether `text` names the term: one of its exact names, or one written otherwise as
        the name model reads names (case, punctuation, word order, plurals)."""
        from trackmeta.ontology.names import same_name

        exact = self.exact_names(curie)
        return text in exact or any(same_name(text, name) for name in exact)

    def replaced_ids(self, curie: str) -> tuple[str, ...]:
        """The obsolete or merged ids whose replacement `curie` is (metadata made before the
        change still files tracks under them)."""
        index = self.index(curie.split(":", 1)[0])
        return tuple(index.replaces.get(curie, ())) if index is not None else ()


@cache
def _shared(organism: str, overrides: tuple[tuple[str, str], ...]) -> Resolver:
    return Resolver(default_specs(), {prefix: Path(path) for prefix, path in overrides})


def resolver_for(specs: Specs, ontologies: Mapping[str, str | Path] | None) -> Resolver:
    """One resolver per process, organism and set of releases: indexes load once."""
    key = tuple(sorted((prefix, str(path)) for prefix, path in (ontologies or {}).items()))
    return _shared(specs.organism.name, key)
