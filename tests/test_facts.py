"""Typed block facts: the mapping view equals the splitters' old dicts, a third-party dict is
converted with the defaults, and a dict-featured document is read as a facts-featured one."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from pageparts.document import Block, Document
from pageparts.facts import NO_HTML_FACTS, HtmlFacts, TextFacts, from_html_splitter, html_facts
from pageparts.plugins import body, fundraising, headline, navigation, related_links
from pageparts.scoring.adaptation import block_keys
from pageparts.scoring.features import compute, model_kind
from pageparts.scoring.rules import facts
from pageparts.splitters.html import split_html
from pageparts.splitters.text import pageparts_split as split_text

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "news-article.html"
MENU = (
    b'<html><body><nav class="site-nav"><ul><li><a href="/">Home</a></li><li>News</li></ul></nav>'
    b"<p>Welcome.</p></body>"
)
OLD_KEYS = [
    "tag", "path", "path_words", "heading", "link_chars", "text_chars", "link_density", "links",
    "in_list", "list_size", "landmark", "depth", "group_size", "in_table", "emphasis_chars",
]  # fmt: skip
"""The keys of the HTML splitter's features dict, in its order, before the facts were typed."""


def example_document() -> Document:
    blocks, meta = split_html(EXAMPLE.read_bytes())
    return Document(str(EXAMPLE), "html", blocks, meta)


def as_dicts(document: Document) -> Document:
    """The same document with every block's facts as a plain dict, as a third-party splitter gives."""
    blocks = [Block(b.index, b.text, dict(b.features)) for b in document.blocks]
    return Document(document.source, document.input_format, blocks, dict(document.meta))


def test_the_mapping_view_is_the_old_dict_keys_values_and_order():
    home = split_html(MENU)[0][0].features
    old = {
        "tag": "li", "path": ["body", "nav", "ul", "li"], "path_words": "site nav", "heading": 0,
        "link_chars": 4, "text_chars": 4, "link_density": 1.0, "links": 1, "in_list": True,
        "list_size": 2, "landmark": "nav", "depth": 4, "group_size": 2, "in_table": False,
        "emphasis_chars": 0,
    }  # fmt: skip
    assert isinstance(home, HtmlFacts)
    assert list(home) == list(home.keys()) == OLD_KEYS == list(old)
    assert list(home.items()) == list(old.items())
    assert [type(v) for v in home.values()] == [type(v) for v in old.values()]
    assert dict(home) == old and home == old and len(home) == len(old)
    assert json.dumps(dict(home)) == json.dumps(old)
    assert home["path"] == ["body", "nav", "ul", "li"] and home.path == ("body", "nav", "ul", "li")
    assert (home["link_density"], home.get("links")) == (1.0, 1)
    assert (home.get("lines"), home.get("lines", 7)) == (None, 7)
    assert "landmark" in home and "lines" not in home
    with pytest.raises(KeyError):
        home["lines"]


def test_every_html_block_holds_what_init_would_give_it():
    for block in example_document().blocks:
        made = block.features
        assert list(made) == OLD_KEYS
        assert vars(made) == vars(HtmlFacts(**vars(made)))
        for field in dataclasses.fields(HtmlFacts):
            assert type(getattr(made, field.name)) is type(field.default), (block.index, field.name)


def test_facts_are_read_only():
    home = split_html(MENU)[0][0].features
    with pytest.raises(TypeError):
        home["tag"] = "p"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        home.tag = "p"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(home)  # as a dict


def test_text_facts_read_as_the_text_splitters_old_dict():
    blocks, _ = split_text(b"one\n\ntwo\nlines", "text")
    assert [b.features for b in blocks] == [TextFacts(1), TextFacts(2)]
    assert [dict(b.features) for b in blocks] == [{"lines": 1}, {"lines": 2}]
    assert [type(b.features) for b in blocks] == [TextFacts, TextFacts]
    assert not from_html_splitter(blocks[0].features)


