"""Pools of worker processes that end with the run that started them.

A worker of a ``Workers`` pool ignores SIGINT (a terminal's Ctrl-C reaches the whole process
group: the process that started the pool decides what it means), takes the default action on
SIGTERM (whatever handler it inherited by ``fork``), and on Linux asks the kernel to send it
SIGTERM when its parent ends, however that ends (a kill, a crash, an out-of-memory kill); the
parent is the thread that started the pool, so start it in a thread that lives as long as the run.
``Workers.stop`` ends the workers at once, for a run that is interrupted or abandoned: shutting
the pool down would wait for the work they have in hand.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.context import BaseContext
from typing import Any

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Workers:
    """``jobs`` worker processes made with ``context``, each running ``initializer(*initargs)`` first."""

    def __init__(
        self,
        jobs: int,
        context: BaseContext,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        self._start = (jobs, context, initializer, initargs)
        self.executor = self._pool()

    def submit(self, function: Callable[..., Any], *args: Any) -> Future:
        return self.executor.submit(function, *args)

    @property
    def broken(self) -> bool:
        """Whether a worker died, which breaks the pool (every task in flight fails)."""
        return bool(getattr(self.executor, "_broken", False))

    def restart(self) -> None:
        """A new pool in place of a broken one."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._pool()

    def close(self) -> None:
        """Shut the pool down once its work is done."""
        self.executor.shutdown(wait=True, cancel_futures=True)

    def stop(self) -> None:
        """End the workers now, dropping the work they have in hand.

        A worker ended while it sends a result leaves the pool's manager thread waiting for the
        rest of the message for ever, and shutting the pool down waits for that thread. Once the
        workers are gone, this process holds the last writing end of the result pipe: closing it
        ends that wait (the manager reads the end of the stream, finds the pool broken and exits).
        """
        processes = getattr(self.executor, "_processes", None) or {}  # no public way to reach them
        ending = list(processes.values())
        for process in ending:
            process.terminate()
        left = [process.sentinel for process in ending]
        while left:
            for ended in wait(left):
                left.remove(ended)
        result_queue = getattr(self.executor, "_result_queue", None)
        if result_queue is not None:
            result_queue._writer.close()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        jobs, context, initializer, initargs = self._start
        return ProcessPoolExecutor(
            jobs, context, initializer=_start_worker, initargs=(os.getpid(), initializer, initargs)
        )


@dataclass
class _Task:
    """One item of work, and its future (None: not sent)."""

    item: Any
    future: Future | None = None
    alone: bool = False
    """Run it with nothing else in flight (it was in flight when a worker died)."""


class InFlight:
    """``function(item)`` for items sent to ``workers``, finished in the order they were added.

    A worker that dies (killed, out of memory, crashed in native code) breaks the pool, and every
    task in flight fails. The pool is then restarted and those tasks run again one at a time: a
    task that breaks the pool on its own is the one that kills workers, and only it gives
    ``crashed(item, error)`` as its outcome.
    """

    def __init__(
        self,
        workers: Workers,
        function: Callable[[Any], Any],
        crashed: Callable[[Any, BaseException], Any],
    ) -> None:
        self.workers, self.function, self.crashed = workers, function, crashed
        self.tasks: deque[_Task] = deque()

    def __len__(self) -> int:
        return len(self.tasks)

    def add(self, item: Any) -> None:
        self.tasks.append(_Task(item))
        self._send()

    def finish(self) -> Any | None:
        """The outcome of the oldest task, or None when it must run again (a worker died)."""
        head = self.tasks[0]
        try:
            if head.future is None:  # the pool broke before it could be sent
                raise BrokenProcessPool("a worker process died")
            outcome = head.future.result()
        except Exception as error:
            if self.workers.broken:
                self.workers.restart()
                if not head.alone:  # any task in flight may have killed the worker
                    for task in self.tasks:
                        if not _succeeded(task.future):
                            task.future, task.alone = None, True
                    self._send()
                    return None
            outcome = self.crashed(head.item, error)
        self.tasks.popleft()
        self._send()
        return outcome

    def _send(self) -> None:
        """Send the tasks not sent yet: all of them, or while some must run alone, the oldest."""
        isolating = any(task.alone for task in self.tasks)
        for task in list(self.tasks)[:1] if isolating else self.tasks:
            if task.future is None:
                try:
                    task.future = self.workers.submit(self.function, task.item)
                except BrokenProcessPool:  # a worker just died: finish() starts a new pool
                    return


def _succeeded(future: Future | None) -> bool:
    return future is not None and future.done() and not future.cancelled() and future.exception() is None


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def _end_with_parent(parent: int) -> None:
    """Have the kernel end this process when its parent ends (Linux); end now if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
