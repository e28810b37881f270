"""`trackmeta rules` and `trackmeta rule CODE`: the rule catalogue."""

from __future__ import annotations

import argparse

from trackmeta.cli.common import add_format_option, error, say, say_json
from trackmeta.settings import Settings

COMMANDS = ("rules", "rule")  # the subcommands `add` defines


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = commands.add_parser("rules", help="list every rule")
    add_format_option(listing)
    listing.set_defaults(run=run_rules)
    one = commands.add_parser("rule", help="explain one rule")
    one.add_argument("code", help="rule code (TM203) or name (curie-id-format)")
    one.set_defaults(run=run_rule)


def run_rules(args: argparse.Namespace, settings: Settings) -> int:
    from trackmeta.rules import RULES

    if args.format == "json":
        say_json([{"code": r.code, "name": r.name, "severity": str(r.severity),
                   "summary": r.summary, "why": r.why, "example": r.example, "fix": r.fix}
                  for r in RULES.values()])
        return 0
    width = max(len(r.name) for r in RULES.values())
    for r in RULES.values():
        say(f"{r.code}  {r.name:<{width}}  {r.severity!s:<7}  {r.summary}")
    return 0


def run_rule(args: argparse.Namespace, settings: Settings) -> int:
    from trackmeta.rules import find_rule

    r = find_rule(args.code)
    if r is None:
        from trackmeta.rules import RULES
        from trackmeta.words import did_you_mean

        return error(f"no rule {args.code!r}{did_you_mean(args.code, RULES)} "
                     "(see `trackmeta rules`)")
    say(f"{r.code} {r.name} (default severity: {r.severity})\n\n"
        f"What it does\n  {r.summary}\n\nWhy is this bad?\n  {r.why}\n\n"
        f"Example\n  {r.example}\n\nUse instead\n  {r.fix}")
    return 0
