"""Settings: defaults < configuration file < flags, resolved once into one frozen object that
every command receives, each value with where it came from (`trackmeta config` prints them).

The configuration is `trackmeta.toml`, or `[tool.trackmeta]` in `pyproject.toml`, in the working
directory or the nearest parent that has one (as ruff finds its own). Paths in it are relative to
the file. Unknown keys and bad values are the tool failing (SettingsError, exit 2), naming the
key, the file and the line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trackmeta.findings import Severity
from trackmeta.limits import DEFAULT_MAX_BYTES, parse_size

CONFIG_FILES = ("trackmeta.toml", "pyproject.toml")
FAIL_ON = ("error", "warning", "info", "never")
# The canonical name of the organism a user named; raises ValueError naming the choices.
OrganismLookup = Callable[[str], str]


class SettingsError(ValueError):
    """A configuration file or flag value trackmeta cannot use."""


@dataclass(frozen=True)
class Settings:
    """What a run is told to do. `sources` maps each setting to where its value came from."""

    select: tuple[str, ...] = ("TM",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: str = "error"
    organism: str | None = None
    baseline: Path | None = None
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> codes
    severity: Mapping[str, str] = field(default_factory=dict)  # rule code -> severity
    ontologies: Mapping[str, str] = field(default_factory=dict)  # prefix -> release file
    max_input_size: int = DEFAULT_MAX_BYTES
    config: Path | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    def check_options(self) -> dict[str, Any]:
        """The keywords of `trackmeta.check()` these settings stand for."""
        return {
            "select": (*self.select, *self.extend_select),
            "ignore": self.ignore,
            "fail_on": self.fail_on,
            "organism": self.organism,
            "baseline": self.baseline,
            "per_file_ignores": self.per_file_ignores,
            "severity": self.severity,
            "ontologies": self.ontologies,
            "max_input_bytes": self.max_input_size,
            "sources": dict(self.sources),
        }

    def describe(self) -> list[tuple[str, str, str]]:
        """(key, value, source) of every setting, for `trackmeta config`."""
        out = []
        for f in fields(self):
            if f.name in ("sources", "config"):
                continue
            key = f.name.replace("_", "-")
            out.append((key, _show(getattr(self, f.name)), self.sources.get(key, "default")))
        return out


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(value) or "(none)"
    if isinstance(value, Mapping):
        return "; ".join(f"{k} = {_show(v)}" for k, v in value.items()) or "(none)"
    return "(none)" if value is None else str(value)


def _working_directory() -> Path:
    """Where the run started; a working directory deleted meanwhile is the root (nothing above
    it configures the run, and paths given absolute still work)."""
    try:
        return Path.cwd().resolve()
    except FileNotFoundError:
        return Path("/nonexistent-working-directory")


def origin(sources: Mapping[str, str], key: str, value: object) -> str:
    """A setting as the user gave it, for an error about it: `--baseline x.json`, or
    `trackmeta.toml:3: baseline = 'x.json'`; `key` as a Python argument where neither."""
    where = sources.get(key)
    if where is None:
        return f"{key.replace('-', '_')}={str(value)!r}"
    if where.startswith("--"):
        return f"{where} {value}"
    return f"{where}: {key} = {str(value)!r}"


def find_config(start: Path) -> Path | None:
    """The nearest trackmeta.toml, or pyproject.toml with a [tool.trackmeta] table, from `start`
    upward; trackmeta.toml wins in a directory that has both. The search stops at the
    repository root (a directory holding .git), and before a directory or file another user
    owns (as git does): a shared /tmp or a parent someone else controls configures nothing.
    The starting directory is searched when no one else can write to it."""
    for directory in (start, *start.parents):
        if not _trusted(directory, start=directory == start):
            return None
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate if _trusted(candidate, start=False) else None
        if (directory / ".git").exists():
            return None
    return None


def _trusted(path: Path, start: bool) -> bool:
    """Owned by the user running trackmeta; or, for the starting directory, writable by no one
    else (a checkout another account made, read by a CI job running as root)."""
    if not hasattr(os, "geteuid"):
        return True
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == os.geteuid() or (start and not info.st_mode & 0o022)


def _has_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[tool\.trackmeta(\.|\])", text, re.MULTILINE) is not None


def _toml(path: Path) -> dict[str, Any]:
    from trackmeta.sidefiles import SideFileError, load_toml

    try:
        return load_toml(path, "configuration")
    except SideFileError as exc:
        raise SettingsError(str(exc)) from None


def _line_of(path: Path, key: str) -> int | None:
    """The line that sets `key` (TOML parsers keep no positions: found by its spelling)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    name = rf'("{re.escape(key)}"|{re.escape(key)})'
    pattern = re.compile(rf"^\s*{name}\s*=|^\s*\[(tool\.trackmeta\.)?{name}\]")
    inside = path.name != "pyproject.toml"  # in pyproject.toml, only [tool.trackmeta...] counts
    for number, line in enumerate(lines, 1):
        if path.name == "pyproject.toml" and line.lstrip().startswith("["):
            inside = line.lstrip().startswith("[tool.trackmeta")
        if inside and pattern.match(line):
            return number
    return None


