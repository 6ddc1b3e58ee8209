"""The vectorised vote matrix and labelling give what a loop over the votes gives, bit for bit."""

import random
from operator import attrgetter

import numpy as np
from pageparts.document import LABELS, MODEL, RULE, Block, Document, Vote
from pageparts.scoring.combine import CombineOptions, _one_title, _weighted_mean, combine, vote_matrix


def loop_vote_matrix(n: int, votes: list[Vote], weights: dict[str, float]) -> np.ndarray:
    """The vote matrix as it was computed before, one vote at a time."""
    column = {label: i for i, label in enumerate(LABELS)}
    model_sum = np.zeros((n, len(LABELS)))
    model_count = np.zeros_like(model_sum)
    rules = np.zeros_like(model_sum)
    for vote in votes:
        j = column.get(vote.label)
        weight = weights.get(vote.plugin, 1.0)
        if j is None or weight <= 0:
            continue
        score = min(1.0, weight * vote.score)
        if vote.source == MODEL:
            model_sum[vote.block, j] += score
            model_count[vote.block, j] += 1
        elif score > rules[vote.block, j]:
            rules[vote.block, j] = score
    model = np.divide(model_sum, model_count, out=np.zeros_like(model_sum), where=model_count > 0)
    return np.hstack([model, rules])


def random_votes(rng: random.Random, n: int) -> list[Vote]:
    return [
        Vote(
            rng.choice(["a", "b", "c", "d"]),
            rng.randrange(n),
            rng.choice([*LABELS, "x-extra"]),
            rng.choice([rng.random(), 0.0, 1.0, 1]),
            rng.choice(["html model: 0.5", "text model: 0.1", "a rule"]),
            rng.choice([MODEL, RULE]),
        )
        for _ in range(rng.randint(0, 12 * n))
    ]


def test_vote_matrix_equals_the_loop_bit_for_bit():
    rng = random.Random(5)
    for _ in range(300):
        n = rng.randint(1, 9)
        votes = random_votes(rng, n)
        weights = rng.choice([{}, {"a": 0.0, "b": 2.5}, {"c": -1.0, "d": 0.3}, {"a": float("nan")}])
        assert vote_matrix(n, votes, weights).tobytes() == loop_vote_matrix(n, votes, weights).tobytes()


def test_labels_are_what_the_row_by_row_loop_gave():
    rng = random.Random(9)
    for _ in range(200):
        n = rng.randint(1, 6)
        votes = [v for v in random_votes(rng, n) if v.source == RULE]
        document = Document("d", "text", [Block(i, "words") for i in range(n)])
        options = CombineOptions(learned=False, threshold=rng.choice([0.0, 0.5, 0.9]))
        combine(document, votes, options)
        labels, scores = _weighted_mean(n, sorted(votes, key=attrgetter("block", "plugin", "label")), {})
        if "headline" in labels:  # one run of headline blocks (tested in test_combine.py)
            scores, _ = _one_title(scores, labels.index("headline"), options.threshold)
        for block, row in zip(document.blocks, scores, strict=True):  # the loop combine had before
            best = int(np.argmax(row)) if labels else -1
            best_score = float(row[best]) if labels else 0.0
            if labels and best_score >= options.threshold:
                assert (block.label, block.confidence) == (labels[best], best_score)
            else:
                assert (block.label, block.confidence) == ("other", 1.0 - best_score)
