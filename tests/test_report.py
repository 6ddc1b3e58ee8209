"""The HTML report without a browser: its data, escaping, gold matching, files and commands."""

import json
import re

import pytest
from pageparts.cli import app
from pageparts.document import LABELS, Block, Document, Vote
from pageparts.host.runner import Result, Runner
from pageparts.labels.labelled import LabelledBlock, LabelledDocument
from pageparts.output.report import document_data, match_gold, read_pages, render_document, write_report
from pageparts.output.report.data import block_gold
from pageparts.output.report.page import script_json
from pageparts.splitters import html as html_splitter
from pageparts.splitters.html import split_html
from typer.testing import CliRunner

from .conftest import KeywordPlugin, registry_with

PAGE = (
    "Home\n\nWeather\n\n"
    "Harbour bridge reopens after repairs\n\n"
    "The harbour bridge opened again on Monday after six weeks of repairs to its deck, and the first "
    "buses crossed at dawn. Shop owners near the river said trade had fallen by half.\n\n"
    "Give $5 to keep the Gazette free.\n"
)


def _data(html: str) -> dict:
    """The JSON data embedded in a report page."""
    found = re.search(r'<script type="application/json" id="pageparts-data">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def _document(*blocks: tuple[str, str], votes: int = 1) -> Document:
    return Document(
        "doc.txt",
        "text",
        [
            Block(i, text, label=label, confidence=0.7, votes=[Vote("p", i, label, 0.7, "why")] * votes)
            for i, (text, label) in enumerate(blocks)
        ],
    )


def test_script_json_cannot_close_its_script_element():
    text = '</script><script>alert(1)</script><!-- & "><img src=x onerror=alert(2)>'
    embedded = script_json({"text": text})
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded) == {"text": text}


def test_page_text_only_appears_escaped_in_the_html(tmp_path):
    evil = '"><img src=x onerror=alert(1)> </script><script>alert(2)</script>'
    document = _document((evil, "body"))
    document.source = evil
    document.warnings.append(evil)
    page = render_document(document)
    assert "<img" not in page and "alert(2)</script>" not in page
    assert page.count("<script") == 2  # the data and our own script, nothing from the page
    assert _data(page)["blocks"][0]["text"] == evil


def test_data_lists_builtin_labels_then_plugin_labels_and_numbers_votes():
    runner = Runner(registry=registry_with(cook=KeywordPlugin("cook", "recipe", "bridge")))
    document = runner.classify_bytes(PAGE.encode(), "page.txt")
    data = document_data(document)
    assert data["labels"] == [*LABELS, "recipe"]
    bridge = data["blocks"][2]
    assert data["labels"][bridge["label"]] == "recipe"
    assert bridge["votes"] == [["cook", 6, 0.9, "contains bridge"]]
    assert "html" not in data and "scores" not in data


def test_document_key_changes_with_the_blocks():
    first = document_data(_document(("a", "body"), ("b", "other")))["key"]
    assert first == document_data(_document(("a", "body"), ("b", "other")))["key"]
    assert first != document_data(_document(("a", "body"), ("c", "other")))["key"]


def test_block_gold_marks_blocks_whose_words_gold_does_not_accept():
    document = _document(("Home News", "navigation"), ("The bridge reopens today", "other"), ("Ads", "body"))
    gold = [
        LabelledBlock("Home News", "navigation"),
        LabelledBlock("The bridge reopens today", "body"),
        LabelledBlock("Ads", "other", frozenset({"body"})),
    ]
    assert block_gold(document, gold) == [("navigation", True), ("body", False), ("other", True)]
    data = document_data(document, gold=gold)
    assert [b["agrees"] for b in data["blocks"]] == [True, False, True]
    rows = {row["label"]: row for row in data["scores"]["rows"]}
    assert rows["body"]["recall"] == 0.0 and rows["navigation"]["f1"] == 1.0


def test_match_gold_by_source_or_single_position():
    a, b, c = ([LabelledBlock(text, "body")] for text in ("a", "b", "c"))
    gold = [LabelledDocument(a, "a.html"), LabelledDocument(b, "b.html"), LabelledDocument(c)]
    matched, unmatched = match_gold(gold, ["b.html", "a.html", "c.html"])
    assert matched == {"a.html": a, "b.html": b}
    assert unmatched == ["document 3"]
    assert match_gold([LabelledDocument(c, "elsewhere")], ["mine.txt"]) == ({"mine.txt": c}, [])


HTML_PAGE = """<!doctype html><html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body>
<nav><a href="/">Home</a> <a href="/x">Sport</a></nav>
<h1>Caf\xe9 on the quay reopens</h1>
<p>The caf\xe9 on the quay opened its doors again on Friday after the spring floods had closed it for a
month, and the owners served free coffee to the volunteers who cleared the mud.</p>
</body></html>"""


