"""Ending a run in good order on SIGINT (Ctrl-C) and SIGTERM (kill): the exception ``Interrupted``
unwinds it, so that worker processes are stopped and the output is closed on the way out."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..output.wording import counted


class Interrupted(BaseException):
    """Raised by a signal handler of ``interruptible``; a BaseException, as KeyboardInterrupt is,
    so that code catching Exception (a plugin, the runner around it) lets it through."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def status(self) -> int:
        """The exit status a shell gives a command ended by this signal (130, 143)."""
        return 128 + self.signum


def stopped(stop: Interrupted, documents: int, resumable: bool) -> str:
    """The line that says a run was stopped, and how to go on."""
    resume = "; --resume goes on from there" if resumable else ""
    return f"pageparts: stopped by {stop} after {counted(documents, 'document')}{resume}"


@contextmanager
def interruptible() -> Iterator[None]:
    """Within, SIGINT and SIGTERM raise ``Interrupted`` (in the main thread; elsewhere no change)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
