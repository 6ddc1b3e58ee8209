"""``pageparts.rule_plugin``: a plugin that is its rules and its description, hooks written once."""

from __future__ import annotations

import types

import pytest
from pageparts import Vote, rule_plugin
from pageparts.host.registry import make_registry
from pageparts.host.runner import Runner
from pageparts.plugins import body, fundraising, headline, navigation, related_links
from pageparts.testing import check_plugin, make_document
from pageparts.trainable import Trainable

from .conftest import text_splitter


def capitals(document) -> list[Vote]:
    return [
        Vote("shouting", b.index, "shouting", 0.9, "in capitals") for b in document.blocks if b.text.isupper()
    ]


def module(name: str = "shouting", **options) -> types.ModuleType:
    """A plugin module made with ``rule_plugin``, as a plugin author writes one."""
    plugin = types.ModuleType(f"pageparts_{name}")
    hooks = rule_plugin(name, capitals, labels=("shouting",), description="Blocks in capitals.", **options)
    plugin.pageparts_plugin_info, plugin.pageparts_classify, plugin.pageparts_trainable = hooks
    return plugin


def test_a_rule_plugin_keeps_the_contract_and_votes_with_its_rules():
    plugin = module()
    check_plugin(plugin)
    info = plugin.pageparts_plugin_info()
    assert (info.name, info.labels, info.description, info.uses_model) == (
        "shouting",
        ("shouting",),
        "Blocks in capitals.",
        False,
    )
    assert plugin.pageparts_trainable() is None  # no model asked for
    document = make_document("HOME\n\nSome words.")
    assert plugin.pageparts_classify(document) == [Vote("shouting", 0, "shouting", 0.9, "in capitals")]


def test_its_hooks_are_registered_and_called_like_any_others():
    registry = make_registry(
        load_entrypoints=False, plugins={"text-splitter": text_splitter, "shouting": module()}
    )
    assert registry.load_errors == {}
    document = Runner(registry=registry, models=None).classify_bytes(b"HOME\n\nSome words here.")
    assert [b.label for b in document.blocks] == ["shouting", "other"]


@pytest.mark.parametrize("model", ["shouting", Trainable("shouting", kinds=("text",))])
def test_a_model_label_asks_pageparts_train_for_a_model(model):
    wanted = module(model=model).pageparts_trainable()
    assert isinstance(wanted, Trainable) and wanted.label == "shouting"
    registry = make_registry(load_entrypoints=False, plugins={"shouting": module(model=model)})
    assert registry.model_labels() == {"shouting": "shouting"}


@pytest.mark.parametrize("plugin", [body, fundraising, headline, navigation, related_links])
def test_every_built_in_classifier_plugin_is_made_with_it(plugin):
    for hook in ("pageparts_plugin_info", "pageparts_classify", "pageparts_trainable"):
        assert getattr(plugin, hook).__qualname__ == f"rule_plugin.<locals>.{hook}"
    assert plugin.pageparts_trainable().label == plugin.LABEL
    assert plugin.pageparts_classify(make_document("Home\n\nSign in")) == plugin.rule_votes(
        make_document("Home\n\nSign in")
    )
