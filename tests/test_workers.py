"""Stopping a pool of workers ends at once, even when a worker is ended half-way through sending
its result (the pool's manager thread would wait for the rest of that message for ever)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses fork()")

STOPS = 20
SCRIPT = f"""
import multiprocessing, random, time
from pageparts.host.workers import Workers

def large(size):
    return b"x" * size

if __name__ == "__main__":
    for _ in range({STOPS}):
        workers = Workers(2, multiprocessing.get_context("fork"))
        futures = [workers.submit(large, 4_000_000) for _ in range(6)]
        time.sleep(random.uniform(0.0, 0.05))
        workers.stop()
    print("stopped")
"""


def test_stopping_workers_busy_sending_large_results_never_hangs():
    # Before the fix, the first or second of these stops hung (the results are far larger than a pipe holds).
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped"
