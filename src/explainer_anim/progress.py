"""Progress per exhibit and step. On a terminal one line updates in place; in a log (CI) each
step is one plain line."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._open_line = False

    def step(self, phase: str, index: int | None = None, what: str = "") -> None:
        count = f"[{index}/{self.total}] " if index is not None else ""
        elapsed = time.monotonic() - self.started
        line = f"{phase:<8} {count}{what}".rstrip()
        if self.tty:
            self.stream.write(f"\r\033[K{line}  ({elapsed:.0f}s)")
            self._open_line = True
        else:
            self.stream.write(f"{line}\n")
        self.stream.flush()

    def note(self, message: str) -> None:
        self._end_line()
        self.stream.write(f"{message}\n")
        self.stream.flush()

    def _end_line(self) -> None:
        if self._open_line:
            self.stream.write("\n")
            self._open_line = False
