"""Which models to fit (the plugins' ``pageparts_trainable`` hook), fitting them, and scoring them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..host.registry import Registry
from ..output.wording import counted
from ..scoring.features import feature_names
from ..scoring.model_format import Model
from ..scoring.models import model_file, predict
from ..trainable import Trainable
from .data import Example
from .export import ExportError, export
from .two_stage import SEED, fit_two_stage


class TrainingError(ValueError):
    """Training cannot go on; the message says why, for the user."""


@dataclass(frozen=True)
class Target:
    """One model to fit: a plugin's label, for one input kind."""

    plugin: str
    label: str
    kind: str
    estimator: Callable[[], Any] | None = None

    @property
    def file(self) -> str:
        return model_file(self.plugin, self.kind)


def targets(registry: Registry) -> list[Target]:
    """The models the installed plugins ask for, sorted by plugin name then kind."""
    found = []
    for impl in registry.manager.hook.pageparts_trainable.get_hookimpls():
        wanted = impl.function()
        if wanted is None:
            continue
        if not isinstance(wanted, Trainable):
            raise TrainingError(f"plugin {impl.plugin_name!r}: pageparts_trainable returned {wanted!r}")
        describe = getattr(impl.plugin, "pageparts_plugin_info", None)
        name, labels = (describe().name, describe().labels) if describe else (impl.plugin_name, ())
        if wanted.label not in labels:
            raise TrainingError(
                f"plugin {name!r} asks for a model of {wanted.label!r} but does not declare that label"
            )
        found += [Target(name, wanted.label, kind, wanted.estimator) for kind in wanted.kinds]
    return sorted(found, key=lambda t: (t.plugin, t.kind))


def training_rows(
    target: Target, examples: Sequence[Example]
) -> tuple[list[Any], list[np.ndarray], list[np.ndarray], list[str]]:
    """Features, 0/1 targets, weights and sites of the examples that can teach ``target``."""
    features, ys, weights, sites = [], [], [], []
    for example in examples:
        seen = example.kinds.get(target.kind)
        if seen is None or not seen.blocks:
            continue
        y, w = seen.targets(target.label)
        if w.any():
            features.append(seen.features)
            ys.append(y)
            weights.append(w)
            sites.append(example.site)
    return features, ys, weights, sites


def fit_target(target: Target, examples: Sequence[Example], seed: int = SEED) -> Model:
    """Fit the model of ``target`` on ``examples`` and export it (``pageparts.training.export``);
    TrainingError when they cannot teach it, or its estimator cannot be exported."""
    features, ys, weights, sites = training_rows(target, examples)
    if not features:
        raise TrainingError(f"{target.file}: not trained, no {target.kind} documents to learn from")
    positives = sum(int((y & (w > 0)).sum()) for y, w in zip(ys, weights, strict=True))
    negatives = sum(int((~y & (w > 0)).sum()) for y, w in zip(ys, weights, strict=True))
    if not positives or not negatives:
        raise TrainingError(
            f"{target.file}: not trained, the data has {counted(positives, target.label + ' block')} and "
            f"{counted(negatives, 'other')}; a model needs both (a single-class data set)"
        )
    n_own = sum("@" not in name for name in feature_names(target.kind))
    fitted = fit_two_stage(
        target.plugin,
        target.label,
        target.kind,
        features,
        ys,
        sites,
        n_own,
        weights=weights,
        estimator=target.estimator,
        seed=seed,
    )
    try:
        return export(fitted)
    except ExportError as error:
        raise TrainingError(f"{target.file}: not trained, {error}") from None


@dataclass
class Figures:
    """Block-level counts and scores of one model on some examples (blocks of weight > 0)."""

    blocks: int = 0
    positives: int = 0
    true_positives: int = 0
    predicted: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "blocks": self.blocks,
            "positives": self.positives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def score(target: Target, model: Model, examples: Sequence[Example], threshold: float = 0.5) -> Figures:
    """How well ``model`` finds ``target``'s label in ``examples`` (a block is found at >= 0.5)."""
    figures = Figures()
    for features, y, w, _ in zip(*training_rows(target, examples), strict=True):
        counted = w > 0
        found = predict(model, features) >= threshold
        figures.blocks += int(counted.sum())
        figures.positives += int((y & counted).sum())
        figures.predicted += int((found & counted).sum())
        figures.true_positives += int((found & y & counted).sum())
    return figures


def training_counts(target: Target, examples: Sequence[Example]) -> tuple[int, int]:
    """Blocks (of weight > 0) and positive blocks ``target`` is fitted on."""
    _, ys, weights, _ = training_rows(target, examples)
    return (
        sum(int((w > 0).sum()) for w in weights),
        sum(int((y & (w > 0)).sum()) for y, w in zip(ys, weights, strict=True)),
    )
