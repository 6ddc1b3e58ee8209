"""Hand labels for WCXB pages, kept in the repository as text-free spec files (data/hand-labels/).

    python scripts/hand_labels.py show ID [--data DIR]     # the page's blocks, numbered, with predictions
    python scripts/hand_labels.py draft ID [--data DIR]    # a spec pre-filled from the predictions
    python scripts/hand_labels.py check SPEC... [--data DIR]
    python scripts/hand_labels.py build SPEC_DIR... --out FILE [--split validation] [--data DIR]
    python scripts/hand_labels.py agree SPEC... [--data DIR]   # per-word agreement with the gold set
    python scripts/hand_labels.py agree SPEC... --reference SPEC_DIR...   # ... or with other specs
    python scripts/hand_labels.py stats SPEC_DIR... [--data DIR]   # the corpus in numbers (docs/corpus.md)

A spec labels the blocks the pageparts HTML splitter makes of one page of the data directory:
source ``SET/ID`` is ``SET/html/ID.html.gz`` (``wcxb-dev``, ``news-pool``, ``readability-tests``;
a bare id in ``show`` and ``draft`` is a WCXB page). It
holds no page text: its header names the page, the number of blocks and a digest of their texts
(so a splitter change that moves blocks is caught), and each line gives block ranges, the label
and any other accepted labels, then an optional ``#`` note. Later lines override earlier ones;
every block must end up with a label::

    # source: wcxb-dev/0123
    # blocks: 212
    # digest: 0f3a9c2e7b1d4a55
    0-24 nav
    9,17 fund nav      # donate buttons in the menu
    25 head
    26-180 body
    101 other          # photo caption

Labels: navigation (nav), fundraising (fund), headline (head), body, related-links (rel), other.
``build`` writes the labelled-block format (docs/labelled-blocks.md) that ``pageparts
label-from-truth --gold`` takes; scripts/build_models.py does this when data/hand-labels exists.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pageparts.document import LABELS, Block, Document
from pageparts.facts import HtmlFacts
from pageparts.host.runner import Options, Runner
from pageparts.input.charsets import decode_html
from pageparts.labels.evaluation import WordScores, format_table
from pageparts.labels.labelled import LabelledBlock, LabelledDocument, load_labelled, write_labelled
from pageparts.training.labels import is_held_out

REPO = Path(__file__).resolve().parent.parent
ALIASES = {
    "nav": "navigation",
    "fund": "fundraising",
    "head": "headline",
    "rel": "related-links",
    **{label: label for label in ("navigation", "fundraising", "headline", "body", "related-links", "other")},
}
SHORT = {label: alias for alias, label in ALIASES.items() if alias != label}
HEADER = re.compile(r"#\s*(source|blocks|digest):\s*(\S+)")


class SpecError(ValueError):
    """A spec that cannot be applied; the message names the file and line."""


@dataclass
class Spec:
    """One page's hand labels: which page, how many blocks, their digest, and a label per block."""

    source: str
    blocks: int
    digest: str
    labels: list[tuple[str, frozenset[str]]]


def digest(texts: Sequence[str]) -> str:
    """A short fingerprint of the block texts (whitespace-normalised), to catch a changed split."""
    joined = "\n".join(" ".join(text.split()) for text in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def _indices(ranges: str, count: int, where: str) -> list[int]:
    found = []
    for part in ranges.split(","):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise SpecError(f"{where}: {ranges!r} is not a list of block ranges like 0-4,7")
        start, end = int(first), int(last or first)
        if start > end or end >= count:
            raise SpecError(f"{where}: range {part} is outside blocks 0-{count - 1}")
        found.extend(range(start, end + 1))
    return found


def parse_spec(text: str, name: str = "<spec>") -> Spec:
    """Read a spec; raises SpecError naming the line for anything it cannot use."""
    header: dict[str, str] = {}
    labels: list[tuple[str, frozenset[str]] | None] = []
    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}"
        if match := HEADER.match(raw.strip()):
            header[match[1]] = match[2]
            if match[1] == "blocks":
                labels = [None] * int(match[2])
            continue
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        if not labels:
            raise SpecError(f"{where}: a label line before the '# blocks:' header")
        if len(words) < 2 or any(word not in ALIASES for word in words[1:]):
            raise SpecError(
                f"{where}: expected 'RANGES LABEL [ACCEPTED...]', labels from {', '.join(sorted(ALIASES))}"
            )
        label, *accept = (ALIASES[word] for word in words[1:])
        for index in _indices(words[0], len(labels), where):
            labels[index] = (label, frozenset(accept))
    missing = [str(i) for i, value in enumerate(labels) if value is None]
    if not {"source", "blocks", "digest"} <= header.keys():
        raise SpecError(f"{name}: the header needs '# source:', '# blocks:' and '# digest:' lines")
    if missing:
        raise SpecError(f"{name}: blocks without a label: {', '.join(missing[:20])}")
    return Spec(header["source"], len(labels), header["digest"], [v for v in labels if v is not None])