def test_write_report_keeps_the_html_so_an_export_splits_again(tmp_path):
    page = tmp_path / "cafe.html"
    page.write_bytes(HTML_PAGE.encode("cp1252"))
    runner = Runner(registry=registry_with(**{"html-splitter": html_splitter}))
    rows = write_report(read_pages(runner, [str(page), str(tmp_path / "missing.html")]), tmp_path / "out")
    assert [row.href for row in rows] == ["0001-cafe.html.html", None]
    assert rows[1].error == f"no such file: {tmp_path / 'missing.html'}"
    data = _data((tmp_path / "out" / rows[0].href).read_text(encoding="utf-8"))
    assert data["input_format"] == "html"
    texts = [b["text"] for b in data["blocks"]]
    assert any("Café on the quay" in text for text in texts)
    for html in (data["html"], data["html"].encode("utf-8")):  # as training reads it, str or bytes
        assert [b.text for b in split_html(html)[0]] == texts
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="0001-cafe.html.html"' in index
    assert "error: no such file" in index and "1 failed" in index


def test_index_counts_blocks_per_label(tmp_path):
    document = _document(("a", "body"), ("b", "body"), ("c", "recipe"))
    [row] = write_report([(Result("doc.txt", document=document), None)], tmp_path)
    assert row.label_blocks == {"body": 2, "recipe": 1}
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert ">recipe</span></th>" in index
    cells = re.search(r'<td class="doc">.*?</tr>', index).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', cells) == ["3", "0", "0", "0", "2", "0", "0", "1"]


@pytest.fixture
def cli():
    return lambda *args: CliRunner().invoke(app, list(args))


def test_report_command_with_gold(cli, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    blocks = [{"text": t, "label": "body"} for t in PAGE.strip().split("\n\n")]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "whatever", "blocks": blocks}) + "\n")
    result = cli("report", str(page), "--out", str(tmp_path / "out"), "--gold", str(gold))
    assert result.exit_code == 0, result.output
    data = _data((tmp_path / "out" / "0001-page.txt.html").read_text(encoding="utf-8"))
    wrong = [b["agrees"] is False for b in data["blocks"]]
    assert wrong == [data["labels"][b["label"]] != "body" for b in data["blocks"]]
    assert "macro F1" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_report_command_failures(cli, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    missing = cli("report", str(page), str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"))
    assert missing.exit_code == 1
    assert "nope.txt: no such file" in missing.output
    bad_gold = tmp_path / "bad.jsonl"
    bad_gold.write_text("{not json\n")
    result = cli("report", str(page), "--out", str(tmp_path / "o2"), "--gold", str(bad_gold))
    assert result.exit_code == 2 and "bad.jsonl:1: not JSON" in result.output


def test_classify_format_html_needs_an_output_directory(cli, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    assert cli("classify", str(page), "--format", "html").exit_code == 2
    result = cli("classify", str(page), "--format", "html", "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["0001-page.txt.html", "index.html"]


def test_preview_keeps_the_text_drops_what_runs_or_fetches_and_marks_block_owners():
    from pageparts.output.report.preview import preview

    html = """<html><head><base href="https://example.invalid/"><link rel="stylesheet" href="s.css">
    <meta http-equiv="refresh" content="0; url=https://example.invalid/">
    <style>@import "x.css"; body { background: url(https://example.invalid/bg.png) }</style></head>
    <body onload="go()"><nav><a href="/home">Home</a></nav><script>go()</script>
    <h1 style="background-image: url('https://example.invalid/h.png')">Ferry back</h1>
    <p>The ferry runs again<br><br>from Monday <img src="https://example.invalid/i.png" srcset="a.png 2x"></p>
    <iframe src="https://example.invalid/ad"></iframe><svg><use xlink:href="https://example.invalid/#i"/></svg>
    </body></html>"""
    texts = ["Home", "Ferry back", "The ferry runs again", "from Monday"]
    out = preview(html, [0, 2, 3, 5], texts, ["#111", "#222", "#333", "#444", "#555", "#666"], list(LABELS))
    for gone in (
        "<script",
        "<iframe",
        "<link",
        "<base",
        "refresh",
        "onload",
        "href",
        "src",
        "url(",
        "@import",
    ):
        assert gone not in out.lower(), gone
    assert "outline:2px solid #333" in out
    assert "<li" not in out and '<h1 style="background-image: none" data-pp="2" title="#1 headline">' in out
    assert '<p data-pp="3" title="#2 body">The ferry runs again' in out
    assert "<a>Home</a>" in out and "from Monday" in out
