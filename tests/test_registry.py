"""Plugin loading: entry points, only/disabled, the environment switch, broken plugins."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pageparts.hookspecs import hookimpl
from pageparts.registry import LOAD_PLUGINS_ENV, make_registry

from .conftest import KeywordPlugin, registry_with

BUILT_IN = {
    "text-splitter",
    "html-splitter",
    "navigation",
    "fundraising",
    "headline",
    "body",
    "related-links",
}


def test_built_in_plugins_come_from_the_entry_point_group():
    registry = make_registry()
    names = {name for name, _ in registry.manager.list_name_plugin()}
    assert names >= BUILT_IN
    assert registry.sources["body"].distribution == "pageparts"
    assert registry.sources["body"].module == "pageparts.plugins.body"
    assert registry.sources["body"].path.endswith("body.py")
    assert {info.name for info in registry.plugin_infos()} >= {"body", "navigation", "related-links"}


def test_no_entry_points_means_no_plugins():
    assert make_registry(load_entrypoints=False).manager.list_name_plugin() == []


def test_only_and_disabled_choose_plugins():
    only = make_registry(only=("body", "text-splitter"))
    assert {n for n, _ in only.manager.list_name_plugin()} == {"body", "text-splitter"}
    without = make_registry(disabled=("navigation",))
    assert not without.manager.has_plugin("navigation") and without.manager.has_plugin("body")


def test_the_environment_variable_limits_loading(monkeypatch):
    monkeypatch.setenv(LOAD_PLUGINS_ENV, "headline, text-splitter")
    assert {n for n, _ in make_registry().manager.list_name_plugin()} == {"headline", "text-splitter"}


def test_a_plugin_with_a_misspelt_hook_is_dropped_and_reported():
    class Typo:
        @hookimpl
        def pageparts_clasify(self, document):
            return []

    registry = registry_with(typo=Typo(), menu=KeywordPlugin("menu", "navigation", "home"))
    assert not registry.manager.has_plugin("typo")
    assert "pageparts_clasify" in registry.load_errors["typo"]
    assert registry.manager.has_plugin("menu")


def test_declared_labels_come_from_plugin_info():
    registry = registry_with(menu=KeywordPlugin("menu", "navigation", "home"))
    assert registry.declared_labels()["menu"] == ("navigation",)
    assert registry.declared_labels()["text-splitter"] == ()


@pytest.fixture(scope="module")
def installed_third_party_plugin(tmp_path_factory) -> Path:
    """The test package under tests/plugin_package, pip-installed into a scratch folder."""
    target = tmp_path_factory.mktemp("site")
    package = Path(__file__).parent / "plugin_package"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(package),
        ],
        check=True,
        capture_output=True,
    )
    return target


def run_cli(args: list[str], site: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop(LOAD_PLUGINS_ENV, None)
    command = [sys.executable, "-c", "from pageparts.cli import app; app()", *args]
    return subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_an_installed_third_party_plugin_is_listed_and_votes(installed_third_party_plugin):
    listed = run_cli(["plugins", "--format", "json"], installed_third_party_plugin)
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["shouting"]["labels"] == ["shouting"]
    assert plugins["shouting"]["version"] == "1.2.3"
    assert "body" in plugins

    page = "BREAKING NEWS\n\nThe river rose overnight, and the council met at dawn to discuss it.\n"
    result = run_cli(["classify", "-", "--format", "jsonl"], installed_third_party_plugin, stdin=page)
    blocks = json.loads(result.stdout)["blocks"]
    assert blocks[0]["label"] == "shouting"
    assert blocks[0]["votes"][-1] == {
        "plugin": "shouting",
        "label": "shouting",
        "score": 0.99,
        "reason": "every letter is a capital",
    }
    assert blocks[1]["label"] != "shouting"
