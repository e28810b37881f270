"""Load the declarative specs (schemas/, ontologies/), check them against their meta-schemas,
and freeze them into typed objects. A broken spec is the tool failing (SpecError, exit 2)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trackmeta.cache import cache_dir, read_sealed, sealed, unsealed, write_atomic
from trackmeta.resources import data_dir, prebuilt_dir


class SpecError(Exception):
    """A spec file is unreadable or breaks its meta-schema."""


@dataclass(frozen=True)
class ColumnDef:
    name: str
    description: str
    kind: str
    values: tuple[str, ...] | None
    separator: str | None
    pattern: str | None
    values_from: str | None = None


@dataclass(frozen=True)
class ColumnUse:
    """How one output type uses a column: required or optional, and its allowed values."""

    column: ColumnDef
    required: bool
    values: tuple[str, ...] | None


@dataclass(frozen=True)
class Pairing:
    column: str
    when_column: str
    equals: str


@dataclass(frozen=True)
class OutputTypeSpec:
    name: str
    aliases: tuple[str, ...]
    description: str
    units: str
    resolution_bp: int
    tracks_per_row: int
    table1_tracks: int
    table1_biosamples: int | None
    columns: Mapping[str, ColumnUse]
    path: Path
    sha256: str
    term_agnostic: bool = False  # predictions do not depend on the requested ontology terms


def parse_resolution(text: str) -> int | None:
    """A resolution cell ('128', '128bp', ' 128 BP ') in base pairs; None where it is none."""
    match = re.fullmatch(r"\s*(\d+)\s*(bp)?\s*", str(text), flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class PullDecl:
    """A release file that `trackmeta ontologies pull` may fetch; without a declared checksum,
    the first verified pull records one in the lock."""

    version: str
    url: str
    sha256: str | None = None
    version_in_file: bool = True  # the file states its version (verifies a first pull)


@dataclass(frozen=True)
class BundledRelease:
    """A release file inside the pinned cellxgene-ontology-guide package."""

    version: str
    source: str
    file: str
    sha256: str


@dataclass(frozen=True)
class OntologyDecl:
    prefix: str
    title: str
    id_digits: int
    resolvable: bool
    release_version: str | None
    release_source: str | None
    release_file: str | None
    release_sha256: str | None
    pull: PullDecl | None
    history: tuple[BundledRelease, ...] = ()  # older releases, newest first
    older_pulls: tuple[PullDecl, ...] = ()  # pulled only when asked for by version
    vocabulary: str | None = None  # the word list that names provisional ids (NTR)


@dataclass(frozen=True)
class VocabularyDecl:
    """One file of ontologies/vocabularies/: what a vocabulary is and where it comes from."""

    name: str
    title: str
    kind: str  # gene-names, ntr-terms, cell-lines, histone-marks, former-symbols
    version: str
    source: str
    source_sha256: str | None
    licence: str
    file: str | None  # the compiled file, beside the declaration (None for a grammar)
    sha256: str | None
    grammar: Mapping[str, Any] | None = None
    excel_dates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    joins: str | None = None  # former-symbols: the gene-names vocabulary it names current genes of
    organ_slims: Mapping[str, str] = field(default_factory=dict)  # ntr-terms: slim -> UBERON id

    def describe(self) -> str:
        return f"{self.title} ({self.version})"

    def report_entry(self) -> dict[str, str | None]:
        return {"name": self.name, "title": self.title, "version": self.version,
                "source": self.source, "sha256": self.sha256 or self.source_sha256}


@dataclass(frozen=True)
class GtexTissue:
    name: str
    display: str
    curie: str
    label: str
    gtex_documented_curie: str | None
    note: str | None


@dataclass(frozen=True)
class BiosampleTypeRule:
    """Terms fitting a biosample_type: prefix -> branch roots (empty: any term of that prefix),
    and prefix -> branches a term must not be under (another species' cell lines)."""

    name: str
    branches: Mapping[str, tuple[str, ...]]
    excluded: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class OrganismSpec:
    """What differs for one organism's metadata (schemas/organisms/*.yaml)."""

    name: str
    title: str
    default: bool
    aliases: tuple[str, ...]
    output_types: tuple[str, ...]
    table1: bool
    gtex: bool
    column_values: Mapping[str, tuple[str, ...]]
    # biosample type -> prefix -> (roots added to the shared ones, branches a term must not be under)
    branches: Mapping[str, Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]]
    path: Path
    vocabularies: Mapping[str, str] = field(default_factory=dict)  # column -> vocabulary name
    cell_lines: str | None = None  # the vocabulary cell-line names are looked up in
    targets_written: str | None = None  # 'upper': ChIP targets are written upper-case (ENCODE)


