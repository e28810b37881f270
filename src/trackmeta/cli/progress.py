"""A one-line status on stderr for long runs: only on a terminal, only once a run has taken a
second, never in CI or with --quiet, and wiped when the run ends."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, enabled: bool, stream: TextIO | None = None, delay: float = 1.0) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.delay = delay
        self.start = time.monotonic()
        self.width = 0

    @classmethod
    def for_terminal(cls, quiet: bool) -> Progress:
        stream = sys.stderr
        return cls(not quiet and stream.isatty() and not os.environ.get("CI"), stream)

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < self.delay:
            return
        filled = int(20 * done / max(total, 1))
        line = f"trackmeta [{'#' * filled}{'.' * (20 - filled)}] {done}/{total} {step}"[:120]
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
