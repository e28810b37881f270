"""A corpus of bad inputs, one maker per class of trouble: each writes its input under a
directory and says what trackmeta must do with it. Large inputs (a gzip bomb) are made, not
stored."""

from __future__ import annotations

import gzip
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import VALID

VALID_TEXT = VALID.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Bad:
    name: str
    make: Callable[[Path], Path]  # writes the input under a directory, returns the path to check
    exit_code: int  # 2: trackmeta refuses it; 1: findings
    says: str  # what the failure or a finding says (a substring)
    args: tuple[str, ...] = ()


def _file(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(root: Path) -> Path:
        path = root / name
        path.write_bytes(data)
        return path

    return make


def _fifo(root: Path) -> Path:
    path = root / "x.tsv"
    os.mkfifo(path)
    return path


def _socket(root: Path) -> Path:
    path = root / "s.tsv"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def _dangling(root: Path) -> Path:
    release = root / "release"
    release.mkdir()
    (release / "tracks.tsv").write_text(VALID_TEXT)
    (release / "gone.tsv").symlink_to(root / "nowhere.tsv")
    return release


def _loop(root: Path) -> Path:
    release = root / "release"
    release.mkdir()
    (release / "tracks.tsv").write_text(VALID_TEXT)
    (release / "loop.tsv").symlink_to(release / "loop.tsv")
    return release


def _deep_manifest(root: Path) -> Path:
    release = root / "release"
    release.mkdir()
    (release / "tracks.tsv").write_text(VALID_TEXT)
    (release / "manifest.yaml").write_text("output_types: " + "[" * 5000 + "]" * 5000 + "\n")
    return release


def _bomb(root: Path) -> Path:
    path = root / "bomb.tsv.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        block = b"\0" * (1 << 20)
        for _ in range(64):
            out.write(block)
    return path


def _unrelated_pb(root: Path) -> Path:
    from google.protobuf import descriptor_pb2

    message = descriptor_pb2.FileDescriptorProto(name="x.proto", package="pkg")
    message.message_type.add(name="M")
    path = root / "other.pb"
    path.write_bytes(message.SerializeToString())
    return path


LATE_NUL = VALID_TEXT.encode() + b"x" * 70_000 + b"\0tail\n"

CORPUS = [
    Bad("fifo", _fifo, 2, "a FIFO (named pipe), not a regular file"),
    Bad("device", lambda root: Path("/dev/null"), 2, "a character device"),
    Bad("socket", _socket, 2, "a socket, not a regular file"),
    Bad("dangling symlink in a release", _dangling, 2, "broken symlink to"),
    Bad("symlink loop in a release", _loop, 2, "symlink loop"),
    Bad("manifest nested 5,000 levels", _deep_manifest, 2, "nests deeper than 32 levels"),
    Bad("gzip bomb", _bomb, 2, "input too large: it decompresses to more than the limit of "
        "1,048,576 bytes", ("--max-input-size", "1M")),
    Bad("corrupt gzip", _file("c.tsv.gz", gzip.compress(VALID_TEXT.encode())[:-20]), 2,
        "corrupt gzip data"),
    Bad("empty .pb", _file("empty.pb", b""), 2, "holds no output_metadata"),
    Bad("unrelated protobuf", _unrelated_pb, 2, "not an AlphaGenome MetadataResponse"),
    Bad("NUL past 64 KiB", _file("nul.tsv", LATE_NUL), 2, "NUL byte at line 27"),
    Bad("UTF-16 with BOM", _file("u16.tsv", VALID_TEXT.encode("utf-16")), 2,
        "UTF-16 (little-endian), by its byte order mark"),
    Bad("UTF-16 without BOM", _file("u16be.tsv", VALID_TEXT.encode("utf-16-be")), 2,
        "UTF-16 (big-endian), by its NUL pattern"),
    Bad("UTF-32", _file("u32.tsv", VALID_TEXT.encode("utf-32")), 2, "UTF-32 (little-endian)"),
    Bad("Latin-1", _file("l1.tsv", VALID_TEXT.replace("T-cell", "T-cellé", 1).encode("latin-1")),
        2, "not UTF-8: byte 0xe9 at line 2"),
    Bad("unbalanced quote", _file("q.tsv", (VALID_TEXT.replace("motor neuron", '"motor neuron', 1)
                                            ).encode()), 2,
        "unbalanced quote: the record that starts at line 3"),
    Bad("empty file", _file("e.tsv", b""), 2, "file is empty"),
    Bad("header only", _file("h.tsv", VALID_TEXT.splitlines(True)[0].encode()), 1,
        "TM006"),
    Bad("trailing delimiter", _file("t.tsv", "".join(line.rstrip("\n") + "\t\n" for line in
                                                     VALID_TEXT.splitlines(True)).encode()),
        1, "TM010"),
    Bad("empty selection", lambda root: VALID, 2, "runs no rule", ("--select", "")),
    Bad("missing file", lambda root: root / "absent.tsv", 2, "no such file or directory"),
]
