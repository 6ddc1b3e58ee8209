"""bench/compare.py on a tiny invented WCXB-like folder: the pageparts-only path, and a missing tool."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from pathlib import Path

import pytest
from pageparts.training.labels import is_held_out

from .script_module import load_script

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "compare.py"
PAGE_TYPES = ("article", "forum", "product", "service", "documentation")


def _load_script():
    return load_script(SCRIPT, "bench_compare")


def _held_out_domains(count: int) -> list[str]:
    found = [d for d in (f"site{i}.example" for i in range(2000)) if is_held_out(d)]
    return found[:count]


def _page(number: int) -> tuple[str, str, str]:
    """Invented HTML, its main content and its title."""
    title = f"Notes on river number {number}"
    paragraphs = [
        f"The river {number} runs past the old mill and the village green before it reaches the sea.",
        "Anglers come in spring for the trout, and walkers follow the towpath in every season.",
    ]
    html = (
        f"<html><head><title>{title} | Example site</title></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/about'>About us</a></li></ul></nav>"
        f"<article><h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"
        "<footer><p>Copyright Example site. All rights reserved.</p></footer></body></html>"
    )
    return html, "\n\n".join(paragraphs), title


@pytest.fixture
def wcxb_folder(tmp_path: Path) -> Path:
    (tmp_path / "html").mkdir()
    (tmp_path / "ground-truth").mkdir()
    files = {}
    for number, (domain, page_type) in enumerate(zip(_held_out_domains(5), PAGE_TYPES, strict=True), 1):
        file_id = f"{number:04d}"
        html, main_content, title = _page(number)
        (tmp_path / "html" / f"{file_id}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
        truth = {"file_id": file_id, "ground_truth": {"title": title, "main_content": main_content}}
        (tmp_path / "ground-truth" / f"{file_id}.json").write_text(json.dumps(truth))
        files[file_id] = {"split": "dev", "page_type": page_type, "domain": domain, "spa": False}
    (tmp_path / "metadata.json").write_text(json.dumps({"name": "invented", "files": files}))
    return tmp_path


def _row(output: str, label: str) -> list[str]:
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no {label!r} row in:\n{output}")


def test_pageparts_only_run(wcxb_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compare = _load_script()
    assert compare.main(["--data", str(wcxb_folder), "--tools", "pageparts", "--timeout", "60"]) == 0
    output = capsys.readouterr().out
    assert "5 pages of held-out domains" in output
    row = _row(output, "pageparts (body)")
    f1 = float(row[2])
    assert 0.0 <= f1 <= 1.0
    assert row[-2:] == ["0", "0"]  # no failures, no time-outs
    assert re.search(r"\d", row[-3])  # a speed was measured
    _row(output.split("## Titles", 1)[1], "pageparts (body)")  # the headline table has its row


def test_missing_competitor_is_reported(wcxb_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compare = _load_script()
    missing = [t for t in compare.TOOLS.values() if importlib.util.find_spec(t.module) is None]
    if not missing:
        pytest.skip("every competitor is importable here")
    tool = missing[0]
    assert compare.main(["--data", str(wcxb_folder), "--tools", tool.name]) == 0
    row = _row(capsys.readouterr().out, tool.label or tool.name)
    assert row[1].startswith("not installed:")


def test_readability_html_to_text_keeps_words_apart() -> None:
    compare = _load_script()
    text = compare._html_to_text("<div><p>one</p><p>two<br>three</p><ul><li>four</li></ul></div>")
    assert text.split() == ["one", "two", "three", "four"]
