"""Word F1 from counted words gives what the bag-of-words intersection gave, and the headline's
title matcher what ``title_match`` gives."""

import random
from collections import Counter

from pageparts.document import Block
from pageparts.labels.extraction_scores import word_prf, words
from pageparts.plugins.headline import title_match, title_matcher

VOCABULARY = ["river", "River", "bridge", "the", "a", "Arch", "Linux", "forums", "ÉTÉ", "x1", "-", "/", " "]


def old_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    got, want = Counter(words(predicted)), Counter(words(truth))
    if not got and not want:
        return 1.0, 1.0, 1.0
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def random_text(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(0, 12)))


def test_word_prf_is_the_intersection_formula():
    rng = random.Random(1)
    nonzero = 0
    for _ in range(3000):
        a, b = random_text(rng), random_text(rng)
        prf = word_prf(a, b)
        assert (prf.precision, prf.recall, prf.f1) == old_prf(a, b)
        nonzero += 0 < prf.f1 < 1
    assert nonzero > 500


def test_title_matcher_is_title_match():
    rng = random.Random(2)
    for _ in range(300):
        title = random_text(rng)
        match = title_matcher(title)
        for _ in range(5):
            block = Block(0, random_text(rng))
            expected = (
                0.0 if not words(title) or len(block.text.split()) > 2 * len(words(title)) + 2 else None
            )
            assert match(block) == title_match(block, title)
            assert match(block) == (expected if expected is not None else old_prf(block.text, title)[2])
