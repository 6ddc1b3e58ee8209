"""Where a pattern's matches can begin: its leads, read from the pattern's source.

A lead is what the text must hold at a position for a match of the pattern to start there: a few
single-character classes (``\\d``, ``\\w``; the lead's *head*), then a literal string, and whether a
``\\b`` precedes them. ``leads(pattern)`` finds a set of leads such that every match of the pattern
begins with one of them, or None when it cannot tell (any syntax it does not read, a flag that
changes what characters mean, an alternative that can begin with something else). The compiled
path (``_speedups.lead_matches``) then tries the pattern only where a lead occurs, which gives
``finditer``'s matches without trying every position; the pure path (``finditer``) is the
reference. The reading is conservative: where in doubt, it gives up, and the pattern runs whole.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from .identity_cache import by_identity

TABLE_SIZE = 1 << 16
"""Entries of a pattern's lead table, indexed by a hash of one, two or three characters."""
ENOUGH = 3
"""A lead's literal is cut after this many characters: the table looks at no more."""
MOST_HEADS = 16
"""Leads with a head a pattern may have (the compiled scan checks each at every position)."""
MOST_GROUP = 64
"""Patterns a ``Group`` may hold (the compiled scan gives each a bit of a 64-bit mask)."""
MOST_GROUP_HEADS = 64
"""Leads with a head a ``Group``'s patterns may have together."""
_BITS = 6
_MOST_HEAD = 4
_MOST_SET = 8
_MOST_OPTIONAL = 3
"""Optional elements a lead is read through, each doubling the leads; the next one ends the lead
(and none is read through if that makes more than ``MOST_HEADS`` leads with a head)."""
_DIGIT, _WORD = 1, 2
"""A head's classes: ``\\d`` (a decimal digit) and ``\\w`` (alphanumeric or ``_``), as ``re`` reads them."""
_UNSUPPORTED_FLAGS = re.IGNORECASE | re.LOCALE | re.ASCII | re.VERBOSE


def _is_word(c: str) -> bool:
    """Whether ``re`` counts ``c`` as a word character (``\\w``) in a str pattern."""
    return c.isalnum() or c == "_"


class _Unknown(Exception):
    """The pattern uses syntax the reading does not follow."""


class Lead(NamedTuple):
    head: tuple[int, ...]
    literal: str
    boundary: bool


class Leads(NamedTuple):
    """A pattern's leads in the form the compiled scan takes them."""

    table: np.ndarray
    """uint8, ``TABLE_SIZE``: bit 0, 1, 2 set at the hash of a literal-only lead's first 1, 2, 3
    characters (``hash_chars``); bit 3, 4, 5 instead for a lead that begins with a word character
    after ``\\b`` (so not where a word character comes before it)."""
    heads: list[tuple[tuple[int, ...], str, bool]]
    """The leads with a head: its classes, the literal after it, whether ``\\b`` comes first."""


class Group(NamedTuple):
    """The leads of several patterns together, in the form the compiled scan takes them: one scan of
    a text finds the matches of all of them (``_speedups.lead_matches``)."""

    patterns: tuple[re.Pattern[str], ...]
    table: np.ndarray
    """uint8, ``TABLE_SIZE``: the patterns' ``Leads.table`` or-ed (where to look further)."""
    rows: np.ndarray
    """uint16, ``TABLE_SIZE``: at each hash set in ``table``, 1 + its row of ``masks``; 0 elsewhere."""
    masks: np.ndarray
    """uint64, (rows, 6): bit ``i`` set in column ``b`` when pattern ``i``'s table has bit ``b`` at
    the row's hash."""
    heads: list[tuple[tuple[int, ...], str, bool, int]]
    """Each pattern's leads with a head, with the pattern's index."""


def hash_chars(chars: str) -> int:
    """The table index of one to three characters (what the compiled scan computes)."""
    h = 0
    for c in chars:
        h = (h * 31 + ord(c)) & 0xFFFFFFFF
    return h & (TABLE_SIZE - 1)


