"""A document's block texts joined into one string, so that a pattern runs over the whole document
in one pass and each match is mapped back to the block it is in.

The blocks are joined with ``SEP``, which no pattern of the features or the rules matches across
(a NUL between line breaks), and ``TextIndex.owners`` finds a match's block from its offset.
Built once per document (``text_index``) and shared by the features and the rule facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..document import Document

SEP = "\n\x00\n"
"""Joins the block texts; no pattern of the features or the rules matches across it."""


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

    @classmethod
    def of(cls, texts: list[str]) -> TextIndex:
        """The index of ``texts``."""
        lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        starts = np.concatenate([[0], np.cumsum(lengths + len(SEP))[:-1]]).astype(np.int64)
        joined = SEP.join(texts)
        lowered = joined.lower()
        return cls(joined, lowered if len(lowered) == len(joined) else None, lengths, starts)

    def owners(self, positions: np.ndarray) -> np.ndarray:
        """The index of the block each of ``positions`` (offsets into ``joined``) falls in."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    def match_owners(self, pattern: re.Pattern[str]) -> np.ndarray:
        """The index of the block each match of ``pattern`` in ``joined`` starts in."""
        return self.owners(np.fromiter((m.start() for m in pattern.finditer(self.joined)), np.int64))


def text_index(document: Document) -> TextIndex:
    """The ``TextIndex`` of ``document``'s blocks, built once per document and shared."""
    return document.computed(
        ("text index", len(document.blocks)), lambda d: TextIndex.of([b.text for b in d.blocks])
    )
