"""Combining the votes of all plugins into one label per block.

Two ways, chosen per document:

- **learned** (the default, ``learned=True``; used when models voted and ``combiner.json`` is
  beside them, which the runner's ``ModelStore`` reads): for each of the six labels, the block's
  model score (mean of the model votes) and its strongest rule score (max of the rule votes),
  both averaged over the neighbours (±1 and ±3 blocks), and (when the fit chose them) their
  log-odds, go into small logistic regressions (``combiner.json``, written by ``pageparts
  train``; one per input kind): a multinomial one over the six labels, fitted on the
  hand-labelled training pages, and a binary one for body against the rest, fitted on every
  training page, which sets the body probability. A strong rule is then not diluted by a weak
  model score, nor the reverse: the fit decides how far to trust each, and neighbours' scores
  let a teaser list or a run of body text pull a block along. Plugin weights scale a plugin's
  scores before the fit reads them (0 ignores the plugin).
- **weighted mean** (``learned=False``, ``--combiner mean``, and always when no model voted or
  there is no ``combiner.json``): for every label, the weighted mean of the scores of the votes
  for it.

docs/benchmarks.md compares the two.

A label the learned model does not know (added by a third-party plugin) keeps its weighted mean,
read as the chance of that label: under the learned combiner the six built-in probabilities are
scaled to share the rest (the strongest such label's). Then ``context`` blends each block's scores with
its neighbours'; under the learned combiner, in a plain-text document where no block would come out
headline, strong headline rule votes decide (``_title_from_rules``); a document has one title, so
only the run of headline blocks with the strongest headline score stays headline (``_one_title``);
in plain text under the learned combiner, a byline, date or button line loses its place in that
run (``_furniture_not_title``);
and the best label wins if it reaches ``threshold``, else the block is ``other`` with confidence
1 - best score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..document import FALLBACK_LABEL, LABELS, MODEL, Block, CombinedScores, Document, Vote

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .adaptation import KindLayer
    from .speedups import HotPath

COMBINER_FILE = "combiner.json"


@dataclass(frozen=True)
class CombineOptions:
    """How votes become labels.

    ``weights``: per-plugin weight (default 1.0). ``threshold``: a block whose best
    combined score is below it is labelled ``other``. ``context``: how much a block's
    scores lean towards the mean of its two neighbours' (0 ignores neighbours); body
    text comes in runs and teaser lists repeat, so a little context fixes isolated errors.
    ``learned``: use the learned combiner (``combiner.json`` beside the models) when models
    voted; else the weighted mean.
    """

    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5
    context: float = 0.0
    learned: bool = True

    def __post_init__(self) -> None:
        check_fraction("threshold", self.threshold)
        check_fraction("context", self.context)


def check_fraction(name: str, value: object) -> float:
    """``value`` as a float if it is a number from 0 to 1, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1, not {value!r}")
    return float(value)


def combine(
    document: Document,
    votes: list[Vote],
    options: CombineOptions,
    fitted: dict | None = None,
    adaptation: KindLayer | None = None,
    path: HotPath | None = None,
) -> None:
    """Set ``label``, ``confidence`` and ``votes`` of every block of ``document``.

    ``fitted`` is the learned combiner for the document's kind (``ModelStore.combiner``); without
    it, or with ``options.learned`` off, or when no model voted, the weighted mean decides.
    ``adaptation``, a site adaptation's layer (``ModelStore.adaptation``), then moves the learned
    combiner's probabilities (``pageparts.scoring.adaptation``).
    ``path`` sorts and reads the votes (``pageparts.scoring.speedups``; None: the pure-Python reference).
    """
    blocks = document.blocks
    if not blocks:
        return
    if path is None:
        from .speedups import PURE as path  # imported here: speedups imports this module
    votes = path.sorted_votes(votes, blocks)
    fields = path.vote_fields(votes, options.weights)
    labels, scores = path.vote_means(len(blocks), fields)
    method = "weighted mean"
    if options.learned and fitted is not None and fields.is_model.any():
        method = "learned"
        matrix = path.vote_matrix(len(blocks), fields)
        learned = predict_learned(fitted, matrix)
        if adaptation is not None:
            method = ADAPTED
            learned = adaptation.apply(document, learned, matrix)
        extra = [i for i, label in enumerate(labels) if label not in LABELS]
        if extra:  # a plugin label's score is its chance; the six built-in labels share the rest
            learned = learned * (1.0 - scores[:, extra].max(axis=1, keepdims=True))
        labels = list(LABELS) + [labels[i] for i in extra]
        scores = np.hstack([learned, scores[:, extra]])
    scores = _blend_with_neighbours(scores, options.context)
    notes: dict[int, str] = {}
    if method in ("learned", ADAPTED) and document.input_format == "text":
        scores, notes = _title_from_rules(scores, labels.index(HEADLINE), matrix, options.threshold)
    if HEADLINE in labels:
        scores, one_title = _one_title(scores, labels.index(HEADLINE), options.threshold)
        notes.update(one_title)
    if method in ("learned", ADAPTED) and document.input_format == "text":
        scores, furniture = _furniture_not_title(scores, labels.index(HEADLINE), options.threshold, document)
        notes.update(furniture)
    document.combined = CombinedScores(method, tuple(labels), scores, options.threshold, notes)
    if not labels:
        for block in blocks:
            block.label, block.confidence = FALLBACK_LABEL, 1.0
        return
    best = scores.argmax(axis=1)
    best_scores = scores[np.arange(len(blocks)), best].tolist()
    for block, i, best_score in zip(blocks, best.tolist(), best_scores, strict=True):
        if best_score >= options.threshold:
            block.label, block.confidence = labels[i], best_score
        else:
            block.label, block.confidence = FALLBACK_LABEL, 1.0 - best_score


