"""Release-level checks: Table 1 counts (TM403, TM404) and the release manifest (TM401, TM402)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackmeta.findings import Failure, Finding
from trackmeta.rules import rule
from trackmeta.schema import parse_resolution
from trackmeta.specs import Specs

if TYPE_CHECKING:
    import yaml


@dataclass(frozen=True)
class Count:
    """Tracks and distinct biosamples of one output type, beside what was expected."""

    output_type: str
    tracks: int
    biosamples: int
    expected_tracks: int
    expected_biosamples: int | None


def table1_findings(counts: list[Count]) -> Iterator[Finding]:
    for c in counts:
        if c.tracks != c.expected_tracks:
            yield rule("TM403").finding(
                f"{c.output_type} has {c.tracks} tracks; Table 1 says {c.expected_tracks}",
                column="output_type", value=str(c.tracks), expected=str(c.expected_tracks))
        if c.expected_biosamples is not None and c.biosamples != c.expected_biosamples:
            yield rule("TM404").finding(
                f"{c.output_type} has {c.biosamples} distinct biosamples; "
                f"Table 1 says {c.expected_biosamples}",
                column="ontology_curie", value=str(c.biosamples),
                expected=str(c.expected_biosamples))


def _line_index(node: yaml.Node) -> Mapping[str, tuple[int, Any]]:
    """Map keys of a YAML mapping node to (1-based line, value node)."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): (k.start_mark.line + 1, v) for k, v in node.value}


def manifest_findings(path: Path, specs: Specs) -> tuple[list[Finding], list[Failure]]:
    """Compare `output_types: {TYPE: {units, resolution}}` in a release manifest with the specs."""
    import yaml  # only releases with a manifest pay for it

    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [Failure(f"cannot read release manifest: {exc}", str(path))]
    types = _line_index(root).get("output_types") if root is not None else None
    if types is None or not isinstance(types[1], yaml.MappingNode):
        return [], [Failure("release manifest needs a mapping `output_types: {TYPE: {units, "
                            "resolution}}`", str(path), line=1)]
    findings: list[Finding] = []
    for name, (line, node) in _line_index(types[1]).items():
        spec = specs.output_type(name)
        if spec is None:
            findings.append(rule("TM005").finding(
                f"manifest names unknown output type {name!r}", value=name, line=line,
                path=str(path)))
            continue
        for key, (key_line, value) in _line_index(node).items():
            raw = str(value.value) if isinstance(value, yaml.ScalarNode) else ""
            if key == "units" and raw != spec.units:
                findings.append(rule("TM401").finding(
                    f"manifest declares {spec.name} in {raw!r}; Table 1 says {spec.units!r}",
                    column="units", value=raw, expected=spec.units, fix=spec.units,
                    line=key_line, path=str(path)))
            if key == "resolution" and parse_resolution(raw) != spec.resolution_bp:
                want = f"{spec.resolution_bp}bp"
                findings.append(rule("TM402").finding(
                    f"manifest declares {spec.name} at {raw!r}; Table 1 says {want}",
                    column="resolution", value=raw, expected=want, fix=want, line=key_line,
                    path=str(path)))
    return findings, []
