"""Labelled documents made ready for fitting: split again, features per input kind, block labels.

An HTML document (``input_format: html``) is split again by the installed splitter; its blocks
must carry the labelled texts in order, or it is read as plain text (with a warning). Every
document gives a ``text`` example: its plain-text form (block texts joined by a blank line) split
by the text splitter, with the labels carried over block by block (or word by word where the text
splitter cuts differently). An HTML document also gives an ``html`` example.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from ..document import LABELS, Document
from ..host.runner import RULES_ONLY, Options, Runner
from ..labels.labelled import LabelledBlock, LabelledDocument
from ..scoring.combine import vote_matrix
from ..scoring.features import DocumentFeatures, compute
from .labels import transfer


@dataclass
class KindExample:
    """One document as one model kind sees it: block features and the labelled block of each."""

    features: DocumentFeatures
    blocks: list[LabelledBlock]
    rules: np.ndarray
    """(blocks, len(LABELS)): the strongest rule score per built-in label (for the learned combiner)."""

    def targets(self, label: str) -> tuple[np.ndarray, np.ndarray]:
        """0/1 per block for ``label``, and each block's training weight for it.

        The weight is the block's ``weight``; it is 0 (left out) for a block labelled otherwise
        whose ``accept`` holds ``label``, since it is then no clear negative.
        """
        y = np.fromiter((b.label == label for b in self.blocks), bool, len(self.blocks))
        unclear = np.fromiter((b.label != label and label in b.accept for b in self.blocks), bool, len(y))
        weights = np.fromiter((b.weight for b in self.blocks), float, len(y))
        return y, np.where(unclear, 0.0, weights)


@dataclass
class Example:
    """A labelled document ready for fitting."""

    source: str
    site: str
    sure: bool
    """Every block has weight 1 (hand labels): the learned combiner's six-label fit uses these."""
    kinds: dict[str, KindExample] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def is_sure(document: LabelledDocument) -> bool:
    return bool(document.blocks) and all(b.weight >= 1.0 for b in document.blocks)


class Preparer:
    """Turns labelled documents into examples with the installed splitters and rule plugins."""

    def __init__(self, runner_for: Callable[[str], Runner]) -> None:
        self.runner_for = runner_for

    def __call__(self, document: LabelledDocument) -> Example:
        sure = is_sure(document)
        example = Example(document.source, document.site, sure)
        blocks = document.blocks
        if document.input_format == "html" and document.html is not None:
            split = self._split(document.html.encode("utf-8"), "html", document.source)
            texts = [b.text for b in split.blocks]
            if len(texts) == len(blocks) and all(
                t.split() == b.text.split() for t, b in zip(texts, blocks, strict=True)
            ):
                example.kinds["html"] = self._kind(split, "html", blocks)
            else:
                example.warnings.append(
                    f"{document.source or 'a document'}: its HTML splits into other blocks than "
                    "its labelled ones; read as plain text"
                )
        plain = self._split(document.plain_text().encode("utf-8"), "text", document.source)
        carried = transfer([b.text for b in plain.blocks], blocks)
        example.kinds["text"] = self._kind(
            plain,
            "text",
            [
                LabelledBlock(b.text, c.label, c.accept, c.weight)
                if c
                else LabelledBlock(b.text, "other", weight=0.0)
                for b, c in zip(plain.blocks, carried, strict=True)
            ],
        )
        return example

    def _split(self, content: bytes, input_format: str, source: str) -> Document:
        """The document split and classified by the rules alone (its blocks carry the rules' votes)."""
        return self.runner_for(input_format).classify_bytes(content, source)

    def _kind(self, document: Document, kind: str, blocks: list[LabelledBlock]) -> KindExample:
        votes = [v for b in document.blocks for v in b.votes]
        rules = vote_matrix(len(document.blocks), votes, {})[:, len(LABELS) :]
        return KindExample(compute(document, kind), blocks, rules)


def runners(registry=None, options: Options | None = None) -> Callable[[str], Runner]:
    """A function giving one rules-only runner (no models) per input format, made once, sharing
    ``registry``, with ``options`` (the defaults if not given) for that input format."""
    made: dict[str, Runner] = {}

    def runner_for(input_format: str) -> Runner:
        if input_format not in made:
            chosen = replace(options or Options(), input_format=input_format)
            made[input_format] = Runner(chosen, registry, models=RULES_ONLY)
        return made[input_format]

    return runner_for
