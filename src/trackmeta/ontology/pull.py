"""`trackmeta ontologies pull`: fetch a declared release file by its versioned URL, verify it, and
record it in a lock; `--ontology PREFIX=pulled` then uses it, verified against the lock each time.

The default pull of a prefix is the release the bundled package pins. Its sha256 cannot be known
in advance, so the first pull that verifies (the file declares that version) records the sha256
in the lock, and every later pull and use checks it. Older releases are pulled only when named,
each with its declared sha256. A cached copy that verifies is not downloaded again.

The lock sits beside the project's configuration (trackmeta.toml or pyproject.toml, found upward
from the working directory), so a project's pulls are pinned with it; without one, in the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackmeta.cache import cache_dir
from trackmeta.ontology.sources import OntologyError
from trackmeta.specs.model import OntologyDecl, PullDecl

PULLED = "pulled"  # `--ontology CL=pulled` names the locked file
LOCK_NAME = "trackmeta-ontologies.lock.json"
_VERSION_LINE = re.compile(rb"^data-version:[ \t]*(\S+)|owl:versionIRI[^>]*?\"([^\"]+)\"", re.M)


@dataclass(frozen=True)
class Pulled:
    prefix: str
    version: str
    url: str
    sha256: str
    path: Path
    downloaded: bool  # False: a cached copy verified and was used


def releases_dir() -> Path:
    return cache_dir() / "releases"


def lock_path(start: Path | None = None) -> Path:
    """Beside the configuration found upward from `start` (the working directory); without one,
    in the user cache."""
    from trackmeta.settings import find_config

    config = find_config((start or Path.cwd()).resolve())
    return config.parent / LOCK_NAME if config is not None else releases_dir() / "lock.json"


def read_lock(path: Path | None = None) -> dict[str, Any]:
    where = path or lock_path()
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise OntologyError(f"{where}: unreadable lock file ({exc}); delete it and pull again") from None
    return data if isinstance(data, dict) else {}


def _write_lock(path: Path, lock: dict[str, Any]) -> None:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(lock, indent=2, sort_keys=True) + "\n")
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except OSError as exc:
        raise OntologyError(f"{path}: cannot write the lock ({exc.strerror})") from None


def sha256_of(path: Path) -> str:
    from trackmeta.ontology.sources import sha256_file

    return sha256_file(path)


def locked_file(prefix: str) -> Path:
    """The pulled file for `prefix`, verified against the lock; OntologyError if there is none."""
    where = lock_path()
    entry = read_lock(where).get(prefix)
    if entry is None:
        raise OntologyError(f"no pulled {prefix} release in {where}: run "
                            f"`trackmeta ontologies pull {prefix}`")
    if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)):
        raise OntologyError(f"{where}: damaged entry for {prefix}; run "
                            f"`trackmeta ontologies pull {prefix}` again")
    path = Path(entry["path"])
    if not path.is_file():
        raise OntologyError(f"{path}: the pulled {prefix} release is missing; pull it again")
    if sha256_of(path) != entry["sha256"]:  # verified on every use, like every cache
        raise OntologyError(f"{path}: the pulled {prefix} release no longer matches its sha256 "
                            f"in {where}; run `trackmeta ontologies pull {prefix}` again")
    return path


def _version_key(version: str) -> tuple[int, ...]:
    """2026-03-26 and 3.90.0 alike: the numbers in order."""
    return tuple(int(n) for n in re.findall(r"\d+", version))


def choose(decl: OntologyDecl, version: str | None) -> PullDecl:
    """The declared pull: the pinned release, or an older one named by its version."""
    if decl.pull is None:
        raise OntologyError(f"{decl.prefix}: no pullable release is declared in ontologies/releases/")
    if version is None or version == decl.pull.version:
        return decl.pull
    for older in decl.older_pulls:
        if older.version == version:
            return older
    known = ", ".join([decl.pull.version, *(o.version for o in decl.older_pulls)])
    raise OntologyError(f"{decl.prefix}: no declared pull of version {version!r} (declared: {known})")


_LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
FIRST_TRUSTED = "first download trusted: no checksum is published; its version was checked"


def _mirrored(url: str, mirror: str | None) -> str:
    """Swap scheme and host for a mirror's, keeping the versioned path. Only HTTPS is fetched,
    or plain HTTP from this machine itself (a mirror on loopback)."""
    if mirror is not None:
        path = url.split("://", 1)[1].split("/", 1)[1]
        url = f"{mirror.rstrip('/')}/{path}"
    return _fetchable(url)


def _fetchable(url: str) -> str:
    """`url`, if it is HTTPS (or plain HTTP on loopback); else the OntologyError that says so."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit(":", 1)[0] if not rest.startswith("[") else (
        rest.split("]", 1)[0] + "]")
    if scheme.lower() != "https" and not (scheme.lower() == "http" and host in _LOOPBACK):
        raise OntologyError(f"{url}: trackmeta fetches over https:// only (plain http from "
                            "loopback, for a local mirror)")
    return url


