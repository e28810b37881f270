"""`trackmeta terms` and `trackmeta resolve`: ontology terms before a request."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from trackmeta.cli.common import (
    add_config_options,
    add_format_option,
    add_ontology_option,
    add_organism_option,
    count,
    error,
    say,
    say_json,
)
from trackmeta.limits import MAX_DISTANCE, MAX_SUGGESTIONS, SEARCH_LIMIT
from trackmeta.settings import Settings
from trackmeta.words import counted

COMMANDS = ("resolve", "terms", "search")  # the subcommands `add` defines


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    resolve = commands.add_parser(
        "resolve", help="resolve ontology terms against the pinned releases",
        description="Resolve CURIEs: status (ok, obsolete, unknown, malformed, provisional, "
                    "unresolved), label, synonyms, replacement, release. Exit 1 unless all are ok.")
    resolve.add_argument("curies", nargs="+", metavar="CURIE",
                         help="ontology ids such as CL:0000084 or UBERON:0002048")
    add_format_option(resolve)
    add_ontology_option(resolve)
    add_config_options(resolve)
    resolve.set_defaults(run=run_resolve)

    terms = commands.add_parser(
        "terms", help="check ontology terms before an AlphaGenome request",
        description="Check CURIEs before a request: status, label, release, replacement, and "
                    "with --metadata the tracks per output type and nearby terms that have "
                    "tracks. '-' reads CURIEs from stdin, one per line. Exit 0 when every term "
                    "is usable for every requested output type, 1 otherwise, 2 on bad input.")
    terms.add_argument("curies", nargs="+", metavar="CURIE",
                       help="ontology ids such as CL:0000084, or - to read them from stdin")
    terms.add_argument("--output-type", action="append", default=[], metavar="TYPE",
                       dest="output_types", help="a requested output type (repeatable)")
    add_metadata_option(terms)
    terms.add_argument("--max-distance", type=count, default=MAX_DISTANCE, metavar="N",
                       help=f"ontology steps to look for terms with tracks (default {MAX_DISTANCE})")
    terms.add_argument("--max-suggestions", type=count, default=MAX_SUGGESTIONS, metavar="N",
                       help=f"suggestions per output type (default {MAX_SUGGESTIONS}); the "
                            "output says how many more there are")
    add_format_option(terms)
    add_organism_option(terms)
    add_ontology_option(terms)
    add_config_options(terms)
    terms.set_defaults(run=run_terms)

    search = commands.add_parser(
        "search", help="find ontology terms by name",
        description="Find terms by label or synonym in the pinned CL, UBERON and EFO releases "
                    "(and the names metadata gives its NTR and CLO ids): exact names first, "
                    "then names that start with the query, then fuzzy matches. With metadata, "
                    "each match shows its tracks per output type.")
    search.add_argument("query", nargs="+", help="a name, e.g. liver or 'T cell'")
    add_metadata_option(search)
    search.add_argument("--with-tracks", action="store_true",
                        help="only terms that have tracks in the metadata")
    search.add_argument("--limit", type=count, default=SEARCH_LIMIT, metavar="N",
                        help=f"matches to show (default {SEARCH_LIMIT})")
    add_format_option(search)
    add_organism_option(search)
    add_ontology_option(search)
    add_config_options(search)
    search.set_defaults(run=run_search)


def add_metadata_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--metadata", metavar="PATH",
        help="metadata table or official protobuf file to count tracks in; remembered per "
             "organism in the user cache, so later calls may leave it out")
    parser.add_argument("--no-remember", action="store_true",
                        help="neither use nor update the remembered metadata")


def run_resolve(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses
    from pathlib import Path

    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs.model import default_specs

    resolver = Resolver(default_specs(), {k: Path(v) for k, v in settings.ontologies.items()})
    results = [resolver.resolve(curie) for curie in args.curies]
    if args.format == "json":
        say_json([dataclasses.asdict(r) for r in results])
    else:
        for r in results:
            say(f"{r.curie}\t{r.status}\t{r.message}")
            if r.synonyms:
                say(f"\tsynonyms: {'; '.join(r.synonyms)}")
    return 0 if all(r.ok for r in results) else 1


def read_curies(items: Sequence[str]) -> list[str]:
    curies: list[str] = []
    for item in items:
        if item == "-":  # bytes, as given: undecodable ones are shown escaped, never echoed raw
            text = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
            curies.extend(line.strip() for line in text.splitlines()
                          if line.strip() and not line.lstrip().startswith("#"))  # comments
        else:
            curies.append(item)
    return curies


def metadata_for(args: argparse.Namespace, organism: str | None) -> tuple[str | None, str | None]:
    """The metadata to count tracks in, and a note on where it came from when remembered."""
    from pathlib import Path

    from trackmeta.request import availability
    from trackmeta.specs.organism import metadata_specs, organism_specs

    if args.metadata is not None:
        name = metadata_specs(args.metadata, organism).organism.name  # its own organism
        if not args.no_remember and Path(args.metadata).is_file():
            availability.remember(Path(args.metadata), name)
        return args.metadata, None
    if args.no_remember:
        return None, None
    name = organism_specs(organism).organism.name
    found = availability.remembered(name)
    if found is None:
        return None, None
    note = f"tracks from the {name} metadata remembered: {found.describe()}"
    return (str(found.path) if found.present else None), note


def run_terms(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses

    from trackmeta.request.terms import check_terms

    curies = read_curies(args.curies)
    if not curies:
        return error("no CURIEs given")
    metadata, note = metadata_for(args, settings.organism)
    checks = check_terms(curies, args.output_types, metadata, organism=settings.organism,
                         ontologies=settings.ontologies, max_distance=args.max_distance,
                         max_suggestions=args.max_suggestions)
    if note:  # beside JSON on stdout, the source of the counts goes to stderr
        say(note, file=sys.stderr if args.format == "json" else None)
    if args.format == "json":
        say_json([dataclasses.asdict(c) for c in checks])
        return 0 if all(c.usable for c in checks) else 1
    for c in checks:
        verdict = {True: "", False: " (not usable)", None: " (availability unknown)"}[c.usable]
        say(f"{c.input}\t{c.status}{verdict}\t{c.message}")
        if c.fix:
            say(f"\tuse: {c.fix}")
        if c.tracks is not None:
            say("\ttracks: " + ", ".join(f"{t} {n}" for t, n in c.tracks.items()))
        agnostic = [t for t, a in c.availability.items() if a == "any-term"]
        if agnostic:
            say(f"\tany term: {', '.join(agnostic)}")
        for warning in c.warnings:
            say(f"\tnote: {warning}")
        for otype, suggestions in c.suggestions.items():
            near = "; ".join(f"{s.curie} '{s.label}' ({s.relation}, {s.distance}, "
                             f"{counted(s.tracks, 'track')})" for s in suggestions)
            say(f"\tfor {otype} try: {near}")
        for otype, more in c.more.items():
            say(f"\tfor {otype}: {more} more candidates beyond --max-suggestions "
                f"{args.max_suggestions} / --max-distance {args.max_distance}")
    return 0 if all(c.usable for c in checks) else 1


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses

    from trackmeta.request.search import search

    query = " ".join(args.query)
    metadata, note = metadata_for(args, settings.organism)
    if args.with_tracks and metadata is None:
        return error("--with-tracks needs metadata: pass --metadata")
    found = search(query, metadata, organism=settings.organism, limit=args.limit,
                   with_tracks=args.with_tracks, ontologies=settings.ontologies)
    if note:
        say(note, file=sys.stderr if args.format == "json" else None)
    if args.format == "json":
        say_json([dataclasses.asdict(m) for m in found.matches])
        return 0 if found.matches else 1
    for m in found.matches:
        tracks = ""
        if m.tracks is not None:
            tracks = "\t" + (", ".join(f"{t} {n}" for t, n in m.tracks.items()) or "no tracks")
        if m.via is not None:
            how = (f"{m.kind} of {m.via}, {counted(m.distance or 0, 'step')} away; "
                   f"{m.via} matched '{m.matched}' and has no tracks"
                   if m.kind in ("descendant", "ancestor") else f"{m.how}; {m.via} has no tracks")
            say(f"{m.curie}\t{m.label}\t{how}{tracks}")
            continue
        matched = f" (as '{m.matched}')" if m.matched != m.label else ""
        say(f"{m.curie}\t{m.label}{matched}\t{m.kind} {m.score:g}, {m.how}{tracks}")
    if found.more:
        say(f"({found.more} more matches; --limit to see them)")
    if not found.matches:
        say(f"no term is named like {query!r}")
    return 0 if found.matches else 1
