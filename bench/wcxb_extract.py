"""Body-only extraction word F1 of pageparts on the WCXB development pages.

    python bench/wcxb_extract.py [DATA_DIR] [--all] [--limit N] [--text] [--models DIR]

Extracts the text of the blocks labelled ``body`` (headline excluded) and scores it against
``main_content`` with the benchmark's metric (bag of lower-cased ``\\w+`` words, F1 averaged over
documents). By default only the held-out domains are scored (pages no model saw); ``--all`` scores
all 1,358 pages, most of which the models were trained on. ``--text`` classifies the plain-text
rendering of each page (its HTML block texts joined by a blank line) instead of the HTML.
``--models DIR`` uses the models in DIR (made by ``pageparts train``) instead of the shipped ones.
The scorer is ``pageparts.labels.extraction_scores`` (also used by ``pageparts evaluate`` on a WCXB
directory).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pageparts.host.runner import Runner
from pageparts.labels.extraction_scores import ExtractionScores, format_extraction
from pageparts.settings import COMBINERS, Overrides, resolve_options
from pageparts.splitters.html import split_html
from pageparts.training.wcxb import load_wcxb

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--combiner", choices=COMBINERS, default="learned", help="how votes are combined")
    parser.add_argument("--all", action="store_true", help="all pages, not only held-out domains")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    parser.add_argument("--text", action="store_true", help="classify the plain-text renderings")
    parser.add_argument("--models", type=Path, help="a model directory made by pageparts train")
    args = parser.parse_args(argv)
    pages = [p for p in load_wcxb(Path(args.data_dir) / "wcxb-dev") if args.all or p.held_out]
    if args.limit:
        pages = pages[: args.limit]
    chosen = Overrides(
        input_format="text" if args.text else "html", combiner=args.combiner, models=args.models
    )
    runner = Runner(resolve_options(overrides=chosen))
    scores = ExtractionScores()
    elapsed = 0.0
    for page in pages:
        content = page.html()
        if args.text:
            content = "\n\n".join(b.text for b in split_html(content)[0]).encode("utf-8")
        started = time.perf_counter()
        document = runner.classify_bytes(content, page.file_id)
        elapsed += time.perf_counter() - started
        scores.add(page.page_type, document.text(("body",)), page.truth.get("main_content", ""))
    scope = (
        "ALL pages (the models were trained on about 80% of them)" if args.all else "held-out domains only"
    )
    where = f", models from {args.models}" if args.models else ""
    print(f"pageparts body-only extraction, {'plain-text' if args.text else 'HTML'} input, {scope}{where}")
    print(format_extraction(scores))
    if pages:
        print(f"speed: {len(pages) / elapsed:.1f} documents/second (classify only, one process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
