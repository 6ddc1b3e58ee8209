"""Body-only extraction word F1 of pageparts on the WCXB development pages.

    /work/venv/bin/python bench/wcxb_extract.py [DATA_DIR] [--all] [--limit N] [--text]

Extracts the text of the blocks labelled ``body`` (headline excluded) and scores it against
``main_content`` with the benchmark's metric (bag of lower-cased ``\\w+`` words, F1 averaged over
documents). By default only the held-out domains are scored (pages no model saw); ``--all`` scores
all 1,358 pages, most of which the models were trained on. ``--text`` classifies the plain-text
rendering of each page (its HTML block texts joined by a blank line) instead of the HTML.
"""

from __future__ import annotations

import argparse
import gzip
import time
from collections import defaultdict
from pathlib import Path

from pageparts import models
from pageparts.combine import CombineOptions
from pageparts.config import COMBINERS
from pageparts.runner import Options, Runner
from pageparts.scoring import word_prf
from pageparts.splitters.html import split_html
from pageparts.training.data import load_pages

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--combiner", choices=COMBINERS, default="mean", help="how votes are combined")
    parser.add_argument("--all", action="store_true", help="all pages, not only held-out domains")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    parser.add_argument("--text", action="store_true", help="classify the plain-text renderings")
    parser.add_argument("--models", help="read the models from this directory instead of trained/")
    args = parser.parse_args(argv)
    if args.models:
        models.model_dir = lambda: Path(args.models)
    pages = [p for p in load_pages(args.data_dir) if args.all or p.held_out]
    if args.limit:
        pages = pages[: args.limit]
    runner = Runner(
        Options(
            input_format="text" if args.text else "html",
            combine=CombineOptions(learned=args.combiner == "learned"),
        )
    )
    by_type: dict[str, list] = defaultdict(list)
    elapsed = 0.0
    for page in pages:
        content = gzip.decompress(page.html_path.read_bytes())
        if args.text:
            content = "\n\n".join(b.text for b in split_html(content)[0]).encode("utf-8")
        started = time.perf_counter()
        document = runner.classify_bytes(content, page.file_id)
        elapsed += time.perf_counter() - started
        score = word_prf(document.text(("body",)), page.truth.get("main_content", ""))
        by_type[page.page_type].append(score)
        by_type["overall"].append(score)
    scope = (
        "ALL pages (the models were trained on about 80% of them)" if args.all else "held-out domains only"
    )
    print(f"pageparts body-only extraction, {'plain-text' if args.text else 'HTML'} input, {scope}")
    print(f"{'page type':<14} {'pages':>6} {'precision':>10} {'recall':>8} {'F1':>7}")
    for name in [*sorted(k for k in by_type if k != "overall"), "overall"]:
        rows = by_type[name]
        mean = [sum(getattr(r, f) for r in rows) / len(rows) for f in ("precision", "recall", "f1")]
        print(f"{name:<14} {len(rows):>6} {mean[0]:>10.3f} {mean[1]:>8.3f} {mean[2]:>7.3f}")
    if pages:
        print(f"speed: {len(pages) / elapsed:.1f} documents/second (classify only, one process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
