"""Shipped models: one per plugin and model kind (``html``, ``text``), verified before loading.

Each model file ``trained/<plugin>-<kind>.joblib`` is listed in ``trained/manifest.json`` with its
SHA-256. joblib runs code while loading, so a file is loaded only when its hash matches; a file
that does not match is refused with a warning naming it (the plugin's rules still vote, and every
document it would have classified says so in ``Document.warnings``). A model trained with another
scikit-learn version is used, with a warning naming the file. A missing model means no model
votes. Each model is loaded at most once per process.

Models come from the shipped ``trained/`` directory, or from the directory named by the
``PAGEPARTS_MODELS`` environment variable (``use_models``, ``pageparts classify --models DIR``),
which holds files and a manifest in the same layout, as ``pageparts train`` writes them.

A model is a dict of plain scikit-learn objects (see ``pageparts.training.train``): a linear
model on hashed word n-grams and the block's own features (stage A), then gradient boosting on
all dense features plus the stage-A scores of the block and its neighbours (stage B).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .document import MODEL, Document, Vote
from .features import FEATURE_VERSION, DocumentFeatures, document_features, model_kind, window
from .model_reader import Forest, Unreadable, read_joblib

MANIFEST = "manifest.json"
MODELS_ENV = "PAGEPARTS_MODELS"


class ModelError(RuntimeError):
    """A model file that must not be used: hash mismatch, unreadable, or the wrong features."""


@lru_cache(maxsize=1)
def shipped_dir() -> Path:
    """The models that ship with pageparts (package ``pageparts.trained``)."""
    return Path(str(resources.files("pageparts.trained")))


def model_dir() -> Path:
    """Where models are loaded from: the directory in ``PAGEPARTS_MODELS``, else the shipped one."""
    chosen = os.environ.get(MODELS_ENV)
    return Path(chosen) if chosen else shipped_dir()


def model_file(plugin: str, kind: str) -> str:
    return f"{plugin}-{kind}.joblib"


_lock = threading.Lock()
_off = False
_loaded: dict[tuple[str, str], dict[str, Any] | None] = {}
_refused: dict[tuple[str, str], str] = {}
_manifests: dict[Path, dict[str, Any]] = {}
_hash_ok: dict[tuple[str, str], bool] = {}


def _manifest(directory: Path) -> dict[str, Any]:
    if directory not in _manifests:
        path = directory / MANIFEST
        _manifests[directory] = json.loads(path.read_text()) if path.exists() else {"models": {}}
    return _manifests[directory]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_verified(path: Path, entry: dict[str, Any] | None) -> dict[str, Any]:
    """Load the model at ``path`` if its SHA-256 matches the manifest ``entry``; else ModelError."""
    if entry is None:
        raise ModelError(f"{path.name} is not listed in {MANIFEST}; refusing to load it")
    actual = sha256(path)
    if actual != entry.get("sha256"):
        raise ModelError(
            f"{path.name}: SHA-256 {actual[:12]}... does not match {MANIFEST} "
            f"({str(entry.get('sha256'))[:12]}...); refusing to load it "
            "(retrain with pageparts train)"
        )
    trained_with = entry.get("versions", {}).get("scikit-learn")
    installed = _installed_scikit_learn()
    if trained_with and installed and trained_with != installed:
        warnings.warn(
            f"{path.name} was trained with scikit-learn {trained_with}, this is {installed}; "
            "its probabilities may differ (retrain with pageparts train)",
            stacklevel=3,
        )
    try:  # without importing scikit-learn, which takes longer than classifying a page
        model = read_joblib(path.read_bytes())
        if _forest(model["stage_b"]) is None:  # then predicting needs the real scikit-learn objects
            raise Unreadable("trees the numpy forest does not walk")
    except (Unreadable, KeyError, TypeError):
        import joblib

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*Trying to unpickle estimator.*")
            model = joblib.load(path)
    if not isinstance(model, dict) or model.get("feature_version") != FEATURE_VERSION:
        raise ModelError(f"{path.name} was built for other features; retrain with pageparts train")
    return model


def _installed_scikit_learn() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scikit-learn")
    except PackageNotFoundError:
        return None


def get_model(plugin: str, kind: str, directory: Path | None = None) -> dict[str, Any] | None:
    """The verified model for ``plugin`` and ``kind``, or None (missing or refused), loaded once."""
    key = (plugin, kind)
    with _lock:
        if _off:
            return None
        if key in _loaded:
            return _loaded[key]
        directory = directory or model_dir()
        path = directory / model_file(plugin, kind)
        model = None
        if path.exists():
            try:
                model = load_verified(path, _manifest(directory).get("models", {}).get(path.name))
            except ModelError as error:
                _refused[key] = str(error)
                warnings.warn(str(error), stacklevel=2)
            except Exception as error:  # unreadable file: refuse it the same way, never crash a run
                _refused[key] = f"{path.name} could not be loaded: {error}"
                warnings.warn(_refused[key], stacklevel=2)
        _loaded[key] = model
        return model


def reset() -> None:
    """Forget loaded models and the manifest (for tests and after rebuilding)."""
    with _lock:
        _loaded.clear()
        _refused.clear()
        _manifests.clear()
        _hash_ok.clear()


@contextmanager
def switched_off() -> Iterator[None]:
    """Within this block no model votes (for collecting the rules' votes alone)."""
    global _off
    with _lock:
        before, _off = _off, True
    try:
        yield
    finally:
        with _lock:
            _off = before


def check_directory(directory: Path, declared: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Check that the model directory ``directory`` can be used with the installed plugins.

    ``declared`` maps each installed plugin's name to its labels. Raises ModelError when the
    directory has no manifest, a listed file is missing or does not match its SHA-256, the models
    were built for other features, or a model's label is not one its plugin declares. Returns
    warnings (models of plugins that are not installed, which are then unused).
    """
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        raise ModelError(f"{directory} has no {MANIFEST}: not a model directory (pageparts train writes one)")
    try:
        manifest = json.loads(path.read_text())
        entries = dict(manifest.get("models", {}))
    except (ValueError, AttributeError, TypeError) as error:
        raise ModelError(f"{path} is not a model manifest: {error}") from None
    built_for = manifest.get("feature_version")
    if built_for != FEATURE_VERSION:
        raise ModelError(
            f"the models in {directory} were built for features version {built_for}, this pageparts "
            f"computes version {FEATURE_VERSION}: retrain them with pageparts train"
        )
    notes = []
    for name, entry in sorted(entries.items()):
        file = directory / name
        if not file.is_file():
            raise ModelError(f"{file} is listed in {MANIFEST} but missing")
        if sha256(file) != entry.get("sha256"):
            raise ModelError(f"{file}: SHA-256 does not match {MANIFEST}; refusing the directory")
        plugin, label = entry.get("plugin"), entry.get("label")
        if plugin not in declared:
            notes.append(f"{name} is for plugin {plugin!r}, which is not installed: it is not used")
        elif label not in declared[plugin]:
            raise ModelError(
                f"{name} predicts {label!r}, but the installed plugin {plugin!r} declares "
                f"{', '.join(declared[plugin]) or 'no labels'}: the directory does not fit these plugins"
            )
    if not entries:
        notes.append(f"{directory} lists no models: the plugins vote from rules only")
    return notes


def use_models(directory: Path | None) -> None:
    """Load models from ``directory`` from now on (None: the shipped ones), in this process and in
    the worker processes it starts (it sets ``PAGEPARTS_MODELS``). Each file is still checked
    against the directory's manifest when loaded; ``check_directory`` checks the whole directory."""
    if directory is None:
        os.environ.pop(MODELS_ENV, None)
    else:
        os.environ[MODELS_ENV] = str(Path(directory).resolve())
    reset()


def has_model(plugin: str) -> bool:
    """True when a model file for ``plugin`` ships in trained/ (for either kind) and its SHA-256
    matches the manifest; checked without loading the model."""
    return any(_verified_file(plugin, kind) for kind in ("html", "text"))


def _verified_file(plugin: str, kind: str) -> bool:
    key = (plugin, kind)
    with _lock:
        if key in _loaded:
            return _loaded[key] is not None
        if key not in _hash_ok:
            directory = model_dir()
            path = directory / model_file(plugin, kind)
            entry = _manifest(directory).get("models", {}).get(path.name) if path.exists() else None
            _hash_ok[key] = entry is not None and sha256(path) == entry.get("sha256")
        return _hash_ok[key]


def predict(model: dict[str, Any], features: DocumentFeatures) -> np.ndarray:
    """The model's probability of its label for every block described by ``features``."""
    n = features.dense.shape[0]
    if n == 0:
        return np.zeros(0)
    if model["kind"] != features.kind or model["n_dense"] != features.dense.shape[1]:
        raise ModelError(f"{model['file']} expects {model['kind']} features of another shape")
    column = stage_a(model, features).reshape(-1, 1).astype(np.float32)
    around = window(column)
    # the stage-B input copies the features: made PREDICT_ROWS rows at a time, a long page's
    # copy does not double the memory it takes
    return np.concatenate(
        [
            _stage_b(model, np.hstack([features.dense[a:b], column[a:b], around[a:b]]))
            for a, b in itertools.pairwise([*range(0, n, PREDICT_ROWS), n])
        ]
    )


PREDICT_ROWS = 4_096
"""Blocks whose stage-B probabilities ``predict`` works out together."""


def _stage_b(model: dict[str, Any], inputs: np.ndarray) -> np.ndarray:
    """The boosting stage's probability of the label for each row of ``inputs``."""
    forest = _forest(model["stage_b"])
    if forest is not None:
        return forest.probability(inputs)
    # One document is a few hundred rows: OpenMP threads cost far more than they save (and
    # stall badly when other processes share the cores), so boosting predicts on one thread.
    with _one_thread():
        return model["stage_b"].predict_proba(inputs)[:, 1]


_forests: dict[int, tuple[Any, Forest | None]] = {}


def _forest(boosting: Any) -> Forest | None:
    """The trees of ``boosting`` as a Forest (None if they cannot be), made once per model."""
    kept = _forests.get(id(boosting))
    if kept is None or kept[0] is not boosting:
        if len(_forests) > 100:
            _forests.clear()
        try:
            forest = Forest(boosting)
        except (Unreadable, AttributeError, KeyError, ValueError):
            forest = None
        kept = _forests[id(boosting)] = (boosting, forest)
    return kept[1]


_controller = None


def _one_thread():
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController  # installed with scikit-learn

        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="openmp")


def stage_a(model: dict[str, Any], features: DocumentFeatures) -> np.ndarray:
    """The linear stage's score (log-odds) per block: n-gram weights plus own-feature weights."""
    n_own = model["n_own"]
    linear = model["stage_a"]
    coef = linear.coef_.ravel()
    n_hash = features.hashed.shape[1]
    own = (features.dense[:, :n_own] - model["mean"]) / model["scale"]
    return features.hashed.dot(coef[:n_hash]) + own @ coef[n_hash:] + linear.intercept_[0]


def stage_b_input(dense: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The stage-B input of a document: its features, the stage-A scores and their window."""
    column = scores.reshape(-1, 1).astype(np.float32)
    return np.hstack([dense, column, window(column)])


def model_votes(plugin: str, label: str, document: Document) -> list[Vote]:
    """One vote per block with the model's probability of ``label``; none without a model.

    A plain-text document is always scored by the text model, never by an HTML one.
    """
    kind = model_kind(document)
    model = get_model(plugin, kind)
    if model is None:
        refused = _refused.get((plugin, kind))
        if refused:
            document.warnings.append(f"model refused, {plugin} votes from rules only: {refused}")
        return []
    if model.get("label") != label or not document.blocks:
        return []
    probabilities = predict(model, document_features(document, kind))
    return [
        Vote(plugin, i, label, float(p), f"{kind} model: {p:.2f}", MODEL)
        for i, p in enumerate(probabilities.tolist())
    ]
