"""pageparts' own model file format: numpy arrays and a JSON header in one zip file, read with
numpy alone (no scikit-learn, no pickle).

A model file ``<plugin>-<kind>.npz`` is a zip archive (as ``numpy.savez`` writes) holding
``model.json`` and one ``.npy`` file per array, read with ``allow_pickle=False``. The header says:

- ``format``: ``"pageparts-model"``; ``format_version``: 1 (``FORMAT_VERSION``). A file of a
  version this pageparts does not know is refused with a one-line message.
- ``feature_version``: the features it was trained on (``pageparts.scoring.features.FEATURE_VERSION``);
  ``plugin``, ``label``, ``kind`` (``html`` or ``text``); ``n_dense`` (dense feature columns)
  and ``n_own`` (the leading ones that are the block's own, standardised for stage A).
- ``stage_a``: ``{"type": "linear"}``, arrays ``stage_a.coef`` (float32: one weight per hashed
  n-gram column, then per own feature), ``stage_a.intercept`` (float64, one value),
  ``stage_a.mean`` and ``stage_a.scale`` (float32, per own feature).
- ``stage_b``, either ``{"type": "trees", "n_features": F}``: a binary gradient-boosted forest,
  its nodes numbered across all trees, arrays ``stage_b.roots`` (each tree's first node),
  ``stage_b.feature``, ``stage_b.threshold`` (float64; a row goes right when its value is
  greater), ``stage_b.left``, ``stage_b.right`` (child node numbers), ``stage_b.missing_left``
  (where a missing value goes), ``stage_b.is_leaf``, ``stage_b.value`` (float64, a leaf's
  raw score) and ``stage_b.baseline`` (float64, one value); the probability is the logistic of
  the baseline plus the leaf values of every tree, added tree after tree;
  or ``{"type": "logistic"}``: arrays ``stage_b.coef`` and ``stage_b.intercept`` (in the
  dtypes the estimator was fitted in), the probability being the logistic of ``x @ coef + intercept``.
- ``exported_from``: what it was made from (scikit-learn classes and version), for the record.
- ``arrays``: every array's name, dtype and shape, checked when the file is read.

``pageparts.training.export`` makes a ``Model`` from fitted scikit-learn estimators; ``save``
writes it (byte for byte the same for the same model) and ``load`` reads it back.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "pageparts-model"
FORMAT_VERSION = 1
"""Bumped whenever the layout changes meaning; a reader refuses versions it does not know."""
SUFFIX = ".npz"
HEADER = "model.json"


class FormatError(ValueError):
    """A file that is not a pageparts model this version can read; the message is one line."""


@dataclass(frozen=True, eq=False)
class Linear:
    """Stage A: log-odds from hashed n-grams and the block's own standardised features."""

    coef: np.ndarray
    intercept: np.ndarray
    mean: np.ndarray
    scale: np.ndarray


@dataclass(frozen=True, eq=False)
class Logistic:
    """A linear second stage: the probability is the logistic of ``x @ coef + intercept``, worked
    out in the dtypes scikit-learn fitted them in (float32 for some fits on float32 rows), as its
    ``predict_proba`` does."""

    coef: np.ndarray
    intercept: np.ndarray

    def probability(self, X: np.ndarray) -> np.ndarray:
        z = (X @ self.coef.reshape(-1, 1)).ravel() + self.intercept
        with np.errstate(over="ignore"):  # exp overflows to inf for a very negative z: 0, rightly
            return 1.0 / (1.0 + np.exp(-z))


_DROP_EVERY = 4
"""Levels walked between dropping the walks that have reached a leaf (measured: 3-7 are close,
never dropping or dropping at every level is a third slower)."""


