"""Build the missing ontology indexes in a second process while this one starts up.

A check on a machine with an empty cache (a new CI runner) needs every pinned release as an
index. The package ships them prebuilt (ontologies/prebuilt), and unpacking one costs
milliseconds, so the helper starts only where a release must be compiled (an index of another
layout, specs edited in a checkout), which costs about as much CPU as importing pandas and
pandera does. Started before those imports, the helper does it on another core. The two never
duplicate work or race: each index is built under its own lock, and whoever comes second finds
the file written.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterable

from trackmeta.specs.model import Specs


def _cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def _writable() -> bool:
    """Whether the helper could keep what it builds (a read-only cache: no point starting it)."""
    from trackmeta.cache import cache_dir

    directory = cache_dir() / "index"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK)


def missing(specs: Specs, overridden: Iterable[str] = (), shipped: bool = True) -> list[str]:
    """The prefixes whose pinned bundled release has no index in the cache yet (and, unless
    `shipped`, none prebuilt in the package either). Nothing is read or hashed: the index is
    named by the pinned sha256, which the run verifies when it loads."""
    from trackmeta.ontology.index import cache_path, shipped_path

    skip = set(overridden)
    return [prefix for prefix, decl in specs.ontologies.items()
            if prefix not in skip and decl.resolvable and decl.release_file is not None
            and decl.release_sha256 is not None
            and not cache_path(prefix, decl.release_sha256).is_file()
            and (shipped or not shipped_path(prefix, decl.release_sha256).is_file())]


def missing_words(specs: Specs) -> list[str]:
    """The compiled vocabularies not yet unpacked into the cache."""
    from trackmeta.ontology.vocabulary import unpacked_path

    return [name for name, decl in specs.vocabularies.items()
            if decl.file is not None and not unpacked_path(decl).is_file()]


def start(overridden: Iterable[str] = ()) -> None:
    """Start the helper when this machine lacks an index (or has never checked the specs, which
    the helper then does too), and there is a spare core. Never fails: without a helper, the run
    builds what it needs itself, as it would anyway."""
    from trackmeta.specs.model import SpecError, default_specs, default_specs_checked

    skip = sorted(overridden)
    if default_specs_checked():
        try:
            if not missing(default_specs(), skip, shipped=False):
                return  # unpacking what the package ships takes the run milliseconds
        except SpecError:
            return  # the run itself reports it
    if _cores() < 2 or not _writable():
        return
    with contextlib.suppress(OSError):
        subprocess.Popen([sys.executable, "-m", "trackmeta.ontology.prebuild", *skip],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, close_fds=True)


def main(skip: list[str]) -> int:
    """The helper: build every missing index but those of the prefixes the run overrides, the
    largest release first (a small one, the run builds sooner than it would wait for), then
    unpack the vocabularies."""
    from trackmeta.ontology.resolver import Resolver
    from trackmeta.ontology.sources import OntologyError, bundled_file
    from trackmeta.specs.model import SpecError, default_specs

    try:
        specs = default_specs()
        resolver = Resolver(specs)
        prefixes = missing(specs, skip)
        sizes = {p: bundled_file(str(specs.ontologies[p].release_file)).stat().st_size
                 for p in prefixes}
        for prefix in sorted(prefixes, key=lambda p: -sizes[p]):
            resolver.index(prefix)
        for name in missing_words(specs):
            resolver.words.get(name)
    except (SpecError, OntologyError, OSError):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
