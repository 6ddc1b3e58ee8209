"""Scripts written without spaces between words (kana and Chinese characters), where each
character counts as a word, for the features' character counts and the rule facts alike."""

from __future__ import annotations

DENSE_RANGES = ((0x3040, 0x3100), (0x3400, 0x4DC0), (0x4E00, 0xA000))
"""Kana and Chinese characters, as ``[start, stop)`` code point ranges: a Japanese or Chinese
paragraph split at spaces is one long "word"."""

DENSE_CLASS = "".join(f"{chr(start)}-{chr(stop - 1)}" for start, stop in DENSE_RANGES)
"""The same characters inside a regular expression's ``[...]``."""

FULL_STOPS = "。！？"
"""Full-width sentence ends: Chinese and Japanese put no space after them."""
