"""The outcome of a run: findings, failures, counts and provenance, with exit-code logic."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any

from trackmeta._version import __version__
from trackmeta.checking.release import Count
from trackmeta.findings import Failure, Finding, Severity
from trackmeta.identity import TrackId

if TYPE_CHECKING:
    import pandas as pd

EXIT_CLEAN, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


def _row(f: Finding) -> tuple[Any, ...]:
    """A finding's values in the order of _FINDING_FIELDS, as the JSON report writes them
    (the track as its tuple: written as an object of TrackId's fields)."""
    return (f.code, f.name, str(f.severity), f.message, f.path, f.line, f.column, f.value,
            f.expected, f.fix, f.row, f.track,
            list(f.span) if f.span is not None else None)


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    failures: tuple[Failure, ...] = ()
    files: tuple[str, ...] = ()
    organisms: Mapping[str, str] = field(default_factory=dict)  # path -> organism checked as
    rows: int = 0
    skipped: int = 0  # padding rows of the official formats: not tracks
    tracks: int = 0
    tracks_by_type: Mapping[str, int] = field(default_factory=dict)
    counts: tuple[Count, ...] | None = None
    fail_on: Severity | None = Severity.ERROR
    schemas: tuple[Mapping[str, str], ...] = ()
    ontologies: tuple[Mapping[str, Any], ...] = ()
    baseline: str | None = None  # the baseline file applied, if any
    baselined: int = 0  # findings the baseline holds, not reported
    fixed: tuple[Mapping[str, Any], ...] = ()  # baseline entries no longer found
    # output type -> biosample type -> (tracks, errors and warnings): where a release fails
    matrix: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)
    vocabularies: tuple[Mapping[str, Any], ...] = ()  # the word lists this run consulted
    notes: tuple[str, ...] = ()  # what the run did not look at, said so it is not assumed
    roots: Mapping[str, str] = field(default_factory=dict)  # a file's release directory

    def count(self, severity: Severity) -> int:
        return self._severities[severity]

    @cached_property
    def _severities(self) -> Counter[Severity]:
        """Findings per severity, counted once: a summary asks for each."""
        return Counter(f.severity for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 clean, 1 a finding at or above --fail-on, 2 trackmeta could not do its job."""
        if self.failures:
            return EXIT_FAILURE
        if self.fail_on is not None and any(f.severity >= self.fail_on for f in self.findings):
            return EXIT_FINDINGS
        return EXIT_CLEAN

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_CLEAN

    def summary(self) -> dict[str, Any]:
        return {
            "files": len(self.files),
            "rows": self.rows,
            "skipped": self.skipped,
            "organisms": sorted(set(self.organisms.values())),
            "tracks": self.tracks,
            "tracks_by_type": dict(self.tracks_by_type),
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "infos": self.count(Severity.INFO),
            "failures": len(self.failures),
            "baselined": self.baselined,
            "fixed": len(self.fixed),
            "by_rule": dict(sorted(Counter(f.code for f in self.findings).items())),
            "fail_on": str(self.fail_on) if self.fail_on is not None else "never",
            "exit_code": self.exit_code,
        }

    def to_dict(self) -> dict[str, Any]:
        return self._document([{**dict(zip(_FINDING_FIELDS, _row(f), strict=True)),
                                "track": f.track._asdict() if f.track is not None else None}
                               for f in self.findings])

    def _document(self, findings: Any) -> dict[str, Any]:
        return {
            "trackmeta": __version__,
            "summary": self.summary(),
            "files": list(self.files),
            "organisms": dict(self.organisms),
            "findings": findings,
            "failures": [asdict(f) for f in self.failures],
            "expectations": None if self.counts is None else [asdict(c) for c in self.counts],
            "baseline": None if self.baseline is None else {
                "file": self.baseline, "baselined": self.baselined,
                "fixed": [dict(e) for e in self.fixed]},
            "schemas": list(map(dict, self.schemas)),
            "ontologies": list(map(dict, self.ontologies)),
            "vocabularies": list(map(dict, self.vocabularies)),
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per finding (code, name, severity, path, line, column, value, expected, fix,
        track), as pandera users expect `failure_cases`."""
        import pandas as pd

        columns = ("code", "name", "severity", "path", "line", "column", "value", "expected",
                   "fix", "track", "message")
        return pd.DataFrame(
            [(f.code, f.name, str(f.severity), f.path, f.line, f.column, f.value, f.expected,
              f.fix, str(f.track) if f.track is not None else None, f.message)
             for f in self.findings], columns=list(columns)).astype({"line": "Int64"})

    def _repr_html_(self) -> str:
        """The notebook view: the HTML report's summary and rule counts."""
        from trackmeta.render.html import render
        from trackmeta.render.options import RenderOptions

        return render(self, RenderOptions(compact=True))

    def to_json(self, indent: int | None = 2) -> str:
        from trackmeta import escape

        if indent == 2:
            from trackmeta.render.jsondoc import Records, dumps

            return dumps(self._document(Records(_FINDING_FIELDS, list(map(_row, self.findings)),
                                                {"track": TrackId._fields})))
        return escape.json_text(json.dumps(escape.deep(self.to_dict(), escape.utf8),
                                           indent=indent, ensure_ascii=False))
