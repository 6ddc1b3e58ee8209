"""Reading the joblib model files of pageparts 0.1 (before its own model format) without running them.

``pageparts convert-models`` turns such files into model files (``pageparts.scoring.model_format``) with
this reader and ``pageparts.training.export``. A joblib file is a (zlib compressed) pickle in which
each numpy array's bytes follow its ``NumpyArrayWrapper``. The reader builds numpy arrays and
dtypes and, for every scikit-learn class, an inert ``Stub`` that only keeps the pickled
attributes; it calls nothing else, so it never runs code from the file, and it needs neither
scikit-learn nor joblib. Anything it does not know makes it raise ``Unreadable``.
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
    """A file this reader does not understand."""


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
