"""Where a pattern's matches can begin: its leads, read from the pattern's source.

A lead is what the text must hold at a position for a match of the pattern to start there: a
sequence of *steps* (a literal character; one character of a class, ``\\d``, ``\\w`` or ``\\s``;
any number more of the class just read, where a character outside the class comes next; a
``\\b``), and whether a ``\\b`` precedes them. ``leads(pattern)`` finds a set of leads such that
every match of the pattern begins with one of them, or None when it cannot tell (any syntax it does
not read, a flag that changes what characters mean, an alternative that can begin with something
else). The compiled path (``_speedups.lead_matches``) then tries the pattern only where a lead
occurs, which gives ``finditer``'s matches without trying every position; the pure path
(``finditer``) is the reference. The reading is conservative: where in doubt, it gives up, and the
pattern runs whole; a lead ends where the reading stops following the pattern (a lead cut short
still holds wherever the pattern matches, it is only less sharp).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from .identity_cache import by_identity

TABLE_SIZE = 1 << 16
"""Entries of a pattern's lead table, indexed by a hash of one, two or three characters."""
ENOUGH = 3
"""The table hashes a lead's first literal characters, up to this many."""
MOST_STEPS = 16
"""A lead is cut after this many steps."""
MOST_LEADS = 1024
"""Leads a pattern may have (more, and its leads are read again, cut after ``ENOUGH`` steps)."""
MOST_HEADS = 16
"""Leads beginning with a class a pattern may have (the compiled scan checks each at every word
character; more, and they are cut shorter)."""
MOST_GROUP = 64
"""Patterns a ``Group`` may hold (the compiled scan gives each a bit of a 64-bit mask)."""
MOST_GROUP_HEADS = 64
"""Leads beginning with a class a ``Group``'s patterns may have together."""
_MOST_SET = 8
_MOST_OPTIONAL = 3
"""Optional elements a lead is read through, each doubling the leads; the next one ends the lead
(and none is read through if that makes too many leads)."""
_DIGIT, _WORD, _SPACE = 1, 2, 3
"""The classes of a step: ``\\d`` (a decimal digit), ``\\w`` (alphanumeric or ``_``) and ``\\s``
(whitespace), as ``re`` reads them in a str pattern; a step holds ``-class``."""
BOUNDARY = -4
"""The step of a ``\\b`` inside a lead."""
RUN = -4
"""``RUN - class``: the step of any number (none too) of further characters of ``class``."""
WIDTH = 4 + MOST_STEPS
"""Columns of a packed lead (``Group.checks``, ``Group.heads``): the pattern's index, the number of
literal characters hashed (0 for a lead that begins with a class), whether a ``\\b`` precedes,
the number of steps, the steps (code points, or the negative codes above; -1 past the last)."""
_UNSUPPORTED_FLAGS = re.IGNORECASE | re.LOCALE | re.ASCII | re.VERBOSE


def _is_word(c: str) -> bool:
    """Whether ``re`` counts ``c`` as a word character (``\\w``) in a str pattern."""
    return c.isalnum() or c == "_"


_IN_CLASS = {_DIGIT: str.isdecimal, _WORD: _is_word, _SPACE: str.isspace}
"""Whether ``re`` counts a character in each class (``\\d``, ``\\w``, ``\\s`` of a str pattern)."""


class _Unknown(Exception):
    """The pattern uses syntax the reading does not follow."""


class _TooMany(Exception):
    """The reading makes more than ``MOST_LEADS`` leads."""


class Lead(NamedTuple):
    steps: tuple[int, ...]
    boundary: bool


class Leads(NamedTuple):
    """A pattern's leads in the form the compiled scan takes them."""

    table: np.ndarray
    """uint8, ``TABLE_SIZE``: bit 0, 1, 2 set at the hash of a literal lead's first 1, 2, 3
    characters (``hash_chars``); bit 3, 4, 5 instead for a lead that begins with a word character
    after ``\\b`` (so not where a word character comes before it)."""
    literal: list[Lead]
    """The leads that begin with a literal character."""
    heads: list[Lead]
    """The leads that begin with a class (``\\d`` or ``\\w``)."""


