"""Model directories and the ``ModelStore`` a runner holds to cast model votes.

A model directory holds one model file per plugin and model kind (``html``, ``text``),
``<plugin>-<kind>.npz`` in pageparts' own format (``pageparts.scoring.model_format``: numpy arrays and a
JSON header, read without scikit-learn or pickle), listed in its ``manifest.json`` with its
SHA-256, format version and feature version, and the learned combiner's ``combiner.json``.
``pageparts train`` writes such directories; the shipped one is the package ``pageparts.trained``.

A ``ModelStore`` stands for one directory. It loads a model when a runner first asks for it, once
per store, and only when the file's SHA-256 matches the manifest: a file that does not match, or
cannot be read, is refused with a warning naming it (the plugin's rules still vote, and every
document it would have scored says so in ``Document.warnings``). A missing model means no model
votes. Nothing is kept outside the store, so two runners with stores of different directories
work side by side in one process; a rule-only runner has no store (``Runner(models=None)``).
Which directory a runner's store has is a setting (``Options.models``: ``--models DIR``,
``PAGEPARTS_MODELS``, ``models`` in the config file; None, the shipped models), resolved by
``pageparts.settings``; ``ModelStore.of(options.models)`` is its store.

A directory made by ``pageparts adapt`` holds no model files: its manifest names the directory it
extends (``base``: ``"shipped"`` or a path, with a fingerprint of that directory's manifest and
combiner, checked before use) and its ``adaptation.json`` (``pageparts.scoring.adaptation``), listed with
its SHA-256. Its store votes with the base directory's models and combiner, and hands the runner
the adaptation layer (``ModelStore.adaptation``). A layer that does not check out is refused with
a warning; the base models then decide alone.

The runner casts model votes (``Vote.source == "model"``) for every plugin whose
``pageparts_trainable`` hook asks for a model (``ModelStore.votes``). A model has two stages
(fitted by ``pageparts.training.two_stage``): a linear model on hashed word n-grams and the block's
own features (stage A), then gradient-boosted trees on all dense features plus the stage-A
scores of the block and its neighbours (stage B).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
import warnings
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..document import Document, Vote
from . import model_format
from .adaptation import ADAPTATION_FILE, AdaptationError, KindLayer, read_adaptation
from .combine import COMBINER_FILE, read_combiner
from .features import FEATURE_VERSION, DocumentFeatures, document_features, model_kind, window
from .model_format import FORMAT_VERSION, FormatError, Model
from .speedups import PURE, HotPath

MANIFEST = "manifest.json"
KINDS = ("html", "text")


class ModelError(RuntimeError):
    """A model file that must not be used: hash mismatch, unreadable, or the wrong features."""


def shipped_dir() -> Path:
    """The models that ship with pageparts (package ``pageparts.trained``)."""
    return Path(str(resources.files("pageparts.trained")))


def chosen_dir(models: str | os.PathLike[str] | None) -> Path:
    """The model directory of the settings' ``Options.models``: that directory, or the shipped
    one for None. (``PAGEPARTS_MODELS`` is read by ``pageparts.settings``, into ``Options.models``.)"""
    return shipped_dir() if models is None else Path(models)


SHIPPED = "shipped"
"""How an adaptation's manifest names the shipped models as its base (wherever they are installed)."""


def fingerprint(directory: Path) -> str:
    """SHA-256 of a model directory's manifest and combiner: what a site adaptation extends (the
    manifest lists every model file's SHA-256)."""
    digest = hashlib.sha256()
    for name in (MANIFEST, COMBINER_FILE):
        path = Path(directory) / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return digest.hexdigest()


def base_reference(directory: Path) -> dict[str, str]:
    """How an adaptation's manifest names its base ``directory``."""
    directory = Path(directory).absolute()
    shipped = directory.resolve() == shipped_dir().resolve()
    return {"directory": SHIPPED if shipped else str(directory), "fingerprint": fingerprint(directory)}


