"""Labelled blocks (docs/labelled-blocks.md): reading and writing the JSON Lines format.

One module for every command that reads or writes labelled data (``train``, ``evaluate``,
``annotate``, ``label-from-truth``). The reader takes the hand-labelled gold set and the output
of ``pageparts classify --format jsonl`` as they are; a line that is not a labelled document
gives a message naming the file and line, and the caller decides whether to skip it or stop.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from .. import settings
from ..document import LABELS

INPUT_FORMATS = tuple(name for name in settings.INPUT_FORMATS if name != "auto")
"""The input formats a labelled document may have (``html``, ``text``)."""


class LabelledError(ValueError):
    """A line that is not a usable labelled document; the message names the file and line."""


@dataclass(frozen=True)
class LabelledBlock:
    """One block: its text, its best label, every label also accepted, and how sure it is (0-1)."""

    text: str
    label: str
    accept: frozenset[str] = frozenset()
    weight: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "accept", frozenset(self.accept) | {self.label})

    def to_dict(self, index: int) -> dict[str, Any]:
        out: dict[str, Any] = {"index": index, "text": self.text, "label": self.label}
        if self.accept != {self.label}:
            out["accept"] = [self.label, *sorted(self.accept - {self.label})]
        if self.weight != 1.0:
            out["weight"] = round(self.weight, 4)
        return out


@dataclass
class LabelledDocument:
    """A labelled document: its blocks in reading order, and where it comes from."""

    blocks: list[LabelledBlock]
    source: str = ""
    input_format: str = "text"
    html: str | None = None
    page_type: str = ""
    domain: str = ""

    @property
    def site(self) -> str:
        """The web site, for folds grouped by site: ``domain``, else the host in ``source``, else it."""
        if self.domain:
            return self.domain
        host = urlsplit(self.source).hostname if "://" in self.source else None
        return host or self.source

    def plain_text(self) -> str:
        """The plain-text form: block texts joined by one blank line (exactly how it is classified)."""
        return "\n\n".join(block.text for block in self.blocks)

    def content(self) -> bytes:
        """What to classify: the HTML of an ``html`` document, else the plain-text form."""
        if self.input_format == "html" and self.html is not None:
            return self.html.encode("utf-8")
        return self.plain_text().encode("utf-8")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.source:
            out["source"] = self.source
        out["input_format"] = self.input_format
        for name in ("domain", "page_type"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.html is not None:
            out["html"] = self.html
        out["blocks"] = [block.to_dict(i) for i, block in enumerate(self.blocks)]
        return out


def known_labels(declared: Iterable[Iterable[str]] = ()) -> frozenset[str]:
    """The six built-in labels and every label the given plugins declare."""
    return frozenset(LABELS).union(*declared)


def parse(line: str, labels: Collection[str] | None = None) -> LabelledDocument:
    """One line of a labelled-block file as a document; LabelledError says what is wrong.

    ``labels``, if given, are the labels a block may have (others are an error).
    """
    try:
        data = json.loads(line)
    except ValueError as error:
        raise LabelledError(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise LabelledError(f"not a labelled document: a JSON {type(data).__name__}, not an object")
    if "blocks" not in data:
        if "error" in data:
            raise LabelledError(f"an error record, not a labelled document: {data['error']}")
        raise LabelledError("not a labelled document: no 'blocks'")
    blocks = data["blocks"]
    if not isinstance(blocks, list):
        raise LabelledError("'blocks' is not a list")
    input_format = data.get("input_format", "text")
    if input_format not in INPUT_FORMATS:
        raise LabelledError(f"input_format {input_format!r} is not one of {', '.join(INPUT_FORMATS)}")
    html = data.get("html")
    if input_format == "html" and not isinstance(html, str):
        raise LabelledError("input_format 'html' needs the page as a string in 'html'")
    strings = {}
    for name in ("source", "doc_id", "page_type", "domain"):
        value = data.get(name, "")
        if not isinstance(value, str):
            raise LabelledError(f"'{name}' must be a string")
        strings[name] = value
    return LabelledDocument(
        blocks=[_block(i, b, labels) for i, b in enumerate(blocks)],
        source=strings["source"] or strings["doc_id"],
        input_format=input_format,
        html=html if input_format == "html" else None,
        page_type=strings["page_type"],
        domain=strings["domain"],
    )


def _block(position: int, data: object, labels: Collection[str] | None) -> LabelledBlock:
    where = f"block {position}"
    if not isinstance(data, dict):
        raise LabelledError(f"{where} is not an object")
    text, label = data.get("text"), data.get("label")
    if not isinstance(text, str) or not isinstance(label, str) or not label:
        raise LabelledError(f"{where}: each block needs a text and a label (strings)")
    if "index" in data and data["index"] != position:
        raise LabelledError(f"{where} has index {data['index']!r}; the index must be its position")
    accept = data.get("accept") or [label]
    if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept):
        raise LabelledError(f"{where}: 'accept' must be a list of labels")
    weight = data.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1:
        raise LabelledError(f"{where}: 'weight' must be a number from 0 to 1, not {weight!r}")
    if labels is not None:
        unknown = sorted({label, *accept} - set(labels))
        if unknown:
            raise LabelledError(
                f"{where}: unknown label {unknown[0]!r} (known: {', '.join(sorted(labels))}; "
                "a plugin that declares it must be installed)"
            )
    return LabelledBlock(text, label, frozenset(accept), float(weight))


def _open(path: Path) -> IO[str]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def read_labelled(
    path: Path, labels: Collection[str] | None = None
) -> Iterator[tuple[str, LabelledDocument | LabelledError]]:
    """For each non-blank line of ``path`` (JSON Lines, gzipped or not): ("FILE:LINE", the document),
    or ("FILE:LINE", the LabelledError) for a line that is not a usable labelled document."""
    with _open(path) as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield f"{path}:{number}", parse(line, labels)
                except LabelledError as error:
                    yield f"{path}:{number}", error


def load_labelled(
    paths: Iterable[Path],
    labels: Collection[str] | None = None,
    stop: bool = True,
    report: Callable[[str], None] = lambda message: None,
) -> tuple[list[LabelledDocument], int]:
    """Every labelled document in ``paths`` and the number of lines skipped.

    A bad line is passed to ``report`` as "FILE:LINE: message"; with ``stop`` it then raises
    LabelledError with that message, else it is skipped. A missing file raises LabelledError.
    """
    documents: list[LabelledDocument] = []
    skipped = 0
    for path in paths:
        if not path.is_file():
            raise LabelledError(f"no such file: {path}")
        for where, read in read_labelled(path, labels):
            if isinstance(read, LabelledError):
                message = f"{where}: {read}"
                report(message)
                if stop:
                    raise LabelledError(message)
                skipped += 1
            else:
                documents.append(read)
    return documents, skipped


def dumps(document: LabelledDocument) -> str:
    """One line of the format (no trailing newline)."""
    return json.dumps(document.to_dict(), ensure_ascii=False)


def write_labelled(documents: Iterable[LabelledDocument], path: Path) -> int:
    """Write ``documents`` to ``path`` (gzipped when it ends in ``.gz``); returns how many."""
    count = 0
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as handle:
        for document in documents:
            handle.write(dumps(document) + "\n")
            count += 1
    return count
