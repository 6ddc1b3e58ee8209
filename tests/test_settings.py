"""Settings: one Options object, resolved from the defaults, a config file, the environment and
flags, in that order; every command takes --config; two settings side by side in one process."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pageparts
import pytest
from pageparts.cli import app
from pageparts.host.runner import Runner
from pageparts.scoring import models
from pageparts.scoring.combine import CombineOptions
from pageparts.settings import (
    LOAD_PLUGINS_ENV,
    MODELS_ENV,
    Options,
    Overrides,
    SettingsError,
    resolve_options,
)
from typer.testing import CliRunner

from .conftest import ROOT
from .training_data import write_documents

PAGE = ROOT / "examples" / "news-article.html"
LABELLED = ROOT / "examples" / "pageparts-comments" / "example" / "garden-story.labels.jsonl"
MODEL_REASON = re.compile(r"^(html|text) model: ")


def cli(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.fixture
def no_model_dir(tmp_path) -> Path:
    """A model directory for the installed plugins that holds no models (rules vote alone)."""
    directory = tmp_path / "no-models"
    directory.mkdir()
    shipped = json.loads((models.shipped_dir() / models.MANIFEST).read_text())
    manifest = {"feature_version": shipped["feature_version"], "models": {}}
    (directory / models.MANIFEST).write_text(json.dumps(manifest))
    return directory


def model_votes(document) -> int:
    return sum(bool(MODEL_REASON.match(vote.reason)) for block in document.blocks for vote in block.votes)


# -- the order of the layers ----------------------------------------------------------------------


def test_without_a_config_or_the_environment_the_settings_are_the_defaults():
    assert resolve_options(environ={}) == Options()
    options = Options()
    assert (options.models, options.only, options.disabled, options.input_format) == (None, None, (), "auto")
    assert (options.combine.learned, options.combine.threshold, options.time_budget) == (True, 0.5, 10.0)


def test_each_layer_wins_over_the_one_before_defaults_config_environment_flags(tmp_path):
    config = tmp_path / "pageparts.toml"
    config.write_text(
        'models = "from-config"\ncombiner = "mean"\nthreshold = 0.3\ntime_budget = 2\n'
        'disable = ["fundraising"]\n[weights]\nbody = 2\nnavigation = 3\n'
    )
    environ = {MODELS_ENV: str(tmp_path / "from-env"), LOAD_PLUGINS_ENV: "body, text-splitter"}
    flags = Overrides(
        models=tmp_path / "from-flag",
        combiner="learned",
        threshold=0.7,
        disable=("headline",),
        weights="navigation=0.5",
        input_format="text",
    )

    defaults = resolve_options(environ={})
    configured = resolve_options(config, environ={})
    environment = resolve_options(config, environ=environ)
    flagged = resolve_options(config, flags, environ=environ)

    assert [o.models for o in (defaults, configured, environment, flagged)] == [
        None,
        tmp_path / "from-config",  # relative to the config file
        tmp_path / "from-env",
        tmp_path / "from-flag",
    ]
    assert [o.combine.learned for o in (defaults, configured, environment, flagged)] == [
        True,
        False,
        False,
        True,
    ]
    assert [o.combine.threshold for o in (defaults, configured, flagged)] == [0.5, 0.3, 0.7]
    assert [o.time_budget for o in (defaults, configured, flagged)] == [10.0, 2.0, 2.0]
    only = ("body", "text-splitter")
    assert [o.only for o in (configured, environment, flagged)] == [None, only, only]
    assert flagged.disabled == ("fundraising", "headline")  # disable adds up
    assert flagged.combine.weights == {"body": 2.0, "navigation": 0.5}  # the flag's weight wins
    assert (configured.input_format, flagged.input_format) == ("auto", "text")
    assert dict(flagged.named) == {
        f"[weights] in {config}": ("body", "navigation"),
        f"disable in {config}": ("fundraising",),
        "--weights": ("navigation",),
        "--disable": ("headline",),
    }


def test_the_process_environment_is_read_when_none_is_given(monkeypatch, tmp_path):
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    monkeypatch.setenv(LOAD_PLUGINS_ENV, "")
    assert resolve_options().models == tmp_path and resolve_options().only is None
    monkeypatch.setenv(MODELS_ENV, "")  # empty: unset
    assert resolve_options().models is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("models = 3", "models in {config} must be the path of a model directory"),
        ("colour = 'blue'", "unknown keys in config {config}: colour"),
        ("combiner = 'median'", "combiner in {config} must be one of mean, learned, not 'median'"),
    ],
)
def test_a_bad_config_value_names_the_file(tmp_path, text, message):
    config = tmp_path / "pageparts.toml"
    config.write_text(text + "\n")
    with pytest.raises(SettingsError) as raised:
        resolve_options(config, environ={})
    assert str(raised.value) == message.format(config=config)


def test_bad_flags_name_the_flag():
    with pytest.raises(SettingsError, match="--threshold must be a number from 0 to 1, not 2"):
        resolve_options(overrides=Overrides(threshold=2), environ={})
    with pytest.raises(SettingsError, match="input_format must be one of auto, html, text, not 'pdf'"):
        resolve_options(overrides=Overrides(input_format="pdf"), environ={})
    with pytest.raises(SettingsError, match="bad weight 'body'"):
        resolve_options(overrides=Overrides(weights="body"), environ={})


def test_the_command_line_follows_the_same_order(tmp_path, no_model_dir):
    """Which model directory `pageparts plugins` describes: none given, the config's, the
    environment's over it, the flag's over both (the shipped models have a model per plugin)."""
    config = tmp_path / "pageparts.toml"
    config.write_text(f'models = "{no_model_dir.name}"\n')

    def uses_model(*args, env=None) -> bool:
        result = cli("plugins", "-f", "json", *args, env=env)
        assert result.exit_code == 0, result.output
        return {row["name"]: row["uses_model"] for row in json.loads(result.stdout)["plugins"]}["body"]

    shipped = {MODELS_ENV: str(models.shipped_dir())}
    assert uses_model() is True
    assert uses_model("--config", config) is False
    assert uses_model("--config", config, env=shipped) is True
    assert uses_model("--config", config, "--models", no_model_dir, env=shipped) is False


def test_a_config_threshold_is_overridden_by_the_flag(tmp_path):
    config = tmp_path / "pageparts.toml"
    config.write_text("threshold = 1\n")

    def labels(*args) -> set[str]:
        result = cli("classify", PAGE, "-f", "jsonl", "--config", config, *args)
        assert result.exit_code == 0, result.output
        return {block["label"] for block in json.loads(result.stdout)["blocks"]}

    assert labels() == {"other"}
    assert "body" in labels("--threshold", "0.5")


# -- every command takes --config -----------------------------------------------------------------

COMMANDS = {
    "classify": ("classify", PAGE),
    "report": ("report", PAGE, "--out", "{tmp}/report"),
    "evaluate": ("evaluate", LABELLED),
    "annotate": ("annotate", PAGE),
    "train": ("train", LABELLED, "--out", "{tmp}/models"),
    "label-from-truth": ("label-from-truth", "{tmp}/wcxb", "--out", "{tmp}/labels.jsonl"),
    "plugins": ("plugins",),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_reads_and_checks_the_config_file(tmp_path, command):
    config = tmp_path / "pageparts.toml"
    args = [arg.format(tmp=tmp_path) for arg in map(str, COMMANDS[command])]
    config.write_text("disable = ['bdy']\n")
    result = cli(*args, "--config", config)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(
        f"pageparts: no plugin named 'bdy' (disable in {config}); the plugins are: "
    )
    config.write_text("threshold = 'high'\n")
    result = cli(*args, "--config", config)
    assert (result.exit_code, result.stderr) == (
        2,
        f"pageparts: threshold in {config} must be a number from 0 to 1, not 'high'\n",
    )


def test_a_config_that_disables_a_plugin_disables_it_in_every_classifying_command(tmp_path):
    config = tmp_path / "pageparts.toml"
    config.write_text("disable = ['navigation']\ncombiner = 'mean'\n")
    plugins = json.loads(cli("plugins", "-f", "json", "--config", config).stdout)["plugins"]
    assert {row["name"]: row["status"] for row in plugins}["navigation"] == "disabled"

    classified = cli("classify", PAGE, "-f", "jsonl", "--config", config)
    votes = {vote["plugin"] for block in json.loads(classified.stdout)["blocks"] for vote in block["votes"]}
    assert "navigation" not in votes and "body" in votes

    annotated = cli("annotate", PAGE, "--config", config)
    assert annotated.exit_code == 0 and "\nnavigation\t" not in annotated.stdout

    labelled = write_documents(tmp_path / "labelled.jsonl")

    def navigation_recall(*args) -> float:
        result = cli("evaluate", labelled, "-f", "json", *args)
        assert result.exit_code == 0, result.output
        return next(row for row in json.loads(result.stdout)["labels"] if row["label"] == "navigation")[
            "recall"
        ]

    assert navigation_recall("--config", config) == 0.0 < navigation_recall()


# -- two settings side by side ---------------------------------------------------------------------


def test_two_runners_with_different_settings_work_side_by_side(no_model_dir):
    content = PAGE.read_bytes()
    shipped = Runner(Options(input_format="html"))
    rules_only = Runner(Options(input_format="html", models=no_model_dir, disabled=("fundraising",)))
    mean = Runner(Options(input_format="html", combine=CombineOptions(learned=False)))
    first = shipped.classify_bytes(content)
    for _ in range(2):  # interleaved, each keeps its own settings
        alone = rules_only.classify_bytes(content)
        again = shipped.classify_bytes(content)
        averaged = mean.classify_bytes(content)
        assert model_votes(alone) == 0 and model_votes(again) == model_votes(first) > 0
        assert "fundraising" not in {v.plugin for b in alone.blocks for v in b.votes}
        assert [b.label for b in again.blocks] == [b.label for b in first.blocks]
        assert [b.confidence for b in again.blocks] == [b.confidence for b in first.blocks]
        assert [b.confidence for b in averaged.blocks] != [b.confidence for b in first.blocks]
    # each runner holds a store of its options' model directory (None: the shipped models)
    assert rules_only.models is not None and rules_only.models.has_model("body") is False
    assert shipped.models is not None and shipped.models.has_model("body") is True


def test_the_python_api_takes_options_and_keeps_them_apart(no_model_dir):
    rules_only = Options(models=no_model_dir)
    with_models = pageparts.classify(PAGE)
    without = pageparts.classify(PAGE, options=rules_only)
    assert model_votes(with_models) > 0 and model_votes(without) == 0
    assert model_votes(pageparts.classify(PAGE)) == model_votes(with_models)
    as_text = pageparts.classify(PAGE.read_bytes(), "text", rules_only)
    assert as_text.input_format == "text" and model_votes(as_text) == 0
    assert pageparts.extract(PAGE, options=rules_only) != ""
    with pytest.raises(ValueError, match="input_format must be one of auto, html, text"):
        pageparts.classify(PAGE, "pdf")


def test_a_model_directory_given_to_one_command_stays_with_that_command(no_model_dir):
    """`--models` is a setting of its run, not of the process (it used to set PAGEPARTS_MODELS)."""

    def votes(*args) -> int:
        result = cli("classify", PAGE, "-f", "jsonl", *args)
        assert result.exit_code == 0, result.output
        blocks = json.loads(result.stdout)["blocks"]
        return sum(bool(MODEL_REASON.match(vote["reason"])) for block in blocks for vote in block["votes"])

    before = votes()
    assert votes("--models", no_model_dir) == 0
    assert votes() == before > 0


def test_no_module_but_the_settings_reads_the_environment():
    readers = re.compile(r"os\.environ|getenv\(")
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "core").rglob("*.py"))
        if path.name != "settings.py" and readers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
