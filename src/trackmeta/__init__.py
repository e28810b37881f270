"""trackmeta: an ontology-aware validator for genomic track metadata.

The package imports nothing heavy at start-up: pandas and pandera load only when a table is checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trackmeta._version import __version__
from trackmeta.findings import Failure, Finding, Severity

if TYPE_CHECKING:
    from trackmeta.api import resolve
    from trackmeta.changes import ReleaseDiff, diff
    from trackmeta.client_guard import GuardedModel, guard
    from trackmeta.engine import check
    from trackmeta.identity import TrackId
    from trackmeta.ontology.resolver import Resolution
    from trackmeta.ontology_drift import DriftReport, drift
    from trackmeta.repair import Repair, fix
    from trackmeta.report import Report
    from trackmeta.rules import RULES, Rule
    from trackmeta.settings import Settings
    from trackmeta.term_search import Match, SearchResult, search
    from trackmeta.terms import (
        TermCheck,
        TermValidationError,
        TermWarning,
        check_terms,
        validate_request,
    )

__all__ = [
    "RULES",
    "DriftReport",
    "Failure",
    "Finding",
    "GuardedModel",
    "Match",
    "ReleaseDiff",
    "Repair",
    "Report",
    "Resolution",
    "Rule",
    "SearchResult",
    "Settings",
    "Severity",
    "TermCheck",
    "TermValidationError",
    "TermWarning",
    "TrackId",
    "__version__",
    "check",
    "check_terms",
    "diff",
    "drift",
    "fix",
    "guard",
    "resolve",
    "search",
    "validate_request",
]

_LAZY = {
    "check": ("trackmeta.engine", "check"),
    "Report": ("trackmeta.report", "Report"),
    "Resolution": ("trackmeta.ontology.resolver", "Resolution"),
    "resolve": ("trackmeta.api", "resolve"),
    "TermCheck": ("trackmeta.terms", "TermCheck"),
    "TermValidationError": ("trackmeta.terms", "TermValidationError"),
    "check_terms": ("trackmeta.terms", "check_terms"),
    "validate_request": ("trackmeta.terms", "validate_request"),
    "TermWarning": ("trackmeta.terms", "TermWarning"),
    "guard": ("trackmeta.client_guard", "guard"),
    "GuardedModel": ("trackmeta.client_guard", "GuardedModel"),
    "search": ("trackmeta.term_search", "search"),
    "Match": ("trackmeta.term_search", "Match"),
    "SearchResult": ("trackmeta.term_search", "SearchResult"),
    "Settings": ("trackmeta.settings", "Settings"),
    "TrackId": ("trackmeta.identity", "TrackId"),
    "fix": ("trackmeta.repair", "fix"),
    "Repair": ("trackmeta.repair", "Repair"),
    "diff": ("trackmeta.changes", "diff"),
    "ReleaseDiff": ("trackmeta.changes", "ReleaseDiff"),
    "drift": ("trackmeta.ontology_drift", "drift"),
    "DriftReport": ("trackmeta.ontology_drift", "DriftReport"),
    "RULES": ("trackmeta.rules", "RULES"),
    "Rule": ("trackmeta.rules", "Rule"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'trackmeta' has no attribute {name!r}")
