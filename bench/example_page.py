"""Block accuracy of pageparts on the plain-text example page, against a careful reader's labels.

Usage: python bench/example_page.py [--shared ../shared]
Reads ../shared/examples/news-page.txt (not part of the repo) and bench/news_page_labels.json.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from pageparts.host.runner import Runner
from pageparts.settings import COMBINERS, Overrides, resolve_options

HERE = Path(__file__).parent


def expected_labels(spec: dict) -> dict[int, set[str]]:
    """Block index -> the labels taken as right."""
    accepted: dict[int, set[str]] = {}
    for row in spec["labels"]:
        first, last = row["blocks"]
        for index in range(first, last + 1):
            accepted[index] = {row["label"], *row.get("accept", [])}
    return accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--combiner", choices=COMBINERS, default="learned", help="how votes are combined")
    args = parser.parse_args()
    spec = json.loads((HERE / "news_page_labels.json").read_text())
    options = resolve_options(overrides=Overrides(input_format="text", combiner=args.combiner))
    document = Runner(options).classify_source(args.shared / spec["file"])
    accepted = expected_labels(spec)
    if len(accepted) != len(document.blocks):
        raise SystemExit(f"label file covers {len(accepted)} blocks, the page has {len(document.blocks)}")
    wrong = [b for b in document.blocks if b.label not in accepted[b.index]]
    print(f"{'block':>5}  {'predicted':<14}{'expected':<28}first words")
    for block in wrong:
        expected = "/".join(sorted(accepted[block.index]))
        print(f"{block.index:>5}  {block.label:<14}{expected:<28}{block.text[:40]!r}")
    right = len(document.blocks) - len(wrong)
    print(f"\n{right} of {len(document.blocks)} blocks right ({right / len(document.blocks):.1%})")
    print("wrong by expected label:", dict(Counter(sorted(accepted[b.index])[0] for b in wrong)))


if __name__ == "__main__":
    main()
