"""The compiled path against the pure-Python one on the WCXB development pages: same output, speed.

    python bench/compiled_path.py [DATA_DIR] [--pages 300] [--rounds 3]

Every page of an evenly spread sample of ``--pages`` pages (every k-th of the sorted list) is
classified by a runner on the compiled path and one on the pure-Python path (``Options.pure_python``),
as HTML and as plain text (the HTML splitter's block texts joined by blank lines): the labels must
be identical, and every confidence and vote score within 1e-6. Then ``--rounds`` interleaved rounds
time both paths over the same documents (CPU ms per page, classifying only, in this process).
Exits 1 when any output differs. tests/test_compiled_path.py runs the same check on generated pages.
"""

from __future__ import annotations

import argparse
import gzip
import os
import time
from pathlib import Path

from pageparts.host.runner import Runner
from pageparts.scoring import speedups
from pageparts.settings import Options

REPO = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-6


def sample(data_dir: Path, pages: int) -> list[Path]:
    paths = sorted((data_dir / "wcxb-dev" / "html").glob("*.html.gz"))
    if not paths:
        raise SystemExit(f"no pages in {data_dir / 'wcxb-dev' / 'html'}")
    step = max(1, len(paths) // pages)
    return paths[::step][:pages]


def differences(fast, pure) -> tuple[list[str], float]:
    """What differs between two classified documents, and the largest score difference."""
    problems, worst = [], 0.0
    if [b.text for b in fast.blocks] != [b.text for b in pure.blocks]:
        return [f"{fast.source}: other blocks"], 0.0
    for a, b in zip(fast.blocks, pure.blocks, strict=True):
        if a.label != b.label:
            problems.append(f"{fast.source} block {a.index}: {a.label} against {b.label}")
        if [(v.plugin, v.label, v.reason) for v in a.votes] != [
            (v.plugin, v.label, v.reason) for v in b.votes
        ]:
            problems.append(f"{fast.source} block {a.index}: other votes")
            continue
        scores = [abs(v.score - w.score) for v, w in zip(a.votes, b.votes, strict=True)]
        worst = max(worst, abs(a.confidence - b.confidence), *scores)
    return problems, worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds (0: none)")
    args = parser.parse_args(argv)
    if not speedups.compiled_available():
        raise SystemExit("the compiled extension is not built: pip install . (with a C compiler)")
    fast, pure = Runner(Options()), Runner(Options(pure_python=True))
    inputs = {"html": [], "text": []}
    for path in sample(args.data_dir, args.pages):
        content = gzip.decompress(path.read_bytes())
        inputs["html"].append((path.name, content))
        blocks = pure.split(content, "html").blocks
        inputs["text"].append((path.name, "\n\n".join(b.text for b in blocks).encode()))
    failed = False
    for kind, documents in inputs.items():
        problems, worst, blocks = [], 0.0, 0
        for name, content in documents:
            a = fast.classify_bytes(content, name, input_format=kind)
            b = pure.classify_bytes(content, name, input_format=kind)
            found, largest = differences(a, b)
            problems += found
            worst, blocks = max(worst, largest), blocks + len(a.blocks)
        failed |= bool(problems) or worst > TOLERANCE
        print(
            f"{kind}: {len(documents)} pages, {blocks:,} blocks: {len(problems)} differences, "
            f"largest confidence or score difference {worst:.3g}"
        )
        for problem in problems[:20]:
            print("  " + problem)
    if args.rounds:
        print(
            f"\nCPU ms per page, classifying only, {args.rounds} interleaved rounds "
            f"(load average {os.getloadavg()[0]:.1f} at the start)\n"
        )
        print("| input | path | rounds | mean |")
        print("|---|---|---|---:|")
        for kind, documents in inputs.items():
            times: dict[str, list[float]] = {"compiled": [], "pure Python": []}
            for i in range(args.rounds):
                order = [("compiled", fast), ("pure Python", pure)]
                for name, runner in order if i % 2 == 0 else order[::-1]:
                    started = time.process_time()
                    for source, content in documents:
                        runner.classify_bytes(content, source, input_format=kind)
                    times[name].append(1000 * (time.process_time() - started) / len(documents))
            for name, values in times.items():
                rounds = ", ".join(f"{v:.1f}" for v in values)
                print(f"| {kind} | {name} | {rounds} | {sum(values) / len(values):.1f} |")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
