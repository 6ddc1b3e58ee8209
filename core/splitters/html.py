"""The HTML splitter: one block per run of visible text directly inside a block-level element.

The page is decoded (BOM, then a declared charset, then UTF-8, then windows-1252 with
replacement characters), parsed once with lxml's forgiving HTML parser and walked once,
without recursion. Every block-level element (``p``, ``div``, ``li``, ``h1``-``h6``,
``td``, ...) owns the inline text directly inside it; when it contains another block-level
element, the text before, between and after those children becomes separate blocks, so
``<div>A <p>B</p> C</div>`` gives "A", "B", "C". A ``<br>`` does not split a block, but a
blank line (two ``<br>`` with only whitespace between) does. Whitespace is collapsed to
single spaces (adjacent inline elements are not given one); empty blocks are dropped.

Invisible content is skipped: ``script``, ``style``, ``noscript``, ``template``, ``svg``,
``canvas``, ``iframe``, ``object``, ``select`` and the rest of INVISIBLE_TAGS, everything in
``<head>``, comments, processing instructions, control characters, and elements with the
``hidden`` attribute, ``aria-hidden="true"``, an inline style ``display:none`` or
``visibility:hidden``, ``<input type=hidden>`` or a ``<dialog>`` that is not ``open``.
Content that React's streaming server rendering parks in ``<div hidden id="S:n">`` is first
moved to where its inline script would put it. A page that shows fewer than 50 words this
way is read again as a browser with scripting off shows it (``<noscript>`` content visible,
inline styles ignored), and that reading is kept if it shows at least 50 words more.

A page libxml2 cannot read whole is repaired and read again, with a ``page repaired`` warning:
elements nested deeper than its limit are flattened (see ``flatten_deep``), and a ``<title>``
that was never closed, and so took the rest of the page as its text, is closed where its text
turns into markup (see ``close_swallowing_title``).

``meta`` is ``{"title": <text of <title>, "" if none>, "lang": <lang of <html>, "" if none>,
"url": <the page's own URL, "" if none>}``, and ``"warnings"`` (a list of strings) when the page
was repaired. The page's own URL is the ``href`` of ``<link rel="canonical">`` in ``<head>``, else
the ``content`` of ``<meta property="og:url">`` there; only an absolute ``http(s)`` URL with a host
counts (a relative or malformed one is passed over, see ``page_url``).

Every block's ``features`` is an ``HtmlFacts`` (``pageparts.facts``, where its fields are
documented): a frozen dataclass that is also a read-only mapping of its fields.
"""

from __future__ import annotations

import codecs
import os
import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from ..document import FALLBACK_LABEL, Block
from ..facts import HtmlFacts
from ..hookspecs import hookimpl
from ..input.charsets import BOMS_UTF16, decode_html
from ..scoring.speedups import compiled_blocks, compiled_control_free, compiled_early_end, compiled_walk

FORMAT = "html"

BLOCK_TAGS = frozenset(
    {
        "html", "body", "address", "article", "aside", "blockquote", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
        "hr", "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre",
        "search", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul", "xmp",
    }
)  # fmt: skip
"""Elements whose text starts a new block."""

INVISIBLE_TAGS = frozenset(
    {
        "head", "title", "script", "style", "noscript", "template", "svg", "math", "canvas",
        "iframe", "frame", "object", "embed", "applet", "audio", "video", "map", "datalist",
        "param", "source", "track", "link", "meta", "base", "select",
    }
)  # fmt: skip
"""Elements whose content (but not their tail) is never shown."""

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_EMPHASIS = frozenset({"strong", "b", "em", "i"})
_LISTS = {"ul": ("li",), "ol": ("li",), "menu": ("li",), "dir": ("li",), "dl": ("dt", "dd")}
_LANDMARK_TAGS = frozenset({"header", "nav", "footer", "aside", "main", "article", "form"})
_LANDMARK_ROLES = {
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "aside",
    "main": "main",
    "search": "form",
}
# A run of letters and digits, 2+ characters long, with at least one letter.
_WORD = re.compile(r"(?=[^\W_]{2})[^\W_]*[^\W\d_][^\W_]*")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")

# -- format detection -------------------------------------------------------------------------

