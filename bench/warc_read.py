"""CPU time to read the documents out of a WARC file: FastWARC (what pageparts uses) against warcio.

    python bench/warc_read.py [--records 3000] [--kb 60]

Writes a gzipped WARC file of N ``response`` records (synthetic HTML bodies of about KB kB, each
after a ``request`` record) and times, in CPU seconds (``time.process_time``), reading every
response's URI, record id, offset, content type and body: with ``pageparts.input.warc`` (FastWARC),
with FastWARC's iterator alone, and with warcio if it is installed (``pip install warcio``).
"""

from __future__ import annotations

import argparse
import gzip
import io
import tempfile
import time
from pathlib import Path


def write(path: Path, records: int, kb: int) -> None:
    from fastwarc.warc import WarcRecord, WarcRecordType

    sentence = "The council met at dawn to discuss the flood barrier on Mill Street. "
    with path.open("wb") as out:
        for i in range(records):
            text = sentence * (kb * 1024 // len(sentence))
            body = f"<html><body><h1>Story {i}</h1><p>{text}</p></body></html>"
            for kind, block in (
                (WarcRecordType.request, b"GET / HTTP/1.1\r\n\r\n"),
                (
                    WarcRecordType.response,
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body.encode(),
                ),
            ):
                record = WarcRecord()
                record.init_headers(kind)
                record.headers["WARC-Target-URI"] = f"https://example.org/{i}"
                record.set_bytes_content(block)
                record.is_http = True
                buffer = io.BytesIO()
                record.write(buffer)
                out.write(gzip.compress(buffer.getvalue()))


def with_pageparts(path: Path) -> int:
    from pageparts.input.warc import read_warc

    return sum(len(item.content or b"") > 0 for item in read_warc(str(path)))


def with_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    count = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle, record_types=WarcRecordType.response, parse_http=True):
            _ = (record.headers.get("WARC-Target-URI"), record.record_id, record.stream_pos)
            count += record.http_content_type == "text/html" and len(record.reader.read()) > 0
    return count


def with_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            if record.rec_type != "response":
                continue
            content_type = record.http_headers.get_header("Content-Type")
            _ = (
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("WARC-Record-ID"),
            )
            count += content_type == "text/html" and len(record.content_stream().read()) > 0
            _ = records.get_record_offset()  # after the body: it reads to the record's end
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--kb", type=int, default=60, help="size of each HTML body in kB")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "crawl.warc.gz"
        write(path, args.records, args.kb)
        print(
            f"{args.records:,} responses of about {args.kb} kB, {path.stat().st_size / 1e6:.1f} MB gzipped\n"
        )
        print("| reader | CPU ms/record |")
        print("|---|---:|")
        for name, read in (
            ("pageparts.input.warc (FastWARC)", with_pageparts),
            ("FastWARC iterator alone", with_fastwarc),
            ("warcio", with_warcio),
        ):
            try:
                started = time.process_time()
                count = read(path)
                seconds = time.process_time() - started
            except ImportError:
                print(f"| {name} | not installed |")
                continue
            assert count == args.records, (name, count)
            print(f"| {name} | {1000 * seconds / count:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
