"""The visual report: one self-contained HTML page per classified document, plus an index.

Each page shows the blocks coloured by label, every vote, a label filter, the extracted text,
scores against gold labels, and lets a person correct labels and export them as labelled
blocks (docs/report.md). Nothing in a page is fetched from the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ...host.runner import Result, Runner
from ...input.charsets import decode_html
from ...input.reading import InputError, read_source
from ...labels.labelled import LabelledBlock
from .data import document_data, match_gold
from .page import IndexRow, render_document, render_index, render_page

__all__ = [
    "IndexRow",
    "document_data",
    "match_gold",
    "read_pages",
    "render_document",
    "render_index",
    "render_page",
    "write_report",
]

Page = tuple[Result, str | None]
"""A classified document (or an error) and, for HTML input, the page's decoded HTML."""


def read_pages(runner: Runner, sources: Iterable[str]) -> Iterator[Page]:
    """Classify each source, keeping the HTML of HTML pages; a failing source gives an error Result."""
    for source in sources:
        try:
            content = read_source(source, runner.options.max_bytes)
            document = runner.classify_bytes(content, source)
        except InputError as error:
            yield Result(source, error=str(error)), None
            continue
        except Exception as error:  # one bad document must not stop the report
            yield Result(source, error=f"{type(error).__name__}: {' '.join(str(error).split())}"), None
            continue
        html = decode_html(content)[0] if document.input_format == "html" else None
        yield Result(source, document=document), html


def report_name(number: int, source: str) -> str:
    """A file name for a document's report page: its number and a tidy form of its file name."""
    base = "stdin" if source == "-" else re.split(r"[\\/]", source.rstrip("/\\"))[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:80].strip("._") or "document"
    return f"{number:04d}-{base}.html"


def write_report(
    pages: Iterable[Page], out_dir: str | Path, gold: Mapping[str, list[LabelledBlock]] | None = None
) -> list[IndexRow]:
    """Write one report page per document into ``out_dir`` (created if needed) and ``index.html``;
    ``gold`` maps a source to its labelled blocks. Returns the index rows (errors included)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: list[IndexRow] = []
    for number, (result, html) in enumerate(pages, 1):
        document = result.document
        if document is None:
            rows.append(IndexRow(result.source, error=result.error or "not classified"))
            continue
        blocks = gold.get(result.source) if gold else None
        name = report_name(number, result.source)
        data = document_data(document, html, blocks)
        (out / name).write_text(render_page(data, index="index.html"), encoding="utf-8", errors="replace")
        rows.append(IndexRow.of(document, name, data["scores"]["macro_f1"] if blocks is not None else None))
    (out / "index.html").write_text(render_index(rows), encoding="utf-8", errors="replace")
    return rows
