"""The ``body`` plugin: the paragraphs, sub-headings and lists of the main content."""

from __future__ import annotations

import re

from pageparts import __version__
from pageparts.document import Block, Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.models import has_model, model_votes
from pageparts.plugin_info import PluginInfo
from pageparts.rules import best_vote, link_share, word_count

NAME = "body"
LABEL = "body"

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*(?:\s|$)")
_CONTENT_LANDMARKS = {"article", "main"}


def rule_votes(block: Block) -> list[Vote]:
    """Explainable body votes for one block: prose that is not mostly links."""
    fired: list[tuple[float, str]] = []
    words = word_count(block)
    links = link_share(block)
    sentences = len(_SENTENCE_END.findall(block.text))
    if words >= 30 and sentences >= 2 and links < 0.3:
        fired.append((0.8, f"{words} words in {sentences} sentences, {links:.0%} links"))
    elif words >= 15 and sentences >= 1 and links < 0.2:
        fired.append((0.6, f"a {words}-word sentence, {links:.0%} links"))
    landmark = block.features.get("landmark", "")
    if landmark in _CONTENT_LANDMARKS and words >= 8 and links < 0.5:
        fired.append((0.6, f"text inside <{landmark}>"))
    return best_vote(NAME, block, LABEL, fired)


@hookimpl
def pageparts_plugin_info() -> PluginInfo:
    return PluginInfo(NAME, (LABEL,), __version__, has_model(NAME), "The main content a reader came for.")


@hookimpl
def pageparts_classify(document: Document) -> list[Vote]:
    votes = [vote for block in document.blocks for vote in rule_votes(block)]
    return votes + model_votes(NAME, LABEL, document)
