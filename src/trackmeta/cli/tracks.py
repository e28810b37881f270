"""`trackmeta tracks`: exactly which tracks a request returns, and the ontology_terms to pass."""

from __future__ import annotations

import argparse
import sys

from trackmeta import escape
from trackmeta.cli.common import (
    add_config_options,
    add_format_option,
    add_ontology_option,
    add_organism_option,
    error,
    say,
    say_json,
)
from trackmeta.cli.terms import add_metadata_option, metadata_for
from trackmeta.settings import Settings

COMMANDS = ("tracks",)


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tracks = commands.add_parser(
        "tracks", help="the tracks a request returns, and the ontology_terms list to pass",
        description="For each TERM (a CURIE, in any form the AlphaGenome client accepts), the "
                    "tracks a request for the output types returns, read from the metadata, "
                    "grouped by term, and the exact ontology_terms list to pass. The client "
                    "never expands a term to the terms under it: --descendants lists them, "
                    "with their tracks. Exit 1 when a term returns no track.")
    tracks.add_argument("terms", nargs="+", metavar="TERM")
    tracks.add_argument("--output-type", dest="output_types", action="append",
                        metavar="TYPE", help="requested output type (repeatable; default: every "
                                             "output type the organism is served)")
    add_metadata_option(tracks)
    tracks.add_argument("--descendants", action="store_true",
                        help="also the terms under each TERM (is_a, part_of) that have tracks")
    tracks.add_argument("--where", action="append", metavar="COLUMN=VALUE",
                        help="only tracks whose metadata column holds VALUE exactly (repeatable; "
                             "e.g. transcription_factor=CTCF, strand=+, genetically_modified=False)")
    add_format_option(tracks, ("text", "json", "tsv"))
    add_organism_option(tracks)
    add_ontology_option(tracks)
    add_config_options(tracks)
    tracks.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:

    from trackmeta.findings import UsageError
    from trackmeta.request.plan import COLUMNS, iter_lines, tracks

    try:
        metadata, note = metadata_for(args, settings.organism)
    except ValueError as exc:
        return error(str(exc))
    if note:
        say(note, file=sys.stderr if args.format != "text" else None)
    if metadata is None:
        return error("tracks need metadata: pass --metadata (a table or an official file); it is "
                     "remembered per organism for later calls")
    try:
        result = tracks(args.terms, args.output_types, metadata,
                        descendants=args.descendants, where=args.where,
                        organism=settings.organism, ontologies=settings.ontologies)
    except UsageError as exc:
        return error(str(exc))
    if args.format == "json":
        say_json(result.to_dict())
    elif args.format == "tsv":
        sys.stdout.write(escape.delimited([("term", "curie", "output_type", *COLUMNS),
                                           *(list(track.to_dict().values()) for track in result.tracks)]))
    else:
        for line in iter_lines(result):
            say(line)
    empty = any(t.curie is None or not any(t.tracks.values()) for t in result.terms)
    return 1 if empty else 0
