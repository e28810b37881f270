"""`trackmeta config`: the effective settings, and where each came from."""

from __future__ import annotations

import argparse

from trackmeta.cli.common import add_config_options, add_format_option, say, say_json
from trackmeta.settings import Settings

COMMANDS = ("config",)  # the subcommands `add` defines


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "config", help="show the effective settings and where each came from",
        description="Defaults, then trackmeta.toml or [tool.trackmeta] in pyproject.toml (the "
                    "nearest from the working directory upward), then flags.")
    add_format_option(parser)
    add_config_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    rows = settings.describe()
    if args.format == "json":
        say_json({"config": str(settings.config) if settings.config else None,
                  "settings": {key: {"value": value, "source": source}
                               for key, value, source in rows}})
        return 0
    say(f"configuration file: {settings.config or '(none found)'}")
    width = max(len(key) for key, _, _ in rows)
    for key, value, source in rows:
        say(f"{key:<{width}}  {value}  [{source}]")
    return 0
