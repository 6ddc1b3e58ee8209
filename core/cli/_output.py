"""Where commands write: checked before any work starts, and a failed write is one line, exit status 2."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import _fail

STDOUT = "-"


def check_output_file(path: Path | None, inputs: Iterable[str] = ()) -> None:
    """Fail unless a file can be written at ``path`` (None or ``-``: standard output) without
    touching ``inputs`` (the command's input paths)."""
    if path is None or str(path) == STDOUT:
        return
    if path.is_dir():
        raise _fail(f"cannot write {path}: it is a directory")
    if not path.parent.is_dir():
        raise _fail(f"cannot write {path}: no such directory {path.parent}")
    for source in inputs:
        clash = _clash(source, path)
        if clash:
            raise _fail(f"cannot write {path}: {clash}")
    if not path.exists():
        _probe(path.parent, path)
    elif not os.access(path, os.W_OK):
        raise _fail(f"cannot write {path}: permission denied")


def check_output_directory(path: Path) -> None:
    """Fail unless ``path`` is a directory that files can be written into, or can be made one."""
    if path.exists() and not path.is_dir():
        raise _fail(f"cannot write {path}: it is not a directory")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise _fail(f"cannot write {path}: {existing} is not a directory")
    _probe(existing, path)


@contextmanager
def writing(path: Path | str | None) -> Iterator[None]:
    """Turn a failed write to ``path`` (None or ``-``: standard output) into one line and exit 2.
    A closed pipe (``pageparts ... | head``) is left to end the command quietly, as before."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        where = "standard output" if path is None or str(path) == STDOUT else path
        raise _fail(f"cannot write {where}: {_reason(error)}") from None


def _probe(directory: Path, path: Path) -> None:
    """Fail unless a file can be created in ``directory`` (a nameless one, gone at once)."""
    try:
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise _fail(f"cannot write {path}: {_reason(error)}") from None


def _clash(source: str, path: Path) -> str:
    """Why ``path`` must not be written with ``source`` as an input, or "" if it may."""
    if source == STDOUT or "://" in source or not os.path.exists(source):
        return ""
    if os.path.isdir(source):
        inside = Path(os.path.realpath(source)) in Path(os.path.realpath(path)).parents
        return f"it is inside the input directory {source}, so it would be read as an input" if inside else ""
    return "it is one of the inputs" if path.exists() and os.path.samefile(source, path) else ""


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()
