"""scripts/hand_labels.py snapshot and migrate: hand labels carried onto a changed split."""

from __future__ import annotations

import gzip
import json

import pytest

from .test_hand_labels import _load

OLD = [
    "Home",
    "About us",
    "Donate now to keep us going",
    "A quiet harbour",
    "The boats came in at dawn. The gulls followed them home.",
    "(c) Harbour News",
]
LABELS = ["navigation", "navigation", "fundraising", "headline", "body", "other"]


def _spec_text(texts: list[str], *lines: str) -> str:
    hl = _load()
    header = ["# source: wcxb-dev/0007", f"# blocks: {len(texts)}", f"# digest: {hl.digest(texts)}"]
    return "\n".join(header + list(lines)) + "\n"


SPEC_LINES = (
    "0-5 nav",
    "2 fund nav      # donate link",
    "3 head",
    "4 body          # the story",
    "5 other",
)


def test_an_unchanged_split_rewrites_every_spec_byte_for_byte():
    hl = _load()
    text = _spec_text(OLD, *SPEC_LINES, "", "# a comment line stays", "1,2 nav   # a list, not a range")
    result = hl.carry(OLD, [f" {t} " for t in OLD], LABELS)  # whitespace does not count
    assert result.origin == list(range(len(OLD)))
    assert result.kinds == ["same"] * len(OLD)
    assert hl.migrated(text, result, OLD, "x.spec") == (text, 0)


def test_labels_are_carried_onto_split_and_merged_blocks_and_merges_are_flagged():
    hl = _load()
    new = [
        "Home About us Donate now to keep us going",  # three blocks merged: 3 nav words, 6 fund words
        "A quiet harbour",
        "The boats came in at dawn.",  # the story split in two
        "The gulls followed them home.",
        "(c) Harbour News",
    ]
    result = hl.carry(OLD, new, LABELS)
    assert result.kinds == ["merged", "same", "carried", "carried", "same"]
    assert result.origin == [2, 3, 4, 4, 5]
    assert +result.words == {"carried": 23, "relabelled": 3}
    text, dropped = hl.migrated(_spec_text(OLD, *SPEC_LINES), result, new, "x.spec")
    assert dropped == 0
    assert text == _spec_text(
        new,
        "0-4 nav",
        "0 fund nav      # donate link",
        "1 head",
        "2-3 body        # the story",
        "4 other",
        "0 fund nav        # migrated: merged from nav and fund blocks, check",
    )
    spec = hl.parse_spec(text)
    assert spec.labels[0] == ("fundraising", frozenset({"navigation"}))
    assert [label for label, _ in spec.labels] == ["fundraising", "headline", "body", "body", "other"]


def test_new_blocks_take_the_label_before_them_and_are_flagged_and_vanished_lines_dropped():
    hl = _load()
    new = [
        "Skip to content",  # new at the start: the label of the block after it
        "Home",
        "About us",
        "Menu Search Weather",  # new: the label of the block before it
        "A quiet harbour",
        "The boats came in at dawn. The gulls followed them home. Nets were mended on the quay",
        "(c) Harbour News",
    ]  # and the donate block is gone
    result = hl.carry(OLD, new, LABELS)
    assert result.kinds == ["new", "same", "same", "new", "same", "carried", "same"]
    assert +result.words == {"carried": 20, "new": 12, "dropped": 6}
    text, dropped = hl.migrated(_spec_text(OLD, *SPEC_LINES), result, new, "x.spec")
    assert dropped == 1  # the donate line
    assert "# donate link" not in text
    assert "0,3 nav           # migrated: new block, check" in text
    assert [label for label, _ in hl.parse_spec(text).labels] == [
        "navigation",
        "navigation",
        "navigation",
        "navigation",
        "headline",
        "body",
        "other",
    ]


def test_a_block_mostly_of_new_words_keeps_its_label_but_is_flagged():
    hl = _load()
    new = [*OLD[:3], "A quiet harbour: how a small town on the coast lives off the sea", *OLD[4:]]
    result = hl.carry(OLD, new, LABELS)
    assert result.kinds[3] == "grown"
    text, _ = hl.migrated(_spec_text(OLD, *SPEC_LINES), result, new, "x.spec")
    assert "3 head            # migrated: mostly new words, check" in text


PAGE = (
    "<html><head><title>Harbour</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<div aria-hidden='true'><p>Menu</p><p>Sign in to read more</p></div>"
    "<h1>A quiet harbour</h1>"
    "<p>The boats came in at dawn, and the gulls followed them home.</p>"
    "<p>Nets were mended on the quay <span aria-hidden='true'>(photo: a net)</span> until noon.</p>"
    "<footer>(c) Harbour News</footer></body></html>"
)