class Trees:
    """A binary gradient-boosted forest as flat arrays of nodes, every tree walked at once with numpy.

    The comparisons are made on the same float64 values and the leaf values added in the same
    order as scikit-learn's ``HistGradientBoostingClassifier`` does, so the raw scores are the same
    to the last bit.
    """

    ARRAYS = (
        "roots",
        "feature",
        "threshold",
        "left",
        "right",
        "missing_left",
        "is_leaf",
        "value",
        "baseline",
    )

    def __init__(self, n_features: int, **arrays: np.ndarray) -> None:
        self.n_features = int(n_features)
        self.arrays = {name: np.asarray(arrays[name]) for name in self.ARRAYS}
        is_leaf = self.arrays["is_leaf"].astype(bool)
        leaves = np.flatnonzero(is_leaf)
        # a leaf is a node that leads back to itself whatever the value: feature 0, threshold +inf,
        # missing values go left; so walks that have reached their leaf can take further steps
        self.is_leaf = is_leaf
        self.feature = np.where(is_leaf, 0, self.arrays["feature"].astype(np.int64))
        self.threshold = np.where(is_leaf, np.inf, self.arrays["threshold"].astype(np.float64))
        children = np.column_stack(
            [self.arrays["left"].astype(np.int64), self.arrays["right"].astype(np.int64)]
        )
        children[leaves] = leaves[:, None]
        self.children = children.ravel()  # node * 2 + (goes right)
        self.value = self.arrays["value"].astype(np.float64)
        self.missing_right = ~self.arrays["missing_left"].astype(bool) & ~is_leaf
        self.roots = self.arrays["roots"].astype(np.int64)
        self.baseline = self.arrays["baseline"].astype(np.float64).reshape(-1)
        if self.baseline.size != 1:
            raise FormatError("the trees' baseline is not one value: not a binary classifier")
        self._check_ranges()
        self.depth = _depth(self.roots, self.children, self.is_leaf)

    def _check_ranges(self) -> None:
        """FormatError unless every node number and feature is within range (the compiled walk of
        ``pageparts.scoring.speedups`` reads them unchecked)."""
        nodes = len(self.is_leaf)
        if len(self.value) != nodes or len(self.missing_right) != nodes or len(self.children) != 2 * nodes:
            raise FormatError("the trees' node arrays differ in length")
        for name, numbers, limit in (
            ("roots", self.roots, nodes),
            ("children", self.children, nodes),
            ("features", self.feature, self.n_features),
        ):
            if numbers.size and (numbers.min() < 0 or numbers.max() >= limit):
                raise FormatError(f"the trees' {name} are out of range (0 to {limit - 1})")

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The raw score (log-odds) of each row of ``X``, as scikit-learn's ``_raw_predict`` gives it."""
        X = np.asarray(X)
        # float32 values are compared with the float64 thresholds exactly as their float64 copies
        X = np.ascontiguousarray(X, dtype=np.float32 if X.dtype == np.float32 else np.float64)
        n, width = X.shape
        if width != self.n_features:
            raise ValueError(f"X has {width} features, the trees expect {self.n_features}")
        trees = len(self.roots)
        node = np.repeat(self.roots, n)  # element t * n + i: tree t, row i
        row_start = np.tile(np.arange(n, dtype=np.int64) * width, trees)
        where = np.arange(trees * n)  # the element each entry of ``node`` walks
        leaf = np.empty(trees * n, dtype=np.int64)
        flat = X.ravel()
        has_nan = bool(np.isnan(flat).any())
        for level in range(1, self.depth + 1):
            x = flat.take(row_start + self.feature.take(node))
            right = x > self.threshold.take(node)  # False for NaN: set from missing_right below
            if has_nan:
                missing = np.isnan(x)
                right[missing] = self.missing_right[node[missing]]
            node = self.children.take(2 * node + right)
            if level % _DROP_EVERY == 0:  # drop the walks that have reached their leaf
                done = self.is_leaf[node]
                leaf[where[done]] = node[done]
                going = ~done
                node, row_start, where = node[going], row_start[going], where[going]
        leaf[where] = node
        values = self.value[leaf].reshape(trees, n)
        # baseline, then each tree in turn: cumsum adds in order, as scikit-learn's loop does
        return np.cumsum(np.vstack([np.broadcast_to(self.baseline, (1, n)), values]), axis=0)[-1]

    def probability(self, X: np.ndarray) -> np.ndarray:
        """The probability of the positive class for each row of ``X``."""
        with np.errstate(over="ignore"):  # exp overflows to inf for a very negative score: 0, rightly
            return 1.0 / (1.0 + np.exp(-self.raw(X)))


def _depth(roots: np.ndarray, children: np.ndarray, is_leaf: np.ndarray) -> int:
    """The number of splits on the longest path from a root to a leaf."""
    depth, level = 0, roots[~is_leaf[roots]]
    while level.size:
        level = np.stack([children[2 * level], children[2 * level + 1]]).ravel()
        level = level[~is_leaf[level]]
        depth += 1
    return depth


@dataclass(frozen=True, eq=False)
class Model:
    """One plugin's model for one input kind: the probability of ``label`` for every block."""

    plugin: str
    label: str
    kind: str
    feature_version: int
    n_dense: int
    n_own: int
    stage_a: Linear
    stage_b: Trees | Logistic
    exported_from: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return f"{self.plugin}-{self.kind}{SUFFIX}"


