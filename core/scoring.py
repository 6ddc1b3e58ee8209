"""Word-level scoring: the WCXB body word F1 (bag of lower-cased ``\\w+`` words)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


def words(text: str) -> list[str]:
    """The lower-cased ``\\w+`` words of ``text``."""
    return _WORD.findall(text.lower())


def word_prf(predicted: str, truth: str) -> PRF:
    """Precision, recall and F1 of the bag of words of ``predicted`` against ``truth``.

    Two empty texts score 1.0; an empty prediction for a non-empty truth scores 0.
    """
    got, want = Counter(words(predicted)), Counter(words(truth))
    if not got and not want:
        return PRF(1.0, 1.0, 1.0)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return PRF(precision, recall, f1)
