"""Patterns rewritten for speed find exactly what the patterns they replace found."""

import random
import re

import pytest
from pageparts.plugins import body
from pageparts.scoring.rules import _case_sensitive, at_word_start

# the body plugin's patterns as they were written before ``at_word_start``
OLD_COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b|\blicen[cs]ed under\b|\bcreative commons\b"
    r"|\bcc[ -]by\b",
    re.IGNORECASE,
)
OLD_CREDIT = re.compile(
    r"\((?:photo|image|photograph|picture|illustration|graphic)s?\b[^)]{0,80}\)"
    r"|\b(?:photo|image|photograph|picture|illustration)s?\s*(?:by\b|:|credit\b|courtesy\b|source\b)"
    r"|\bgetty images\b|\bshutterstock\b|\bap photo\b|\bvia getty\b|\bcourtesy of\b|\bphoto credit\b",
    re.IGNORECASE,
)

PIECES = [
    "photo",
    "photos",
    "photograph",
    "photographs",
    "image",
    "images",
    "picture",
    "illustration",
    "graphic",
    "getty",
    "images",
    "shutterstock",
    "ap",
    "photo",
    "via",
    "getty",
    "courtesy",
    "of",
    "credit",
    "by",
    "source",
    "copyright",
    "all",
    "rights",
    "reserved",
    "licensed",
    "licenced",
    "under",
    "creative",
    "commons",
    "cc-by",
    "cc",
    "by",
    "(c)",
    "2024",
    "©",
    "Photo",
    "COPYRIGHT",
    "Getty",
    "xphoto",
    "photox",
    "_photo",
    "1photo",
    "éphoto",
    "photoé",
    "river",
    "bridge",
    "the",
    "a",
]
GLUE = [" ", "  ", "", ":", "(", ")", ".", ",", "-", "_", "\n", "\x00", "é", "1", "'"]


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(GLUE) for _ in range(rng.randint(1, 40)))


def matches(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group(0)) for m in pattern.finditer(text)]


@pytest.mark.parametrize(("new", "old"), [(body._COPYRIGHT, OLD_COPYRIGHT), (body._CREDIT, OLD_CREDIT)])
def test_rewritten_patterns_match_as_before_on_random_text(new, old):
    rng = random.Random(7)
    found = 0
    for _ in range(3000):
        text = random_text(rng)
        expected = matches(old, text)
        assert matches(new, text) == expected, text
        lowered = text.lower()  # as Facts.hits runs them: case-sensitive on lower-cased text
        assert matches(_case_sensitive(new), lowered) == matches(_case_sensitive(old), lowered), text
        found += len(expected)
    assert found > 1000  # the random texts do exercise the patterns


def test_at_word_start_moves_the_boundary_behind_a_plain_first_character():
    assert at_word_start("cat") == r"c(?<!\w\w)at"
    assert at_word_start(r"\(c\)") == r"\b\(c\)"  # not a word character: the boundary stays first
    assert at_word_start("s?he") == r"\bs?he"  # a quantified first character: likewise
    pattern = re.compile(at_word_start("cat") + r"\b")
    assert [m.start() for m in pattern.finditer("cat scat cat_ cat. xcat 1cat -cat")] == [0, 14, 30]


def test_a_separated_line_passes_the_cheap_test_first():
    from pageparts.plugins import related_links

    rng = random.Random(5)
    pieces = [
        "by",
        "By",
        " ",
        "\u00a0",
        "·",
        "|",
        "•",
        "–",
        "—",
        "-",
        "2024",
        "7",
        "٣",
        "²",
        "½",
        "x",
        "Jane",
        ",",
        ":",
    ]
    texts = ["", "by", "by ", "2024", "a ٣", "b ²", "x | y", "by\u00a0x", "bye 1999"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    separated = 0
    for text in texts:
        if related_links._SEPARATED.search(text) is not None:
            separated += 1
            assert related_links._may_be_separated(text), text
    assert separated > 5000
