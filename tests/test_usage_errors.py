"""Usage errors of every command: one line on stderr naming the problem, exit status 2, no work done."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pageparts.cli import app
from typer.testing import CliRunner

from .conftest import ROOT

PAGE = str(ROOT / "examples" / "news-article.txt")
LABELLED = str(ROOT / "examples" / "pageparts-comments" / "example" / "garden-story.labels.jsonl")


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a command gets as far as loading plugins (its work starts there)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the command started work before checking its output")

    for module in ("pageparts.runner", "pageparts.registry"):  # the runner first: it imports the other's
        monkeypatch.setattr(f"{module}.make_registry", refuse)


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {str(p): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


# (arguments, the path named, the reason); {tmp} is a scratch directory holding the file {file}
UNWRITABLE = [
    (("classify", PAGE, "-o", "{tmp}/missing/out.jsonl"), "{tmp}/missing/out.jsonl", "no such directory"),
    (("classify", PAGE, "-o", "{tmp}"), "{tmp}", "it is a directory"),
    (("classify", "{file}", "-o", "{file}"), "{file}", "it is one of the inputs"),
    (("classify", "{tmp}", "-o", "{tmp}/out.jsonl"), "{tmp}/out.jsonl", "inside the input directory"),
    (("classify", PAGE, "-f", "html", "-o", "{file}"), "{file}", "it is not a directory"),
    (("classify", PAGE, "--engine", "dask", "-o", "{file}/parts"), "{file}/parts", "is not a directory"),
    (("report", PAGE, "--out", "{file}"), "{file}", "it is not a directory"),
    (("report", PAGE, "--out", "{file}/deeper/report"), "{file}/deeper/report", "is not a directory"),
    (("train", LABELLED, "--out", "{file}"), "{file}", "it is not a directory"),
    (("annotate", PAGE, "--out", "{tmp}"), "{tmp}", "it is a directory"),
    (("annotate", "--read", "{file}", "--out", "{file}"), "{file}", "it is one of the inputs"),
    (("label-from-truth", "{tmp}", "--out", "{tmp}/nowhere/x.jsonl"), "{tmp}/nowhere/x.jsonl", "no such"),
    (("new-plugin", "polls", "-d", "{file}"), "{file}", "it is not a directory"),
]


@pytest.mark.parametrize("args, path, reason", UNWRITABLE, ids=[" ".join(a[:1]) for a, *_ in UNWRITABLE])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(tmp_path, no_work, args, path, reason):
    file = tmp_path / "page.txt"
    file.write_text("Home\n\nA paragraph.\n")
    before = snapshot(tmp_path)
    names = {"tmp": str(tmp_path), "file": str(file)}
    result = cli(*(arg.format(**names) for arg in args))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"pageparts: cannot write {path.format(**names)}: ")
    assert reason in result.stderr and len(result.stderr.splitlines()) == 1
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_a_directory_where_nothing_can_be_created(no_work):
    result = cli("report", PAGE, "--out", "/proc/nope")
    assert result.exit_code == 2
    assert result.stderr == "pageparts: cannot write /proc/nope: no such file or directory\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_write_that_fails_is_one_line_and_exit_2():
    result = cli("classify", PAGE, "-f", "jsonl", "-o", "/dev/full")
    assert result.exit_code == 2
    assert result.stderr == "pageparts: cannot write /dev/full: no space left on device\n"
