"""Per-word scoring of labelled blocks, and the ``pageparts evaluate`` command."""

import json
from collections import Counter

import pytest
from pageparts.cli import app
from pageparts.document import Block, Document
from pageparts.evaluation import WordScores, plain_text, read_labelled
from typer.testing import CliRunner

GOLD = [
    {"text": "Home News", "label": "navigation", "accept": ["navigation"]},
    {"text": "Donate today", "label": "fundraising", "accept": ["fundraising", "navigation"]},
    {"text": "The river rose and the council met", "label": "body", "accept": ["body"]},
]


def classified(*labels: str, texts: list[str] | None = None) -> Document:
    texts = texts or [b["text"] for b in GOLD]
    return Document(
        "t",
        "text",
        [Block(i, t, label=label) for i, (t, label) in enumerate(zip(texts, labels, strict=True))],
    )


def row(scores: WordScores, label: str) -> dict:
    return next(r for r in scores.rows() if r["label"] == label)


def test_every_word_right_scores_one():
    scores = WordScores()
    scores.add(classified("navigation", "fundraising", "body"), GOLD)
    assert row(scores, "body") == {"label": "body", "precision": 1.0, "recall": 1.0, "f1": 1.0, "words": 7}
    assert row(scores, "navigation")["f1"] == 1.0


def test_an_accepted_label_counts_as_right_and_a_wrong_one_does_not():
    scores = WordScores()
    scores.add(classified("navigation", "navigation", "other"), GOLD)
    # "Donate today" as navigation is accepted; the body words as other are not
    assert row(scores, "navigation")["precision"] == 1.0
    assert row(scores, "fundraising")["recall"] == 1.0  # its words got a label they accept
    assert row(scores, "body")["recall"] == 0.0
    assert row(scores, "other")["precision"] == 0.0
    assert scores.confusion == {
        ("navigation", "navigation"): 2,
        ("fundraising", "navigation"): 2,
        ("body", "other"): 7,
    }


def test_scoring_does_not_depend_on_how_the_page_was_split():
    scores = WordScores()
    texts = ["Home", "News Donate today The river", "rose and the council met"]
    scores.add(classified("navigation", "navigation", "body", texts=texts), GOLD)
    assert row(scores, "body") == pytest.approx(
        {"label": "body", "precision": 1.0, "recall": 5 / 7, "f1": 2 * (5 / 7) / (1 + 5 / 7), "words": 7}
    )
    assert 0 < scores.macro_f1() < 1


def test_labelled_files_are_read_with_line_numbers_for_bad_lines(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(
        json.dumps({"blocks": GOLD}) + "\n\n{not json\n" + json.dumps({"blocks": [{"text": 1}]}) + "\n"
    )
    read = list(read_labelled(path))
    assert read[0] == (f"{path}:1", {"blocks": GOLD})
    assert read[1][0] == f"{path}:3" and "not a labelled document" in read[1][1]
    assert read[2][0] == f"{path}:4" and "text and a label" in read[2][1]
    assert plain_text(read[0][1]) == b"Home News\n\nDonate today\n\nThe river rose and the council met"


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    page = {"blocks": [*GOLD, {"text": "By Ada Lane", "label": "other", "accept": ["other"]}]}
    path.write_text(json.dumps(page) + "\n" + "{broken\n" + json.dumps(page) + "\n")
    return path


def test_evaluate_stops_at_a_malformed_line_by_default(gold_file):
    result = CliRunner().invoke(app, ["evaluate", str(gold_file)])
    assert result.exit_code == 2
    assert f"{gold_file}:2: not a labelled document" in result.stderr


def test_evaluate_can_skip_malformed_lines_and_report_json(gold_file):
    result = CliRunner().invoke(app, ["evaluate", str(gold_file), "--on-error", "skip", "-f", "json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["documents"], report["skipped"]) == (2, 1)
    words = {r["label"]: r["words"] for r in report["labels"]}
    assert words == {
        "navigation": 4,
        "fundraising": 4,
        "headline": 0,
        "body": 14,
        "related-links": 0,
        "other": 6,
    }
    assert 0 <= report["macro_f1"] <= 1
    by_gold = Counter()
    for cell in report["confusion"]:
        by_gold[cell["gold"]] += cell["words"]
    assert dict(by_gold) == {label: n for label, n in words.items() if n}


def test_evaluate_without_documents_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    result = CliRunner().invoke(app, ["evaluate", str(empty)])
    assert result.exit_code == 2 and "no labelled documents" in result.stderr
