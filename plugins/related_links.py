"""The ``related-links`` plugin: teasers pointing to other documents."""

from __future__ import annotations

from pageparts import __version__
from pageparts.document import Block, Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.models import has_model, model_votes
from pageparts.plugin_info import PluginInfo
from pageparts.rules import best_vote, lexicon, link_share, matches, path_words, word_count

NAME = "related-links"
LABEL = "related-links"

_SECTION_TITLES = lexicon(
    [
        "related",
        "related stories",
        "related articles",
        "related posts",
        "more from",
        "more stories",
        "most read",
        "most popular",
        "popular",
        "trending",
        "recommended",
        "you may also like",
        "you might also like",
        "read more",
        "read next",
        "also read",
        "further reading",
        "latest news",
        "more news",
        "see also",
    ]
)
_CLASS_WORDS = {
    "related",
    "recommended",
    "popular",
    "trending",
    "teaser",
    "teasers",
    "more",
    "card",
    "cards",
    "readmore",
    "mostread",
    "most",
    "latest",
    "recirculation",
    "promo",
}


def rule_votes(block: Block) -> list[Vote]:
    """Explainable related-links votes for one block."""
    fired: list[tuple[float, str]] = []
    words = word_count(block)
    titles = matches(_SECTION_TITLES, block.text)
    if titles and words <= 6:
        fired.append((0.8, f"a section title: {titles[0]}"))
    class_hits = sorted(path_words(block) & _CLASS_WORDS)
    if class_hits:
        fired.append((0.65, f"inside an element named {', '.join(class_hits[:3])}"))
    group = int(block.features.get("group_size", 0))
    if link_share(block) >= 0.6 and 5 <= words <= 25 and group >= 3:
        fired.append((0.6, f"a linked {words}-word title repeated in a group of {group}"))
    return best_vote(NAME, block, LABEL, fired)


@hookimpl
def pageparts_plugin_info() -> PluginInfo:
    return PluginInfo(NAME, (LABEL,), __version__, has_model(NAME), "Teasers and lists of other stories.")


@hookimpl
def pageparts_classify(document: Document) -> list[Vote]:
    votes = [vote for block in document.blocks for vote in rule_votes(block)]
    return votes + model_votes(NAME, LABEL, document)