def _codes(value: Any, where: str) -> tuple[str, ...]:
    from trackmeta.rules import RULES

    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{where}: expected a list of rule codes, e.g. [\"TM2\", \"TM301\"]")
    codes = tuple(v.strip().upper() for v in value if v.strip())
    for code in codes:
        if not any(r.startswith(code) for r in RULES):
            from trackmeta.words import did_you_mean

            raise SettingsError(f"{where}: no rule code starts with {code!r}"
                                f"{did_you_mean(code, RULES)}")
    return codes


def _organism(value: Any, where: str, organism_named: OrganismLookup) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"{where}: expected an organism name, e.g. \"mouse\"")
    try:
        return organism_named(value)
    except ValueError as exc:
        raise SettingsError(f"{where}: {exc}") from None


def _severity(value: Any, where: str) -> str:
    if isinstance(value, str):
        try:
            return str(Severity.parse(value))
        except ValueError:
            pass
    raise SettingsError(f"{where}: {value!r} is not a severity (error, warning, info)")


def _fail_on(value: Any, where: str) -> str:
    if value not in FAIL_ON:
        raise SettingsError(f"{where}: {value!r} is not one of {', '.join(FAIL_ON)}")
    return str(value)


def _size(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise SettingsError(f"{where}: expected a size such as \"500M\" or a number of bytes, "
                            f"not {value!r}")
    try:
        return value if isinstance(value, int) and value > 0 else parse_size(str(value))
    except ValueError as exc:
        raise SettingsError(f"{where}: {exc}") from None


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: expected a table")
    return value


def from_file(path: Path, organism_named: OrganismLookup) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings a configuration file gives, and where each came from."""
    document = _toml(path)
    if path.name == "pyproject.toml":
        document = document.get("tool", {}).get("trackmeta", {})
    base = path.parent
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, value in document.items():
        line = _line_of(path, key)
        where = f"{path}:{line}" if line else str(path)
        label = f"{where}: {key}"
        if key == "select":
            values["select"] = _codes(value, label)
        elif key == "ignore":
            values["ignore"] = _codes(value, label)
        elif key == "extend-select":
            values["extend_select"] = _codes(value, label)
        elif key == "fail-on":
            values["fail_on"] = _fail_on(value, label)
        elif key == "organism":
            values["organism"] = _organism(value, label, organism_named)
        elif key == "baseline":
            if not isinstance(value, str):
                raise SettingsError(f"{label}: expected a path")
            values["baseline"] = base / value
        elif key == "max-input-size":
            values["max_input_size"] = _size(value, label)
        elif key == "per-file-ignores":
            values["per_file_ignores"] = MappingProxyType({
                os.path.join(base, glob) if not os.path.isabs(glob) else glob:
                _codes(codes, f"{label}.{glob}")
                for glob, codes in _table(value, label).items()})
        elif key == "severity":
            from trackmeta.rules import RULES

            overrides = {}
            for code, severity in _table(value, label).items():
                if code.upper() not in RULES:
                    raise SettingsError(f"{label}: {code!r} is not a rule code")
                overrides[code.upper()] = _severity(severity, f"{label}.{code}")
            values["severity"] = MappingProxyType(overrides)
        elif key == "ontologies":
            releases = _table(value, label)
            wrong = next((p for p, r in releases.items() if not isinstance(r, str) or not r), None)
            if wrong is not None:
                raise SettingsError(f"{label}.{wrong}: expected a release file path or "
                                    f"\"pulled\", not {releases[wrong]!r}")
            values["ontologies"] = MappingProxyType({
                prefix: (release if release == "pulled" else str(base / release))
                for prefix, release in releases.items()})
            sources.update({f"ontologies.{prefix}": f"{where}: ontologies.{prefix}"
                            for prefix in releases})
        else:
            known = ", ".join(sorted(("select", "ignore", "extend-select", "fail-on", "organism",
                                      "baseline", "per-file-ignores", "severity", "ontologies",
                                      "max-input-size")))
            raise SettingsError(f"{label}: unknown key (known: {known})")
        sources[key] = where
    return values, sources


def resolve(flags: Mapping[str, Any], organism_named: OrganismLookup, config: Path | None = None,
            isolated: bool = False, cwd: Path | None = None) -> Settings:
    """Defaults, then the configuration file (found upward unless given or `isolated`), then the
    flags that were given (None: not given). `organism_named` is the specs' answer to an
    organism name (core knows no specs)."""
    path = None if isolated else (config or find_config(cwd or _working_directory()))
    if config is not None and not config.is_file():
        raise SettingsError(f"--config {config}: no such file")
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if path is not None:
        values, sources = from_file(path, organism_named)
    for name, value in flags.items():
        if value is None:
            continue
        key = name.replace("_", "-")
        if name == "ontologies":  # per prefix: a flag overrides the configured release
            value = MappingProxyType({**values.get(name, {}), **value})
        values[name] = value
        sources[key] = f"--{key}" if name != "ontologies" else "--ontology"
        if name == "ontologies":
            sources.update({f"ontologies.{prefix}": f"--ontology {prefix}" for prefix in flags[name]})
    return replace(Settings(), **values, config=path, sources=MappingProxyType(sources))


def parse_codes(text: str) -> tuple[str, ...]:
    """A --select/--ignore value: comma-separated code prefixes (checked against the rules)."""
    return _codes(text, "the option")


def globs_match(path: str, patterns: Sequence[str]) -> bool:
    import fnmatch

    absolute = os.path.abspath(path)
    return any(fnmatch.fnmatch(absolute, p) or fnmatch.fnmatch(path, p) for p in patterns)
