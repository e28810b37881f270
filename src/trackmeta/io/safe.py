"""Reading inputs and writing outputs without harm: only regular files are read, decompression is
bounded, and an output never lands on an input.

Every failure here is a `Failure` naming the path and the real cause (a FIFO, a symlink loop, a
gzip that expands past the limit), never an exception that reaches the user.
"""

from __future__ import annotations

import os
import re
import stat
import zlib
from collections.abc import Iterable
from pathlib import Path

from trackmeta.findings import Failure
from trackmeta.limits import DEFAULT_MAX_BYTES
from trackmeta.sidefiles import Unreadable, read_regular

_CHUNK = 1 << 20


class InputError(Exception):
    """An input that cannot be read safely; carries a Failure naming it."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def read_bytes(path: Path, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """A regular file's bytes, gunzipped when it is gzip, at most `limit` bytes either way."""
    data = read_file(path, limit)
    return gunzip(data, str(path), limit) if is_gzip(data) else data


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def read_file(path: Path, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """A regular file's bytes as stored (compressed or not), at most `limit` of them."""
    where = str(path)
    try:
        data = read_regular(path, limit)
    except Unreadable as exc:
        raise InputError(Failure(str(exc), where)) from None
    if len(data) > limit:
        raise InputError(Failure(_too_big(limit, "the file is larger"), where))
    return data


def gunzip(data: bytes, where: str, limit: int) -> bytes:
    """Decompress every gzip member, stopping with a Failure once the output passes `limit`.
    Input is fed in bounded pieces, so no call copies the rest of a large file (a file of many
    members stops at the limit in the time its output takes)."""
    out = bytearray()
    view = memoryview(data)
    position = _next_member(data, 0)
    while position < len(data):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while not inflater.eof and position < len(data):
                pending: bytes | memoryview = view[position:position + _CHUNK]
                position += len(pending)
                while pending and not inflater.eof:
                    out += inflater.decompress(pending, _CHUNK)
                    if len(out) > limit:
                        raise InputError(Failure(_too_big(limit, "it decompresses to more"), where))
                    pending = inflater.unconsumed_tail
            if not inflater.eof:
                raise InputError(Failure("corrupt gzip data: the stream ends early", where))
        except zlib.error as exc:
            raise InputError(Failure(f"corrupt gzip data: {exc}", where)) from None
        position = _next_member(data, position - len(inflater.unused_data))
    return bytes(out)


_NOT_NUL = re.compile(rb"[^\0]")


def _next_member(data: bytes, position: int) -> int:
    """Past the NUL padding that may separate members (gzip -c a b; tape blocks)."""
    found = _NOT_NUL.search(data, position)
    return found.start() if found is not None else len(data)


def _too_big(limit: int, what: str) -> str:
    return (f"input too large: {what} than the limit of {limit:,} bytes; raise it with "
            "--max-input-size (e.g. 4G) if the input is genuine")


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (symlinks, `..`, hard links)."""
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except OSError:
        return False


def output_problem(output: Path, inputs: Iterable[Path], what: str = "the report") -> str | None:
    """Why writing `output` would harm an input (None when it would not)."""
    for given in inputs:
        candidates = ([p for p in given.iterdir() if p.is_file()] if given.is_dir() else [given])
        for candidate in candidates:
            if same_file(output, candidate):
                return (f"refusing to write {what} to {output}: it is the input "
                        f"{candidate}; trackmeta never writes an input")
    if output.is_dir() and what == "the report":
        return f"cannot write {what} to {output}: it is a directory"
    return None


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic_text(path: Path, text: str) -> None:
    """Write a new file beside `path` and rename it into place: a reader never sees half a
    report, and an interrupted run leaves the old file whole."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes, mode_of: Path | None = None) -> None:
    """As write_atomic_text. A device or FIFO (`-o /dev/stdout`, `/dev/null`) is written to, never
    replaced; a symlink is followed, so the file it names gets the new content. The file keeps
    the mode it had (or `mode_of`'s: a backup is as readable as its original); a new one gets
    what the umask allows, as any program's new file does."""
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with path.open("wb") as out:
            out.write(data)
        return
    path = path.resolve() if path.is_symlink() else path
    directory = path.parent if str(path.parent) else Path(".")
    import tempfile  # only runs that write a file need it

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        # mkstemp makes 0600: a replaced file keeps its mode, a new one gets the umask's
        if mode_of is not None:
            mode = mode_of.stat().st_mode
        os.chmod(temporary, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:  # a full disk, a quota: named with the file it was writing
        Path(temporary).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
