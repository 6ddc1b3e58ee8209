"""Tests of the comments plugin, with the pageparts test kit (pageparts.testing)."""

import json
from pathlib import Path

import pageparts_comments as plugin
import pytest
from pageparts.testing import assert_votes, check_plugin, make_document, small_documents

EXAMPLE = Path(__file__).parent.parent / "example"
PAGE = EXAMPLE / "garden-story.html"
LABELLED = EXAMPLE / "garden-story.labels.jsonl"
COMMENTS = list(range(18, 38))
"""The blocks of the example page inside its comments section: heading, comments, form."""
FORM_FIELDS = {34, 35}
"""The "Name" and "Email" fields: only their place in the comment form (in HTML) says what they are."""
WITH_TEXT_CUES = [i for i in COMMENTS if i not in FORM_FIELDS]


def example_page():
    return make_document(PAGE.read_bytes(), source=PAGE.name)


def example_as_text():
    """The example's labelled blocks as plain text, as `pageparts evaluate` classifies them."""
    blocks = json.loads(LABELLED.read_text(encoding="utf-8"))["blocks"]
    return make_document("\n\n".join(b["text"] for b in blocks), input_format="text")


def test_the_plugin_keeps_the_pageparts_contract():
    check_plugin(plugin, [*small_documents(), example_page(), example_as_text()])


def test_every_block_of_the_comments_section_gets_a_vote_and_nothing_else():
    document = example_page()
    assert [document.blocks[i].text for i in (18, 37)] == ["Comments (4)", "Post comment"]
    votes = plugin.pageparts_classify(document)
    assert_votes(votes, "comments", COMMENTS, min_score=0.6, document=document)
    assert_votes(votes, "comments", WITH_TEXT_CUES, min_score=0.85, document=document)


def test_in_plain_text_the_text_cues_still_find_the_comments():
    document = example_as_text()
    assert_votes(
        plugin.pageparts_classify(document), "comments", WITH_TEXT_CUES, min_score=0.6, document=document
    )


def test_no_votes_on_pages_without_comments(small_document, small_text_document):
    for document in (small_document, small_text_document):
        assert_votes(plugin.pageparts_classify(document), "comments", [], min_score=0.0, document=document)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("12 comments", "a comments heading"),
        ("Join the discussion", "a comments heading"),
        ("You must be logged in to post a comment.", "comment-form wording: 'post a comment'"),
        ("Dana K. · 5 minutes ago", "a commenter line"),
        ("Ruth says:", "a commenter line"),
        ("Reply · Like · Report", "comment controls"),
    ],
)
def test_each_cue(text, reason):
    [vote] = plugin.pageparts_classify(make_document(text, input_format="text"))
    assert vote.reason == reason
