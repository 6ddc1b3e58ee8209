"""The ``body`` plugin: the paragraphs, sub-headings and lists of the main content.

It also votes ``other`` for the small parts around an article that read like prose but are
not the content: the byline, photo captions and credits, copyright and licence lines.
"""

from __future__ import annotations

import re

import numpy as np
from pageparts.document import Document, Vote
from pageparts.rule_plugin import rule_plugin
from pageparts.scoring.rules import Facts, at_word_start, facts, vote

NAME = "body"
LABEL = "body"
OTHER = "other"

_CONTENT_LANDMARKS = {"article", "main"}

# the alternatives of ``\bcopyright\b|...`` (see ``at_word_start``: the same matches, found faster)
_COPYRIGHT = re.compile(
    "|".join(
        [
            "©",
            r"\(c\)\s*\d{4}",
            *map(
                at_word_start,
                [r"copyright\b", r"all rights reserved\b", r"licen[cs]ed under\b", r"creative commons\b"],
            ),
            at_word_start(r"cc[ -]by\b"),
        ]
    ),
    re.IGNORECASE,
)
_CREDIT = re.compile(
    "|".join(
        [
            r"\((?:photo|image|photograph|picture|illustration|graphic)s?\b[^)]{0,80}\)",
            # \b(?:photo|image|...)s?\s*(?:by\b|...), one alternative per word, in the same order
            *(
                at_word_start(word + r"s?\s*(?:by\b|:|credit\b|courtesy\b|source\b)")
                for word in ("photo", "image", "photograph", "picture", "illustration")
            ),
            *(
                at_word_start(words + r"\b")
                for words in (
                    "getty images",
                    "shutterstock",
                    "ap photo",
                    "via getty",
                    "courtesy of",
                    "photo credit",
                )
            ),
        ]
    ),
    re.IGNORECASE,
)
_NAME_ONLY = re.compile(r"^(?:by\s+)?[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|da|del|la|le)){1,3}$")
_BY = re.compile(r"^(?:by|written by|words by|reporting by):?\s+[A-Z]", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    "|".join(
        [
            rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b",  # December 21, 2016
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}\b",  # 21 December 2016
            r"\b\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b",  # 2016-12-21, 2019/04/21
            r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",  # 12/21/2016, 21.12.2016
            r"\d{4}年\d{1,2}月\d{1,2}日",
        ]
    ),
    re.IGNORECASE,
)
_DATE_LINE_WORDS = frozenset(
    (
        "by",
        "on",
        "at",
        "updated",
        "published",
        "posted",
        "last",
        "modified",
        "am",
        "pm",
        "et",
        "gmt",
        "utc",
        "edt",
        "est",
        "pst",
        "pdt",
        "|",
        "/",
        "·",
        "-",
        "–",
        "—",
    )
)
"""Words a date line holds besides the date, a time and a name (capitalised words)."""
MAX_DATE_LINES = 2
"""A page's date lines are its dateline only where it has this many at most: a teaser list or a
forum thread dates every item (on the training-side hand-labelled pages, 87 % of the date lines
of pages with two at most are ``other``, 51 % of all date lines)."""
_TOKEN = re.compile(r"\w+")


def _overlap(a: str, b: str) -> float:
    """Share of the words of ``a`` that occur in ``b``."""
    words = _TOKEN.findall(a.lower())
    if not words:
        return 0.0
    other = set(_TOKEN.findall(b.lower()))
    return sum(w in other for w in words) / len(words)


