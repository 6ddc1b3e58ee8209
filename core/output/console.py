"""The progress line on standard error: drawn only on a terminal, never into a pipe or a file."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .wording import counted

WIDTH = 24
"""Characters of a stage's bar."""

CLEAR = "\r\x1b[K"
"""Back to the start of the line, and erase it."""


class Progress:
    """One line, redrawn at most every ``interval`` seconds, showing either a stage with its bar
    (``start``, ``advance``: training) or a run's documents, rate and errors (``add``, ``update``:
    classify). ``say`` writes a line of its own above it; ``hide`` clears it, to write something
    else (``clear`` and ``close`` too).

    ``shown``: whether to draw at all (by default, when ``stream`` is a terminal); ``say``'s lines
    are written either way.
    """

    def __init__(
        self, stream: TextIO | None = None, interval: float = 0.2, shown: bool | None = None
    ) -> None:
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty() if shown is None else shown
        self.interval = interval
        self.clock = time.monotonic
        self.started = self.clock()
        self.drawn_at = float("-inf")
        self.visible = False
        self.what, self.total, self.done, self.errors = "", 0, 0, 0
        self.counting = False

    # -- a stage of known or unknown length -------------------------------------------------------

    def start(self, what: str, total: int = 0) -> None:
        self.what, self.total, self.done = what, total, 0
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        self._draw(force=self.done == self.total)

    # -- a run of documents -----------------------------------------------------------------------

    def update(self, error: bool = False) -> None:
        """Count one more document (``error``: it failed)."""
        self.add(1, int(error))

    def add(self, documents: int, errors: int = 0) -> None:
        """Count ``documents`` more, ``errors`` of them failed."""
        self.counting = True
        self.done += documents
        self.errors += errors
        self._draw(force=not self.visible)

    # -- the line ---------------------------------------------------------------------------------

    def say(self, message: str) -> None:
        """Write a line of its own (always, terminal or not), then redraw the progress below it."""
        self.hide()
        self.stream.write(message + "\n")
        self.stream.flush()
        self._draw(force=True)

    def draw(self) -> None:
        """Draw the line now."""
        self._draw(force=True)

    def hide(self) -> None:
        """Clear the line (before something else is written to the terminal)."""
        if self.visible:
            self.stream.write(CLEAR)
            self.stream.flush()
            self.visible = False

    def clear(self) -> None:
        self.hide()

    def close(self) -> None:
        """Clear the line: the run's summary follows."""
        self.hide()

    def line(self, now: float) -> str:
        if self.counting:
            rate = self.done / max(now - self.started, 1e-6)
            return f"{counted(self.done, 'document')}, {rate:.1f}/s, {counted(self.errors, 'error')}"
        if self.total:
            filled = WIDTH * min(self.done, self.total) // self.total
            return f"{self.what} [{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total}"
        return f"{self.what} {self.done}" if self.done else self.what

    def _draw(self, force: bool = False) -> None:
        now = self.clock()
        if not self.shown or not (self.counting or self.what):
            return
        if not force and now - self.drawn_at < self.interval:
            return
        self.stream.write(CLEAR + self.line(now))
        self.stream.flush()
        self.drawn_at, self.visible = now, True