@pytest.fixture
def page_and_spec(tmp_path):
    """A data directory with one page, and a spec of its blocks as the splitter makes them now."""
    from pageparts.host.runner import Options, Runner

    hl = _load()
    (tmp_path / "data" / "wcxb-dev" / "html").mkdir(parents=True)
    (tmp_path / "data" / "wcxb-dev" / "html" / "0007.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    metadata = {"files": {"0007": {"domain": "harbour.example"}}}
    (tmp_path / "data" / "wcxb-dev" / "metadata.json").write_text(json.dumps(metadata))
    _, blocks = hl.page_blocks(Runner(Options(input_format="html")), tmp_path / "data", "wcxb-dev/0007")
    assert [b.text for b in blocks] == [
        "Home News",
        "A quiet harbour",
        "The boats came in at dawn, and the gulls followed them home.",
        "Nets were mended on the quay until noon.",
        "(c) Harbour News",
    ]
    spec = tmp_path / "specs" / "0007.spec"
    spec.parent.mkdir()
    lines = ("0 nav rel   # menu", "1 head", "2-3 body", "4 other   # copyright")
    spec.write_text(_spec_text([b.text for b in blocks], *lines))
    return tmp_path / "data", spec


def _aria_hidden_shown(monkeypatch):
    """The splitter changed as on branch adapt-ceiling-aria: aria-hidden no longer hides (in the
    reference walk, which the split then runs: the compiled walk has its own ``_is_hidden``)."""
    from pageparts.splitters import html

    monkeypatch.setattr(html, "compiled_walk", lambda: None)
    hidden = html._is_hidden
    monkeypatch.setattr(
        html,
        "_is_hidden",
        lambda el, tag, keys, styles=True: hidden(el, tag, [k for k in keys if k != "aria-hidden"], styles),
    )


def test_migrate_leaves_specs_alone_when_the_splitter_did_not_change(page_and_spec, tmp_path, capsys):
    hl = _load()
    data, spec = page_and_spec
    before = spec.read_bytes()
    snapshot = tmp_path / "old.jsonl.gz"
    assert hl.main(["snapshot", str(spec.parent), "--out", str(snapshot), "--data", str(data)]) == 0
    assert hl.main(["migrate", str(snapshot), "--data", str(data)]) == 0
    assert spec.read_bytes() == before
    assert "specs 0 migrated, 1 unchanged, 0 left alone" in capsys.readouterr().out


def test_migrate_carries_a_spec_across_a_splitter_change(page_and_spec, tmp_path, monkeypatch, capsys):
    hl = _load()
    data, spec = page_and_spec
    snapshot = tmp_path / "old.jsonl.gz"
    assert hl.main(["snapshot", str(spec), "--out", str(snapshot), "--data", str(data)]) == 0
    with gzip.open(snapshot, "rt") as file:
        assert json.loads(file.readline())["blocks"][0] == "Home News"
    _aria_hidden_shown(monkeypatch)
    assert hl.main(["check", str(spec), "--data", str(data)]) == 1  # the spec no longer fits
    assert hl.main(["migrate", str(snapshot), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert f"{spec}: 5 -> 7 blocks: blocks 4 same, 1 carried, 0 merged, 0 grown, 2 new;" in out
    assert "words 28 carried, 0 relabelled, 9 new, 0 dropped; 0 lines dropped" in out
    assert hl.main(["check", str(spec), "--data", str(data)]) == 0
    text = spec.read_text()
    assert "0-2 nav rel # menu\n" in text  # the menu line takes the new blocks after the menu
    assert "4-5 body\n" in text
    assert "6 other   # copyright\n" in text
    assert "1-2 nav rel       # migrated: new block, check\n" in text
    labels = hl.parse_spec(text).labels
    assert [label for label, _ in labels] == ["navigation"] * 3 + ["headline", "body", "body", "other"]
    assert labels[1][1] == {"related-links"}


def test_migrate_leaves_a_spec_edited_since_the_snapshot_alone(page_and_spec, tmp_path, monkeypatch, capsys):
    hl = _load()
    data, spec = page_and_spec
    snapshot = tmp_path / "old.jsonl.gz"
    assert hl.main(["snapshot", str(spec), "--out", str(snapshot), "--data", str(data)]) == 0
    spec.write_text(spec.read_text() + "1 head body\n")
    edited = spec.read_text()
    _aria_hidden_shown(monkeypatch)
    assert hl.main(["migrate", str(snapshot), "--data", str(data)]) == 0
    assert spec.read_text() == edited
    assert "not as in the snapshot, left alone" in capsys.readouterr().out


def test_a_snapshot_is_refused_inside_the_repository(page_and_spec, capsys):
    hl = _load()
    data, spec = page_and_spec
    inside = hl.REPO / "snapshot.jsonl.gz"
    assert hl.main(["snapshot", str(spec), "--out", str(inside), "--data", str(data)]) == 1
    assert not inside.exists()
    assert "outside the repository" in capsys.readouterr().err


def test_a_moved_line_keeps_its_note_in_its_aligned_column_or_else_its_gap():
    hl = _load()
    assert hl._respan("17 other nav         # menu", "17", "29-31") == "29-31 other nav      # menu"
    listed = ",".join(map(str, range(0, 60, 2)))  # a long list: its note is not aligned
    assert hl._respan(f"{listed} body  # posts", listed, "1-3") == "1-3 body  # posts"
    assert hl._respan("4 body", "4", "5-6") == "5-6 body"