_SNIFF_BYTES = 4096
_LEADING_JUNK = re.compile(rb"(?:\s+|<\?xml[^>]{0,200}>|<!--.*?-->)*", re.S)
_DOCUMENT_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>/]", re.I)
_COMMON_TAG = re.compile(
    rb"<(?:(?:div|p|span|li|ul|ol|table|tr|td|br|img|h[1-6]|meta|link|script|section|article|"
    rb"nav|header|footer|form|input|b|i|em|strong)[\s>/]|a\s+href\s*=)",
    re.I,
)
_CLOSE_TAG = re.compile(rb"</(?:div|p|a|span|li|ul|ol|table|tr|td|h[1-6]|script|b|i|em|strong)\s*>", re.I)


def looks_like_html(content: bytes) -> bool:
    """True when ``content`` starts like an HTML document or is dense with common HTML tags."""
    head = content[:_SNIFF_BYTES]
    if head.startswith(BOMS_UTF16):
        head = head.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    elif head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    start = _LEADING_JUNK.match(head)
    if _DOCUMENT_START.match(head, start.end() if start else 0):
        return True
    opened = len(_COMMON_TAG.findall(head))
    return opened >= 3 and _CLOSE_TAG.search(head) is not None


@hookimpl
def pageparts_detect_format(content: bytes) -> str | None:
    return FORMAT if looks_like_html(content) else None


# -- parsing and walking ----------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Control characters browsers do not draw (C0 except whitespace, DEL, C1); lxml would turn
# some of them into U+FFFD, and mis-encoded pages are full of C1 characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]+")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])  # the same, in UTF-8
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")


_PARSER_OPTIONS = {
    "recover": True,
    "huge_tree": True,
    "remove_pis": True,
    "no_network": True,
    "collect_ids": False,
}
"""Comments are kept (and skipped by the walk) because React's streaming markers are comments; the
id attributes are not put in a table (nothing here looks an element up by its id)."""


def _parser() -> etree.HTMLParser:
    return etree.HTMLParser(**_PARSER_OPTIONS)


def parse(text: str, utf8: bytes | None = None) -> Any:
    """Parse decoded HTML into an lxml root element (None for an empty document); ``utf8``, if
    given, is ``text`` in UTF-8 (the page's own bytes), which spares encoding the text again."""
    stripped = _XML_DECLARATION.sub("", text, count=1)
    if utf8 is not None and len(stripped) == len(text):  # no declaration removed: the same text
        data = utf8
    else:
        try:
            data = stripped.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: clean and parse the text itself
            return _parse(_CONTROL.sub("", stripped))
    text = stripped
    # libxml2 reads UTF-8 bytes faster than a str, and control characters are found (and
    # removed) far faster in the bytes: C0 and DEL are single bytes that never occur inside
    # a multi-byte sequence, and C1 characters are exactly the sequences \xc2\x80-\xc2\x9f.
    control_free = compiled_control_free()  # on the compiled path: whether there are any
    if control_free is not None and control_free(data):
        return _parse(text, data)
    cleaned = data.translate(None, _CONTROL_BYTES)
    if _C1_UTF8.search(cleaned) is not None:
        cleaned = _C1_UTF8.sub(b"", cleaned)
    if len(cleaned) != len(data):
        text = cleaned.decode("utf-8")
    return _parse(text, cleaned)


class TooDeep(ValueError):
    """libxml2 stopped reading at its nesting limit (2,047 levels): the tree is only part of the page."""


def _parse(text: str, data: bytes | None = None) -> Any:
    """Parse ``text`` (free of control characters), or ``data``, the same text in UTF-8."""
    if not text or text.isspace():  # as ``not text.strip()``, without copying the page
        return None
    parser = _parser() if data is None else _utf8_parser()
    try:
        root = etree.fromstring(text if data is None else data, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise ValueError(f"cannot parse HTML: {exc}".splitlines()[0]) from None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        # libxml2 stops reading at its nesting limit: the tree holds only part of the page
        raise TooDeep("cannot parse HTML: elements are nested too deeply (more than 2,047 levels)")
    if root is not None and (_REACT_SEGMENT in text if data is None else _REACT_SEGMENT_UTF8 in data):
        _place_react_segments(root)
    return root


def _utf8_parser() -> etree.HTMLParser:
    return etree.HTMLParser(**_PARSER_OPTIONS, encoding="utf-8")


# -- repairing pages the parser cannot read whole ----------------------------------------------

MAX_DEPTH = 512
"""Elements nested deeper than this are flattened when libxml2 refuses a page (Chromium's parser
stops nesting at the same depth)."""

# A comment, a script or style with its content, or a tag: group 1 "/" for an end tag, group 2
# the tag name.
_MARKUP = re.compile(
    r"<!--.*?-->|<(?:script|style)\b[^>]*>.*?</(?:script|style)\s*>|<(/?)([a-zA-Z][^\s/>]*)[^>]*>",
    re.S | re.I,
)
_VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr",
    }
)  # fmt: skip
_IMPLIED_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
"""Tags that close an open element of the same tag right above them (``<p>a<p>b``)."""
_BLOCK_BREAK = "<br><br>"  # a blank line: the walk ends the block there, without nesting anything


