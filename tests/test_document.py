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


def test_a_trusted_vote_is_the_vote_its_constructor_makes():
    from dataclasses import fields

    from pageparts.document import MODEL, Vote

    for args in (
        ("nav", 3, "navigation", 0.7, "a reason"),
        ("p", 0, "body", 1.0, "", MODEL),
        ("p", 1, "x", 0.0),
    ):
        made, trusted = Vote(*args), Vote._trusted(*args)
        assert trusted == made and hash(trusted) == hash(made) and repr(trusted) == repr(made)
        assert list(vars(trusted).items()) == list(vars(made).items())
    assert list(vars(Vote._trusted("p", 0, "x", 0.5))) == [f.name for f in fields(Vote)]  # every field