def base_directory(manifest: Mapping[str, Any]) -> Path | None:
    """The base directory an adaptation's manifest names (None for a directory of models)."""
    base = manifest.get("base")
    if not isinstance(base, Mapping):
        return None
    named = str(base.get("directory", ""))
    return shipped_dir() if named == SHIPPED else Path(named)


def check_adaptation(directory: Path, manifest: Mapping[str, Any]) -> Path:
    """The base directory of the adaptation in ``directory``; ModelError unless its file matches
    its SHA-256 and the base is there, unchanged, and not itself an adaptation."""
    base = base_directory(manifest)
    assert base is not None
    adaptation = manifest.get("adaptation", {})
    path = Path(directory) / ADAPTATION_FILE
    if not path.is_file():
        raise ModelError(f"{path} is missing: not a site adaptation")
    if sha256(path) != adaptation.get("sha256"):
        raise ModelError(f"{path}: SHA-256 does not match {MANIFEST}; refusing the adaptation")
    if not (base / MANIFEST).is_file():
        raise ModelError(f"{directory} adapts {base}, which is not a model directory (any more)")
    if base_directory(json.loads((base / MANIFEST).read_text())) is not None:
        raise ModelError(f"{directory} adapts {base}, another adaptation: adapt the models it adapts")
    if fingerprint(base) != manifest["base"].get("fingerprint"):
        raise ModelError(
            f"{directory} was adapted to other models than those now in {base}: "
            "adapt again (pageparts adapt ... --base)"
        )
    return base


def model_file(plugin: str, kind: str) -> str:
    return f"{plugin}-{kind}{model_format.SUFFIX}"


OLD_SUFFIX = ".joblib"
"""The model files of pageparts 0.1 (joblib pickles); ``pageparts convert-models`` converts them."""


def _old_file_note(directory: Path) -> str:
    return (
        f"made by an earlier pageparts (joblib files): convert it with "
        f"pageparts convert-models {directory} --out NEW_DIR"
    )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path: Path, entry: Mapping[str, Any] | None) -> None:
    """Raise ModelError unless ``path`` is listed (``entry``, its manifest entry) with its SHA-256."""
    if entry is None:
        raise ModelError(f"{path.name} is not listed in {MANIFEST}; refusing to load it")
    actual = sha256(path)
    if actual != entry.get("sha256"):
        raise ModelError(
            f"{path.name}: SHA-256 {actual[:12]}... does not match {MANIFEST} "
            f"({str(entry.get('sha256'))[:12]}...); refusing to load it "
            "(retrain with pageparts train)"
        )


def read_model(path: Path) -> Model:
    """The model in the file ``path`` (verified against its manifest first: see ``verify``);
    ModelError if it is not one this pageparts can use (an unknown format version, other features)."""
    try:
        model = model_format.load(path)
    except FormatError as error:
        raise ModelError(str(error)) from None
    if model.feature_version != FEATURE_VERSION:
        raise ModelError(
            f"{path.name} was built for features version {model.feature_version}, this pageparts computes "
            f"version {FEATURE_VERSION}: retrain with pageparts train"
        )
    return model


