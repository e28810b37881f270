"""The official AlphaGenome metadata formats, through the `alphagenome` SDK (extra
`trackmeta[alphagenome]`): the MetadataResponse protobuf, as text or binary, and the SDK's
`OutputMetadata` object. Numeric ontology ids become zero-padded CURIEs and enums the table
values, as the SDK itself converts them; `Padding` tracks are not tracks."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from trackmeta.findings import Failure
from trackmeta.readers import ReadError, Table, from_dataframe

if TYPE_CHECKING:
    import pandas as pd

PROTO_SUFFIXES = (".textproto", ".pbtxt", ".txtpb", ".binpb", ".pb")
EXTRA = "pip install 'trackmeta[alphagenome]'"
PADDING = "Padding"
_TRACK_START = re.compile(rb"^\s*metadata\s*\{", re.MULTILINE)


def _sdk(where: str) -> tuple[Any, Any, Any, Any]:
    try:
        from alphagenome.models import junction_data_utils, track_data_utils
        from alphagenome.protos import dna_model_pb2, dna_model_service_pb2
    except ImportError:
        raise ReadError(Failure(
            f"reading the AlphaGenome protobuf format needs the alphagenome SDK: {EXTRA}",
            where)) from None
    return dna_model_service_pb2, dna_model_pb2, track_data_utils, junction_data_utils


def is_textproto(data: bytes) -> bool:
    return data.lstrip()[:16].startswith(b"output_metadata")


def read_proto(data: bytes, where: str, text: bool) -> Table:
    """A MetadataResponse as one table; findings of a textproto point at each track's line."""
    import pandas as pd

    service_pb2, model_pb2, tracks_utils, junction_utils = _sdk(where)
    response = service_pb2.MetadataResponse()
    try:
        if text:
            from google.protobuf import text_format

            text_format.Parse(data.decode("utf-8"), response)
        else:
            response.ParseFromString(data)
    except Exception as exc:  # protobuf raises ParseError, DecodeError, UnicodeDecodeError
        raise ReadError(Failure(f"not an AlphaGenome MetadataResponse: {exc}", where)) from None
    frames = []
    for block in response.output_metadata:
        otype = model_pb2.OutputType.Name(block.output_type).removeprefix("OUTPUT_TYPE_")
        if block.HasField("junctions"):
            frame = junction_utils.metadata_from_proto(block.junctions)
        else:
            frame = tracks_utils.metadata_from_proto(block.tracks)
        frames.append(frame.assign(output_type=otype))
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["name"])
    lines = None
    if text:
        starts = [data.count(b"\n", 0, m.start()) + 1 for m in _TRACK_START.finditer(data)]
        if len(starts) == len(combined):
            lines = pd.Series(starts, dtype="int64")
    return _without_padding(from_dataframe(combined, where), lines)


def from_output_metadata(metadata: Any, where: str = "<OutputMetadata>") -> Table:
    """The SDK's OutputMetadata object (what `dna_client.output_metadata()` returns)."""
    import pandas as pd

    frames = []
    for field in dataclasses.fields(metadata):
        frame = getattr(metadata, field.name)
        otype = field.metadata.get("output_type")
        if frame is not None and otype is not None:
            frames.append(frame.assign(output_type=otype.name))
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["name"])
    return _without_padding(from_dataframe(combined, where), None)


def is_output_metadata(obj: object) -> bool:
    return dataclasses.is_dataclass(obj) and type(obj).__name__ == "OutputMetadata"


def _without_padding(table: Table, lines: pd.Series | None) -> Table:
    frame = table.frame
    padding = frame["name"] == PADDING
    if "ontology_curie" in frame:
        padding &= frame["ontology_curie"] == ""
    kept = frame[~padding]
    keep_lines = lines[~padding.to_numpy()] if lines is not None else None
    return Table(table.path, kept, keep_lines, table.findings)