def flatten_deep(text: str, limit: int = MAX_DEPTH) -> str:
    """``text`` with the tags of elements nested deeper than ``limit`` removed, their text kept.

    The nesting is followed as a tolerant parser would (void elements, ``<p>`` and ``<li>`` that
    close their predecessor, end tags that close everything above their element, stray end tags
    ignored). A removed block-level tag becomes a blank line (two ``<br>``), so the text of deep
    paragraphs still falls into separate blocks; a removed inline tag leaves nothing.
    """
    pieces: list[str] = []
    done = 0
    stack: list[tuple[str, bool]] = []  # open elements: tag, and whether their tags are kept
    open_tags: dict[str, int] = {}
    broken = False  # whether the last piece is a blank line
    for match in _MARKUP.finditer(text):
        closing, tag = match.group(1, 2)
        if tag is None:
            continue
        tag = tag.lower()
        if closing:
            if not open_tags.get(tag):
                continue  # a stray end tag
            while True:
                top, kept = stack.pop()
                open_tags[top] -= 1
                if top == tag:
                    break
        else:
            if tag in _VOID_TAGS or match.group(0).endswith("/>"):
                continue
            if tag in _IMPLIED_END and stack and stack[-1][0] == tag:
                open_tags[stack.pop()[0]] -= 1
            kept = len(stack) < limit
            stack.append((tag, kept))
            open_tags[tag] = open_tags.get(tag, 0) + 1
        if not kept:
            between = text[done : match.start()]
            pieces.append(between)
            broken = broken and not between.strip()
            if tag in BLOCK_TAGS and not broken:  # one blank line is enough between two texts
                pieces.append(_BLOCK_BREAK)
                broken = True
            done = match.end()
    pieces.append(text[done:])
    return "".join(pieces)


_TITLE_START = re.compile(r"<title\b[^>]*>", re.I)
_TITLE_END = re.compile(r"</title\s*>", re.I)
_TAG_START = re.compile(r"<[a-zA-Z/!]")
_ENDS_HEAD = re.compile(r"</head\s*>|<body[\s>]", re.I)


def close_swallowing_title(text: str, root: Any) -> str | None:
    """``text`` with its ``<title>`` closed where its text turns into markup, when the title
    swallowed the page (never closed, or closed only after the head's end); else None.

    A ``<title>`` holds raw text up to ``</title>``: one that is never closed takes the rest of
    the page as its text, and the page shows nothing.
    """
    title = root.find(".//title")
    if title is None or "<" not in (title.text or ""):  # the common case, decided on the tree
        return None
    start = _TITLE_START.search(text)
    if start is None:
        return None
    end = _TITLE_END.search(text, start.end())
    content = text[start.end() : end.start() if end else len(text)]
    markup = _TAG_START.search(content)
    if markup is None or (end is not None and _ENDS_HEAD.search(content) is None):
        return None
    cut = start.end() + markup.start()
    return f"{text[:cut]}</title>{text[cut:]}"


def read_page(text: str, utf8: bytes | None = None) -> tuple[Any, list[str]]:
    """Parse decoded HTML, repairing what the parser cannot read whole; returns the root (None for an
    empty page) and a warning per repair. ``utf8``, if given, is ``text`` in UTF-8."""
    warnings: list[str] = []
    repaired_ends = _without_early_end_tags(text)
    if repaired_ends is not text:
        text, utf8 = repaired_ends, None
    root = _parse_flattening(text, warnings, utf8)
    if root is not None:
        repaired = close_swallowing_title(text, root)
        if repaired is not None:
            root = _parse_flattening(repaired, warnings)
            warnings.append(
                "page repaired: its <title> was never closed and held the page as text; "
                "it was closed where its text turns into markup"
            )
    return root, warnings


_END_TAGS = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_START_TAG = re.compile(r"<[a-zA-Z]")


