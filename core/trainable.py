"""What a plugin asks ``pageparts train`` to fit for it (the ``pageparts_trainable`` hook)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

KINDS = ("html", "text")


@dataclass(frozen=True)
class Trainable:
    """A model for one label of a plugin: the probability, per block, that a block has ``label``.

    ``kinds``: the input kinds to fit a model for (``html``: text and structure features of HTML
    blocks; ``text``: text features only). ``estimator``: optionally, a function that returns a
    new unfitted scikit-learn classifier used as the model's second stage instead of gradient
    boosting: one that ``pageparts.training.export`` can write to a model file (a binary
    ``HistGradientBoostingClassifier``, ``LogisticRegression``, ``SGDClassifier(loss="log_loss")``).
    The model is saved as ``<plugin>-<kind>.npz``, ``plugin`` being the name in the plugin's
    ``pageparts_plugin_info``; the runner casts its votes, one per block, beside the plugin's own.
    """

    label: str
    kinds: tuple[str, ...] = KINDS
    estimator: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"kinds must be some of {', '.join(KINDS)}, not {self.kinds!r}")
