"""The ``navigation`` plugin: menus, link rows, breadcrumbs, sign-in and search prompts."""

from __future__ import annotations

import numpy as np
from pageparts.document import Document, Vote
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


def rule_votes(document: Document) -> list[Vote]:
    """Explainable navigation votes: link rows, short text in nav landmarks or named elements,
    site-chrome wording."""
    f = facts(document)
    w, links = f.words, f.links
    phrases = f.hits(_CHROME_PHRASES)
    named = f.named(_NAV_CLASS_WORDS) if f.html else [[] for _ in f.texts]
    in_landmark = np.fromiter((x in _NAV_LANDMARKS for x in f.landmark), bool, len(w))
    link_row = (w <= 12) & (links >= 0.8)
    chrome = np.fromiter((bool(p) for p in phrases), bool, len(w)) & (w <= 8)
    has_named = np.fromiter((bool(x) for x in named), bool, len(w)) & (w <= 20)
    votes = []
    for i in np.flatnonzero(link_row | (in_landmark & (w <= 20)) | has_named | chrome).tolist():
        fired: list[tuple[float, str]] = []
        if link_row[i]:
            fired.append((0.7, f"{links[i]:.0%} of its text is links, {w[i]} words"))
        if in_landmark[i] and w[i] <= 20:
            fired.append((0.75, f"short text inside <{f.landmark[i]}>"))
        if has_named[i]:
            fired.append((0.65, f"inside an element named {', '.join(named[i][:3])}"))
        if chrome[i]:
            fired.append((0.75, f"site-chrome wording: {', '.join(phrases[i][:3])}"))
        votes += vote(NAME, i, LABEL, fired)
    return votes


pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
    NAME, rule_votes, labels=(LABEL,), description="Menus, link rows and other site chrome.", model=LABEL
)
