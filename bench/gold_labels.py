"""Per-label word precision, recall and F1 of pageparts on the hand-labelled gold pages.

    /work/venv/bin/python bench/gold_labels.py [DATA_DIR] [--all]

Scoring of docs/labels.md: every gold word carries its block's accept set, every word of a
pageparts block carries that block's label, words are aligned by order, and a word is right
when its predicted label is in its accept set. Precision of a label: right words among those
predicted with it; recall: right words among those whose gold label it is. Macro F1 over the
six labels. By default only gold pages of held-out domains; ``--all`` scores every gold page
(most were used in training). Rows for HTML input and for plain-text input (gold block texts
joined by a blank line).
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from pageparts.combine import CombineOptions
from pageparts.config import COMBINERS
from pageparts.evaluation import WordScores, format_table, plain_text
from pageparts.runner import Options, Runner
from pageparts.training.labels import is_held_out

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--combiner", choices=COMBINERS, default="mean", help="how votes are combined")
    parser.add_argument("--all", action="store_true", help="all gold pages, not only held-out domains")
    args = parser.parse_args(argv)
    data = Path(args.data_dir)
    files = json.loads((data / "wcxb-dev" / "metadata.json").read_text())["files"]
    docs = [
        json.loads(line) for line in (data / "gold" / "wcxb-dev.gold.jsonl").read_text().splitlines() if line
    ]
    docs = [d for d in docs if args.all or is_held_out(files[d["source"].rsplit("/", 1)[-1]]["domain"])]
    scope = "ALL gold pages (most were training pages)" if args.all else "held-out domains only"
    print(f"pageparts six-label word scores on {len(docs)} gold pages, {scope}")
    for input_format in ("html", "text"):
        runner = Runner(
            Options(input_format=input_format, combine=CombineOptions(learned=args.combiner == "learned"))
        )
        scores = WordScores()
        for doc in docs:
            file_id = doc["source"].rsplit("/", 1)[-1]
            if input_format == "html":
                content = gzip.decompress((data / "wcxb-dev" / "html" / f"{file_id}.html.gz").read_bytes())
            else:
                content = plain_text(doc)
            scores.add(runner.classify_bytes(content, file_id), doc["blocks"])
        print(f"{input_format} input:")
        print(format_table(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
