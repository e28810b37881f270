"""Regenerate every example's output in README.md and docs/*.md by running it.

A `console` block whose lines start with `$ trackmeta ...` is an example: each command is run
from the repository root (in process, as the `trackmeta` executable runs it) and what it prints
replaces the lines that follow it, stdout then stderr. An HTML comment just before the block,
`<!-- example: head=N tail=M -->` (either or both), keeps the first N and the last M lines of each
output and marks the cut with `...`.
A page whose commands read ../shared is skipped where ../shared is absent.

    python docs/examples.py            # rewrite the pages
    python docs/examples.py --check    # exit 1 naming the pages whose examples drifted

tests/test_docs.py runs the check, so a page that no longer matches its commands fails the suite.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PROMPT = "$ trackmeta "
_BLOCK = re.compile(r"(?:(?P<cut><!-- example:(?: head=(?P<head>\d+))?(?: tail=(?P<tail>\d+))? -->)\n)?"
                    r"```console\n(?P<body>.*?)```\n", re.DOTALL)


def pages() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def needs_shared(text: str) -> bool:
    return "../shared/" in text


def regenerate(text: str) -> str:
    """The page with every example's output as the commands print it today."""
    return _BLOCK.sub(_block, text)


def _block(match: re.Match[str]) -> str:
    commands = [line for line in match["body"].splitlines() if line.startswith(PROMPT)]
    if not commands:
        return match[0]
    head, tail = int(match["head"] or 0), int(match["tail"] or 0)
    out = [match["cut"] + "\n" if match["cut"] else "", "```console\n"]
    for command in commands:
        printed = _run(shlex.split(command.removeprefix("$ "))[1:]).splitlines()
        if (head or tail) and len(printed) > head + tail:
            printed = [*printed[:head], "...", *(printed[-tail:] if tail else [])]
        out += [command + "\n", *(line + "\n" for line in printed)]
    return "".join(out) + "```\n"


def _run(argv: list[str]) -> str:
    from trackmeta.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with (_in(REPO), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr),
          contextlib.suppress(SystemExit)):  # argparse's own exits (--help)
        main(argv)
    return stdout.getvalue() + stderr.getvalue()


@contextlib.contextmanager
def _in(directory: Path) -> Iterator[None]:
    import os

    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def main(argv: list[str]) -> int:
    drifted = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        if needs_shared(text) and not SHARED.is_dir():
            print(f"{page.relative_to(REPO)}: skipped, {SHARED} is absent", file=sys.stderr)
            continue
        fresh = regenerate(text)
        if fresh != text:
            drifted.append(page)
            if "--check" not in argv:
                page.write_text(fresh, encoding="utf-8")
    for page in drifted:
        verb = "differs from what its commands print" if "--check" in argv else "regenerated"
        print(f"{page.relative_to(REPO)}: {verb}")
    return 1 if drifted and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
