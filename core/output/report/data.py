"""What a report shows about one document, as plain JSON-ready data for the page's script."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence

from ...document import LABELS, Document
from ...labels.evaluation import WordScores
from ...labels.labelled import LabelledBlock, LabelledDocument
from ...training.labels import align, block_words, gold_words


def label_list(document: Document) -> list[str]:
    """The six built-in labels, then every other label a vote, a block or the combiner uses (sorted)."""
    seen = {vote.label for block in document.blocks for vote in block.votes}
    seen.update(block.label for block in document.blocks)
    seen.update(document.combined.labels if document.combined is not None else ())
    return [*LABELS, *sorted(seen - set(LABELS))]


def document_key(document: Document) -> str:
    """A short key naming this document and its blocks (corrections are stored under it)."""
    digest = hashlib.sha256(document.source.encode("utf-8", "surrogatepass"))
    for block in document.blocks:
        digest.update(b"\0" + block.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


def document_data(
    document: Document, html: str | None = None, gold: Sequence[LabelledBlock] | None = None
) -> dict:
    """Everything the report page needs about ``document``.

    ``html`` is the page's decoded HTML (for HTML input; exported with corrections so training
    can split it again); ``gold`` the document's labelled blocks, if any.
    """
    labels = label_list(document)
    number = {label: i for i, label in enumerate(labels)}
    gold_labels = block_gold(document, gold) if gold is not None else None
    combined = document.combined
    blocks = []
    for block in document.blocks:
        row: dict = {
            "text": block.text,
            "label": number[block.label],
            "confidence": round(block.confidence, 4),
            "votes": [[v.plugin, number[v.label], round(v.score, 4), v.reason] for v in block.votes],
        }
        if combined is not None:
            row["combined"] = [[number[label], round(score, 4)] for label, score in combined.of(block.index)]
            if block.index in combined.notes:
                row["note"] = combined.notes[block.index]
        if gold_labels is not None:
            row["gold"], row["agrees"] = gold_labels[block.index]
        blocks.append(row)
    data: dict = {
        "source": document.source,
        "key": document_key(document),
        "input_format": document.input_format,
        "title": document.meta.get("title", ""),
        "labels": labels,
        "blocks": blocks,
        "warnings": list(document.warnings),
    }
    if combined is not None:
        data["combiner"] = {"method": combined.method, "threshold": combined.threshold}
    if html is not None:
        data["html"] = html
    if gold is not None:
        scores = WordScores()
        scores.add(document, gold)
        data["scores"] = {"rows": scores.rows(), "macro_f1": scores.macro_f1()}
    return data


def block_gold(document: Document, gold: Sequence[LabelledBlock]) -> list[tuple[str | None, bool]]:
    """For each block: the gold label of most of its words (None if none aligned), and whether
    the block's label is accepted for most of its aligned words (the per-word rule of
    WordScores, summed per block)."""
    page_words, owners = block_words([block.text for block in document.blocks])
    g_words, g_labels, g_accepts = gold_words(gold)
    labels: list[Counter] = [Counter() for _ in document.blocks]
    right = [0] * len(document.blocks)
    if page_words and g_words:
        for i, target in enumerate(align(page_words, g_words)):
            if target >= 0:
                owner = int(owners[i])
                labels[owner][g_labels[target]] += 1
                right[owner] += document.blocks[owner].label in g_accepts[target]
    out = []
    for counted, n_right in zip(labels, right, strict=True):
        aligned = sum(counted.values())
        out.append((counted.most_common(1)[0][0] if aligned else None, 2 * n_right >= aligned))
    return out


def label_words(document: Document) -> Counter:
    """Words per label."""
    counts: Counter = Counter()
    for block in document.blocks:
        counts[block.label] += block.words
    return counts


def match_gold(
    gold: Iterable[LabelledDocument], sources: Sequence[str]
) -> tuple[dict[str, list[LabelledBlock]], list[str]]:
    """Gold blocks per source, matched by the gold document's ``source`` (or ``doc_id``), or by
    position when there is one gold document and one source; and the names of the gold
    documents that match no source."""
    documents = list(gold)
    wanted = set(sources)
    matched: dict[str, list[LabelledBlock]] = {}
    unmatched: list[str] = []
    for n, doc in enumerate(documents):
        names = [doc.source] if doc.source else []
        hit = next((name for name in names if name in wanted), None)
        if hit is None and len(documents) == 1 and len(sources) == 1:
            hit = sources[0]
        if hit is None:
            unmatched.append(names[0] if names else f"document {n + 1}")
        else:
            matched.setdefault(hit, doc.blocks)
    return matched, unmatched
