"""Peak memory of `pageparts classify` as the input grows: a directory, a JSON Lines file, a WARC file.

    python bench/memory.py [--sizes 1000,20000] [--jobs 1] [--work DIR]

For each size N it writes N small synthetic news pages (generated here, a few kB of HTML each)
three ways: a directory of N ``.html`` files, one ``.jsonl`` file of N records, and one
``.warc.gz`` file of N ``response`` records (each after a ``request`` record, which is skipped).
Each is classified by ``pageparts classify INPUT -f jsonl --jobs J`` (output to /dev/null) in a
subprocess of a fresh measuring process, whose ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is then
the peak resident memory of the largest process of that run (the CLI or one of its workers).
Streaming holds if the peak does not grow with N.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "river",
    "council",
    "barrier",
    "flood",
    "street",
    "town",
    "vote",
    "budget",
    "spring",
    "winter",
    "road",
    "school",
    "market",
    "bridge",
    "residents",
    "engineers",
    "mayor",
    "plan",
    "report",
    "water",
    "storm",
    "repair",
    "summer",
    "harbour",
    "library",
    "park",
    "train",
)


def page(i: int) -> str:
    """A small synthetic news page: menu, headline, paragraphs, an appeal, related links, footer."""
    rng = random.Random(i)

    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    paragraphs = "".join(
        f"<p>{' '.join(sentence(rng.randint(8, 16)) for _ in range(3))}</p>" for _ in range(4)
    )
    related = "".join(f'<li><a href="/story/{i}-{k}">{sentence(6)}</a></li>' for k in range(3))
    return (
        f"<!DOCTYPE html><html><head><title>Story {i}</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{sentence(7)}</h1>{paragraphs}</article>"
        "<aside><p>Please donate $5 to keep our local reporting free.</p></aside>"
        f"<section><h2>Related stories</h2><ul>{related}</ul></section>"
        "<footer>© The Riverside Ledger</footer></body></html>"
    )


def write_inputs(n: int, directory: Path) -> dict[str, Path]:
    """The N pages as a directory, a JSON Lines file and a gzipped WARC file."""
    from fastwarc.warc import WarcRecord, WarcRecordType

    pages = directory / f"pages-{n}"
    pages.mkdir()
    jsonl = directory / f"pages-{n}.jsonl"
    warc = directory / f"pages-{n}.warc.gz"
    with jsonl.open("w", encoding="utf-8") as lines, warc.open("wb") as crawl:
        for i in range(n):
            html = page(i)
            url = f"https://ledger.example/story/{i}"
            (pages / f"page{i:06d}.html").write_text(html, encoding="utf-8")
            lines.write(json.dumps({"id": f"story-{i}", "url": url, "html": html}) + "\n")
            for kind, block, http in (
                (WarcRecordType.request, b"GET / HTTP/1.1\r\nHost: ledger.example\r\n\r\n", True),
                (
                    WarcRecordType.response,
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode(),
                    True,
                ),
            ):
                record = WarcRecord()
                record.init_headers(kind)
                record.headers["WARC-Target-URI"] = url
                record.set_bytes_content(block)
                record.is_http = http
                buffer = io.BytesIO()
                record.write(buffer)
                crawl.write(gzip.compress(buffer.getvalue(), compresslevel=6))
    return {"directory": pages, "JSON Lines": jsonl, "WARC": warc}


def measure(command: list[str]) -> dict:
    """Run ``command`` as this process's only child; its peak RSS, wall-clock and CPU time."""
    import resource

    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return {
        "peak_mb": usage.ru_maxrss / 1024,
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "summary": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "",
    }


def run_measured(path: Path, jobs: int) -> dict:
    """``measure`` in a fresh process, so that no earlier child's peak counts."""
    pageparts = [sys.executable, "-c", "from pageparts.cli import app; app()"]
    command = [*pageparts, "classify", str(path), "-f", "jsonl", "--jobs", str(jobs)]
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", json.dumps(command)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,20000", help="comma-separated numbers of documents")
    parser.add_argument("--jobs", type=int, default=1, help="pageparts classify --jobs")
    parser.add_argument("--work", help="where to write the inputs (default: a temporary directory)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(json.loads(args.measure))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        rows = []
        for n in sizes:
            for kind, path in write_inputs(n, Path(work)).items():
                result = run_measured(path, args.jobs)
                rows.append((kind, n, result))
                print(f"  {kind}, {n:,} documents: {result['peak_mb']:.0f} MB", file=sys.stderr)
    print(f"pageparts classify INPUT -f jsonl --jobs {args.jobs} > /dev/null; {os.cpu_count()} cores,")
    print(f"load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| input | documents | peak RSS MB | wall s | CPU s | CPU ms/doc |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, n, r in rows:
        print(
            f"| {kind} | {n:,} | {r['peak_mb']:.0f} | {r['seconds']:.0f} | {r['cpu']:.0f}"
            f" | {1000 * r['cpu'] / n:.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
