"""The official AlphaGenome metadata formats, through the `alphagenome` SDK (extra
`trackmeta[alphagenome]`): the MetadataResponse protobuf, as text or binary, and the SDK's
`OutputMetadata` object. Numeric ontology ids become zero-padded CURIEs and enums the table
values, as the SDK itself converts them; `Padding` tracks are not tracks."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from trackmeta.findings import Failure
from trackmeta.io.table import ReadError, Table, from_dataframe

EXTRA = "pip install 'trackmeta[alphagenome]'"
_TRACK_START = re.compile(rb"^(?P<open>\s*)metadata\s*\{", re.MULTILINE)


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


def parse_response(data: bytes, where: str, text: bool) -> Any:
    """The MetadataResponse in `data` (protobuf text or binary), refused when it is not one: an
    empty message or protobuf data of another kind never passes. Imports no pandas."""
    try:
        from alphagenome.protos import dna_model_service_pb2
        from google.protobuf import text_format
    except ImportError:
        raise ReadError(Failure(
            f"reading the AlphaGenome protobuf format needs the alphagenome SDK: {EXTRA}",
            where)) from None
    response = dna_model_service_pb2.MetadataResponse()
    try:
        if text:
            text_format.Parse(data.decode("utf-8"), response)
        else:
            response.ParseFromString(data)
    except Exception as exc:  # protobuf raises ParseError, DecodeError, UnicodeDecodeError
        raise ReadError(Failure(f"not an AlphaGenome MetadataResponse: {exc}", where)) from None
    if not response.output_metadata:
        raise ReadError(Failure(
            "not an AlphaGenome MetadataResponse: the message holds no output_metadata (an empty "
            "file, or protobuf data of another kind)", where))
    for number, block in enumerate(response.output_metadata, 1):
        if block.output_type == 0 or block.WhichOneof("payload") is None:
            raise ReadError(Failure(
                f"not an AlphaGenome MetadataResponse: output_metadata {number} has "
                f"{'no output type' if block.output_type == 0 else 'no tracks or junctions'} "
                "(protobuf data of another kind?)", where))
    return response


def read_proto(data: bytes, where: str, text: bool) -> Table:
    """A MetadataResponse as one table; findings of a textproto point at each track's line."""
    import pandas as pd

    response = parse_response(data, where, text)
    _, model_pb2, tracks_utils, junction_utils = _sdk(where)
    frames = []
    for block in response.output_metadata:
        payload = block.WhichOneof("payload")
        otype = model_pb2.OutputType.Name(block.output_type).removeprefix("OUTPUT_TYPE_")
        if payload == "junctions":
            frame = junction_utils.metadata_from_proto(block.junctions)
        else:
            frame = tracks_utils.metadata_from_proto(block.tracks)
        frames.append(frame.assign(output_type=otype))
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["name"])
    table = from_dataframe(combined, where)
    if text:
        starts = _track_lines(data)
        if len(starts) == len(combined):
            table.lines = pd.Series(starts, dtype="int64")
    return table


def _track_lines(data: bytes) -> list[int]:
    """The line of each track's `metadata {`, counting newlines once through the file."""
    starts: list[int] = []
    line, position = 1, 0
    for match in _TRACK_START.finditer(data):
        line += data.count(b"\n", position, match.start())
        position = match.start()
        starts.append(line + data.count(b"\n", match.start(), match.end("open")))
    return starts


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
    return from_dataframe(combined, where)


def is_output_metadata(obj: object) -> bool:
    return dataclasses.is_dataclass(obj) and type(obj).__name__ == "OutputMetadata"
