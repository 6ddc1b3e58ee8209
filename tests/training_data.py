"""Small fictional labelled documents for the training tests (no shared data)."""

from __future__ import annotations

import json
import random
from pathlib import Path

NAV = ["Home", "World", "Sport", "Weather", "Sign in", "Contact us", "Search"]
SUBJECTS = ["The council", "A local baker", "The harbour master", "Two students", "The new library"]
VERBS = ["opened", "repaired", "described", "rebuilt", "celebrated", "announced"]
OBJECTS = ["the old bridge", "a community garden", "the winter market", "a ferry timetable", "the museum"]
TAILS = [
    "after months of careful planning by volunteers.",
    "while neighbours gathered to watch in the rain.",
    "and said more work would follow next spring.",
    "despite a shortage of money and materials.",
]


def paragraph(rng: random.Random) -> str:
    sentences = [
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
        for _ in range(rng.randint(2, 3))
    ]
    return " ".join(sentences)


def document(i: int, site: str, rng: random.Random, weight: float = 1.0) -> dict:
    """A text document: a menu, a headline, body paragraphs, a related link and a footer."""
    blocks = [{"text": t, "label": "navigation", "weight": weight} for t in rng.sample(NAV, 4)]
    headline = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    blocks.append({"text": headline, "label": "headline"})
    blocks += [{"text": paragraph(rng), "label": "body"} for _ in range(rng.randint(3, 5))]
    related = f"Related: {rng.choice(OBJECTS)} reopens"
    blocks.append({"text": related, "label": "related-links", "weight": weight})
    blocks.append(
        {"text": f"© 2024 {site}", "label": "other", "accept": ["other", "navigation"], "weight": weight}
    )
    return {"source": f"https://{site}/story-{i}", "page_type": "article", "blocks": blocks}


def write_documents(path: Path, n_sites: int = 6, per_site: int = 2, weight: float = 1.0) -> Path:
    rng = random.Random(7)
    lines = [
        json.dumps(document(i, f"site{s}.example", rng, weight))
        for s in range(n_sites)
        for i in range(per_site)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path