@dataclass(frozen=True)
class Specs:
    """Everything declared as data, as it applies to one organism's metadata.

    `output_types` holds the types served for `organism`; `known_output_types` every declared one.
    `for_organism()` gives the view for another organism.
    """

    columns: Mapping[str, ColumnDef]
    pairings: tuple[Pairing, ...]
    output_types: Mapping[str, OutputTypeSpec]
    ontologies: Mapping[str, OntologyDecl]
    gtex_tissues: tuple[GtexTissue, ...]
    biosample_types: Mapping[str, BiosampleTypeRule]
    type_names: Mapping[str, str]  # lower-cased name or alias -> output type name
    organism: OrganismSpec
    organisms: Mapping[str, OrganismSpec]
    known_output_types: Mapping[str, OutputTypeSpec]
    top_terms: tuple[str, ...] = ()
    vocabularies: Mapping[str, VocabularyDecl] = field(default_factory=dict)
    # name -> (curie, source): names biologists write that the releases do not carry
    abbreviations: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    _views: dict[str, Specs] = field(default_factory=dict, compare=False, repr=False)

    def output_type(self, text: str) -> OutputTypeSpec | None:
        """The served output type a data value names exactly: `RNA_SEQ` or `OutputType.RNA_SEQ`."""
        name = text.removeprefix("OutputType.")
        return self.output_types.get(name)

    def output_type_named(self, text: str) -> OutputTypeSpec | None:
        """The output type a person or a file name means: any case, or a declared alias
        (`rna_seq.tsv`, `--output-type rnaseq`, `OutputType.RNA_SEQ`)."""
        key = text.strip().removeprefix("OutputType.")
        name = self.type_names.get(key.lower())
        return self.known_output_types[name] if name is not None else None

    def closest_output_type(self, text: str) -> str | None:
        """A did-you-mean for a value that names no output type exactly."""
        named = self.output_type_named(text)
        if named is not None:
            return named.name
        key = text.strip().removeprefix("OutputType.").upper()
        import difflib

        close = difflib.get_close_matches(key, list(self.known_output_types), n=1, cutoff=0.6)
        return close[0] if close else None

    def find_organism(self, text: str) -> OrganismSpec | None:
        """An organism by name or alias, any case (`mouse`, `MUS_MUSCULUS`, `Organism.MUS_MUSCULUS`)."""
        key = str(getattr(text, "name", text)).strip().removeprefix("Organism.").lower()
        for organism in self.organisms.values():
            if key == organism.name or key in (a.lower() for a in organism.aliases):
                return organism
        return None

    def for_organism(self, name: str) -> Specs:
        """The specs as they apply to this organism's metadata; every view is built at load."""
        if name == self.organism.name:
            return self
        return self._views[name]

    def gtex_tissue(self, name: str) -> GtexTissue | None:
        """The tissue spelt either way ('Brain_Cerebellar_Hemisphere' or 'Brain - ...')."""
        return next((t for t in self.gtex_tissues if name in (t.name, t.display)), None)