def sorted_votes(votes: list[Vote], blocks: list[Block]) -> list[Vote]:
    """``votes`` sorted by block, plugin and label (ties in their order), each of ``blocks`` given
    its own in that order (the pure-Python reference of ``_speedups.sorted_votes``)."""
    for block in blocks:
        block.votes = []
    votes = sorted(votes, key=attrgetter("block", "plugin", "label"))
    for vote in votes:
        blocks[vote.block].votes.append(vote)
    return votes


ADAPTED = "learned, adapted to the site"
"""``CombinedScores.method`` when a site adaptation moved the learned combiner's probabilities."""

_BODY = LABELS.index("body")
HEADLINE = "headline"
TITLE_RULE_MIN = 0.7
"""In plain text, headline rule votes at least this strong decide when nothing else came out
headline (see ``_title_from_rules``)."""


def _title_from_rules(
    scores: np.ndarray, column: int, matrix: np.ndarray, threshold: float
) -> tuple[np.ndarray, dict[int, str]]:
    """``scores`` where, if no block came out headline, the blocks with a headline rule vote of at
    least TITLE_RULE_MIN (weighted) have that vote's score for headline, the other labels scaled to
    share the rest; and a note for each such block. ``matrix`` is the learned combiner's vote
    matrix (``vote_matrix``), read for the headline rule's votes.

    A plain-text document has a title as a web page does, but nothing marks it: the headline rule
    finds it from the layout (a short line above a one-sentence dek and the text), and the text
    model, trained on web pages rendered as text (where titles tend to repeat in breadcrumbs and
    teasers), often misses a title that appears once. When the combined scores name no headline,
    the rule's votes decide.
    """
    best = scores.argmax(axis=1)
    if ((best == column) & (scores[:, column] >= threshold)).any():
        return scores, {}
    rules = matrix[:, len(LABELS) + LABELS.index(HEADLINE)]
    chosen = np.flatnonzero(rules >= TITLE_RULE_MIN)
    if not len(chosen):
        return scores, {}
    scores = scores.copy()
    others = np.delete(scores[chosen], column, axis=1).sum(axis=1)
    share = np.minimum(1.0, (1.0 - rules[chosen]) / np.maximum(others, 1e-12))
    scores[chosen] *= share[:, None]
    scores[chosen, column] = rules[chosen]
    note = "no block of this plain-text document came out headline: the headline rule's {:.2f} decides"
    return scores, {i: note.format(rules[i]) for i in chosen.tolist()}


def _one_title(scores: np.ndarray, column: int, threshold: float) -> tuple[np.ndarray, dict[int, str]]:
    """``scores`` where only one run of consecutive headline blocks comes out headline: the run of
    the block with the strongest headline score; the blocks of other runs lose their headline
    score (their next best label wins, or ``other``), with a note each.

    ``headline`` is the document's title and the dek directly under it (docs/labels.md): one run.
    A second run is a teaser's title or a section heading taken for the title.
    """
    best = scores.argmax(axis=1)
    heads = np.flatnonzero((best == column) & (scores[:, column] >= threshold))
    if len(heads) < 2:
        return scores, {}
    runs = np.split(heads, np.flatnonzero(np.diff(heads) > 1) + 1)
    title = heads[scores[heads, column].argmax()]
    dropped = np.setdiff1d(heads, next(run for run in runs if title in run))
    if not len(dropped):
        return scores, {}
    scores = scores.copy()
    note = "a document has one title: block {} has the strongest headline score ({:.2f}), not this {:.2f}"
    notes = {int(i): note.format(title, scores[title, column], scores[i, column]) for i in dropped}
    scores[dropped, column] = 0.0
    return scores, notes


