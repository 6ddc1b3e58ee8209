"""The ``headline`` plugin: the document's title and the standfirst directly under it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from pageparts import __version__
from pageparts.document import Block, Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.models import has_model, model_votes
from pageparts.plugin_info import PluginInfo
from pageparts.rules import facts, path_words, word_count
from pageparts.scoring import counts_prf, words
from pageparts.trainable import Trainable

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


def title_match(block: Block, title: str) -> float:
    """Word F1 of the block against the page title (0 for a block much longer than the title).

    F1, not the share of the block's words found in the title: a short site-name block ("Arch
    Linux") is all in "What happened to the ISO / Arch Linux Forums" but covers little of it.
    """
    return title_matcher(title)(block)


def title_matcher(title: str) -> Callable[[Block], float]:
    """``title_match`` against ``title`` as a function of the block (the title's words counted once)."""
    title_words = words(title)
    longest = 2 * len(title_words) + 2
    want = Counter(title_words)

    def match(block: Block) -> float:
        if not title_words or word_count(block) > longest:
            return 0.0
        found = words(block.text)
        if want.keys().isdisjoint(found):  # no shared word: F1 0, without counting
            return 0.0
        return counts_prf(Counter(found), want).f1

    return match


HEADING_BONUS, H1_BONUS, MIN_MATCH = 0.1, 0.2, 0.3
"""A candidate's score is its title match plus these bonuses for a heading and for an <h1>; the
best candidate above ``MIN_MATCH`` is the headline (chosen on training-side WCXB pages)."""


def headline_index(document: Document) -> int | None:
    """The block most likely to be the headline: the best title match (headings preferred), else
    the first <h1>."""
    title_match = title_matcher(str(document.meta.get("title", "")))
    best, best_score = None, MIN_MATCH
    for block in document.blocks:
        heading = block.features.get("heading")
        score = title_match(block) + (HEADING_BONUS if heading else 0.0)
        score += H1_BONUS if heading == 1 else 0.0
        if score > best_score:
            best, best_score = block.index, score
    if best is not None:
        return best
    return next((b.index for b in document.blocks if b.features.get("heading") == 1), None)


_BYLINE = re.compile(r"^(?:by\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]*){1,3}\s*[·|]?$|^by\s", re.IGNORECASE)
_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b|\bago\b|\bmin(?:ute)?s? read\b", re.IGNORECASE)


def text_headline(document: Document) -> list[Vote]:
    """Plain text has no <title> or <h1>: the headline is the short unpunctuated line just above
    the first run of prose, perhaps with a one-sentence dek and a byline/date line between."""
    f = facts(document)
    w, s, texts = f.words, f.sentences, f.texts
    n = len(w)
    prose = (w >= 25) & (s >= 1)
    starts = [i for i in range(n - 2) if prose[i] and prose[i + 1 : i + 4].sum() >= 2]
    if not starts:
        return []
    i = starts[0] - 1
    while i >= 0 and w[i] <= 8 and (_BYLINE.match(texts[i]) or _DATE.search(texts[i])):
        i -= 1  # skip the byline and date lines
    if i < 0:
        return []
    votes = []
    if 6 <= w[i] <= 50 and s[i] <= 2 and i >= 1 and 3 <= w[i - 1] <= 25 and _title_like(texts[i - 1]):
        votes.append(
            Vote(NAME, i - 1, LABEL, 0.8, "a short title line above a one-sentence dek and the text")
        )
        votes.append(Vote(NAME, i, LABEL, 0.7, "a one-sentence dek under the title, above the text"))
    elif 3 <= w[i] <= 25 and _title_like(texts[i]):
        votes.append(Vote(NAME, i, LABEL, 0.75, "a short title line right above the text"))
    return votes


def _title_like(text: str) -> bool:
    return ("\n" not in text and not text.rstrip().endswith((".", ":", ",", ";")) and text[:1].isupper()) or (
        text[:1] in "'\"‘“" and "\n" not in text and not text.rstrip().endswith(".")
    )


def rule_votes(document: Document) -> list[Vote]:
    """Explainable headline votes: the title match or first <h1>, and the dek under it; in plain
    text, the title line above the first run of prose."""
    found = headline_index(document)
    if found is None:
        return text_headline(document) if document.input_format == "text" else []
    head = document.blocks[found]
    match = title_match(head, str(document.meta.get("title", "")))
    if match >= 0.5:
        votes = [Vote(NAME, found, LABEL, 0.85, f"matches the page <title> (word F1 {match:.2f})")]
    else:
        reason = f"the heading nearest the page <title> (word F1 {match:.2f})" if match else "the first <h1>"
        votes = [Vote(NAME, found, LABEL, 0.7, reason)]
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


@hookimpl
def pageparts_trainable() -> Trainable:
    return Trainable(LABEL)
