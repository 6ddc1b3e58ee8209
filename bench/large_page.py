"""Time and peak memory of `pageparts classify` on one large page, as the page grows.

    python bench/large_page.py [--sizes 1,5,20] [--work DIR] [-- EXTRA CLASSIFY OPTIONS]

For each size (in MB) it writes one HTML page of ordinary paragraphs (a title, a heading, then
paragraphs of four to six sentences of common words, about 430 bytes each, generated here) and
classifies it with ``pageparts classify PAGE -f jsonl -o OUT`` (default options, or the extra
options given after ``--``) in a subprocess of a fresh measuring process, whose
``getrusage(RUSAGE_CHILDREN)`` then gives the peak resident memory and the CPU time of that one
run. Linear growth shows as a steady CPU time per block and a steady peak per MB; the last
columns show what came out (every paragraph should be ``body``) and the warnings (a plugin
dropped for its time budget would show there).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

WORDS = (
    "river", "council", "barrier", "flood", "street", "town", "vote", "budget", "spring", "winter",
    "road", "school", "market", "bridge", "residents", "engineers", "mayor", "plan", "report",
    "water", "storm", "repair", "summer", "harbour", "library", "park", "train",
)  # fmt: skip


def paragraph(rng: random.Random) -> str:
    """Four to six sentences of eight to sixteen common words."""
    sentences = (
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
        for _ in range(rng.randint(4, 6))
    )
    return " ".join(sentences)


def page(megabytes: float, seed: int = 0) -> bytes:
    """An HTML page of about ``megabytes`` MB: a title, a heading and ordinary paragraphs."""
    rng = random.Random(seed)
    head = "<!DOCTYPE html><html><head><title>A long report</title></head><body><h1>A long report</h1>\n"
    parts, size, target = [head], len(head), int(megabytes * 1_000_000)
    while size < target:
        part = f"<p>{paragraph(rng)}</p>\n"
        parts.append(part)
        size += len(part)
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")


def run_measured(path: Path, out: Path, extra: list[str]) -> dict:
    """bench/memory.py's ``measure`` of one classify run in a fresh process (no earlier peak counts)."""
    pageparts = [sys.executable, "-c", "from pageparts.cli import app; app()"]
    command = [*pageparts, "classify", str(path), "-f", "jsonl", "-o", str(out), *extra]
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", json.dumps(command)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def outcome(out: Path) -> dict:
    """Blocks, labels and warnings of the one record in ``out``."""
    record = json.loads(out.read_text(encoding="utf-8"))
    return {
        "blocks": len(record["blocks"]),
        "labels": Counter(block["label"] for block in record["blocks"]),
        "warnings": record.get("warnings", []),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,5,20", help="comma-separated page sizes in MB")
    parser.add_argument("--work", help="where to write the pages (default: a temporary directory)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        from memory import measure  # bench/memory.py: the same measurement of a child process

        print(json.dumps(measure(json.loads(args.measure))))
        return 0
    rows = []
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        for size in [float(s) for s in args.sizes.split(",") if s.strip()]:
            path, out = Path(work) / f"page-{size:g}mb.html", Path(work) / f"page-{size:g}mb.jsonl"
            path.write_bytes(page(size))
            result = {**run_measured(path, out, extra), **outcome(out)}
            rows.append((size, result))
            print(f"  {size:g} MB: {result['cpu']:.1f} s CPU, {result['peak_mb']:.0f} MB", file=sys.stderr)
    options = " ".join(extra) or "(default options)"
    print(f"pageparts classify PAGE -f jsonl -o OUT {options}; {os.cpu_count()} cores,")
    print(f"load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| page MB | blocks | wall s | CPU s | CPU µs/block | peak RSS MB | body blocks | warnings |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for size, r in rows:
        print(
            f"| {size:g} | {r['blocks']:,} | {r['seconds']:.1f} | {r['cpu']:.1f}"
            f" | {1e6 * r['cpu'] / max(r['blocks'], 1):.0f} | {r['peak_mb']:.0f}"
            f" | {r['labels']['body']:,} | {'; '.join(r['warnings']) or 'none'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
