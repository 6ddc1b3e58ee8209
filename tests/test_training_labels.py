"""Training labels: body by in-order alignment, headline by title, gold alignment, held-out split."""

from __future__ import annotations

from pageparts.labelled import LabelledBlock
from pageparts.training.labels import align, derive_labels, headline_block, is_held_out, transfer

BLOCKS = [
    "Home",
    "Garden tips",
    "How to grow tomatoes on a balcony",
    "Tomatoes need six hours of sun a day and a deep pot to grow well at home.",
    "Water them in the morning, never at night, and feed them every two weeks.",
    "Subscribe to our newsletter",
    "Home",
]
HELD_AMONG_FIRST_40 = [f"site{i}.example" for i in (8, 10, 11, 12, 22, 35)]
TRUTH = (
    "Tomatoes need six hours of sun a day and a deep pot to grow well at home.\n\n"
    "Water them in the morning, never at night, and feed them every two weeks."
)


def test_body_is_aligned_in_order_not_by_bag_of_words():
    labels = derive_labels(BLOCKS, TRUTH, title="How to grow tomatoes on a balcony")
    assert labels[3] == "body" and labels[4] == "body"
    assert labels[0] == "none" and labels[6] == "none"  # "home" is in the article, the menu item is not
    assert labels[1] == "none" and labels[5] == "none"
    assert labels[2] == "headline"


def test_without_snippets_are_never_body():
    texts = [*BLOCKS, "Share this article"]
    truth = TRUTH + "\n\nShare this article now please"
    assert derive_labels(texts, truth)[-1] == "body"
    assert derive_labels(texts, truth, without=["Share this article"])[-1] == "none"


def test_headline_needs_a_close_match():
    assert headline_block(BLOCKS, "How to grow tomatoes on a balcony | Garden Site") == 2
    assert headline_block(BLOCKS, "Something else entirely") is None
    assert headline_block(BLOCKS, "") is None


def test_align_keeps_order_and_drops_short_runs():
    source = ["home", "a", "b", "c", "d", "x", "home"]
    target = ["a", "b", "c", "d", "y", "home"]
    mapping = align(source, target, min_run=3)
    assert mapping.tolist() == [-1, 0, 1, 2, 3, -1, -1]
    assert align(source, target, min_run=1).tolist() == [-1, 0, 1, 2, 3, -1, 5]


def test_labels_follow_words_onto_blocks_split_another_way():
    gold = [
        LabelledBlock("Home News", "navigation"),
        LabelledBlock("Big headline here", "headline"),
        LabelledBlock("First paragraph of the story. Second sentence.", "body", weight=0.5),
    ]
    blocks = ["Home", "News", "Big headline here", "First paragraph of the story.", "Second sentence.", "New"]
    carried = transfer(blocks, gold)
    assert [c.label if c else None for c in carried] == [
        "navigation",
        "navigation",
        "headline",
        "body",
        "body",
        None,
    ]
    assert carried[3] is gold[2]
    assert transfer([" Home  News", "Big headline here", gold[2].text], gold) == gold  # same blocks


def test_held_out_split_is_stable_and_by_domain():
    assert is_held_out("example.org") == is_held_out("www.example.org") == is_held_out("Example.org")
    domains = [f"site{i}.example" for i in range(2000)]
    held = [d for d in domains if is_held_out(d)]
    assert 0.15 < len(held) / len(domains) < 0.25
    # the rule depends on the name only (sha256), so these answers are fixed on every machine and run
    assert is_held_out("nytimes.com") and not is_held_out("theguardian.com")
    assert [d for d in domains[:40] if is_held_out(d)] == HELD_AMONG_FIRST_40
