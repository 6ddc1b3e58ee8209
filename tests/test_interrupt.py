"""SIGTERM (kill) and SIGINT (Ctrl-C) stop a `classify --jobs 2` run and its workers at once,
and leave output that --resume completes. A real pageparts process, its workers read in /proc."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, built_in_env

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads processes in /proc (Linux)")

PAGES = 300
PAGEPARTS = [sys.executable, "-c", "from pageparts.cli import app; app(prog_name='pageparts')"]


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("pages")
    content = (ROOT / "examples" / "news-article.html").read_bytes()
    for i in range(PAGES):
        (directory / f"page{i:03d}.html").write_bytes(content)
    return directory


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_workers_at_once_and_resume_completes_the_output(pages, tmp_path, number):
    out = tmp_path / "out.jsonl"
    command = [*PAGEPARTS, "classify", str(pages), "-o", str(out), "--jobs", "2"]
    # a session of its own, so that SIGINT can go to the whole process group, as Ctrl-C does
    run = subprocess.Popen(
        command, env=built_in_env(), stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    workers: list[int] = []
    try:
        assert wait_for(lambda: out.exists() and out.read_text().count("\n") >= 5, 60), "no output"
        workers = children(run.pid)
        assert len(workers) == 2
        if number == signal.SIGINT:
            os.killpg(run.pid, number)
        else:
            run.send_signal(number)
        assert run.wait(timeout=10) == 128 + number
        assert wait_for(lambda: not any(map(running, workers)), 3), "workers left running"
    finally:  # whatever happened, leave no process of this test behind
        for pid in [run.pid, *workers]:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        run.wait()
    stderr = run.stderr.read()
    assert f"pageparts: stopped by {signal.Signals(number).name} after " in stderr
    assert "--resume goes on from there" in stderr and "Traceback" not in stderr
    lines = out.read_text().splitlines()
    assert 5 <= len(lines) < PAGES
    assert all(json.loads(line)["blocks"] for line in lines)

    again = subprocess.run(
        [*command, "--resume"], env=built_in_env(), capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    sources = [json.loads(line)["source"] for line in out.read_text().splitlines()]
    assert sorted(sources) == sorted(str(p) for p in pages.iterdir())
