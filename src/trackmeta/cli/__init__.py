"""Command line: argument parsing only, one small module per command; the work is done by the
Python API. Every command receives the one Settings object (defaults < config < flags).

Exit status: 0 clean, 1 findings at or above --fail-on, 2 trackmeta could not do its job.

May import: every package (the arrows run cli -> jobs -> io, specs, ontology -> core).
"""

from __future__ import annotations

import argparse
import errno
import gc
import io
import os
import re
import sys
from collections.abc import Sequence

from trackmeta._version import __version__
from trackmeta.cli import baseline, check, config, curation, fix, ontologies, rules, terms, tracks
from trackmeta.cli.common import EXIT_FAILURE, EXIT_PIPE_CLOSED, error, flags_of, say

__all__ = ["build_parser", "entry", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILURE, f"trackmeta: error: {message}{self._close_match(message)}\n")

    def _close_match(self, message: str) -> str:
        """A command or option mistyped: the one meant, where one is close."""
        from trackmeta.words import did_you_mean

        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice is not None:
            return did_you_mean(choice[1], re.findall(r"'([^']*)'", choice[2]))
        unknown = re.match(r"unrecognized arguments: (-\S+)", message)
        if unknown is None:
            return ""
        options = {o for parser in self._parsers() for o in parser._option_string_actions}
        return did_you_mean(unknown[1].split("=", 1)[0], options)

    def _parsers(self) -> list[argparse.ArgumentParser]:
        """This parser and its subcommands' parsers."""
        found: list[argparse.ArgumentParser] = [self]
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                found.extend(action.choices.values())
        return found


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; or, given the arguments, only the subcommands they can name (a run of
    one command does not build the other dozen)."""
    parser = _Parser(prog="trackmeta", description=(
        "An ontology-aware validator for genomic track metadata (AlphaGenome output metadata). "
        "Exit status: 0 clean, 1 findings, 2 trackmeta could not do its job."))
    parser.add_argument("--version", action="version", version=f"trackmeta {__version__}")
    modules = (check, baseline, fix, curation, config, terms, tracks, ontologies, rules)
    every = ",".join(name for m in modules for name in m.COMMANDS)  # usage names them all
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                     metavar=f"{{{every}}}")
    named = next((a for a in argv if not a.startswith("-")), None) if argv is not None else None
    chosen = [m for m in modules if named in m.COMMANDS]
    for module in chosen or modules:
        module.add(commands)
    return parser


def entry() -> None:
    """The `trackmeta` executable and `python -m trackmeta`.

    A short-lived process that makes few reference cycles: the cyclic collector only costs time
    here (about 50 ms of a 0.65 s check of the real table). And once the output is flushed, the
    process ends without tearing the interpreter down (freeing every pandas object costs about
    0.1 s and changes nothing the user sees; files were written whole and closed by then).
    """
    gc.disable()
    _serve_memory()
    on_termination()
    standard_streams()
    # pandera imports hypothesis, when installed, to register data-synthesis strategies no check
    # uses (about 0.14 s); this process never synthesises data, so it is not imported here
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = _pipe_closed()
    os._exit(code)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


def _serve_memory() -> None:
    """Memory as a short run is served best, set before numpy is imported (a check of a
    million rows measured, with its system time):

    - glibc keeps what the run frees for its next allocation. By default a large array is
      mapped from the kernel and unmapped when freed, and the heap's freed top given back: the
      check makes and drops hundreds of table-long arrays, each page of them a fault served
      with a zeroed page (250,000-320,000 faults, 0.7-1.2 s). Kept (arrays up to 32 MiB from the
      heap, which is not trimmed): 175,000 faults, 0.45-0.85 s; peak memory about 6% higher. A
      process that ends with its command needs nothing given back.
    - numpy does not ask for transparent huge pages (its NUMPY_MADVISE_HUGEPAGE, unless the
      caller set it): where the kernel compacts memory to find one (defrag=madvise, Debian's
      default), a run now and then spent 0.4 s more in the kernel; without, 240,000 faults of
      small pages take 0.39-0.47 s every time.

    Elsewhere than Linux and glibc nothing is changed."""
    if not sys.platform.startswith("linux"):
        return
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # glibc's most: half its 64 MiB heap size
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)


class _Closed(io.TextIOBase):
    """A standard stream the caller closed (`>&-`): using it is an OSError naming it, which
    `main` reports as exit 2; no traceback."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _closed(self) -> OSError:
        return OSError(errno.EBADF, f"{self.name} is closed")

    def write(self, text: str) -> int:
        raise self._closed()

    def read(self, size: int | None = -1) -> str:
        raise self._closed()

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise self._closed()

    @property
    def buffer(self) -> io.BufferedIOBase:
        raise self._closed()


