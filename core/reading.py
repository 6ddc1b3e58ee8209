"""Reading documents: paths, directories, standard input, raw bytes; gzip; size limits."""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Iterator

MAX_BYTES = 100 * 1024 * 1024
"""Documents larger than this (after decompression) are refused with an error."""

STDIN = "-"


class InputError(ValueError):
    """A document that cannot be read or split; the message is one line for the user."""


def iter_sources(paths: list[str]) -> Iterator[str]:
    """Expand the command line's paths: files as given, directories recursively (sorted)."""
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield path


def read_source(source: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """The content of a file (or of standard input for ``-``), gunzipped if needed."""
    if str(source) == STDIN:
        return unpack(sys.stdin.buffer.read(max_bytes + 1), max_bytes)
    try:
        with open(source, "rb") as handle:
            return unpack(handle.read(max_bytes + 1), max_bytes)
    except FileNotFoundError:
        raise InputError(f"no such file: {source}") from None
    except IsADirectoryError:
        raise InputError(f"is a directory: {source}") from None
    except PermissionError:
        raise InputError(f"permission denied: {source}") from None


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


def to_utf8(content: bytes) -> bytes:
    """Re-encode UTF-16 content (with a BOM) as UTF-8; other content is returned as is."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace").encode("utf-8")
    return content
