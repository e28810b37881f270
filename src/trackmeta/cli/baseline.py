"""`trackmeta baseline`: record today's findings, so that a CI gate fails only on new ones."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from trackmeta.cli.common import add_rule_options, error, say
from trackmeta.settings import Settings

COMMANDS = ("baseline",)  # the subcommands `add` defines


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "baseline", help="record the findings of a release, for `check --baseline`",
        description="Check PATHs as `check` does and record every finding by rule, file, track "
                    "identity (organism, output type, name, strand), column and value, never "
                    "by line: the baseline survives row reordering and unrelated edits. "
                    "`check --baseline FILE` (or `baseline` in the configuration) then reports "
                    "only new findings.")
    add_rule_options(parser)
    parser.add_argument("--output", "-o", required=True, metavar="FILE",
                        help="the baseline file to write (JSON, sorted, diff-friendly)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from trackmeta.checking import baseline
    from trackmeta.ontology import prebuild

    prebuild.start(settings.ontologies)  # before pandas loads: a fresh cache is built meanwhile
    from trackmeta.checking.pipeline import check
    from trackmeta.io.safe import output_problem, write_atomic_text

    output = Path(args.output)
    problem = output_problem(output, [p for p in args.paths if str(p) != "-"])
    if problem is not None:
        return error(problem)
    options = replace(settings, baseline=None).check_options()  # record all, not what is new
    report = check(args.paths, output_type=args.output_type, delimiter=args.delimiter,
                   missing="report", stdin_filename=args.stdin_filename, **options)
    for failure in report.failures:
        where = ":".join(str(p) for p in (failure.path, failure.line) if p is not None)
        error(f"{where}: {failure.message}")
    if report.failures:
        return error("nothing recorded: every input must be read to make a baseline")
    try:
        write_atomic_text(output, baseline.record(report.findings, report.roots))
    except OSError as exc:
        return error(f"cannot write {output}: {exc.strerror}")
    by_rule = Counter(f.code for f in report.findings)
    counts = ", ".join(f"{code} {n}" for code, n in sorted(by_rule.items())) or "none"
    say(f"recorded {len(report.findings)} findings in {output} ({counts})")
    return 0
