"""examples/pageparts-comments, installed: its label shows in every output format and in evaluate."""

from __future__ import annotations

import json

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "pageparts-comments"
PAGE = str(EXAMPLE / "example" / "garden-story.html")
LABELLED = str(EXAMPLE / "example" / "garden-story.labels.jsonl")
NEWS = [str(ROOT / "examples" / name) for name in ("news-article.html", "news-article.txt")]


@pytest.fixture(scope="module")
def out(plugin_site):
    """What pageparts prints for each command, with the example plugin installed (one process)."""
    calls = {
        "plugins": ("plugins", "-f", "json"),
        "jsonl": ("classify", PAGE, "-f", "jsonl"),
        "table": ("classify", PAGE, "-f", "table", "--labels", "comments"),
        "text": ("classify", PAGE, "-f", "text", "--labels", "comments"),
        "evaluate json": ("evaluate", LABELLED, "-f", "json"),
        "evaluate": ("evaluate", LABELLED),
        "news": ("classify", *NEWS, "-f", "jsonl"),
    }
    outcomes = dict(zip(calls, plugin_site.pageparts(*calls.values()), strict=True))
    assert all(outcome.exit_code == 0 for outcome in outcomes.values()), outcomes
    return {name: outcome.stdout for name, outcome in outcomes.items()}


def test_it_is_listed_with_its_origin(out):
    rows = {p["name"]: p for p in json.loads(out["plugins"])["plugins"]}
    assert rows["comments"]["labels"] == ["comments"] and rows["comments"]["status"] == "enabled"
    assert rows["comments"]["distribution"] == "pageparts-comments"


def test_its_label_appears_in_jsonl_table_and_text_output(out):
    blocks = json.loads(out["jsonl"])["blocks"]
    labelled = [b["index"] for b in blocks if b["label"] == "comments"]
    assert labelled[0] == 18 and len(labelled) >= 15
    [vote] = [v for v in blocks[21]["votes"] if v["plugin"] == "comments"]
    assert (
        vote["reason"]
        == "inside an element named 'comment'; follows a commenter line; followed by comment controls"
    )

    rows = out["table"].splitlines()[1:-1]
    assert [int(row.split()[0]) for row in rows] == labelled
    assert all(row.split()[1] == "comments" for row in rows)

    assert out["text"].startswith("Comments (4)\n\n")
    assert "Lovely idea. The wagon shed is a nice touch." in out["text"]
    assert "Community garden wins" not in out["text"]


def test_evaluate_reports_it_per_label(out):
    report = json.loads(out["evaluate json"])
    comments = next(row for row in report["labels"] if row["label"] == "comments")
    assert comments["words"] > 100 and comments["f1"] > 0.9
    assert any(cell["gold"] == "comments" and cell["predicted"] == "comments" for cell in report["confusion"])
    assert any(line.split()[0] == "comments" for line in out["evaluate"].splitlines() if line.strip())


def test_news_pages_without_comments_get_no_comments_label(out):
    documents = [json.loads(line) for line in out["news"].splitlines()]
    assert len(documents) == 2
    assert all(block["label"] != "comments" for document in documents for block in document["blocks"])


def test_its_own_tests_pass(plugin_site):
    result = plugin_site.pytest("-q", str(EXAMPLE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "10 passed" in result.stdout
