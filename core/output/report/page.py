"""The report's HTML: one self-contained page per document (inline CSS, script and data), and the index."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from html import escape
from importlib.resources import files
from string import Template

from ...document import LABELS, Document
from ..wording import counted
from .data import document_data, label_words
from .preview import preview

PALETTE: tuple[tuple[str, str], ...] = (
    ("#2f5fb3", "#e3ecfa"),
    ("#a35200", "#fdebd3"),
    ("#6d3bb0", "#efe6fa"),
    ("#23773a", "#e0f2e4"),
    ("#0b6f77", "#dcf1f2"),
    ("#5d6168", "#eceef0"),
    ("#a3285e", "#fae3ec"),
    ("#6b6b0c", "#f1f1d6"),
    ("#7a4a20", "#f3e6da"),
    ("#3d4fa0", "#e4e7f6"),
)
"""(strong, tint) colour per label, by position in the label list; white text reads on every strong one."""


@cache
def _asset(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def script_json(data: object) -> str:
    """``data`` as JSON that can sit inside a ``<script>`` element: ``<``, ``>`` and ``&`` are
    written as \\u escapes, so no text in it can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _policy(script: str | None) -> str:
    """A Content-Security-Policy that lets only our own inline script run and nothing load."""
    scripts = "'none'"
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        scripts = f"'sha256-{digest}'"
    return f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:"


def _template(name: str) -> Template:
    return Template(_asset(name))


def render_document(
    document: Document, html: str | None = None, gold: list[dict] | None = None, index: str | None = None
) -> str:
    """The report page of one classified document.

    ``html`` is the page's decoded HTML (kept for the export of corrections), ``gold`` its
    labelled blocks (adds per-label scores and marks the blocks that disagree), ``index`` the
    address of the index page to link back to.
    """
    return render_page(document_data(document, html, gold), index)


def render_page(data: dict, index: str | None = None) -> str:
    """The report page for ``data`` made by ``document_data``; for HTML input it includes the
    page without scripts or network fetches, with the blocks outlined (see ``preview``)."""
    script = _asset("report.js")
    data = {**data, "colours": PALETTE}
    if "html" in data:
        colours = [PALETTE[n % len(PALETTE)][0] for n in range(len(data["labels"]))]
        texts = [block["text"] for block in data["blocks"]]
        labels = [block["label"] for block in data["blocks"]]
        data["preview"] = preview(data["html"], labels, texts, colours, data["labels"])
    facts = [counted(len(data["blocks"]), "block"), f"{data['input_format']} input"]
    if data["title"]:
        facts.append(f"title: {data['title']}")
    return _template("report.html").substitute(
        policy=_policy(script),
        title=escape(f"pageparts: {data['source']}"),
        css=_asset("report.css"),
        back=f'<p><a href="{escape(index)}">All documents</a></p>\n' if index else "",
        source=escape(data["source"]),
        facts=escape(" · ".join(facts)),
        warnings="".join(f'<p class="warn">warning: {escape(w)}</p>\n' for w in data["warnings"]),
        data=script_json(data),
        script=script,
    )


@dataclass
class IndexRow:
    """One document in the index: its report file (None on error) and what it holds."""

    source: str
    href: str | None = None
    error: str | None = None
    blocks: int = 0
    label_blocks: dict[str, int] = field(default_factory=dict)
    label_words: dict[str, int] = field(default_factory=dict)
    macro_f1: float | None = None

    @classmethod
    def of(cls, document: Document, href: str, macro_f1: float | None = None) -> IndexRow:
        counts: dict[str, int] = {}
        for block in document.blocks:
            counts[block.label] = counts.get(block.label, 0) + 1
        words = dict(label_words(document))
        return cls(document.source, href, None, len(document.blocks), counts, words, macro_f1)


def render_index(rows: list[IndexRow]) -> str:
    """The index page: every document with its blocks per label (and words per label as a bar),
    its macro F1 against gold labels when there are any, and its error if it failed."""
    extra = sorted({label for row in rows for label in row.label_blocks} - set(LABELS))
    labels = [*LABELS, *extra]
    gold = any(row.macro_f1 is not None for row in rows)
    failed = sum(row.error is not None for row in rows)
    head = "".join(
        f'<th><span class="chip small l{n}">{escape(name)}</span></th>' for n, name in enumerate(labels)
    )
    return _template("index.html").substitute(
        policy=_policy(None),
        css=_asset("report.css"),
        colours="".join(
            ".l{}{{--c:{};--t:{}}}\n".format(n, *PALETTE[n % len(PALETTE)]) for n in range(len(labels))
        ),
        summary=counted(len(rows), "document") + (f", {failed} failed" if failed else ""),
        head=head + ("<th>macro F1</th>" if gold else ""),
        rows="\n".join(_index_row(row, labels, gold) for row in rows),
    )


def _index_row(row: IndexRow, labels: list[str], gold: bool) -> str:
    name = escape(row.source)
    cell = (
        f'<td class="doc"><a href="{escape(row.href)}">{name}</a></td>'
        if row.href
        else f'<td class="doc">{name}</td>'
    )
    if row.error is not None:
        span = len(labels) + 2 + gold
        return f'<tr>{cell}<td colspan="{span}" class="err">error: {escape(row.error)}</td></tr>'
    total = sum(row.label_words.values()) or 1
    bar = "".join(
        f'<span class="l{n}" style="width:{100 * row.label_words[label] / total:.2f}%"></span>'
        for n, label in enumerate(labels)
        if row.label_words.get(label)
    )
    counts = "".join(f'<td class="num">{row.label_blocks.get(label, 0)}</td>' for label in labels)
    score = ""
    if gold:
        score = f'<td class="num">{row.macro_f1:.3f}</td>' if row.macro_f1 is not None else "<td></td>"
    mini = f'<td><div class="mini">{bar}</div></td>'
    return f'<tr>{cell}<td class="num">{row.blocks}</td>{mini}{counts}{score}</tr>'
