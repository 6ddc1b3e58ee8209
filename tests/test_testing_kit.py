"""The plugin authors' test kit (pageparts.testing): on the built-in plugins and on bad ones it must catch."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from pageparts.document import Block, Vote
from pageparts.hookspecs import hookimpl
from pageparts.plugin_info import PluginInfo
from pageparts.plugins import body, fundraising, headline, navigation, related_links
from pageparts.splitters import html, text
from pageparts.testing import (
    ContractError,
    assert_votes,
    check_plugin,
    contract_problems,
    make_document,
    small_documents,
)

pytest_plugins = ["pageparts.testing"]

EXAMPLE = Path(__file__).parent.parent / "examples" / "news-article.html"


@pytest.mark.parametrize("plugin", [body, fundraising, headline, navigation, related_links, html, text])
def test_the_built_in_plugins_keep_the_contract(plugin):
    example = make_document(EXAMPLE.read_bytes(), source=EXAMPLE.name)
    check_plugin(plugin, [*small_documents(), example])


def test_the_fixtures_give_fresh_split_documents(small_document, small_text_document):
    assert small_document.input_format == "html" and small_text_document.input_format == "text"
    assert small_document.blocks[0].text == "Home" and small_document.blocks[0].votes == []
    assert_votes(navigation.pageparts_classify(small_document), "navigation", [0, 1, 2], exact=False)
    assert_votes(fundraising.pageparts_classify(small_text_document), "fundraising", [8], exact=False)


def test_assert_votes_names_missing_and_unexpected_blocks(small_text_document):
    votes = [Vote("x", 0, "comments", 0.9), Vote("x", 1, "comments", 0.3), Vote("x", 2, "body", 0.9)]
    assert_votes(votes, "comments", [0])
    assert_votes(votes, "comments", [0, 1], min_score=0.3)
    with pytest.raises(AssertionError) as failure:
        assert_votes(votes, "comments", [1, 2], document=small_text_document)
    assert str(failure.value).splitlines() == [
        "votes for 'comments' scoring >= 0.5:",
        "  missing on block 1 (best score 0.30: 'Local'), block 2 (no vote: 'Sport')",
        "  unexpected on block 0 (best score 0.90: 'Home')",
    ]
    assert_votes(votes, "comments", [], exact=False)


class Plugin:
    """A configurable plugin for the contract check: it returns ``cast(document)``."""

    def __init__(self, cast, labels=("comments",), name="fake"):
        self.cast, self.labels, self.name = cast, labels, name

    @hookimpl
    def pageparts_plugin_info(self):
        return PluginInfo(self.name, self.labels)

    @hookimpl
    def pageparts_classify(self, document):
        return self.cast(document)


def first_block(label="comments", score=0.9, plugin="fake"):
    return lambda document: [Vote(plugin, 0, label, score)] if document.blocks else []


def sleep(seconds):
    def cast(document):
        time.sleep(seconds)
        return []

    return cast


SLEEP = sleep(0.3)


def spin(document):
    while True:
        pass


def relabel(document):
    for block in document.blocks:
        block.label = "comments"
    return []


def add_meta(document):
    document.meta["seen"] = True
    return []


def raise_error(document):
    raise KeyError("features")


@pytest.mark.parametrize(
    "cast, problem",
    [
        (lambda d: "votes", "returned str, not a list of votes, on small-page.html"),
        (lambda d: [("fake", 0, "comments", 0.9)], "returned tuple among its votes"),
        (first_block(label="body"), "voted for undeclared label 'body' on small-page.html"),
        (first_block(score=1.5), "gave score 1.5, outside [0, 1]"),
        (first_block(score=float("nan")), "gave score nan, outside [0, 1]"),
        (lambda d: [Vote("fake", len(d.blocks), "comments", 0.5)], "voted on block 16, which does not exist"),
        (first_block(plugin="other"), "signed a vote 'other', not with its name 'fake'"),
        (raise_error, "raised KeyError: 'features' on small-page.html"),
        (SLEEP, "was still running after 0.05 s on small-page.html"),
        (spin, "was still running after 0.05 s"),
        (relabel, "changed the document (block 0: label; block 1: label; block 2: label; and 13 more) on"),
        (add_meta, "changed the document (meta) on small-page.html"),
        (lambda d: [Vote("fake", 0, "comments", random.random())], "gave other votes when asked again"),
    ],
)
def test_the_contract_check_catches_a_bad_plugin(cast, problem):
    budget = 0.05 if cast in (spin, SLEEP) else 2.0  # a short budget only where it is tested
    problems = contract_problems(Plugin(cast), time_budget=budget)
    assert any(problem in p for p in problems), problems
    with pytest.raises(ContractError, match="breaks the pageparts contract"):
        check_plugin(Plugin(cast), time_budget=budget)


def test_warnings_and_the_computed_cache_are_not_changes():
    def cast(document):
        document.warnings.append("fake: no model, rules only")
        document.computed("fake-facts", lambda d: len(d.blocks))
        return first_block()(document)

    check_plugin(Plugin(cast))


class Unmarked:
    def pageparts_classify(self, document):
        return []


class Misspelt:
    @hookimpl
    def pageparts_clasify(self, document):
        return []


class WrongArgument:
    @hookimpl
    def pageparts_classify(self, doc):
        return []


class NoInfo:
    @hookimpl
    def pageparts_classify(self, document):
        return []


class BadLabel(Plugin):
    @hookimpl
    def pageparts_plugin_info(self):
        return PluginInfo("fake", ("Reader Comments",))


class BadSplitter:
    @hookimpl
    def pageparts_detect_format(self, content):
        return 1

    @hookimpl
    def pageparts_split(self, content, input_format):
        return [Block(0, "x")]


@pytest.mark.parametrize(
    "plugin, problem",
    [
        (Unmarked(), "pageparts_classify is not marked @pageparts.hookimpl"),
        (Misspelt(), "pageparts_clasify is not a pageparts hook (misspelt?)"),
        (
            WrongArgument(),
            "pageparts_classify takes 'doc', which the hook does not pass (it passes 'document')",
        ),
        (NoInfo(), "implements pageparts_classify but not pageparts_plugin_info"),
        (BadLabel(first_block()), "label 'Reader Comments' is not well-formed"),
        (BadSplitter(), "pageparts_split returned list, not (blocks, dict) or None"),
        (BadSplitter(), "pageparts_detect_format returned int, not a format name or None"),
    ],
)
def test_the_contract_check_catches_bad_hooks_and_descriptions(plugin, problem):
    assert any(problem in p for p in contract_problems(plugin)), contract_problems(plugin)


def test_a_splitter_must_index_its_blocks_in_order():
    class Splitter:
        @hookimpl
        def pageparts_split(self, content, input_format):
            return [Block(1, "x")], {}

    assert contract_problems(Splitter()) == [
        "pageparts_split returned blocks not indexed 0, 1, 2, ... in order"
    ]


def test_make_document_splits_html_and_text_as_pageparts_does():
    page = make_document(b"<html><body><p>One.</p><p>Two.</p></body></html>")
    assert page.input_format == "html" and [b.text for b in page.blocks] == ["One.", "Two."]
    assert make_document("One.\n\nTwo.", input_format="text").blocks[1].text == "Two."
