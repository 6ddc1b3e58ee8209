"""The page as a browser without scripts shows it, for the report's side-by-side view.

Scripts, frames, plugins and everything that would fetch from the network (``src``, ``href``,
``srcset``, ``url(...)`` in styles, ``<link>``, ``<base>``, ``<meta>`` refreshes, event
handler attributes) are removed, and the element that owns each block gets a ``data-pp``
attribute (its label's number) and a title, so a style rule outlines it in its label's colour.
The report shows the result in an ``<iframe sandbox srcdoc>``, which may not run scripts either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from ...splitters.html import BLOCK_TAGS, INVISIBLE_TAGS, parse

REMOVED_TAGS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "meta", "base", "portal"}
)
"""Elements dropped with their content (``<meta charset>`` is written again)."""

REMOVED_ATTRIBUTES = frozenset(
    {"src", "srcset", "href", "xlink:href", "action", "formaction", "ping", "poster", "background",
     "data", "codebase", "manifest", "lowsrc", "dynsrc", "imagesrcset", "srcdoc"}
)  # fmt: skip
"""Attributes that load or navigate somewhere (with every ``on...`` event handler)."""

_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.I)
_CSS_URL = re.compile(r"(?:url|image-set|image|src)\s*\((?:[^()]|\([^()]*\))*\)", re.I)
LOOSE = 8
"""How many blocks ahead a piece of page text is looked for before it is taken as not a block."""


def preview(
    html: str, labels: Sequence[int], texts: Sequence[str], colours: Sequence[str], names: Sequence[str]
) -> str:
    """The page ``html`` without scripts or network fetches, with the owner of each block outlined.

    ``labels[i]`` and ``texts[i]`` are block i's label number and text; ``colours[n]`` and
    ``names[n]`` the colour and name of label number n.
    """
    root = parse(html)
    if root is None:
        return ""
    _mark_blocks(root, texts, labels, names)
    _strip(root)
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    charset = etree.SubElement(head, "meta", charset="utf-8")
    head.remove(charset)
    head.insert(0, charset)
    style = etree.SubElement(head, "style")
    style.text = "".join(
        f'[data-pp="{n}"]{{outline:2px solid {colour} !important;outline-offset:1px}}\n'
        for n, colour in enumerate(colours)
    )
    return "<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="unicode")


def _key(text: str) -> str:
    return "".join(text.split())


def _segments(root: Any) -> list[tuple[Any, str]]:
    """The visible text of the page in order, cut where a block-level element starts or ends,
    each piece with the block-level element it is directly inside."""
    out: list[tuple[Any, str]] = []
    owners: list[Any] = []
    pieces: list[str] = []

    def flush() -> None:
        if pieces and owners:
            out.append((owners[-1], "".join(pieces)))
        pieces.clear()

    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    skipped = None
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event in ("comment", "pi"):  # only the text after it shows
            if el.tail and owners:
                pieces.append(el.tail)
        elif event == "start":
            if tag in INVISIBLE_TAGS or not tag or el.get("hidden") is not None:
                walker.skip_subtree()
                skipped = el
                continue
            if tag in BLOCK_TAGS:
                flush()
                owners.append(el)
            if el.text:
                pieces.append(el.text)
        else:
            if el is skipped:
                skipped = None
            elif tag in BLOCK_TAGS:
                flush()
                owners.pop()
            if el.tail and owners:
                pieces.append(el.tail)
    flush()
    return out


def _mark_blocks(root: Any, texts: Sequence[str], labels: Sequence[int], names: Sequence[str]) -> None:
    """Mark the element owning each block, matching block texts to page text in order."""
    keys = [_key(text) for text in texts]
    j = 0
    for owner, text in _segments(root):
        rest = _key(text)
        if not rest or j >= len(keys):
            continue
        ahead = next(
            (k for k in range(j, min(j + LOOSE, len(keys))) if keys[k] and rest.startswith(keys[k])), None
        )
        if ahead is None:
            continue
        j = ahead
        while j < len(keys) and keys[j] and rest.startswith(keys[j]):
            if owner.tag not in ("html", "body") and owner.get("data-pp") is None:
                owner.set("data-pp", str(labels[j]))
                owner.set("title", f"#{j} {names[labels[j]]}")
            rest = rest[len(keys[j]) :]
            j += 1


def _strip(root: Any) -> None:
    """Remove what could run or fetch."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in REMOVED_TAGS and el.getparent() is not None:
            _drop(el)
            continue
        for name in list(el.attrib):
            lowered = name.lower()
            if lowered.startswith("on") or lowered in REMOVED_ATTRIBUTES or lowered.endswith(":href"):
                del el.attrib[name]
            elif lowered == "style":
                el.set(name, _css(el.get(name)))
        if tag == "style" and el.text:
            el.text = _css(el.text)


def _css(text: str) -> str:
    """CSS without imports and with ``none`` for every ``url(...)`` (and ``image-set(...)``)."""
    return _CSS_URL.sub("none", _CSS_IMPORT.sub("", text))


def _drop(el: Any) -> None:
    """Remove ``el`` and its content, keeping the text after it."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