class ModelStore:
    """The models of one model directory, each loaded (after its SHA-256 check) at most once.

    A runner holds one (``Runner(models=...)``) and asks it for the model votes of each plugin
    that declares a trainable model, and for the learned combiner. A store pickles as its
    directory: a worker process gets a store of the same directory and loads what it needs.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._manifest: dict[str, Any] | None = None
        self._models: dict[tuple[str, str], Model | None] = {}
        self._refused: dict[tuple[str, str], str] = {}
        self._verified: dict[tuple[str, str], bool] = {}
        self._combiner: dict[str, dict] | None = None
        self._base: ModelStore | None = None
        self._layers: dict[str, KindLayer] | None = None
        self._layers_refused: str | None = None

    @classmethod
    def shipped(cls) -> ModelStore:
        """A store of the models that ship with pageparts."""
        return cls(shipped_dir())

    @classmethod
    def of(cls, models: str | os.PathLike[str] | None) -> ModelStore:
        """A store of the settings' model directory ``Options.models`` (None: the shipped models)."""
        return cls(chosen_dir(models))

    def __repr__(self) -> str:
        return f"ModelStore({str(self.directory)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModelStore) and other.directory == self.directory

    def __hash__(self) -> int:
        return hash(self.directory)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.directory,))

    def manifest(self) -> dict[str, Any]:
        """The directory's manifest (``{"models": {}}`` when it has none)."""
        if self._manifest is None:
            path = self.directory / MANIFEST
            self._manifest = json.loads(path.read_text()) if path.exists() else {"models": {}}
        return self._manifest

    def _entry(self, name: str) -> dict[str, Any] | None:
        return self.manifest().get("models", {}).get(name)

    def base(self) -> ModelStore | None:
        """The store of the directory this one adapts (None unless it is a site adaptation)."""
        if self._base is None:
            try:
                directory = base_directory(self.manifest())
            except (OSError, ValueError, AttributeError):  # an unreadable manifest: refused by model()
                return None
            if directory is not None:
                self._base = ModelStore(directory)
        return self._base

    def adaptation(self, kind: str) -> KindLayer | None:
        """The site adaptation's layer for ``kind`` (None: no adaptation, or a refused one)."""
        if self._layers is None:
            with self._lock:
                self._layers = {}
                if self.base() is not None:
                    try:
                        check_adaptation(self.directory, self.manifest())
                        self._layers = read_adaptation(self.directory / ADAPTATION_FILE)
                    except (ModelError, AdaptationError, OSError, ValueError) as error:
                        self._layers_refused = f"site adaptation refused: {error}"
                        warnings.warn(self._layers_refused, stacklevel=2)
        return self._layers.get(kind)

    def adaptation_refusal(self) -> str | None:
        """Why the site adaptation was refused, if it was."""
        return self._layers_refused

    def site(self) -> str | None:
        """The site pattern of a site adaptation (None for a directory of models)."""
        site = self.manifest().get("adaptation", {}).get("site")
        return str(site) if site and self.base() is not None else None

    def model(self, plugin: str, kind: str) -> Model | None:
        """The verified model of ``plugin`` for ``kind``, or None (missing or refused)."""
        base = self.base()
        if base is not None:
            return base.model(plugin, kind)
        key = (plugin, kind)
        with self._lock:
            if key in self._models:
                return self._models[key]
            path = self.directory / model_file(plugin, kind)
            old = path.with_suffix(OLD_SUFFIX)
            model = None
            try:
                if path.exists():
                    verify(path, self._entry(path.name))
                    model = read_model(path)
                elif self._entry(old.name) is not None:
                    raise ModelError(f"{old.name}: {_old_file_note(self.directory)}")
            except ModelError as error:
                self._refused[key] = str(error)
            except Exception as error:  # unreadable file or manifest: refused the same way, never a crash
                self._refused[key] = f"{path.name} could not be loaded: {type(error).__name__}: {error}"
            if key in self._refused:
                warnings.warn(self._refused[key], stacklevel=2)
            self._models[key] = model
            return model

    def refusal(self, plugin: str, kind: str) -> str | None:
        """Why the model of ``plugin`` for ``kind`` was refused, if it was."""
        base = self.base()
        return base.refusal(plugin, kind) if base is not None else self._refused.get((plugin, kind))

    def has_model(self, plugin: str) -> bool:
        """True when a model file of ``plugin`` (either kind) is listed with a matching SHA-256;
        checked without loading the model."""
        base = self.base()
        if base is not None:
            return base.has_model(plugin)
        return any(self._verified_file(plugin, kind) for kind in KINDS)

    def _verified_file(self, plugin: str, kind: str) -> bool:
        key = (plugin, kind)
        with self._lock:
            if key in self._models:
                return self._models[key] is not None
            if key not in self._verified:
                path = self.directory / model_file(plugin, kind)
                entry = self._entry(path.name) if path.exists() else None
                self._verified[key] = entry is not None and sha256(path) == entry.get("sha256")
            return self._verified[key]

    def votes(self, plugin: str, label: str, document: Document, path: HotPath = PURE) -> list[Vote]:
        """One model vote per block with the probability of ``label`` from ``plugin``'s model for
        the document's kind; none without a model (a refused one adds a warning to the document).
        ``path`` is the implementation of the hot loops (the runner's: compiled unless the settings
        say ``pure_python``).

        A plain-text document is always scored by the text model, never by an HTML one.
        """
        kind = model_kind(document)
        model = self.model(plugin, kind)
        if model is None:
            refused = self.refusal(plugin, kind)
            if refused:
                document.warnings.append(f"model refused, {plugin} votes from rules only: {refused}")
            return []
        if model.label != label or not document.blocks:
            return []
        probabilities = predict(model, document_features(document, kind, path), path)
        return path.model_votes(plugin, label, kind, probabilities.tolist())

    def combiner(self, kind: str) -> dict | None:
        """The learned combiner's fit for ``kind`` from the directory's ``combiner.json``, if any."""
        base = self.base()
        if base is not None:
            return base.combiner(kind)
        if self._combiner is None:
            self._combiner = read_combiner(self.directory)
        return self._combiner.get(kind)

    def check(self, declared: Mapping[str, tuple[str, ...]]) -> list[str]:
        """``check_directory`` of this store's directory."""
        return check_directory(self.directory, declared)


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
    if base_directory(manifest) is not None:
        return check_directory(check_adaptation(directory, manifest), declared)
    built_for = manifest.get("feature_version")
    if built_for != FEATURE_VERSION:
        raise ModelError(
            f"the models in {directory} were built for features version {built_for}, this pageparts "
            f"computes version {FEATURE_VERSION}: retrain them with pageparts train"
        )
    if any(name.endswith(OLD_SUFFIX) for name in entries):
        raise ModelError(f"{directory} was {_old_file_note(directory)}")
    notes = []
    for name, entry in sorted(entries.items()):
        version = entry.get("format_version")
        if version != FORMAT_VERSION:
            raise ModelError(
                f"{directory / name} is in model format version {version!r}, this pageparts reads version "
                f"{FORMAT_VERSION}: use the pageparts that made it, or retrain with pageparts train"
            )
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