FURNITURE_MOST_WORDS = 15
"""In plain text, the longest line of the headline run that ``_furniture_not_title`` takes out."""


def _furniture_not_title(
    scores: np.ndarray, column: int, threshold: float, document: Document
) -> tuple[np.ndarray, dict[int, str]]:
    """``scores`` where the blocks of ``document``'s headline run after its first that read as a
    byline, a date, a credit or a row of buttons (``rules.is_furniture``, at most
    FURNITURE_MOST_WORDS words) lose their headline score (their next best label wins, or
    ``other``); and a note for each.

    In plain text the line under a title is often its byline or date, which the neighbours' scores
    pull into the title's run; docs/labels.md makes them ``other``.
    """
    best = scores.argmax(axis=1)
    heads = np.flatnonzero((best == column) & (scores[:, column] >= threshold))
    if len(heads) < 2:
        return scores, {}
    from .rules import facts, is_furniture  # imported here: rules imports speedups, which imports this module

    found = facts(document)
    texts, words = found.texts, found.words
    dropped = [
        int(i)
        for i in heads[1:]
        if words[i] <= FURNITURE_MOST_WORDS and is_furniture(texts[i], int(words[i]))
    ]
    if not dropped:
        return scores, {}
    scores = scores.copy()
    scores[dropped, column] = 0.0
    return scores, {
        i: "a byline, date, credit or button line under the title, not the title" for i in dropped
    }


@dataclass(frozen=True)
class VoteFields:
    """What the combiner reads of each vote, as arrays in vote order: the block, the label (and its
    column in ``LABELS``, -1 for another label), the score, the weight of its plugin and whether a
    model cast it."""

    block: np.ndarray
    label: list[str]
    column: np.ndarray
    score: np.ndarray
    weight: np.ndarray
    is_model: np.ndarray

    @classmethod
    def of(cls, votes: list[Vote], weights: dict[str, float]) -> VoteFields:
        """The fields of ``votes`` (the pure-Python reference of ``_speedups.vote_fields``)."""
        m = len(votes)
        labels = list(map(_LABEL, votes))
        return cls(
            np.fromiter(map(_BLOCK, votes), np.intp, m),
            labels,
            np.fromiter(map(_LABEL_COLUMN.get, labels, repeat(-1)), np.intp, m),
            np.fromiter(map(_SCORE, votes), np.float64, m),
            np.fromiter(map(weights.get, map(_PLUGIN, votes), repeat(1.0)), np.float64, m),
            np.fromiter(map(MODEL.__eq__, map(_SOURCE, votes)), bool, m),
        )


def _weighted_mean(n: int, votes: list[Vote], weights: dict[str, float]) -> tuple[list[str], np.ndarray]:
    return _mean_of(n, VoteFields.of(votes, weights))


def _mean_of(n: int, fields: VoteFields) -> tuple[list[str], np.ndarray]:
    m = len(fields.label)
    labels = sorted(set(fields.label))
    column = {label: i for i, label in enumerate(labels)}
    weighted = np.zeros((n, len(labels)))
    totals = np.zeros_like(weighted)
    if m:  # np.add.at adds in vote order, as a loop over the votes would
        at = (fields.block, np.fromiter(map(column.__getitem__, fields.label), np.intp, m))
        np.add.at(weighted, at, fields.weight * fields.score)
        np.add.at(totals, at, fields.weight)
    return labels, np.divide(weighted, totals, out=np.zeros_like(weighted), where=totals > 0)


_BLOCK, _PLUGIN, _LABEL, _SCORE, _SOURCE = map(attrgetter, ("block", "plugin", "label", "score", "source"))


def vote_matrix(n: int, votes: list[Vote], weights: dict[str, float]) -> np.ndarray:
    """(blocks, 12): per label of ``LABELS``, the mean score of the model votes and the strongest
    score of the rule votes (``Vote.source``)."""
    return _matrix_of(n, VoteFields.of(votes, weights))


def _matrix_of(n: int, fields: VoteFields) -> np.ndarray:
    model_sum = np.zeros((n, len(LABELS)))
    model_count = np.zeros_like(model_sum)
    rules = np.zeros_like(model_sum)
    if len(fields.label):
        column, weight, block = fields.column, fields.weight, fields.block
        weighted = weight * fields.score
        score = np.where(weighted < 1.0, weighted, 1.0)  # as min(1.0, weighted)
        counted = (column >= 0) & ~(weight <= 0)
        model, rule = counted & fields.is_model, counted & ~fields.is_model
        # np.add.at adds in vote order, as a loop over the votes would
        np.add.at(model_sum, (block[model], column[model]), score[model])
        np.add.at(model_count, (block[model], column[model]), 1.0)
        np.maximum.at(rules, (block[rule], column[rule]), score[rule])
    model_mean = np.divide(model_sum, model_count, out=np.zeros_like(model_sum), where=model_count > 0)
    return np.hstack([model_mean, rules])