@by_identity()
def leads(pattern: re.Pattern[str]) -> Leads | None:
    """The leads of ``pattern``, or None when its matches could begin otherwise (or it cannot tell);
    worked out once per pattern."""
    if not isinstance(pattern.pattern, str) or pattern.flags & _UNSUPPORTED_FLAGS:
        return None
    for optional in (_MOST_OPTIONAL, 0):  # read through optional elements, unless that makes too many
        try:
            found = _leads_of(pattern.pattern, optional)
        except _Unknown:
            return None
        table = np.zeros(TABLE_SIZE, np.uint8)
        heads = []
        for lead in sorted(found):
            if lead.head:
                heads.append(tuple(lead))
            else:
                bounded = lead.boundary and _is_word(lead.literal[0])
                table[hash_chars(lead.literal)] |= 1 << (len(lead.literal) - 1 + 3 * bounded)
        if len(heads) <= MOST_HEADS:
            return Leads(table, heads)
    return None


@by_identity()
def group(patterns: tuple[re.Pattern[str], ...]) -> Group | None:
    """The leads of ``patterns`` together, or None when one of them has none or they are too many
    (more than ``MOST_GROUP`` patterns or ``MOST_GROUP_HEADS`` leads with a head); worked out once
    per tuple of patterns."""
    each = [found for found in map(leads, patterns) if found is not None]
    if not 0 < len(each) == len(patterns) <= MOST_GROUP:
        return None
    heads = [(*head, i) for i, found in enumerate(each) for head in found.heads]
    if len(heads) > MOST_GROUP_HEADS:
        return None
    table = np.zeros(TABLE_SIZE, np.uint8)
    for found in each:
        table |= found.table
    hashes = np.flatnonzero(table)
    if len(hashes) >= 1 << 16:  # a row number must fit 16 bits
        return None
    rows = np.zeros(TABLE_SIZE, np.uint16)
    rows[hashes] = np.arange(1, len(hashes) + 1)
    masks = np.zeros((len(hashes), _BITS), np.uint64)
    for i, found in enumerate(each):
        bits = found.table[hashes]
        for b in range(_BITS):
            masks[(bits >> b) & 1 == 1, b] |= np.uint64(1 << i)
    return Group(patterns, table, rows, masks, heads)


def _leads_of(source: str, optional: int) -> set[Lead]:
    """The leads of the pattern ``source``, read through at most ``optional`` optional elements."""
    alternatives, at = _alternation(source, 0)
    if at != len(source):
        raise _Unknown(source[at:])
    return {lead for items in alternatives for lead in _sequence(items, (), "", False, optional)}


# An item of a parsed pattern: (kind, value, least, most); kind is "literal" (value: a character),
# "set" (a frozenset of characters), "class" (_DIGIT, _WORD or 0 for any other), "zero" (a
# zero-width assertion, value "b" for \b) or "group" (a list of alternatives, each a list of items).
_Item = tuple[str, object, int, float]


def _alternation(s: str, at: int) -> tuple[list[list[_Item]], int]:
    """The alternatives that begin at ``at``, up to an unmatched ``)`` or the end, and where they end."""
    alternatives = []
    while True:
        items, at = _items(s, at)
        alternatives.append(items)
        if at < len(s) and s[at] == "|":
            at += 1
            continue
        return alternatives, at


def _items(s: str, at: int) -> tuple[list[_Item], int]:
    """The items of one alternative, and where it ends (at ``|``, ``)`` or the end)."""
    items: list[_Item] = []
    while at < len(s) and s[at] not in "|)":
        kind, value, at = _atom(s, at)
        least, most, at = _quantifier(s, at)
        if kind == "zero" and (least, most) != (1, 1):
            raise _Unknown("a quantified assertion")
        items.append((kind, value, least, most))
    return items, at


_OPENINGS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")
"""A group's opening: non-capturing, or a lookahead or lookbehind (zero-width)."""


def _atom(s: str, at: int) -> tuple[str, object, int]:
    """The item at ``at`` without its quantifier: its kind, its value, and where it ends."""
    c = s[at]
    if c == "(":
        for opening in _OPENINGS:
            if s.startswith(opening, at):
                return _closed(s, at + len(opening), "group" if opening == "(?:" else "zero")
        if s.startswith("(?P<", at):
            return _closed(s, s.index(">", at) + 1, "group")
        if s.startswith("(?", at):
            raise _Unknown("a group with flags, a reference or a condition")
        return _closed(s, at + 1, "group")
    if c == "[":
        return _set(s, at + 1)
    if c == "\\":
        e = s[at + 1 : at + 2]
        if e in ("b", "B", "A", "Z"):
            return "zero", e, at + 2
        if e in ("d", "w"):
            return "class", _DIGIT if e == "d" else _WORD, at + 2
        if e in ("s", "S", "W", "D"):
            return "class", 0, at + 2
        if not e or e.isalnum():
            raise _Unknown("an escape")
        return "literal", e, at + 2
    if c == ".":
        return "class", 0, at + 1
    if c in "^$":
        return "zero", c, at + 1
    if c in "*+?{":
        raise _Unknown("a quantifier without an atom")
    return "literal", c, at + 1


