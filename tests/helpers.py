"""Test helpers: the valid fixture table, editing it cell by cell, and the ../shared data."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from trackmeta.checking.report import Report

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid.tsv"
REPO = Path(__file__).parent.parent
SHARED = REPO.parent / "shared" / "data"
REAL_TSV = SHARED / "alphagenome_human_track_metadata_2025-08.tsv"

needs_shared = pytest.mark.skipif(
    not REAL_TSV.is_file(),
    reason=f"the real AlphaGenome metadata is not at {REAL_TSV} (../shared beside the checkout)",
)

needs_sdk = pytest.mark.skipif(
    importlib.util.find_spec("alphagenome") is None,
    reason="needs the alphagenome SDK: pip install 'trackmeta[alphagenome]'",
)


@functools.cache
def real_report(path: Path = REAL_TSV) -> Report:
    """`trackmeta.check` of a real file in ../shared, made once per test process (a report is
    immutable: its findings are frozen dataclasses in a tuple)."""
    import trackmeta

    return trackmeta.check(path)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command, in process: exit status, stdout, stderr (argparse's own exits included)."""
    from trackmeta.cli import main

    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def cl_only_table(directory: Path) -> Path:
    """The valid fixture's rows whose terms are all CL (or none): a run needs one small ontology
    index, for tests about processes and caches rather than about ontologies."""
    lines = [f for f in valid_lines() if not f[3].startswith(("UBERON", "EFO"))]
    path = directory / "cl_only.tsv"
    path.write_text(to_text(lines))
    return path


def cold_cache(directory: Path) -> Path:
    """A cache directory for a cold start of the specs and the CL index, holding only links to
    this test run's UBERON and EFO indexes: the start-up helper would otherwise build those for
    every such test, though a CL-only table never reads them."""
    import os

    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs.model import default_specs

    resolver = Resolver(default_specs())
    cache = directory / "cache"
    (cache / "index").mkdir(parents=True)
    for prefix in ("UBERON", "EFO"):
        resolver.index(prefix)  # built once per test run, in the shared session cache
        for built in (Path(os.environ["TRACKMETA_CACHE_DIR"]) / "index").glob(f"{prefix}-*.idx"):
            (cache / "index" / built.name).symlink_to(built)
    return cache


def valid_lines() -> list[list[str]]:
    """The valid fixture as lists of fields; index 0 is the header (line 1)."""
    return [line.split("\t") for line in VALID.read_text(encoding="utf-8").splitlines()]


def edited(lines: list[list[str]], line: int, column: str, value: str) -> list[list[str]]:
    """A copy with the cell at (physical line, column name) replaced."""
    out = [list(fields) for fields in lines]
    out[line - 1][out[0].index(column)] = value
    return out


def to_text(lines: list[list[str]], delimiter: str = "\t") -> str:
    return "".join(delimiter.join(fields) + "\n" for fields in lines)
