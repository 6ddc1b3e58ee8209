import random
import re

import pytest
from pageparts.input.charsets import decode_text
from pageparts.splitters.text import _BLANK_LINE, pageparts_split, split_text


def test_blank_lines_separate_blocks_and_lines_inside_a_block_stay_together():
    assert split_text("Home\n\nThe first line\nthe second line\n\nFooter") == [
        "Home",
        "The first line\nthe second line",
        "Footer",
    ]


def test_crlf_trailing_spaces_and_runs_of_blank_lines():
    text = "One  \r\n \r\n\r\n\t\r\nTwo\t \r\nthree \r\n\r\n"
    assert split_text(text) == ["One", "Two\nthree"]


def test_text_without_blank_lines_gives_one_block_per_line():
    assert split_text("Home\nNews\nA long sentence about the weather.\n") == [
        "Home",
        "News",
        "A long sentence about the weather.",
    ]


def test_empty_and_whitespace_only_text_have_no_blocks():
    assert split_text("") == []
    assert split_text(" \n\n \t\n") == []


def test_nul_bytes_are_refused():
    with pytest.raises(ValueError, match="binary"):
        split_text("abc\x00def")


def test_decoding_falls_back_to_cp1252_for_non_utf8_bytes():
    assert decode_text("café".encode("cp1252")) == "café"
    assert decode_text("\ufeffnaïve".encode()) == "naïve"


def test_the_hook_only_splits_text_and_numbers_blocks():
    assert pageparts_split(b"a\n\nb", "html") is None
    blocks, meta = pageparts_split(b"a\n\nb\nc", "text")
    assert [(b.index, b.text, b.features["lines"]) for b in blocks] == [(0, "a", 1), (1, "b\nc", 2)]
    assert meta == {}


_RUN_OF_SPACES = re.compile(r"[ \t\f\v\u00a0]+")


def _split_line_by_line(text: str) -> list[str]:
    """``split_text`` as it was written first, each line tidied on its own, every run of spaces
    replaced (the reference)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    blocks = []
    for chunk in chunks:
        lines = (_RUN_OF_SPACES.sub(" ", line).strip() for line in chunk.split("\n"))
        block = "\n".join(line for line in lines if line)
        if block:
            blocks.append(block)
    return blocks


def test_tidying_all_lines_at_once_gives_what_tidying_each_line_gives():
    rng = random.Random(7)
    alphabet = ["a", "B", "é", " ", "  ", "\t", "\f", "\v", "\u00a0", "\u2003", "\u3000", "\x85", "\u2028"]
    alphabet += ["\n", "\n", "\r", "\r\n", "\n \n", "\n\u00a0\n", "\n\t\n\n"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert split_text(text) == _split_line_by_line(text), repr(text)
