"""GitHub Actions workflow commands: an annotation per finding, at most a bounded number per
rule (GitHub shows only so many), the rest of each rule summarised in one notice."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from trackmeta import escape
from trackmeta.findings import Severity
from trackmeta.render.options import relative

if TYPE_CHECKING:
    from trackmeta.checking.report import Report
    from trackmeta.render.options import RenderOptions

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, options: RenderOptions) -> str:
    lines = []
    shown: Counter[str] = Counter()
    total = Counter(f.code for f in report.findings)
    for f in report.findings:
        shown[f.code] += 1
        if shown[f.code] > options.annotations_per_rule:
            continue
        props = [f"file={escape.workflow(relative(f.path), True)}"] if f.path else []
        if f.line is not None:
            props.append(f"line={f.line}")
        props.append(f"title={escape.workflow(f'{f.code} {f.name}', True)}")
        lines.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{escape.workflow(f.message)}")
    for code, n in sorted(total.items()):
        if n > options.annotations_per_rule:
            rest = n - options.annotations_per_rule
            lines.append(f"::notice title={escape.workflow(f'{code} (more)', True)}::"
                         f"{rest} more {code} findings not annotated; see the job summary or "
                         "`trackmeta check --format text`")
    return "".join(line + "\n" for line in lines)
