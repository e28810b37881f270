"""The user cache directory, and atomic writes into it. A cache only ever costs speed: a file that
cannot be written is skipped, and one that fails its checks is rebuilt."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_dir() -> Path:
    """$TRACKMETA_CACHE_DIR, else the platform's user cache directory (~/.cache/trackmeta on
    Linux, honouring $XDG_CACHE_HOME)."""
    explicit = os.environ.get("TRACKMETA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("trackmeta", appauthor=False))


def write_atomic(path: Path, data: bytes) -> None:
    """Write whole or not at all; a read-only or full cache is silently skipped."""
    import tempfile  # only runs that write a cache file need it

    partial: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    except OSError:
        if partial is not None:
            Path(partial).unlink(missing_ok=True)


def sealed(payload: bytes) -> bytes:
    """A cache file: the payload behind its own sha256, so that a damaged file is detected."""
    return hashlib.sha256(payload).digest() + payload


def unsealed(data: bytes) -> bytes | None:
    """The payload of a sealed cache file, or None when it does not verify."""
    digest, payload = data[:32], data[32:]
    if len(digest) < 32 or hashlib.sha256(payload).digest() != digest:
        return None
    return payload