def _without_early_end_tags(text: str) -> str:
    """``text`` without its ``</body>`` and ``</html>`` end tags when an element starts after the
    first of them.

    A browser puts what follows ``</html>`` into the body all the same, and shows it; libxml2 drops
    it. Pages that close the document early (a template's footer include, content appended by a
    plugin) would otherwise lose everything after the end tag, the article included.
    """
    early_end = compiled_early_end()  # on the compiled path: where the cut is, found in one scan
    if early_end is None:
        first = _END_TAGS.search(text)
        if first is None or _START_TAG.search(text, first.end()) is None:
            return text
        start = first.start()
    else:
        start = early_end(text)
        if start < 0:
            return text
    return text[:start] + _END_TAGS.sub("", text[start:])


def _parse_flattening(text: str, warnings: list[str], utf8: bytes | None = None) -> Any:
    """``parse(text, utf8)``; a page nested deeper than libxml2 reads is parsed again flattened."""
    try:
        return parse(text, utf8)
    except TooDeep:
        pass
    try:
        root = parse(flatten_deep(text))
    except TooDeep:
        raise ValueError("cannot parse HTML: elements are nested too deeply, even when flattened") from None
    warnings.append(f"page repaired: elements nested deeper than {MAX_DEPTH} levels were flattened")
    return root


# React's streaming server rendering sends late content as <div hidden id="S:n"> at the end of
# the body, and a tiny inline script moves it into place: over the fallback that follows
# <template id="B:n"> (up to the closing <!--/$--> comment), or in place of <template id="P:n">.
# Browsers show it there, so we do the same move before walking.
_REACT_SEGMENT = '<div hidden id="S:'
_REACT_SEGMENT_UTF8 = _REACT_SEGMENT.encode()


def _append_text(el: Any, text: str | None) -> None:
    """Add ``text`` right after the point where ``el`` would end if it were removed."""
    if not text:
        return
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = el.getparent()
        parent.text = (parent.text or "") + text


def _remove(el: Any) -> None:
    """Remove ``el`` from the tree but keep its tail text in place."""
    _append_text(el, el.tail)
    el.getparent().remove(el)


def _fallback_after(template: Any) -> list[Any]:
    """The siblings after a suspense boundary's template, up to its closing ``<!--/$-->``."""
    found = []
    depth = 0
    for sibling in template.itersiblings():
        if sibling.tag is etree.Comment:
            marker = (sibling.text or "").strip()
            if marker in ("$", "$?", "$!"):
                depth += 1
            elif marker == "/$":
                if depth == 0:
                    return found
                depth -= 1
        found.append(sibling)
    return []  # no closing marker: leave the siblings alone


def _place_react_segments(root: Any) -> None:
    segments = [
        el for el in root.iter("div") if el.get("hidden") is not None and el.get("id", "").startswith("S:")
    ]
    templates = {el.get("id"): el for el in root.iter("template") if el.get("id")}
    for segment in segments:
        number = segment.get("id")[2:]
        boundary = templates.pop("B:" + number, None)
        target = boundary if boundary is not None else templates.pop("P:" + number, None)
        if target is None or target.getparent() is None or segment.getparent() is None:
            continue
        if boundary is not None:  # the fallback, tails included, gives way to the segment
            for old in _fallback_after(boundary):
                old.getparent().remove(old)
            boundary.tail = None
        _append_text(target, segment.text)
        for child in list(segment):
            target.addprevious(child)  # moves the child together with its tail
        _remove(target)
        _remove(segment)


def _is_hidden(el: Any, tag: str, keys: list[str], styles: bool = True) -> bool:
    """Whether an element with attribute names ``keys`` is hidden by its attributes.

    ``styles=False`` ignores inline styles (see ``split_html``).
    """
    if "hidden" in keys or (tag == "dialog" and "open" not in keys):
        return True
    if "aria-hidden" in keys and el.get("aria-hidden").strip().lower() == "true":
        return True
    if styles and "style" in keys and _HIDDEN_STYLE.search(el.get("style").lower()):
        return True
    return tag == "input" and (el.get("type") or "").strip().lower() == "hidden"


