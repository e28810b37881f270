"""What every command shares: printing that escapes input text, exit codes, option types, and
the options that make up the settings."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from trackmeta import escape

EXIT_FAILURE = 2
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, as `yes | head` ends
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "rdjsonl", "azure", "html")


def say(*parts: object, file: TextIO | None = None) -> None:
    """Print, with every line escaped for a terminal: values, labels and file names come from
    inputs, and none may drive the terminal."""
    print(escape.lines(" ".join(str(p) for p in parts)), file=file or sys.stdout)


def say_json(value: object) -> None:
    """JSON whose strings the encoder escapes, made valid UTF-8 first."""
    print(escape.json_text(json.dumps(escape.deep(value, escape.utf8), indent=2,
                                      ensure_ascii=False)))


def error(message: str) -> int:
    say(f"trackmeta: error: {message}", file=sys.stderr)
    return EXIT_FAILURE


def codes(text: str) -> tuple[str, ...]:
    from trackmeta.settings import SettingsError, parse_codes

    try:
        return parse_codes(text)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("the option: ")) from None


def size(text: str) -> int:
    from trackmeta.limits import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def ontology(text: str) -> tuple[str, str]:
    prefix, sep, path = text.partition("=")
    if not sep or not prefix or not path:
        raise argparse.ArgumentTypeError(f"expected PREFIX=PATH (e.g. CL=cl-basic.obo), not {text!r}")
    return prefix.strip(), path


def add_format_option(parser: argparse.ArgumentParser,
                      formats: tuple[str, ...] = ("text", "json")) -> None:
    """`--format`, also spelt `--output-format` as ruff spells it; text by default."""
    parser.add_argument("--format", "--output-format", dest="format", choices=formats,
                        default="text", help="output format (default: text)")


def add_config_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("configuration")
    group.add_argument("--config", type=Path, metavar="FILE",
                       help="use this trackmeta.toml or pyproject.toml (default: the nearest "
                            "one from the working directory upward)")
    group.add_argument("--isolated", action="store_true",
                       help="ignore every configuration file")


def add_ontology_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ontology", type=ontology, action="append", metavar="PREFIX=PATH",
        help="use this OBO/OWL/OBO-JSON release for PREFIX instead of the bundled one "
             "(repeatable; `pulled` for one fetched by `ontologies pull`)")


def add_organism_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--organism", metavar="NAME",
        help="organism of the metadata: human or mouse (also HOMO_SAPIENS, MUS_MUSCULUS); "
             "default: a manifest's `organism:`, an official file named for its organism, "
             "else human")


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """The options a check and a baseline share (they must judge alike)."""
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="a table, a directory holding a release's tables, or - for stdin")
    parser.add_argument("--output-type", metavar="TYPE",
                        help="output type of tables without an output_type column "
                             "(default: from the file name, e.g. rna_seq.tsv)")
    add_organism_option(parser)
    parser.add_argument("--delimiter", type=delimiter, help="field delimiter (default: sniffed)")
    parser.add_argument("--stdin-filename", metavar="PATH",
                        help="the path of the table read from - (stdin): its name in reports "
                             "and baselines, and its release directory's manifest")
    parser.add_argument("--select", type=codes, metavar="CODES",
                        help="comma-separated rule code prefixes to run (default: all)")
    parser.add_argument("--extend-select", type=codes, metavar="CODES",
                        help="rule code prefixes to run on top of the configured selection")
    parser.add_argument("--ignore", type=codes, metavar="CODES",
                        help="comma-separated rule code prefixes to skip")
    parser.add_argument("--max-input-size", type=size, metavar="SIZE",
                        help="refuse an input larger than this after decompression "
                             "(default: 1G; e.g. 200M, 4G)")
    add_quiet_option(parser, "no diagnostics on stderr")
    add_ontology_option(parser)
    add_config_options(parser)


def add_quiet_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--quiet", "-q", action="store_true", help=what)


def count(text: str) -> int:
    """A non-negative whole number (a limit, a distance): anything else is a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of 0 or more, not {value}")
    return value


def delimiter(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(text.lower(), text)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"a delimiter is one character (or tab, comma), not {text!r}")
    return value


SETTING_FLAGS = ("select", "ignore", "extend_select", "fail_on", "organism", "baseline",
                 "max_input_size")


def flags_of(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given as flags (None where a flag was not given)."""
    flags = {name: getattr(args, name, None) for name in SETTING_FLAGS}
    given = getattr(args, "ontology", None)
    flags["ontologies"] = dict(given) if given else None
    return flags
