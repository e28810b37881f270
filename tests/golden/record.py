"""Record the reports today's trackmeta makes of the reference inputs (their sha256 per format),
so that tests/test_golden.py fails when a change alters any byte of one.

    python tests/golden/record.py      # after a change that is meant to alter reports

Inputs: the example release and the official mouse file (in the repository), and where
../shared is present the real human TSV and textproto, the mouse textproto, and synthetic
releases made from the human TSV by benchmarks/synth.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DIGESTS = Path(__file__).with_name("digests.json")
FORMATS = ("json", "text", "sarif", "junit", "github", "gitlab", "html")
SYNTHETIC = (55_630, 111_260)


def inputs(workdir: Path) -> Iterator[tuple[str, str]]:
    """(name, path relative to the repository) of every reference input that is present."""
    yield "example release", "examples/release"
    yield "official mouse (examples)", (
        "examples/official/OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto")
    shared = REPO.parent / "shared" / "data"
    real = shared / "alphagenome_human_track_metadata_2025-08.tsv"
    if not real.is_file():
        return
    yield "human TSV", os.path.relpath(real, REPO)
    for organism in ("HOMO_SAPIENS", "MUS_MUSCULUS"):
        yield (f"{organism} textproto",
               os.path.relpath(shared / f"OutputMetadataResponse_ORGANISM_{organism}.textproto", REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synth import make

    for rows in SYNTHETIC:
        path = workdir / f"synthetic-{rows}.tsv"
        make(str(real), rows, str(path))
        yield f"synthetic {rows}", str(path)


def digests(name: str, path: str) -> dict[str, str]:
    import trackmeta
    from trackmeta.render import RenderOptions, render

    report = trackmeta.check(path)
    shown = "synthetic.tsv" if name.startswith("synthetic") else None
    if shown is not None:  # a temporary path: name it as the same file everywhere
        import dataclasses

        report = dataclasses.replace(
            report, files=(shown,), organisms={shown: "human"},
            findings=tuple(dataclasses.replace(f, path=shown) for f in report.findings))
    options = RenderOptions(color=False)
    return {fmt: hashlib.sha256(_steady(render(report, fmt, options)).encode()).hexdigest()
            for fmt in FORMATS}


def _steady(document: str) -> str:
    """JUnit's run time and host name are the run's, not the report's."""
    return re.sub(r'(timestamp|hostname)="[^"]*"', r'\1=""', document)


def current() -> dict[str, dict[str, str]]:
    """The digests of today's reports (run from the repository root: paths are relative)."""
    with tempfile.TemporaryDirectory() as workdir:
        return {name: digests(name, path) for name, path in inputs(Path(workdir))}


if __name__ == "__main__":
    os.chdir(REPO)
    DIGESTS.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {DIGESTS}")
