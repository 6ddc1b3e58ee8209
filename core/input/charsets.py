"""Bytes to text as browsers decide it: BOMs, charsets declared in HTTP or in the page, and the
fallbacks. The one place that knows which codec a label names and which labels to distrust."""

from __future__ import annotations

import codecs
import re

BOMS_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

_DECLARATION_BYTES = 8192
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([a-z0-9_.:\-]+)", re.I)
# Names browsers treat as windows-1252, and encodings that cannot describe an ASCII-based page.
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})
_AS_UTF8 = frozenset({"utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be", "utf_8"})
# Python codecs that are no page encoding (browsers refuse UTF-7 too).
_NOT_FOR_PAGES = frozenset({"utf_7", "idna", "punycode", "raw_unicode_escape", "unicode_escape", "undefined"})


def page_codec(label: str) -> str | None:
    """The Python codec a charset label names, as browsers read it (``iso-8859-1``, ``latin1`` and
    ``ascii`` are windows-1252); None for an unknown label or a codec no page is written in."""
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except LookupError:
        return None
    name = info.name.replace("-", "_")
    if not getattr(info, "_is_text_encoding", True) or name in _NOT_FOR_PAGES:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def to_utf8(content: bytes) -> bytes:
    """Re-encode UTF-16 content (with a BOM) as UTF-8; other content is returned as is."""
    if content.startswith(BOMS_UTF16):
        return content.decode("utf-16", errors="replace").encode("utf-8")
    return content


def with_charset(content: bytes, charset: str | None) -> bytes:
    """``content`` re-encoded as UTF-8 from ``charset``, a charset declared outside it (HTTP).

    As browsers do, a BOM wins over the declaration; and as ``decode_html`` does for ``<meta>``
    declarations, bytes that are valid UTF-8 stay UTF-8 (stale ``iso-8859-1`` labels on UTF-8 pages
    are common). Unknown charsets are ignored.
    """
    if not charset or content.startswith((codecs.BOM_UTF8, *BOMS_UTF16)) or _is_utf8(content):
        return content
    codec = page_codec(charset)
    return content if codec is None else content.decode(codec, errors="replace").encode("utf-8")


def declared_encoding(content: bytes) -> str | None:
    """The Python codec named by a ``<meta>`` charset or XML declaration near the top, if any
    (``utf-8`` for a UTF-16 or UTF-32 label: a declaration the parser could read is not in those)."""
    head = content[:_DECLARATION_BYTES]
    found = _META_CHARSET.search(head) or _XML_ENCODING.match(head)
    if found is None:
        return None
    try:
        name = page_codec(found.group(1).decode("ascii"))
    except UnicodeDecodeError:
        return None
    return "utf-8" if name in _AS_UTF8 else name


def decode_html(content: bytes) -> tuple[str, str]:
    """Decode HTML bytes; returns the text and the codec used. Never raises on bad bytes.

    A BOM wins; then a declared charset, except that bytes which are valid UTF-8 and not
    plain ASCII are read as UTF-8 even when the page declares a legacy charset (stale
    ``iso-8859-1`` declarations on UTF-8 pages are common; text in a legacy charset almost
    never happens to be valid UTF-8); then UTF-8; then windows-1252 with U+FFFD for the few
    bytes it does not define.
    """
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8"
    if content.startswith(BOMS_UTF16):
        return content.decode("utf-16", errors="replace"), "utf-16"
    try:
        utf8: str | None = content.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    declared = declared_encoding(content)
    if utf8 is not None and (declared is None or declared == "utf-8" or not utf8.isascii()):
        return utf8, "utf-8"
    if declared is not None:
        try:
            return content.decode(declared, errors="replace"), declared
        except (LookupError, UnicodeError, TypeError, ValueError):
            pass  # a codec that fails on these bytes: fall through
    if utf8 is not None:
        return utf8, "utf-8"
    return content.decode("cp1252", errors="replace"), "cp1252"


def decode_text(content: bytes) -> str:
    """Decode plain-text bytes as UTF-8 (BOM allowed), falling back to cp1252 with replacement."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")