def body_rules(document: Document, f: Facts) -> list[Vote]:
    """Explainable body votes: prose that is not mostly links, text inside <article>/<main>."""
    votes = []
    w, s, links = f.words, f.sentences, f.links
    long_prose = (w >= 30) & (s >= 2) & (links < 0.3)
    sentence = (w >= 15) & (s >= 1) & (links < 0.2) & ~long_prose
    landmark = np.fromiter((x in _CONTENT_LANDMARKS for x in f.landmark), bool, len(w))
    in_content = landmark & (w >= 8) & (links < 0.5)
    chosen = np.flatnonzero(long_prose | sentence | in_content)
    # the chosen blocks' values as Python objects (a numpy scalar per index is slow to make and print)
    columns = (long_prose, sentence, in_content, w, s, links)
    for i, *values in zip(chosen.tolist(), *(c[chosen].tolist() for c in columns), strict=True):
        is_long_prose, is_sentence, is_in_content, words, sentences, link_share = values
        fired = []
        if is_long_prose:
            fired.append((0.8, f"{words} words in {sentences} sentences, {link_share:.0%} links"))
        elif is_sentence:
            fired.append((0.6, f"a {words}-word sentence, {link_share:.0%} links"))
        if is_in_content:
            fired.append((0.6, f"text inside <{f.landmark[i]}>"))
        votes += vote(NAME, i, LABEL, fired)
    return votes


def _is_date_line(text: str) -> bool:
    """A date with at most a name of four words, a time and words such as 'Updated' around it:
    a dateline (under a title, never a title itself), on one line."""
    date = _DATE.search(text) if "\n" not in text else None
    if date is None:
        return False
    rest = (text[: date.start()] + " " + text[date.end() :]).replace("/", " / ").split()
    named = [word for word in rest if word.lower().strip(":,.") not in _DATE_LINE_WORDS]
    return len(named) <= 4 and all(word[:1].isupper() or word[:1].isdigit() for word in named)


def other_rules(document: Document, f: Facts) -> list[Vote]:
    """Explainable ``other`` votes: copyright/licence lines, captions and credits, bylines."""
    # as Python objects: a numpy scalar per index is slow to make and compare
    w, heading, links = f.words.tolist(), f.heading.tolist(), f.links.tolist()
    n = len(w)
    fired: dict[int, list[tuple[float, str]]] = {}
    copyright_hits = f.hits(_COPYRIGHT)
    credit_hits = f.hits(_CREDIT)
    caption = np.zeros(n, bool)
    for i in range(n):
        if copyright_hits[i] and w[i] <= 60:
            fired.setdefault(i, []).append((0.85, f"copyright or licence wording: {copyright_hits[i][0]}"))
        if credit_hits[i] and w[i] <= 60:
            caption[i] = True
            fired.setdefault(i, []).append((0.85, f"a photo caption or credit: {credit_hits[i][0]}"))
    prose = ((f.words >= 25) & (f.sentences >= 1)).tolist()
    for i in np.flatnonzero(caption).tolist():  # an image description right before its caption
        j = i - 1
        if j >= 0 and not caption[j] and 3 <= w[j] <= 30 and not f.texts[j].rstrip().endswith("."):
            share = _overlap(f.texts[j], f.texts[i])
            if share >= 0.6:
                fired.setdefault(j, []).append(
                    (0.75, f"describes the image of the caption below ({share:.0%} shared words)")
                )
    dates = f.hits(_DATE)  # one pass over the document's text; the blocks with a date are few
    dated = [i for i in range(n) if dates[i] and w[i] <= 8 and not heading[i] and _is_date_line(f.texts[i])]
    if len(dated) <= MAX_DATE_LINES:
        for i in dated:
            fired.setdefault(i, []).append((0.8, "a date line: a date and a name at most, one of few"))
    for i in range(n):
        text = f.texts[i]
        if w[i] > 8 or "\n" in text:
            continue
        after_prose = i + 1 < n and prose[i + 1]
        before_prose = i > 0 and prose[i - 1]
        if _BY.match(text) and w[i] <= 8:
            fired.setdefault(i, []).append((0.8, "a byline: 'By' and a name"))
        elif (
            after_prose and not before_prose and not heading[i] and _NAME_ONLY.match(text) and links[i] < 0.5
        ):
            fired.setdefault(i, []).append((0.7, "a byline: a name alone, right before the text"))
    return [v for i in sorted(fired) for v in vote(NAME, i, OTHER, fired[i])]


def rule_votes(document: Document) -> list[Vote]:
    f = facts(document)
    return body_rules(document, f) + other_rules(document, f)


pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
    NAME,
    rule_votes,
    labels=(LABEL, OTHER),
    description="The main content a reader came for; bylines, captions and licence lines as other.",
    model=LABEL,
)
