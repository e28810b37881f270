"""Every shape of the same official metadata gets the same verdict: the real human and mouse
metadata in ../shared as textproto, binary protobuf, the SDK's OutputMetadata, its concatenate()
DataFrame, TSV, CSV and Parquet written from it, and one output type's frame at a time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import trackmeta
from tests.helpers import REAL_TSV, SHARED, real_report
from trackmeta.io.readers import read_path
from trackmeta.io.table import Table, drop_padding, from_dataframe

pytest.importorskip("alphagenome", reason="the shapes need the alphagenome SDK (extra)")

OFFICIAL = {
    "human": SHARED / "OutputMetadataResponse_ORGANISM_HOMO_SAPIENS.textproto",
    "mouse": SHARED / "OutputMetadataResponse_ORGANISM_MUS_MUSCULUS.textproto",
}
Key = tuple[str, str | None, str | None, tuple[str, str, str]]


def _identity(table: Table, row: int) -> tuple[str, str, str]:
    frame = table.frame
    otype, name, strand = (str(frame.at[row, c]) if c in frame else ""
                           for c in ("output_type", "name", "strand"))
    return otype.removeprefix("OutputType."), name, strand


def verdict(report: trackmeta.Report, table: Table) -> Counter[Key]:
    """(code, column, value, track identity) of every finding."""
    assert not report.failures, report.failures
    return Counter((f.code, f.column, f.value, _identity(table, f.row))
                   for f in report.findings if f.row is not None)


class Official:
    """One organism's official metadata, parsed once, and its shapes."""

    def __init__(self, organism: str, workdir: Path) -> None:
        from alphagenome.models import dna_client
        from alphagenome.protos import dna_model_service_pb2
        from google.protobuf import text_format

        self.organism = organism
        self.textproto = OFFICIAL[organism]
        message = text_format.Parse(self.textproto.read_text(),
                                    dna_model_service_pb2.MetadataResponse())
        self.binary = workdir / f"{organism}.binpb"
        self.binary.write_bytes(message.SerializeToString())
        self.metadata = dna_client.construct_output_metadata([message])
        self.frame = self.metadata.concatenate()
        plain = self.frame.assign(output_type=self.frame["output_type"].map(str))
        self.tsv, self.csv, self.parquet = (workdir / f"{organism}.{s}" for s in ("tsv", "csv", "parquet"))
        plain.to_csv(self.tsv, sep="\t", index=False)
        plain.to_csv(self.csv, index=False)
        plain.to_parquet(self.parquet, index=False)

    @property
    def report(self) -> trackmeta.Report:
        """The official file's report, made once for every test that reads it."""
        return real_report(self.textproto)

    def shapes(self) -> dict[str, Callable[[], tuple[trackmeta.Report, Table]]]:
        from trackmeta.io import sdk

        def path(p: Path) -> Callable[[], tuple[trackmeta.Report, Table]]:
            return lambda: (trackmeta.check(p, organism=self.organism), read_path(p))

        return {
            "textproto": lambda: (self.report, read_path(self.textproto)),
            "binary": path(self.binary),
            "tsv": path(self.tsv),
            "csv": path(self.csv),
            "parquet": path(self.parquet),
            "OutputMetadata": lambda: (trackmeta.check(self.metadata, organism=self.organism),
                                       sdk.from_sdk(self.metadata)),
            "concatenate": lambda: (trackmeta.check(self.frame, organism=self.organism),
                                    from_dataframe(self.frame)),
        }


@pytest.fixture(scope="module", params=sorted(OFFICIAL))
def official(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Official:
    organism = str(request.param)
    if not OFFICIAL[organism].is_file():
        pytest.skip(f"{OFFICIAL[organism]} is absent (../shared beside the checkout)")
    return Official(organism, tmp_path_factory.mktemp(organism))


def test_every_shape_gets_the_same_verdict(official: Official) -> None:
    verdicts: dict[str, Counter[Key]] = {}
    for shape, run in official.shapes().items():
        report, table = run()
        assert report.organisms and set(report.organisms.values()) == {official.organism}, shape
        verdicts[shape] = verdict(report, drop_padding(table))
        assert report.skipped == (563 if official.organism == "human" else 5088), shape
    reference = verdicts["textproto"]
    assert reference, "the real metadata has findings to compare"
    for shape, found in verdicts.items():
        assert found == reference, shape


def test_one_output_type_frame_at_a_time(official: Official) -> None:
    from alphagenome.models.dna_output import OutputType

    whole = verdict(trackmeta.check(official.metadata, organism=official.organism),
                    drop_padding(from_dataframe(official.frame)))
    parts: Counter[Key] = Counter()
    for otype in OutputType:
        frame: Any = official.metadata.get(otype)
        if frame is None:
            continue
        report = trackmeta.check(frame, output_type=otype.name, organism=official.organism)
        table = drop_padding(from_dataframe(frame.assign(output_type=otype.name)))
        parts += verdict(report, table)
    assert parts == whole


def test_real_counts_per_rule_per_organism(official: Official) -> None:
    """The findings read and defended in the closing note, per organism."""
    report = official.report
    expected = {
        "human": {"TM108": 1, "TM112": 4, "TM111": 43, "TM205": 11, "TM206": 93, "TM207": 65,
                  "TM208": 8, "TM210": 29, "TM213": 27},
        "mouse": {"TM107": 3, "TM205": 3, "TM206": 45, "TM210": 20},
    }[official.organism]
    assert report.summary()["by_rule"] == expected
    assert report.rows == (5563 if official.organism == "human" else 1038)


def test_textproto_findings_point_at_the_track_line(official: Official) -> None:
    report = official.report
    lines = official.textproto.read_text().splitlines()
    for f in report.findings[:50]:
        assert f.line is not None and lines[f.line - 1].strip() == "metadata {"


@pytest.mark.skipif(not REAL_TSV.is_file(), reason=f"{REAL_TSV} is absent")
def test_human_tsv_matches_the_official_file() -> None:
    tsv, proto = real_report(), real_report(OFFICIAL["human"])
    assert proto.tracks == tsv.tracks == 5930
    key = Counter((f.code, f.column, f.value, f.message) for f in tsv.findings)
    assert key == Counter((f.code, f.column, f.value, f.message) for f in proto.findings)
    assert pd.Series([f.line for f in tsv.findings]).notna().all()
