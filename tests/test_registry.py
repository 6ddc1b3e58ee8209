"""Plugin loading: entry points, only/disabled, the environment switch, broken plugins."""

import json

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
