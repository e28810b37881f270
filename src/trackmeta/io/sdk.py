"""The AlphaGenome SDK's own objects (extra `trackmeta[alphagenome]`): the `OutputMetadata` that
`dna_client.output_metadata()` returns, one DataFrame per output type, and the Atlas's
`scorer_metadata()`, one `ScorerMetadata` (a track table) per variant scorer. Official protobuf
files need no SDK: `io.proto` reads them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from trackmeta.io.table import Table, from_dataframe

if TYPE_CHECKING:
    import pandas as pd


def is_sdk_metadata(obj: object) -> bool:
    """The DnaClient's OutputMetadata, or the Atlas's scorer metadata (one or a mapping)."""
    return is_output_metadata(obj) or is_scorer_metadata(obj)


def describe(obj: object) -> str:
    return "the SDK's OutputMetadata" if is_output_metadata(obj) else "the Atlas's ScorerMetadata"


def from_sdk(metadata: Any) -> Table:
    """The SDK object as one table with an output_type column, one row per track."""
    import pandas as pd

    parts = [frame.assign(output_type=otype) for otype, frame in typed_frames(metadata)]
    combined = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["name"])
    return from_dataframe(combined, "<OutputMetadata>" if is_output_metadata(metadata)
                          else "<ScorerMetadata>")


def typed_frames(metadata: Any) -> Iterator[tuple[str, pd.DataFrame]]:
    """(output type, its track table) for each output type the object carries. Two Atlas
    scorers of one output type (RNA_SEQ and RNA_SEQ_ACTIVE) read the same tracks: each track is
    one row, as in the DnaClient's OutputMetadata."""
    if is_output_metadata(metadata):
        for field in dataclasses.fields(metadata):
            frame = getattr(metadata, field.name)
            otype = field.metadata.get("output_type")
            if frame is not None and otype is not None:
                yield otype.name, frame
        return
    import pandas as pd

    by_type: dict[str, list[pd.DataFrame]] = {}
    for _, otype, frame in scorer_frames(metadata):
        if len(frame.columns):
            by_type.setdefault(otype, []).append(frame)
    for otype, parts in by_type.items():
        yield otype, (parts[0] if len(parts) == 1 else
                      pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True))


def is_output_metadata(obj: object) -> bool:
    return dataclasses.is_dataclass(obj) and type(obj).__name__ == "OutputMetadata"


class ScorerError(ValueError):
    """A variant scorer whose output type cannot be told (a scorer the SDK does not know)."""


def is_scorer_metadata(obj: object) -> bool:
    """The Atlas's `ScorerMetadata`, or the mapping of them `AtlasClient.scorer_metadata()` gives."""
    if isinstance(obj, Mapping):
        return bool(obj) and all(_is_one_scorer(v) for v in obj.values())
    return _is_one_scorer(obj)


def _is_one_scorer(obj: object) -> bool:
    return dataclasses.is_dataclass(obj) and type(obj).__name__ == "ScorerMetadata"


def scorer_output_type(name: str) -> str:
    """The output type a variant scorer reads, as the SDK's recommended scorers declare it
    (RNA_SEQ_ACTIVE and POLYADENYLATION read RNA_SEQ tracks)."""
    from alphagenome.models import variant_scorers

    scorer = variant_scorers.RECOMMENDED_VARIANT_SCORERS.get(name)
    output = getattr(scorer, "requested_output", None)
    if output is None:
        raise ScorerError(f"variant scorer {name!r} is not one the AlphaGenome SDK declares, so "
                          "its output type is unknown; check its .track_metadata with "
                          "output_type=")
    return str(output.name)


def scorer_frames(metadata: Any) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(scorer, output type, track table) for each scorer, in the order given."""
    scorers = metadata.values() if isinstance(metadata, Mapping) else [metadata]
    for scorer in scorers:
        yield scorer.name, scorer_output_type(scorer.name), scorer.track_metadata


# Every AtlasClient request and its scorer_metadata() name this organism (atlas.py in the SDK):
# the Atlas serves human variant scores only.
ATLAS_ORGANISM = "ORGANISM_HOMO_SAPIENS"
