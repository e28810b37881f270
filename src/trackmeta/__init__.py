"""trackmeta: an ontology-aware validator for genomic track metadata.

The package imports nothing heavy at start-up: pandas and pandera load only when a table is checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trackmeta._version import __version__
from trackmeta.findings import ArgumentError, Failure, Finding, Severity

if TYPE_CHECKING:
    from trackmeta.checking.pipeline import check
    from trackmeta.checking.report import Report
    from trackmeta.curation.diff import ReleaseDiff, diff
    from trackmeta.curation.drift import DriftReport, drift
    from trackmeta.curation.fix import Repair, fix
    from trackmeta.identity import TrackId
    from trackmeta.ontology.resolver import Resolution
    from trackmeta.request.guard import GuardedModel, GuardError, guard
    from trackmeta.request.plan import TrackPlan, tracks
    from trackmeta.request.resolve import resolve
    from trackmeta.request.search import Match, SearchResult, search
    from trackmeta.request.terms import (
        TermCheck,
        TermValidationError,
        TermWarning,
        check_terms,
        validate_request,
    )
    from trackmeta.rules import RULES, Rule
    from trackmeta.settings import Settings

__all__ = [
    "RULES",
    "ArgumentError",
    "DriftReport",
    "Failure",
    "Finding",
    "GuardError",
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
    "TrackPlan",
    "__version__",
    "check",
    "check_terms",
    "diff",
    "drift",
    "fix",
    "guard",
    "resolve",
    "search",
    "tracks",
    "validate_request",
]

_LAZY = {
    "check": ("trackmeta.checking.pipeline", "check"),
    "Report": ("trackmeta.checking.report", "Report"),
    "Resolution": ("trackmeta.ontology.resolver", "Resolution"),
    "resolve": ("trackmeta.request.resolve", "resolve"),
    "TermCheck": ("trackmeta.request.terms", "TermCheck"),
    "TermValidationError": ("trackmeta.request.terms", "TermValidationError"),
    "check_terms": ("trackmeta.request.terms", "check_terms"),
    "validate_request": ("trackmeta.request.terms", "validate_request"),
    "TermWarning": ("trackmeta.request.terms", "TermWarning"),
    "guard": ("trackmeta.request.guard", "guard"),
    "GuardedModel": ("trackmeta.request.guard", "GuardedModel"),
    "GuardError": ("trackmeta.request.guard", "GuardError"),
    "search": ("trackmeta.request.search", "search"),
    "Match": ("trackmeta.request.search", "Match"),
    "SearchResult": ("trackmeta.request.search", "SearchResult"),
    "Settings": ("trackmeta.settings", "Settings"),
    "TrackId": ("trackmeta.identity", "TrackId"),
    "fix": ("trackmeta.curation.fix", "fix"),
    "Repair": ("trackmeta.curation.fix", "Repair"),
    "diff": ("trackmeta.curation.diff", "diff"),
    "ReleaseDiff": ("trackmeta.curation.diff", "ReleaseDiff"),
    "drift": ("trackmeta.curation.drift", "drift"),
    "DriftReport": ("trackmeta.curation.drift", "DriftReport"),
    "tracks": ("trackmeta.request.plan", "tracks"),
    "TrackPlan": ("trackmeta.request.plan", "TrackPlan"),
    "RULES": ("trackmeta.rules", "RULES"),
    "Rule": ("trackmeta.rules", "Rule"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'trackmeta' has no attribute {name!r}")
