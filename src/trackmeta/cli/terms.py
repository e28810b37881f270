"""`trackmeta terms` and `trackmeta resolve`: ontology terms before a request."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from trackmeta.cli.common import (
    add_config_options,
    add_ontology_option,
    add_organism_option,
    error,
    say,
    say_json,
)
from trackmeta.settings import Settings


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    resolve = commands.add_parser(
        "resolve", help="resolve ontology terms against the pinned releases",
        description="Resolve CURIEs: status (ok, obsolete, unknown, malformed, provisional, "
                    "unresolved), label, synonyms, replacement, release. Exit 1 unless all are ok.")
    resolve.add_argument("curies", nargs="+", metavar="CURIE")
    resolve.add_argument("--format", choices=("text", "json"), default="text")
    add_ontology_option(resolve)
    add_config_options(resolve)
    resolve.set_defaults(run=run_resolve)

    terms = commands.add_parser(
        "terms", help="check ontology terms before an AlphaGenome request",
        description="Check CURIEs before a request: status, label, release, replacement, and "
                    "with --metadata the tracks per output type and nearby terms that have "
                    "tracks. '-' reads CURIEs from stdin, one per line. Exit 0 when every term "
                    "is usable for every requested output type, 1 otherwise, 2 on bad input.")
    terms.add_argument("curies", nargs="+", metavar="CURIE")
    terms.add_argument("--output-type", action="append", default=[], metavar="TYPE",
                       dest="output_types", help="a requested output type (repeatable)")
    terms.add_argument("--metadata", metavar="PATH",
                       help="metadata table or official protobuf file to count tracks in")
    terms.add_argument("--format", choices=("text", "json"), default="text")
    add_organism_option(terms)
    add_ontology_option(terms)
    add_config_options(terms)
    terms.set_defaults(run=run_terms)


def run_resolve(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses
    from pathlib import Path

    from trackmeta.ontology.resolver import Resolver
    from trackmeta.specs import default_specs

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
            curies.extend(line.strip() for line in text.splitlines() if line.strip())
        else:
            curies.append(item)
    return curies


def run_terms(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses

    from trackmeta.terms import check_terms

    curies = read_curies(args.curies)
    if not curies:
        return error("no CURIEs given")
    checks = check_terms(curies, args.output_types, args.metadata, organism=settings.organism,
                         ontologies=settings.ontologies)
    if args.format == "json":
        say_json([dataclasses.asdict(c) for c in checks])
    else:
        for c in checks:
            say(f"{c.input}\t{c.status}{'' if c.usable else ' (not usable)'}\t{c.message}")
            if c.tracks is not None:
                say("\ttracks: " + ", ".join(f"{t} {n}" for t, n in c.tracks.items()))
            for otype, suggestions in c.suggestions.items():
                near = "; ".join(f"{s.curie} '{s.label}' ({s.relation}, {s.distance}, {s.tracks} "
                                 f"tracks)" for s in suggestions)
                say(f"\tfor {otype} try: {near}")
    return 0 if all(c.usable for c in checks) else 1
