"""Plugin loading: entry points, only/disabled, the environment switch, broken plugins."""

import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest
from pageparts.cli import app
from pageparts.hookspecs import hookimpl
from pageparts.host.registry import make_registry
from pageparts.host.runner import plugin_registry
from pageparts.settings import LOAD_PLUGINS_ENV, resolve_options
from typer.testing import CliRunner

from . import conftest
from .conftest import KeywordPlugin, built_in_env, registry_with

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


@pytest.fixture
def intruder(tmp_path, monkeypatch):
    """A third-party plugin package installed beside pageparts (a distribution on sys.path)."""
    info = tmp_path / "pageparts_intruder-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pageparts-intruder\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pageparts]\nintruder = tests.fake_plugins:raising\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    assert "intruder" in {ep.name for ep in entry_points(group="pageparts")}
    return "intruder"


def test_the_tests_do_not_see_other_installed_plugins(intruder):
    assert set(make_registry().sources) == set(conftest.BUILT_IN) == BUILT_IN
    listed = CliRunner().invoke(app, ["plugins", "--format", "json"])
    assert {row["name"] for row in json.loads(listed.stdout)["plugins"]} == BUILT_IN
    code = (
        "from pageparts.host.runner import plugin_registry; from pageparts.settings import resolve_options; "
        "print(' '.join(sorted(plugin_registry(resolve_options()).sources)))"
    )
    run = subprocess.run([sys.executable, "-c", code], env=built_in_env(), capture_output=True, text=True)
    assert set(run.stdout.split()) == BUILT_IN


def test_no_entry_points_means_no_plugins():
    assert make_registry(load_entrypoints=False).manager.list_name_plugin() == []


def test_only_and_disabled_choose_plugins():
    only = make_registry(only=("body", "text-splitter"))
    assert {n for n, _ in only.manager.list_name_plugin()} == {"body", "text-splitter"}
    without = make_registry(disabled=("navigation",))
    assert not without.manager.has_plugin("navigation") and without.manager.has_plugin("body")


def test_the_environment_variable_limits_loading(monkeypatch):
    monkeypatch.setenv(LOAD_PLUGINS_ENV, "headline, text-splitter")
    options = resolve_options()
    assert options.only == ("headline", "text-splitter")
    loaded = plugin_registry(options).manager.list_name_plugin()
    assert {n for n, _ in loaded} == {"headline", "text-splitter"}
    assert len(make_registry().manager.list_name_plugin()) > 2  # read by the settings alone


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


@pytest.mark.slow
def test_an_installed_third_party_plugin_is_listed_and_votes(plugin_site, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("BREAKING NEWS\n\nThe river rose overnight, and the council met at dawn to discuss it.\n")
    listed, result = plugin_site.pageparts(
        ("plugins", "--format", "json"), ("classify", str(page), "-f", "jsonl")
    )
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["shouting"]["labels"] == ["shouting"]
    assert plugins["shouting"]["version"] == "1.2.3"
    assert plugins["shouting"]["distribution"] == "pageparts-shouting"
    assert plugins["shouting"]["module"] == "pageparts_shouting"
    assert "body" in plugins

    blocks = json.loads(result.stdout)["blocks"]
    assert blocks[0]["label"] == "shouting"
    assert blocks[0]["votes"][-1] == {
        "plugin": "shouting",
        "label": "shouting",
        "score": 0.99,
        "reason": "every letter is a capital",
    }
    assert blocks[1]["label"] != "shouting"
