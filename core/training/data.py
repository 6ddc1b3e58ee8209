"""Reading the WCXB development pages and the gold set, and turning them into training examples."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Block, Document
from ..features import DocumentFeatures, compute
from ..splitters.html import split_html
from ..splitters.text import split_text
from .labels import align_gold, derive_labels, is_held_out

CREDIT = "WCXB (Web Content eXtraction Benchmark) by Murrough Foley, CC-BY-4.0"


@dataclass
class Page:
    """One WCXB page: where it comes from and its ground truth."""

    file_id: str
    domain: str
    page_type: str
    html_path: Path
    truth: dict
    gold_blocks: list[dict] | None = None

    @property
    def held_out(self) -> bool:
        return is_held_out(self.domain)


@dataclass
class Example:
    """A page split into blocks, with its features for both model kinds and its block labels."""

    page: Page
    texts: list[str]
    html: DocumentFeatures
    text: DocumentFeatures
    derived: list[str]
    """``body``/``headline``/``none`` per block, from the WCXB ground truth."""
    gold: list[str | None] = field(default_factory=list)
    """The gold label per block (None where no gold word aligned); empty for non-gold pages."""


def load_pages(data_dir: str | Path) -> list[Page]:
    """The WCXB pages under ``data_dir``/wcxb-dev, with gold blocks attached where labelled."""
    root = Path(data_dir)
    wcxb = root / "wcxb-dev"
    files = json.loads((wcxb / "metadata.json").read_text())["files"]
    gold: dict[str, list[dict]] = {}
    gold_path = root / "gold" / "wcxb-dev.gold.jsonl"
    if gold_path.exists():
        for line in gold_path.read_text().splitlines():
            if line.strip():
                doc = json.loads(line)
                gold[doc["source"].rsplit("/", 1)[-1]] = doc["blocks"]
    pages = []
    for file_id, meta in sorted(files.items()):
        truth = json.loads((wcxb / "ground-truth" / f"{file_id}.json").read_text())["ground_truth"]
        pages.append(
            Page(
                file_id,
                meta["domain"],
                meta["page_type"],
                wcxb / "html" / f"{file_id}.html.gz",
                truth,
                gold.get(file_id),
            )
        )
    return pages


def html_document(page: Page) -> Document:
    blocks, meta = split_html(gzip.decompress(page.html_path.read_bytes()))
    return Document(page.file_id, "html", blocks, meta)


def text_document(texts: list[str], source: str = "") -> Document:
    """The plain-text rendering of a page: its block texts joined by a blank line, split again."""
    parts = split_text("\n\n".join(texts))
    blocks = [Block(i, t, {"lines": t.count("\n") + 1}) for i, t in enumerate(parts)]
    return Document(source, "text", blocks, {})


def make_example(page: Page) -> Example:
    document = html_document(page)
    texts = [b.text for b in document.blocks]
    plain = text_document(texts, page.file_id)
    if len(plain.blocks) != len(texts):  # the HTML splitter collapses whitespace, so this is rare
        raise ValueError(f"{page.file_id}: plain-text rendering has a different block count")
    truth = page.truth
    derived = derive_labels(
        texts, truth.get("main_content", ""), truth.get("title", ""), truth.get("without") or ()
    )
    gold = align_gold(texts, page.gold_blocks) if page.gold_blocks else []
    return Example(page, texts, compute(document, "html"), compute(plain, "text"), derived, gold)
