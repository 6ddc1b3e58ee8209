"""label-from-truth: labels from a ground truth of main content and title, and the rules' votes."""

from __future__ import annotations

import gzip
import json

import pytest
from pageparts.cli import app
from pageparts.document import Block, Vote
from pageparts.host.runner import Options, Runner
from pageparts.labels.labelled import LabelledBlock, known_labels, load_labelled
from pageparts.training.truth import label_page, truth_blocks
from pageparts.training.wcxb import load_wcxb
from typer.testing import CliRunner

TEXTS = [
    "Skip to content",
    "Harbour lanterns return after ten years",
    "A standfirst about the lanterns",
    "The lantern festival came back to the old harbour on Saturday after a decade away.",
    "Hundreds of paper lanterns floated past the pier while a brass band played.",
    "Photo by Ada Lane",
    "Ten things to do in the harbour this winter if you like boats",
    "Unclaimed footer words",
]
TRUTH = {
    "title": "Harbour lanterns return after ten years",
    "main_content": f"{TEXTS[3]}\n\n{TEXTS[4]}\n\n{TEXTS[5]}",
    "without": ["Photo by Ada Lane"],
}
VOTES = [
    Vote("navigation", 0, "navigation", 0.8, "chrome"),
    Vote("headline", 2, "headline", 0.75, "under the headline"),
    Vote("body", 3, "body", 0.8, "prose"),
    Vote("navigation", 3, "navigation", 0.9, "a confused rule: never beats the truth"),
    Vote("body", 5, "other", 0.85, "a caption"),
    Vote("navigation", 6, "navigation", 0.7, "links"),
    Vote("related-links", 6, "related-links", 0.7, "a teaser"),
    Vote("navigation", 7, "navigation", 0.3, "too weak to count"),
]
LABELS = known_labels()


def page_blocks(link_density: float = 0.0) -> list[Block]:
    return [Block(i, t, {"link_density": link_density}) for i, t in enumerate(TEXTS)]


def test_body_and_headline_come_from_the_truth_and_the_rest_from_the_rules():
    blocks = truth_blocks(page_blocks(), VOTES, TRUTH, LABELS)
    assert [b.label for b in blocks] == [
        "navigation",
        "headline",
        "headline",  # the dek: a rule's headline vote right under the title
        "body",
        "body",
        "other",  # in the main content, but a 'without' snippet; a rule calls it a caption
        "related-links",  # a tie goes to the narrower label
        "other",
    ]
    assert blocks[0].weight == 0.8 and blocks[3].weight == 1.0 and blocks[2].weight == 0.75
    assert blocks[1] == LabelledBlock(TEXTS[1], "headline")
    assert blocks[0].accept == {"navigation"}


def test_a_block_no_rule_claims_is_a_half_sure_other_that_accepts_every_non_content_label():
    unclaimed = truth_blocks(page_blocks(), VOTES, TRUTH, known_labels([("comments",)]))[7]
    assert unclaimed.label == "other" and unclaimed.weight == 0.5
    assert unclaimed.accept == {"navigation", "fundraising", "related-links", "other", "comments"}


def test_a_long_link_voted_navigation_is_a_teaser():
    votes = [Vote("navigation", 6, "navigation", 0.7, "links")]
    assert truth_blocks(page_blocks(1.0), votes, TRUTH, LABELS)[6].label == "related-links"
    assert truth_blocks(page_blocks(0.0), votes, TRUTH, LABELS)[6].label == "navigation"


def test_partly_aligned_body_is_weighted_by_its_share():
    truth = {**TRUTH, "main_content": "The lantern festival came back to the old harbour"}
    block = truth_blocks(page_blocks(), [], truth, LABELS)[3]
    assert block.label == "body" and block.weight == pytest.approx(9 / 15, abs=1e-4)


HTML = (
    "<html><head><title>Harbour lanterns</title></head><body>"
    "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
    f"<h1>{TEXTS[1]}</h1><p>{TEXTS[3]}</p><p>{TEXTS[4]}</p>"
    "<footer><p>© 2024 Harbour Gazette. All rights reserved.</p></footer></body></html>"
)


@pytest.fixture
def wcxb_dir(tmp_path):
    root = tmp_path / "pages"
    (root / "html").mkdir(parents=True)
    (root / "ground-truth").mkdir()
    for file_id, domain in (("0001", "gazette.example"), ("0002", "herald.example")):
        (root / "html" / f"{file_id}.html.gz").write_bytes(gzip.compress(HTML.encode()))
        truth = {"url": f"https://{domain}/lanterns", "ground_truth": TRUTH}
        (root / "ground-truth" / f"{file_id}.json").write_text(json.dumps(truth))
    (root / "html" / "0003.html").write_text(HTML)  # no ground truth: left out
    (root / "metadata.json").write_text(json.dumps({"files": {"0002": {"page_type": "article"}}}))
    return root


def test_wcxb_pages_take_site_and_type_from_metadata_else_from_the_url(wcxb_dir):
    pages = load_wcxb(wcxb_dir)
    assert [(p.file_id, p.domain, p.page_type) for p in pages] == [
        ("0001", "gazette.example", ""),
        ("0002", "herald.example", "article"),
    ]


def test_a_page_is_labelled_from_truth_or_from_its_hand_labels(wcxb_dir):
    page = load_wcxb(wcxb_dir)[0]
    runner = Runner(Options(input_format="html"), models=None)
    document = label_page(page, runner, LABELS)
    assert document.input_format == "html" and document.html == HTML and document.site == "gazette.example"
    labels = {b.text: b.label for b in document.blocks}
    assert labels["Home"] == "navigation"
    assert labels[TEXTS[1]] == "headline" and labels[TEXTS[3]] == "body"
    assert labels["© 2024 Harbour Gazette. All rights reserved."] == "other"
    gold = [LabelledBlock("Home News", "navigation"), LabelledBlock(f"{TEXTS[1]} {TEXTS[3]}", "body")]
    by_hand = label_page(page, runner, LABELS, gold)
    assert [b.label for b in by_hand.blocks][:4] == ["navigation", "navigation", "body", "body"]
    assert by_hand.blocks[-1].weight == 0.0  # no hand-labelled word: left out of training


def test_the_command_writes_labelled_pages(wcxb_dir, tmp_path):
    out = tmp_path / "labels.jsonl.gz"
    result = CliRunner().invoke(app, ["label-from-truth", str(wcxb_dir), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 labelled pages" in result.stdout
    documents, _ = load_labelled([out])
    assert [d.site for d in documents] == ["gazette.example", "herald.example"]
    assert all(d.html == HTML for d in documents)


def test_without_rules_every_block_outside_the_content_is_unclaimed():
    blocks = truth_blocks(page_blocks(), VOTES, TRUTH, LABELS, rules=False)
    assert [b.label for b in blocks] == [
        "other",
        "headline",
        "headline",
        "body",
        "body",
        "other",
        "other",
        "other",
    ]
    assert all(b.weight == 0.5 and len(b.accept) == 4 for b in blocks if b.label == "other")
