"""The document's own helpers."""

from pageparts.document import Block, Document


def doc(labels: list[str], title: str = "") -> Document:
    blocks = [Block(i, f"block {i}", label=label) for i, label in enumerate(labels)]
    return Document("d", "html", blocks, {"title": title})


def test_the_title_is_the_first_headline_block_else_the_page_title_else_none():
    assert doc(["navigation", "headline", "headline"], "Site | Page").title() == "block 1"
    assert doc(["navigation", "body"], "  Site | Page ").title() == "Site | Page"
    assert doc(["body"], "").title() is None
    assert Document("d", "text", []).title() is None
