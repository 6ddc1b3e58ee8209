"""The plain-text splitter: blocks are runs of lines separated by blank lines.

Text without any blank line is split into one block per line instead, since a page
copied from a browser without paragraph gaps still has one block per line.
"""

from __future__ import annotations

import re

from ..document import Block
from ..facts import TextFacts
from ..hookspecs import hookimpl
from ..input.charsets import decode_text

_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_SPACES = re.compile(r"[\t\f\v\u00a0][ \t\f\v\u00a0]*| [ \t\f\v\u00a0]+")
"""A run of spaces, tabs and the like, but a lone space (which is left as it is): each becomes a space."""
_ODD_SPACES = ("\t", "\f", "\v", "\u00a0")


def split_text(text: str) -> list[str]:
    """The block texts of a plain-text page, whitespace tidied, empty blocks dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise ValueError("binary content (NUL bytes) is not plain text")
    chunks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    # the runs of spaces replaced in one pass: they never reach across a line (or the NUL, which
    # the text does not hold, put between the chunks), so each line is tidied as on its own
    joined = "\x00".join(chunks)
    if "  " in joined or any(space in joined for space in _ODD_SPACES):  # else there is nothing to tidy
        joined = _SPACES.sub(" ", joined)
    blocks = []
    for chunk in joined.split("\x00"):
        if "\n" in chunk:
            block = "\n".join(line for line in (line.strip() for line in chunk.split("\n")) if line)
        else:
            block = chunk.strip()
        if block:
            blocks.append(block)
    return blocks


@hookimpl
def pageparts_split(content: bytes, input_format: str) -> tuple[list[Block], dict] | None:
    if input_format != "text":
        return None
    texts = split_text(decode_text(content))
    return [
        Block(index=i, text=t, features=TextFacts._trusted({"lines": t.count("\n") + 1}))
        for i, t in enumerate(texts)
    ], {}
