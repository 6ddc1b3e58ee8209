"""WARC files (web crawls, such as Common Crawl's): each HTML or text ``response`` record is a document.

Read with FastWARC (the ``warc`` extra; docs/scale.md says why this library) one record at a
time. HTTP headers are stripped, chunked and compressed bodies decoded, and the charset of the
HTTP ``Content-Type`` travels with the content. Other records (requests, metadata, images, ...)
are skipped and counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .reading import MAX_BYTES, Input, InputError, ReadStats, open_binary, read_at_most

DOCUMENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
"""HTTP content types of the response records that are documents."""


def read_warc(path: str, max_bytes: int = MAX_BYTES, stats: ReadStats | None = None) -> Iterator[Input]:
    """The documents of the WARC file ``path`` (gzipped or not; ``-`` for standard input).

    Each is named ``PATH:OFFSET`` (the record's byte offset in the file, as crawl indexes give
    it), with the record's ``WARC-Target-URI`` as ``url`` and ``WARC-Record-ID`` as ``id``. A
    truncated or oversized record gives an ``Input`` with an error; data that cannot be parsed
    any further gives one error named after the file.
    """
    try:
        from fastwarc.warc import ArchiveIterator
    except ImportError:
        yield Input(path, error="reading WARC files needs FastWARC: pip install 'pageparts[warc]'")
        return
    stats = stats if stats is not None else ReadStats()
    try:
        handle = open_binary(path)
    except InputError as error:
        yield Input(path, error=str(error))
        return
    last = "at the start"
    try:
        with handle:
            for record in ArchiveIterator(handle, parse_http=True):
                item = _document(record, path, max_bytes)
                if item is None:
                    stats.skipped += 1
                else:
                    last = f"after offset {record.stream_pos}"
                    yield item
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as error:  # FastWARC's errors, and its panics, which are BaseExceptions
        reason = " ".join(str(error).split()) or type(error).__name__
        yield Input(path, error=f"cannot read further {last}: {reason[:300]}")


def _document(record: Any, path: str, max_bytes: int) -> Input | None:
    """The document in ``record``, or None if it holds none."""
    from fastwarc.warc import WarcRecordType

    if record.record_type != WarcRecordType.response:
        return None
    source, url, ident = (
        f"{path}:{record.stream_pos}",
        record.headers.get("WARC-Target-URI"),
        record.record_id,
    )
    if record.headers.get("Content-Length") is None:  # what a gzip member cut short leaves
        return Input(source, url=url, id=ident, error="truncated WARC record")
    content_type = (record.http_content_type or "").lower()
    if not record.is_http or content_type not in DOCUMENT_TYPES:
        return None
    try:
        body, encoded = _decoding(record)
        payload = read_at_most(body, max_bytes + 1)
    except (OSError, ValueError) as error:  # a body whose chunked or compressed encoding is broken
        return Input(source, url=url, id=ident, error=f"bad HTTP body: {' '.join(str(error).split())}")
    if len(payload) > max_bytes:
        return Input(
            source, url=url, id=ident, error=f"document is larger than {max_bytes // (1024 * 1024)} MB"
        )
    if not encoded and len(payload) < record.content_length:  # an uncompressed file cut short
        return Input(source, url=url, id=ident, error="truncated WARC record")
    input_format = "text" if content_type == "text/plain" else "html"
    return Input(source, payload, input_format, record.http_charset, url, ident)


def _decoding(record: Any) -> tuple[Any, bool]:
    """A reader of the record's HTTP body with its transfer and content encodings undone, and
    whether there were any. (Decoded here rather than by the iterator, so that a broken body
    costs only its own record.)"""
    from fastwarc.stream_io import BrotliReader, ChunkedReader, GzipReader

    headers, reader, encoded = record.http_headers, record.reader, False
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        reader, encoded = ChunkedReader(reader), True
    coding = (headers.get("Content-Encoding") or "").strip().lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        reader, encoded = GzipReader(reader, zlib=coding == "deflate"), True
    elif coding == "br":
        reader, encoded = BrotliReader(reader), True
    return reader, encoded
