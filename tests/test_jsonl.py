"""The fast JSON Lines record is exactly ``json.dumps(result.to_dict(), ensure_ascii=False)``."""

import io
import json
import random

import numpy as np
from pageparts.document import Block, Document, Vote
from pageparts.host.runner import Result
from pageparts.output.formats import write_jsonl
from pageparts.output.jsonl import jsonl_record

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
        block = Block(i, rng.choice(TEXTS), label=rng.choice(["body", "other"]), votes=votes)
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
