"""The ``headline`` plugin: the document's title and the standfirst directly under it."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from pageparts.document import Block, Document, Vote
from pageparts.facts import html_facts
from pageparts.labels.extraction_scores import f1_matcher, words
from pageparts.rule_plugin import rule_plugin
from pageparts.scoring.rules import BYLINE, facts, is_furniture, path_words, word_count
from pageparts.scoring.speedups import document_path

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
    match = f1_matcher(*_title_words(title))
    return lambda block: match(block.text)


def _title_words(title: str) -> tuple[list[str], int]:
    """The title's words, and the most words a block may have to match it: twice as many, and 2."""
    title_words = words(title)
    return title_words, 2 * len(title_words) + 2


HEADING_BONUS, H1_BONUS, MIN_MATCH = 0.1, 0.2, 0.3
"""A candidate's score is its title match plus these bonuses for a heading and for an <h1>; the
best candidate above ``MIN_MATCH`` is the headline (chosen on training-side WCXB pages)."""


def headline_index(document: Document) -> int | None:
    """The block most likely to be the headline: the best title match (headings preferred), else
    the first <h1>."""
    texts = [block.text for block in document.blocks]
    # title_match of each block, on the document's hot path
    matches = document_path(document).word_f1(*_title_words(str(document.meta.get("title", ""))), texts)
    best, best_score = None, MIN_MATCH
    headings = [facts.heading for facts in html_facts(document)]
    for block, match, heading in zip(document.blocks, matches, headings, strict=True):
        score = match + (HEADING_BONUS if heading else 0.0)
        score += H1_BONUS if heading == 1 else 0.0
        if score > best_score:
            best, best_score = block.index, score
    if best is not None:
        return best
    return next((b.index for b, heading in zip(document.blocks, headings, strict=True) if heading == 1), None)


_NAME = re.compile(r"^(?:by\s*)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]*){1,3}\s*[·|]?$")
"""A person's name alone (a byline without "By"), or a short title in title case: the line above
tells which."""
_STARTS_BYLINE = re.compile(BYLINE, re.IGNORECASE)
MAX_FURNITURE = 8
"""Lines of furniture skipped above the text before giving up."""
_DEK_END = re.compile(r"[.!][\"'”’)]*$")
"""A dek ends as a sentence does; a title ending with a full stop is rare (a question is not)."""


def text_headline(document: Document) -> list[Vote]:
    """Plain text has no <title> or <h1>: the headline is the short unpunctuated line just above
    the first run of prose, perhaps with a one-sentence dek under it, and bylines, dates, photo
    credits and buttons between it and the text. A line below two blocks of prose or more (photo
    captions aside) is no headline: it heads a section."""
    f = facts(document)
    w, s, texts = f.words, f.sentences, f.texts
    prose = (w >= 25) & (s >= 1)
    start = _prose_start(prose, w, s)
    if start is None:
        return []
    i = _above_furniture(texts, w, s, start - 1)
    if i < 0 or sum(not is_furniture(texts[j], w[j]) for j in np.flatnonzero(prose[:i])) > 1:
        return []
    if _is_dek(texts[i], w[i], s[i]) and i >= 1 and 3 <= w[i - 1] <= 25 and _title_like(texts[i - 1]):
        return [
            Vote(NAME, i - 1, LABEL, 0.8, "a short title line above a one-sentence dek and the text"),
            Vote(NAME, i, LABEL, 0.7, "a one-sentence dek under the title, above the text"),
        ]
    if 3 <= w[i] <= 25 and _title_like(texts[i]):
        return [Vote(NAME, i, LABEL, 0.75, "a short title line right above the text")]
    return []


def _prose_start(prose: np.ndarray, w: np.ndarray, s: np.ndarray) -> int | None:
    """The first block of ``prose`` followed by more: two of the next three blocks prose too, or
    for a paragraph of two sentences or more, 60 words of prose in the next six."""
    n = len(prose)
    if n < 2:
        return None
    ahead = np.convolve(prose, np.ones(3, int))[3 : n + 2]  # prose blocks among i+1 .. i+3
    words_ahead = np.convolve(np.where(prose, w, 0), np.ones(6, int))[6 : n + 5]  # words among i+1 .. i+6
    paragraph = (w[: n - 1] >= 40) & (s[: n - 1] >= 2)
    starts = np.flatnonzero(prose[: n - 1] & ((ahead >= 2) | paragraph & (words_ahead >= 60)))
    return int(starts[0]) if len(starts) else None


def _above_furniture(texts: list[str], w: np.ndarray, s: np.ndarray, i: int) -> int:
    """The first line at or above ``i`` that is not furniture (-1 if none within reach). A name
    alone counts as furniture (a byline, a photographer) when furniture, a headline or a dek is
    right above it."""
    for _ in range(MAX_FURNITURE):
        if i < 0:
            return -1
        if not is_furniture(texts[i], w[i]) and not (
            i >= 1
            and _NAME.match(texts[i])
            and (is_furniture(texts[i - 1], w[i - 1]) or _heads(texts[i - 1], w[i - 1], s[i - 1]))
        ):
            return i
        i -= 1
    return -1


def _heads(text: str, words: int, sentences: int) -> bool:
    """Whether a line can be a headline or its dek."""
    if _STARTS_BYLINE.match(text):
        return False
    return _is_dek(text, words, sentences) or (3 <= words <= 25 and _title_like(text))


def _is_dek(text: str, words: int, sentences: int) -> bool:
    return 6 <= words <= 50 and sentences <= 2 and "\n" not in text and _DEK_END.search(text) is not None


_BREADCRUMB = re.compile(r"\s[/>]\s|[»›]")


def _title_like(text: str) -> bool:
    if _BREADCRUMB.search(text):
        return False
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


pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
    NAME, rule_votes, labels=(LABEL,), description="The title of the page and its dek.", model=LABEL
)
