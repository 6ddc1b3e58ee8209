"""The ``fundraising`` plugin: donation asks, membership and subscription pitches, paywalls."""

from __future__ import annotations

import re

from pageparts import __version__
from pageparts.document import Block, Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.models import has_model, model_votes
from pageparts.plugin_info import PluginInfo
from pageparts.rules import best_vote, lexicon, matches, path_words, word_count

NAME = "fundraising"
LABEL = "fundraising"

_APPEAL = lexicon(
    [
        "donate",
        "donation",
        "donations",
        "donating",
        "donor",
        "donors",
        "contribute",
        "contribution",
        "make a gift",
        "give today",
        "give now",
        "pledge",
        "become a member",
        "membership",
        "members",
        "support us",
        "support our",
        "support independent",
        "support quality",
        "reader-funded",
        "reader funded",
        "readers like you",
        "fund our",
        "subscribe now",
        "subscription",
        "paywall",
        "chip in",
        "patron",
        "sponsor us",
    ]
)
_MONEY = re.compile(
    r"(?:[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:dollars|euros|pounds|usd|eur|gbp)\b)", re.IGNORECASE
)
_CLASS_WORDS = {
    "donate",
    "donation",
    "donations",
    "fundraising",
    "membership",
    "paywall",
    "support",
    "campaign",
}


def rule_votes(block: Block) -> list[Vote]:
    """Explainable fundraising votes for one block."""
    fired: list[tuple[float, str]] = []
    appeals = matches(_APPEAL, block.text)
    money = matches(_MONEY, block.text)
    if appeals and money:
        fired.append((0.9, f"mentions {appeals[0]} and a money amount ({money[0]})"))
    elif len(appeals) >= 2:
        fired.append((0.8, f"appeal wording: {', '.join(appeals[:3])}"))
    elif appeals and word_count(block) <= 4:
        fired.append((0.7, f"a short call to action: {appeals[0]}"))
    elif appeals:
        fired.append((0.5, f"mentions {appeals[0]}"))
    class_hits = sorted(path_words(block) & _CLASS_WORDS)
    if class_hits:
        fired.append((0.6, f"inside an element named {', '.join(class_hits[:3])}"))
    return best_vote(NAME, block, LABEL, fired)


@hookimpl
def pageparts_plugin_info() -> PluginInfo:
    return PluginInfo(
        NAME, (LABEL,), __version__, has_model(NAME), "Donation, membership and paywall appeals."
    )


@hookimpl
def pageparts_classify(document: Document) -> list[Vote]:
    votes = [vote for block in document.blocks for vote in rule_votes(block)]
    return votes + model_votes(NAME, LABEL, document)
