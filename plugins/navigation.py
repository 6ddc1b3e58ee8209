"""The ``navigation`` plugin: menus, link rows, breadcrumbs, sign-in and search prompts."""

from __future__ import annotations

import numpy as np
from pageparts.document import Document, Vote
from pageparts.facts import html_facts
from pageparts.rule_plugin import rule_plugin
from pageparts.scoring.rules import facts, lexicon, vote

NAME = "navigation"
LABEL = "navigation"

_CHROME_PHRASES = lexicon(
    [
        "skip to content",
        "skip to main content",
        "skip navigation",
        "sign in",
        "log in",
        "login",
        "sign up",
        "my account",
        "menu",
        "search",
        "share",
        "print",
        "email this",
        "back to top",
        "privacy policy",
        "terms of use",
        "terms of service",
        "cookie",
        "cookies",
        "accept all",
        "contact us",
        "about us",
        "newsletter",
        "your inbox",
        "in your inbox",
        "subscribe to our newsletter",
        "follow us",
        "home",
        "next",
        "previous",
        "breadcrumb",
    ]
)
_NAV_CLASS_WORDS = {
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "header",
    "footer",
    "masthead",
    "topbar",
    "sidebar",
    "share",
    "social",
    "toolbar",
    "cookie",
}
_NAV_LANDMARKS = {"nav", "header", "footer"}
_SECTIONING = {"article", "aside", "main", "section"}
"""A ``<header>`` or ``<footer>`` inside one of these belongs to it (an article's header holds its
title, byline and sub-headings; a comment's footer its date and reply link), not to the site's chrome."""


def rule_votes(document: Document) -> list[Vote]:
    """Explainable navigation votes: link rows, short text in nav landmarks or named elements,
    site-chrome wording."""
    f = facts(document)
    w, links = f.words, f.links
    phrases = f.hits(_CHROME_PHRASES)
    named = f.named(_NAV_CLASS_WORDS) if f.html else [[] for _ in f.texts]
    in_landmark = np.fromiter((x in _NAV_LANDMARKS for x in f.landmark), bool, len(w))
    if f.html:
        banner = np.fromiter((x in ("header", "footer") for x in f.landmark), bool, len(w))
        in_landmark &= ~_scoped(document, banner & (w <= 20))
    link_row = (w <= 12) & (links >= 0.8)
    chrome = np.fromiter((bool(p) for p in phrases), bool, len(w)) & (w <= 8)
    has_named = np.fromiter((bool(x) for x in named), bool, len(w)) & (w <= 20)
    short_landmark = in_landmark & (w <= 20)
    chosen = np.flatnonzero(link_row | short_landmark | has_named | chrome)
    votes = []
    # the chosen blocks' values as Python objects (a numpy scalar per index is slow to make and print)
    columns = (link_row, short_landmark, has_named, chrome, links, w)
    for i, *values in zip(chosen.tolist(), *(c[chosen].tolist() for c in columns), strict=True):
        is_link_row, is_short_landmark, is_named, is_chrome, link_share, words = values
        fired: list[tuple[float, str]] = []
        if is_link_row:
            fired.append((0.7, f"{link_share:.0%} of its text is links, {words} words"))
        if is_short_landmark:
            fired.append((0.75, f"short text inside <{f.landmark[i]}>"))
        if is_named:
            fired.append((0.65, f"inside an element named {', '.join(named[i][:3])}"))
        if is_chrome:
            fired.append((0.75, f"site-chrome wording: {', '.join(phrases[i][:3])}"))
        votes += vote(NAME, i, LABEL, fired)
    return votes


def _scoped(document: Document, candidates: np.ndarray) -> np.ndarray:
    """Which of the ``candidates`` (blocks in a header or footer landmark) are in a ``<header>`` or
    ``<footer>`` of sectioning content (``_SECTIONING``): the nearest such tag on the block's path
    has one above it. A landmark given by a ``role`` (no such tag on the path) is the page's."""
    scoped = np.zeros(len(candidates), bool)
    facts = html_facts(document)
    for i in np.flatnonzero(candidates).tolist():
        path = facts[i].path
        at = next((j for j in range(len(path) - 1, -1, -1) if path[j] in ("header", "footer")), -1)
        scoped[i] = at > 0 and not _SECTIONING.isdisjoint(path[:at])
    return scoped


pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
    NAME, rule_votes, labels=(LABEL,), description="Menus, link rows and other site chrome.", model=LABEL
)