class _Documents:
    """Every spec file, parsed and checked against its meta-schema once per content: the checked
    documents are cached as JSON keyed by the sha256 of all spec and meta-schema files."""

    def __init__(self, roots: tuple[Path, ...], cached: bool = True) -> None:
        self.files = sorted(p for root in roots for p in root.rglob("*")
                            if p.suffix in (".yaml", ".json") and p.is_file())
        self.raw = {p: p.read_bytes() for p in self.files}
        # a file is named by its root's place and its path in it: where the package is
        # installed changes no name, so the checked documents can ship with it
        self.names = {p: f"{i}/{p.relative_to(root).as_posix()}"
                      for i, root in enumerate(roots) for p in self.files
                      if p.is_relative_to(root)}
        digest = hashlib.sha256()
        for path in self.files:
            digest.update(self.names[path].encode() + b"\0"
                          + hashlib.sha256(self.raw[path]).digest())
        self.digest = digest.hexdigest()
        self.cached = self._read_cache() if cached else {}
        self.checked = False  # whether a document was checked in this run (the cache is stale)

    def _cache_path(self) -> Path:
        return cache_dir() / "specs" / f"{self.digest[:32]}.sealed.json"

    def shipped_path(self) -> Path:
        """Where the package keeps these documents checked, if it ships them (ship.py)."""
        return prebuilt_dir() / f"specs-{self.digest[:32]}.seal"

    def _read_cache(self) -> dict[str, Any]:
        """The checked documents of an earlier run, or as the package ships them, if the file
        verifies (its own sha256, then the digest of the spec files it was made from)."""
        payload = None
        if self.shipped_path().is_file():  # the shipped specs, unedited: no cache needed
            try:
                payload = unsealed(self.shipped_path().read_bytes())
            except OSError:
                payload = None
        if payload is None:
            payload = read_sealed(self._cache_path())
        try:
            data = json.loads(payload) if payload is not None else None
        except ValueError:
            return {}
        if not isinstance(data, dict) or data.get("digest") != self.digest:
            return {}
        documents = data.get("documents")
        return documents if isinstance(documents, dict) else {}

    def payload(self) -> bytes:
        """The checked documents as the cache (and the shipped file) holds them."""
        return json.dumps({"digest": self.digest, "documents": self.cached}).encode()

    def sha256(self, path: Path) -> str:
        return hashlib.sha256(self.raw[path]).hexdigest()

    def load(self, path: Path, meta_schema: Path) -> Any:
        key = self.names.get(path, str(path))
        if key in self.cached:
            return self.cached[key]
        import jsonschema

        if path not in self.raw:
            raise SpecError(f"{path}: spec file is missing")
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe loading only
        try:
            document = yaml.load(self.raw[path].decode("utf-8"), Loader=loader)
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise SpecError(f"{path}: cannot read spec: {exc}") from None
        schema = json.loads(self.raw[meta_schema])
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document),
                        key=lambda e: list(e.path))
        if errors:
            details = "; ".join(
                f"at /{'/'.join(str(p) for p in e.path)}: {e.message}" for e in errors[:5])
            raise SpecError(f"{path}: breaks {meta_schema.name}: {details}")
        self.cached[key] = document
        self.checked = True
        return document

    def save(self) -> None:
        """Cache the checked documents, when this run had to check any."""
        if not self.checked:
            return
        try:
            data = self.payload()
        except (TypeError, ValueError):
            return  # a value JSON cannot hold (a YAML date): no cache, still correct
        write_atomic(self._cache_path(), sealed(data))


def _column_def(name: str, raw: Mapping[str, Any], gtex: tuple[GtexTissue, ...]) -> ColumnDef:
    values = raw.get("values")
    if raw.get("values_from") == "gtex_tissues":
        values = [n for t in gtex for n in (t.name, t.display)]
    return ColumnDef(
        name=name,
        description=raw["description"],
        kind=raw["kind"],
        values=tuple(values) if values is not None else None,
        separator=raw.get("separator"),
        pattern=raw.get("pattern"),
        values_from=raw.get("values_from"),
    )


