"""The Dask engine: partitions, part files, the same results as one machine, resuming; lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pageparts.cli import app
from pageparts.host.dask_engine import Partition, classify_on_dask, plan_partitions
from typer.testing import CliRunner

PAGE = "Home\n\nThe river rose overnight and the council met at dawn.\n\nContact"


@pytest.fixture(scope="module")
def cluster():
    """A small cluster in this process (threads), started by the test."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as local,
        Client(local) as client,
    ):
        yield client


@pytest.fixture
def inputs(tmp_path):
    """Five loose pages (one binary), then a JSON Lines file of three records (one bad)."""
    directory = tmp_path / "in"
    directory.mkdir()
    for i in range(5):
        (directory / f"a{i}.txt").write_text(f"{PAGE}\n\npage {i}")
    (directory / "a2.txt").write_bytes(b"\x00\x01binary")
    lines = [json.dumps({"text": f"{PAGE}\n\nrecord {i}", "id": i}) for i in range(2)]
    (directory / "b.jsonl").write_text("\n".join([*lines, "{broken"]) + "\n")
    return directory


def test_partitions_keep_input_order_containers_alone_and_loose_files_together(tmp_path):
    for name in ("a.txt", "b.txt", "c.warc.gz", "d.txt", "e.jsonl", "f.txt", "g.txt", "h.txt"):
        (tmp_path / name).write_text("x")
    parts = list(plan_partitions([str(tmp_path)], partition_size=2))
    assert [(p.index, p.kind, [n.rsplit("/", 1)[1] for n in p.paths]) for p in parts] == [
        (0, "file", ["a.txt", "b.txt"]),
        (1, "warc", ["c.warc.gz"]),
        (2, "file", ["d.txt"]),
        (3, "jsonl", ["e.jsonl"]),
        (4, "file", ["f.txt", "g.txt"]),
        (5, "file", ["h.txt"]),
    ]
    assert Partition(7, "file", ()).target("out") == "out/part-00007.jsonl"
    assert [p.kind for p in plan_partitions([str(tmp_path / "a.txt")], kind="jsonl")] == ["jsonl"]


def test_dask_writes_the_same_results_as_one_machine_in_part_files(cluster, inputs, tmp_path):
    output = tmp_path / "out"
    summary = classify_on_dask([str(inputs)], str(output), scheduler=cluster, partition_size=2)
    parts = sorted(output.iterdir())
    assert [p.name for p in parts] == [f"part-{i:05d}.jsonl" for i in range(4)]
    local = CliRunner().invoke(app, ["classify", str(inputs), "-f", "jsonl", "--jobs", "1"])
    assert "".join(p.read_text() for p in parts) == local.stdout
    assert (summary.partitions, summary.documents, summary.errors) == (4, 8, 2)

    (output / "part-00001.jsonl").unlink()
    again = classify_on_dask([str(inputs)], str(output), scheduler=cluster, partition_size=2, resume=True)
    assert (again.already_done, again.partitions, again.documents) == (3, 1, 2)
    assert "".join(p.read_text() for p in sorted(output.iterdir())) == local.stdout


def test_cli_dask_engine_reports_errors_and_a_summary(cluster, inputs, tmp_path):
    output = tmp_path / "out"
    options = ["--engine", "dask", "--scheduler", cluster.scheduler.address, "-o", str(output)]
    result = CliRunner().invoke(app, ["classify", str(inputs), *options, "--partition-size", "3"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    binary, bad_json = sorted(lines[:2])
    assert binary == f"pageparts: {inputs}/a2.txt: binary content, not HTML or text"
    assert bad_json.startswith(f"pageparts: {inputs}/b.jsonl:3: not valid JSON: ")
    assert lines[2].startswith("pageparts: 8 documents, 2 errors, ")
    assert lines[2].endswith(f", 3 partitions run, output in {output}")
    assert len((output / "part-00002.jsonl").read_text().splitlines()) == 3


def test_dask_engine_needs_an_output_directory(inputs):
    result = CliRunner().invoke(app, ["classify", str(inputs), "--engine", "dask"])
    assert result.exit_code == 2 and "--engine dask needs --output DIR" in result.stderr


def test_the_command_line_does_not_import_dask_or_fastwarc():
    code = (
        "import sys, pageparts.cli, pageparts.host.runner, pageparts.input.reading, pageparts.input.resume\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'fastwarc'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_cli_dask_engine_tells_each_documents_warnings(cluster, tmp_path):
    directory = tmp_path / "in"
    directory.mkdir()
    (directory / "a.txt").write_text(PAGE)
    (directory / "b.txt").write_text("")
    options = ["--engine", "dask", "--scheduler", cluster.scheduler.address, "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(app, ["classify", str(directory), *options])
    assert result.exit_code == 0
    warning = f"pageparts: {directory}/b.txt: warning: the input is empty (no blocks)"
    assert result.stderr.splitlines() == [warning]
