"""Combining the votes of all plugins into one label per block."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .document import FALLBACK_LABEL, Document, Vote


@dataclass(frozen=True)
class CombineOptions:
    """How votes become labels.

    ``weights``: per-plugin weight (default 1.0). ``threshold``: a block whose best
    combined score is below it is labelled ``other``. ``context``: how much a block's
    scores lean towards the mean of its two neighbours' (0 ignores neighbours); body
    text comes in runs and teaser lists repeat, so a little context fixes isolated errors.
    """

    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5
    context: float = 0.0


def combine(document: Document, votes: list[Vote], options: CombineOptions) -> None:
    """Set ``label``, ``confidence`` and ``votes`` of every block of ``document``.

    For each block and label, the combined score is the weighted mean of the scores of
    the votes for that label; then scores are blended with the neighbours' (``context``);
    the best label wins if its score reaches the threshold, else the block is ``other``
    with confidence 1 - best score.
    """
    blocks = document.blocks
    for block in blocks:
        block.votes = []
    if not blocks:
        return
    votes = sorted(votes, key=lambda v: (v.block, v.plugin, v.label))
    labels = sorted({v.label for v in votes})
    column = {label: i for i, label in enumerate(labels)}
    weighted = np.zeros((len(blocks), len(labels)))
    totals = np.zeros_like(weighted)
    for vote in votes:
        weight = options.weights.get(vote.plugin, 1.0)
        weighted[vote.block, column[vote.label]] += weight * vote.score
        totals[vote.block, column[vote.label]] += weight
        blocks[vote.block].votes.append(vote)
    scores = np.divide(weighted, totals, out=np.zeros_like(weighted), where=totals > 0)
    scores = _blend_with_neighbours(scores, options.context)
    for block, row in zip(blocks, scores, strict=True):
        best = int(np.argmax(row)) if labels else -1
        best_score = float(row[best]) if labels else 0.0
        if labels and best_score >= options.threshold:
            block.label, block.confidence = labels[best], best_score
        else:
            block.label, block.confidence = FALLBACK_LABEL, 1.0 - best_score


def _blend_with_neighbours(scores: np.ndarray, context: float) -> np.ndarray:
    if context <= 0 or len(scores) < 2:
        return scores
    padded = np.pad(scores, ((1, 1), (0, 0)), mode="edge")
    neighbours = (padded[:-2] + padded[2:]) / 2
    return (1 - context) * scores + context * neighbours
