"""The ``navigation`` plugin: menus, link rows, breadcrumbs, sign-in and search prompts."""

from __future__ import annotations

from pageparts import __version__
from pageparts.document import Block, Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.models import has_model, model_votes
from pageparts.plugin_info import PluginInfo
from pageparts.rules import best_vote, lexicon, link_share, matches, path_words, word_count

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


def rule_votes(block: Block) -> list[Vote]:
    """Explainable navigation votes for one block."""
    fired: list[tuple[float, str]] = []
    words = word_count(block)
    links = link_share(block)
    if words <= 12 and links >= 0.8:
        fired.append((0.7, f"{links:.0%} of its text is links, {words} words"))
    landmark = block.features.get("landmark", "")
    if landmark in _NAV_LANDMARKS and words <= 20:
        fired.append((0.75, f"short text inside <{landmark}>"))
    class_hits = sorted(path_words(block) & _NAV_CLASS_WORDS)
    if class_hits and words <= 20:
        fired.append((0.65, f"inside an element named {', '.join(class_hits[:3])}"))
    phrases = matches(_CHROME_PHRASES, block.text)
    if phrases and words <= 8:
        fired.append((0.75, f"site-chrome wording: {', '.join(phrases[:3])}"))
    return best_vote(NAME, block, LABEL, fired)


@hookimpl
def pageparts_plugin_info() -> PluginInfo:
    return PluginInfo(NAME, (LABEL,), __version__, has_model(NAME), "Menus, link rows and other site chrome.")


@hookimpl
def pageparts_classify(document: Document) -> list[Vote]:
    votes = [vote for block in document.blocks for vote in rule_votes(block)]
    return votes + model_votes(NAME, LABEL, document)
