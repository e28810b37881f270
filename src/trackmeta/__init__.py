"""trackmeta: an ontology-aware validator for genomic track metadata.

The package imports nothing heavy at start-up: pandas and pandera load only when a table is checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trackmeta._version import __version__
from trackmeta.findings import Failure, Finding, Severity

if TYPE_CHECKING:
    from trackmeta.engine import check
    from trackmeta.report import Report
    from trackmeta.rules import RULES, Rule

__all__ = [
    "RULES",
    "Failure",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "__version__",
    "check",
]

_LAZY = {
    "check": ("trackmeta.engine", "check"),
    "Report": ("trackmeta.report", "Report"),
    "RULES": ("trackmeta.rules", "RULES"),
    "Rule": ("trackmeta.rules", "Rule"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'trackmeta' has no attribute {name!r}")
