"""Side files (configuration, baselines, release manifests, lock files): the one loader that
bounds them. Only a regular file is read (a FIFO or /dev/zero is refused by name, before any
read), at most a few MiB of it, nested at most a few dozen levels; a key given twice, a number
that is not finite, or nesting past the bound is an error naming the file and the line.

Tables have their own reader (io/readers), bounded by --max-input-size; what is here is for the
small files that steer a run, where anything unusual is a mistake or an attack.
"""

from __future__ import annotations

import errno
import math
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

SIDE_MAX_BYTES = 16 << 20  # far above any real configuration, baseline or manifest
MAX_DEPTH = 32  # the deepest a side file may nest (a real one nests 4 or 5 levels)
_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


class SideFileError(ValueError):
    """A side file that cannot be used: exit 2, naming the file (and the line, where known)."""


class Unreadable(ValueError):
    """Why a path cannot be read as a regular file (the message names the cause, not the path)."""


def describe_unreadable(path: Path) -> str | None:
    """Why `path` is not a regular file to read (None when it is one)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop: the link resolves to itself"
        if path.is_symlink():
            return f"broken symlink to {os.readlink(path)!r}"
        if exc.errno == errno.ENOENT:
            return "no such file or directory"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return f"{kind}, not a regular file: only regular files (and - for stdin) are read"


def read_regular(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most `limit` + 1 of them (more than `limit`: the caller says
    it is too large); raises Unreadable with the cause. Opened without blocking (a FIFO swapped
    in after the check cannot hang the run), then checked again on the open file."""
    problem = describe_unreadable(path)
    if problem is not None:
        raise Unreadable(problem)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise Unreadable("not a regular file")
            return handle.read(limit + 1)
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None


def read_text(path: Path, what: str, limit: int = SIDE_MAX_BYTES) -> str:
    try:
        data = read_regular(path, limit)
    except Unreadable as exc:
        raise SideFileError(f"{path}: the {what} cannot be read: {exc}") from None
    if len(data) > limit:
        raise SideFileError(f"{path}: the {what} is larger than {limit:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SideFileError(f"{path}:{line}: the {what} is not UTF-8") from None


def _bounded(text: str, path: Path, what: str) -> None:
    """Refuse brackets (outside strings) nested past MAX_DEPTH, naming the line: measured before
    a recursive parser sees the text. For the small files only."""
    depth = 0
    quote = ""
    line = 1
    escaped = False
    for ch in text:
        if ch == "\n":
            line += 1
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise SideFileError(
                    f"{path}:{line}: the {what} nests deeper than {MAX_DEPTH} levels")
        elif ch in "]}":
            depth -= 1


def load_toml(path: Path, what: str) -> dict[str, Any]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    text = read_text(path, what)
    _bounded(text, path, what)
    try:
        return tomllib.loads(text, parse_float=_finite(path, what, text))
    except SideFileError:
        raise
    except tomllib.TOMLDecodeError as exc:
        raise SideFileError(f"{path}: the {what} is not valid TOML: {exc}") from None


BASELINE_MAX_BYTES = 1 << 30  # a baseline grows with the release: a million findings fit


def load_json(path: Path, what: str, limit: int = SIDE_MAX_BYTES) -> Any:
    import json

    text = read_text(path, what, limit)
    try:  # the C decoder nests fast and stops at the recursion limit
        return json.loads(text, parse_float=_finite(path, what, text), parse_constant=_finite(
            path, what, text), object_pairs_hook=_unique_pairs(path, what))
    except SideFileError:
        raise
    except json.JSONDecodeError as exc:
        raise SideFileError(f"{path}:{exc.lineno}: the {what} is not valid JSON: {exc.msg}"
                            ) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise SideFileError(f"{path}: the {what} cannot be read: {exc}") from None
    except RecursionError:
        raise SideFileError(f"{path}: the {what} nests too deeply to be one") from None


def compose_yaml(path: Path, what: str) -> yaml.Node | None:
    """The YAML document's node tree (positions kept, so checks can name lines), composed with
    the safe loader, with a key given twice in one mapping refused."""
    import yaml

    text = read_text(path, what, 1 << 20)
    _bounded(text, path, what)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise SideFileError(f"{path}: the {what} is not valid YAML: {exc}") from None
    except RecursionError:
        raise SideFileError(f"{path}: the {what} nests deeper than {MAX_DEPTH} levels") from None
    if node is not None:
        _refuse_repeats(node, path, what)
    return node


def _refuse_repeats(node: yaml.Node, path: Path, what: str) -> None:
    import yaml

    stack, seen_nodes = [node], set()
    while stack:  # each node once: an alias repeats a node, it adds no work (no alias bomb)
        current = stack.pop()
        if id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                name = str(key.value)
                if name in seen:
                    raise SideFileError(
                        f"{path}:{key.start_mark.line + 1}: the {what} gives {name!r} twice "
                        f"(first at line {seen[name]}); which one is meant is not certain")
                seen[name] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _finite(path: Path, what: str, document: str = "") -> Any:
    """A number parser that refuses what is not finite (1e400, NaN, Infinity), naming the line
    and key where the document shows them."""

    def parse(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            where = _line_and_key(document, text)
            raise SideFileError(f"{path}{where}: the {what} holds {text}, which is not a finite "
                                "number")
        return value

    return parse


def _line_and_key(document: str, token: str) -> str:
    """':LINE: KEY' of the first `KEY = TOKEN` or `"KEY": TOKEN` in the document, or ''."""
    import re

    pattern = re.compile(rf"""^\s*"?([\w.-]+)"?\s*[=:]\s*{re.escape(token)}\s*,?\s*$""")
    for number, line in enumerate(document.splitlines(), 1):
        found = pattern.match(line)
        if found:
            return f":{number}: {found.group(1)}"
    return ""


def _unique_pairs(path: Path, what: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in items:
            if key in found:
                raise SideFileError(f"{path}: the {what} gives {key!r} twice in one object")
            found[key] = value
        return found

    return pairs
