"""scripts/hand_labels.py: reading specs, applying them to a page's blocks, drafting them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .script_module import load_script

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "hand_labels.py"
TEXTS = [
    "Home",
    "About us",
    "A quiet harbour",
    "The boats came in at dawn.",
    "Donate today",
    "(c) Harbour News",
]


def _load():
    return load_script(SCRIPT, "hand_labels")


def _spec(*lines: str, blocks: int = len(TEXTS)) -> str:
    hl = _load()
    header = ["# source: wcxb-dev/9999", f"# blocks: {blocks}", f"# digest: {hl.digest(TEXTS)}"]
    return "\n".join(header + list(lines)) + "\n"


def test_later_lines_override_and_aliases_expand():
    hl = _load()
    spec = hl.parse_spec(_spec("0-5 nav", "2 head", "3 body   # the story", "4 fund nav other", "5 other"))
    labels = [label for label, _ in spec.labels]
    assert labels == ["navigation", "navigation", "headline", "body", "fundraising", "other"]
    assert spec.labels[4][1] == {"navigation", "other"}
    blocks = hl.apply(spec, TEXTS, "x.spec")
    assert [b.label for b in blocks] == labels
    assert blocks[4].accept == {"fundraising", "navigation", "other"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (("0-4 nav",), "blocks without a label: 5"),
        (("0-6 nav",), "outside blocks 0-5"),
        (("0-5 menu",), "expected 'RANGES LABEL"),
        (("a-b nav",), "not a list of block ranges"),
    ],
)
def test_bad_specs_name_the_problem(lines, message):
    hl = _load()
    with pytest.raises(hl.SpecError, match=message):
        hl.parse_spec(_spec(*lines), "x.spec")


def test_a_changed_split_is_caught():
    hl = _load()
    spec = hl.parse_spec(_spec("0-5 body"))
    with pytest.raises(hl.SpecError, match="relabel it"):
        hl.apply(spec, [*TEXTS[:-1], "(c) Another owner"], "x.spec")


def test_a_draft_reads_back_as_the_predictions():
    hl = _load()
    predicted = ["navigation", "navigation", "headline", "body", "fundraising", "other"]
    spec = hl.parse_spec(hl.draft("wcxb-dev/9999", TEXTS, predicted))
    assert [label for label, _ in spec.labels] == predicted
    assert spec.digest == hl.digest([f"  {t}  " for t in TEXTS])  # whitespace does not count
