"""How good are the labels `pageparts label-from-truth` derives? Scored against the gold set.

    python bench/truth_labels.py [DATA_DIR] [--min-weight W]

For each of the hand-labelled gold pages (DATA_DIR/gold/wcxb-dev.gold.jsonl, pages of
DATA_DIR/wcxb-dev), the labels derived from the page's WCXB ground truth and the rules' votes
(``pageparts.training.truth``) are scored per word against the hand labels, as `pageparts
evaluate` scores predictions (docs/labels.md). Two tables: every block at its derived label; then
only the blocks training takes as sure for their label (weight >= W, default 0.7, and a single
accepted label), the others counted as ``left-out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pageparts.document import Block, Document
from pageparts.host.runner import Options, Runner
from pageparts.labels.evaluation import WordScores, format_confusion, format_table
from pageparts.labels.labelled import LabelledBlock, known_labels, load_labelled
from pageparts.training.truth import label_page
from pageparts.training.wcxb import load_wcxb

REPO = Path(__file__).resolve().parent.parent
LEFT_OUT = "left-out"


def as_document(blocks: list[LabelledBlock], source: str, min_weight: float | None) -> Document:
    def label(block: LabelledBlock) -> str:
        if min_weight is None or (block.weight >= min_weight and len(block.accept) == 1):
            return block.label
        return LEFT_OUT

    return Document(source, "html", [Block(i, b.text, label=label(b)) for i, b in enumerate(blocks)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--min-weight", type=float, default=0.7, help="the least weight of a sure block")
    args = parser.parse_args(argv)
    data = Path(args.data_dir)
    gold, _ = load_labelled([data / "gold" / "wcxb-dev.gold.jsonl"])
    pages = {p.file_id: p for p in load_wcxb(data / "wcxb-dev")}
    runner = Runner(Options(input_format="html"), models=None)  # the rules label the pages
    labels = known_labels(info.labels for info in runner.registry.plugin_infos())
    every, sure = WordScores(), WordScores()
    kept = total = 0
    for doc in gold:
        page = pages[doc.source.rsplit("/", 1)[-1]]
        derived = label_page(page, runner, labels).blocks
        every.add(as_document(derived, page.file_id, None), doc.blocks)
        sure.add(as_document(derived, page.file_id, args.min_weight), doc.blocks)
        kept += sum(
            len(b.text.split()) for b in derived if b.weight >= args.min_weight and len(b.accept) == 1
        )
        total += sum(len(b.text.split()) for b in derived)
    print(f"label-from-truth labels against the hand labels of {len(gold)} gold pages (per word)")
    print("every block at its derived label:")
    print(format_table(every))
    print(format_confusion(every))
    print(
        f"\nonly sure blocks (weight >= {args.min_weight}, one accepted label; {kept / total:.0%} of words):"
    )
    print(format_table(sure))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