class Group(NamedTuple):
    """The leads of several patterns together, in the form the compiled scan takes them: one scan of
    a text finds the matches of all of them (``_speedups.lead_matches``)."""

    patterns: tuple[re.Pattern[str], ...]
    table: np.ndarray
    """uint8, ``TABLE_SIZE``: the patterns' ``Leads.table`` or-ed (where to look further)."""
    rows: np.ndarray
    """uint16, ``TABLE_SIZE``: at each hash set in ``table``, 1 + its row; 0 elsewhere."""
    starts: np.ndarray
    """uint32, rows + 1: row ``r``'s leads are ``checks[starts[r]:starts[r + 1]]``."""
    checks: np.ndarray
    """int32, (leads, ``WIDTH``): the patterns' literal leads packed, by row."""
    heads: np.ndarray
    """int32, (leads, ``WIDTH``): the patterns' leads that begin with a class, packed, those
    that begin with ``\\w`` first."""


def hash_chars(chars: str) -> int:
    """The table index of one to three characters (what the compiled scan computes)."""
    h = 0
    for c in chars:
        h = (h * 31 + ord(c)) & 0xFFFFFFFF
    return h & (TABLE_SIZE - 1)


def _hashed(lead: Lead) -> str:
    """The literal characters the table hashes for ``lead``: its first, up to ``ENOUGH``."""
    chars = ""
    for step in lead.steps[:ENOUGH]:
        if step < 0:
            break
        chars += chr(step)
    return chars


@by_identity()
def leads(pattern: re.Pattern[str]) -> Leads | None:
    """The leads of ``pattern``, or None when its matches could begin otherwise (or it cannot tell);
    worked out once per pattern."""
    if not isinstance(pattern.pattern, str) or pattern.flags & _UNSUPPORTED_FLAGS:
        return None
    for most, optional in ((MOST_STEPS, _MOST_OPTIONAL), (MOST_STEPS, 0), (ENOUGH, 0)):
        try:
            found = _leads_of(pattern.pattern, most, optional)
        except _Unknown:
            return None
        except _TooMany:
            continue
        heads = sorted(lead for lead in found if lead.steps[0] < 0)
        for cut in (8, 4, 2, 1):  # a lead cut short holds where the whole one does
            if len(heads) <= MOST_HEADS:
                break
            heads = sorted({_cut(lead, cut) for lead in heads})
        if len(heads) > MOST_HEADS:
            continue
        table = np.zeros(TABLE_SIZE, np.uint8)
        literal = sorted(lead for lead in found if lead.steps[0] >= 0)
        for lead in literal:
            chars = _hashed(lead)
            bounded = lead.boundary and _is_word(chars[0])
            table[hash_chars(chars)] |= 1 << (len(chars) - 1 + 3 * bounded)
        return Leads(table, literal, heads)
    return None


def _cut(lead: Lead, most: int) -> Lead:
    """``lead`` cut after ``most`` steps (and before a run it would end with)."""
    steps = lead.steps[:most]
    while steps[-1] < BOUNDARY:
        steps = steps[:-1]
    return Lead(steps, lead.boundary)


def _packed(found: list[tuple[Lead, int, int]]) -> np.ndarray:
    """Leads, each with its pattern's index and its hashed characters, as ``WIDTH`` int32 each."""
    packed = np.full((len(found), WIDTH), -1, np.int32)
    for row, (lead, owner, hashed) in zip(packed, found, strict=True):
        row[:4] = owner, hashed, lead.boundary, len(lead.steps)
        row[4 : 4 + len(lead.steps)] = lead.steps
    return packed


@by_identity()
def group(patterns: tuple[re.Pattern[str], ...]) -> Group | None:
    """The leads of ``patterns`` together, or None when one of them has none or they are too many
    (more than ``MOST_GROUP`` patterns or ``MOST_GROUP_HEADS`` leads with a head); worked out once
    per tuple of patterns."""
    each = [found for found in map(leads, patterns) if found is not None]
    if not 0 < len(each) == len(patterns) <= MOST_GROUP:
        return None
    heads = [(lead, i, 0) for i, found in enumerate(each) for lead in found.heads]
    if len(heads) > MOST_GROUP_HEADS:
        return None
    heads.sort(key=lambda head: head[0].steps[0] != -_WORD)  # stable: those that begin with \w first
    table = np.zeros(TABLE_SIZE, np.uint8)
    for found in each:
        table |= found.table
    hashes = np.flatnonzero(table)
    if len(hashes) >= 1 << 16:  # a row number must fit 16 bits
        return None
    rows = np.zeros(TABLE_SIZE, np.uint16)
    rows[hashes] = np.arange(1, len(hashes) + 1)
    literal = [(lead, i, len(_hashed(lead))) for i, found in enumerate(each) for lead in found.literal]
    literal.sort(key=lambda check: int(rows[hash_chars(_hashed(check[0]))]))  # stable
    counts = np.bincount(
        [rows[hash_chars(_hashed(lead))] - 1 for lead, _, _ in literal], minlength=len(hashes)
    )
    starts = np.zeros(len(hashes) + 1, np.uint32)
    np.cumsum(counts, out=starts[1:])
    return Group(patterns, table, rows, starts, _packed(literal), _packed(heads))


