"""Typed block facts: what a splitter records about each block, one frozen dataclass per input kind.

The built-in splitters fill ``Block.features`` with an ``HtmlFacts`` (the HTML splitter) or a
``TextFacts`` (the text splitter). Each is also a read-only ``Mapping`` with exactly the keys, the
values and the order of the dict these splitters gave before (a tuple field reads as a list
there), so ``block.features["link_density"]``, ``.get(...)``, ``in`` and ``dict(block.features)``
give what they gave. A third-party splitter may still fill ``features`` with a plain dict: core
code reads the HTML facts of every block through ``HtmlFacts.of`` (``html_facts(document)``),
which takes an ``HtmlFacts`` as it is and builds one from any other mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, Self

from .document import Document


class _Facts(Mapping[str, Any]):
    """The read-only mapping view of a facts dataclass: its fields in order, a tuple as a list."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        value = self.__dict__[key]
        return list(value) if type(value) is tuple else value

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __len__(self) -> int:
        return len(self.__dict__)

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self.__dict__ else default

    @classmethod
    def _trusted(cls, values: dict[str, Any]) -> Self:
        """An instance holding ``values`` as they are: every field, in field order, of its type.

        For a splitter, made once per block: a frozen dataclass's ``__init__`` sets each field
        with its own ``object.__setattr__`` call, and takes about 2.5 times as long.
        """
        facts = object.__new__(cls)
        object.__setattr__(facts, "__dict__", values)
        return facts


@dataclass(frozen=True, eq=False)
class HtmlFacts(_Facts):
    """The facts the HTML splitter records about a block (``pageparts.splitters.html``).

    A missing key of a third-party splitter's dict takes the default given here (``HtmlFacts.of``).
    """

    tag: str = ""
    """Lowercase tag name of the block-level element that owns the text."""
    path: tuple[str, ...] = ()
    """Tag names from just under ``<html>`` down to and including that element (a list in the
    mapping view)."""
    path_words: str = ""
    """Lowercase words (runs of letters and digits, 2+ characters, not all digits) from the
    ``class``, ``id`` and ``role`` attributes of the element and its ancestors, outermost first,
    joined by spaces (a word may repeat); without the words every block of the page starts with
    (those of ``<html>``, ``<body>`` and any wrapper around the whole page), and, inside
    ``<main>``, without those of the elements around it."""
    heading: int = 0
    """1-6 when the element is, or is inside, ``h1``-``h6``; else 0."""
    link_chars: int = 0
    """Characters of the block text inside ``<a>`` elements."""
    text_chars: int = 0
    """All characters of the block text."""
    link_density: float = 0.0
    """``link_chars / text_chars`` (0.0 for empty text)."""
    links: int = 0
    """Number of ``<a>`` elements that contribute text to the block."""
    in_list: bool = False
    """Whether the element is, or is inside, a ``ul``/``ol``/``dl``/``menu``."""
    list_size: int = 0
    """The number of item children (``li``; ``dt``/``dd`` for ``dl``) of the nearest such list
    (0 if none)."""
    landmark: str = ""
    """The nearest landmark at or above the element: one of ``header``, ``nav``, ``footer``,
    ``aside``, ``main``, ``article``, ``form``, from the tag or from a ``role`` attribute
    (navigation -> nav, banner -> header, contentinfo -> footer, complementary -> aside,
    main -> main, search -> form; a role wins over the tag); "" if none."""
    depth: int = 0
    """DOM depth of the element: ``<html>`` is 0, ``<body>`` is 1 (equals ``len(path)``)."""
    group_size: int = 1
    """How many children of the element's parent (itself included) have the same tag and the
    same ``class`` attribute: a repetition signal for menus and teaser lists."""
    in_table: bool = False
    """Whether the element is, or is inside, a ``table``."""
    emphasis_chars: int = 0
    """Characters of the block text inside ``strong``, ``b``, ``em`` or ``i``."""

    @classmethod
    def of(cls, facts: Mapping[str, Any]) -> HtmlFacts:
        """``facts`` itself if it is an ``HtmlFacts``; ``NO_HTML_FACTS`` if it is a ``TextFacts``;
        else one built from the mapping: each of its keys that is a field, unless its value is
        None, converted to the field's type (``int``, ``float``, ``bool``, ``str``, ``tuple``), the
        other fields at their defaults."""
        kind = type(facts)  # not isinstance: this runs once per block, and ABCs check slowly
        if kind is HtmlFacts:
            return facts
        if kind is TextFacts:
            return NO_HTML_FACTS
        given = {k: _CONVERT[k](v) for k, v in facts.items() if k in _CONVERT and v is not None}
        return cls(**given) if given else NO_HTML_FACTS


_CONVERT = {f.name: type(f.default) for f in fields(HtmlFacts)}
NO_HTML_FACTS = HtmlFacts()
"""The facts of a block that has none of the HTML splitter's (a plain-text block)."""


@dataclass(frozen=True, eq=False)
class TextFacts(_Facts):
    """The facts the text splitter records about a block (``pageparts.splitters.text``)."""

    lines: int
    """The number of lines of the block text."""


def from_html_splitter(facts: Mapping[str, Any]) -> bool:
    """Whether ``facts`` are the HTML splitter's, or a third-party splitter's with its facts: they
    hold ``link_density``."""
    return "link_density" in facts


def html_facts(document: Document) -> list[HtmlFacts]:
    """The HTML facts of every block of ``document`` (``HtmlFacts.of``), converted once per
    document and shared by the features, the rules and the plugins."""
    return document.computed(
        ("html facts", len(document.blocks)), lambda d: [HtmlFacts.of(b.features) for b in d.blocks]
    )


def path_word_sets(
    document: Document, sets: Callable[[list[str]], dict[str, frozenset[str]]] | None = None
) -> dict[str, frozenset[str]]:
    """The words of each distinct ``path_words`` of ``document``'s blocks, in the order the paths
    first occur: a path holds about 50 words and blocks share their container's, so each is split
    once per document, for the features and the rules alike. ``sets`` makes them (by default
    ``word_sets``, the reference; the compiled path's is ``HotPath.word_sets``)."""
    sets = sets or word_sets
    return document.computed(
        ("path word sets", len(document.blocks)), lambda d: sets([x.path_words for x in html_facts(d)])
    )


def word_sets(paths: list[str]) -> dict[str, frozenset[str]]:
    """Each distinct text of ``paths``, in the order they first occur, and its words as a set."""
    return {words: frozenset(words.split()) for words in dict.fromkeys(paths)}
