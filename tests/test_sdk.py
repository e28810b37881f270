"""The official formats: textproto, binary protobuf (read without the SDK: tests/test_proto.py), and
the SDK's OutputMetadata object."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import trackmeta
from tests.helpers import FIXTURES, REAL_TSV, SHARED, needs_sdk, needs_shared
from trackmeta.io.readers import read_path
from trackmeta.io.table import drop_padding

TEXTPROTO = FIXTURES / "metadata.textproto"
REAL_TEXTPROTO = SHARED / "OutputMetadataResponse_ORGANISM_HOMO_SAPIENS.textproto"


def test_textproto_findings_point_at_track_lines() -> None:
    report = trackmeta.check(TEXTPROTO)
    assert report.rows == 4  # the Padding track is not a track
    assert [(f.line, f.column, f.code) for f in report.findings] == [(22, "nonzero_mean", "TM105")]


def test_textproto_values_become_table_values() -> None:
    frame = read_path(TEXTPROTO).frame
    first = frame.iloc[0]
    assert (first["ontology_curie"], first["strand"], first["biosample_type"],
            first["endedness"], first["genetically_modified"], first["output_type"]) == (
        "CL:0000084", ".", "primary_cell", "single", "False", "DNASE")


@needs_sdk
def test_binary_protobuf(tmp_path: Path) -> None:
    from alphagenome.protos import dna_model_service_pb2
    from google.protobuf import text_format

    message = text_format.Parse(TEXTPROTO.read_text(), dna_model_service_pb2.MetadataResponse())
    path = tmp_path / "metadata.binpb"
    path.write_bytes(message.SerializeToString())
    report = trackmeta.check(path)
    assert [(f.line, f.row, f.code) for f in report.findings] == [(None, 1, "TM105")]


@needs_sdk
def test_sdk_output_metadata_object() -> None:
    from alphagenome.models import dna_client
    from alphagenome.protos import dna_model_service_pb2
    from google.protobuf import text_format

    message = text_format.Parse(TEXTPROTO.read_text(), dna_model_service_pb2.MetadataResponse())
    metadata = dna_client.construct_output_metadata([message])
    report = trackmeta.check(metadata)
    assert report.rows == 4 and [f.code for f in report.findings] == ["TM105"]
    (check,) = trackmeta.check_terms(["EFO:0002106"], ["PROCAP"], metadata)
    assert check.tracks == {"PROCAP": 1}


def test_corrupt_textproto_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.textproto"
    path.write_text("output_metadata { output_type: NOT_A_TYPE }\n")
    report = trackmeta.check(path)
    assert report.exit_code == 2 and "MetadataResponse" in report.failures[0].message


@needs_shared
@pytest.mark.skipif(not REAL_TEXTPROTO.is_file(), reason=f"{REAL_TEXTPROTO} is absent")
def test_textproto_and_tsv_hold_the_same_tracks() -> None:
    proto = drop_padding(read_path(REAL_TEXTPROTO)).frame
    tsv = pd.read_csv(REAL_TSV, sep="\t", dtype=str, keep_default_na=False)
    assert len(proto) == len(tsv) == 5563
    tsv["output_type"] = tsv["output_type"].str.removeprefix("OutputType.")
    key = ["output_type", "name", "strand", "ontology_curie", "biosample_name", "biosample_type"]
    proto_keys = proto[key].fillna("").sort_values(key).reset_index(drop=True)
    tsv_keys = tsv[key].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(proto_keys, tsv_keys, check_dtype=False, check_index_type=False)
    # the TSV leaves some SPLICE_JUNCTIONS fields empty that the textproto carries
    junctions = proto[proto["output_type"] == "SPLICE_JUNCTIONS"]
    assert (junctions["data_source"] != "").all()
    assert (tsv[tsv["output_type"] == "SPLICE_JUNCTIONS"]["data_source"] == "").all()
    # nonzero_mean agrees to float32 precision
    merged = proto.merge(tsv, on=["output_type", "name", "strand"], suffixes=("_p", "_t"))
    means = merged[merged["nonzero_mean_t"] != ""]
    assert (means["nonzero_mean_p"].astype("float32") ==
            means["nonzero_mean_t"].astype("float64").astype("float32")).all()
