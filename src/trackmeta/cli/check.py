"""`trackmeta check`: validate tables or release directories and report."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from trackmeta.cli.common import FORMATS, add_format_option, add_rule_options, error, say
from trackmeta.settings import Settings

COMMANDS = ("check",)  # the subcommands `add` defines


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check", help="validate metadata tables or a release directory",
        description="Validate AlphaGenome track metadata tables (TSV, CSV, gzip, Parquet, the "
                    "official protobuf) or a release directory against the specs in schemas/ "
                    "and ontologies/.")
    add_rule_options(check)
    add_format_option(check, FORMATS)
    check.add_argument("--output", "-o", metavar="FILE",
                       help="write the report to FILE instead of stdout")
    check.add_argument("--report", action="append", default=[], metavar="FORMAT=FILE",
                       help="also write the report in FORMAT to FILE, from the same run (may be "
                            "given several times: --report sarif=trackmeta.sarif --report "
                            "html=report.html)")
    check.add_argument("--fail-on", choices=("error", "warning", "info", "never"),
                       help="lowest severity that makes the exit status 1 (default: error)")
    check.add_argument("--baseline", metavar="FILE",
                       help="report only findings this baseline (from `trackmeta baseline`) "
                            "does not hold")
    check.add_argument("--expect", choices=("table1",),
                       help="compare track and biosample counts with Table 1")
    check.add_argument("--statistics", action="store_true",
                       help="text: end with a count of findings per rule")
    check.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from trackmeta.ontology import prebuild

    prebuild.start(settings.ontologies)  # before pandas loads: a fresh cache is built meanwhile
    from trackmeta.checking.pipeline import check
    from trackmeta.cli.progress import Progress
    from trackmeta.io.safe import output_problem, write_atomic_text
    from trackmeta.render import RenderOptions, render

    output = Path(args.output) if args.output is not None else None
    extra = _reports(args.report)
    if isinstance(extra, str):
        return error(extra)
    for target in [output, *extra.values()]:
        problem = (output_problem(target, [p for p in args.paths if str(p) != "-"])
                   if target is not None else None)
        if problem is not None:
            return error(problem)
    progress = Progress.for_terminal(args.quiet)
    try:
        report = check(args.paths, output_type=args.output_type, delimiter=args.delimiter,
                       missing="report", stdin_filename=args.stdin_filename,
                       expect=args.expect, progress=progress, **settings.check_options())
    finally:
        progress.close()
    if settings.config is not None:  # which file configured the run, said in every report
        from dataclasses import replace

        report = replace(report, notes=(*report.notes, f"configuration: {settings.config}"))
    options = RenderOptions(statistics=args.statistics,
                            color=output is None and _color(sys.stdout))
    document = render(report, args.format, options)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if args.format == "github" and summary:
        from trackmeta.render.markdown import render as markdown

        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(markdown(report))
        except OSError as exc:
            say(f"trackmeta: warning: cannot write the step summary {summary}: {exc.strerror}",
                file=sys.stderr)
    for fmt, target in extra.items():  # each from the one run, none on a terminal
        try:
            write_atomic_text(target, render(report, fmt, RenderOptions(statistics=args.statistics)))
        except OSError as exc:
            return error(f"cannot write {target}: {exc.strerror}")
    if output is not None:
        try:
            write_atomic_text(output, document)
        except OSError as exc:
            return error(f"cannot write {output}: {exc.strerror}")
    else:
        sys.stdout.write(document)
    if not args.quiet:
        for failure in report.failures:
            where = ":".join(str(p) for p in (failure.path, failure.line) if p is not None)
            say(f"trackmeta: error: {where}: {failure.message}", file=sys.stderr)
    return report.exit_code


def _reports(given: list[str]) -> dict[str, Path] | str:
    """`--report FORMAT=FILE` values as {format: file}, or what is wrong with one."""
    from trackmeta.words import did_you_mean

    reports: dict[str, Path] = {}
    for value in given:
        fmt, sep, target = value.partition("=")
        if not sep or not target:
            return f"--report {value!r}: write FORMAT=FILE, e.g. sarif=trackmeta.sarif"
        if fmt not in FORMATS:
            return (f"--report {value!r}: unknown format {fmt!r}{did_you_mean(fmt, FORMATS)} "
                    f"(choose from {', '.join(FORMATS)})")
        if fmt in reports:
            return f"--report {fmt} is given twice"
        reports[fmt] = Path(target)
    return reports


def _color(stream: object) -> bool:
    """Colour on a terminal, unless NO_COLOR is set or TERM is dumb; FORCE_COLOR asks for it
    anywhere."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":  # a terminal that shows escape codes as text
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
