"""The labelled-block format (docs/labelled-blocks.md): reading, checking and writing it."""

from __future__ import annotations

import gzip
import json

import pytest
from pageparts.labels.labelled import (
    LabelledBlock,
    LabelledDocument,
    LabelledError,
    known_labels,
    load_labelled,
    parse,
    read_labelled,
    write_labelled,
)

GOLD_LINE = {
    "doc_id": "0001",
    "source": "wcxb-dev/0001",
    "page_type": "article",
    "blocks": [
        {"text": "Home News", "label": "navigation", "accept": ["navigation", "other"]},
        {"text": "Lanterns light the harbour", "label": "headline", "accept": ["headline"]},
    ],
}
CLASSIFY_LINE = {
    "source": "page.txt",
    "blocks": [
        {"index": 0, "text": "Sign in", "label": "navigation", "confidence": 0.8, "votes": []},
        {"index": 1, "text": "The ferry ran late again.", "label": "body", "confidence": 0.7, "votes": []},
    ],
}


def test_the_gold_format_reads_as_is():
    document = parse(json.dumps(GOLD_LINE))
    assert document.source == "wcxb-dev/0001" and document.page_type == "article"
    assert document.input_format == "text" and document.html is None
    assert document.blocks[0] == LabelledBlock("Home News", "navigation", frozenset({"navigation", "other"}))
    assert document.blocks[1].weight == 1.0
    assert document.plain_text() == "Home News\n\nLanterns light the harbour"
    assert document.content() == document.plain_text().encode()


def test_classify_output_reads_as_is_and_its_labels_are_the_predictions():
    document = parse(json.dumps(CLASSIFY_LINE))
    assert [(b.label, b.accept) for b in document.blocks] == [
        ("navigation", {"navigation"}),
        ("body", {"body"}),
    ]


def test_the_site_is_the_domain_else_the_host_of_the_source_else_the_source():
    assert parse(json.dumps({**GOLD_LINE, "domain": "lanterns.example"})).site == "lanterns.example"
    url = {**GOLD_LINE, "source": "https://www.lanterns.example/a/b"}
    assert parse(json.dumps(url)).site == "www.lanterns.example"
    assert parse(json.dumps(GOLD_LINE)).site == "wcxb-dev/0001"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"blocks": "x"}, "'blocks' is not a list"),
        ({"blocks": [{"text": "a"}]}, "needs a text and a label"),
        ({"blocks": [{"index": 3, "text": "a", "label": "body"}]}, "index must be its position"),
        ({"blocks": [{"text": "a", "label": "body", "weight": 2}]}, "'weight' must be a number from 0 to 1"),
        ({"blocks": [{"text": "a", "label": "body", "accept": "body"}]}, "'accept' must be a list"),
        ({"input_format": "pdf"}, "input_format 'pdf'"),
        ({"input_format": "html"}, "needs the page as a string in 'html'"),
        ({"source": 7}, "'source' must be a string"),
    ],
)
def test_a_bad_document_says_what_is_wrong(change, message):
    with pytest.raises(LabelledError, match=message):
        parse(json.dumps({**GOLD_LINE, **change}))


def test_an_unknown_label_is_named_with_the_known_ones():
    labels = known_labels([("comments",)])
    assert "comments" in labels and "body" in labels
    line = {"blocks": [{"text": "Nice post!", "label": "comments"}, {"text": "x", "label": "ads"}]}
    with pytest.raises(LabelledError, match=r"block 1: unknown label 'ads' \(known: body, comments,"):
        parse(json.dumps(line), labels)


def test_an_error_record_of_classify_is_not_a_document():
    with pytest.raises(LabelledError, match=r"an error record.*binary content"):
        parse(json.dumps({"source": "x.bin", "error": "binary content"}))


def test_bad_lines_are_named_by_file_and_line_and_skipped_or_stopped_at(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(GOLD_LINE) + "\n\n{not json\n" + json.dumps(CLASSIFY_LINE) + "\n")
    read = list(read_labelled(path))
    assert [where for where, _ in read] == [f"{path}:1", f"{path}:3", f"{path}:4"]
    assert isinstance(read[1][1], LabelledError) and "not JSON" in str(read[1][1])
    messages: list[str] = []
    documents, skipped = load_labelled([path], stop=False, report=messages.append)
    assert (len(documents), skipped) == (2, 1)
    assert messages == [f"{path}:3: {read[1][1]}"]
    with pytest.raises(LabelledError, match=f"{path}:3: not JSON"):
        load_labelled([path], stop=True)
    with pytest.raises(LabelledError, match="no such file"):
        load_labelled([tmp_path / "missing.jsonl"])


def test_writing_and_reading_back_keeps_everything_gzipped_or_not(tmp_path):
    document = LabelledDocument(
        [
            LabelledBlock("Donate", "fundraising", frozenset({"navigation"}), 0.6),
            LabelledBlock("Lanterns light the harbour", "headline"),
        ],
        source="https://lanterns.example/story",
        input_format="html",
        html="<h1>Lanterns light the harbour</h1>",
        page_type="article",
        domain="lanterns.example",
    )
    for name in ("out.jsonl", "out.jsonl.gz"):
        path = tmp_path / name
        assert write_labelled([document, document], path) == 2
        documents, skipped = load_labelled([path])
        assert documents == [document, document] and skipped == 0
    assert gzip.decompress((tmp_path / "out.jsonl.gz").read_bytes()).startswith(b'{"source"')
    line = json.loads((tmp_path / "out.jsonl").read_text().splitlines()[0])
    assert line["blocks"][0] == {
        "index": 0,
        "text": "Donate",
        "label": "fundraising",
        "accept": ["fundraising", "navigation"],
        "weight": 0.6,
    }
    assert line["blocks"][1] == {"index": 1, "text": "Lanterns light the harbour", "label": "headline"}
