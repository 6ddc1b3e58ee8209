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
from collections import Counter
from pathlib import Path

from pageparts.combine import CombineOptions
from pageparts.config import COMBINERS
from pageparts.document import LABELS, Document
from pageparts.runner import Options, Runner
from pageparts.training.labels import align, gold_words, is_held_out, words

REPO = Path(__file__).resolve().parent.parent


def score_document(document: Document, gold_blocks: list[dict], counts: dict[str, Counter]) -> None:
    g_words, g_labels, g_accepts = gold_words(gold_blocks)
    s_words: list[str] = []
    s_labels: list[str] = []
    for block in document.blocks:
        found = words(block.text)
        s_words.extend(found)
        s_labels.extend([block.label] * len(found))
    mapping = align(s_words, g_words)
    predicted_for_gold: list[str | None] = [None] * len(g_words)
    for i, target in enumerate(mapping):
        if target >= 0:
            predicted_for_gold[target] = s_labels[i]
        else:
            counts[s_labels[i]]["predicted"] += 1
    for label, accept, predicted in zip(g_labels, g_accepts, predicted_for_gold, strict=True):
        right = predicted is not None and predicted in accept
        counts[label]["gold"] += 1
        counts[label]["recalled"] += right
        if predicted is not None:
            counts[predicted]["predicted"] += 1
            counts[predicted]["precise"] += right


def table(counts: dict[str, Counter]) -> tuple[list[str], float]:
    lines, f1s = [], []
    for label in LABELS:
        c = counts[label]
        p = c["precise"] / c["predicted"] if c["predicted"] else 0.0
        r = c["recalled"] / c["gold"] if c["gold"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f)
        lines.append(f"  {label:<14} {p:>9.3f} {r:>7.3f} {f:>7.3f} {c['gold']:>8}")
    return lines, sum(f1s) / len(f1s)


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
        counts: dict[str, Counter] = {label: Counter() for label in LABELS}
        for doc in docs:
            file_id = doc["source"].rsplit("/", 1)[-1]
            if input_format == "html":
                content = gzip.decompress((data / "wcxb-dev" / "html" / f"{file_id}.html.gz").read_bytes())
            else:
                content = "\n\n".join(b["text"] for b in doc["blocks"]).encode("utf-8")
            score_document(runner.classify_bytes(content, file_id), doc["blocks"], counts)
        lines, macro = table(counts)
        print(f"{input_format} input:  {'label':<14} {'precision':>9} {'recall':>7} {'F1':>7} {'words':>8}")
        print("\n".join(lines))
        print(f"  macro F1 over six labels: {macro:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
