"""bench/validation.py's per-page view: each label's word F1 averaged over the pages that have it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from pageparts.document import LABELS, Block, Document
from pageparts.labels.evaluation import WordScores
from pageparts.labels.labelled import LabelledBlock

from .script_module import load_script

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "validation.py"
FUND, BODY = LABELS.index("fundraising"), LABELS.index("body")


def _scores(pairs: list[tuple[str, str, str]]) -> WordScores:
    """One page's WordScores from (text, gold label, predicted label) per block."""
    document = Document(
        "page", "text", [Block(i, text, label=predicted) for i, (text, _, predicted) in enumerate(pairs)]
    )
    scores = WordScores()
    scores.add(document, [LabelledBlock(text, gold) for text, gold, _ in pairs])
    return scores


def test_a_label_counts_only_on_pages_that_have_it_and_a_false_alarm_scores_zero():
    validation = load_script(SCRIPT, "bench_validation")
    right = _scores(
        [("please donate today", "fundraising", "fundraising"), ("a story of ten words", "body", "body")]
    )
    without = _scores([("another story here", "body", "body")])
    false_alarm = _scores([("our plans for the year", "body", "fundraising")])
    f1 = [validation.page_f1(s) for s in (right, without, false_alarm)]
    assert math.isnan(f1[1][FUND])
    assert f1[2][FUND] == 0.0
    means = validation.page_means(np.array(f1[:2]))
    assert means[FUND] == 1.0 and means[BODY] == 1.0
    assert validation.page_means(np.array(f1))[FUND] == 0.5
    assert validation.page_means(np.array(f1))[BODY] == 2 / 3  # the false alarm page misses its body


def test_the_page_bootstrap_of_a_build_against_itself_is_zero_and_sees_a_better_build():
    validation = load_script(SCRIPT, "bench_validation")
    worse = [_scores([("give now please", "fundraising", "body"), ("words of a story", "body", "body")])] * 5
    better = [
        _scores([("give now please", "fundraising", "fundraising"), ("words of a story", "body", "body")])
    ] * 5
    assert validation.page_bootstrap(worse, worse, 200) == (0.0, 0.0)
    low, high = validation.page_bootstrap(worse, better, 200)
    assert 0 < low <= high


def test_pooled_pages_add_up_their_counts_and_where_their_words_went():
    validation = load_script(SCRIPT, "bench_validation")
    first = _scores([("give now please", "fundraising", "body"), ("words of a story", "body", "body")])
    second = _scores([("one two", "fundraising", "fundraising"), ("home news sport", "navigation", "other")])
    total = validation.pooled([first, second])
    assert total.confusion["fundraising", "body"] == 3
    assert total.confusion["fundraising", "fundraising"] == 2
    assert total.confusion["navigation", "other"] == 3
    assert total.counts["body"]["predicted"] == 7
    table = validation.format_confusion(total)
    assert table.splitlines()[1].split()[:3] == ["navigation", "0", "0"]


def test_saved_scores_read_back_equal_and_refuse_other_pages(tmp_path):
    """--save and --against FILE: a build scored by another checkout compares as if scored here."""
    import pytest
    from pageparts.labels.labelled import LabelledDocument

    validation = load_script(SCRIPT, "bench_validation")
    pages = [
        validation.Page(LabelledDocument([], source=f"news-pool/p{i}"), "news-pool", b"") for i in range(2)
    ]
    first = _scores([("give now please", "fundraising", "body"), ("words of a story", "body", "body")])
    second = _scores([("one two", "fundraising", "fundraising"), ("home news sport", "navigation", "other")])
    scores = {"html": [first, second], "text": [second, first]}
    path = tmp_path / "build.json"
    validation.save(path, pages, scores, "some/models")
    loaded = validation.load(path, pages)
    for input_format, per_page in scores.items():
        for saved, read in zip(per_page, loaded[input_format], strict=True):
            assert read.rows() == saved.rows() and read.confusion == saved.confusion
            assert read.macro_f1() == saved.macro_f1()
    with pytest.raises(SystemExit, match="other validation pages"):
        validation.load(path, pages[::-1])
