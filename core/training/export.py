"""Fitted scikit-learn estimators as pageparts models (``pageparts.scoring.model_format``).

This is the one place that reads scikit-learn's fitted attributes, public and private; classifying
never does. What it reads, as scikit-learn 1.9 names them:

- stage A, a ``LogisticRegression`` (or an ``SGDClassifier`` with logistic loss, as models trained
  before 2026-12-05 had): ``coef_`` and ``intercept_`` (public);
- stage B, a ``HistGradientBoostingClassifier``: ``n_features_in_`` (public), and the private
  ``_predictors`` (one list of ``TreePredictor`` per iteration, of which ``nodes``, a structured
  array with the fields ``feature_idx``, ``num_threshold``, ``left``, ``right``, ``is_leaf``,
  ``value``, ``missing_go_to_left`` and ``is_categorical``), ``_loss`` (its class must be
  ``HalfBinomialLoss``: a binary classifier) and ``_baseline_prediction``;
- or stage B, a linear classifier with a logistic link (``LogisticRegression``, or
  ``SGDClassifier`` with ``loss="log_loss"``): ``coef_``, ``intercept_`` and ``classes_`` (public).

A private attribute may change between scikit-learn versions, so pyproject.toml pins the versions
training was tested with; a model file, once written, no longer depends on scikit-learn at all.
The estimators may also be the inert stand-ins of ``pageparts.training.joblib_files`` (the
attributes of a joblib file, read without running it), which is how ``pageparts
convert-models`` turns joblib files of earlier versions into model files.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..scoring.model_format import Linear, Logistic, Model, Trees


class ExportError(ValueError):
    """An estimator pageparts' model format cannot hold; the message names it and what can be."""


SUPPORTED = (
    "a binary HistGradientBoostingClassifier (numeric features), or a linear classifier with a "
    'logistic link (LogisticRegression, SGDClassifier(loss="log_loss"))'
)


def export(fitted: dict[str, Any]) -> Model:
    """The ``Model`` of a fitted two-stage model (the dict
    ``pageparts.training.two_stage.fit_two_stage`` returns: the estimators of both stages and the
    numbers that go with them)."""
    linear = fitted["stage_a"]
    stage_a = Linear(
        np.asarray(linear.coef_).ravel().astype(np.float32),
        np.asarray(linear.intercept_, dtype=np.float64).reshape(1),
        np.asarray(fitted["mean"], dtype=np.float32),
        np.asarray(fitted["scale"], dtype=np.float32),
    )
    second = fitted["stage_b"]
    return Model(
        plugin=fitted["plugin"],
        label=fitted["label"],
        kind=fitted["kind"],
        feature_version=int(fitted["feature_version"]),
        n_dense=int(fitted["n_dense"]),
        n_own=int(fitted["n_own"]),
        stage_a=stage_a,
        stage_b=second_stage(second, float(fitted.get("prior_shift", 0.0))),
        exported_from={
            "stage_a": _class_name(linear),
            "stage_b": _class_name(second),
            "scikit-learn": fitted.get("scikit-learn") or _scikit_learn_version(),
        },
    )


def second_stage(estimator: Any, prior_shift: float = 0.0) -> Trees | Logistic:
    """The second stage of a model from a fitted estimator, its log-odds moved by ``prior_shift``
    (the estimator saw a rare label's negatives weighed down: ``two_stage.stage_b_weights``);
    ExportError for an estimator it cannot hold."""
    name = _class_name(estimator).rsplit(".", 1)[-1]
    if name == "HistGradientBoostingClassifier":
        return trees(estimator, prior_shift)
    if name == "LogisticRegression" or (
        name == "SGDClassifier" and getattr(estimator, "loss", "") == "log_loss"
    ):
        return logistic(estimator, prior_shift)
    raise ExportError(
        f"cannot export a {name} to a pageparts model file; the second stage must be {SUPPORTED}"
    )


def trees(boosting: Any, prior_shift: float = 0.0) -> Trees:
    """The trees of a fitted binary ``HistGradientBoostingClassifier``, the baseline moved by
    ``prior_shift``."""
    predictors = boosting._predictors
    if any(len(p) != 1 for p in predictors) or type(boosting._loss).__name__ != "HalfBinomialLoss":
        raise ExportError("the gradient boosting is not a binary classifier")
    roots, parts, offset = [], {name: [] for name in Trees.ARRAYS[1:-1]}, 0
    for (tree,) in predictors:
        nodes = tree.nodes
        if nodes["is_categorical"].any():
            raise ExportError(
                "the gradient boosting has categorical splits, which pageparts models cannot hold"
            )
        roots.append(offset)
        parts["feature"].append(nodes["feature_idx"].astype(np.int64))
        parts["threshold"].append(nodes["num_threshold"].astype(np.float64))
        parts["left"].append(nodes["left"].astype(np.int64) + offset)
        parts["right"].append(nodes["right"].astype(np.int64) + offset)
        parts["missing_left"].append(nodes["missing_go_to_left"].astype(bool))
        parts["is_leaf"].append(nodes["is_leaf"].astype(bool))
        parts["value"].append(nodes["value"].astype(np.float64))
        offset += len(nodes)
    baseline = np.asarray(boosting._baseline_prediction, dtype=np.float64).reshape(-1)
    if baseline.size != 1:
        raise ExportError("the gradient boosting is not a binary classifier")
    return Trees(
        int(boosting.n_features_in_),
        roots=np.asarray(roots, dtype=np.int64),
        baseline=baseline + prior_shift,
        **{name: np.concatenate(arrays) for name, arrays in parts.items()},
    )


def logistic(estimator: Any, prior_shift: float = 0.0) -> Logistic:
    """A fitted binary linear classifier with a logistic link, the intercept moved by ``prior_shift``."""
    coef = np.asarray(estimator.coef_)  # float32 when fitted on float32 rows, as stage B's are
    classes = np.asarray(getattr(estimator, "classes_", [0, 1]))
    if coef.ndim != 2 or coef.shape[0] != 1 or classes.tolist() not in ([0, 1], [False, True]):
        raise ExportError(f"the {_class_name(estimator)} is not a binary classifier of 0 and 1")
    intercept = np.asarray(estimator.intercept_).reshape(1)
    return Logistic(coef.ravel(), intercept + intercept.dtype.type(prior_shift))


def _class_name(estimator: Any) -> str:
    kind = type(estimator)
    return getattr(estimator, "pickled_as", None) or f"{kind.__module__}.{kind.__qualname__}"


def _scikit_learn_version() -> str:
    import sklearn

    return sklearn.__version__
