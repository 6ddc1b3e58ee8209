"""Usage errors of every command: one line on stderr naming the problem, exit status 2, no work done."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pageparts.cli import app
from pageparts.document import LABELS as BUILT_IN_LABELS
from typer.testing import CliRunner

from .conftest import BUILT_IN, ROOT

PAGE = str(ROOT / "examples" / "news-article.txt")
LABELLED = str(ROOT / "examples" / "pageparts-comments" / "example" / "garden-story.labels.jsonl")


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a command gets as far as loading plugins (its work starts there)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the command started work before checking its output")

    # the runner first: it imports the other's
    for module in ("pageparts.host.runner", "pageparts.host.registry"):
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


PLUGINS = ", ".join(BUILT_IN)
LABELS = ", ".join(BUILT_IN_LABELS)
BAD_OPTIONS = [
    (
        ("classify", PAGE, "--labels", "headline,bodyy"),
        f"unknown label 'bodyy' in --labels; the labels are: {LABELS}",
    ),
    (
        ("classify", PAGE, "--weights", "bdy=2"),
        f"no plugin named 'bdy' (--weights); the plugins are: {PLUGINS}",
    ),
    (
        ("classify", PAGE, "--weights", "body=inf"),
        "bad weight 'body=inf': expected PLUGIN=NUMBER with a number >= 0",
    ),
    (("classify", PAGE, "--threshold", "2"), "--threshold must be a number from 0 to 1, not 2.0"),
    (("classify", PAGE, "--threshold", "-1"), "--threshold must be a number from 0 to 1, not -1.0"),
    (("classify", PAGE, "--threshold", "nan"), "--threshold must be a number from 0 to 1, not nan"),
    (("classify", PAGE, "--context", "1.5"), "--context must be a number from 0 to 1, not 1.5"),
    (
        ("classify", PAGE, "--time-budget", "inf"),
        "time budget must be a number of seconds >= 0 (0: no limit), not inf",
    ),
    (
        ("classify", PAGE, "--disable", "navigaton"),
        f"no plugin named 'navigaton' (--disable); the plugins are: {PLUGINS}",
    ),
    (
        ("report", PAGE, "-o", "{tmp}/r", "--disable", "bdy"),
        f"no plugin named 'bdy' (--disable); the plugins are: {PLUGINS}",
    ),
    (("plugins", "--disable", "bdy"), f"no plugin named 'bdy' (--disable); the plugins are: {PLUGINS}"),
    (("train", LABELLED, "--cv", "1"), "--cv needs 2 folds or more (or 0, to train)"),
]


@pytest.mark.parametrize("args, message", BAD_OPTIONS, ids=[" ".join(a[2:]) or a[0] for a, _ in BAD_OPTIONS])
def test_a_bad_option_value_is_a_usage_error_naming_the_choices(tmp_path, args, message):
    result = cli(*(arg.format(tmp=tmp_path) for arg in args))
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"pageparts: {message}\n", "")
    assert list(tmp_path.iterdir()) == []


BAD_CONFIGS = [
    ("threshold = 2", "threshold in {config} must be a number from 0 to 1, not 2"),
    ("threshold = 'high'", "threshold in {config} must be a number from 0 to 1, not 'high'"),
    ("context = true", "context in {config} must be a number from 0 to 1, not True"),
    (
        "time_budget = inf",
        "time_budget in {config}: time budget must be a number of seconds >= 0 (0: no limit), not inf",
    ),
    ("[weights]\nbody = inf", "[weights] in {config} must map plugin names to numbers >= 0"),
    ("[weights]\nbdy = 2", "no plugin named 'bdy' ([weights] in {config}); the plugins are: " + PLUGINS),
    ("disable = ['bdy']", "no plugin named 'bdy' (disable in {config}); the plugins are: " + PLUGINS),
]


@pytest.mark.parametrize("command", ["classify", "report"])
@pytest.mark.parametrize("text, message", BAD_CONFIGS, ids=[text for text, _ in BAD_CONFIGS])
def test_a_bad_config_value_is_a_usage_error_naming_the_choices(tmp_path, command, text, message):
    config = tmp_path / "pageparts.toml"
    config.write_text(text + "\n")
    out = ["-o", str(tmp_path / "report")] if command == "report" else []
    result = cli(command, PAGE, "--config", str(config), *out)
    assert (result.exit_code, result.stderr, result.stdout) == (
        2,
        f"pageparts: {message.format(config=config)}\n",
        "",
    )
    assert list(tmp_path.iterdir()) == [config]


def test_the_plugins_command_checks_the_config_names_too(tmp_path):
    config = tmp_path / "pageparts.toml"
    config.write_text("disable = ['bdy']\n")
    result = cli("plugins", "--config", str(config))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"pageparts: no plugin named 'bdy' (disable in {config}); the plugins are: {PLUGINS}\n"
    )
