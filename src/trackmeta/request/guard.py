"""A guard around the AlphaGenome clients: a request whose ontology terms cannot return tracks is
stopped before it is sent, and a request that passes reaches the client as the caller wrote it.

Which methods are guarded is read off the client, not off a list of names: every method with an
`ontology_terms` parameter (`DnaClient.predict_*`, `AtlasClient.query_*`, and whatever a later SDK
adds). What a request means is the client kind's: a DnaClient request names its organism and
output types and is judged against `output_metadata(organism)`; an Atlas request names variant
scorers, is for human only, and is judged per scorer against `scorer_metadata()`, the way the
Atlas client filters its results.

Order: the arguments are read once (an iterable becomes one list, which is judged and passed on),
then syntax (what the client itself would refuse; no metadata needed, so no network), then the
metadata: given (`metadata=`) or fetched once per organism, lazily, under a lock.
"""

from __future__ import annotations

import inspect
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from trackmeta.findings import ArgumentError
from trackmeta.request.availability import Availability, MetadataError
from trackmeta.request.client_curie import canonical
from trackmeta.request.terms import (
    EMPTY_TERMS,
    TermCheck,
    TermValidationError,
    TermWarning,
    check_terms,
    checker,
    normalise_output_types,
    problem,
    validate_request,
)
from trackmeta.specs.organism import OrganismError, organism_specs

TERMS = "ontology_terms"  # the parameter that makes a method a request to guard


class GuardError(TermValidationError):
    """A request the guard refuses for what it is, not for a term: an output type the organism
    is not served, an organism the guard has no metadata for. Still a TermValidationError."""

    def __init__(self, message: str) -> None:
        super().__init__([], [message])


@dataclass(frozen=True)
class _Served:
    """What one organism's metadata serves, read once: the availability index and, for the
    Atlas, each scorer's output type and the CURIEs its tracks carry (None: it has no
    ontology_curie column, so the client does not filter it by term)."""

    source: Any
    tracks: Availability
    scorers: Mapping[str, tuple[str, frozenset[str] | None]]


def _served(metadata: Any, organism: Any) -> _Served:
    from trackmeta.io import sdk
    from trackmeta.request import availability

    specs = availability.request_specs(metadata, organism)
    tracks = availability.load(metadata, specs)
    scorers: dict[str, tuple[str, frozenset[str] | None]] = {}
    if sdk.is_scorer_metadata(metadata):
        for name, otype, frame in sdk.scorer_frames(metadata):
            curies = (frozenset(str(c) for c in frame["ontology_curie"])
                      if "ontology_curie" in frame.columns else None)
            scorers[name] = (otype, curies)
    return _Served(metadata, tracks, scorers)


class _Kind(Protocol):
    """What a request of one client kind means."""

    def organism(self, arguments: Mapping[str, Any], defaults: Mapping[str, Any]) -> Any: ...

    def fetch(self, client: Any, organism: Any) -> Any: ...

    def judge(self, terms: list[Any] | None, arguments: Mapping[str, Any], organism: Any,
              served: Callable[[], _Served], ontologies: Mapping[str, str | Path] | None) -> None:
        ...


class _Dna:
    """`DnaClient.predict_*`: organism (the method's default when not given), requested_outputs,
    ontology_terms; every requested output type must have tracks for every term."""

    def organism(self, arguments: Mapping[str, Any], defaults: Mapping[str, Any]) -> Any:
        return arguments.get("organism", defaults.get("organism"))

    def fetch(self, client: Any, organism: Any) -> Any:
        return client.output_metadata() if organism is None else client.output_metadata(organism)

    def judge(self, terms: list[Any] | None, arguments: Mapping[str, Any], organism: Any,
              served: Callable[[], _Served], ontologies: Mapping[str, str | Path] | None) -> None:
        outputs = arguments.get("requested_outputs")
        try:
            normalise_output_types(outputs, organism_specs(organism))
        except ValueError as exc:  # an unknown output type, or one the organism is not served
            raise GuardError(str(exc)) from None
        if terms is not None:
            validate_request(terms, outputs, served().tracks, organism=organism,
                             ontologies=ontologies)


