"""Reading a shipped model file without importing scikit-learn, and predicting with plain numpy.

Importing scikit-learn (and the SciPy modules it pulls in) takes longer than classifying a page,
so ``pageparts classify one.html`` reads the model files itself: a joblib file is a (zlib
compressed) pickle in which each numpy array's bytes follow its ``NumpyArrayWrapper``. The
reader builds numpy arrays and dtypes and, for every scikit-learn class, an inert ``Stub`` that
only keeps the pickled attributes; it calls nothing else, so it also never runs code from the
file. Anything it does not know makes it raise ``Unreadable``, and the caller loads the file
with joblib instead.

``Forest`` predicts with the trees of a fitted ``HistGradientBoostingClassifier`` (a real one or
its stub): the same comparisons on the same float64 values, the leaf values summed in the same
order as scikit-learn, so the raw scores are identical, and all trees walked at once with numpy.
"""

from __future__ import annotations

import importlib
import io
import math
import pickle
import zlib
from typing import Any, ClassVar

import numpy as np


class Unreadable(ValueError):
    """A file this reader does not understand (read it with joblib instead)."""


class Stub:
    """An inert stand-in for a pickled scikit-learn object: its attributes, nothing else."""

    def __new__(cls, *args: object, **kwargs: object) -> Stub:
        return object.__new__(cls)

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) == 2:  # (dict, slots)
            state = {**(state[0] or {}), **(state[1] or {})}
        if not isinstance(state, dict):
            raise Unreadable(f"{type(self).__name__}: unexpected state")
        self.__dict__.update(state)


_stubs: dict[tuple[str, str], type] = {}


def _stub(module: str, name: str) -> type:
    if (module, name) not in _stubs:
        _stubs[module, name] = type(name, (Stub,), {"pickled_as": f"{module}.{name}"})
    return _stubs[module, name]


def _cython_state(cls: type, checksum: int, state: Any) -> Stub:
    """What a ``__pyx_unpickle_<Class>`` function gives back: the class's stub, state kept raw."""
    stub = cls.__new__(cls)
    stub.__dict__["cython_state"] = state
    return stub


class _Ignored:
    """A random number generator the boosting kept from training: not needed to predict."""

    def __init__(self, *args: object) -> None:
        pass

    def __setstate__(self, state: object) -> None:
        pass


class _ArrayWrapper:
    """joblib's ``NumpyArrayWrapper``: dtype, shape and order of the array bytes that follow it."""

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


_MULTIARRAY = ("numpy._core.multiarray", "numpy.core.multiarray")  # numpy 2, numpy 1
_NUMPY = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class _Reader(pickle._Unpickler):  # the Python unpickler: its BUILD step can be extended
    dispatch: ClassVar[dict] = dict(pickle._Unpickler.dispatch)

    def __init__(self, handle: io.BytesIO) -> None:
        super().__init__(handle)
        self.handle = handle  # array bytes are read from it directly, between pickle frames

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("joblib.numpy_pickle", "NumpyArrayWrapper"):
            return _ArrayWrapper
        if (module, name) in _NUMPY:
            return _NUMPY[module, name]
        if module in _MULTIARRAY and name in ("_reconstruct", "scalar"):
            return getattr(importlib.import_module(module), name)
        if module.startswith("numpy.random."):
            return _Ignored
        if module == "sklearn" or module.startswith("sklearn."):
            if name.startswith("__pyx_unpickle_"):
                return _cython_state
            return _stub(module, name)
        raise Unreadable(f"refusing to load {module}.{name}")

    def load_build(self) -> None:
        pickle._Unpickler.load_build(self)
        if isinstance(self.stack[-1], _ArrayWrapper):
            self.stack[-1] = self._array(self.stack[-1])

    dispatch[pickle.BUILD[0]] = load_build

    def _array(self, wrapper: _ArrayWrapper) -> np.ndarray:
        dtype = np.dtype(wrapper.dtype)
        if dtype.hasobject or getattr(wrapper, "subclass", np.ndarray) is not np.ndarray:
            raise Unreadable("an array of Python objects")
        handle = self.handle
        if getattr(wrapper, "numpy_array_alignment_bytes", None) is not None:
            handle.read(handle.read(1)[0])  # padding
        shape = tuple(int(n) for n in wrapper.shape)
        count = math.prod(shape)
        data = handle.read(count * dtype.itemsize)
        if len(data) != count * dtype.itemsize:
            raise Unreadable("truncated array data")
        array = np.frombuffer(data, dtype=dtype, count=count)
        array = array.reshape(shape[::-1]).T if wrapper.order == "F" else array.reshape(shape)
        if not dtype.isnative:
            array = array.astype(dtype.newbyteorder("="))
        return array


