"""A guard around the AlphaGenome client: every prediction request is checked against the
metadata the model itself serves before it is sent.

`trackmeta.guard(dna_model)` returns a wrapper whose `predict_*` methods (single and plural)
check `ontology_terms` and `requested_outputs` for the request's organism against
`dna_model.output_metadata(organism)`, fetched once per organism, and raise TermValidationError
before any call when a term would return nothing. Every other attribute passes through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

GUARDED = ("predict_sequence", "predict_interval", "predict_variant",
           "predict_sequences", "predict_intervals", "predict_variants")


class GuardedModel:
    """The model, with its prediction methods checked before each request."""

    def __init__(self, model: Any, ontologies: Mapping[str, str | Path] | None = None) -> None:
        self._model = model
        self._ontologies = ontologies
        self._metadata: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._model, name)
        if name in GUARDED and callable(attribute):
            return self._checked(attribute)
        return attribute

    def __repr__(self) -> str:
        return f"trackmeta.guard({self._model!r})"

    def metadata(self, organism: Any = None) -> Any:
        """The model's own metadata for `organism`, asked for once."""
        key = str(getattr(organism, "name", organism))
        if key not in self._metadata:
            fetch = self._model.output_metadata
            self._metadata[key] = fetch() if organism is None else fetch(organism)
        return self._metadata[key]

    def _checked(self, method: Callable[..., Any]) -> Callable[..., Any]:
        from trackmeta.request.terms import normalise_output_types, validate_request
        from trackmeta.specs.organism import organism_specs

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            organism = kwargs.get("organism")
            outputs = kwargs.get("requested_outputs")
            terms = kwargs.get("ontology_terms")
            if terms is None:  # every term: only the outputs can be wrong
                normalise_output_types(outputs, organism_specs(organism))
            else:
                validate_request(terms, outputs, self.metadata(organism), organism=organism,
                                 ontologies=self._ontologies)
            return method(*args, **kwargs)

        return call


def guard(model: Any, *, ontologies: Mapping[str, str | Path] | None = None) -> GuardedModel:
    """Wrap an AlphaGenome model client (`dna_client.create(...)`) so that a request whose terms
    would return nothing raises TermValidationError before it is sent."""
    return GuardedModel(model, ontologies)
