"""Scoring pageparts (``pageparts evaluate``): labelled blocks per word, as docs/labels.md defines
it, overall and per page type (``score_labelled``), and body extraction on pages with a ground
truth (``score_extraction``).

Every word of a labelled (gold) document carries its block's accepted labels; every word of a
classified block carries that block's label; the two word sequences are aligned by order, and a
word is right when its predicted label is one its gold block accepts. Precision of a label: right
words among those predicted with it; recall: right words among those whose gold label it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..document import LABELS, Document
from ..output.wording import counted
from ..training.labels import align, block_words, gold_words
from .extraction_scores import ExtractionScores
from .labelled import LabelledBlock, LabelledDocument

if TYPE_CHECKING:
    from ..host.runner import Runner
    from ..training.wcxb import Page


@dataclass
class WordScores:
    """Word counts per label, added up over documents."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    confusion: Counter = field(default_factory=Counter)
    """(gold label, predicted label or None for an unaligned word) -> words."""

    def add(self, document: Document, gold_blocks: Sequence[LabelledBlock]) -> None:
        """Count the words of one classified ``document`` against its ``gold_blocks``."""
        g_words, g_labels, g_accepts = gold_words(gold_blocks)
        s_words, owners = block_words([block.text for block in document.blocks])
        s_labels = [document.blocks[owner].label for owner in owners.tolist()]
        predicted_for_gold: list[str | None] = [None] * len(g_words)
        for i, target in enumerate(align(s_words, g_words)):
            if target >= 0:
                predicted_for_gold[target] = s_labels[i]
            else:
                self.counts[s_labels[i]]["predicted"] += 1
        for label, accept, predicted in zip(g_labels, g_accepts, predicted_for_gold, strict=True):
            right = predicted is not None and predicted in accept
            self.counts[label]["gold"] += 1
            self.counts[label]["recalled"] += right
            self.confusion[label, predicted] += 1
            if predicted is not None:
                self.counts[predicted]["predicted"] += 1
                self.counts[predicted]["precise"] += right

    def rows(self) -> list[dict]:
        """Per label: precision, recall, F1 and gold words (the six labels, then any others).

        A label that has gold words but was given to none has precision 1: no word was wrongly
        given it (its gold words may all be right, given a label their blocks also accept). Likewise a
        label given to words but with no gold words has recall 1: no gold word of it was missed
        (the words given it may all be right, where their blocks accept it)."""
        extra = sorted(set(self.counts) - set(LABELS))
        out = []
        for label in (*LABELS, *extra):
            c = self.counts[label]
            p = c["precise"] / c["predicted"] if c["predicted"] else float(c["gold"] > 0)
            r = c["recalled"] / c["gold"] if c["gold"] else float(c["predicted"] > 0)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            out.append({"label": label, "precision": p, "recall": r, "f1": f1, "words": c["gold"]})
        return out

    def macro_f1(self) -> float:
        """The mean F1 over the six built-in labels."""
        return sum(row["f1"] for row in self.rows()[: len(LABELS)]) / len(LABELS)


def format_confusion(scores: WordScores) -> str:
    """Gold words (rows, by gold label) against the label they were given (columns)."""
    predicted = [*LABELS, *sorted({p for _, p in scores.confusion if p is not None and p not in LABELS})]
    short = [label[:8] for label in predicted]
    lines = ["  " + "gold / given".ljust(16) + "".join(f"{name:>10}" for name in (*short, "unaligned"))]
    for gold in sorted({g for g, _ in scores.confusion}, key=_label_order):
        cells = [scores.confusion[gold, label] for label in (*predicted, None)]
        lines.append(f"  {gold:<16}" + "".join(f"{n:>10}" for n in cells))
    return "\n".join(lines)


def _label_order(label: str) -> tuple[int, str]:
    return (LABELS.index(label), "") if label in LABELS else (len(LABELS), label)


def format_table(scores: WordScores) -> str:
    """A plain-text table of the per-label scores and the macro F1."""
    lines = [f"  {'label':<14} {'precision':>9} {'recall':>7} {'F1':>7} {'words':>8}"]
    for row in scores.rows():
        p, r, f1 = row["precision"], row["recall"], row["f1"]
        lines.append(f"  {row['label']:<14} {p:>9.3f} {r:>7.3f} {f1:>7.3f} {row['words']:>8}")
    lines.append(f"  macro F1 over six labels: {scores.macro_f1():.3f}")
    return "\n".join(lines)


@dataclass
class LabelledScores:
    """The word scores of labelled documents, overall and per page type."""

    scores: WordScores
    by_type: dict[str, WordScores]
    documents: int
    skipped: int
    """Lines of the labelled files left out (malformed)."""
    inputs: list[str]
    """The documents' input formats (``html``, ``text``)."""
    type_counts: dict[str, int]

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "skipped": self.skipped,
            "inputs": self.inputs,
            "labels": self.scores.rows(),
            "macro_f1": self.scores.macro_f1(),
            "confusion": [
                {"gold": gold, "predicted": given, "words": n}
                for (gold, given), n in self.scores.confusion.items()
            ],
            "page_types": {
                name: {"documents": self.type_counts[name], "labels": s.rows(), "macro_f1": s.macro_f1()}
                for name, s in sorted(self.by_type.items())
            },
        }

    def table(self) -> str:
        inputs = " and ".join(self.inputs)
        lines = [
            f"{counted(self.documents, 'document')} ({counted(self.skipped, 'line')} skipped), "
            f"{inputs} input, per-word scores:",
            format_table(self.scores),
            "\nwords by gold label (rows) and predicted label (columns):",
            format_confusion(self.scores),
        ]
        for name, scores in sorted(self.by_type.items()):
            documents = counted(self.type_counts[name], "document")
            lines += [f"\npage type {name} ({documents}):", format_table(scores)]
        return "\n".join(lines)


def score_labelled(
    documents: Sequence[LabelledDocument], runners: Mapping[str, Runner], skipped: int = 0
) -> LabelledScores:
    """Classify every labelled document and score it per word against its labels.

    ``runners`` has a runner for ``html`` and one for ``text``: an HTML document is classified
    from its HTML, a plain-text one in its plain-text form (its block texts joined by a blank line).
    """
    scores = WordScores()
    by_type: dict[str, WordScores] = defaultdict(WordScores)
    for document in documents:
        kind = "html" if document.input_format == "html" else "text"
        classified = runners[kind].classify_bytes(document.content(), document.source)
        scores.add(classified, document.blocks)
        if document.page_type:
            by_type[document.page_type].add(classified, document.blocks)
    return LabelledScores(
        scores,
        dict(by_type),
        len(documents),
        skipped,
        sorted({d.input_format for d in documents}),
        dict(Counter(d.page_type for d in documents if d.page_type)),
    )


def score_extraction(
    pages: Iterable[Page], runner: Runner, tell: Callable[[str], None] = lambda message: None
) -> ExtractionScores:
    """The body word F1 of every page against its ground truth's main content, by page type; a
    page that cannot be classified is told (``tell``) and not scored."""
    scores = ExtractionScores()
    for page in pages:
        try:
            document = runner.classify_bytes(page.html(), str(page.html_path))
        except (ValueError, OSError) as error:  # InputError is a ValueError; the others go on
            tell(f"{page.html_path}: {error} (not scored)")
            continue
        scores.add(page.page_type, document.text(("body",)), str(page.truth.get("main_content") or ""))
    return scores