# What an element passes down to its descendants: (link id, emphasis, heading level,
# landmark, list size, in list, in table, mark), where mark is (link id, emphasis) inside a
# link or emphasis and None elsewhere.
_Context = tuple[int, bool, int, str, int, bool, bool, "tuple[int, bool] | None"]
_ROOT_CONTEXT: _Context = (0, False, 0, "", 0, False, False, None)
_CONTEXT_TAGS = frozenset({"a", "table", *_EMPHASIS, *_HEADINGS, *_LISTS, *_LANDMARK_TAGS})

# What the walk needs to know about a tag, looked up once per element.
_INVISIBLE, _BLOCK, _CONTEXT, _BR, _CHECK = 1, 2, 4, 8, 16  # _CHECK: may be hidden without attributes
_KINDS: dict[str, int] = {}
for _tag in INVISIBLE_TAGS:
    _KINDS[_tag] = _INVISIBLE
for _tag in BLOCK_TAGS:
    _KINDS[_tag] = _KINDS.get(_tag, 0) | _BLOCK
for _tag in _CONTEXT_TAGS:
    _KINDS[_tag] = _KINDS.get(_tag, 0) | _CONTEXT
_KINDS["br"] = _BR
_KINDS["dialog"] = _KINDS.get("dialog", 0) | _CHECK
# Without scripts, a browser shows <noscript> content (as a block of its own).
_SCRIPTLESS_KINDS = {**_KINDS, "noscript": _BLOCK}


def _context(parent: _Context, el: Any, tag: str, role: str | None, link: int) -> _Context:
    """The context of ``el`` (a tag in _CONTEXT_TAGS or one with a role); ``link`` is its id as a link."""
    link_id, emphasis, heading, landmark, list_size, in_list, in_table, mark = parent
    if tag == "a":
        link_id = link
    elif tag in _EMPHASIS:
        emphasis = True
    elif tag in _HEADINGS:
        heading = _HEADINGS[tag]
    elif tag in _LISTS:
        items = _LISTS[tag]
        in_list = True
        list_size = sum(1 for _ in el.iterchildren(*items))
    elif tag == "table":
        in_table = True
    if tag in _LANDMARK_TAGS:
        landmark = tag
    if role:
        for token in role.lower().split():
            if token in _LANDMARK_ROLES:
                landmark = _LANDMARK_ROLES[token]
                break
    mark = (link_id, emphasis) if link_id or emphasis else None
    return (link_id, emphasis, heading, landmark, list_size, in_list, in_table, mark)


_CONTEXT_TABLES = (_EMPHASIS, _HEADINGS, _LISTS, _LANDMARK_TAGS, _LANDMARK_ROLES)
"""The tables ``_context`` reads, for its compiled copy in the compiled walk (``_speedups._context_of``)."""


class _Block:
    """A block-level element being walked: the text collected since the last cut, and its facts."""

    __slots__ = ("ctx", "depth", "group_size", "last_br", "marks", "path_words", "pieces", "tag")

    def __init__(self, tag: str, ctx: _Context, depth: int, group_size: int) -> None:
        self.tag = tag
        self.ctx = ctx
        self.depth = depth  # its index in the walk's stack
        self.group_size = group_size
        self.pieces: list[str] = []
        self.marks: dict[int, tuple[int, bool]] = {}  # piece index -> (link id, emphasis)
        self.last_br = -1  # index in pieces of the last <br>, -1 if none since the last cut
        self.path_words: str | None = None


# One open, visible element: (element, tag, context, the _Block that collects its text,
# its attribute names).
_Open = tuple[Any, str, _Context, _Block, list[str]]


# Attribute text -> its words, shared by all pages: class names repeat within a site and across
# sites built with the same framework. Cleared when it grows past _ATTRIBUTE_WORDS_MAX entries.
_ATTRIBUTE_WORDS: dict[str, str] = {}
_ATTRIBUTE_WORDS_MAX = 50_000


def _path_words(stack: list[_Open], words: list[str], upto: int, cache: dict[str, str]) -> str:
    """The path words of ``stack[upto]``.

    ``words[i]`` holds the path words of ``stack[i]`` for the ``len(words)`` outermost open
    elements (the walk trims it as elements close); ``cache`` maps attribute text to its
    words, since class names repeat a lot within a page.
    """
    text = words[-1] if words else ""
    for i in range(len(words), upto + 1):
        el, _, _, _, keys = stack[i]
        attributes = ""
        if keys:
            if "class" in keys:
                attributes = el.get("class")
            if "id" in keys:
                attributes = f"{attributes} {el.get('id')}"
            if "role" in keys:
                attributes = f"{attributes} {el.get('role')}"
        if attributes:
            own = cache.get(attributes)
            if own is None:
                own = cache[attributes] = " ".join(_WORD.findall(attributes.lower()))
            if own:
                text = f"{text} {own}" if text else own
        words.append(text)
    return words[upto]


