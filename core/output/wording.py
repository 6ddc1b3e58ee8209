"""Counts in messages, in grammatical English: "1 page", "2 pages", "1,000 documents"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, in the plural (``plural``, or ``noun`` + "s") unless ``n`` is 1."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
