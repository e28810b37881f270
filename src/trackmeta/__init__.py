"""trackmeta: an ontology-aware validator for genomic track metadata.

The package imports nothing heavy at start-up: pandas and pandera load only when a table is checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trackmeta._version import __version__
from trackmeta.findings import Failure, Finding, Severity

if TYPE_CHECKING:
    from trackmeta.api import resolve
    from trackmeta.engine import check
    from trackmeta.ontology.resolver import Resolution
    from trackmeta.report import Report
    from trackmeta.rules import RULES, Rule
    from trackmeta.terms import TermCheck, TermValidationError, check_terms, validate_request

__all__ = [
    "RULES",
    "Failure",
    "Finding",
    "Report",
    "Resolution",
    "Rule",
    "Severity",
    "TermCheck",
    "TermValidationError",
    "__version__",
    "check",
    "check_terms",
    "resolve",
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
    "RULES": ("trackmeta.rules", "RULES"),
    "Rule": ("trackmeta.rules", "Rule"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'trackmeta' has no attribute {name!r}")
