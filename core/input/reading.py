"""Reading one document: files, standard input and URLs; gzip; size limits; what an input is.

The stream of many inputs (directories, JSON Lines and WARC files) is ``pageparts.input.stream``.
"""

from __future__ import annotations

import os
import sys
import zlib
from dataclasses import dataclass
from typing import BinaryIO

MAX_BYTES = 100 * 1024 * 1024
"""Documents larger than this (after decompression) are refused with an error."""

STDIN = "-"


class InputError(ValueError):
    """A document that cannot be read or split; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Input:
    """One document to classify: a file to read (``content`` None), or content a reader already has.

    ``source`` names the input in the output and is unique within a run: the path, ``FILE:LINE`` for a
    JSON Lines record (or the record's own ``source``), ``FILE:OFFSET`` for a WARC record.
    ``input_format`` and ``charset`` are what the input itself says (a record's ``html`` or
    ``text`` field, an HTTP ``Content-Type`` charset). ``url`` and ``id`` are written to the
    output when known. ``error`` is set when the reader could not get the document.
    """

    source: str
    content: bytes | None = None
    input_format: str | None = None
    charset: str | None = None
    url: str | None = None
    id: str | None = None
    error: str | None = None


@dataclass
class ReadStats:
    """What the readers passed over: records of a WARC file that are not documents."""

    skipped: int = 0


def as_input(source: str | os.PathLike[str] | Input) -> Input:
    """``source`` as an ``Input`` (a path or ``-`` becomes a file to read)."""
    return source if isinstance(source, Input) else Input(str(source))


def read_source(source: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """The content of a file (or of standard input for ``-``), gunzipped if needed."""
    with open_binary(str(source)) as handle:
        return unpack(read_at_most(handle, max_bytes + 1), max_bytes)


def read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``handle``, 64 KiB at a time (one ``read(limit)`` allocates all
    ``limit`` bytes first, which costs more than reading a small page)."""
    chunks, size = [], 0
    while size < limit and (chunk := handle.read(min(1 << 16, limit - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def open_binary(path: str) -> BinaryIO:
    """``path`` opened for reading bytes: standard input for ``-``, a URL through fsspec.

    Raises InputError with a one-line message when it cannot be opened.
    """
    if path == STDIN:
        return _StdinBytes()  # type: ignore[return-value]
    if "://" in path:
        try:
            import fsspec
        except ImportError:
            raise InputError(f"reading URLs needs fsspec (pip install fsspec): {path}") from None
        try:
            return fsspec.open(path, "rb").open()
        except FileNotFoundError:
            raise InputError(f"no such file: {path}") from None
        except Exception as error:  # fsspec's many back-ends raise their own errors
            raise InputError(f"cannot open {path}: {' '.join(str(error).split())}") from None
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"is a directory: {path}") from None
    except PermissionError:
        raise InputError(f"permission denied: {path}") from None


def unpack(content: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """Check the size of ``content`` and decompress it if it is gzip."""
    if content[:2] == b"\x1f\x8b":
        try:
            decompressor = zlib.decompressobj(wbits=31)
            content = decompressor.decompress(content, max_bytes + 1)
        except zlib.error as error:
            raise InputError(f"corrupt gzip data: {error}") from None
        if not decompressor.eof and len(content) <= max_bytes:
            raise InputError("truncated gzip data")
    if len(content) > max_bytes:
        raise InputError(f"document is larger than {max_bytes // (1024 * 1024)} MB")
    return content


def looks_binary(content: bytes) -> bool:
    """True for content that is clearly not text (NUL bytes, not UTF-16 with a BOM)."""
    head = content[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


class _StdinBytes:
    """Standard input's bytes, as a file object that closing leaves open and that knows how far
    it has read (``tell``), which a pipe does not."""

    def __init__(self) -> None:
        self.buffer = sys.stdin.buffer
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self.buffer.read(size)
        self.position += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.buffer.readline(size)
        self.position += len(data)
        return data

    def peek(self, size: int = 0) -> bytes:
        return self.buffer.peek(size) if hasattr(self.buffer, "peek") else b""

    def tell(self) -> int:
        return self.position

    def close(self) -> None:
        pass

    def __enter__(self) -> _StdinBytes:
        return self

    def __exit__(self, *_: object) -> None:
        pass
