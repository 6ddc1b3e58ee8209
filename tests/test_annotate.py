"""`pageparts annotate`: blocks to correct by hand, and reading the corrections back."""

from __future__ import annotations

import pytest
from pageparts.cli import app
from pageparts.labels.annotation import escape, unescape
from pageparts.labels.labelled import load_labelled
from typer.testing import CliRunner

HTML = (
    "<html><body><nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
    "<h1>Gulls return to the pier</h1>"
    "<p>The gulls came back to the pier this week, and the fishmongers are not pleased at all.</p>"
    "<p>Photo by Ada Lane</p></body></html>"
)
TEXT = "Menu\n\nA tide table for Tuesday\nHigh water at noon"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("text", ["plain", "a\tb", "two\nlines", "back\\slash\\n", ""])
def test_escaping_round_trips(text):
    assert "\n" not in escape(text) and "\t" not in escape(text)
    assert unescape(escape(text)) == text


@pytest.fixture
def pages(tmp_path):
    (tmp_path / "page.html").write_text(HTML)
    (tmp_path / "notes.txt").write_text(TEXT)
    return tmp_path


def test_annotate_writes_predictions_to_correct_and_reads_them_back(pages, tmp_path):
    form = tmp_path / "blocks.txt"
    result = run("annotate", pages / "page.html", pages / "notes.txt", "--out", form)
    assert result.exit_code == 0, result.output
    assert f"pageparts annotate --read {form}" in result.stderr
    lines = form.read_text().splitlines()
    assert lines[0].startswith("# pageparts annotate")
    assert f"== html {pages / 'page.html'}" in lines and f"== text {pages / 'notes.txt'}" in lines
    block_lines = [line for line in lines if "\t" in line]
    assert block_lines[-1].endswith("\tA tide table for Tuesday\\nHigh water at noon")
    corrected = [
        "other|body\tPhoto by Ada Lane" if line.endswith("\tPhoto by Ada Lane") else line for line in lines
    ]
    form.write_text("\n".join(corrected) + "\n")

    out = tmp_path / "labelled.jsonl"
    result = run("annotate", "--read", form, "--out", out)
    assert result.exit_code == 0, result.output
    (page, notes), skipped = load_labelled([out])
    assert skipped == 0
    assert page.input_format == "html" and page.html == HTML  # the source still splits the same
    caption = next(b for b in page.blocks if b.text == "Photo by Ada Lane")
    assert caption.label == "other" and caption.accept == {"other", "body"}
    assert notes.input_format == "text"
    assert notes.blocks[-1].text == "A tide table for Tuesday\nHigh water at noon"


def test_an_html_document_whose_source_changed_is_read_as_text(pages, tmp_path):
    form = tmp_path / "blocks.txt"
    assert run("annotate", pages / "page.html", "--out", form).exit_code == 0
    (pages / "page.html").write_text(HTML.replace("Gulls", "Crows"))
    out = tmp_path / "labelled.jsonl"
    assert run("annotate", "--read", form, "--out", out).exit_code == 0
    (page,), _ = load_labelled([out])
    assert page.input_format == "text" and page.html is None


def test_a_bad_line_names_the_file_and_line(pages, tmp_path):
    form = tmp_path / "blocks.txt"
    form.write_text(
        f"== text {pages / 'notes.txt'}\nnavigation\tMenu\nads\tA tide table\n"
        f"== text {pages / 'other.txt'}\nbody\tFine\n"
    )
    result = run("annotate", "--read", form, "--out", tmp_path / "out.jsonl")
    assert result.exit_code == 2 and f"{form}:3: unknown label 'ads'" in result.stderr
    result = run("annotate", "--read", form, "--out", tmp_path / "out.jsonl", "--on-error", "skip")
    assert result.exit_code == 0
    (only,), _ = load_labelled([tmp_path / "out.jsonl"])
    assert [b.text for b in only.blocks] == ["Fine"]
    form.write_text("body\tno header\n")
    result = run("annotate", "--read", form, "--out", tmp_path / "out.jsonl")
    assert result.exit_code == 2 and f"{form}:1: a block before the first" in result.stderr
