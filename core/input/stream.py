"""The stream of inputs: paths, directories (recursively), JSON Lines and WARC files, one
``Input`` at a time, so memory does not grow with the number of documents."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from .jsonl import read_jsonl
from .reading import MAX_BYTES, STDIN, Input, ReadStats
from .warc import read_warc

INPUT_KINDS = ("auto", "file", "jsonl", "warc")
"""How a path is read: ``file`` is one document; ``jsonl`` and ``warc`` hold many; ``auto`` goes by
the file name (``.jsonl``, ``.jsonl.gz``, ``.warc``, ``.warc.gz``; anything else is a ``file``)."""


def input_kind(path: str) -> str:
    """The kind of input ``path`` is, by its name."""
    name = path.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    return "file"


def iter_inputs(
    paths: Iterable[str], kind: str = "auto", max_bytes: int = MAX_BYTES, stats: ReadStats | None = None
) -> Iterator[Input]:
    """Every document in ``paths`` (directories recursively), in order, one at a time.

    ``kind`` forces how each file is read (``auto``: by its name, see ``INPUT_KINDS``).
    """
    stats = stats if stats is not None else ReadStats()
    for path in iter_sources(paths):
        chosen = input_kind(path) if kind == "auto" else kind
        if chosen == "jsonl":
            yield from read_jsonl(path, max_bytes)
        elif chosen == "warc":
            yield from read_warc(path, max_bytes, stats)
        else:
            yield Input(path)


def iter_sources(paths: list[str]) -> Iterator[str]:
    """Expand the command line's paths: files as given, directories recursively (sorted)."""
    for path in paths:
        if path != STDIN and "://" not in path and os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield path