def _join(pieces: list[str], marks: dict[int, tuple[int, bool]]) -> tuple[str, int, int, int]:
    """Collapse whitespace across ``pieces``; count characters inside links and emphasis.

    Returns the text, its characters inside links (a piece counts with its own whitespace
    collapsed and trimmed), the number of links and the characters inside emphasis.
    """
    text = " ".join("".join(pieces).split())
    if not marks or not text:
        return text, 0, 0, 0
    link_chars = emphasis_chars = 0
    links: set[int] = set()
    for i, (link, emphasis) in marks.items():
        n = len(" ".join(pieces[i].split()))
        if n:
            if link:
                link_chars += n
                links.add(link)
            if emphasis:
                emphasis_chars += n
    return text, link_chars, len(links), emphasis_chars


def _walk(root: Any, scriptless: bool = False) -> list[Block]:
    """Walk the tree once, without recursion, and cut it into blocks.

    ``scriptless`` shows ``<noscript>`` content and ignores hiding inline styles. The walk itself
    is ``_found`` (the reference), or its compiled copy when the split in progress runs the
    compiled path (``pageparts.scoring.speedups.compiled_walk``).
    """
    kinds = _SCRIPTLESS_KINDS if scriptless else _KINDS
    words_cache = _ATTRIBUTE_WORDS
    if len(words_cache) > _ATTRIBUTE_WORDS_MAX:
        words_cache.clear()
    walk = compiled_walk()
    if walk is None:
        found = _found(root, kinds, not scriptless, words_cache)
    else:
        helpers = (_HIDDEN_STYLE, _CONTEXT_TABLES, _ROOT_CONTEXT)
        found = walk(root, kinds, not scriptless, words_cache, *helpers)
    shared = _shared_words([values["path_words"] for _, values, _ in found])
    for _, values, main_start in found:
        start = max(shared, main_start)
        if start:
            values["path_words"] = values["path_words"][start:].lstrip()
    blocks = compiled_blocks()
    return _blocks(found) if blocks is None else blocks(Block, HtmlFacts, FALLBACK_LABEL, found)


def _blocks(found: list[tuple[str, dict[str, Any], int]]) -> list[Block]:
    """A block per text and facts of ``found``, in order (the reference of
    ``_speedups.html_blocks``)."""
    new_facts = HtmlFacts._trusted
    # positional arguments: the dataclass's __init__ takes them faster than keywords
    return [Block(i, text, new_facts(values)) for i, (text, values, _) in enumerate(found)]