def _closed(s: str, at: int, kind: str) -> tuple[str, object, int]:
    """A group's alternatives from ``at`` to its ``)``."""
    alternatives, at = _alternation(s, at)
    if at >= len(s) or s[at] != ")":
        raise _Unknown("an unclosed group")
    return kind, alternatives, at + 1


def _set(s: str, at: int) -> tuple[str, object, int]:
    """A ``[...]`` class: the set of its characters if it is a short list of plain characters."""
    chars: set[str] = set()
    plain = s[at : at + 1] != "^"
    if not plain:
        at += 1
    first = at
    while True:
        if at >= len(s):
            raise _Unknown("an unclosed class")
        c = s[at]
        if c == "]" and at > first:
            break
        if c == "\\":
            e = s[at + 1 : at + 2]
            if not e or e.isalnum():
                plain = False  # \d, \w, \x41, ...: not a plain character
            chars.add(e)
            at += 2
            continue
        if c == "-" and at > first and s[at + 1 : at + 2] not in ("]", ""):
            plain = False  # a range
        if c == "[":
            raise _Unknown("a nested class")
        chars.add(c)
        at += 1
    if plain and len(chars) <= _MOST_SET:
        return "set", frozenset(chars), at + 1
    return "class", 0, at + 1


_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")


def _quantifier(s: str, at: int) -> tuple[int, float, int]:
    """The least and most repeats the quantifier at ``at`` allows (1, 1 if none), and where it ends."""
    c = s[at : at + 1]
    if c == "?":
        least, most, at = 0, 1, at + 1
    elif c == "*":
        least, most, at = 0, float("inf"), at + 1
    elif c == "+":
        least, most, at = 1, float("inf"), at + 1
    elif c == "{":
        m = _QUANTIFIER.match(s, at)
        if m is None or not (m.group(1) or m.group(3)):
            raise _Unknown("a brace")
        least = int(m.group(1) or 0)
        most = float(m.group(3)) if m.group(3) else (float("inf") if m.group(2) else least)
        at = m.end()
    else:
        return 1, 1, at
    if s[at : at + 1] in ("?", "+"):  # lazy or possessive: the same first character
        at += 1
    return least, most, at


def _sequence(
    items: list[_Item], head: tuple[int, ...], literal: str, boundary: bool, optional: int
) -> set[Lead]:
    """The leads of ``items`` after ``head`` and ``literal`` have been read, reading through at most
    ``optional`` more optional elements."""

    def stop() -> set[Lead]:
        if not head and not literal:
            raise _Unknown("an alternative that may begin with anything or nothing")
        return {Lead(head, literal, boundary)}

    for i, (kind, value, least, most) in enumerate(items):
        if len(literal) >= ENOUGH:
            break
        once = (least, most) == (1, 1)
        if kind == "zero":
            boundary = boundary or (value == "b" and not head and not literal)
        elif kind == "literal" and once:
            literal += value
        elif kind == "literal" and least >= 1:
            return {Lead(head, literal + value, boundary)}
        elif kind == "set" and least >= 1:
            rest = items[i + 1 :] if once else []
            return {lead for c in value for lead in _sequence(rest, head, literal + c, boundary, optional)}
        elif kind == "class" and value and least >= 1 and not literal and len(head) + least <= _MOST_HEAD:
            head += (value,) * least
            if most != least:
                return stop()
        elif kind == "group" and least >= 1:
            rest = items[i + 1 :] if once else []
            return {
                lead
                for alternative in value
                for lead in _sequence(alternative + rest, head, literal, boundary, optional)
            }
        elif (least, most) == (0, 1) and optional:
            # an optional element: the leads with it once and those without it
            taken: list[_Item] = [(kind, value, 1, 1), *items[i + 1 :]]
            return _sequence(taken, head, literal, boundary, optional - 1) | _sequence(
                items[i + 1 :], head, literal, boundary, optional - 1
            )
        else:
            return stop()
    return stop()
