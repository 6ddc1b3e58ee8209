"""Counting a run's documents and telling the user about each one's problems, as they come."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ..host.runner import Result
    from ..output.console import Progress


@dataclass
class Tally:
    """The documents of a run, those that failed and those that lost a plugin's votes; each
    one's error or warnings go to stderr."""

    progress: Progress | None = None
    documents: int = 0
    errors: int = 0
    dropped: int = 0

    def add(self, result: Result) -> None:
        """Count ``result`` and tell its error or its warnings."""
        self.documents += 1
        self.dropped += bool(result.dropped)
        if result.error is not None:
            self.errors += 1
            self.tell(result.source, result.error)
        for warning in result.warnings:
            self.tell(result.source, f"warning: {warning}")

    @property
    def status(self) -> int:
        """The exit status: 1 when a document failed or lost a plugin's votes, else 0."""
        return 1 if self.errors or self.dropped else 0

    def tell(self, source: str, problem: str) -> None:
        """One line on stderr naming ``source`` (the progress line is cleared first)."""
        if self.progress:
            self.progress.hide()
        typer.echo(f"pageparts: {source}: {problem}", err=True)
