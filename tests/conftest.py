"""Shared test helpers: registries built from explicit plugins, never from installed entry points."""

from __future__ import annotations

import pytest
from pageparts.document import Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.plugin_info import PluginInfo
from pageparts.registry import Registry, make_registry
from pageparts.splitters import text as text_splitter


class KeywordPlugin:
    """A test plugin voting ``label`` with ``score`` on blocks containing ``keyword``."""

    def __init__(self, name: str, label: str, keyword: str, score: float = 0.9) -> None:
        self.name, self.label, self.keyword, self.score = name, label, keyword, score

    @hookimpl
    def pageparts_plugin_info(self) -> PluginInfo:
        return PluginInfo(self.name, (self.label,))

    @hookimpl
    def pageparts_classify(self, document: Document) -> list[Vote]:
        return [
            Vote(self.name, b.index, self.label, self.score, f"contains {self.keyword}")
            for b in document.blocks
            if self.keyword in b.text.lower()
        ]


class RaisingPlugin:
    """A test plugin whose classify hook always raises."""

    @hookimpl
    def pageparts_plugin_info(self) -> PluginInfo:
        return PluginInfo("broken", ("body",))

    @hookimpl
    def pageparts_classify(self, document: Document) -> list[Vote]:
        raise RuntimeError("boom")


def registry_with(**plugins: object) -> Registry:
    """A registry with the text splitter and the given plugins only."""
    return make_registry(load_entrypoints=False, plugins={"text-splitter": text_splitter, **plugins})


@pytest.fixture
def keyword_registry() -> Registry:
    return registry_with(
        menu=KeywordPlugin("menu", "navigation", "home"),
        prose=KeywordPlugin("prose", "body", "river", 0.8),
    )
