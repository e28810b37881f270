"""The user cache directory: an aid to speed, never a source of truth.

A cache only ever costs speed: a file that cannot be written is skipped, and one that fails its
checks is rebuilt. On a shared machine the cache may sit where others can write, so what is read
from it is trusted no further than the user's own files, as pip and git treat theirs: a directory
or entry owned by another user, a symbolic link, anything but a regular file, or a file larger
than its bound is not read (nor pruned, nor written through); entries are read whole into memory
(a file truncated while in use cannot crash the run), and every payload is sealed and its shape
checked by its reader.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

MAX_ENTRY = 256 << 20  # no cache file trackmeta writes comes near this


def cache_dir() -> Path:
    """$TRACKMETA_CACHE_DIR, else the platform's user cache directory (~/.cache/trackmeta on
    Linux, honouring $XDG_CACHE_HOME)."""
    explicit = os.environ.get("TRACKMETA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("trackmeta", appauthor=False))


def _mine(info: os.stat_result) -> bool:
    """Owned by the user running trackmeta (where the system has owners)."""
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


def trusted_dir(directory: Path) -> bool:
    """A directory of the cache that may be read and written: a real directory (no symbolic
    link) owned by the user, as is every directory between it and the cache root."""
    root = cache_dir()
    try:
        relative = directory.relative_to(root)
    except ValueError:
        return False
    current = root
    for part in ("", *relative.parts):
        current = current / part if part else current
        try:
            info = os.lstat(current)
        except OSError:
            return False
        if not stat.S_ISDIR(info.st_mode) or not _mine(info):
            return False
    return True


def _made_dir(directory: Path) -> bool:
    """The cache directory, made (private to the user) where missing; whether it can be used."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return trusted_dir(directory)


def read_entry(path: Path, limit: int = MAX_ENTRY) -> bytes | None:
    """The bytes of a cache entry the user can trust, or None: missing, or not a regular file
    of the user's in a directory of the user's, or larger than `limit`. Opened without following
    a symbolic link and without blocking (a FIFO in its place neither hangs nor is read)."""
    if not trusted_dir(path.parent):
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _mine(info) or info.st_size > limit:
            return None
        chunks, left = [], info.st_size + 1  # one byte more: a file that grew is refused
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def read_sealed(path: Path, limit: int = MAX_ENTRY) -> bytes | None:
    """The payload of a sealed entry the user can trust, or None (then it is rebuilt)."""
    data = read_entry(path, limit)
    return unsealed(data) if data is not None else None


def write_atomic(path: Path, data: bytes) -> None:
    """Write whole or not at all, only into a directory of the user's; a read-only, full or
    foreign cache is silently skipped."""
    import tempfile  # only runs that write a cache file need it

    if not _made_dir(path.parent):
        return
    partial: str | None = None
    try:
        fd, partial = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    except OSError:
        if partial is not None:
            Path(partial).unlink(missing_ok=True)


def prune(directory: Path, names: list[Path]) -> None:
    """Remove these entries of a directory of the user's: regular files of the user's only
    (never through a link, never another's)."""
    if not trusted_dir(directory):
        return
    for path in names:
        try:
            info = os.lstat(path)
            if path.parent == directory and stat.S_ISREG(info.st_mode) and _mine(info):
                path.unlink()
        except OSError:
            pass


def sealed(payload: bytes) -> bytes:
    """A cache file: the payload behind its own sha256, so that a damaged file is detected."""
    return hashlib.sha256(payload).digest() + payload


def unsealed(data: bytes) -> bytes | None:
    """The payload of a sealed cache file, or None when it does not verify."""
    digest, payload = data[:32], data[32:]
    if len(digest) < 32 or hashlib.sha256(payload).digest() != digest:
        return None
    return payload
