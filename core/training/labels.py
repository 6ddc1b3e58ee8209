"""Block labels for training: derived from WCXB ground truth, or aligned from a gold set.

Both work on words in reading order (lower-cased ``\\w+``), never on bags of words: a menu item
"Home" is not body just because "home" occurs somewhere in the article.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+")
MIN_RUN = 3
"""Matched runs shorter than this (in words) are treated as chance matches."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def domain_key(domain: str) -> str:
    domain = domain.strip().lower()
    return domain[4:] if domain.startswith("www.") else domain


def is_held_out(domain: str, percent: int = 20) -> bool:
    """The stable by-domain split: a domain is held out when its hash falls in the first ``percent``.

    Depends only on the domain name (``www.`` ignored), so every page of a site lands on the same
    side, for WCXB pages and gold pages alike, on every machine and run.
    """
    digest = hashlib.sha256(domain_key(domain).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < percent


def align(source: Sequence[str], target: Sequence[str], min_run: int = 1) -> np.ndarray:
    """For each word of ``source``, the index of the ``target`` word it is aligned to, or -1.

    An order-preserving alignment (difflib's longest matching blocks); runs shorter than
    ``min_run`` words are dropped.
    """
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    out = np.full(len(source), -1, dtype=np.int64)
    for a, b, size in matcher.get_matching_blocks():
        if size >= min_run:
            out[a : a + size] = np.arange(b, b + size)
    return out


def _block_of_words(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    all_words: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        found = words(text)
        all_words.extend(found)
        owners.extend([i] * len(found))
    return all_words, np.asarray(owners, dtype=np.int64)


def derive_labels(
    texts: Sequence[str], main_content: str, title: str = "", without: Sequence[str] = ()
) -> list[str]:
    """``body``, ``headline`` or ``none`` for every block, from WCXB ground truth.

    body: at least half of the block's words are aligned, in order and in runs of at least
    ``MIN_RUN`` words, to words of ``main_content``, and the block is not a ``without`` snippet.
    headline: the block that best matches ``title`` (word-sequence similarity >= 0.7, not much
    longer than the title); it wins over body.
    """
    page_words, owners = _block_of_words(texts)
    n = len(texts)
    labels = ["none"] * n
    if page_words:
        matched = align(page_words, words(main_content), MIN_RUN) >= 0
        hits = np.bincount(owners, weights=matched, minlength=n)
        totals = np.bincount(owners, minlength=n)
        for i in np.flatnonzero((totals > 0) & (hits >= 0.5 * np.maximum(totals, 1))):
            labels[i] = "body"
    snippets = {" ".join(words(s)) for s in without if words(s)}
    if snippets:
        for i, text in enumerate(texts):
            key = " ".join(words(text))
            if key and labels[i] == "body" and any(key in s or s in key for s in snippets):
                labels[i] = "none"
    found = headline_block(texts, title)
    if found is not None:
        labels[found] = "headline"
    return labels


def headline_block(texts: Sequence[str], title: str) -> int | None:
    """The index of the block that best matches ``title``, or None if none is close enough."""
    target = words(title)
    if not target:
        return None
    best, best_score = None, 0.7
    for i, text in enumerate(texts):
        got = words(text)
        if not got or len(got) > 2 * len(target) + 3:
            continue
        score = difflib.SequenceMatcher(None, got, target, autojunk=False).ratio()
        if score > best_score + 1e-9:
            best, best_score = i, score
    return best


def gold_words(gold_blocks: Sequence[dict]) -> tuple[list[str], list[str], list[frozenset[str]]]:
    """The words of a gold document in order, each with its block's label and accept set."""
    out_words: list[str] = []
    labels: list[str] = []
    accepts: list[frozenset[str]] = []
    for block in gold_blocks:
        found = words(block["text"])
        accept = frozenset(block.get("accept") or [block["label"]])
        out_words.extend(found)
        labels.extend([block["label"]] * len(found))
        accepts.extend([accept] * len(found))
    return out_words, labels, accepts


def align_gold(texts: Sequence[str], gold_blocks: Sequence[dict]) -> list[str | None]:
    """The gold label of each block (majority of its aligned gold words), None if none aligned."""
    page_words, owners = _block_of_words(texts)
    g_words, g_labels, _ = gold_words(gold_blocks)
    mapping = align(page_words, g_words) if page_words and g_words else np.full(len(page_words), -1)
    votes: list[Counter] = [Counter() for _ in texts]
    for word_index, target in enumerate(mapping):
        if target >= 0:
            votes[owners[word_index]][g_labels[target]] += 1
    return [v.most_common(1)[0][0] if v else None for v in votes]
