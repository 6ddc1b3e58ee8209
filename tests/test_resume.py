"""Resuming an interrupted run: nothing written twice, nothing lost, no half line left behind."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from pageparts.cli import app
from pageparts.input.reading import Input, InputError
from pageparts.input.resume import done_sources, skip_done
from typer.testing import CliRunner

PAGE = "Home\n\nThe river rose overnight and the council met at dawn.\n\nContact"


@pytest.fixture
def pages(tmp_path):
    directory = tmp_path / "pages"
    directory.mkdir()
    for i in range(12):
        (directory / f"page{i:03d}.txt").write_text(f"{PAGE}\n\npage {i}")
    (directory / "page005.txt").write_bytes(b"\x00\x01binary")  # an error line counts as done too
    return directory


def sources(path):
    return [json.loads(line)["source"] for line in path.read_text().splitlines()]


def test_done_sources_counts_complete_lines_and_cuts_a_partial_last_line(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_bytes(
        b'{"source": "a", "blocks": []}\n{"source": "b\\"c", "error": "x"}\n{"source": "a"}\n{"sou'
    )
    assert done_sources(out) == Counter({"a": 2, 'b"c': 1})
    assert out.read_bytes().endswith(b'{"source": "a"}\n')
    assert done_sources(tmp_path / "missing.jsonl") == Counter()
    out.write_text('{"source": "a"}\nthis is not JSON\n')
    with pytest.raises(InputError, match=r"out.jsonl:2 is not a pageparts JSON Lines record"):
        done_sources(out)


def test_skip_done_skips_as_many_of_each_source_as_were_done():
    inputs = [Input(name) for name in ["a", "b", "a", "c", "a"]]
    assert [i.source for i in skip_done(inputs, Counter({"a": 2, "c": 1}))] == ["b", "a"]


def test_resume_after_a_cut_short_write_gives_every_input_exactly_once(pages, tmp_path):
    cli, out = CliRunner(), tmp_path / "out.jsonl"
    whole = cli.invoke(app, ["classify", str(pages), "-o", str(out), "--jobs", "1"])
    assert whole.exit_code == 1  # the binary page
    expected = out.read_text().splitlines()
    out.write_text("\n".join(expected[:4]) + "\n" + expected[4][:25])  # as a crash mid-write leaves it
    resumed = cli.invoke(app, ["classify", str(pages), "-o", str(out), "--resume", "--jobs", "2"])
    assert out.read_text().splitlines() == expected
    assert resumed.stderr.splitlines()[-1].startswith(
        "pageparts: 8 documents, 1 error, 4 already in the output, "
    )


def test_resume_after_killing_a_run_gives_every_input_exactly_once(tmp_path):
    directory = tmp_path / "many"
    directory.mkdir()
    for i in range(60):
        (directory / f"doc{i:03d}.txt").write_text(f"{PAGE}\n\ndocument {i}")
    out = tmp_path / "out.jsonl"
    command = "from pageparts.cli import app; app()"
    run = subprocess.Popen(
        [sys.executable, "-c", command, "classify", str(directory), "-o", str(out), "--jobs", "1"],
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= 3:
            run.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    run.wait()
    assert run.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    written = len(sources(out)) if out.read_bytes().endswith(b"\n") else None
    result = CliRunner().invoke(app, ["classify", str(directory), "-o", str(out), "--resume"])
    assert result.exit_code == 0
    assert sorted(sources(out)) == sorted(str(p) for p in directory.iterdir())
    assert written is None or written < 60


@pytest.mark.parametrize(
    "options",
    [["--resume"], ["--resume", "-o", "out.txt", "-f", "text"], ["--resume", "-f", "table", "-o", "x"]],
)
def test_resume_needs_a_json_lines_output_file(pages, options):
    result = CliRunner().invoke(app, ["classify", str(pages), *options])
    assert result.exit_code == 2 and "--resume needs --output FILE and JSON Lines output" in result.stderr
