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
    new unfitted scikit-learn classifier (with ``predict_proba``) used as the model's second stage
    instead of gradient boosting. The model is saved as ``<plugin>-<kind>.joblib``, ``plugin``
    being the name in the plugin's ``pageparts_plugin_info``; the plugin's classify hook casts
    its votes with ``pageparts.models.model_votes(plugin, label, document)``.
    """

    label: str
    kinds: tuple[str, ...] = KINDS
    estimator: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"kinds must be some of {', '.join(KINDS)}, not {self.kinds!r}")
