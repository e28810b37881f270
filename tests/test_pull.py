"""`trackmeta ontologies pull` against a local HTTP server on 127.0.0.1 (no real network)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import FIXTURES
from trackmeta.cli import main
from trackmeta.ontology import pull as pull_module
from trackmeta.specs.model import default_specs

CL_MINI = FIXTURES / "ontologies" / "cl-mini.obo"
PURL_PATH = "obo/cl/releases/2022-11-25/cl-basic.obo"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server serving tmp_path/www; yields (base URL, document root)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=lambda: httpd.serve_forever(poll_interval=0.02), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKMETA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def pin_to(monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    """Pin CL's pull declaration to `content`'s checksum."""
    specs = default_specs()
    decl = specs.ontologies["CL"]
    assert decl.pull is not None
    pinned = dataclasses.replace(
        decl, pull=dataclasses.replace(decl.pull, sha256=hashlib.sha256(content).hexdigest()))
    monkeypatch.setattr("trackmeta.specs.model.default_specs",
                        lambda: dataclasses.replace(specs, ontologies={**specs.ontologies, "CL": pinned}))


def serve(root: Path, content: bytes) -> None:
    target = root / PURL_PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(content)


def test_pull_verifies_locks_and_is_used(
    server: tuple[str, Path], cache: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, root = server
    content = CL_MINI.read_bytes()
    serve(root, content)
    pin_to(monkeypatch, content)
    assert main(["ontologies", "pull", "CL", "--mirror", base]) == 0
    lock = pull_module.read_lock()
    assert lock["CL"]["version"] == "2022-11-25"
    assert lock["CL"]["url"] == f"{base}/{PURL_PATH}"
    assert Path(lock["CL"]["path"]).read_bytes() == content
    capsys.readouterr()
    assert main(["resolve", "CL:0000375", "--ontology", "CL=pulled"]) == 1
    out = capsys.readouterr().out
    assert "replaced by CL:0007010" in out and "cl-basic.obo" in out
    # the pulled file is verified on every use: a damaged one is exit 2, never used
    Path(lock["CL"]["path"]).write_bytes(content + b"\n! tampered\n")
    assert main(["resolve", "CL:0000375", "--ontology", "CL=pulled"]) == 2
    assert "no longer matches its sha256" in capsys.readouterr().err


def test_checksum_mismatch_is_exit_2_and_caches_nothing(
    server: tuple[str, Path], cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, root = server
    serve(root, CL_MINI.read_bytes())  # not the pinned cl-basic release
    assert main(["ontologies", "pull", "CL", "--mirror", base]) == 2
    assert "differs from the pinned" in capsys.readouterr().err
    assert not (cache / "releases" / "lock.json").exists()
    assert list((cache / "releases").iterdir()) == []


def test_download_failure_is_exit_2(
    server: tuple[str, Path], cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    assert main(["ontologies", "pull", "CL", "--mirror", base]) == 2
    assert "download failed" in capsys.readouterr().err


def test_using_an_unpulled_release_is_exit_2(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resolve", "CL:0000084", "--ontology", "CL=pulled"]) == 2
    assert "trackmeta ontologies pull CL" in capsys.readouterr().err


def test_prefix_without_a_pullable_release(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ontologies", "pull", "UBERON"]) == 2
    assert "no pullable release" in capsys.readouterr().err
