"""The quick test in ``checked_votes`` accepts and refuses exactly what ``vote_problem`` does."""

import random
import re
from dataclasses import dataclass

import numpy as np
import pytest
from pageparts.document import Vote
from pageparts.host.contract import checked_votes, vote_problem


@dataclass
class NotAVote:
    plugin: str = "p"
    block: int = 0
    label: str = "body"
    score: float = 0.5
    reason: str = ""


class FloatSubclass(float):
    pass


ODD = [
    -0.1,
    1.5,
    float("nan"),
    float("inf"),
    1,
    0,
    True,
    np.float64(0.3),
    FloatSubclass(0.2),
    "0.5",
    None,
]


def random_vote(rng: random.Random):
    vote = Vote("p", rng.randrange(4), "body", rng.random(), "why")
    change = rng.randrange(8)
    if change == 0:
        vote = Vote("p", vote.block, "navigation", vote.score, vote.reason)
    elif change == 1:
        vote = Vote("p", vote.block, "body", rng.choice(ODD), vote.reason)
    elif change == 2:
        vote = Vote("p", rng.choice([-1, 3, 4, 2.0, True, np.int64(1)]), "body", vote.score, vote.reason)
    elif change == 3:
        vote = Vote("p", vote.block, "body", vote.score, rng.choice([None, 3, "ok"]))
    elif change == 4:
        vote = NotAVote()
    elif change == 5:
        vote = Vote(
            "p", vote.block, "body", vote.score, vote.reason, rng.choice(["model", "rule", "Model", None])
        )
    return vote


def test_checked_votes_refuses_as_vote_problem_would():
    rng = random.Random(3)
    refused = 0
    for _ in range(3000):
        cast = [random_vote(rng) for _ in range(rng.randint(0, 3))]
        problems = [p for p in (vote_problem(v, ("body", "other"), 4) for v in cast) if p]
        if problems:
            refused += 1
            with pytest.raises(ValueError, match="^" + re.escape(problems[0]) + "$"):
                checked_votes(cast, "p", ("body", "other"), 4)
        else:
            assert checked_votes(cast, "p", ("body", "other"), 4) == cast
    assert 500 < refused < 2900
