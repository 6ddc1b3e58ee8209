"""A document's block texts joined into one string, so that a pattern runs over the whole document
in one pass and each match is mapped back to the block it is in.

The blocks are joined with ``SEP``, which no pattern of the features or the rules matches across
(a NUL between line breaks), and ``TextIndex.owners`` finds a match's block from its offset.
Built once per document (``text_index``) and shared by the features and the rule facts, which
find a pattern's matches with ``TextIndex.matches``: ``finditer`` (the pure-Python reference), or
the compiled path's search at the pattern's leads (``speedups.HotPath.matches``), as the runner
chose for the document (``use_matcher``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..document import Document

SEP = "\n\x00\n"
"""Joins the block texts; no pattern of the features or the rules matches across it."""

Matcher = Callable[[re.Pattern[str], str], list[re.Match[str]]]
"""``matcher(pattern, text)``: the matches of ``pattern`` in ``text``, as ``finditer`` finds them."""


def all_matches(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``pattern``'s matches in ``text`` by ``finditer``: the reference ``Matcher``."""
    return list(pattern.finditer(text))


@dataclass(frozen=True)
class TextIndex:
    """The block texts of one document joined with ``SEP``, and where each block starts."""

    joined: str
    lowered: str | None
    """``joined`` lower-cased, or None if lower-casing changes its length (offsets would move)."""
    lengths: np.ndarray
    """int64: the length of each block's text."""
    starts: np.ndarray
    """int64: the offset of each block's text in ``joined`` (and ``lowered``)."""
    matches: Matcher = all_matches
    """Finds a pattern's matches in ``joined`` or ``lowered``."""

    @classmethod
    def of(cls, texts: list[str], matches: Matcher = all_matches) -> TextIndex:
        """The index of ``texts``, finding matches with ``matches``."""
        lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        starts = np.concatenate([[0], np.cumsum(lengths + len(SEP))[:-1]]).astype(np.int64)
        joined = SEP.join(texts)
        lowered = joined.lower()
        return cls(joined, lowered if len(lowered) == len(joined) else None, lengths, starts, matches)

    def owners(self, positions: np.ndarray) -> np.ndarray:
        """The index of the block each of ``positions`` (offsets into ``joined``) falls in."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    def match_owners(self, pattern: re.Pattern[str]) -> np.ndarray:
        """The index of the block each match of ``pattern`` in ``joined`` starts in."""
        return self.owners(np.fromiter((m.start() for m in self.matches(pattern, self.joined)), np.int64))


_MATCHER = ("text index matcher",)


def use_matcher(document: Document, matches: Matcher) -> None:
    """Have ``document``'s ``TextIndex`` find matches with ``matches`` (the runner's hot path's);
    call it before anything reads the index. Without it, ``all_matches``."""
    document.computed(_MATCHER, lambda _: matches)


def text_index(document: Document) -> TextIndex:
    """The ``TextIndex`` of ``document``'s blocks, built once per document and shared."""
    return document.computed(
        ("text index", len(document.blocks)),
        lambda d: TextIndex.of([b.text for b in d.blocks], d.computed(_MATCHER, lambda _: all_matches)),
    )
