"""The ``headline`` plugin: the document's title and the standfirst directly under it."""

from __future__ import annotations

from pageparts import __version__
from pageparts.document import Block, Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.models import has_model, model_votes
from pageparts.plugin_info import PluginInfo
from pageparts.rules import path_words, word_count
from pageparts.scoring import words

NAME = "headline"
LABEL = "headline"

_DEK_CLASS_WORDS = {
    "dek",
    "standfirst",
    "subtitle",
    "subheadline",
    "subhead",
    "deck",
    "lede",
    "summary",
    "excerpt",
}


def title_overlap(block: Block, title: str) -> float:
    """Share of the block's words found in the page title, if the block is not much longer."""
    block_words, title_words = words(block.text), set(words(title))
    if not block_words or not title_words or len(block_words) > 2 * len(title_words) + 2:
        return 0.0
    return sum(w in title_words for w in block_words) / len(block_words)


def headline_index(document: Document) -> int | None:
    """The block most likely to be the headline: the best title match, else the first <h1>."""
    title = str(document.meta.get("title", ""))
    best, best_score = None, 0.6
    for block in document.blocks:
        score = title_overlap(block, title) + (0.1 if block.features.get("heading") else 0.0)
        if score > best_score:
            best, best_score = block.index, score
    if best is not None:
        return best
    return next((b.index for b in document.blocks if b.features.get("heading") == 1), None)


def rule_votes(document: Document) -> list[Vote]:
    """Explainable headline votes: the title match or first <h1>, and the dek under it."""
    found = headline_index(document)
    if found is None:
        return []
    head = document.blocks[found]
    overlap = title_overlap(head, str(document.meta.get("title", "")))
    reason = f"{overlap:.0%} of its words are in the page <title>" if overlap else "the first <h1>"
    votes = [Vote(NAME, found, LABEL, 0.85 if overlap else 0.7, reason)]
    if found + 1 < len(document.blocks):
        dek = document.blocks[found + 1]
        named = sorted(path_words(dek) & _DEK_CLASS_WORDS)
        if named and 5 <= word_count(dek) <= 60:
            votes.append(Vote(NAME, dek.index, LABEL, 0.75, f"right under the headline, named {named[0]}"))
    return votes


@hookimpl
def pageparts_plugin_info() -> PluginInfo:
    return PluginInfo(NAME, (LABEL,), __version__, has_model(NAME), "The title of the page and its dek.")


@hookimpl
def pageparts_classify(document: Document) -> list[Vote]:
    return rule_votes(document) + model_votes(NAME, LABEL, document)
