"""The fast JSON Lines record is exactly ``json.dumps(result.to_dict(), ensure_ascii=False)``."""

import io
import json
import os
import random

import numpy as np
import pytest
from pageparts.document import Block, Document, Vote
from pageparts.host.runner import Result
from pageparts.output.formats import write_jsonl
from pageparts.output.jsonl import _ENCODE, _blocks, _leaf, _number, _pieces, _vote_pieces, jsonl_record
from pageparts.scoring.speedups import HotPath, compiled_available

_BLOCK_HELPERS = (_ENCODE, _leaf, _pieces, _vote_pieces, _number)


class _Text(str):
    """A str of another type: the writers encode it as ``json`` does."""


TEXTS = [
    '"blocks": []',
    "plain words",
    "ünïcödé – “quotes”",
    "tab\tnew\nline\x00\x1f",
    "back\\slash",
    "",
    "😀",
]
REASONS = ["html model: 0.53", "12 of 14 words are links", 'a "quoted" reason', "", "ümlaut"]


def random_score(rng: random.Random):
    return rng.choice(
        [
            rng.random(),
            rng.choice([0.0, 1.0, 0.5, 1e-9, 0.99995, 0.00005, 0.123456789]),
            rng.choice([0, 1, True]),
            np.float64(rng.random()),
            float("nan"),
        ]
    )


def random_result(rng: random.Random) -> Result:
    blocks = []
    for i in range(rng.randint(0, 6)):
        votes = [
            Vote(
                rng.choice(["body", "navigation", "x-plugin"]),
                i,
                rng.choice(["body", "other", "comment-box"]),
                random_score(rng),
                rng.choice(REASONS),
            )
            for _ in range(rng.randint(0, 5))
        ]
        text = rng.choice(TEXTS)
        block = Block(
            rng.choice([i, i, True]),
            _Text(text) if rng.random() < 0.1 else text,
            label=rng.choice(["body", "other", _Text("body")]),
            votes=votes,
        )
        block.confidence = random_score(rng)
        blocks.append(block)
    document = Document(rng.choice(TEXTS), "html", blocks)
    if rng.random() < 0.3:
        document.warnings.append(rng.choice(TEXTS))
    result = Result(
        rng.choice(["a.html", '"blocks": [] "q"']),
        document if rng.random() < 0.9 else None,
        error=rng.choice([None, "refused: binary"]),
        url=rng.choice([None, "", "https://example.org/ä"]),
        id=rng.choice([None, "rec-1"]),
        url_from=rng.choice([None, "page"]),
    )
    return result


def test_record_is_json_dumps_of_to_dict_on_random_results():
    rng = random.Random(11)
    votes = 0
    for _ in range(2000):
        result = random_result(rng)
        assert jsonl_record(result) == json.dumps(result.to_dict(), ensure_ascii=False)
        votes += sum(len(b.votes) for b in result.document.blocks) if result.document else 0
    assert votes > 5000


def test_record_with_unhashable_reason_and_writer_adds_a_newline():
    block = Block(0, "x", votes=[Vote("p", 0, "body", 0.5, ["not", "a", "string"])])  # type: ignore[arg-type]
    result = Result("s", Document("s", "text", [block]))
    out = io.StringIO()
    write_jsonl(result, out)
    assert out.getvalue() == json.dumps(result.to_dict(), ensure_ascii=False) + "\n"


def test_a_score_is_written_as_json_writes_it_rounded():
    rng = random.Random(5)
    steps = [k / 10_000 for k in range(10_001)]
    halves = [(k + 0.5) / 10_000 for k in range(10_000)]  # near a tie: the binary value decides
    nearby = [float(np.nextafter(x, d)) for x in steps + halves for d in (0.0, 1.0)]
    odd = [0.0, -0.0, 1.0, 5e-324, 1e-9, 4.9999e-5, 5e-5, 5.0001e-5, 0.99995, 0.999949999, 1e-4]
    values = steps + halves + nearby + odd + [rng.random() for _ in range(200_000)]
    values = [v for v in values if 0.0 <= v <= 1.0]
    assert len(values) > 250_000
    assert [_number(v) for v in values] == [json.dumps(round(v, 4)) for v in values]
    for other in (1.5, -0.25, 12345678.12345, 2, True, np.float64(0.123456), float("nan"), float("inf")):
        assert _number(other) == json.dumps(round(other, 4))


_compiled = pytest.mark.skipif(
    not compiled_available() and os.environ.get("PAGEPARTS_REQUIRE_COMPILED") != "1",
    reason="the compiled extension is not built",
)


@_compiled
def test_the_compiled_writer_writes_the_same_records():
    rng = random.Random(12)
    compiled = HotPath(compiled=True)
    for _ in range(2000):
        result = random_result(rng)
        assert jsonl_record(result, compiled) == json.dumps(result.to_dict(), ensure_ascii=False)
    block = Block(0, "x", votes=[Vote("p", 0, "body", 0.5, ["not", "a", "string"])])  # type: ignore[arg-type]
    result = Result("s", Document("s", "text", [block]))
    out = io.StringIO()
    write_jsonl(result, out, path=compiled)
    assert out.getvalue() == json.dumps(result.to_dict(), ensure_ascii=False) + "\n"


@_compiled
def test_the_compiled_writer_writes_scores_alike():
    rng = random.Random(6)
    steps = [k / 10_000 for k in range(10_001)]
    halves = [(k + 0.5) / 10_000 for k in range(10_000)]
    nearby = [float(np.nextafter(x, d)) for x in steps + halves for d in (0.0, 1.0)]
    odd = [0.0, -0.0, 1.0, 5e-324, 1e-9, 4.9999e-5, 5e-5, 0.99995, 0.999949999, 1e-4, float("nan"), 1.5]
    values = steps + halves + nearby + odd + [rng.random() for _ in range(100_000)]
    votes = [Vote("body", 0, "body", v, "html model: 0.5") for v in values]
    compiled = HotPath(compiled=True).json_blocks(*_BLOCK_HELPERS)
    blocks = [
        Block(i, "x", votes=votes[start : start + 1000]) for i, start in enumerate(range(0, len(votes), 1000))
    ]
    for i, value in enumerate(values[: len(blocks)]):
        blocks[i].confidence = value
    assert compiled(blocks) == _blocks(blocks)
    assert compiled([Block(0, "x")]) == _blocks([Block(0, "x")])
    assert compiled([]) == _blocks([]) == ""
