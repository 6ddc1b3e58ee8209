"""JSON Lines documents: one JSON object per line, the page in its ``html`` or ``text`` field.

See docs/scale.md for the format. Records are read one line at a time, so a file of any size
takes the memory of its longest line.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from .reading import MAX_BYTES, Input, InputError, open_binary

CONTENT_FIELDS = ("html", "text")
"""The fields that may hold a record's page, in order of preference; the name is its input format."""


def read_jsonl(path: str, max_bytes: int = MAX_BYTES) -> Iterator[Input]:
    """The documents of the JSON Lines file ``path`` (gzipped or not; ``-`` for standard input).

    A bad record gives an ``Input`` with an error, and reading goes on; a file that cannot be
    read any further (a truncated or corrupt gzip stream) gives one error named after the file.
    """
    try:
        handle = open_binary(path)
    except InputError as error:
        yield Input(path, error=str(error))
        return
    number = 0
    try:
        with handle, _unpacked(handle, path) as lines:
            # a JSON string may escape every byte in six, but records that long are refused anyway
            limit = 2 * max_bytes + 1024
            while line := lines.readline(limit):
                number += 1
                if not line.endswith(b"\n") and len(line) == limit:
                    _skip_rest_of_line(lines, limit)
                    yield Input(f"{path}:{number}", error=_too_large(max_bytes))
                elif line.strip():
                    yield record_input(line, f"{path}:{number}", max_bytes)
    except (EOFError, OSError, zlib.error) as error:
        where = f"after line {number}" if number else "at the start"
        yield Input(path, error=f"cannot read further {where}: {_reason(error)}")


def record_input(line: bytes, locator: str, max_bytes: int = MAX_BYTES) -> Input:
    """The document in one JSON Lines record; ``locator`` (``FILE:LINE``) names it unless it has a
    ``source`` of its own."""
    try:
        record = json.loads(line)
    except ValueError as error:
        return Input(locator, error=f"not valid JSON: {error}")
    if not isinstance(record, dict):
        return Input(locator, error=f"a JSON {type(record).__name__}, not an object")
    source = record.get("source")
    source = source if isinstance(source, str) and source else locator
    url, ident = _text(record.get("url")), _text(record.get("id"))
    field = next((name for name in CONTENT_FIELDS if name in record), None)
    if field is None:
        return Input(source, url=url, id=ident, error="no html or text field")
    content = record[field]
    if not isinstance(content, str):
        return Input(source, url=url, id=ident, error=f"the {field} field is not a string")
    data = content.encode("utf-8", errors="replace")  # lone surrogates become '?'
    if len(data) > max_bytes:
        return Input(source, url=url, id=ident, error=_too_large(max_bytes))
    return Input(source, data, input_format=field, url=url, id=ident)


def _unpacked(handle: BinaryIO, path: str) -> BinaryIO:
    """``handle``, gunzipped as a stream if ``path`` ends in ``.gz`` or the content starts like gzip."""
    peek = getattr(handle, "peek", None)
    if path.lower().endswith(".gz") or (peek is not None and peek(2)[:2] == b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def _skip_rest_of_line(lines: BinaryIO, limit: int) -> None:
    while (more := lines.readline(limit)) and not more.endswith(b"\n"):
        pass


def _text(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _too_large(max_bytes: int) -> str:
    return f"document is larger than {max_bytes // (1024 * 1024)} MB"


def _reason(error: BaseException) -> str:
    if isinstance(error, EOFError):
        return "truncated gzip data"
    return f"corrupt data ({' '.join(str(error).split()) or type(error).__name__})"
