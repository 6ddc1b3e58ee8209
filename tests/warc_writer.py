"""Writing small WARC files for the tests, with FastWARC itself (each record its own gzip member)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from fastwarc.warc import WarcRecord, WarcRecordType


def response(uri: str, content_type: str, body: bytes, extra_headers: str = "") -> bytes:
    """A WARC ``response`` record holding an HTTP 200 response."""
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{extra_headers}\r\n".encode()
    return record(WarcRecordType.response, uri, head + body, http=True)


def record(kind: WarcRecordType, uri: str, block: bytes, http: bool = False) -> bytes:
    """The bytes of one WARC record of ``kind``."""
    warc = WarcRecord()
    warc.init_headers(kind)
    warc.headers["WARC-Target-URI"] = uri
    warc.set_bytes_content(block)
    warc.is_http = http
    out = io.BytesIO()
    warc.write(out)
    return out.getvalue()


def write_warc(path: Path, records: list[bytes], compress: bool = True) -> list[int]:
    """Write ``records`` to ``path``; returns each record's byte offset in the file."""
    offsets, data = [], b""
    for one in records:
        offsets.append(len(data))
        data += gzip.compress(one) if compress else one
    path.write_bytes(data)
    return offsets
