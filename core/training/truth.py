"""Labelled blocks from pages with a ground truth of their main content (``pageparts label-from-truth``).

``body`` and ``headline`` come from the ground truth: a block is body when at least half of its
words align, in order, with the main content (its weight is that share) and it is not one of the
``without`` boilerplate snippets; the headline is the block that best matches the title, and a
block just below it that a rule takes for a headline is its dek (headline too). The other
blocks are not main content, and the rule plugins' votes say what they are: the strongest rule
vote for a label other than body and headline, if it reaches ``EVIDENCE``, gives the label, with
the vote's score as the weight. A block no rule claims is labelled ``other`` with weight ``UNSURE``
and accepts every non-content label: training then uses it as a negative for body and headline
and leaves it out of the other labels' models. docs/training.md gives the measured quality of these labels.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..document import RULE, Block, Vote
from ..facts import HtmlFacts
from ..host.runner import Runner
from ..input.charsets import decode_html
from ..labels.labelled import LabelledBlock, LabelledDocument
from .labels import body_share, headline_block, snippet_blocks, transfer
from .wcxb import Page

CONTENT = ("body", "headline")
EVIDENCE = 0.5
"""The least rule score taken as evidence for a non-content label."""
SPECIFIC = frozenset({"fundraising", "related-links"})
"""On a tie, these labels win over navigation: their rules fire on narrower evidence."""
UNSURE = 0.5
"""The weight of a block no rule claims: surely not content, but ``other`` is only a guess."""
DEK_REACH = 2
"""A block this close below the headline that a rule votes headline for is its dek (standfirst)."""


def truth_blocks(
    page_blocks: Sequence[Block],
    votes: Sequence[Vote],
    truth: dict,
    labels: Collection[str],
    rules: bool = True,
) -> list[LabelledBlock]:
    """The labelled blocks of a page's blocks from its ground ``truth`` (``main_content``,
    ``title``, ``without``) and the rules' ``votes`` (model votes among them are not read);
    ``labels`` are every known label. Without ``rules``, every block outside the content is left
    as an unclaimed one."""
    texts = [b.text for b in page_blocks]
    share = body_share(texts, str(truth.get("main_content") or ""))
    boilerplate = snippet_blocks(texts, truth.get("without") or ())
    headline = headline_block(texts, str(truth.get("title") or ""))
    strongest: dict[int, tuple[float, str]] = {}
    dek: dict[int, float] = {}
    for vote in votes:
        if vote.source != RULE:
            continue
        if vote.label not in CONTENT and (vote.score, vote.label in SPECIFIC) > _rank(
            strongest.get(vote.block)
        ):
            strongest[vote.block] = (vote.score, vote.label)
        elif vote.label == "headline" and headline is not None and 0 < vote.block - headline <= DEK_REACH:
            dek[vote.block] = max(vote.score, dek.get(vote.block, 0.0))
    non_content = frozenset(labels) - set(CONTENT)
    blocks = []
    for i, text in enumerate(texts):
        score, label = strongest.get(i, (0.0, ""))
        if i == headline:
            blocks.append(LabelledBlock(text, "headline"))
        elif dek.get(i, 0.0) >= EVIDENCE:
            blocks.append(LabelledBlock(text, "headline", weight=round(dek[i], 4)))
        elif share[i] >= 0.5 and not boilerplate[i]:
            blocks.append(LabelledBlock(text, "body", weight=round(float(share[i]), 4)))
        elif rules and score >= EVIDENCE:
            if label == "navigation" and _teaser_title(page_blocks[i]):
                label = "related-links"
            blocks.append(LabelledBlock(text, label, weight=round(score, 4)))
        else:
            blocks.append(LabelledBlock(text, "other", non_content, UNSURE))
    return blocks


def _rank(found: tuple[float, str] | None) -> tuple[float, bool]:
    return (found[0], found[1] in SPECIFIC) if found else (0.0, False)


def _teaser_title(block: Block) -> bool:
    """A link of five words or more: the title of another story, not a menu item."""
    return HtmlFacts.of(block.features).link_density >= 0.8 and len(block.text.split()) >= 5


def label_page(
    page: Page,
    runner: Runner,
    labels: Collection[str],
    gold: Sequence[LabelledBlock] | None = None,
    rules: bool = True,
) -> LabelledDocument:
    """One page as a labelled HTML document: from its ground truth and the rules' votes (see
    ``truth_blocks``), or, when ``gold`` (hand-labelled blocks of the same page) is given, from those.
    Only the rules' votes are read: a rule-only ``runner`` (``Runner(models=None)``) is fastest."""
    html = decode_html(page.html())[0]
    document = runner.classify_bytes(html.encode("utf-8"), str(page.html_path))
    texts = [b.text for b in document.blocks]
    if gold is not None:
        blocks = [
            LabelledBlock(text, g.label, g.accept, g.weight)
            if g
            else LabelledBlock(text, "other", weight=0.0)
            for text, g in zip(texts, transfer(texts, gold), strict=True)
        ]
    else:
        votes = [vote for block in document.blocks for vote in block.votes]
        blocks = truth_blocks(document.blocks, votes, page.truth, labels, rules)
    return LabelledDocument(
        blocks,
        source=str(page.html_path),
        input_format="html",
        html=html,
        page_type=page.page_type,
        domain=page.domain,
    )
