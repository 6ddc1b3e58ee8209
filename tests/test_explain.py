"""What --explain and the report show: the votes, and the combined per-label scores that decided."""

from __future__ import annotations

import json

import pytest
from pageparts.document import LABELS
from pageparts.host.runner import Options, Result, Runner
from pageparts.output.formats import render
from pageparts.output.report import document_data

PAGE = (
    "Home\n\nNews\n\n"
    "Council approves the new flood barrier\n\n"
    "The town council voted on Tuesday to build a flood barrier along the river, after two winters of "
    "flooding closed the main road for weeks. Work starts in the spring.\n\n"
    "Please donate $10 to support our reporting.\n"
)


@pytest.fixture(scope="module")
def result() -> Result:
    return Result("page.txt", Runner(Options(input_format="text")).classify_bytes(PAGE.encode(), "page.txt"))


def combined_rows(table: str) -> list[list[str]]:
    """The label/score pairs of each ``combined`` line of an explained table."""
    rows = []
    for line in table.splitlines():
        if line.split()[:1] == ["combined"]:
            pairs = line.split("combined", 1)[1].split("(")[0].split("·")
            rows.append([pair.split()[0] for pair in pairs])
    return rows


def test_explain_shows_every_labels_combined_score_best_first_and_the_threshold(result):
    table = render(result, "table", explain=True)
    document = result.document
    rows = combined_rows(table)
    assert len(rows) == len(document.blocks)
    for block, labels in zip(document.blocks, rows, strict=True):
        assert sorted(labels) == sorted(LABELS)
        best, score = document.combined.of(block.index)[0]
        assert labels[0] == best
        assert block.label == (best if score >= 0.5 else "other")
    assert "(learned combiner, threshold 0.50)" in table
    assert "combined" not in render(result, "table")


def test_json_lines_stay_the_same_with_explain(result):
    assert render(result, "jsonl", explain=True) == render(result, "jsonl")
    assert "combined" not in json.loads(render(result, "jsonl"))["blocks"][0]


def test_the_report_data_holds_the_combined_scores_and_the_threshold(result):
    data = document_data(result.document)
    assert data["combiner"] == {"method": "learned", "threshold": 0.5}
    for block, row in zip(result.document.blocks, data["blocks"], strict=True):
        assert [data["labels"][n] for n, _ in row["combined"]] == [
            label for label, _ in result.document.combined.of(block.index)
        ]
        assert data["labels"][row["combined"][0][0]] == block.label or block.label == "other"
