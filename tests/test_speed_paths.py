"""The fast paths: worker processes (--jobs), the classifier cache, the progress line."""

from __future__ import annotations

import io
import json
import os

import pytest
from pageparts.cli import app
from pageparts.hookspecs import hookimpl
from pageparts.host.runner import Runner
from pageparts.output.console import Progress
from pageparts.output.formats import render
from pageparts.plugin_info import PluginInfo
from typer.testing import CliRunner

from .conftest import KeywordPlugin, RaisingPlugin, registry_with

PAGE = "Home\n\nThe river rose overnight and the council met at dawn.\n\nContact"


@pytest.fixture
def pages(tmp_path):
    """Nine pages, the fifth of them binary (an error), in a known order."""
    paths = []
    for i in range(9):
        path = tmp_path / f"page{i}.txt"
        path.write_bytes(b"\x00\x01binary" if i == 4 else f"{PAGE}\n\npage {i}".encode())
        paths.append(str(path))
    return paths


def outline(results):
    return [
        (r.source, r.error, r.document and [(b.text, b.label, b.votes) for b in r.document.blocks])
        for r in results
    ]


def test_worker_processes_give_the_same_results_in_input_order(keyword_registry, pages):
    alone = list(Runner(registry=keyword_registry).run(pages))
    spread = list(Runner(registry=keyword_registry).run(pages, jobs=2, chunk_size=2))
    assert outline(spread) == outline(alone)
    assert [r.source for r in spread] == pages
    assert spread[4].error == "binary content, not HTML or text"
    assert spread[5].document.blocks[1].label == "body"


def test_workers_can_render_the_output(keyword_registry, pages):
    def as_jsonl(result):
        return render(result, "jsonl")

    rendered = list(Runner(registry=keyword_registry).run(pages, jobs=2, render=as_jsonl, chunk_size=3))
    assert all(r.document is None and r.output for r in rendered)
    records = [json.loads(r.output) for r in rendered]
    assert [rec["source"] for rec in records] == pages
    assert records[4] == {"source": pages[4], "error": "binary content, not HTML or text"}
    assert records[0]["blocks"][1]["label"] == "body"


class Crashing:
    """Kills its worker process on documents that mention 'crash'."""

    @hookimpl
    def pageparts_plugin_info(self):
        return PluginInfo("crashing", ("body",))

    @hookimpl
    def pageparts_classify(self, document):
        if any("crash" in b.text for b in document.blocks):
            os._exit(3)
        return []


def test_a_dying_worker_costs_only_its_documents(tmp_path, pages):
    bad = tmp_path / "bad.txt"
    bad.write_text("please crash now")
    sources = [*pages[:3], str(bad), *pages[5:]]
    runner = Runner(registry=registry_with(crash=Crashing(), prose=KeywordPlugin("prose", "body", "river")))
    results = list(runner.run(sources, jobs=2, chunk_size=1))
    assert [r.source for r in results] == sources
    assert "worker process failed" in results[3].error
    assert all(
        r.error is None and r.document.blocks[1].label == "body" for i, r in enumerate(results) if i != 3
    )


def test_plugin_failures_in_workers_are_reported_to_the_parent(pages):
    runner = Runner(registry=registry_with(failing=RaisingPlugin()))
    results = list(runner.run(pages, jobs=2))
    assert "boom" in results[0].document.warnings[0]
    assert list(runner.failed_plugins) == ["failing"]


def test_inputs_are_read_lazily_with_bounded_work_in_flight(keyword_registry, pages):
    pulled = []

    def sources():
        for i in range(40):
            pulled.append(i)
            yield pages[i % 4]

    results = Runner(registry=keyword_registry).run(sources(), jobs=2, chunk_size=1)
    next(results)
    assert len(pulled) <= 2 * 2 * 1 + 1
    assert len(list(results)) == 39


class Counting(KeywordPlugin):
    described = 0

    @hookimpl
    def pageparts_plugin_info(self):
        Counting.described += 1
        return super().pageparts_plugin_info()


def test_plugin_labels_are_looked_up_once_not_per_document_but_new_plugins_count():
    registry = registry_with(prose=Counting("prose", "body", "river"))
    runner = Runner(registry=registry)
    for _ in range(5):
        runner.classify_bytes(PAGE.encode())
    assert Counting.described == 1
    registry.register(KeywordPlugin("menu", "navigation", "home"), "menu")
    assert runner.classify_bytes(PAGE.encode()).blocks[0].label == "navigation"


# -- the command line --------------------------------------------------------------------------------


def test_cli_jobs_give_the_same_output_and_errors_as_one_process(pages):
    directory = os.path.dirname(pages[0])
    cli = CliRunner()
    one = cli.invoke(app, ["classify", directory, "-f", "jsonl", "--jobs", "1"])
    two = cli.invoke(app, ["classify", directory, "-f", "jsonl", "--jobs", "2"])
    table = cli.invoke(app, ["classify", directory, "-f", "table", "--jobs", "2", "--labels", "body"])
    assert one.exit_code == two.exit_code == 1
    assert two.stdout == one.stdout
    error = f"pageparts: {pages[4]}: binary content, not HTML or text"
    for run in (one, two):
        assert len(run.stderr.splitlines()) == 2 and run.stderr.splitlines()[0] == error
        assert run.stderr.splitlines()[1].startswith("pageparts: 9 documents, 1 error, ")
    assert "\r" not in two.stderr  # no progress line when stderr is not a terminal
    assert table.stdout.count("== ") == 9 and table.stdout.count("error: binary content") == 1


def test_progress_line_shows_documents_rate_and_errors():
    stream = io.StringIO()
    progress = Progress(stream, interval=3600, shown=True)
    progress.update()
    assert stream.getvalue().startswith("\r\x1b[K1 document, ") and stream.getvalue().endswith(", 0 errors")
    progress.update(error=True)  # within the interval: not redrawn
    assert stream.getvalue().count(" document") == 1
    progress.hide()
    assert stream.getvalue().endswith("\r\x1b[K")
    progress.update()  # hidden: redrawn at once
    assert stream.getvalue().endswith("3 documents, " + stream.getvalue().rsplit(", ", 2)[1] + ", 1 error")
    progress.add(5, errors=2)  # a finished Dask partition
    assert stream.getvalue().count(" document") == 2  # within the interval again
    progress.draw()
    assert stream.getvalue().endswith("8 documents, " + stream.getvalue().rsplit(", ", 2)[1] + ", 3 errors")
    progress.close()  # the run's summary line follows
    assert stream.getvalue().endswith("3 errors\r\x1b[K")


def test_the_summary_line_counts_documents_errors_skipped_records_and_time():
    from pageparts.cli.classify import summary_line

    assert summary_line(1000, 3, 0, 12.34) == "1,000 documents, 3 errors, 12.3 s"
    assert summary_line(1, 1, 1, 0.04, already=2500) == (
        "1 document, 1 error, 1 WARC record skipped (not HTML or text), 2,500 already in the output, 0.0 s"
    )