def read_joblib(data: bytes) -> Any:
    """The object in a joblib file's bytes (uncompressed or zlib), with scikit-learn objects as stubs."""
    if data[:1] == b"x":  # a zlib stream, as joblib.dump(..., compress=True) writes
        try:
            data = zlib.decompress(data)
        except zlib.error as error:
            raise Unreadable(str(error)) from None
    if data[:1] != b"\x80":
        raise Unreadable("not a pickle")
    try:
        return _Reader(io.BytesIO(data)).load()
    except Unreadable:
        raise
    except Exception as error:  # a format this reader does not follow
        raise Unreadable(f"{type(error).__name__}: {error}") from None


_DROP_EVERY = 4
"""Levels walked between dropping the walks that have reached a leaf (measured: 3-7 are close,
never dropping or dropping at every level is a third slower)."""


def _depth(roots: np.ndarray, children: np.ndarray, is_leaf: np.ndarray) -> int:
    """The number of splits on the longest path from a root to a leaf."""
    depth, level = 0, roots[~is_leaf[roots]]
    while level.size:
        level = np.stack([children[2 * level], children[2 * level + 1]]).ravel()
        level = level[~is_leaf[level]]
        depth += 1
    return depth


class Forest:
    """The trees of a binary ``HistGradientBoostingClassifier`` as flat arrays, walked together."""

    def __init__(self, boosting: Any) -> None:
        predictors = boosting._predictors
        if any(len(p) != 1 for p in predictors) or type(boosting._loss).__name__ != "HalfBinomialLoss":
            raise Unreadable("not a binary classifier")
        fields = ("feature_idx", "num_threshold", "left", "right", "is_leaf", "value", "missing_go_to_left")
        parts: dict[str, list[np.ndarray]] = {name: [] for name in fields}
        roots, offset = [], 0
        for (tree,) in predictors:
            nodes = tree.nodes
            if nodes["is_categorical"].any():
                raise Unreadable("categorical splits")
            roots.append(offset)
            for name in fields:
                parts[name].append(nodes[name])
            parts["left"][-1] = nodes["left"].astype(np.int64) + offset
            parts["right"][-1] = nodes["right"].astype(np.int64) + offset
            offset += len(nodes)
        self.is_leaf = np.concatenate(parts["is_leaf"]).astype(bool)
        leaves = np.flatnonzero(self.is_leaf)
        # a leaf is a node that leads back to itself whatever the value: feature 0, threshold +inf,
        # missing values go left; so walks that have reached their leaf can take further steps
        self.feature = np.where(self.is_leaf, 0, np.concatenate(parts["feature_idx"]).astype(np.int64))
        self.threshold = np.where(
            self.is_leaf, np.inf, np.concatenate(parts["num_threshold"]).astype(np.float64)
        )
        children = np.column_stack([np.concatenate(parts["left"]), np.concatenate(parts["right"])])
        children[leaves] = leaves[:, None]
        self.children = children.ravel()  # node * 2 + (goes right)
        self.value = np.concatenate(parts["value"]).astype(np.float64)
        missing_left = np.concatenate(parts["missing_go_to_left"]).astype(bool)
        self.missing_right = ~missing_left & ~self.is_leaf
        self.roots = np.asarray(roots, dtype=np.int64)
        self.baseline = np.asarray(boosting._baseline_prediction, dtype=np.float64).reshape(-1)
        if self.baseline.size != 1:
            raise Unreadable("not a binary classifier")
        self.n_features = int(boosting.n_features_in_)
        self.depth = _depth(self.roots, self.children, self.is_leaf)

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
        return 1.0 / (1.0 + np.exp(-self.raw(X)))