class _Atlas:
    """`AtlasClient.query_*`: requested_scorers and ontology_terms, human only. The client keeps,
    per scorer, the tracks whose ontology_curie is a requested term (a scorer without the column
    is not filtered): a term is usable when some requested scorer has tracks for it."""

    def organism(self, arguments: Mapping[str, Any], defaults: Mapping[str, Any]) -> Any:
        from trackmeta.io.sdk import ATLAS_ORGANISM

        return ATLAS_ORGANISM

    def fetch(self, client: Any, organism: Any) -> Any:
        return client.scorer_metadata()

    def judge(self, terms: list[Any] | None, arguments: Mapping[str, Any], organism: Any,
              served: Callable[[], _Served], ontologies: Mapping[str, str | Path] | None) -> None:
        if terms is None:
            return
        known = served()
        asked = arguments.get("requested_scorers") or list(known.scorers)
        filtered = [s for s in asked if s in known.scorers and known.scorers[s][1] is not None]
        if not filtered:  # unknown scorers are the server's to refuse
            return
        found = checker(known.tracks, organism=organism, ontologies=ontologies)
        types = sorted({known.scorers[s][0] for s in filtered})
        checks, problems = [], []
        for term in terms:
            curie = canonical(term).curie
            check = found.check(term, types)
            checks.append(check)
            if not any(curie in (known.scorers[s][1] or ()) for s in filtered):
                problems.append(problem(check) if check.usable is False else
                                f"{check.input}: no requested scorer ({', '.join(filtered)}) "
                                "has tracks for it")
        if problems:
            raise TermValidationError(checks, problems)
        for check in checks:
            for note in check.warnings:
                warnings.warn(f"{check.input}: {note}", TermWarning, stacklevel=4)


def _kind_of(client: Any) -> _Kind:
    """The client's kind, by what it offers: the Atlas serves scorer metadata."""
    return _Atlas() if callable(getattr(client, "scorer_metadata", None)) else _Dna()


