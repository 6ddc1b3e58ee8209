"""Plugin objects that the tests load through fake entry points (``tests.fake_plugins:NAME``)."""

from __future__ import annotations

import time

from pageparts.hookspecs import hookimpl
from pageparts.plugin_info import PluginInfo

from .conftest import KeywordPlugin, RaisingPlugin


class FormatClaimer:
    """Claims every input as ``input_format`` (two of these disagree, to test hook order)."""

    def __init__(self, input_format: str) -> None:
        self.input_format = input_format

    @hookimpl
    def pageparts_detect_format(self, content: bytes) -> str:
        return self.input_format


class Sleeper:
    """Votes body on every block, after sleeping ``seconds`` (to test the time budget)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    @hookimpl
    def pageparts_plugin_info(self) -> PluginInfo:
        return PluginInfo("sleeper", ("body",))

    @hookimpl
    def pageparts_classify(self, document):
        time.sleep(self.seconds)
        return []


class WrongArgument:
    """Asks its classify hook for an argument pageparts does not pass."""

    @hookimpl
    def pageparts_classify(self, doc):
        return []


menu = KeywordPlugin("menu", "navigation", "home")
prose = KeywordPlugin("prose", "body", "river")
first = FormatClaimer("first")
second = FormatClaimer("second")
raising = RaisingPlugin()
wrong_argument = WrongArgument()
sleeper = Sleeper(30)