_LABEL_COLUMN = {label: i for i, label in enumerate(LABELS)}


LOG_ODDS_FLOOR = 1e-3
"""Scores are clipped to [floor, 1 - floor] before their log-odds are taken."""


def learned_features(
    matrix: np.ndarray, reaches: tuple[int, ...] = (1, 3), log_odds: bool = False
) -> np.ndarray:
    """The block's own vote matrix, its neighbours' means within each reach (±1, ±3 blocks), and
    with ``log_odds`` the log-odds of its own scores (so that a fit can multiply odds: a 0.99
    then weighs much more than a 0.9)."""
    return _joined(matrix, _neighbour_means(matrix, reaches), reaches, log_odds)


def _neighbour_means(matrix: np.ndarray, reaches: Iterable[int]) -> dict[int, np.ndarray]:
    """For each of ``reaches``, each block's neighbours' mean vote matrix within it."""
    n = len(matrix)
    cumulative = np.vstack([np.zeros((1, matrix.shape[1])), np.cumsum(matrix, axis=0)])
    index = np.arange(n)
    means = {}
    for reach in reaches:
        lo, hi = np.maximum(index - reach, 0), np.minimum(index + reach + 1, n)
        total = cumulative[hi] - cumulative[lo] - matrix
        means[reach] = total / np.maximum(hi - lo - 1, 1)[:, None]
    return means


def _joined(
    matrix: np.ndarray, means: dict[int, np.ndarray], reaches: Iterable[int], log_odds: bool = False
) -> np.ndarray:
    """``learned_features`` from the neighbours' means already worked out."""
    parts = [matrix]
    if log_odds:
        clipped = np.clip(matrix, LOG_ODDS_FLOOR, 1.0 - LOG_ODDS_FLOOR)
        parts.append(np.log(clipped / (1.0 - clipped)))
    parts += [means[reach] for reach in reaches]
    return np.hstack(parts)


def predict_learned(fitted: dict, matrix: np.ndarray) -> np.ndarray:
    """(blocks, 6) probabilities of ``LABELS`` from the vote matrix: the six-label fit's, with the
    body fit's probability of body (when there is one) and the other five rescaled to the rest.
    The neighbours' means are worked out once for both fits (the same values as apart)."""
    body = fitted.get("body")
    reaches = fitted["reaches"]
    means = _neighbour_means(matrix, dict.fromkeys([*reaches, *(body["reaches"] if body else ())]))
    logits = (
        _joined(matrix, means, reaches, fitted.get("log_odds", False)) @ fitted["coef"].T
        + fitted["intercept"]
    )
    logits -= logits.max(axis=1, keepdims=True)
    odds = np.exp(logits)
    probabilities = odds / odds.sum(axis=1, keepdims=True)
    if body is None:
        return probabilities
    logit = _joined(matrix, means, body["reaches"]) @ body["coef"] + body["intercept"]
    is_body = 1.0 / (1.0 + np.exp(-logit))
    rest = 1.0 - probabilities[:, _BODY]
    probabilities *= ((1.0 - is_body) / np.maximum(rest, 1e-12))[:, None]
    probabilities[:, _BODY] = is_body
    return probabilities


def read_combiner(directory: Path) -> dict[str, dict]:
    """The learned combiner per input kind from ``directory``'s ``combiner.json`` ({} if absent, or
    made for other labels); ``ModelStore.combiner`` reads it once per store."""
    path = Path(directory) / COMBINER_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    if list(data.get("labels", [])) != list(LABELS):
        return {}
    return {kind: read_fit(v) for kind, v in data.get("kinds", {}).items()}


def read_fit(stored: dict) -> dict:
    """One kind's fit as ``combiner.json`` stores it, made ready for ``predict_learned``."""
    fit = {
        "coef": np.asarray(stored["coef"], float),
        "intercept": np.asarray(stored["intercept"], float),
        "reaches": tuple(stored.get("reaches", (1, 3))),
        "log_odds": bool(stored.get("log_odds", False)),
    }
    if "body" in stored:
        fit["body"] = read_fit(stored["body"])
    return fit


def _blend_with_neighbours(scores: np.ndarray, context: float) -> np.ndarray:
    if context <= 0 or len(scores) < 2:
        return scores
    padded = np.pad(scores, ((1, 1), (0, 0)), mode="edge")
    neighbours = (padded[:-2] + padded[2:]) / 2
    return (1 - context) * scores + context * neighbours