def _leads_of(source: str, most: int, optional: int) -> set[Lead]:
    """The leads of the pattern ``source``, cut after ``most`` steps, read through at most
    ``optional`` optional elements."""
    alternatives, at = _alternation(source, 0)
    if at != len(source):
        raise _Unknown(source[at:])
    budget = [MOST_LEADS]
    return {lead for items in alternatives for lead in _sequence(items, (), False, most, optional, budget)}


# An item of a parsed pattern: (kind, value, least, most); kind is "literal" (value: a character),
# "set" (a frozenset of characters), "class" (_DIGIT, _WORD, _SPACE or 0 for any other), "zero" (a
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
        if e in ("d", "w", "s"):
            return "class", {"d": _DIGIT, "w": _WORD, "s": _SPACE}[e], at + 2
        if e in ("S", "W", "D"):
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
    items: list[_Item], steps: tuple[int, ...], boundary: bool, most: int, optional: int, budget: list[int]
) -> set[Lead]:
    """The leads of ``items`` after ``steps`` have been read, cut after ``most`` steps, reading
    through at most ``optional`` more optional elements; ``budget`` counts down the leads made."""

    def stop() -> set[Lead]:
        read = steps[:most]
        while read and read[-1] < BOUNDARY:  # a run at the end says nothing
            read = read[:-1]
        if not read or read[0] == -_SPACE:
            raise _Unknown("an alternative that may begin with anything or nothing")
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMany(most)
        return {Lead(read, boundary)}

    for i, (kind, value, least, most_of) in enumerate(items):
        if len(steps) >= most:
            break
        if steps and steps[-1] < BOUNDARY and kind in ("literal", "set", "class"):
            # a run ends the lead unless a character outside its class comes next (read greedily,
            # it then ends where the pattern's repeat must end): a literal or a set of them, or a
            # class apart from it (a group's alternatives are each read so; an optional element
            # both ways)
            run = RUN - steps[-1]
            chars = [value] if kind == "literal" else value if kind == "set" else []
            apart = kind == "class" and value != run and _SPACE in (value, run)
            outside = bool(chars) and not any(_IN_CLASS[run](c) for c in chars)
            if not ((least >= 1 and (apart or outside)) or ((least, most_of) == (0, 1) and optional)):
                return stop()
        once = (least, most_of) == (1, 1)
        if kind == "zero":
            if value == "b" and steps and steps[-1] < BOUNDARY:
                return stop()
            if value == "b":
                steps, boundary = ((*steps, BOUNDARY), boundary) if steps else (steps, True)
            # the other assertions (lookarounds, ^, $) are left to the pattern
        elif kind == "literal" and once:
            steps += (ord(value),)
        elif kind == "literal" and least >= 1:
            steps += (ord(value),)
            return stop()
        elif kind == "set" and least >= 1:
            rest = items[i + 1 :] if once else []
            return {
                lead
                for c in value
                for lead in _sequence(rest, (*steps, ord(c)), boundary, most, optional, budget)
            }
        elif kind == "class" and value and least >= 1:
            steps += (-value,) * least
            if most_of != least:
                steps += (RUN - value,)
        elif kind == "group" and least >= 1:
            rest = items[i + 1 :] if once else []
            return {
                lead
                for alternative in value
                for lead in _sequence(alternative + rest, steps, boundary, most, optional, budget)
            }
        elif (least, most_of) == (0, 1) and optional:
            # an optional element: the leads with it once and those without it
            taken: list[_Item] = [(kind, value, 1, 1), *items[i + 1 :]]
            return _sequence(taken, steps, boundary, most, optional - 1, budget) | _sequence(
                items[i + 1 :], steps, boundary, most, optional - 1, budget
            )
        elif kind == "class" and value and steps:  # none or more: a run
            steps += (RUN - value,)
        else:
            return stop()
    return stop()
