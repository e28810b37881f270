"""`trackmeta diff` and `trackmeta drift`: what changed between releases of the metadata, and
what would change for it between releases of an ontology."""

from __future__ import annotations

import argparse

from trackmeta.cli.common import (
    add_config_options,
    add_format_option,
    add_organism_option,
    add_quiet_option,
    count,
    ontology,
    say,
    say_json,
)
from trackmeta.settings import Settings
from trackmeta.words import counted

COMMANDS = ("diff", "drift")  # the subcommands `add` defines


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = commands.add_parser(
        "diff", help="tracks added, removed and changed between two releases",
        description="Compare two metadata releases (tables or release directories) by track "
                    "identity (organism, output type, name, strand): tracks added, removed, and "
                    "changed field by field. Exit 0 when they hold the same tracks, 1 otherwise.")
    diff.add_argument("old", help="the earlier release (a table or a directory)")
    diff.add_argument("new", help="the later release")
    add_format_option(diff)
    add_quiet_option(diff, "print nothing: the exit status says whether the releases differ")
    diff.add_argument("--limit", type=count, default=20, metavar="N",
                      help="tracks listed per kind in text (default 20; JSON lists all)")
    add_organism_option(diff)
    add_config_options(diff)
    diff.set_defaults(run=run_diff)

    drift = commands.add_parser(
        "drift", help="what an ontology release change would do to a metadata release",
        description="For the CURIEs PATH uses, compare two releases of their ontology: terms "
                    "that become obsolete (with the replacement), merged, relabelled (and "
                    "whether a TM208 would appear), moved out of their biosample type's branch, "
                    "or removed. RELEASE is an OBO/OWL file or a version the bundled package "
                    "carries (e.g. CL=2025-02-13); --to defaults to the pinned release.")
    drift.add_argument("paths", nargs="+", metavar="PATH",
                       help="the metadata whose CURIEs are compared (tables or release "
                            "directories)")
    drift.add_argument("--from", dest="releases_from", type=ontology, action="append",
                       required=True, metavar="PREFIX=RELEASE",
                       help="the release the metadata was curated against: a file (OBO, OWL, "
                            "OBO-JSON) or a bundled version, e.g. CL=2025-02-13 (repeatable)")
    drift.add_argument("--to", dest="releases_to", type=ontology, action="append",
                       metavar="PREFIX=RELEASE",
                       help="the release to compare with (default: the pinned release)")
    add_format_option(drift)
    add_organism_option(drift)
    add_config_options(drift)
    drift.set_defaults(run=run_drift)


def run_diff(args: argparse.Namespace, settings: Settings) -> int:
    from trackmeta.curation.diff import diff

    result = diff(args.old, args.new, organism=settings.organism)
    if args.quiet:
        pass
    elif args.format == "json":
        say_json(result.to_dict())
    else:
        summary = result.to_dict()["summary"]
        say(f"{summary['added']} added, {summary['removed']} removed, {summary['changed']} changed")
        for otype, counts in sorted(result.by_type.items()):
            say(f"  {otype:<18} " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
        for kind, tracks in (("added", result.added), ("removed", result.removed)):
            for track in tracks[:args.limit]:
                say(f"{kind}: {track}")
            if len(tracks) > args.limit:
                say(f"{kind}: ... {len(tracks) - args.limit} more (--limit, or --format json)")
        for change in result.changed[:args.limit]:
            fields = "; ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in change.fields.items())
            say(f"changed: {change.track}: {fields}")
        if len(result.changed) > args.limit:
            say(f"changed: ... {len(result.changed) - args.limit} more")
    return 0 if not (result.added or result.removed or result.changed) else 1


def run_drift(args: argparse.Namespace, settings: Settings) -> int:
    from trackmeta.curation.drift import drift

    report = drift(args.paths, dict(args.releases_from), dict(args.releases_to or []),
                   organism=settings.organism)
    if args.format == "json":
        say_json(report.to_dict())
        return 0 if not report.drifts else 1
    for prefix, (before, after) in report.releases.items():
        say(f"{prefix}: {before} -> {after}")
    summary = report.to_dict()["summary"]
    say(f"{summary['curies']} CURIEs checked: " + ", ".join(
        f"{k} {summary[k]}" for k in ("obsolete", "merged", "relabelled", "moved", "removed")))
    for d in report.drifts:
        say(f"  {d.kind:<10} {d.message} [{counted(d.rows, 'row')}]")
    return 0 if not report.drifts else 1
