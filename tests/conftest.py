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
    """Compiled ontology indexes go to a session directory, never the user's cache."""
    import os

    os.environ["TRACKMETA_CACHE_DIR"] = str(tmp_path_factory.mktemp("trackmeta-cache"))
