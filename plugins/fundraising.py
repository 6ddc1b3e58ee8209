"""The ``fundraising`` plugin: donation asks, membership and subscription pitches, paywalls."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from pageparts.document import Document, Vote
from pageparts.rule_plugin import rule_plugin
from pageparts.scoring.rules import Facts, facts, vote

NAME = "fundraising"
LABEL = "fundraising"

_APPEAL = re.compile(
    r"\b(?:donat(?:e|es|ed|ing|ion|ions)|donors?|make a (?:tax[- ]deductible )?(?:gift|donation)"
    r"|give (?:today|now|what you can|whatever)|gifts? (?:of any size|add up)|small gifts|your gift"
    r"|tax[- ]deductible|pledge|become a (?:member|supporter|patron|sustainer|subscriber)|membership"
    r"|sustaining member|support us|consider (?:supporting|subscribing|donating|becoming a)"
    r"|support(?:ing)? (?:(?:our|this|local|independent|quality|award-winning|nonprofit|non-profit) )+"
    r"(?:journalism|reporting|newsroom|work|mission|media|news)"
    r"|please support|reader[- ](?:funded|supported)|readers like you|generous readers"
    r"|funded by (?:readers|you)|who funds|fund (?:our|this) (?:work|journalism|reporting)"
    r"|without your (?:help|support)|we need (?:you|your (?:help|support))|with your (?:help|support)"
    r"|keep(?:ing)? (?:\w+ ){0,3}free (?:for|and)|chip in|subscribe now|subscription|paywall|patreon"
    r"|(?:mid-year|year-end|end-of-year|annual|spring|fall|summer|winter) (?:fundraising )?campaign"
    r"|fundrais\w*|recurring (?:gift|donation)"
    r"|paid (?:subscri\w+|members?|membership)|subscribers?[- ]only|subscriber benefits"
    r"|become a (?:paid |premium )?(?:\w+ )?subscriber|your support"
    r"|support (?:us|our|the) (?:in|by|with|today)|ko-fi|buy me a coffee"
    r"|unlock (?:this|the (?:rest|full)) (?:of (?:this|the) )?(?:article|story|piece|post)"
    r"|(?:read|continue reading) the rest of this (?:article|story|piece|post)"
    r"|(?:view all|subscription|membership) plans|give a gift subscription)\b",
    re.IGNORECASE,
)
_NAMES_ONLY = frozenset(("subscription", "membership", "donation", "donations", "donor", "donors", "donated"))
"""Appeal wording that names a thing rather than asks for it: a review of subscription boxes or a
report that someone donated uses these with prices as an appeal does, so alone they only mention."""
_CONTRIBUTION = re.compile(
    r"\b(?:make a (?:one-time |monthly |recurring )?contribution|contribute (?:now|today))\b", re.IGNORECASE
)
"""Asking for a contribution: an appeal only with money in sight, since a software project asks for
code, translations and bug reports the same way."""
_MONEY_WORDS = re.compile(
    r"[$€£]|\b(?:donat\w*|pay(?:ment|pal)?|credit card|tax[- ]deductible|gifts?|dollars|euros|pounds"
    r"|monthly|annually|one-time|per (?:month|year)|fundrais\w*|non-?profit|501\(c\))\b",
    re.IGNORECASE,
)
"""Words that put money in sight of a contribution: currency, donating, paying, amounts by period."""
MONEY_REACH = 2
"""Blocks on either side of a contribution ask where money words make it an appeal."""
_MONEY = re.compile(
    r"[$€£]\s?\d{1,4}(?:\.\d\d)?(?![\d,.]*\s*(?:million|billion|trillion|bn|m)\b)(?!\d|[,.]\d)"
    r"|\b\d{1,4}\s?(?:dollars|euros|pounds)\b(?! (?:million|billion))",
    re.IGNORECASE,
)
_PRICE_PER_PERIOD = re.compile(
    r"[$€£]\s?\d{1,4}(?:\.\d\d)?\s*(?:usd\s*)?(?:/\s*|per |a |an )(?:month|mo|year|yr|week|wk)\b",
    re.IGNORECASE,
)
"""A price by the month, year or week: a plan of a subscription pitch."""
_SUBSCRIPTION = re.compile(r"\b(?:subscri\w+|membership|paid members?)\b", re.IGNORECASE)
MAX_PLAN_WORDS = 12
_SUPPORT_NAME = re.compile(
    r"^(?i:support|donate to|give to)\s+(?:(?i:the)\s+)?"
    r"(?!(?i:center|centre|team|portal|desk|hub|home|page|forum|tickets?|services?|contact|community"
    r"|docs|documentation|articles?|resources|options|plans|policy|request)\b)"
    r"[A-Z0-9][\w.&'’-]*(?:\s+[A-Z0-9][\w.&'’-]*){0,2}\s*$"
)
"""A short "Support Wine Weekly" / "Donate to the Trust" link: an ask naming the site, not a help desk."""
MAX_WIDGET_SHARE = 0.25
"""A named element holding more of the page's words than this wraps the page (a metered-paywall
wrapper around the article), it is not an appeal box."""
MAX_WIDGET_BLOCKS = 12
"""Nor is one holding more blocks than this: a section of short blocks (a rail of teasers, the
lower half of a page under a paywall script's wrapper). On the training side's hand-labelled
pages, named elements over 12 blocks held no fundraising words at all."""
_CLASS_WORDS = {
    "donate",
    "donation",
    "donations",
    "fundraising",
    "membership",
    "paywall",
    "support",
    "campaign",
}


def rule_votes(document: Document) -> list[Vote]:
    """Explainable fundraising votes: appeal wording, small money amounts, named elements, and the
    plan prices of a subscription pitch."""
    f = facts(document)
    money = f.hits(_MONEY)
    appeals = [
        found or ([text.strip()] if words <= 5 and _SUPPORT_NAME.match(text) else [])
        for found, text, words in zip(f.hits(_APPEAL), f.texts, f.words.tolist(), strict=True)
    ]
    appeals = _with_paid_contributions(f, appeals)
    named = _widgets(f, _CLASS_WORDS) if f.html else [[] for _ in f.texts]
    plans = _plan_rows(f, appeals)
    votes = []
    fire = [bool(a or n or p) for a, n, p in zip(appeals, named, plans, strict=True)]
    for i in np.flatnonzero(fire).tolist():
        fired: list[tuple[float, str]] = []
        found, words = appeals[i], int(f.words[i])
        asks = not _NAMES_ONLY.issuperset(found)
        if found and asks and money[i]:
            fired.append((0.9, f"appeal wording ({found[0]}) and a small money amount ({money[i][0]})"))
        elif len(found) >= 2 and asks:
            fired.append((0.85, f"appeal wording: {', '.join(found[:3])}"))
        elif found and asks and words <= 6:
            fired.append((0.75, f"a short call to action: {found[0]}"))
        elif found:
            fired.append((0.55, f"mentions {found[0]}"))
        if named[i]:
            fired.append((0.6, f"inside an element named {', '.join(named[i][:3])}"))
        if plans[i]:
            fired.append((0.6, f"a plan's price ({plans[i]}) on a page pitching a subscription"))
        votes += vote(NAME, i, LABEL, fired)
    return votes


def _with_paid_contributions(f: Facts, appeals: list[list[str]]) -> list[list[str]]:
    """``appeals`` with each block's contribution asks added where money is in sight: money words,
    a money amount or other appeal wording in the block or within MONEY_REACH blocks of it."""
    asks = f.hits(_CONTRIBUTION)
    if not any(asks):
        return appeals
    moneyed = np.fromiter(
        (bool(a or m or w) for a, m, w in zip(appeals, f.hits(_MONEY), f.hits(_MONEY_WORDS), strict=True)),
        np.int64,
        len(appeals),
    )
    seen = np.concatenate([[0], np.cumsum(moneyed)])  # seen[i]: blocks before i with money in sight
    at = np.arange(len(appeals))
    near = seen[np.minimum(at + MONEY_REACH + 1, len(appeals))] > seen[np.maximum(at - MONEY_REACH, 0)]
    return [
        found + ask if ask and paid else found for found, ask, paid in zip(appeals, asks, near, strict=True)
    ]


def _plan_rows(f: Facts, appeals: list[list[str]]) -> list[str]:
    """Per block, the price by period it shows when it is short and the page pitches a
    subscription or membership in its appeal wording ("" otherwise)."""
    if not any(_SUBSCRIPTION.search(hit) for found in appeals for hit in found):
        return [""] * len(f.texts)
    return [
        found[0] if found and words <= MAX_PLAN_WORDS else ""
        for found, words in zip(f.hits(_PRICE_PER_PERIOD), f.words.tolist(), strict=True)
    ]


def _widgets(f: Facts, names: set[str]) -> list[list[str]]:
    """Per block, its class/id words from ``names`` that name a small part of the page (by its
    share of the page's words and its number of blocks)."""
    named = f.named(names)
    share: Counter[str] = Counter()
    blocks: Counter[str] = Counter()
    for hit, words in zip(named, f.words.tolist(), strict=True):
        for name in hit:
            share[name] += words
            blocks[name] += 1
    most_words = MAX_WIDGET_SHARE * max(f.words.sum(), 1)
    wrappers = {name for name in share if share[name] > most_words or blocks[name] > MAX_WIDGET_BLOCKS}
    return [[name for name in hit if name not in wrappers] for hit in named] if wrappers else named


pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
    NAME, rule_votes, labels=(LABEL,), description="Donation, membership and paywall appeals.", model=LABEL
)
