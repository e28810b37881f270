"""`trackmeta ontologies pull` against a local HTTP server on 127.0.0.1 (no real network)."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import FIXTURES
from trackmeta.cli import main
from trackmeta.ontology import pull as pull_module
from trackmeta.specs.model import default_specs

CL_MINI = FIXTURES / "ontologies" / "cl-mini.obo"
PINNED_PATH = "obo/cl/releases/2026-03-26/cl-basic.obo"
OLDER_PATH = "obo/cl/releases/2022-11-25/cl-basic.obo"


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


def serve(root: Path, path: str, content: bytes) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def release(version: str) -> bytes:
    """The mini CL fixture, declaring `version` as a release does."""
    return re.sub(r"(?m)^data-version: .*$", f"data-version: releases/{version}",
                  CL_MINI.read_text()).encode()


def test_the_default_pull_is_the_pinned_release_locked_on_first_pull(
    server: tuple[str, Path], cache: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    base, root = server
    content = release("2026-03-26")
    serve(root, PINNED_PATH, content)
    assert main(["ontologies", "pull", "CL", "--mirror", base]) == 0
    assert "downloaded and verified" in capsys.readouterr().out
    lock = pull_module.read_lock()
    assert (lock["CL"]["version"], lock["CL"]["sha256_from"]) == ("2026-03-26", pull_module.FIRST_TRUSTED)
    assert lock["CL"]["url"] == f"{base}/{PINNED_PATH}"
    assert Path(lock["CL"]["path"]).read_bytes() == content
    # a cached copy that verifies is not fetched again (the server no longer has it)
    (root / PINNED_PATH).unlink()
    assert main(["ontologies", "pull", "CL", "--mirror", base]) == 0
    assert "cached copy verified, not fetched" in capsys.readouterr().out
    # the pulled release is what --ontology CL=pulled checks against
    assert main(["resolve", "CL:0000375", "--ontology", "CL=pulled"]) == 1
    out = capsys.readouterr().out
    assert "replaced by CL:0007010" in out and "cl-basic.obo" in out
    # verified on every use: a damaged file is exit 2, never used
    Path(lock["CL"]["path"]).write_bytes(content + b"\n! tampered\n")
    assert main(["resolve", "CL:0000375", "--ontology", "CL=pulled"]) == 2
    assert "no longer matches its sha256" in capsys.readouterr().err
    # a forced pull of a file that changed upstream is refused against the lock
    serve(root, PINNED_PATH, content + b"\n! changed upstream\n")
    assert main(["ontologies", "pull", "CL", "--mirror", base, "--force"]) == 2
    assert "differs from the locked" in capsys.readouterr().err


def test_a_file_declaring_another_version_is_refused(
    server: tuple[str, Path], cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, root = server
    serve(root, PINNED_PATH, release("2022-11-25"))
    assert main(["ontologies", "pull", "CL", "--mirror", base]) == 2
    assert "declares version 'releases/2022-11-25', not 2026-03-26" in capsys.readouterr().err
    assert not (cache / "releases" / "lock.json").exists()
    assert [p.name for p in (cache / "releases").iterdir()] == []


def test_an_older_release_only_by_name_and_against_its_checksum(
    server: tuple[str, Path], cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, root = server
    serve(root, OLDER_PATH, release("2022-11-25"))  # not the real 2022-11-25 file
    assert main(["ontologies", "pull", "CL", "--mirror", base, "--version", "2022-11-25"]) == 2
    assert "differs from the pinned" in capsys.readouterr().err
    assert main(["ontologies", "pull", "CL", "--version", "2001-01-01"]) == 2
    assert "declared: 2026-03-26, 2022-11-25" in capsys.readouterr().err


def test_the_lock_sits_beside_the_projects_configuration(
    server: tuple[str, Path], cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, root = server
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "trackmeta.toml").write_text("")
    monkeypatch.chdir(project / "data")
    serve(root, PINNED_PATH, release("2026-03-26"))
    assert main(["ontologies", "pull", "CL", "--mirror", base]) == 0
    lock = project / pull_module.LOCK_NAME
    assert lock.is_file() and oct(lock.stat().st_mode & 0o777) == "0o644"
    assert not (cache / "releases" / "lock.json").exists()


def test_clo_can_be_pulled(
    server: tuple[str, Path], cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, root = server
    decl = default_specs().ontologies["CLO"]
    assert decl.pull is not None
    path = decl.pull.url.split("://", 1)[1].split("/", 1)[1]
    serve(root, path, (FIXTURES / "ontologies" / "clo-mini.obo").read_bytes())
    assert main(["ontologies", "pull", "CLO", "--mirror", base]) == 0
    capsys.readouterr()
    assert main(["resolve", "CLO:0037232", "--ontology", "CLO=pulled"]) in (0, 1)
    assert "unresolved" not in capsys.readouterr().out


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
    assert main(["ontologies", "pull", "NTR"]) == 2
    assert "no pullable release" in capsys.readouterr().err


def test_pulls_are_https_only_and_a_trusted_first_download_is_said(
    server: tuple[str, Path], cache: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """#31: no plain-http fetch but from loopback (a local mirror); a release whose checksum no
    one publishes is locked as a trusted first download, and `ontologies` says so."""
    decls = default_specs().ontologies
    assert all(d.pull.url.startswith("https://") for d in decls.values() if d.pull is not None)
    with pytest.raises(pull_module.OntologyError, match="https:// only"):
        pull_module.pull(decls["CL"], mirror="http://mirror.example.org")
    base, root = server
    serve(root, PINNED_PATH, release("2026-03-26"))
    assert main(["ontologies", "pull", "CL", "--mirror", base]) == 0
    capsys.readouterr()
    assert main(["ontologies"]) == 0
    listed = capsys.readouterr().out
    assert "pulled (lock:" in listed and "first download trusted" in listed
