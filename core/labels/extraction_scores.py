"""Word-level scoring of extracted text: the WCXB body word F1 (bag of lower-cased ``\\w+`` words),
per page and averaged per page type (``pageparts evaluate`` on a WCXB-layout directory,
bench/wcxb_extract.py)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

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
    return counts_prf(Counter(words(predicted)), Counter(words(truth)))


def f1_matcher(wanted: list[str], longest: int) -> Callable[[str], float]:
    """The word F1 of a text against the words ``wanted`` (``counts_prf``), as a function of the
    text (the wanted words counted once): 0 for a text of more than ``longest`` words
    (``str.split``), or with none of the wanted words."""
    want = Counter(wanted)

    def match(text: str) -> float:
        if not wanted or len(text.split()) > longest:
            return 0.0
        found = words(text)
        if want.keys().isdisjoint(found):  # no shared word: F1 0, without counting
            return 0.0
        return counts_prf(Counter(found), want).f1

    return match


def counts_prf(got: Counter[str], want: Counter[str]) -> PRF:
    """``word_prf`` from the word counts of the two texts (to count a text compared often once)."""
    if not got and not want:
        return PRF(1.0, 1.0, 1.0)
    overlap = sum(min(count, want[word]) for word, count in got.items() if word in want)
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return PRF(precision, recall, f1)


@dataclass
class ExtractionScores:
    """Word precision, recall and F1 of extracted text per page, grouped by page type."""

    by_type: dict[str, list[PRF]] = field(default_factory=lambda: defaultdict(list))

    def add(self, page_type: str, extracted: str, truth: str) -> PRF:
        score = word_prf(extracted, truth)
        self.by_type[page_type or "unknown"].append(score)
        return score

    def rows(self) -> list[dict]:
        """Per page type (sorted), then ``overall``: pages and the mean precision, recall and F1."""
        groups = [(name, self.by_type[name]) for name in sorted(self.by_type)]
        groups.append(("overall", [s for scores in self.by_type.values() for s in scores]))
        return [
            {
                "page_type": name,
                "pages": len(scores),
                **{
                    m: sum(getattr(s, m) for s in scores) / len(scores) for m in ("precision", "recall", "f1")
                },
            }
            for name, scores in groups
            if scores
        ]


def format_extraction(scores: ExtractionScores) -> str:
    """A plain-text table of ``ExtractionScores.rows``."""
    lines = [f"  {'page type':<14} {'pages':>6} {'precision':>10} {'recall':>8} {'F1':>7}"]
    for row in scores.rows():
        lines.append(
            f"  {row['page_type']:<14} {row['pages']:>6} {row['precision']:>10.3f} "
            f"{row['recall']:>8.3f} {row['f1']:>7.3f}"
        )
    return "\n".join(lines)