def _as_list(value: Any, parameter: str) -> list[Any] | None:
    """An argument read once: None stays None (every term), a string is refused (the client
    would read its characters), any other iterable becomes one list."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        text = value.decode(errors="replace") if isinstance(value, bytes) else value
        raise GuardError(f"{parameter}={text!r}: the client reads a string as its characters, "
                         f"one term each; pass a list: {parameter}=[{text!r}]")
    if not isinstance(value, Iterable):
        return None  # not ours to judge: the client raises its own error
    return value if isinstance(value, list) else list(value)


def _syntax(terms: list[Any], organism: Any, ontologies: Mapping[str, str | Path] | None) -> None:
    """What the client itself would refuse, stopped before any metadata is read: with the fix
    where it is certain, and matches where a name was given."""
    if not terms:
        raise GuardError(EMPTY_TERMS)
    bad = [t for t in terms if canonical(t).curie is None]
    if not bad:
        return
    checks: list[TermCheck] = check_terms(bad, None, None, organism=organism,
                                          ontologies=ontologies)
    problems = [problem(c) if c.usable is False else f"{c.input}: {canonical(c.input).problem}"
                for c in checks]
    raise TermValidationError(checks, problems)


class GuardedModel:
    """The client, with every method that takes ontology terms judged before it is sent."""

    def __init__(self, model: Any, ontologies: Mapping[str, str | Path] | None = None,
                 metadata: Any = None) -> None:
        self._model = model
        self._ontologies = ontologies
        self._kind = _kind_of(model)
        self._given = None if metadata is None else self._given_by_organism(metadata)
        self._fetched: dict[str, Any] = {}
        self._served: dict[str, _Served] = {}
        self._signatures: dict[str, inspect.Signature | None] = {}
        self._lock = threading.Lock()

    # -- what passes through ----------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        model = self.__dict__.get("_model")
        if model is None:  # being copied or unpickled: no state yet, nothing to pass to
            raise AttributeError(name)
        attribute = getattr(model, name)
        if callable(attribute) and self._signature(name, attribute) is not None:
            return self._checked(name, attribute)
        return attribute

    def __repr__(self) -> str:
        return f"trackmeta.guard({self._model!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"model": self._model, "ontologies": self._ontologies, "given": self._given}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["model"], state["ontologies"])  # type: ignore[misc]
        self._given = state["given"]

    def _signature(self, name: str, method: Callable[..., Any]) -> inspect.Signature | None:
        """The method's signature when it takes ontology terms (read once per name)."""
        if name not in self._signatures:
            try:
                signature: inspect.Signature | None = inspect.signature(method)
            except (TypeError, ValueError):
                signature = None
            if signature is not None and TERMS not in signature.parameters:
                signature = None
            self._signatures[name] = signature
        return self._signatures[name]

    # -- the metadata -----------------------------------------------------------------------

    def _given_by_organism(self, metadata: Any) -> dict[str, Any]:
        """`metadata=`: one metadata (for the organism it states, else the client's default) or
        a mapping of organism to metadata."""
        from trackmeta.io import sdk
        from trackmeta.request import availability

        pairs = (list(metadata.items()) if isinstance(metadata, Mapping)
                 and not sdk.is_scorer_metadata(metadata) else [(None, metadata)])
        given = {}
        for organism, one in pairs:
            try:
                name = availability.request_specs(one, organism).organism.name
            except OrganismError as exc:
                raise ArgumentError(f"guard(metadata=...): {exc}") from None
            atlas = organism_specs(sdk.ATLAS_ORGANISM).organism.name
            if isinstance(self._kind, _Atlas) and name != atlas:
                raise ArgumentError(f"guard(metadata=...): the Atlas serves {atlas} variant "
                                    f"scores only, and {str(one)[:200]} is {name} metadata")
            given[name] = one
        return given

    def metadata(self, organism: Any = None) -> Any:
        """The metadata requests for `organism` are judged against: the one given, or the
        client's own, fetched once (concurrent first calls fetch once)."""
        name = organism_specs(organism).organism.name
        if self._given is not None:
            if name not in self._given:
                raise GuardError(f"the guard was given metadata for {', '.join(self._given)} "
                                 f"only, not {name}: pass metadata={{'{name}': ...}} too")
            return self._given[name]
        if name not in self._fetched:
            with self._lock:
                if name not in self._fetched:
                    self._fetched[name] = self._kind.fetch(self._model, organism)
        return self._fetched[name]

    def refresh(self) -> None:
        """Forget the fetched metadata: the next request fetches it again."""
        with self._lock:
            self._fetched.clear()
            self._served.clear()

    def _served_for(self, organism: Any) -> _Served:
        name = organism_specs(organism).organism.name
        found = self._served.get(name)
        if found is None:
            source = self.metadata(organism)
            try:
                found = _served(source, organism)
            except (MetadataError, OrganismError) as exc:
                raise GuardError(f"the metadata cannot be read for the guard: {exc}") from None
            self._served[name] = found
        return found

    # -- the request ------------------------------------------------------------------------

    def _checked(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        signature = self._signature(name, method)
        assert signature is not None
        defaults = {k: p.default for k, p in signature.parameters.items()
                    if p.default is not inspect.Parameter.empty}

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                return method(*args, **kwargs)  # the client's own error, unchanged
            arguments = bound.arguments
            for parameter in (TERMS, "requested_outputs", "requested_scorers"):
                if parameter in arguments:
                    arguments[parameter] = _as_list(arguments[parameter], parameter)
            organism = self._kind.organism(arguments, defaults)
            try:
                organism_specs(organism)
            except OrganismError as exc:
                raise GuardError(str(exc)) from None
            terms = arguments.get(TERMS)
            if terms is not None:
                _syntax(terms, organism, self._ontologies)
            with warnings.catch_warnings(record=True) as advice:
                warnings.simplefilter("always")
                self._kind.judge(terms, arguments, organism, lambda: self._served_for(organism),
                                 self._ontologies)
            for note in advice:  # said where the caller made the request, under its filters
                warnings.warn(note.message, note.category, stacklevel=2)
            return method(*bound.args, **bound.kwargs)

        call.__name__ = name
        call.__doc__ = method.__doc__
        call.__wrapped__ = method  # type: ignore[attr-defined]
        return call


def guard(model: Any, *, metadata: Any = None,
          ontologies: Mapping[str, str | Path] | None = None) -> GuardedModel:
    """Wrap an AlphaGenome client (`dna_client.create(...)` or `atlas.create(...)`) so that a
    request whose terms would return nothing raises TermValidationError before it is sent.

    `metadata` (a table or official file path, the SDK's OutputMetadata, the Atlas's scorer
    metadata, or a mapping of organism to any of these) is what requests are judged against;
    given, the guard never fetches. Otherwise the client's own metadata is fetched once per
    organism, at the first request that needs it."""
    return GuardedModel(model, ontologies, metadata)