def test_a_third_party_dict_is_converted_with_the_defaults():
    given = {"link_density": 0.5, "path": ["body", "p"], "heading": None, "landmark": "nav", "extra": 1}
    converted = HtmlFacts.of(given)
    assert converted == HtmlFacts(link_density=0.5, path=("body", "p"), landmark="nav")
    assert (converted.heading, converted.group_size, converted.tag) == (0, 1, "")
    converted = HtmlFacts.of({"heading": 2.0, "in_list": 1, "links": "3"})
    assert converted == HtmlFacts(heading=2, in_list=True, links=3)
    assert HtmlFacts.of({}) is HtmlFacts.of({"lines": 3}) is HtmlFacts.of(TextFacts(3)) is NO_HTML_FACTS
    facts_object = split_html(MENU)[0][0].features
    assert HtmlFacts.of(facts_object) is facts_object


def test_the_html_splitter_test_means_what_it_meant():
    document = example_document()
    assert from_html_splitter(document.blocks[0].features)
    assert from_html_splitter({"link_density": 0.0}) and not from_html_splitter({"tag": "p"})
    assert model_kind(document) == model_kind(as_dicts(document)) == "html"
    no_density = Document("x.html", "html", [Block(0, "a", {"tag": "p"})])
    assert model_kind(no_density) == "text"


@pytest.mark.parametrize("kind", ["html", "text"])
def test_a_dict_featured_document_gives_the_same_features_votes_and_keys(kind):
    typed = example_document()
    plain = as_dicts(typed)
    assert all(type(b.features) is dict for b in plain.blocks)
    a, b = compute(typed, kind), compute(plain, kind)
    assert np.array_equal(a.dense, b.dense)
    assert np.array_equal(a.hashed.columns, b.hashed.columns)
    assert [vars(f) for f in html_facts(typed)] == [vars(f) for f in html_facts(plain)]
    assert facts(typed).html and facts(plain).html
    assert np.array_equal(facts(typed).group, facts(plain).group)
    assert block_keys(typed, kind) == block_keys(plain, kind)
    for plugin in (body, fundraising, headline, navigation, related_links):
        assert plugin.pageparts_classify(typed) == plugin.pageparts_classify(plain), plugin.__name__


def test_a_plain_text_document_reads_no_html_facts():
    blocks, _ = split_text(EXAMPLE.read_bytes(), "text")
    document = Document("page.txt", "text", blocks)
    plain = as_dicts(document)
    assert html_facts(document) == [NO_HTML_FACTS] * len(blocks)
    assert np.array_equal(compute(document, "text").dense, compute(plain, "text").dense)
    assert headline.pageparts_classify(document) == headline.pageparts_classify(plain)


def test_the_words_of_each_distinct_path_are_split_once_per_document():
    from pageparts.facts import path_word_sets
    from pageparts.scoring import speedups
    from pageparts.scoring.features import _STEMS, _structure_facts

    paths = ["site nav menu", "", "site nav menu", "post entry content entry", "site footer"]
    blocks = [Block(i, f"text {i}", {"link_density": 0.0, "path_words": p}) for i, p in enumerate(paths)]
    document = Document("page.html", "html", blocks)
    sets = path_word_sets(document)
    assert list(sets) == ["site nav menu", "", "post entry content entry", "site footer"]  # first seen first
    assert sets["post entry content entry"] == {"post", "entry", "content"}
    assert path_word_sets(document) is sets  # kept for the rules and the features
    assert facts(document).named({"nav", "footer", "entry"}) == [["nav"], [], ["nav"], ["entry"], ["footer"]]
    nav, footer, content = (_STEMS.index(s) for s in ("nav", "footer", "content"))
    compiled = [speedups.HotPath(compiled=True)] if speedups.compiled_available() else []
    for path in (speedups.PURE, *compiled):
        structure = _structure_facts(document, np.zeros(len(blocks)), path)
        assert structure.path_words.tolist() == [3, 0, 3, 4, 2]
        assert structure.stems[:, nav].tolist() == [1, 0, 1, 0, 0]
        assert structure.stems[:, footer].tolist() == [0, 0, 0, 0, 1]
        assert structure.stems[:, content].tolist() == [0, 0, 0, 1, 0]
