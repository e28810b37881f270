"""The AlphaGenome SDK's own objects (extra `trackmeta[alphagenome]`): the `OutputMetadata` that
`dna_client.output_metadata()` returns, one DataFrame per output type. Official protobuf files
need no SDK: `io.proto` reads them."""

from __future__ import annotations

import dataclasses
from typing import Any

from trackmeta.io.table import Table, from_dataframe


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
