"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(text_or_bytes, name='table.tsv') -> path of a new file under tmp_path."""

    def _write(content: str | bytes, name: str = "table.tsv") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True, scope="session")
def _private_index_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled ontology indexes go to a directory of this test run, never the user's cache; the
    pytest-xdist workers share it (builds are locked per index), so each index is built once."""
    import os

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    cache = shared / "trackmeta-cache"
    cache.mkdir(exist_ok=True)
    os.environ["TRACKMETA_CACHE_DIR"] = str(cache)
