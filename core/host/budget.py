"""The time budget of a plugin on one document: always measured, and enforced by an alarm where possible.

Where the operating system has interval timers (Linux, macOS) and the plugin runs in the main thread
(the command line, its worker processes, most scripts), a plugin still running when its budget is
spent is interrupted by ``PluginTimeout``. The interrupt lands at the next Python instruction: a plugin
stuck in one long call into native code (a C extension, a model's predict) is stopped only when that
call returns, and one that never returns hangs the run. Elsewhere (Windows, other threads) nothing is
interrupted and the runner only drops the votes of a plugin that took too long.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_TIME_BUDGET = 10.0
"""Seconds (wall clock) a plugin may spend on a document of up to BUDGET_BLOCKS blocks before its
votes are dropped."""

BUDGET_BLOCKS = 1_000
"""A document of more blocks gives each plugin proportionally more time (see ``budget_for``)."""


def budget_for(seconds: float | None, blocks: int) -> float | None:
    """The time budget of one plugin on a document of ``blocks`` blocks: ``seconds`` for up to
    BUDGET_BLOCKS blocks, proportionally more beyond, so that the budget stops a plugin that hangs
    but never one that is merely working through a long page. None or 0: no limit."""
    if not seconds:
        return seconds
    return seconds * max(1.0, blocks / BUDGET_BLOCKS)


class PluginTimeout(BaseException):
    """Raised inside a plugin that runs past its time budget.

    A BaseException, like KeyboardInterrupt, so that a plugin's own ``except Exception`` does not
    swallow it.
    """


def can_interrupt() -> bool:
    """Whether ``time_limit`` can interrupt code here (interval timers, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise PluginTimeout in the code inside after ``seconds``, where ``can_interrupt()``.

    ``None`` or 0 means no limit. A timer and SIGALRM handler already set are restored afterwards.
    """
    if not seconds or not can_interrupt():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise PluginTimeout(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer:  # someone else's timer was running: let it go off when it would have
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-6))
