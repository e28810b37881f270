"""The wheel carries schemas/ and ontologies/, and the installed package finds them there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import REPO


def test_wheel_bundles_the_specs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, check=False)
    if result.returncode != 0 and "hatchling" in result.stderr:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
             str(REPO)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"building the wheel failed: {result.stderr[-2000:]}")
    wheel = next(tmp_path.glob("trackmeta-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "trackmeta/_data/schemas/columns.yaml",
        "trackmeta/_data/schemas/output_types/rna_seq.yaml",
        "trackmeta/_data/schemas/meta/output_type.schema.json",
        "trackmeta/_data/schemas/report/report.schema.json",
        "trackmeta/_data/ontologies/gtex_tissues.yaml",
        "trackmeta/_data/ontologies/releases/cl.yaml",
        "trackmeta/cli/__init__.py",
        "trackmeta/_data/schemas/organisms/mouse.yaml",
    }
    assert expected <= names


def test_installed_package_reads_its_own_data() -> None:
    import trackmeta.resources as resources

    schemas = resources.data_dir("schemas")
    if "site-packages" in str(resources.__file__):
        assert schemas.parent.name == "_data"  # a wheel install, not the checkout
    assert (schemas / "columns.yaml").is_file()
