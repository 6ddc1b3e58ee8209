"""The garbage collection of the processes pageparts classifies in (pageparts.host.collector)."""

from __future__ import annotations

import gc
import multiprocessing
import sys
from collections.abc import Iterator

import pytest
from pageparts.host.collector import YOUNG_THRESHOLD, collect_less
from pageparts.host.runner import Runner


@pytest.fixture
def threshold() -> Iterator[None]:
    """The test's process keeps its own thresholds."""
    saved = gc.get_threshold()
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def test_raises_the_young_threshold_only(threshold: None) -> None:
    gc.set_threshold(700, 9, 8)
    collect_less()
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 9, 8)
    gc.set_threshold(YOUNG_THRESHOLD * 2, 9, 8)
    collect_less()
    assert gc.get_threshold() == (YOUNG_THRESHOLD * 2, 9, 8)


def test_leaves_a_disabled_collector_alone(threshold: None) -> None:
    gc.set_threshold(0)
    collect_less()
    assert gc.get_threshold()[0] == 0


def _young_threshold(_: object) -> int:
    return gc.get_threshold()[0]


@pytest.mark.skipif(sys.platform == "win32", reason="uses fork()")
def test_worker_processes_collect_less(threshold: None) -> None:
    from pageparts.host import runner as runner_module
    from pageparts.host.workers import Workers

    gc.set_threshold(700)
    context = multiprocessing.get_context("fork")
    workers = Workers(1, context, runner_module._start_worker, (Runner(models=None), None))
    try:
        assert workers.submit(_young_threshold, None).result(timeout=60) == YOUNG_THRESHOLD
    finally:
        workers.close()
    assert gc.get_threshold()[0] == 700  # the API leaves the caller's process alone
