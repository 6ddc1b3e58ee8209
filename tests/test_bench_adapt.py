"""bench/adapt.py's ``--errors`` listing, on the invented one-template site of tests/test_adapt.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from pageparts.host.runner import Runner
from pageparts.labels.labelled import LabelledBlock
from pageparts.scoring.adaptation import block_keys, hashed
from pageparts.settings import Options

from .script_module import load_script
from .test_adapt import adapted, labelled_page  # noqa: F401 (adapted: the module's fixture)

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "adapt.py"


def _bench():
    return load_script(SCRIPT, "bench_adapt")


def test_a_page_labelled_as_the_adaptation_labels_it_lists_no_block(adapted):  # noqa: F811
    page = labelled_page(4)
    assert _bench().error_lines(Runner(Options()), Runner(Options(models=adapted)), page) == []


def test_a_block_the_adaptation_labels_otherwise_is_listed_with_both_labels_and_its_mover(adapted):  # noqa: F811
    page = labelled_page(4)
    notes = [i for i, b in enumerate(page.blocks) if b.label == "other" and len(b.text.split()) > 20]
    wrong = notes[0]
    blocks = list(page.blocks)
    blocks[wrong] = LabelledBlock(blocks[wrong].text, "body", frozenset({"body", "related-links"}))
    relabelled = replace(page, blocks=blocks)
    lines = _bench().error_lines(Runner(Options()), Runner(Options(models=adapted)), relabelled)
    assert len(lines) == 1
    words = len(blocks[wrong].text.split())
    assert f"#{wrong} {words} words: body (related-links); base body " in lines[0]
    assert ", adapted other " in lines[0]
    assert " by memory; at:" in lines[0] or " by place; at:" in lines[0]


def test_a_page_that_splits_into_other_blocks_is_named_not_listed(adapted):  # noqa: F811
    page = labelled_page(4)
    shorter = replace(page, blocks=page.blocks[:-1])
    lines = _bench().error_lines(Runner(Options()), Runner(Options(models=adapted)), shorter)
    assert lines == [f"  {page.source}: not split into its labelled blocks"]


def test_without_an_adaptation_every_block_is_left_to_the_base():
    page = labelled_page(4)
    document = Runner(Options()).classify_bytes(page.content(), page.source)
    keys = hashed(block_keys(document, "html"))
    assert _bench().mover(None, keys) == ["-"] * len(keys)


def test_body_f1_is_one_where_every_block_is_accepted_and_falls_where_a_body_block_is_missed(adapted):  # noqa: F811
    page = labelled_page(4)
    runner = Runner(Options(models=adapted))
    assert _bench().macro_f1(runner, [page])[2] == 1.0
    blocks = list(page.blocks)
    body = next(i for i, b in enumerate(blocks) if b.label == "body")
    blocks[body] = LabelledBlock(blocks[body].text, "navigation", frozenset({"navigation"}))
    assert _bench().macro_f1(runner, [replace(page, blocks=blocks)])[2] < 1.0


def test_the_tally_counts_the_wrong_words_the_base_had_right_apart_per_mover(adapted):  # noqa: F811
    page = labelled_page(4)
    notes = [i for i, b in enumerate(page.blocks) if b.label == "other" and len(b.text.split()) > 20]
    blocks = list(page.blocks)
    blocks[notes[0]] = LabelledBlock(blocks[notes[0]].text, "body", frozenset({"body"}))
    relabelled = replace(page, blocks=blocks)
    bench = _bench()
    tally = Counter()
    lines = bench.error_lines(Runner(Options()), Runner(Options(models=adapted)), relabelled, tally)
    words = len(blocks[notes[0]].text.split())
    assert len(lines) == 1 and sum(tally.values()) == words
    ((kind, mover),) = tally  # the base labels the note body, as the labels now say; the memory not
    assert kind == "lost" and mover in ("memory", "place")
    assert (
        bench.tally_line(tally)
        == f"  wrong words {words}, {words} of them right by the base; by {mover} {words} ({words} lost)"
    )


def test_a_tally_of_nothing_says_so():
    assert _bench().tally_line(Counter()) == "  wrong words 0, 0 of them right by the base; by nothing"
