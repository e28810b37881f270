"""Write what the package ships prebuilt: an index per pinned ontology release, and the specs
checked against their meta-schemas.

    python -m trackmeta.ontology.ship [--into ontologies/prebuilt]

A first run on a new machine (a CI runner without a cache) reads these instead of compiling
each release from cellxgene-ontology-guide's JSON (more CPU than importing pandas) and checking
every spec with jsonschema.
Each file is the cache file itself, zstd-compressed: rerunning this on the same
pinned releases writes the same bytes, and the test suite checks that it does. An index is
used only where its name (prefix, the source's sha256, the index layout, marshal's version)
matches; otherwise the release is compiled as before.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trackmeta.ontology.index import Release, shippable, shipped_path
from trackmeta.ontology.sources import OntologyError, bundled_file, from_cellxgene, sha256_file
from trackmeta.specs.model import Specs, default_specs, shipped_specs


def pinned(specs: Specs) -> list[tuple[str, Path, Release]]:
    """(prefix, source file, release) of every pinned bundled release, each source checked
    against its declared sha256."""
    found = []
    for prefix, decl in specs.ontologies.items():
        if (not decl.resolvable or decl.release_file is None or decl.release_sha256 is None
                or decl.release_version is None):
            continue
        source = bundled_file(str(decl.release_file))
        if sha256_file(source) != decl.release_sha256:
            raise OntologyError(f"{source}: not the pinned release (sha256 differs)")
        found.append((prefix, source, Release(prefix, decl.release_version,
                                              str(decl.release_source), decl.release_sha256)))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trackmeta.ontology.ship",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--into", type=Path, default=None,
                        help="where to write (default: this installation's ontologies/prebuilt)")
    args = parser.parse_args(argv)
    try:
        releases = pinned(default_specs())
    except OntologyError as exc:
        print(f"trackmeta: {exc}", file=sys.stderr)
        return 2
    for prefix, source, release in releases:
        target = shipped_path(prefix, release.sha256)
        if args.into is not None:
            target = args.into / target.name
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f"{prefix}-*.idx.zst"):
            if stale != target:
                stale.unlink()
        target.write_bytes(shippable(from_cellxgene(source, release)))
        print(f"{target}: {release.describe()}")
    seal, checked = shipped_specs()
    target = seal if args.into is None else args.into / seal.name
    for stale in target.parent.glob("specs-*.seal"):
        if stale != target:
            stale.unlink()
    target.write_bytes(checked)
    print(f"{target}: the specs, checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