def _found(
    root: Any, kinds: dict[str, int], styles: bool, words_cache: dict[str, str]
) -> list[tuple[str, dict[str, Any], int]]:
    """Each block's text, facts and where the words inside its ``<main>`` begin, in page order.

    ``kinds`` is ``_KINDS`` or ``_SCRIPTLESS_KINDS``; ``styles=False`` ignores hiding inline
    styles; ``words_cache`` maps attribute text to its words (see ``_path_words``).
    """
    found: list[tuple[str, dict[str, Any], int]] = []
    stack: list[_Open] = []  # the open elements, without the skipped (invisible) ones
    tags: list[str] = []  # their tags
    words: list[str] = []  # path words of the outermost open elements, see _path_words
    # depth -> (the open parent at that depth, (tag, class) counts of its children or None
    # for an only child)
    groups: dict[int, tuple[Any, dict | None]] = {}
    path_start = 1 if root.tag == "html" else 0
    links_seen = 0

    def flush(block: _Block) -> None:
        pieces = block.pieces
        marks = block.marks
        block.pieces = []
        block.marks = {}
        block.last_br = -1
        text, link_chars, links, emphasis_chars = _join(pieces, marks)
        if not text:
            return
        depth = block.depth
        if block.path_words is None:
            block.path_words = _path_words(stack, words, depth, words_cache)
        heading, landmark, list_size, in_list, in_table = block.ctx[2:7]
        n = len(text)
        found.append(
            (
                text,
                {
                    "tag": block.tag,
                    "path": tuple(tags[path_start : depth + 1]),
                    "path_words": block.path_words,
                    "heading": heading,
                    "link_chars": link_chars,
                    "text_chars": n,
                    "link_density": link_chars / n,
                    "links": links,
                    "in_list": in_list,
                    "list_size": list_size,
                    "landmark": landmark,
                    "depth": depth + 1 - path_start,
                    "group_size": block.group_size,
                    "in_table": in_table,
                    "emphasis_chars": emphasis_chars,
                },
                _main_words_start(tags, words, depth),
            )
        )

    def add(block: _Block, ctx: _Context, text: str) -> None:
        pieces = block.pieces
        if pieces or not text.isspace():  # leading whitespace never shows
            mark = ctx[7]
            if mark is not None:
                block.marks[len(pieces)] = mark
            pieces.append(text)

    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            kind = kinds.get(tag, 0)
            keys = el.keys()
            if (
                kind & _INVISIBLE
                or not isinstance(tag, str)
                or (
                    stack
                    and (
                        kind & _CHECK
                        or (keys and ("style" in keys or "hidden" in keys or "aria-hidden" in keys))
                        or tag == "input"
                    )
                    and _is_hidden(el, tag, keys, styles)
                )
            ):
                walker.skip_subtree()  # its "end" event still comes, for the tail
                continue
            depth = len(stack)
            if depth:
                parent = stack[-1]
                ctx = parent[2]
                block = parent[3]
            else:
                parent = None
                ctx = _ROOT_CONTEXT
                block = None
            if kind & _CONTEXT or (keys and "role" in keys):
                if tag == "a":
                    links_seen += 1
                ctx = _context(ctx, el, tag, el.get("role"), links_seen)
            if block is None:
                block = _Block(tag, ctx, depth, 1)
            elif kind & _BLOCK:
                if block.pieces:
                    flush(block)
                parent_el = parent[0]
                counts = groups.get(depth)
                if counts is None or counts[0] is not parent_el:  # first block child of this parent
                    if len(parent_el) == 1:
                        counts = groups[depth] = (parent_el, None)
                    else:
                        siblings: dict[tuple[Any, str | None], int] = {}
                        for child in parent_el:
                            key = (child.tag, child.get("class"))
                            siblings[key] = siblings.get(key, 0) + 1
                        counts = groups[depth] = (parent_el, siblings)
                group_size = 1 if counts[1] is None else counts[1][(tag, el.get("class"))]
                block = _Block(tag, ctx, depth, group_size)
            elif kind & _BR and block.pieces:
                # A blank line (two <br> with only whitespace between) ends the block.
                last = block.last_br
                if last >= 0 and not "".join(block.pieces[last + 1 :]).strip():
                    flush(block)
                else:
                    block.last_br = len(block.pieces)
                    block.pieces.append("\n")
            stack.append((el, tag, ctx, block, keys))
            tags.append(tag)
            text = el.text
            if text:
                pieces = block.pieces
                if pieces or not text.isspace():  # leading whitespace never shows
                    if ctx[7] is not None:
                        block.marks[len(pieces)] = ctx[7]
                    pieces.append(text)
        elif event == "end":
            if stack and stack[-1][0] is el:
                block = stack[-1][3]
                depth = len(stack) - 1
                if block.depth == depth and block.pieces:
                    flush(block)
                stack.pop()
                tags.pop()
                if len(words) > depth:
                    del words[depth:]
            if stack:
                text = el.tail
                if text:
                    _, _, ctx, block, _ = stack[-1]
                    pieces = block.pieces
                    if pieces or not text.isspace():
                        if ctx[7] is not None:
                            block.marks[len(pieces)] = ctx[7]
                        pieces.append(text)
        elif stack and el.tail:  # a comment or processing instruction: only its tail shows
            _, _, ctx, block, _ = stack[-1]
            add(block, ctx, el.tail)
    return found


def _main_words_start(tags: list[str], words: list[str], depth: int) -> int:
    """Where the path words of the block at ``depth`` begin inside its innermost ``<main>`` (0 if
    it is in none): the words of the elements around ``<main>`` are left out.

    ``<main>`` is never inside a ``<nav>``, ``<header>``, ``<footer>`` or ``<aside>`` in valid
    HTML; where the parse puts it there (an unclosed menu item swallowing the page), the menu's
    words would otherwise read as every main-content block's own container.
    """
    for i in range(depth, 0, -1):
        if tags[i] == "main":
            return len(words[i - 1])
    return 0