def _output_type(
    path: Path, raw: Mapping[str, Any], columns: Mapping[str, ColumnDef], sha256: str
) -> OutputTypeSpec:
    uses: dict[str, ColumnUse] = {}
    for column_name, use in raw["columns"].items():
        if column_name not in columns:
            raise SpecError(f"{path}: column {column_name!r} is not defined in columns.yaml")
        if isinstance(use, str):
            use = {"presence": use}
        column = columns[column_name]
        values = tuple(use["values"]) if "values" in use else column.values
        if "values" in use and column.values is not None:
            stray = set(use["values"]) - set(column.values)
            if stray:
                raise SpecError(
                    f"{path}: values {sorted(stray)} of {column_name!r} are not in columns.yaml"
                )
        uses[column_name] = ColumnUse(column, use["presence"] == "required", values)
    table1 = raw["table1"]
    return OutputTypeSpec(
        name=raw["output_type"],
        aliases=tuple(raw.get("aliases", ())),
        description=raw["description"],
        units=raw["units"],
        resolution_bp=raw["resolution_bp"],
        tracks_per_row=raw["tracks_per_row"],
        table1_tracks=table1["tracks"],
        table1_biosamples=table1["unique_biosamples"],
        columns=MappingProxyType(uses),
        path=path,
        sha256=sha256,
        term_agnostic=raw.get("term_agnostic", False),
    )


def _organism(path: Path, raw: Mapping[str, Any], output_types: Mapping[str, OutputTypeSpec],
              columns: Mapping[str, ColumnDef], biosample_types: Mapping[str, BiosampleTypeRule],
              decls: Mapping[str, OntologyDecl]) -> OrganismSpec:
    served = tuple(raw.get("output_types", output_types))
    stray = [t for t in served if t not in output_types]
    if stray:
        raise SpecError(f"{path}: output types {stray} have no spec in output_types/")
    values: dict[str, tuple[str, ...]] = {}
    for name, use in raw.get("columns", {}).items():
        column = columns.get(name)
        if column is None:
            raise SpecError(f"{path}: column {name!r} is not defined in columns.yaml")
        unknown = set(use["values"]) - set(column.values or ())
        if unknown:
            raise SpecError(f"{path}: values {sorted(unknown)} of {name!r} are not in columns.yaml")
        values[name] = tuple(use["values"])
    branches: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for btype, prefixes in raw.get("biosample_types", {}).items():
        if btype not in biosample_types:
            raise SpecError(f"{path}: biosample type {btype!r} is not in biosample_types.yaml")
        for prefix, branch in prefixes.items():
            if prefix not in decls:
                raise SpecError(f"{path}: {btype} names undeclared ontology {prefix}")
            branches.setdefault(btype, {})[prefix] = (
                tuple(branch.get("roots", ())), tuple(branch.get("exclude", ())))
    return OrganismSpec(
        name=raw["organism"], title=raw["title"], default=raw["default"],
        aliases=tuple(raw["aliases"]), output_types=served, table1=raw["table1"],
        gtex=raw["gtex"], column_values=MappingProxyType(values),
        branches=MappingProxyType(branches), path=path,
        vocabularies=MappingProxyType(dict(raw.get("vocabularies", {}))),
        cell_lines=raw.get("cell_lines"), targets_written=raw.get("targets_written"))


def _narrow(column: ColumnDef, organism: OrganismSpec) -> ColumnDef:
    values = organism.column_values.get(column.name)
    return column if values is None else dataclasses.replace(column, values=values)


def _view(base: Specs, organism: OrganismSpec) -> Specs:
    """The shared specs with one organism's differences applied: served output types, its
    allowed values, GTEx or not, and its biosample-type branches."""
    columns = {name: _narrow(col, organism) for name, col in base.columns.items()}
    dropped = {name for name, col in columns.items()
               if col.values_from == "gtex_tissues" and not organism.gtex}
    output_types = {}
    for name in (n for n in base.known_output_types if n in organism.output_types):
        spec = base.known_output_types[name]
        uses = {}
        for column_name, use in spec.columns.items():
            if column_name in dropped:
                continue
            wanted = organism.column_values.get(column_name)
            if wanted is not None and use.values is not None:
                narrowed = use.values if use.values != base.columns[column_name].values else wanted
                use = ColumnUse(columns[column_name], use.required,
                                tuple(v for v in narrowed if v in wanted))
            uses[column_name] = use
        output_types[name] = dataclasses.replace(spec, columns=MappingProxyType(uses))
    biosample_types = dict(base.biosample_types)
    for btype, prefixes in organism.branches.items():
        rule = base.biosample_types[btype]
        branches = dict(rule.branches)
        excluded = dict(rule.excluded)
        for prefix, (roots, exclude) in prefixes.items():
            branches[prefix] = (*branches.get(prefix, ()), *roots)
            excluded[prefix] = (*excluded.get(prefix, ()), *exclude)
        biosample_types[btype] = BiosampleTypeRule(
            btype, MappingProxyType(branches), MappingProxyType(excluded))
    return dataclasses.replace(
        base,
        columns=MappingProxyType(columns),
        output_types=MappingProxyType(output_types),
        gtex_tissues=base.gtex_tissues if organism.gtex else (),
        biosample_types=MappingProxyType(biosample_types),
        organism=organism,
        _views=base._views,
    )


