"""`trackmeta ontologies`: the declared releases, and `pull` to fetch release files."""

from __future__ import annotations

import argparse

from trackmeta.cli.common import (
    add_config_options,
    add_format_option,
    add_ontology_option,
    error,
    say,
    say_json,
)
from trackmeta.settings import Settings

COMMANDS = ("ontologies",)  # the subcommands `add` defines


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = commands.add_parser(
        "ontologies", help="list the declared ontology releases, or pull release files",
        description="Without an action: list every declared ontology and the exact release used. "
                    "`pull [PREFIX ...]`: fetch the pinned releases by their versioned URLs, "
                    "verify them and record their sha256 in a lock beside the configuration (a "
                    "cached copy that verifies is not fetched again); then use one with "
                    "--ontology PREFIX=pulled.")
    listing.add_argument("action", nargs="?", choices=("list", "pull"), default="list")
    listing.add_argument("prefixes", nargs="*", metavar="PREFIX")
    listing.add_argument("--mirror", metavar="URL", help="fetch from this host instead of the PURL's")
    listing.add_argument("--version", dest="release_version", metavar="VERSION",
                         help="pull: an older declared release, named by its version")
    listing.add_argument("--force", action="store_true",
                         help="pull: download again even when a cached copy verifies")
    add_format_option(listing)
    add_ontology_option(listing)
    add_config_options(listing)
    listing.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs.model import default_specs

    if args.action == "pull":
        return _pull(args)
    resolver = Resolver(default_specs(), {k: Path(v) for k, v in settings.ontologies.items()})
    for prefix in default_specs().ontologies:
        resolver.index(prefix)  # load (and verify) every release that is declared or given
    releases = resolver.releases(cache_status=True)
    words = [{**decl.report_entry(), "licence": decl.licence,
              "entries": len(resolver.words.get(decl.name)) if decl.file else None}
             for decl in resolver.words.declared()]  # each opened: its checksum verified
    from trackmeta.ontology.pull import lock_path, read_lock

    pulled = {prefix: entry for prefix, entry in read_lock().items() if isinstance(entry, dict)}
    if args.format == "json":
        say_json({"ontologies": releases, "vocabularies": words, "pulled": pulled})
    else:
        for entry in releases:
            version = entry.get("version") or "-"
            where = entry.get("source") or entry.get("note") or ""
            terms = f"{entry['terms']} terms" if "terms" in entry else ""
            say(f"{entry['prefix']:<7} {version!s:<11} {terms:<12} {where}")
        say("vocabularies:")
        for word in words:
            size = f"{word['entries']:,} entries" if word["entries"] is not None else "grammar"
            say(f"  {word['name']:<14} {word['version']!s:<30} {size:<16} {word['source']} "
                f"({word['licence']})")
        if pulled:
            say(f"pulled (lock: {lock_path()}):")
        for prefix, entry in sorted(pulled.items()):
            say(f"  {prefix:<7} {entry.get('version')!s:<11} sha256 "
                f"{str(entry.get('sha256'))[:12]}...  {entry.get('sha256_from')}")
    return 0


def _pull(args: argparse.Namespace) -> int:
    from trackmeta.ontology.pull import pull
    from trackmeta.specs.model import default_specs

    decls = default_specs().ontologies
    wanted = args.prefixes or [p for p, d in decls.items() if d.pull is not None]
    for prefix in wanted:
        if prefix not in decls:
            return error(f"{prefix} is not a declared ontology")
        done = pull(decls[prefix], version=args.release_version, mirror=args.mirror,
                    force=args.force)
        how = "downloaded and verified" if done.downloaded else "cached copy verified, not fetched"
        say(f"{done.prefix} {done.version}: {done.path} (sha256 {done.sha256[:12]}..., {how})")
    return 0
