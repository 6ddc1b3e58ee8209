"""Per-label word precision, recall and F1 of pageparts on the hand-labelled gold pages.

    python bench/gold_labels.py [DATA_DIR] [--all] [--models DIR]

Scoring of docs/labels.md: every gold word carries its block's accept set, every word of a
pageparts block carries that block's label, words are aligned by order, and a word is right
when its predicted label is in its accept set. Precision of a label: right words among those
predicted with it; recall: right words among those whose gold label it is. Macro F1 over the
six labels. By default only gold pages of held-out domains; ``--all`` scores every gold page
(most were used in training). Rows for HTML input and for plain-text input (gold block texts
joined by a blank line). ``--models DIR`` uses the models in DIR (made by ``pageparts train``).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from pageparts.host.runner import Runner
from pageparts.labels.evaluation import WordScores, format_table
from pageparts.labels.labelled import load_labelled
from pageparts.scoring.models import ModelStore
from pageparts.settings import COMBINERS, Overrides, resolve_options
from pageparts.training.wcxb import load_wcxb

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--combiner", choices=COMBINERS, default="learned", help="how votes are combined")
    parser.add_argument("--all", action="store_true", help="all gold pages, not only held-out domains")
    parser.add_argument("--models", type=Path, help="a model directory made by pageparts train")
    args = parser.parse_args(argv)
    data = Path(args.data_dir)
    pages = {p.file_id: p for p in load_wcxb(data / "wcxb-dev")}
    docs, _ = load_labelled([data / "gold" / "wcxb-dev.gold.jsonl"])
    docs = [d for d in docs if args.all or pages[d.source.rsplit("/", 1)[-1]].held_out]
    scope = "ALL gold pages (most were training pages)" if args.all else "held-out domains only"
    where = f", models from {args.models}" if args.models else ""
    print(f"pageparts six-label word scores on {len(docs)} gold pages, {scope}{where}")
    options = resolve_options(overrides=Overrides(combiner=args.combiner, models=args.models))
    store = ModelStore.of(options.models)  # one store for both runners: each model is loaded once
    for input_format in ("html", "text"):
        runner = Runner(replace(options, input_format=input_format), models=store)
        scores = WordScores()
        for doc in docs:
            page = pages[doc.source.rsplit("/", 1)[-1]]
            content = page.html() if input_format == "html" else doc.plain_text().encode("utf-8")
            scores.add(runner.classify_bytes(content, page.file_id), doc.blocks)
        print(f"{input_format} input:")
        print(format_table(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