def _vocabularies(docs: _Documents, ontologies: Path) -> dict[str, VocabularyDecl]:
    found: dict[str, VocabularyDecl] = {}
    for path in sorted(p for p in docs.files if p.parent == ontologies / "vocabularies"):
        raw = docs.load(path, ontologies / "meta/vocabulary.schema.json")
        if raw["name"] != path.stem:
            raise SpecError(f"{path}: declares {raw['name']!r}; the file must be named for it")
        source, compiled = raw["source"], raw.get("compiled", {})
        found[raw["name"]] = VocabularyDecl(
            name=raw["name"], title=raw["title"], kind=raw["kind"], version=raw["version"],
            source=source.get("file") or source["from"], source_sha256=source.get("sha256"),
            licence=raw["licence"], file=compiled.get("file"), sha256=compiled.get("sha256"),
            grammar=raw.get("grammar"), joins=raw.get("joins"),
            organ_slims=MappingProxyType(dict(raw.get("organ_slims", {}))),
            excel_dates={m: tuple(stems) for m, stems in raw.get("excel_dates", {}).items()})
    return found


def load_specs(schemas: Path | None = None, ontologies: Path | None = None) -> Specs:
    """Read and meta-validate every spec; raise SpecError naming the file on any problem."""
    schemas = schemas or data_dir("schemas")
    ontologies = ontologies or data_dir("ontologies")
    return _load_specs(_Documents((schemas, ontologies)), schemas, ontologies)


def shipped_specs() -> tuple[Path, bytes]:
    """Where the package ships its specs checked, and that file's content: every shipped spec
    read and meta-validated now, ignoring any cache (`python -m trackmeta.ontology.ship`)."""
    docs = _Documents((data_dir("schemas"), data_dir("ontologies")), cached=False)
    _load_specs(docs, data_dir("schemas"), data_dir("ontologies"))
    return docs.shipped_path(), sealed(docs.payload())


