"""Helpers for explainable rule votes, computed once per document and shared by the plugins.

Rules look at a few facts per block (word and sentence counts, link share, landmark, class/id
words) and at lexicon matches. ``facts(document)`` computes them for every block at once: each
lexicon is matched in one pass over the joined document text, not block by block, and the
result is cached per document so the five plugins share it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..document import Block, Document, Vote
from ..facts import HtmlFacts, from_html_splitter, html_facts, path_word_sets
from .identity_cache import by_identity
from .scripts import DENSE_CLASS, FULL_STOPS
from .text_index import TextIndex, text_index

_WORD = re.compile(rf"[{DENSE_CLASS}]|[^\s\x00{DENSE_CLASS}]+")
"""A word: a kana or Chinese character (scripts.DENSE_RANGES), or a run of other characters that
are neither whitespace nor NUL."""
_SENTENCE_END = re.compile(rf"[.!?…][\"'”’)]*(?=\s|$)|[{FULL_STOPS}]")


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
BYLINE = r"^(?:by\b|by(?-i:[A-Z])|author\b|written by|words by|text by|posted\b|published\b|updated\b)"
"""The start of a byline line (a pattern to compile with re.IGNORECASE)."""
_DATE = rf"\b{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}\b"
FURNITURE = re.compile(
    BYLINE
    + "|"
    + _DATE
    + r"|\b\d{4}-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}:\d\d\b|\bago\b|\bmin(?:ute)?s? read\b"
    r"|\b(?:photo|image|picture|illustration)s?\s*(?:by\b|:)|\bcredit\b|©|\bgetty\b|\breuters\b"  # a credit
    r"|\bassociated press\b|\bshutterstock\b|/redux\b"
    r"|^(?:share|print|email|e-mail|comments?|listen|save|follow)\b",  # a row of buttons
    re.IGNORECASE,
)
"""What sits between a headline and its text: bylines, dates, photo credits and captions, buttons
(the headline rule's, and the combiner's in plain text)."""
FURNITURE_WORDS = 40
"""A line of furniture is at most this long (a photo caption with its credit can be long)."""


def is_furniture(text: str, words: int) -> bool:
    """Whether a line of ``words`` words reads as ``FURNITURE``."""
    return words <= FURNITURE_WORDS and FURNITURE.search(text) is not None


def word_count(block: Block) -> int:
    return len(block.text.split())


def word_counts(texts: list[str]) -> np.ndarray:
    """Each text's words as ``_WORD`` finds them (``str.split``'s in ASCII text without NUL), as
    int64."""
    return np.fromiter(
        (len(t.split()) if t.isascii() and "\x00" not in t else len(_WORD.findall(t)) for t in texts),
        np.int64,
        len(texts),
    )


def path_words(block: Block) -> set[str]:
    return set(HtmlFacts.of(block.features).path_words.split())


def lexicon(words: Iterable[str]) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of ``words`` (phrases allowed) as whole words."""
    alternatives = sorted((re.escape(w.lower()).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


_WORD_START = frozenset(string.ascii_lowercase + string.digits)


def at_word_start(alternative: str) -> str:
    r"""``\b`` followed by the pattern ``alternative``, written so that ``re`` can skip ahead to it.

    An alternative beginning with a lower-case ASCII letter or digit gets its word boundary checked
    just after that character, as ``(?<!\w\w)`` (the two characters before are not both word
    characters): the same matches. When every alternative of a pattern begins with a plain
    character, ``re`` jumps to the places where one of those characters occurs instead of trying
    each alternative at every position: the body plugin's copyright and credit patterns, which
    mix ``©`` and ``\(`` with ``\b...`` alternatives, became five times faster on web pages. (A
    pattern that already begins with ``\b`` before all its alternatives, such as a ``lexicon``,
    gains nothing and can lose: its boundary test already skips most positions.) Other
    alternatives (and one whose first character is quantified) keep ``\b``. Join several with
    ``|`` in the order of the original pattern's alternatives.
    """
    if alternative[:1] in _WORD_START and alternative[1:2] not in ("?", "*", "+", "{"):
        return alternative[0] + r"(?<!\w\w)" + alternative[1:]
    return r"\b" + alternative


@dataclass
class Facts:
    """Per-block facts of one document, as arrays indexed by block."""

    texts: list[str]
    words: np.ndarray
    sentences: np.ndarray
    links: np.ndarray
    group: np.ndarray
    heading: np.ndarray
    landmark: list[str]
    path_words: list[str]
    html: bool
    _index: TextIndex
    _path_sets: dict[str, frozenset[str]]
    """The words of each distinct path (``facts.path_word_sets``)."""
    _hits: dict[int, list[list[str]]] = field(default_factory=dict)

    def hits(self, pattern: re.Pattern[str]) -> list[list[str]]:
        """For each block, the distinct lower-cased matches of ``pattern`` in its text (one pass).

        The lists are shared by every plugin of the document (the blocks without a match share one
        empty list): read them, do not change them."""
        key = id(pattern)
        if key not in self._hits:
            text = self._index.joined
            if pattern.flags & re.IGNORECASE and self._index.lowered is not None:
                text, pattern = self._index.lowered, _case_sensitive(pattern)
            matches = [(m.start(), m.group(0).lower()) for m in self._index.matches(pattern, text)]
            none: list[str] = []
            found = [none] * len(self.texts)  # a list per block only where it has a match
            if matches:
                positions = np.fromiter((start for start, _ in matches), np.int64, len(matches))
                owners = self._index.owners(positions).tolist()
                for owner, (_, word) in zip(owners, matches, strict=True):
                    hits = found[owner]
                    if hits is none:
                        found[owner] = [word]
                    elif word not in hits:
                        hits.append(word)
            self._hits[key] = found
        return self._hits[key]

    def hit_count(self, pattern: re.Pattern[str]) -> np.ndarray:
        return np.fromiter((len(h) for h in self.hits(pattern)), np.int64, len(self.texts))

    def named(self, names: set[str]) -> list[list[str]]:
        """For each block, its class/id/role words that are in ``names`` (sorted; one list per
        distinct path)."""
        hits = {words: sorted(names.intersection(split)) for words, split in self._path_sets.items()}
        return [hits[words] for words in self.path_words]


def facts(document: Document) -> Facts:
    """The rule facts of ``document``, computed once per document and shared by the plugins."""
    return document.computed(("rule facts", len(document.blocks)), _compute)


def _compute(document: Document) -> Facts:
    blocks = document.blocks
    n = len(blocks)
    texts = [b.text for b in blocks]
    f = html_facts(document)
    index = text_index(document)
    from .speedups import document_path  # imported here: speedups imports this module

    path = document_path(document)
    words = path.word_counts(texts)
    sentences = np.bincount(index.match_owners(_SENTENCE_END), minlength=n) if n else np.zeros(0, np.int64)
    return Facts(
        texts=texts,
        words=words,
        sentences=sentences,
        links=np.fromiter((x.link_density for x in f), np.float64, n),
        group=np.fromiter((x.group_size for x in f), np.int64, n),
        heading=np.fromiter((x.heading for x in f), np.int64, n),
        landmark=[x.landmark for x in f],
        path_words=[x.path_words for x in f],
        html=document.input_format == "html" and bool(n) and from_html_splitter(blocks[0].features),
        _index=index,
        _path_sets=path_word_sets(document, path.word_sets),
    )


@by_identity()
def _case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` without IGNORECASE, to run on lower-cased text (much faster in ``re``).

    Only for patterns written in lower case, as every lexicon here is."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def vote(plugin: str, block: int, label: str, candidates: list[tuple[float, str]]) -> list[Vote]:
    """One vote for block index ``block`` with the strongest fired rule; none if none fired."""
    if not candidates:
        return []
    score, reason = max(candidates)
    return [Vote._trusted(plugin, block, label, score, reason)]
