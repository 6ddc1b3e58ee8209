"""The annotation text form (``pageparts annotate``): labelled blocks that are easy to correct by hand.

One line per block, ``LABEL<TAB>TEXT``, under a header line ``== FORMAT SOURCE`` per document;
lines starting with ``#`` are comments. ``LABEL`` may list more labels as ``body|other``: the
first is the label, all of them are accepted. In ``TEXT`` a backslash, a tab and a line break are
written ``\\\\``, ``\\t`` and ``\\n``. Reading it back gives labelled documents; an ``html``
document whose SOURCE file still splits into the same block texts keeps its HTML, any other is
read as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..document import Document
from ..input.reading import read_source
from .labelled import LabelledBlock, LabelledDocument, LabelledError

HEADER = "== "

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n"}


def escape(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


def unescape(text: str) -> str:
    out, chars = [], iter(text)
    for c in chars:
        out.append(_UNESCAPES.get(next(chars, "\\"), "\\") if c == "\\" else c)
    return "".join(out)


def write_annotation(documents: Iterable[Document], handle: TextIO, labels: Collection[str]) -> int:
    """Write classified ``documents`` in the text form, with instructions; returns how many."""
    handle.write(
        "# pageparts annotate: one block per line, LABEL<TAB>TEXT, under '== FORMAT SOURCE'.\n"
        "# Correct a block by changing its LABEL; 'body|other' makes body the label and also\n"
        "# accepts other. Do not edit the TEXT. Labels: " + " ".join(sorted(labels)) + "\n"
        "# When done: pageparts annotate --read THIS_FILE --out labelled.jsonl\n"
    )
    count = 0
    for document in documents:
        handle.write(f"{HEADER}{document.input_format} {document.source}\n")
        for block in document.blocks:
            handle.write(f"{block.label}\t{escape(block.text)}\n")
        count += 1
    return count


@dataclass
class _Draft:
    where: str
    input_format: str
    source: str
    blocks: list[LabelledBlock] = field(default_factory=list)
    error: str = ""


def read_annotation(
    path: Path, labels: Collection[str], split: Callable[[bytes, str], list[str]] | None = None
) -> Iterator[tuple[str, LabelledDocument | LabelledError]]:
    """For each document of the text form at ``path``: ("FILE:LINE" of its header, the labelled
    document), or the LabelledError for its first bad line. ``split(content, input_format)`` gives
    the block texts of a source file, to keep the HTML of ``html`` documents."""
    draft: _Draft | None = None
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n").rstrip("\r")
            where = f"{path}:{number}"
            if line.startswith(HEADER):
                if draft:
                    yield _finish(draft, split)
                input_format, _, source = line[len(HEADER) :].partition(" ")
                draft = _Draft(where, input_format, source)
                if input_format not in ("html", "text") or not source:
                    draft.error = f"{where}: expected '== html SOURCE' or '== text SOURCE'"
            elif line.startswith("#") or not line.strip():
                continue
            elif draft is None:
                yield where, LabelledError(f"{where}: a block before the first '== FORMAT SOURCE' line")
            elif not draft.error:
                draft.error = _add_block(draft, line, where, labels)
    if draft:
        yield _finish(draft, split)


def _add_block(draft: _Draft, line: str, where: str, labels: Collection[str]) -> str:
    names, tab, text = line.partition("\t")
    chosen = [n.strip() for n in names.split("|") if n.strip()]
    if not tab or not chosen:
        return f"{where}: expected LABEL<TAB>TEXT"
    unknown = [n for n in chosen if n not in labels]
    if unknown:
        return f"{where}: unknown label {unknown[0]!r} (known: {', '.join(sorted(labels))})"
    draft.blocks.append(LabelledBlock(unescape(text), chosen[0], frozenset(chosen)))
    return ""


def _finish(
    draft: _Draft, split: Callable[[bytes, str], list[str]] | None
) -> tuple[str, LabelledDocument | LabelledError]:
    if draft.error:
        return draft.where, LabelledError(draft.error)
    document = LabelledDocument(draft.blocks, source=draft.source)
    if draft.input_format == "html" and split is not None:
        try:
            content = read_source(draft.source)
            texts = split(content, "html")
        except (OSError, ValueError):
            texts = None
        if texts is not None and [t.split() for t in texts] == [b.text.split() for b in draft.blocks]:
            from ..input.charsets import decode_html

            document.input_format, document.html = "html", decode_html(content)[0]
    return draft.where, document
