"""The ``related-links`` plugin: teasers pointing to other documents."""

from __future__ import annotations

import re

from pageparts.document import Document, Vote
from pageparts.rule_plugin import rule_plugin
from pageparts.scoring.rules import Facts, facts, lexicon, vote

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
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
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


_META_LINE = re.compile(
    r"^(?:by\s+)?[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|da|del|la|le|and|&)){0,5}"
    r"\s*(?:[·|•–—]\s*(?:[\w ,.:'’-]{0,40}))?$"
    r"|^(?:" + _MONTH + r")\.? \d{1,2},? \d{4}$|^\d{1,2} (?:" + _MONTH + r")\.? \d{4}$|^\d{4}-\d\d-\d\d$",
)
_SEPARATED = re.compile(r"[·|•–—]\s*[\w ,.:'’-]{0,40}$|^(?:by\s)|\d{4}$")
_SEPARATOR = re.compile(r"[·|•–—]")


def _may_be_separated(text: str) -> bool:
    """Whether ``text`` (one line) can match ``_SEPARATED``: it holds a separator, starts with "by" or
    ends with a decimal digit (``re``'s ``\\d``); far cheaper than the pattern, which it tests at
    every position."""
    return text.startswith("by") or text[-1:].isdecimal() or _SEPARATOR.search(text) is not None


def teaser_list(f: Facts) -> dict[int, str]:
    """Blocks of a list of teasers: a short author/date line repeating every 2 to 4 blocks.

    A teaser is a title (and maybe a one-line summary) followed by an author or date line;
    three or more of them in a row, with the same stride, make a list of links to other
    documents. Returns block index -> reason.
    """
    words = f.words.tolist()
    meta = [
        i
        for i, (text, count) in enumerate(zip(f.texts, words, strict=True))
        if count <= 8
        and "\n" not in text
        and _may_be_separated(text)
        and _SEPARATED.search(text) is not None  # first: it holds for far fewer lines
        and _META_LINE.match(text) is not None
    ]
    found: dict[int, str] = {}
    start = 0
    while start < len(meta):
        stride = meta[start + 1] - meta[start] if start + 1 < len(meta) else 0
        end = start + 1
        while end < len(meta) and meta[end] - meta[end - 1] == stride and 2 <= stride <= 4:
            end += 1
        run = meta[start:end]
        if len(run) >= 3:
            first = run[0] - (stride - 1)
            meta_lines = set(run)  # a set: a list would make this quadratic in a long run
            teaser_words = [words[j] for j in range(max(first, 0), run[-1]) if j not in meta_lines]
            if first >= 0 and max(teaser_words) <= 80:
                reason = f"teaser in a list of {len(run)}: title, summary and author/date line repeat"
                found.update({j: reason for j in range(first, run[-1] + 1)})
        start = end if len(run) >= 2 else start + 1
    return found


def rule_votes(document: Document) -> list[Vote]:
    """Explainable related-links votes: section titles, named elements, linked titles in
    groups, and teaser lists (title, summary, author/date line, repeated)."""
    f = facts(document)
    titles = f.hits(_SECTION_TITLES)
    named = f.named(_CLASS_WORDS) if f.html else [[] for _ in f.texts]
    # as Python objects: a numpy scalar per index is slow to make and print
    w, group = f.words.tolist(), f.group.tolist()
    linked = ((f.links >= 0.6) & (f.words >= 5) & (f.words <= 25) & (f.group >= 3)).tolist()
    teasers = teaser_list(f)
    chosen = {i for i in range(len(w)) if (titles[i] and w[i] <= 6) or named[i] or linked[i]}
    votes = []
    for i in sorted(chosen | set(teasers)):
        fired: list[tuple[float, str]] = []
        if titles[i] and w[i] <= 6:
            fired.append((0.8, f"a section title: {titles[i][0]}"))
        if named[i]:
            fired.append((0.65, f"inside an element named {', '.join(named[i][:3])}"))
        if linked[i]:
            fired.append((0.6, f"a linked {w[i]}-word title repeated in a group of {group[i]}"))
        if i in teasers:
            fired.append((0.9, teasers[i]))
        votes += vote(NAME, i, LABEL, fired)
    return votes


pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
    NAME, rule_votes, labels=(LABEL,), description="Teasers and lists of other stories.", model=LABEL
)