def predict(model: Model, features: DocumentFeatures, path: HotPath = PURE) -> np.ndarray:
    """The model's probability of its label for every block described by ``features``, worked out
    by ``path`` (the pure-Python reference unless given)."""
    n = features.dense.shape[0]
    if n == 0:
        return np.zeros(0)
    if model.kind != features.kind or model.n_dense != features.dense.shape[1]:
        raise ModelError(f"{model.file} expects {model.kind} features of another shape")
    column = stage_a(model, features, path).reshape(-1, 1).astype(np.float32)
    scores = np.hstack([column, path.window(column)])  # the stage-B input's columns after the features
    second = model.stage_b
    # the stage-B input is the features with the scores' columns after them, which the pure path
    # copies into one array: made PREDICT_ROWS rows at a time, a long page's copy does not double
    # the memory it takes (the compiled walk reads both where they are)
    return np.concatenate(
        [
            path.probability(second, features.dense[a:b], scores[a:b])
            for a, b in itertools.pairwise([*range(0, n, PREDICT_ROWS), n])
        ]
    )


PREDICT_ROWS = 4_096
"""Blocks whose stage-B probabilities ``predict`` works out together."""


def stage_a(model: Model, features: DocumentFeatures, path: HotPath = PURE) -> np.ndarray:
    """The linear stage's score (log-odds) per block: n-gram weights plus own-feature weights."""
    linear = model.stage_a
    coef = linear.coef
    n_hash = features.hashed.shape[1]
    own = path.standardized(features.dense, model.n_own, linear.mean, linear.scale)
    return path.ngrams_dot(features.hashed, coef[:n_hash]) + own @ coef[n_hash:] + linear.intercept[0]


def stage_b_input(dense: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The stage-B input of a document: its features, the stage-A scores and their window."""
    column = scores.reshape(-1, 1).astype(np.float32)
    return np.hstack([dense, column, window(column)])
