"""Small helpers shared by rule-based votes: word counts, link shares, lexicon matches."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .document import Block, Vote


def word_count(block: Block) -> int:
    return len(block.text.split())


def link_share(block: Block) -> float:
    """Share of the block's characters inside links (0 for plain-text blocks)."""
    return float(block.features.get("link_density", 0.0))


def path_words(block: Block) -> set[str]:
    return set(str(block.features.get("path_words", "")).split())


def matches(pattern: re.Pattern[str], text: str) -> list[str]:
    """The distinct lower-cased matches of ``pattern`` in ``text``, in order of appearance."""
    seen: dict[str, None] = {}
    for found in pattern.finditer(text):
        seen.setdefault(found.group(0).lower(), None)
    return list(seen)


def lexicon(words: Iterable[str]) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of ``words`` (phrases allowed) as whole words."""
    alternatives = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


def best_vote(plugin: str, block: Block, label: str, candidates: list[tuple[float, str]]) -> list[Vote]:
    """One vote with the strongest of the fired rules (score, reason); none if none fired."""
    if not candidates:
        return []
    score, reason = max(candidates)
    return [Vote(plugin=plugin, block=block.index, label=label, score=score, reason=reason)]
