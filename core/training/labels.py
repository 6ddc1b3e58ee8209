"""Block labels for training: derived from WCXB ground truth, or carried over from labelled blocks.

Both work on words in reading order (lower-cased ``\\w+`` runs, each kana or Chinese character a
word of its own), never on bags of words: a menu item "Home" is not body just because "home"
occurs somewhere in the article.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..scoring.scripts import DENSE_CLASS

if TYPE_CHECKING:
    from ..labels.labelled import LabelledBlock

_WORD = re.compile(rf"(?=\w)[{DENSE_CLASS}]|[^\W{DENSE_CLASS}]+")
"""A word: a kana or Chinese character (a word character of ``scoring.scripts.DENSE_RANGES``:
Japanese and Chinese put no spaces between words, so a clause would be one "word"), or a run of
other word characters."""
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


def align_reordered(
    source: Sequence[str], target: Sequence[str], min_run: int, passes: int = 4
) -> np.ndarray:
    """``align``, then the words left unaligned on both sides aligned again, up to ``passes`` times
    in all: runs of ``min_run`` words or more that the two texts hold in a different order (a
    sidebar that the page holds before the description and the ground truth after it) are
    found too. A run never spans a word aligned in an earlier pass. ``bench/ceiling.py`` measures
    with it how much main content the blocks hold; label-from-truth keeps ``align`` (docs/training.md
    says why)."""
    out = align(source, target, min_run)
    for _ in range(passes - 1):
        left_source = np.flatnonzero(out < 0)
        taken = np.zeros(len(target), bool)
        taken[out[out >= 0]] = True
        left_target = np.flatnonzero(~taken)
        if len(left_source) < min_run or len(left_target) < min_run:
            break
        residual_source, source_at = _residual(source, left_source, "\x00s")
        residual_target, target_at = _residual(target, left_target, "\x00t")
        found = align(residual_source, residual_target, min_run)
        hits = np.flatnonzero((found >= 0) & (source_at >= 0))
        if not len(hits):
            break
        out[source_at[hits]] = target_at[found[hits]]
    return out


def _residual(sequence: Sequence[str], left: np.ndarray, gap: str) -> tuple[list[str], np.ndarray]:
    """The words of ``sequence`` at the indices ``left``, with a token of its own (``gap`` and a
    number, matching nothing) wherever aligned words were left out, and each word's index in
    ``sequence`` (-1 for a gap token)."""
    words_out: list[str] = []
    at: list[int] = []
    previous = -1
    for index in left.tolist():
        if previous >= 0 and index != previous + 1:
            words_out.append(f"{gap}{len(at)}")
            at.append(-1)
        words_out.append(sequence[index])
        at.append(index)
        previous = index
    return words_out, np.asarray(at, dtype=np.int64)


def block_words(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The words of ``texts`` in order, and the index of the text each word comes from."""
    all_words: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        found = words(text)
        all_words.extend(found)
        owners.extend([i] * len(found))
    return all_words, np.asarray(owners, dtype=np.int64)


def body_share(texts: Sequence[str], main_content: str) -> np.ndarray:
    """For each block, the share of its words aligned, in order and in runs of at least ``MIN_RUN``
    words, to words of ``main_content`` (0 for a block without words)."""
    page_words, owners = block_words(texts)
    n = len(texts)
    if not page_words:
        return np.zeros(n)
    matched = align(page_words, words(main_content), MIN_RUN) >= 0
    hits = np.bincount(owners, weights=matched, minlength=n)
    return hits / np.maximum(np.bincount(owners, minlength=n), 1)


def snippet_blocks(texts: Sequence[str], snippets: Sequence[str]) -> np.ndarray:
    """For each block, whether its words are within one of ``snippets`` or contain one."""
    keys = {" ".join(words(s)) for s in snippets if words(s)}
    found = np.zeros(len(texts), bool)
    if keys:
        for i, text in enumerate(texts):
            key = " ".join(words(text))
            found[i] = bool(key) and any(key in s or s in key for s in keys)
    return found


def headline_block(texts: Sequence[str], title: str) -> int | None:
    """The index of the block that best matches ``title``, or None if none is close enough.

    Close enough: word-sequence similarity of at least 0.7, and not much longer than the title.
    """
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


def gold_words(blocks: Sequence[LabelledBlock]) -> tuple[list[str], list[str], list[frozenset[str]]]:
    """The words of labelled blocks in order, each with its block's label and accept set."""
    out_words: list[str] = []
    labels: list[str] = []
    accepts: list[frozenset[str]] = []
    for block in blocks:
        found = words(block.text)
        out_words.extend(found)
        labels.extend([block.label] * len(found))
        accepts.extend([block.accept] * len(found))
    return out_words, labels, accepts


def transfer(texts: Sequence[str], blocks: Sequence[LabelledBlock]) -> list[LabelledBlock | None]:
    """The labelled block each of ``texts`` takes its label from.

    When ``texts`` are the labelled blocks' texts (whitespace aside), block by block; otherwise,
    for each text, the labelled block most of its words are aligned to, in order (None when no
    word aligned): a page split another way keeps its labels.
    """
    if len(texts) == len(blocks) and all(
        t.split() == b.text.split() for t, b in zip(texts, blocks, strict=True)
    ):
        return list(blocks)
    page_words, owners = block_words(texts)
    labelled_words, labelled_owners = block_words([b.text for b in blocks])
    votes: list[Counter] = [Counter() for _ in texts]
    if page_words and labelled_words:
        for word_index, target in enumerate(align(page_words, labelled_words)):
            if target >= 0:
                votes[owners[word_index]][labelled_owners[target]] += 1
    return [blocks[v.most_common(1)[0][0]] if v else None for v in votes]
