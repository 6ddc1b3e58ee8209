"""A one-line progress bar on standard error, shown only on a terminal (quiet when piped)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 24


class Progress:
    """``start`` a stage, ``advance`` it, ``say`` a line; drawn at most five times a second."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty()
        self.interval = interval
        self.what, self.total, self.done, self.drawn_at = "", 0, 0, float("-inf")

    def start(self, what: str, total: int = 0) -> None:
        self.what, self.total, self.done = what, total, 0
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        self._draw(force=self.done == self.total)

    def say(self, message: str) -> None:
        """Write a line of its own (always, terminal or not), then redraw the bar below it."""
        self.clear()
        self.stream.write(message + "\n")
        self.stream.flush()
        self._draw(force=True)

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.shown or not self.what or (not force and now - self.drawn_at < self.interval):
            return
        if self.total:
            filled = WIDTH * min(self.done, self.total) // self.total
            bar = f" [{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total}"
        else:
            bar = f" {self.done}" if self.done else ""
        self.stream.write(f"\r\x1b[K{self.what}{bar}")
        self.stream.flush()
        self.drawn_at = now
