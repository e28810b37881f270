"""Round two: hostile side files (configuration, baseline, release manifest). Each must stop the
run with exit 2, naming the file, and the line and key where there is one; never an internal
error, a hang, a huge read or silent acceptance."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import VALID


@dataclass(frozen=True)
class Side:
    name: str
    make: Callable[[Path], tuple[str, ...]]  # writes the project, returns the check arguments
    says: str  # a substring of stderr


def _config(text: str) -> Callable[[Path], tuple[str, ...]]:
    def make(root: Path) -> tuple[str, ...]:
        (root / "tracks.tsv").write_text(VALID.read_text())
        (root / "trackmeta.toml").write_text(text)
        return ("tracks.tsv",)

    return make


def _baseline(write: Callable[[Path], None]) -> Callable[[Path], tuple[str, ...]]:
    def make(root: Path) -> tuple[str, ...]:
        (root / "tracks.tsv").write_text(VALID.read_text())
        write(root / "baseline.json")
        return ("tracks.tsv", "--baseline", "baseline.json")

    return make


def _manifest(write: Callable[[Path], None]) -> Callable[[Path], tuple[str, ...]]:
    def make(root: Path) -> tuple[str, ...]:
        release = root / "release"
        release.mkdir()
        (release / "tracks.tsv").write_text(VALID.read_text())
        write(release / "manifest.yaml")
        return ("release",)

    return make


def _text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text) and None


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _broken(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.yaml")


_ENTRY = ('{"code": "TM104", "file": "tracks.tsv", "track": null, "column": "name", '
          '"value": "x", "count": %s}')

SIDE_FILES = [
    Side("config max-input-size = true", _config("max-input-size = true\n"),
         "trackmeta.toml:1: max-input-size: expected a size"),
    Side("config max-input-size = inf", _config("max-input-size = inf\n"),
         "trackmeta.toml:1: max-input-size: the configuration holds inf, which is not a finite number"),
    Side("config ontologies value a number", _config("[ontologies]\nCL = 5\n"),
         "trackmeta.toml:1: ontologies.CL: expected a release file path"),
    Side("config ontologies value a list", _config('[ontologies]\nCL = ["a", "b"]\n'),
         "ontologies.CL: expected a release file path"),
    Side("config 3,000-deep array", _config("select = " + "[" * 3000 + "]" * 3000 + "\n"),
         "trackmeta.toml:1: the configuration nests deeper than 32 levels"),
    Side("baseline 10,000-deep JSON", _baseline(_text("[" * 10000 + "]" * 10000)),
         "baseline.json: the baseline nests too deeply"),
    Side("baseline entries: 5", _baseline(_text('{"trackmeta_baseline": 1, "entries": 5}')),
         "baseline.json: entries: expected a list of entries"),
    Side("baseline count 1e400", _baseline(_text(
        '{"trackmeta_baseline": 1, "entries": [' + _ENTRY % "1e400" + "]}")),
         "baseline.json: the baseline holds 1e400, which is not a finite number"),
    Side("baseline count true", _baseline(_text(
        '{"trackmeta_baseline": 1, "entries": [' + _ENTRY % "true" + "]}")),
         "entry 1: count must be a whole number"),
    Side("baseline a FIFO", _baseline(_fifo), "baseline.json: the baseline cannot be read: "
         "a FIFO (named pipe), not a regular file"),
    Side("baseline /dev/zero", _baseline(_dev_zero), "a character device, not a regular file"),
    Side("manifest output types a sequence", _manifest(_text("output_types: [RNA_SEQ]\n")),
         "output_types must be a mapping"),
    Side("manifest repeats a key", _manifest(_text(
        "output_types:\n  CAGE: {units: Normalized read signal}\n"
        "  CAGE: {units: Normalized read signal}\n")),
         "manifest.yaml:3: the release manifest gives 'CAGE' twice (first at line 2)"),
    Side("manifest misspells a nested key", _manifest(_text(
        "output_types:\n  CAGE:\n    unit: Normalized read signal\n")),
         "manifest key output_types.CAGE.unit is not one of units, resolution"),
    Side("manifest a broken symlink", _manifest(_broken), "broken symlink to"),
]