def _load_specs(docs: _Documents, schemas: Path, ontologies: Path) -> Specs:
    _load = docs.load

    gtex_raw = _load(ontologies / "gtex_tissues.yaml", ontologies / "meta/gtex_tissues.schema.json")
    gtex = tuple(
        GtexTissue(
            name=t["name"],
            display=t["display"],
            curie=t["curie"],
            label=t["label"],
            gtex_documented_curie=t.get("gtex_documented_curie"),
            note=t.get("note"),
        )
        for t in gtex_raw["tissues"]
    )

    decls: dict[str, OntologyDecl] = {}
    for path in sorted(p for p in docs.files if p.parent == ontologies / "releases"):
        raw = _load(path, ontologies / "meta/release.schema.json")
        release = raw.get("release", {})
        decls[raw["prefix"]] = OntologyDecl(
            prefix=raw["prefix"],
            title=raw["title"],
            id_digits=raw["id_digits"],
            resolvable=raw["resolvable"],
            release_version=release.get("version"),
            release_source=release.get("source"),
            release_file=release.get("file"),
            release_sha256=release.get("sha256"),
            pull=PullDecl(**raw["pull"]) if "pull" in raw else None,
            history=tuple(BundledRelease(**old) for old in raw.get("history", ())),
            older_pulls=tuple(PullDecl(**old) for old in raw.get("older_pulls", ())),
            vocabulary=raw.get("vocabulary"),
        )
    vocabularies = _vocabularies(docs, ontologies)
    for decl in decls.values():
        if decl.vocabulary is not None and decl.vocabulary not in vocabularies:
            raise SpecError(f"{ontologies / 'releases'}: {decl.prefix} names undeclared "
                            f"vocabulary {decl.vocabulary}")

    types_raw = _load(ontologies / "biosample_types.yaml",
                      ontologies / "meta/biosample_types.schema.json")
    biosample_types = {
        name: BiosampleTypeRule(name, MappingProxyType(
            {prefix: tuple(roots) for prefix, roots in branches.items()}))
        for name, branches in types_raw["biosample_types"].items()
    }
    for rule in biosample_types.values():
        for prefix in rule.branches:
            if prefix not in decls:
                raise SpecError(f"{ontologies / 'biosample_types.yaml'}: {rule.name} names "
                                f"undeclared ontology {prefix}")

    columns_raw = _load(schemas / "columns.yaml", schemas / "meta/columns.schema.json")
    columns = {
        name: _column_def(name, raw, gtex) for name, raw in columns_raw["columns"].items()
    }
    pairings = tuple(
        Pairing(p["column"], p["present_when"]["column"], p["present_when"]["equals"])
        for p in columns_raw["pairings"]
    )

    output_types: dict[str, OutputTypeSpec] = {}
    for path in sorted(p for p in docs.files if p.parent == schemas / "output_types"):
        spec = _output_type(
            path, _load(path, schemas / "meta/output_type.schema.json"), columns, docs.sha256(path)
        )
        if spec.name in output_types:
            raise SpecError(f"{path}: output type {spec.name} is declared twice")
        output_types[spec.name] = spec
    if not output_types:
        raise SpecError(f"{schemas / 'output_types'}: no output type specs found")

    organisms: dict[str, OrganismSpec] = {}
    for path in sorted(p for p in docs.files if p.parent == schemas / "organisms"):
        organism = _organism(path, _load(path, schemas / "meta/organism.schema.json"),
                             output_types, columns, biosample_types, decls)
        named = [*organism.vocabularies.values(), *filter(None, [organism.cell_lines])]
        stray = [v for v in named if v not in vocabularies]
        if stray:
            raise SpecError(f"{path}: names undeclared vocabularies {stray}")
        if organism.name in organisms:
            raise SpecError(f"{path}: organism {organism.name} is declared twice")
        organisms[organism.name] = organism
    defaults = [o for o in organisms.values() if o.default]
    if len(defaults) != 1:
        raise SpecError(f"{schemas / 'organisms'}: exactly one organism must be the default, "
                        f"not {len(defaults)}")

    abbreviations = {
        row["name"]: (row["curie"], row["source"]) for row in _load(
            ontologies / "abbreviations.yaml", ontologies / "meta/abbreviations.schema.json")["names"]}
    docs.save()
    base = Specs(
        columns=MappingProxyType(columns),
        pairings=pairings,
        output_types=MappingProxyType(output_types),
        ontologies=MappingProxyType(decls),
        gtex_tissues=gtex,
        biosample_types=MappingProxyType(biosample_types),
        type_names=MappingProxyType(
            {key.lower(): spec.name for spec in output_types.values()
             for key in (spec.name, *spec.aliases)}
        ),
        organism=defaults[0],
        organisms=MappingProxyType(organisms),
        known_output_types=MappingProxyType(output_types),
        top_terms=tuple(types_raw.get("top_terms", ())),
        vocabularies=MappingProxyType(vocabularies),
        abbreviations=MappingProxyType(abbreviations),
    )
    view = _view(base, defaults[0])
    view._views.update({o: _view(base, organisms[o]) for o in organisms if o != defaults[0].name})
    view._views[defaults[0].name] = view
    return view


def default_specs_checked() -> bool:
    """Whether the shipped specs were checked on this machine before (loading them is then a
    cache read, not a meta-validation)."""
    docs = _Documents((data_dir("schemas"), data_dir("ontologies")), cached=False)
    return docs._cache_path().is_file() or docs.shipped_path().is_file()


@cache
def default_specs() -> Specs:
    """The specs shipped with this installation (the default organism's view), loaded once per
    process; `.for_organism(name)` gives another organism's."""
    return load_specs()