def _declared_version(path: Path) -> str | None:
    """The version a release file states in its header (OBO data-version, OWL versionIRI)."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    found = _VERSION_LINE.search(head)
    if found is None:
        return None
    return (found.group(1) or found.group(2)).decode("utf-8", "replace")


def pull(decl: OntologyDecl, version: str | None = None, mirror: str | None = None,
         force: bool = False, timeout: float = 60.0) -> Pulled:
    """Fetch the declared release (the pinned one unless `version` names an older one), unless a
    cached copy verifies; record it in the lock. Nothing unverified is kept."""
    spec = choose(decl, version)
    if (version is None and decl.release_version is not None
            and _version_key(spec.version) < _version_key(decl.release_version)):
        raise OntologyError(f"{decl.prefix}: the declared pull {spec.version} is older than the "
                            f"pinned {decl.release_version}; name it with --version to pull it")
    lock_file = lock_path()
    lock = read_lock(lock_file)
    known = lock.get(decl.prefix) if isinstance(lock.get(decl.prefix), dict) else None
    expected = spec.sha256 or (known.get("sha256") if known and known.get("version") ==
                               spec.version else None)
    target = releases_dir() / f"{decl.prefix}-{spec.version}-{spec.url.rsplit('/', 1)[-1]}"
    url = _mirrored(spec.url, mirror)
    downloaded = force or not (expected and target.is_file() and sha256_of(target) == expected)
    digest = _download(url, target, spec, expected, timeout) if downloaded else str(expected)
    from datetime import datetime, timezone

    lock[decl.prefix] = {
        "version": spec.version, "url": url, "sha256": digest, "path": str(target),
        "sha256_from": "declared" if spec.sha256 else FIRST_TRUSTED,
        "fetched": (datetime.now(timezone.utc).isoformat(timespec="seconds") if downloaded
                    else (known or {}).get("fetched")),
    }
    _write_lock(lock_file, lock)
    return Pulled(decl.prefix, spec.version, url, digest, target, downloaded)


def _download(url: str, target: Path, spec: PullDecl, expected: str | None,
              timeout: float) -> str:
    import tempfile
    import urllib.error
    import urllib.request

    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, partial = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle, urllib.request.urlopen(url, timeout=timeout) as response:
            _fetchable(response.geturl())  # a redirect to plain http is refused too
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
                handle.write(block)
    except (urllib.error.URLError, OSError, ValueError, OntologyError) as exc:
        os.unlink(partial)
        if isinstance(exc, OntologyError):
            raise
        raise OntologyError(f"{url}: download failed: {exc}") from None
    problem = None
    if expected is not None and digest.hexdigest() != expected:
        problem = (f"sha256 {digest.hexdigest()} differs from the "
                   f"{'pinned' if spec.sha256 else 'locked'} {expected}")
    elif expected is None and spec.version_in_file:
        stated = _declared_version(Path(partial))
        if stated is not None and spec.version not in stated:
            problem = f"the file declares version {stated!r}, not {spec.version}"
    if problem is not None:
        os.unlink(partial)
        raise OntologyError(f"{url}: {problem}; nothing was cached")
    os.chmod(partial, 0o644)
    os.replace(partial, target)
    return digest.hexdigest()
