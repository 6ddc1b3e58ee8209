"""Per-word scoring of labelled blocks, and the ``pageparts evaluate`` command."""

import json
from collections import Counter

import pytest
from pageparts.cli import app
from pageparts.document import Block, Document
from pageparts.labels.evaluation import WordScores
from pageparts.labels.labelled import LabelledBlock
from typer.testing import CliRunner

GOLD_LINES = [
    {"text": "Home News", "label": "navigation", "accept": ["navigation"]},
    {"text": "Donate today", "label": "fundraising", "accept": ["fundraising", "navigation"]},
    {"text": "The river rose and the council met", "label": "body", "accept": ["body"]},
]
GOLD = [LabelledBlock(b["text"], b["label"], frozenset(b["accept"])) for b in GOLD_LINES]


def classified(*labels: str, texts: list[str] | None = None) -> Document:
    texts = texts or [b.text for b in GOLD]
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
    # and no word was wrongly given fundraising: all right, though no block was labelled so
    assert row(scores, "fundraising")["precision"] == row(scores, "fundraising")["f1"] == 1.0
    assert row(scores, "body")["recall"] == row(scores, "body")["f1"] == 0.0
    assert row(scores, "other")["recall"] == 1.0  # no gold words of it to miss: all its F1 is precision
    assert row(scores, "other")["f1"] == 0.0
    assert row(scores, "headline") == {
        "label": "headline",
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "words": 0,
    }
    assert row(scores, "other")["precision"] == 0.0
    assert scores.confusion == {
        ("navigation", "navigation"): 2,
        ("fundraising", "navigation"): 2,
        ("body", "other"): 7,
    }


def test_a_label_given_only_where_it_is_accepted_scores_one():
    scores = WordScores()
    appeal = GOLD[1:2]  # fundraising, navigation accepted
    scores.add(classified("navigation", texts=[appeal[0].text]), appeal)
    assert row(scores, "navigation")["f1"] == row(scores, "fundraising")["f1"] == 1.0
    assert row(scores, "body")["f1"] == 0.0  # in neither the gold labels nor the output


def test_scoring_does_not_depend_on_how_the_page_was_split():
    scores = WordScores()
    texts = ["Home", "News Donate today The river", "rose and the council met"]
    scores.add(classified("navigation", "navigation", "body", texts=texts), GOLD)
    assert row(scores, "body") == pytest.approx(
        {"label": "body", "precision": 1.0, "recall": 5 / 7, "f1": 2 * (5 / 7) / (1 + 5 / 7), "words": 7}
    )
    assert 0 < scores.macro_f1() < 1


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    page = {"blocks": [*GOLD_LINES, {"text": "By Ada Lane", "label": "other", "accept": ["other"]}]}
    path.write_text(json.dumps(page) + "\n" + "{broken\n" + json.dumps(page) + "\n")
    return path


def test_evaluate_stops_at_a_malformed_line_by_default(gold_file):
    result = CliRunner().invoke(app, ["evaluate", str(gold_file)])
    assert result.exit_code == 2
    assert f"{gold_file}:2: not JSON" in result.stderr


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


HTML_PAGE = (
    "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<p>The river rose and the council met on Friday to talk about the old flood wall again.</p>"
    "</body></html>"
)


def test_evaluate_reads_html_documents_and_reports_per_page_type(tmp_path):
    path = tmp_path / "mixed.jsonl"
    html_doc = {
        "source": "https://river.example/a",
        "input_format": "html",
        "html": HTML_PAGE,
        "page_type": "article",
        "blocks": [
            {"text": "Home News", "label": "navigation"},
            {"text": HTML_PAGE.split("<p>")[1].split("</p>")[0], "label": "body"},
        ],
    }
    text_doc = {"page_type": "forum", "blocks": GOLD_LINES}
    path.write_text(json.dumps(html_doc) + "\n" + json.dumps(text_doc) + "\n")
    result = CliRunner().invoke(app, ["evaluate", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["inputs"] == ["html", "text"]
    assert {name: t["documents"] for name, t in report["page_types"].items()} == {"article": 1, "forum": 1}
    body = {r["label"]: r["words"] for r in report["page_types"]["article"]["labels"]}["body"]
    assert body == 17
    table = CliRunner().invoke(app, ["evaluate", str(path)]).stdout
    assert "page type article (1 document):" in table and "html and text input" in table


def test_evaluate_rejects_a_label_no_plugin_declares(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"blocks": [{"text": "Nice post", "label": "comments"}]}) + "\n")
    result = CliRunner().invoke(app, ["evaluate", str(path)])
    assert result.exit_code == 2 and "unknown label 'comments'" in result.stderr


