"""`trackmeta fix`: the repairs that need no judgement, as corrected copies and a diff."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trackmeta.cli.common import (
    add_config_options,
    add_format_option,
    add_ontology_option,
    add_organism_option,
    add_quiet_option,
    error,
    say,
    say_json,
)
from trackmeta.settings import Settings
from trackmeta.words import counted

COMMANDS = ("fix",)  # the subcommands `add` defines


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "fix", help="repair what needs no judgement; show the rest",
        description="Repair obsolete terms with one live replacement in the same ontology (with "
                    "the CURIE in the track name and the biosample_name), merged ids, the GTEx "
                    "remap, surrounding whitespace, output type spellings and near-matching "
                    "names, one coherent edit per row. Prints a unified diff; --output writes "
                    "corrected copies, --in-place replaces the inputs atomically and keeps a "
                    "backup. What needs a person is listed with its finding.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="tables (TSV, CSV, gzip, Parquet) or release directories")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--output", "-o", type=Path, metavar="OUT",
                       help="write the corrected copy here (a directory for several inputs)")
    where.add_argument("--in-place", action="store_true",
                       help="replace each input, keeping it as INPUT.orig (or .orig.N)")
    add_format_option(parser)
    add_quiet_option(parser, "no notes on stderr: only the diff (or JSON) and the exit status")
    add_organism_option(parser)
    add_ontology_option(parser)
    add_config_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from trackmeta.ontology import prebuild

    prebuild.start(settings.ontologies)  # before pandas loads: a fresh cache is built meanwhile
    from trackmeta.curation.fix import RepairError, fix
    from trackmeta.io.safe import output_problem, write_atomic_bytes

    try:
        repair = fix(args.paths, organism=settings.organism, ontologies=settings.ontologies)
    except RepairError as exc:
        return error(str(exc))
    changed = [f for f in repair.files if f.fixed is not None]
    if args.output is not None:
        targets = _targets(args.output, [Path(f.path) for f in repair.files])
        problem = output_problem(args.output, args.paths, "the corrected copy")
        for target in targets.values():
            problem = problem or output_problem(target, args.paths, "the corrected copy")
        if problem is not None:
            return error(problem)
        for f in repair.files:  # every input gets its copy, changed or not
            target = targets[f.path]
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic_bytes(target, f.fixed if f.fixed is not None else Path(f.path).read_bytes())
    if args.in_place:
        for f in changed:
            assert f.fixed is not None
            source = Path(f.path)
            backup = _backup(source)
            write_atomic_bytes(backup, source.read_bytes(), mode_of=source)  # whole, or not at all
            try:
                write_atomic_bytes(source, f.fixed)
            except BaseException:  # the input stays as it was: its backup would only mislead
                backup.unlink(missing_ok=True)
                raise
            if not args.quiet:
                say(f"{source}: fixed in place; the original is {backup}", file=sys.stderr)
    if args.format == "json":
        say_json(repair.to_dict())
    else:
        sys.stdout.write(repair.diff)
    if args.format != "json" and not args.quiet:
        for finding in repair.left:
            where = ":".join(str(p) for p in (finding.path, finding.line) if p is not None)
            say(f"needs a person: {where}:{finding.column} {finding.code} {finding.message}",
                file=sys.stderr)
        rows = len({(e.path, e.row) for e in repair.edits if e.row >= 0})
        say(f"{counted(len(repair.edits), 'edit')} on {counted(rows, 'row')} in "
            f"{counted(len(changed), 'file')}; {counted(len(repair.left), 'finding')} left for "
            "a person", file=sys.stderr)
    return 0


def _targets(output: Path, inputs: list[Path]) -> dict[str, Path]:
    if len(inputs) == 1 and not output.is_dir():
        return {str(inputs[0]): output}
    names = [p.name for p in inputs]
    if len(set(names)) != len(names):
        raise ValueError("inputs share a file name: give them separately, one --output each")
    return {str(p): output / p.name for p in inputs}


def _backup(path: Path) -> Path:
    candidate = path.with_name(path.name + ".orig")
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.orig.{number}")
        number += 1
    return candidate
