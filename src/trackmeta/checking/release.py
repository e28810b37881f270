"""Release-level checks: Table 1 counts (TM403, TM404) and the release manifest (TM401, TM402)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackmeta.findings import Failure, Finding
from trackmeta.rules import rule
from trackmeta.specs.model import OrganismSpec, Specs, parse_resolution

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


MANIFEST_KEYS = ("release", "organism", "output_types", "description")
TYPE_KEYS = ("units", "resolution")


@dataclass(frozen=True)
class Manifest:
    """A release directory's manifest.yaml: the organism it declares, and what it says about each
    output type's units and resolution compared with the specs."""

    path: Path
    organism: OrganismSpec | None
    findings: tuple[Finding, ...]
    failures: tuple[Failure, ...]

    @classmethod
    def read(cls, path: Path, specs: Specs) -> Manifest:
        import yaml  # only releases with a manifest pay for it

        from trackmeta.sidefiles import SideFileError, compose_yaml

        where = str(path)
        try:
            root = compose_yaml(path, "release manifest")
        except SideFileError as exc:
            return cls(path, None, (), (Failure(str(exc).removeprefix(f"{where}: "), where),))
        keys = _line_index(root) if root is not None else {}
        stray = [(line, key) for key, (line, _) in keys.items() if key not in MANIFEST_KEYS]
        if stray:
            line, key = stray[0]
            return cls(path, None, (), (Failure(
                f"manifest key {key!r} is not one of {', '.join(MANIFEST_KEYS)}", where,
                line=line, column=key),))
        organism: OrganismSpec | None = None
        if "organism" in keys:
            line, node = keys["organism"]
            named = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
            organism = specs.find_organism(named)
            if organism is None:
                choices = ", ".join(specs.organisms)
                return cls(path, None, (), (Failure(
                    f"manifest declares unknown organism {named!r}; choose from {choices}",
                    where, line=line, column="organism"),))
        types = keys.get("output_types")
        if types is None:
            return cls(path, organism, (), ())  # a manifest may declare the organism alone
        if not isinstance(types[1], yaml.MappingNode):
            return cls(path, organism, (), (Failure(
                "output_types must be a mapping `output_types: {TYPE: {units, resolution}}`",
                where, line=types[0], column="output_types"),))
        shape = _shape_problem(types[1])
        if shape is not None:
            return cls(path, organism, (), (Failure(shape[1], where, line=shape[0]),))
        return cls(path, organism, tuple(_type_findings(types[1], where, specs)), ())


def _shape_problem(types: yaml.MappingNode) -> tuple[int, str] | None:
    """Where the output types mapping is not {TYPE: {units, resolution}}: the line and why."""
    import yaml

    for name, (line, node) in _line_index(types).items():
        if not isinstance(node, yaml.MappingNode):
            return line, f"output_types.{name} must be a mapping {{units, resolution}}"
        for key, (key_line, value) in _line_index(node).items():
            if key not in TYPE_KEYS:
                return key_line, (f"manifest key output_types.{name}.{key} is not one of "
                                  f"{', '.join(TYPE_KEYS)}")
            if not isinstance(value, yaml.ScalarNode):
                return key_line, f"output_types.{name}.{key} must be a single value"
    return None


def _type_findings(types: yaml.MappingNode, where: str, specs: Specs) -> Iterator[Finding]:
    import yaml

    for name, (line, node) in _line_index(types).items():
        spec = specs.known_output_types.get(name.removeprefix("OutputType."))
        if spec is None:
            closest = specs.closest_output_type(name)
            yield rule("TM005").finding(
                f"manifest names unknown output type {name!r}"
                + (f"; did you mean {closest}?" if closest else ""),
                value=name, line=line, path=where, fix=closest)
            continue
        for key, (key_line, value) in _line_index(node).items():
            raw = str(value.value) if isinstance(value, yaml.ScalarNode) else ""
            if key == "units" and raw != spec.units:
                yield rule("TM401").finding(
                    f"manifest declares {spec.name} in {raw!r}; Table 1 says {spec.units!r}",
                    column="units", value=raw, expected=spec.units, fix=spec.units,
                    line=key_line, path=where)
            if key == "resolution" and parse_resolution(raw) != spec.resolution_bp:
                want = f"{spec.resolution_bp}bp"
                yield rule("TM402").finding(
                    f"manifest declares {spec.name} at {raw!r}; Table 1 says {want}",
                    column="resolution", value=raw, expected=want, fix=want, line=key_line,
                    path=where)
