"""Fitting the two-stage block models and measuring them.

Stage A: a linear model (logistic loss, L2 penalty, solved to convergence by L-BFGS) on the
hashed word 1-2 grams and the block's own standardised features. Stage B: gradient boosting on
all dense features (own and neighbours') plus the stage-A score of the block and of its
neighbours. Stage B is fitted on stage-A scores predicted out of fold (folds by domain), so it
learns how far to trust them on unseen sites.

``fit`` gives the fitted scikit-learn estimators; ``pageparts.training.export`` turns them into
a ``pageparts.scoring.model_format.Model``, which is what training scores with and writes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from ..scoring.features import FEATURE_VERSION, DocumentFeatures
from ..scoring.models import stage_b_input

SEED = 0


def _stack(features: Sequence[DocumentFeatures]) -> tuple[np.ndarray, sp.csr_matrix, np.ndarray]:
    dense = np.vstack([f.dense for f in features])
    ngrams = sp.vstack([f.ngrams for f in features], format="csr")
    bounds = np.cumsum([0] + [f.dense.shape[0] for f in features])
    return dense, ngrams, bounds


ITERATIONS = 1000
"""Stage A's L-BFGS iterations at most (three fits on the shipped data converged in 37 to 80)."""


def _fit_linear(alpha: float, x: sp.csr_matrix, y: np.ndarray, weights: np.ndarray | None):
    """A stage-A model: logistic loss per block plus ``alpha / 2`` times the squared weights, the
    loss averaged over blocks, minimised to convergence (deterministic: no seed)."""
    model = LogisticRegression(C=1.0 / (alpha * x.shape[0]), max_iter=ITERATIONS)
    return model.fit(x, y, sample_weight=weights)


BOOSTING = {
    "max_iter": 80,
    "learning_rate": 0.15,
    "max_leaf_nodes": 31,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}


def _boosting(params: dict | None, seed: int = SEED) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        **{**BOOSTING, **(params or {})}, early_stopping=False, random_state=seed
    )


def fit_two_stage(
    plugin: str,
    label: str,
    kind: str,
    features: Sequence[DocumentFeatures],
    targets: Sequence[np.ndarray],
    groups: Sequence[str],
    n_own: int,
    alpha: float = 2e-5,
    boosting: dict | None = None,
    max_rows: int = 100_000,
    weights: Sequence[np.ndarray] | None = None,
    estimator: Callable[[], Any] | None = None,
    seed: int = SEED,
) -> dict:
    """Fit one model for ``label`` on documents' ``features`` and 0/1 ``targets`` per block: a dict
    of the two fitted estimators (``stage_a``, ``stage_b``) and the numbers that go with them.

    ``groups`` names each document's site (folds never split a site); ``n_own`` is how many
    leading dense columns are the block's own features; ``boosting`` overrides ``BOOSTING``;
    stage B weighs a rare label's negatives down to ``max_rows`` in all (``stage_b_weights``), and
    ``prior_shift`` is what its log-odds need added to hold for all blocks. ``weights``, per
    document, weights each block (0 leaves it out of fitting, though its neighbours still see it),
    in both stages; ``estimator`` makes the stage-B classifier instead of gradient boosting;
    ``seed`` seeds its fit (stage A has no randomness).
    """
    dense, ngrams, bounds = _stack(features)
    y = np.concatenate(targets).astype(np.int64)
    w = np.concatenate(weights).astype(np.float64) if weights is not None else np.ones(len(y))
    kept = w > 0
    if np.unique(y[kept]).size < 2:
        raise ValueError(f"{label}: the blocks to fit are all of one class; a model needs both")
    doc_groups = np.asarray(groups)
    row_groups = np.repeat(doc_groups, np.diff(bounds))
    mean = dense[kept, :n_own].mean(axis=0)
    scale = dense[kept, :n_own].std(axis=0) + 1e-6
    model = {
        "plugin": plugin,
        "label": label,
        "kind": kind,
        "feature_version": FEATURE_VERSION,
        "n_dense": dense.shape[1],
        "n_own": n_own,
        "mean": mean.astype(np.float32),
        "scale": scale.astype(np.float32),
    }
    inputs = sp.hstack([ngrams, sp.csr_matrix(((dense[:, :n_own] - mean) / scale).astype(np.float32))], "csr")
    uniform = bool(np.all(w[kept] == 1.0))
    rows = np.flatnonzero(kept)
    model["stage_a"] = _fit_linear(alpha, inputs[rows], y[rows], None if uniform else w[rows])
    model["stage_a"].coef_ = model["stage_a"].coef_.astype(np.float32)
    out_of_fold = model["stage_a"].decision_function(inputs)  # with a single site: in-sample scores
    if len(set(groups)) >= 2:
        for train_rows, test_rows in GroupKFold(n_splits=min(3, len(set(groups)))).split(
            inputs, y, row_groups
        ):
            train_rows = train_rows[kept[train_rows]]
            if np.unique(y[train_rows]).size < 2:  # this fold saw one class only: no opinion
                out_of_fold[test_rows] = 0.0
                continue
            linear = _fit_linear(alpha, inputs[train_rows], y[train_rows], None if uniform else w[train_rows])
            out_of_fold[test_rows] = linear.decision_function(inputs[test_rows])
    stage_b_rows = np.vstack(
        [stage_b_input(dense[a:b], out_of_fold[a:b]) for a, b in itertools.pairwise(bounds)]
    )
    sample_weight, model["prior_shift"] = stage_b_weights(y[rows], w[rows], max_rows)
    second = estimator() if estimator is not None else _boosting(boosting, seed)
    model["stage_b"] = second.fit(stage_b_rows[rows], y[rows], sample_weight=sample_weight)
    return model


def stage_b_weights(y: np.ndarray, weights: np.ndarray, max_rows: int) -> tuple[np.ndarray, float]:
    """The weight of each block stage B is fitted on, and the shift of log-odds that makes the
    fitted model hold for the blocks as they are.

    Every block counts by its own weight. A rare label (at most half of ``max_rows`` positive
    blocks) whose blocks weigh more than ``max_rows`` in all has its negatives weighed down
    by the rate ``r`` that brings the total to ``max_rows``, so its few positives are not lost
    among them; that multiplies the odds by ``1 / r``, so the shift is ``log(r)``. No block is
    drawn: one recipe gives one model whatever the seed (stage B was fitted on a draw of blocks
    until 2026-12-06, which moved the plain-text macro F1 by up to 0.027 between seeds).
    """
    weights = weights.astype(np.float64)
    positive = y == 1
    positives, negatives = weights[positive].sum(), weights[~positive].sum()
    if positives + negatives <= max_rows or positive.sum() > max_rows // 2 or negatives == 0:
        return weights, 0.0
    rate = (max_rows - positives) / negatives
    weights[~positive] *= rate
    return weights, float(np.log(rate))
