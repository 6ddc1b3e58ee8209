"""Writing results: a table for people, JSON Lines for programs, plain text for extraction."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TextIO

from ..document import CombinedScores
from ..host.runner import Result
from ..scoring.speedups import PURE, HotPath
from .jsonl import jsonl_record


def write_jsonl(result: Result, out: TextIO, path: HotPath = PURE, **_: object) -> None:
    """One JSON object per document per line (see docs/output.md for the schema); ``path`` (a
    runner's ``hot_path``) says which implementation writes it, the same text either way."""
    out.write(jsonl_record(result, path))
    out.write("\n")  # a write of its own: the record with it would be a copy of the record


def write_text(result: Result, out: TextIO, labels: tuple[str, ...] | None = None, **_: object) -> None:
    """The text of the blocks (with ``labels`` only, if given), one blank line apart."""
    if result.document is None:
        return
    text = result.document.text(labels)
    if text:
        out.write(text + "\n\n")


def write_table(
    result: Result,
    out: TextIO,
    labels: tuple[str, ...] | None = None,
    explain: bool = False,
    width: int = 60,
    **_: object,
) -> None:
    """Index, label, confidence and the first words of each block; votes with ``explain``."""
    origin = " (the page's own)" if result.url_from == "page" else ""
    out.write(f"== {result.source}{'  ' + result.url + origin if result.url else ''}\n")
    if result.document is None:
        out.write(f"   error: {result.error}\n\n")
        return
    for block in result.document.blocks:
        if labels is not None and block.label not in labels:
            continue
        preview = " ".join(block.text.split())
        preview = preview if len(preview) <= width else preview[: width - 1] + "…"
        out.write(f"{block.index:>5}  {block.label:<13} {block.confidence:4.2f}  {preview}\n")
        if explain:
            for vote in block.votes:
                out.write(f"{'':>7}{vote.plugin:>14} {vote.label:<13} {vote.score:4.2f}  {vote.reason}\n")
            out.writelines(combined_lines(result.document.combined, block.index))
    for warning in result.document.warnings:
        out.write(f"   warning: {warning}\n")
    out.write("\n")


def combined_lines(combined: CombinedScores | None, index: int) -> list[str]:
    """The combined scores of block ``index`` for ``--explain``: every label's, best first, how
    they were combined and the threshold; and why, when a rule of the combiner decided."""
    if combined is None:
        return []
    scores = " · ".join(f"{label} {score:.2f}" for label, score in combined.of(index)) or "no votes"
    how = f"{combined.method} combiner, threshold {combined.threshold:.2f}"
    lines = [f"{'':>7}{'combined':>14} {scores}  ({how})\n"]
    if index in combined.notes:
        lines.append(f"{'':>22}{combined.notes[index]}\n")
    return lines


WRITERS: dict[str, Callable[..., None]] = {"table": write_table, "jsonl": write_jsonl, "text": write_text}


def render(
    result: Result,
    format_name: str,
    labels: tuple[str, ...] | None = None,
    explain: bool = False,
    path: HotPath = PURE,
) -> str:
    """What ``WRITERS[format_name]`` writes for ``result``, as a string (made in worker processes);
    ``path`` is the runner's ``hot_path``, for the JSON Lines writer."""
    buffer = io.StringIO()
    WRITERS[format_name](result, buffer, labels=labels, explain=explain, path=path)
    return buffer.getvalue()