def page_path(data: Path, source: str) -> Path:
    """Where a source's page is: ``SET/ID`` is ``DATA/SET/html/ID.html.gz`` (wcxb-dev, news-pool,
    readability-tests)."""
    collection, _, name = source.rpartition("/")
    return data / (collection or "wcxb-dev") / "html" / f"{name}.html.gz"


def page_site(data: Path, source: str) -> str:
    """The site a source's page belongs to, for the by-site split: WCXB's ``domain``, news-pool's
    ``site``, and for readability-tests the page name without its ``-N`` suffix."""
    collection, _, name = source.rpartition("/")
    if collection == "news-pool":
        return _manifest(data / collection / "manifest.json")[name]["site"]
    if collection == "readability-tests":
        return re.sub(r"-\d+$", "", name)
    return _manifest(data / "wcxb-dev" / "metadata.json")["files"][name]["domain"]


@cache
def _manifest(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def page_blocks(runner: Runner, data: Path, source: str, predict: bool = False) -> tuple[str, list[Block]]:
    """The page's HTML (decoded as training reads it) and its blocks, labelled by pageparts when
    ``predict`` (else by the rules alone, which is faster)."""
    path = page_path(data, source)
    if not path.exists():
        raise SpecError(f"{source}: no {path}")
    html = decode_html(gzip.decompress(path.read_bytes()))[0]
    if not predict and runner.models is not None:
        runner = Runner(runner.options, runner.registry, models=None)
    document = runner.classify_bytes(html.encode("utf-8"), str(path))
    return html, document.blocks


def apply(spec: Spec, texts: Sequence[str], name: str) -> list[LabelledBlock]:
    """The spec's labels on the page's blocks; SpecError when the split no longer matches it."""
    if len(texts) != spec.blocks or digest(texts) != spec.digest:
        raise SpecError(
            f"{name}: the page now splits into {len(texts)} blocks (digest {digest(texts)}), "
            f"not the {spec.blocks} (digest {spec.digest}) it was labelled on: relabel it"
        )
    return [
        LabelledBlock(text, label, accept) for text, (label, accept) in zip(texts, spec.labels, strict=True)
    ]


def draft(source: str, texts: Sequence[str], predicted: Sequence[str]) -> str:
    """A spec with the predicted labels as ranges, to correct by hand."""
    lines = [f"# source: {source}", f"# blocks: {len(texts)}", f"# digest: {digest(texts)}"]
    start = 0
    for index in range(1, len(predicted) + 1):
        if index == len(predicted) or predicted[index] != predicted[start]:
            span = str(start) if index - 1 == start else f"{start}-{index - 1}"
            lines.append(f"{span} {SHORT.get(predicted[start], predicted[start])}")
            start = index
    return "\n".join(lines) + "\n"


def _listing(block: Block) -> str:
    """One line per block: index, predicted label, tag/landmark, link share, text (cut at 160)."""
    facts = HtmlFacts.of(block.features)
    where = facts.tag + (f"/{facts.landmark}" if facts.landmark else "")
    links = "L" if facts.link_density >= 0.5 else " "
    label = SHORT.get(block.label, block.label)
    return f"{block.index:4d} {label:5s} {where[:14]:14s} {links} {' '.join(block.text.split())[:160]}"


def _source(page: str) -> str:
    return page if "/" in page else f"wcxb-dev/{page}"


def _spec_paths(targets: Sequence[str]) -> list[Path]:
    """The spec files named, and those in the directories named."""
    return [p for t in map(Path, targets) for p in (sorted(t.glob("*.spec")) if t.is_dir() else [t])]


def _labelled(runner: Runner, data: Path, targets: Sequence[str]) -> list[LabelledDocument]:
    """Every spec applied to its page, as labelled HTML documents."""
    documents = []
    for path in _spec_paths(targets):
        spec = parse_spec(path.read_text(encoding="utf-8"), str(path))
        html, split = page_blocks(runner, data, spec.source)
        blocks = apply(spec, [b.text for b in split], str(path))
        site = page_site(data, spec.source)
        documents.append(
            LabelledDocument(blocks, source=spec.source, input_format="html", html=html, domain=site)
        )
    return documents


def agreement(documents: Sequence[LabelledDocument], gold: Sequence[LabelledDocument]) -> WordScores:
    """The hand labels scored per word against the reference (gold) pages of the same source."""
    by_source = {d.source: d for d in gold}
    scores = WordScores()
    for document in documents:
        if document.source not in by_source:
            raise SpecError(f"{document.source}: not in the reference labels")
        blocks = [Block(i, b.text, label=b.label) for i, b in enumerate(document.blocks)]
        scores.add(Document(document.source, "html", blocks), by_source[document.source].blocks)
    return scores


COMMENT_NOTE = re.compile(r"#.*\bcomment", re.IGNORECASE)


def corpus_stats(paths: Sequence[Path], data: Path) -> str:
    """Per collection and side of the split: pages, pages with each label, pages whose notes name
    readers' comments, and blocks per label (read from the specs alone)."""
    rows: dict[tuple[str, str], Counter] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        spec = parse_spec(text, str(path))
        side = "validation" if is_held_out(page_site(data, spec.source)) else "training"
        row = rows.setdefault((spec.source.rpartition("/")[0], side), Counter())
        row["pages"] += 1
        row["comments"] += bool(COMMENT_NOTE.search(text))
        labels = Counter(label for label, _ in spec.labels)
        row.update({f"pages {SHORT.get(k, k)}": 1 for k in labels})
        row.update({f"blocks {SHORT.get(k, k)}": n for k, n in labels.items()})
    total = Counter()
    for row in rows.values():
        total.update(row)
    columns = ["pages", *(f"pages {a}" for a in ("fund", "rel", "head")), "comments"]
    columns += [f"blocks {SHORT.get(label, label)}" for label in LABELS]
    lines = ["| collection | side | " + " | ".join(columns) + " |", "|---|---|" + "---:|" * len(columns)]
    for (collection, side), row in [*sorted(rows.items()), (("all", ""), total)]:
        lines.append(f"| {collection} | {side} | " + " | ".join(str(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("show", "draft", "check", "build", "agree", "stats"))
    parser.add_argument(
        "targets", nargs="+", help="page ids (show, draft); spec files or directories (the others)"
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, help="build: the labelled-block file to write")
    parser.add_argument(
        "--reference", nargs="+", help="agree: spec files or directories to compare with, not the gold set"
    )
    parser.add_argument(
        "--split",
        choices=("training", "validation"),
        default="training",
        help="build: the pages of training-side sites (default) or of held-out sites (is_held_out)",
    )
    args = parser.parse_args(argv)
    if args.command == "build" and args.out is None:
        parser.error("build needs --out")
    runner = Runner(Options(input_format="html"))
    try:
        if args.command in ("show", "draft"):
            for page in args.targets:
                _, blocks = page_blocks(runner, args.data, _source(page), predict=True)
                if args.command == "draft":
                    print(draft(_source(page), [b.text for b in blocks], [b.label for b in blocks]), end="")
                else:
                    print("\n".join(map(_listing, blocks)))
            return 0
        if args.command == "stats":
            print(corpus_stats(_spec_paths(args.targets), args.data))
            return 0
        documents = _labelled(runner, args.data, args.targets)
        if args.command == "build":
            wanted = [d for d in documents if is_held_out(d.site) == (args.split == "validation")]
            written = write_labelled(wanted, args.out)
            left = len(documents) - written
            print(f"wrote {written} hand-labelled {args.split} pages to {args.out} ({left} left out)")
        elif args.command == "agree":
            if args.reference:
                gold = _labelled(runner, args.data, args.reference)
                against = "the specs in " + ", ".join(args.reference)
            else:
                gold, _ = load_labelled([args.data / "gold" / "wcxb-dev.gold.jsonl"])
                against = "the gold set"
            print(f"hand labels of {len(documents)} pages against {against}, per word:")
            print(format_table(agreement(documents, gold)))
        else:
            print(f"{len(documents)} specs fit their pages")
    except SpecError as error:
        print(f"hand_labels: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
