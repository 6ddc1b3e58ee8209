"""The data model: a document, its blocks, and the votes cast on them."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

LABELS: tuple[str, ...] = ("navigation", "fundraising", "headline", "body", "related-links", "other")
"""The six built-in labels (see docs/labels.md); plugins may add their own."""

FALLBACK_LABEL = "other"

RULE = "rule"
MODEL = "model"
SOURCES = (RULE, MODEL)
"""Where a vote comes from (``Vote.source``): a plugin's rules, or a trained model's probability."""


@dataclass(frozen=True)
class Vote:
    """One plugin's opinion about one block.

    ``score`` is in [0, 1]: how strongly the plugin believes the block has ``label``.
    ``reason`` is a short human-readable explanation ("12 of 14 words are links").
    ``source`` says what cast it: ``"rule"`` (the default) or ``"model"``, a trained model's
    probability of the label (the votes the runner casts with a plugin's model, or a plugin's own
    model). The learned combiner reads the two kinds apart. It is not part of the JSON output.
    """

    plugin: str
    block: int
    label: str
    score: float
    reason: str = ""
    source: str = RULE

    @classmethod
    def _trusted(
        cls, plugin: str, block: int, label: str, score: float, reason: str = "", source: str = RULE
    ) -> Vote:
        """``Vote(plugin, block, label, score, reason, source)``, made as fast as a vote can be: the
        frozen dataclass's ``__init__`` sets each field with its own ``object.__setattr__`` call and
        takes about three times as long. For helpers that cast a vote per block (``rules.vote``)."""
        vote = object.__new__(cls)
        fields = vote.__dict__  # the new instance's own (empty) dictionary, filled in field order
        fields["plugin"] = plugin
        fields["block"] = block
        fields["label"] = label
        fields["score"] = score
        fields["reason"] = reason
        fields["source"] = source
        return vote

    def to_dict(self) -> dict[str, Any]:
        return {
            "plugin": self.plugin,
            "label": self.label,
            "score": round(self.score, 4),
            "reason": self.reason,
        }


@dataclass
class Block:
    """A piece of a document: a paragraph, heading, list item, menu row, caption...

    ``features`` holds the structural facts the splitter recorded, read-only: the built-in
    splitters give a ``pageparts.facts.HtmlFacts`` (tag, ancestor path, link density, heading
    level, ...) or ``TextFacts`` (lines), which are also mappings; another splitter may give a dict.
    """

    index: int
    text: str
    features: Mapping[str, Any] = field(default_factory=dict)
    label: str = FALLBACK_LABEL
    confidence: float = 0.0
    votes: list[Vote] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "votes": [vote.to_dict() for vote in self.votes],
        }


@dataclass(frozen=True)
class CombinedScores:
    """The per-label scores from which the combiner chose every block's label: the best label, if
    its score reaches ``threshold``, else ``other``.

    ``method`` is ``learned`` or ``weighted mean``; ``scores`` is a (blocks, labels) array, one
    column per label of ``labels``; ``notes`` explains blocks decided by a rule of their own
    (block index -> sentence).
    """

    method: str
    labels: tuple[str, ...]
    scores: Any
    threshold: float
    notes: dict[int, str] = field(default_factory=dict)

    def of(self, block: int) -> list[tuple[str, float]]:
        """Block ``block``'s scores by label, best first (between equal scores, in label order)."""
        row = self.scores[block].tolist() if len(self.labels) else []
        return sorted(zip(self.labels, row, strict=True), key=lambda pair: -pair[1])


@dataclass
class Document:
    """A split document: its source name, input format, blocks and page-level facts.

    ``meta`` holds page-level facts a splitter found (for HTML: ``title``, the text of
    ``<title>``; ``lang``; ``url``, the page's own canonical URL or ""). ``warnings`` lists
    problems that did not stop classification, such as a plugin whose votes were dropped;
    ``dropped`` names those plugins. ``combined`` holds the combiner's per-label scores of every
    block, once classified.
    """

    source: str
    input_format: str
    blocks: list[Block]
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    combined: CombinedScores | None = field(default=None, compare=False, repr=False)
    _computed: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_split(
        cls, source: str, input_format: str, blocks: list[Block], meta: dict[str, Any]
    ) -> Document:
        """A document from a splitter's answer; a ``warnings`` list among its page facts (a page
        the splitter had to repair) goes to ``warnings``."""
        facts = dict(meta)
        return cls(source, input_format, blocks, facts, [str(w) for w in facts.pop("warnings", ())])

    def computed(self, key: Hashable, compute: Callable[[Document], T]) -> T:
        """``compute(self)``, worked out once per document and kept for the plugins that share it
        (block features, rule facts). Blocks must not change after the first call."""
        if key not in self._computed:
            self._computed[key] = compute(self)
        return self._computed[key]

    def forget_computed(self) -> None:
        """Drop what ``computed`` kept (it is large, and needed only while classifying)."""
        self._computed.clear()

    def text(self, labels: tuple[str, ...] | None = None) -> str:
        """The text of the blocks (only those with ``labels``, if given), one blank line apart."""
        chosen = (b.text for b in self.blocks if labels is None or b.label in labels)
        return "\n\n".join(chosen)

    def title(self) -> str | None:
        """The document's title: its first ``headline`` block, else the page's ``<title>``
        (``meta``), else None."""
        first = next((b.text for b in self.blocks if b.label == "headline"), None)
        return first or str(self.meta.get("title") or "").strip() or None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "blocks": [b.to_dict() for b in self.blocks]}
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out