def _shared_words(paths: list[str]) -> int:
    """The length of the path words every block starts with: those of the elements that hold the
    whole page (``<html>``, ``<body>``, a page wrapper), which say nothing about any one block.

    A site's ``<body class>`` may list dozens of feature flags (``footer``, ``header``, ``cards``
    ...) that would otherwise read as every block's own container names.
    """
    common = os.path.commonprefix(paths)  # noqa: RUF071 (a prefix of characters is meant)
    end = len(common)
    if any(len(path) > end and path[end] != " " for path in paths):  # a word cut in two
        end = common.rfind(" ") + 1
    return end


def page_meta(root: Any) -> dict[str, str]:
    """``title`` (text of ``<title>``), ``lang`` (of ``<html>``) and ``url`` (see ``page_url``) of a
    parsed page."""
    if root is None:
        return {"title": "", "lang": "", "url": ""}
    title = root.find("head/title")
    if title is None:
        title = root.find(".//title")
    lang = root.get("lang") or root.get("xml:lang") or ""
    return {
        "title": " ".join(title.xpath("string()").split()) if title is not None else "",
        "lang": lang.strip(),
        "url": page_url(root),
    }


def page_url(root: Any) -> str:
    """The page's own URL, from the ``<head>`` of the parsed page: the first ``<link
    rel="canonical">`` with an absolute ``http(s)`` ``href``, else the first ``<meta
    property="og:url">`` with one as ``content``; "" if none. Only ``<head>`` is read (search
    engines ignore a canonical link in ``<body>``), so this costs little on a large page."""
    head = root.find("head")
    if head is None:
        return ""
    canonical = og_url = ""
    for el in head.iter("link", "meta"):
        if el.tag == "link":
            if not canonical and "canonical" in (el.get("rel") or "").lower().split():
                canonical = absolute_http_url(el.get("href"))
        elif not og_url and (el.get("property") or "").strip().lower() == "og:url":
            og_url = absolute_http_url(el.get("content"))
    return canonical or og_url


def absolute_http_url(value: str | None) -> str:
    """``value`` (stripped) when it is an absolute ``http(s)`` URL with a host and no whitespace or
    control characters in it, else "" (a relative, empty or malformed URL)."""
    url = (value or "").strip()
    if not url.lower().startswith(("http://", "https://")) or any(c <= " " or c == "\x7f" for c in url):
        return ""
    try:
        parts = urlsplit(url)
        valid = bool(parts.hostname) and parts.port != 0
    except ValueError:  # a bad port, an unclosed IPv6 bracket
        return ""
    return url if valid else ""


def split_html(content: bytes | str) -> tuple[list[Block], dict[str, Any]]:
    """Split an HTML page (bytes, or text already decoded) into blocks and page facts."""
    utf8 = None
    if isinstance(content, bytes):
        text, codec = decode_html(content)
        # the bytes are the text's UTF-8 where they were read as UTF-8 whole: no BOM, nothing replaced
        if codec == "utf-8" and not content.startswith(codecs.BOM_UTF8) and "\ufffd" not in text:
            utf8 = content
    else:
        text = content
    root, warnings = read_page(text, utf8)
    if root is None:
        return [], page_meta(None)
    blocks = _walk(root)
    if not _has_words(blocks, SCRIPTLESS_BELOW_WORDS):
        # Pages that show their content only through scripts (a forum thread kept in
        # <noscript>, a page hidden by an inline style until a script reveals it): read
        # them as a browser with scripting off would, if that shows many more words.
        scriptless = _walk(root, scriptless=True)
        if _word_count(scriptless) >= _word_count(blocks) + SCRIPTLESS_BELOW_WORDS:
            blocks = scriptless
    meta: dict[str, Any] = page_meta(root)
    if warnings:
        meta["warnings"] = warnings
    return blocks, meta


SCRIPTLESS_BELOW_WORDS = 50
"""A page with fewer visible words than this is also read with scripting off (see split_html)."""


def _word_count(blocks: list[Block]) -> int:
    return sum(len(block.text.split()) for block in blocks)


def _has_words(blocks: list[Block], least: int) -> bool:
    """``_word_count(blocks) >= least``, counting only as far as it takes."""
    count = 0
    for block in blocks:
        count += len(block.text.split())
        if count >= least:
            return True
    return False


@hookimpl
def pageparts_split(content: bytes, input_format: str) -> tuple[list[Block], dict] | None:
    if input_format != FORMAT:
        return None
    return split_html(content)