def test_evaluate_scores_body_extraction_of_wcxb_pages_per_page_type(tmp_path):
    root = tmp_path / "pages"
    (root / "html").mkdir(parents=True)
    (root / "ground-truth").mkdir()
    story = [
        "The river rose and the council met on Friday to talk about the old flood wall again. "
        "Residents filled the hall, and many of them had brought photographs of their flooded cellars.",
        "Engineers said the wall could be raised by half a metre before winter. The work would cost "
        "less than expected, they said, because the foundations were still sound after sixty years.",
    ]
    page = "<html><body><nav><a href='/'>Home</a></nav><article>"
    page += "".join(f"<p>{p}</p>" for p in story) + "</article></body></html>"
    truth = "\n\n".join(story)
    for file_id in ("1", "2"):
        (root / "html" / f"{file_id}.html").write_text(page)
        (root / "ground-truth" / f"{file_id}.json").write_text(
            json.dumps({"url": "https://river.example/", "ground_truth": {"main_content": truth}})
        )
    meta = {"files": {"1": {"page_type": "article"}, "2": {"page_type": "forum"}}}
    (root / "metadata.json").write_text(json.dumps(meta))
    (root / "html" / "3.html.gz").write_bytes(b"\x1f\x8bnot gzip at all")
    (root / "ground-truth" / "3.json").write_text(json.dumps({"ground_truth": {"main_content": truth}}))
    result = CliRunner().invoke(app, ["evaluate", str(root), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "3.html.gz: corrupt gzip data" in result.stderr
    rows = {r["page_type"]: r for r in json.loads(result.stdout)["extraction"]}
    assert set(rows) == {"article", "forum", "overall"} and rows["overall"]["pages"] == 2
    assert rows["article"]["f1"] == rows["forum"]["f1"] > 0.5
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path)])
    assert result.exit_code == 2 and "not in the WCXB layout" in result.stderr


class Labeller:
    """A stand-in runner labelling every block of a plain-text document from a lookup by text."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels, self.seen = labels, []

    def classify_bytes(self, content: bytes, source: str) -> Document:
        self.seen.append(source)
        if content.startswith(b"<"):
            raise ValueError("unreadable")
        texts = content.decode().split("\n\n")
        return Document(
            source, "text", [Block(i, t, label=self.labels.get(t, "other")) for i, t in enumerate(texts)]
        )


def test_score_labelled_adds_up_documents_overall_and_per_page_type():
    from pageparts.labels.evaluation import score_labelled
    from pageparts.labels.labelled import LabelledDocument

    runner = Labeller({"Home News": "navigation", "The river rose and the council met": "body"})
    documents = [
        LabelledDocument(GOLD, "a", page_type="article"),
        LabelledDocument(GOLD, "b", page_type="article"),
        LabelledDocument(GOLD, "c", page_type="forum"),
    ]
    scored = score_labelled(documents, {"text": runner, "html": None}, skipped=2)
    assert runner.seen == ["a", "b", "c"]
    assert (scored.documents, scored.skipped, scored.inputs) == (3, 2, ["text"])
    assert scored.type_counts == {"article": 2, "forum": 1}
    assert row(scored.scores, "body")["words"] == 21 and row(scored.by_type["article"], "body")["words"] == 14
    assert row(scored.scores, "fundraising")["recall"] == 0.0  # "Donate today" came out other
    report = scored.to_dict()
    assert report["page_types"]["forum"]["documents"] == 1 and report["macro_f1"] == scored.scores.macro_f1()
    assert scored.table().startswith("3 documents (2 lines skipped), text input, per-word scores:")


def test_score_extraction_scores_the_body_text_and_tells_the_pages_it_cannot_read(tmp_path):
    from pageparts.labels.evaluation import score_extraction
    from pageparts.training.wcxb import Page

    good, bad = tmp_path / "good.txt", tmp_path / "bad.html"
    good.write_text("Home News\n\nThe river rose and the council met")
    bad.write_text("<html>")
    pages = [
        Page("good", "example.org", "article", good, {"main_content": "The river rose and the council met"}),
        Page("bad", "example.org", "article", bad, {"main_content": "anything"}),
    ]
    told = []
    runner = Labeller({"The river rose and the council met": "body"})
    scores = score_extraction(pages, runner, told.append)
    assert told == [f"{bad}: unreadable (not scored)"]
    assert scores.rows()[0] == {
        "page_type": "article",
        "pages": 1,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
    }