def _working_directory() -> bool:
    try:
        os.getcwd()
    except OSError:
        return False
    return True


def standard_streams() -> None:
    """Streams as a run needs them: one the caller closed stands in as a closed stream (stderr
    as a sink: there is nowhere else to say anything), and text the stream's encoding cannot
    hold (PYTHONIOENCODING=ascii) is written escaped instead of failing: no report is lost."""
    if sys.stdin is None:
        sys.stdin = _Closed("standard input")
    if sys.stdout is None:
        sys.stdout = _Closed("standard output")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the run
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


class Terminated(BaseException):
    """SIGTERM (a CI job cancelled, `kill`): raised where the run stands, so that every write in
    progress removes its temporary file and nothing partial is left, as for Ctrl-C."""


def on_termination() -> None:
    """Turn SIGTERM into Terminated in this process (the executable's, not a caller's)."""
    import signal

    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    signal.signal(signal.SIGTERM, terminate)


def _pipe_closed() -> int:
    """The reader of our output went away (`| head`): stop quietly, as other tools do. Output
    still buffered must not raise again when Python flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_PIPE_CLOSED


def _organism_named(name: str) -> str:
    from trackmeta.specs.model import default_specs
    from trackmeta.specs.organism import find

    return find(name, default_specs()).name


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status; never lets a traceback reach the user."""
    given = sys.argv[1:] if argv is None else list(argv)
    if not given:  # bare `trackmeta`: what it is and its commands, not an error
        build_parser().print_help()
        return 0
    args = build_parser(given).parse_args(given)
    debug = bool(os.environ.get("TRACKMETA_DEBUG"))
    try:
        from trackmeta import settings

        resolved = settings.resolve(flags_of(args), _organism_named,
                                    config=getattr(args, "config", None),
                                    isolated=getattr(args, "isolated", False))
        code: int = args.run(args, resolved)
        return code
    except KeyboardInterrupt:
        say("trackmeta: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        say("trackmeta: terminated", file=sys.stderr)
        return 143
    except BrokenPipeError:
        return _pipe_closed()
    except OSError as exc:  # the machine, not the input: a full disk, a read-only directory
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        if exc.errno == errno.EBADF and isinstance(sys.stdout, _Closed):
            return error(f"{exc.strerror or exc}: give the report a file with -o FILE")
        if exc.filename is None and exc.errno == errno.ENOENT and not _working_directory():
            return error("the working directory no longer exists: run from one that does, "
                         "or give absolute paths")
        return error(f"{where}{exc.strerror or exc}; nothing partial was left behind")
    except Exception as exc:  # the last line of defence: no traceback for users
        from trackmeta.findings import UsageError
        from trackmeta.ontology.sources import OntologyError
        from trackmeta.specs.model import SpecError

        if debug:
            raise
        if isinstance(exc, (UsageError, SpecError, OntologyError, ValueError)):
            return error(str(exc))
        say(f"trackmeta: internal error (a bug in trackmeta, please report it): "
            f"{type(exc).__name__}: {exc}\nSet TRACKMETA_DEBUG=1 to see the traceback.",
            file=sys.stderr)
        return EXIT_FAILURE
