"""Mapping a function over many items in worker processes, in order, with few items in flight."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_task: Callable[[Any], Any] | None = None


def _call(item: Any) -> Any:
    assert _task is not None
    return _task(item)


def ordered_map(function: Callable[[Any], Any], items: Iterable[Any], jobs: int = 1) -> Iterator[Any]:
    """``function(item)`` for each item, in input order, in ``jobs`` forked worker processes.

    The workers inherit ``function`` and whatever it uses (plugins, loaded data) from this process,
    so it need not be picklable; items and results are. At most ``2 * jobs`` items are in flight,
    so ``items`` may be a long lazy stream. Without ``fork()`` (or with ``jobs`` 1) it runs here.
    """
    global _task
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    from ..host.workers import Workers

    _task = function
    pending: deque = deque()
    workers = Workers(jobs, multiprocessing.get_context("fork"))
    finished = False
    try:
        for item in items:
            pending.append(workers.submit(_call, item))
            while len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        finished = True
    finally:  # interrupted, failed, or the caller stopped early: the work in hand is not wanted
        if finished:
            workers.close()
        else:
            workers.stop()
        _task = None
