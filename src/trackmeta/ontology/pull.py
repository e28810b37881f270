"""`trackmeta ontologies pull`: fetch declared release files by their versioned URLs, verify
their sha256 while streaming, and record them in a lock file. A mismatch caches nothing."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackmeta.cache import cache_dir
from trackmeta.ontology.sources import OntologyError
from trackmeta.specs.model import OntologyDecl

PULLED = "pulled"  # `--ontology CL=pulled` names the locked file


@dataclass(frozen=True)
class Pulled:
    prefix: str
    version: str
    url: str
    sha256: str
    path: Path


def releases_dir() -> Path:
    return cache_dir() / "releases"


def lock_path() -> Path:
    return releases_dir() / "lock.json"


def read_lock() -> dict[str, Any]:
    try:
        data = json.loads(lock_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise OntologyError(
            f"{lock_path()}: unreadable lock file ({exc}); delete it and pull again") from None
    return data if isinstance(data, dict) else {}


def locked_file(prefix: str) -> Path:
    """The pulled file for `prefix`, verified against the lock; OntologyError if there is none."""
    entry = read_lock().get(prefix)
    if entry is None:
        raise OntologyError(f"no pulled {prefix} release: run `trackmeta ontologies pull {prefix}`")
    if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)):
        raise OntologyError(f"{lock_path()}: damaged entry for {prefix}; run "
                            f"`trackmeta ontologies pull {prefix}` again")
    path = Path(entry["path"])
    if not path.is_file():
        raise OntologyError(f"{path}: the pulled {prefix} release is missing; pull it again")
    from trackmeta.ontology.sources import sha256_file

    if sha256_file(path) != entry["sha256"]:  # verified on every use, like every cache
        raise OntologyError(f"{path}: the pulled {prefix} release no longer matches its sha256 "
                            f"in {lock_path()}; run `trackmeta ontologies pull {prefix}` again")
    return path


def _mirrored(url: str, mirror: str | None) -> str:
    """Swap scheme and host for a mirror's, keeping the versioned path."""
    if mirror is None:
        return url
    path = url.split("://", 1)[1].split("/", 1)[1]
    return f"{mirror.rstrip('/')}/{path}"


def pull(decl: OntologyDecl, mirror: str | None = None, timeout: float = 60.0) -> Pulled:
    import urllib.error
    import urllib.request

    if decl.pull is None:
        raise OntologyError(f"{decl.prefix}: no pullable release is declared in ontologies/releases/")
    spec = decl.pull
    url = _mirrored(spec.url, mirror)
    target_dir = releases_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    name = spec.url.rsplit("/", 1)[-1]
    target = target_dir / f"{decl.prefix}-{spec.version}-{name}"
    import tempfile

    digest = hashlib.sha256()
    fd, partial = tempfile.mkstemp(dir=target_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle, urllib.request.urlopen(url, timeout=timeout) as response:
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
                handle.write(block)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        os.unlink(partial)
        raise OntologyError(f"{url}: download failed: {exc}") from None
    if digest.hexdigest() != spec.sha256:
        os.unlink(partial)
        raise OntologyError(f"{url}: sha256 {digest.hexdigest()} differs from the pinned "
                            f"{spec.sha256}; nothing was cached")
    os.replace(partial, target)
    from datetime import datetime, timezone

    lock = read_lock()
    lock[decl.prefix] = {
        "version": spec.version, "url": url, "sha256": spec.sha256, "path": str(target),
        "fetched": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    lock_path().write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return Pulled(decl.prefix, spec.version, url, spec.sha256, target)
