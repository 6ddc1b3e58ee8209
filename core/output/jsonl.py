"""A result as one JSON Lines record: ``json.dumps(result.to_dict(), ensure_ascii=False)``, made faster.

A page has a few hundred blocks and over a thousand votes; building a dict per vote and encoding
it took about a tenth of the classify path. Here the blocks and votes are written straight to
text (their field names, plugin names, labels and reasons encoded once and remembered), and the
rest of the record (source, url, url_from, id, warnings) is ``Result.to_dict``'s own, encoded by ``json``
with an empty block list that the blocks' text then fills. Same characters as ``json.dumps``
(tests/test_jsonl.py compares them on random results). On the compiled path (``jsonl_record``'s
``path``), the blocks are written by ``_speedups.json_blocks``, the compiled twin of ``_blocks``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..document import Block, Document, Vote
from ..host.runner import Result
from ..scoring.speedups import PURE, HotPath

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_EMPTY_BLOCKS = '"blocks": []'
_MAX_KEPT = 20_000


def jsonl_record(result: Result, path: HotPath = PURE) -> str:
    """The JSON text of ``result.to_dict()`` (without a newline), as ``json.dumps`` would write it;
    ``path`` (a runner's ``hot_path``) says which implementation writes the votes."""
    document = result.document
    if document is None or not document.blocks:
        return _ENCODE(result.to_dict())
    without_blocks = Result(
        result.source,
        _without_blocks(document),
        result.error,
        None,
        result.url,
        result.id,
        url_from=result.url_from,
    )
    head = _ENCODE(without_blocks.to_dict())
    # a key is the only place this text can occur: a quote inside a JSON string is escaped
    at = head.index(_EMPTY_BLOCKS) + len(_EMPTY_BLOCKS) - 1
    if path.compiled:
        blocks = path.json_blocks(_ENCODE, _leaf, _pieces, _vote_pieces, _number)(document.blocks)
    else:
        blocks = _blocks(document.blocks)
    return "".join((head[:at], blocks, head[at:]))  # one copy of the record, not two


def _without_blocks(document: Document) -> Document:
    return Document(document.source, document.input_format, [], document.meta, document.warnings)


def _blocks(blocks: list[Block]) -> str:
    """The blocks' JSON texts, joined by ", " (the reference of ``_speedups.json_blocks``)."""
    return ", ".join([_block(block) for block in blocks])


def _block(block: Block) -> str:
    return (
        f'{{"index": {_leaf(block.index)}, "text": {_ENCODE(block.text)}, "label": {_ENCODE(block.label)}, '
        f'"confidence": {_number(block.confidence)}, "votes": [{_votes(block.votes)}]}}'
    )


def _votes(votes: list[Vote]) -> str:
    """The votes' JSON texts, joined by ", " (the compiled writer's ``_votes_json`` does the same)."""
    texts = []
    for vote in votes:
        key = (vote.plugin, vote.label, vote.reason)
        try:
            pieces = _pieces[key]
        except (KeyError, TypeError):  # new, or not hashable
            pieces = _vote_pieces(*key)
        texts.append(pieces[0] + _number(vote.score) + pieces[1])
    return ", ".join(texts)


_pieces: dict[tuple[str, str, str], tuple[str, str]] = {}


def _vote_pieces(plugin: Any, label: Any, reason: Any) -> tuple[str, str]:
    """A vote's text before and after its score (remembered: votes share plugins, labels, reasons)."""
    pieces = (
        f'{{"plugin": {_ENCODE(plugin)}, "label": {_ENCODE(label)}, "score": ',
        f', "reason": {_ENCODE(reason)}}}',
    )
    if type(plugin) is str and type(label) is str and type(reason) is str:
        if len(_pieces) > _MAX_KEPT:
            _pieces.clear()
        _pieces[(plugin, label, reason)] = pieces
    return pieces


def _number(value: Any) -> str:
    """A score or confidence as ``to_dict`` rounds it and ``json`` writes it.

    For a float in [0, 1] (every score, as the runner checks them), that is ``repr(round(value,
    4))``: the digits of ``f"{value:.4f}"`` (both round the exact binary value to 4 decimals, half
    to even) without trailing zeros, in about a fifth of the time."""
    if type(value) is float and 0.0 <= value <= 1.0:
        text = f"{value:.4f}".rstrip("0")
        return text + "0" if text[-1] == "." else text
    rounded = round(value, 4)
    if type(rounded) is float and math.isfinite(rounded):
        return float.__repr__(rounded)
    return _ENCODE(rounded)


def _leaf(value: Any) -> str:
    return int.__repr__(value) if type(value) is int else _ENCODE(value)
