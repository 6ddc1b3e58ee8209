"""Model files as plugin authors meet them (``pageparts.models``): ``ModelStore`` (a model
directory, as a runner holds it), ``verify`` (check a file of your own against its SHA-256 before
loading it) and ``ModelError``; and the module-level functions of before ``ModelStore``, deprecated.

The store itself lives with the rest of the classify path, in ``pageparts.scoring.models``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .document import Document, Vote
from .scoring.model_format import Model
from .scoring.models import ModelError, ModelStore, read_model, verify
from .settings import MODELS_ENV

__all__ = ["ModelError", "ModelStore", "load_verified", "model_votes", "use_models", "verify"]


def model_votes(plugin: str, label: str, document: Document) -> list[Vote]:
    """Deprecated: the runner now casts the model votes of every plugin whose
    ``pageparts_trainable`` hook asks for a model, so this gives no votes (a plugin that still
    adds its result to its rule votes gets its model votes once, from the runner)."""
    warnings.warn(
        "pageparts.models.model_votes is deprecated and gives no votes: the runner casts the model "
        "votes of every plugin with a pageparts_trainable hook; drop the call",
        DeprecationWarning,
        stacklevel=2,
    )
    return []


def use_models(directory: str | os.PathLike[str] | None) -> None:
    """Deprecated: settings resolved from now on (``resolve_options``, as ``pageparts.classify``
    and the CLI do) name the models in ``directory`` (None: the shipped ones); it sets
    ``PAGEPARTS_MODELS``, which ``pageparts.settings`` reads. Pass ``Options(models=directory)``
    or ``Runner(models=ModelStore(directory))`` instead."""
    warnings.warn(
        "pageparts.models.use_models is deprecated: pass Runner(models=ModelStore(directory)), "
        f"or set {MODELS_ENV}",
        DeprecationWarning,
        stacklevel=2,
    )
    from .settings import set_models_environment

    set_models_environment(None if directory is None else Path(directory).resolve())


def load_verified(path: Path, entry: Mapping[str, Any] | None) -> Model:
    """Deprecated: the model at ``path`` if its SHA-256 matches the manifest ``entry``, else
    ModelError. Use ``verify`` to check a file of your own, and ``ModelStore`` for model directories."""
    warnings.warn(
        "pageparts.models.load_verified is deprecated: check a file with "
        "pageparts.models.verify, load model directories with pageparts.models.ModelStore",
        DeprecationWarning,
        stacklevel=2,
    )
    path = Path(path)
    verify(path, entry)
    return read_model(path)
