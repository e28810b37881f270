"""The user cache directory, and atomic writes into it. A cache only ever costs speed: a file that
cannot be written is skipped, and one that fails its checks is rebuilt."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """$TRACKMETA_CACHE_DIR, else $XDG_CACHE_HOME/trackmeta, else ~/.cache/trackmeta."""
    explicit = os.environ.get("TRACKMETA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trackmeta"


def write_atomic(path: Path, data: bytes) -> None:
    """Write whole or not at all; a read-only or full cache is silently skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    except OSError:
        pass