def _arrays(model: Model) -> dict[str, np.ndarray]:
    out = {f"stage_a.{name}": getattr(model.stage_a, name) for name in ("coef", "intercept", "mean", "scale")}
    second = model.stage_b
    if isinstance(second, Trees):
        out.update({f"stage_b.{name}": array for name, array in second.arrays.items()})
    else:
        out.update({"stage_b.coef": second.coef, "stage_b.intercept": second.intercept})
    return {name: np.ascontiguousarray(array) for name, array in out.items()}


def header(model: Model) -> dict[str, Any]:
    """The JSON header of ``model``'s file (without its ``arrays`` table)."""
    second = model.stage_b
    stage_b: dict[str, Any] = (
        {"type": "trees", "n_features": second.n_features}
        if isinstance(second, Trees)
        else {"type": "logistic"}
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "feature_version": model.feature_version,
        "plugin": model.plugin,
        "label": model.label,
        "kind": model.kind,
        "n_dense": model.n_dense,
        "n_own": model.n_own,
        "stage_a": {"type": "linear"},
        "stage_b": stage_b,
        "exported_from": model.exported_from,
    }


_DATE = (1980, 1, 1, 0, 0, 0)  # every member gets the same date: the same model, the same bytes


def save(model: Model, path: Path) -> None:
    """Write ``model`` to ``path`` in the format above (the same bytes for the same model)."""
    arrays = _arrays(model)
    head = header(model)
    head["arrays"] = {name: {"dtype": a.dtype.str, "shape": list(a.shape)} for name, a in arrays.items()}
    members = {HEADER: (json.dumps(head, indent=1, sort_keys=True) + "\n").encode("utf-8")}
    for name, array in arrays.items():
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array, allow_pickle=False)
        members[f"{name}.npy"] = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)


def read_header(path: Path) -> dict[str, Any]:
    """The header of the model file at ``path``; FormatError if it is not one this pageparts reads."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _checked_header(path, archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise FormatError(f"{Path(path).name} is not a pageparts model file: {error}") from None


def _checked_header(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    name = Path(path).name
    try:
        head = json.loads(archive.read(HEADER))
    except (KeyError, ValueError) as error:
        raise FormatError(f"{name} is not a pageparts model file (no readable {HEADER}: {error})") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise FormatError(f"{name} is not a pageparts model file")
    version = head.get("format_version")
    if version != FORMAT_VERSION:
        raise FormatError(
            f"{name} is in model format version {version!r}, this pageparts reads version {FORMAT_VERSION}: "
            "use the pageparts that made it, or retrain with pageparts train"
        )
    return head


def load(path: Path) -> Model:
    """The model in the file at ``path``; FormatError if it is not one this pageparts reads."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            head = _checked_header(path, archive)
            arrays = {}
            for array, spec in head["arrays"].items():
                with archive.open(f"{array}.npy") as member:
                    data = np.lib.format.read_array(member, allow_pickle=False)
                if data.dtype.str != spec["dtype"] or list(data.shape) != spec["shape"]:
                    raise FormatError(
                        f"{name}: array {array} is not the {spec['dtype']} {spec['shape']} listed"
                    )
                arrays[array] = data
    except (zipfile.BadZipFile, OSError, KeyError, TypeError, ValueError) as error:
        if isinstance(error, FormatError):
            raise
        raise FormatError(
            f"{name} is not a readable pageparts model file: {type(error).__name__}: {error}"
        ) from None
    try:
        stage_a = Linear(*(arrays[f"stage_a.{n}"] for n in ("coef", "intercept", "mean", "scale")))
        kind = head["stage_b"]["type"]
        if kind == "trees":
            stage_b: Trees | Logistic = Trees(
                head["stage_b"]["n_features"], **{n: arrays[f"stage_b.{n}"] for n in Trees.ARRAYS}
            )
        elif kind == "logistic":
            stage_b = Logistic(arrays["stage_b.coef"], arrays["stage_b.intercept"])
        else:
            raise FormatError(f"{name}: a second stage of type {kind!r}, which this pageparts does not know")
        return Model(
            head["plugin"],
            head["label"],
            head["kind"],
            head["feature_version"],
            head["n_dense"],
            head["n_own"],
            stage_a,
            stage_b,
            head.get("exported_from", {}),
        )
    except KeyError as error:
        raise FormatError(f"{name}: its header or arrays lack {error}") from None
