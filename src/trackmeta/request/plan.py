"""The track planner: exactly which tracks a request returns, following the AlphaGenome client's
own rules, and the `ontology_terms` list to pass.

The client parses each term with `ontology.from_curie` (prefix CLO, UBERON, CL, EFO or NTR, case
sensitive; the id through `int`, so `UBERON:2048` is accepted) and keeps the tracks whose
`ontology_curie` is the canonical `PREFIX:%07d` exactly. Nothing expands to child terms, a term
without tracks returns empty data silently, and SPLICE_SITES do not depend on the term. A plan
says all of that before the request: per term, the tracks per output type; with `descendants`,
the terms under it (is_a and part_of in the pinned release) that have tracks; with `where`, only
the tracks whose metadata columns hold the given values.

Metadata is read without pandas: a table through the csv module, official protobuf through
`io.proto`; a DataFrame or the SDK's OutputMetadata as given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackmeta.findings import UsageError
from trackmeta.request.client_curie import Canonical, canonical, looks_like_curie
from trackmeta.specs.model import Specs

if TYPE_CHECKING:
    import pandas as pd

    from trackmeta.ontology.resolver import Resolver

# The columns a planned track shows, as the SDK's metadata frames name them.
COLUMNS = ("name", "strand", "Assay title", "biosample_name", "biosample_type",
           "biosample_life_stage", "transcription_factor", "histone_mark", "genetically_modified",
           "data_source")


@dataclass(frozen=True)
class PlannedTrack:
    term: str  # the requested term this track answers (a descendant's tracks answer their root)
    curie: str  # the track's own ontology_curie
    output_type: str
    values: Mapping[str, str]  # COLUMNS -> the metadata's value ('' where it has none)

    def to_dict(self) -> dict[str, str]:
        return {"term": self.term, "curie": self.curie, "output_type": self.output_type,
                **{key: self.values.get(key, "") for key in COLUMNS}}


@dataclass(frozen=True)
class PlannedTerm:
    given: str
    curie: str | None  # canonical; None when the client refuses it
    problem: str | None
    fix: str | None
    included: tuple[str, ...] = ()  # the CURIEs to pass for it: itself, and descendants with tracks
    tracks: Mapping[str, int] = field(default_factory=dict)  # per requested output type
    biosample_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # CURIE -> types


@dataclass(frozen=True)
class TrackPlan:
    organism: str
    metadata: str
    output_types: tuple[str, ...]
    terms: tuple[PlannedTerm, ...]
    tracks: tuple[PlannedTrack, ...]
    warnings: tuple[str, ...] = ()

    @property
    def curies(self) -> list[str]:
        """The CURIEs to pass as `ontology_terms`, in order, each once."""
        return list(dict.fromkeys(c for t in self.terms for c in t.included))

    @property
    def ontology_terms(self) -> list[Any]:
        """What to pass to the client: its `OntologyTerm` objects where the SDK is installed,
        the CURIE strings otherwise."""
        try:
            from alphagenome.data import ontology
        except ImportError:
            return self.curies
        return [ontology.from_curie(c) for c in self.curies]

    def to_dict(self) -> dict[str, Any]:
        return {"organism": self.organism, "metadata": self.metadata,
                "output_types": list(self.output_types), "terms": self.curies,
                "requested": [asdict(t) | {"included": list(t.included)} for t in self.terms],
                "tracks": [t.to_dict() for t in self.tracks], "warnings": list(self.warnings)}

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([t.to_dict() for t in self.tracks],
                            columns=["term", "curie", "output_type", *COLUMNS])

    def _repr_html_(self) -> str:
        from trackmeta import escape

        head = ("term", "curie", "output_type", *COLUMNS)
        rows = [tuple(t.to_dict().values()) for t in self.tracks]
        return (escape.html_table(("ontology_terms to pass",), [(", ".join(self.curies),)])
                + escape.html_table(head, rows))


# -- metadata as records, without pandas ----------------------------------------------------------

def _records(metadata: Any, specs: Specs) -> tuple[list[dict[str, str]], str]:
    """Every track of the metadata as {column: text}, with `output_type` canonical."""
    if isinstance(metadata, (str, Path)):
        rows, source = _path_records(Path(metadata)), str(metadata)
    elif hasattr(metadata, "columns") and hasattr(metadata, "to_dict"):
        rows, source = _frame_records(metadata), "the DataFrame"
    else:
        from trackmeta.io import sdk

        if not sdk.is_sdk_metadata(metadata):
            raise UsageError(f"cannot plan tracks from a {type(metadata).__name__}: give a table "
                             "path, an official protobuf file, a DataFrame, the SDK's "
                             "OutputMetadata or the Atlas's scorer metadata")
        try:
            rows = [row for otype, frame in sdk.typed_frames(metadata)
                    for row in _frame_records(frame, otype)]
        except sdk.ScorerError as exc:
            raise UsageError(str(exc)) from None
        source = sdk.describe(metadata)
    kept = []
    for row in rows:
        spec = specs.output_type(row.get("output_type", "").strip())
        if spec is not None and row.get("name") != "Padding":
            row["output_type"] = spec.name
            kept.append(row)
    return kept, source


def _text(value: Any) -> str:
    if value is None or value != value:  # None, NaN
        return ""
    return str(value)


def _path_records(path: Path) -> list[dict[str, str]]:
    from trackmeta.io import proto
    from trackmeta.io.safe import InputError, read_bytes
    from trackmeta.io.table import ReadError

    try:
        data = read_bytes(path)
    except InputError as exc:
        raise UsageError(f"{path}: {exc.failure.message}") from None
    name = path.name.lower()
    if proto.is_textproto(data) or name.endswith((*proto.TEXT_SUFFIXES, ".binpb", ".pb")):
        try:
            parsed = proto.parse(data, str(path), text=not name.endswith((".binpb", ".pb")))
        except ReadError as exc:
            raise UsageError(f"{path}: {exc.failure.message}") from None
        return [{k: _text(v) for k, v in row.items()} | {"output_type": otype}
                for otype, row in proto.rows(parsed)]
    from trackmeta.request.availability import MetadataError, table_records

    try:
        header, records = table_records(data, str(path))
    except MetadataError as exc:
        raise UsageError(str(exc)) from None
    rows = [dict(zip(header, record, strict=True)) for record in records]
    for row in rows:
        row["output_type"] = row["output_type"].removeprefix("OutputType.")
    return rows


def _frame_records(frame: Any, otype: str | None = None) -> list[dict[str, str]]:
    rows = [{str(k): _text(v) for k, v in record.items()} for record in frame.to_dict("records")]
    if otype is not None:
        for row in rows:
            row["output_type"] = otype
    return rows


# -- the plan -------------------------------------------------------------------------------------

def _filters(where: Mapping[str, str] | Iterable[str] | None,
             rows: Sequence[Mapping[str, str]]) -> dict[str, str]:
    if where is None:
        return {}
    pairs = dict(where) if isinstance(where, Mapping) else dict(
        w.split("=", 1) if "=" in w else (w, None) for w in where)  # type: ignore[misc]
    known = set().union(*(r.keys() for r in rows)) if rows else set()
    for column, value in pairs.items():
        if value is None:
            raise UsageError(f"--where {column!r}: write COLUMN=VALUE, e.g. transcription_factor=CTCF")
        if rows and column not in known:
            raise UsageError(f"--where {column}: the metadata has no such column (it has "
                             f"{', '.join(sorted(known))})")
    return {str(k): str(v) for k, v in pairs.items()}


def _under(root: str, curies: Iterable[str], resolver: Resolver) -> list[str]:
    """`root` and the CURIEs under it (is_a, part_of), in order: root first, then by distance."""
    found = {root: 0}
    for curie in curies:
        distance = resolver.ancestors(curie).get(root)
        if distance is not None:
            found[curie] = distance
    return sorted(found, key=lambda c: (found[c], c))


def _by_name(read: Canonical, resolver: Resolver, specs: Specs) -> Canonical:
    """A name instead of a CURIE: the term it names exactly, or why none is taken."""
    from trackmeta.request.search import search_with

    found = search_with(read.given, resolver, specs, None, limit=3)
    exact = [m for m in found.matches if m.kind == "exact"]
    if exact:
        return Canonical(read.given, exact[0].curie)
    shown = "; ".join(f"{m.curie} '{m.label}'" for m in found.matches) or "none"
    return Canonical(read.given, None, f"not a CURIE, and no term is named so exactly (closest: "
                     f"{shown})")


def _replaced_with_tracks(curie: str, by_curie: Mapping[str, list[dict[str, str]]],
                          resolver: Resolver) -> Iterator[str]:
    """A term without tracks whose former (obsolete) id the metadata still files tracks under:
    the request must name that id to get them."""
    for old in resolver.replaced_ids(curie):
        if by_curie.get(old):
            yield (f"{curie} has no tracks, but {old}, the obsolete id it replaces, has "
                   f"{len(by_curie[old])}: the metadata files them under {old}, so ask for {old}")


def plan(terms: Any, output_types: Any, metadata: Any, specs: Specs, resolver: Resolver, *,
         descendants: bool = False, where: Mapping[str, str] | Iterable[str] | None = None,
         ) -> TrackPlan:
    """The tracks each term returns for each output type, read from `metadata`."""
    from trackmeta.request.terms import _as_list, normalise_output_types

    wanted = (tuple(normalise_output_types(output_types, specs)) if output_types is not None
              else tuple(specs.output_types))  # none named: every output type, as users mean
    rows, source = _records(metadata, specs)
    filters = _filters(where, rows)
    by_curie: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if row["output_type"] in wanted and all(row.get(k, "") == v for k, v in filters.items()):
            by_curie.setdefault(row.get("ontology_curie", "").strip(), []).append(row)
    term_agnostic = [t for t in wanted if specs.output_types[t].term_agnostic]
    planned: list[PlannedTerm] = []
    tracks: list[PlannedTrack] = []
    warnings = [f"{t} tracks do not depend on the ontology term: every one is returned"
                for t in term_agnostic if output_types is not None]
    for given in _as_list(terms, "tracks"):
        read = canonical(given)
        if (read.curie is None and read.fix is None and any(ch.isalpha() for ch in read.given)
                and not looks_like_curie(read.given)):
            read = _by_name(read, resolver, specs)
        if read.curie is None:
            planned.append(PlannedTerm(read.given, None, read.problem, read.fix))
            continue
        included = (_under(read.curie, by_curie, resolver) if descendants else [read.curie])
        included = [c for c in included if c in by_curie or c == read.curie]
        counts: dict[str, int] = dict.fromkeys(wanted, 0)
        kinds: dict[str, tuple[str, ...]] = {}
        for curie in included:
            found = by_curie.get(curie, [])
            for row in found:
                counts[row["output_type"]] += specs.output_types[row["output_type"]].tracks_per_row
                tracks.append(PlannedTrack(read.curie, curie, row["output_type"],
                                           {k: row.get(k, "") for k in COLUMNS}))
            types = tuple(sorted({r.get("biosample_type", "") for r in found} - {""}))
            if len(types) > 1:
                kinds[curie] = types
                warnings.append(f"{curie} is filed under several biosample types "
                                f"({', '.join(types)}): the request returns all of them")
        if not any(counts.values()):
            warnings.extend(_replaced_with_tracks(read.curie, by_curie, resolver))
        planned.append(PlannedTerm(read.given, read.curie, None, None, tuple(included), counts,
                                   kinds))
    return TrackPlan(specs.organism.name, source, wanted, tuple(planned), tuple(tracks),
                     tuple(dict.fromkeys(warnings)))


def tracks(terms: Any, output_types: Any, metadata: Any, *, descendants: bool = False,
           where: Mapping[str, str] | Iterable[str] | None = None, organism: Any = None,
           ontologies: Mapping[str, str | Path] | None = None) -> TrackPlan:
    """The tracks a request with `terms` and `output_types` returns, from `metadata` (a table or
    official file path, a DataFrame, or the SDK's OutputMetadata). The organism is the one the
    metadata states (an official file's name) unless given; a contradiction is a UsageError."""
    from trackmeta.ontology.resolver import resolver_for
    from trackmeta.request.availability import request_specs
    from trackmeta.specs.organism import OrganismError

    try:
        specs = request_specs(metadata, organism)
    except OrganismError as exc:
        raise UsageError(str(exc)) from None
    return plan(terms, output_types, metadata, specs, resolver_for(specs, ontologies),
                descendants=descendants, where=where)


def iter_lines(result: TrackPlan) -> Iterator[str]:
    """The plan as text lines (the CLI escapes them)."""
    for term in result.terms:
        if term.curie is None:
            fix = f" (did you mean {term.fix}?)" if term.fix else ""
            yield f"{term.given}: not accepted by the client: {term.problem}{fix}"
            continue
        shown = f"{term.given} -> {term.curie}" if term.given != term.curie else term.curie
        counts = ", ".join(f"{t} {n}" for t, n in term.tracks.items())
        yield f"{shown}: {counts}"
        if len(term.included) > 1:
            yield f"  with the terms under it that have tracks: {', '.join(term.included[1:])}"
        for track in (t for t in result.tracks if t.term == term.curie):
            v = track.values
            yield (f"  {track.output_type:<17} {v.get('strand', ''):<2} {track.curie:<15} "
                   f"{v.get('name', '')}  [{v.get('biosample_type', '')}"
                   + (f", {v['transcription_factor']}" if v.get("transcription_factor") else "")
                   + (f", {v['histone_mark']}" if v.get("histone_mark") else "") + "]")
    for warning in result.warnings:
        yield f"warning: {warning}"
    yield f"ontology_terms={result.curies!r}"
