"""The ``comments`` plugin for pageparts: reader comments and comment forms, as a new label ``comments``.

Rules, each a cue with a score; the cues that fire on a block add up as independent evidence
(``1 - (1 - a)(1 - b)``), so one vote per block carries every reason:

- inside an element whose class or id names comments (``comment-list``, ``#respond``; HTML only);
- a comments heading (``Comments (4)``, ``12 comments``, ``Join the discussion``);
- comment-form and moderation wording (``Leave a reply``, ``Post comment``, ``Comments are moderated``,
  ``Your email address will not be published``);
- a commenter line (``Priya L. · 3 hours ago``, ``Gus says:``);
- comment controls (a block of only ``Reply``, ``Report``, ``Like``, ``Share``, ...);
- the text of a comment: right after a commenter line, or right before comment controls.

The plugin is its rules (``comment_votes``) and its description: ``pageparts.rule_plugin`` writes
its hooks.
"""

from __future__ import annotations

import re

from pageparts import Document, Vote, rule_plugin

NAME = "comments"
LABEL = "comments"

NAMED_WORDS = {"comment", "comments", "commentlist", "respond", "discussion", "disqus", "replies"}
_HEADING = re.compile(
    r"(?:\d+\s+)?(?:reader\s+|user\s+)?comments?(?:\s*\(\d+\))?|join the (?:discussion|conversation)"
    r"|what do you think\??|(?:\d+\s+)?replies",
    re.IGNORECASE,
)
_FORM = re.compile(
    r"\b(?:post|add|leave|write|submit) (?:a |your )?(?:comment|reply)\b"
    r"|\b(?:log|sign) in to (?:comment|reply)\b"
    r"|\bcomments are (?:closed|moderated|open)\b|\bemail address will not be published\b"
    r"|\bcommenting (?:is|has been) (?:closed|disabled)\b|\bcommunity guidelines\b",
    re.IGNORECASE,
)
_AGO = r"\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
_COMMENTER = re.compile(
    rf"^.{{1,60}}?\s*[·•|—-]\s*{_AGO}$|^.{{1,60}}? (?:says|wrote|replied):?$"
    rf"|^{_AGO}$",
    re.IGNORECASE,
)
_CONTROL_WORDS = {
    "reply",
    "report",
    "like",
    "likes",
    "flag",
    "permalink",
    "upvote",
    "downvote",
}

NAMED, HEADING, FORM, COMMENTER, CONTROLS = 0.6, 0.8, 0.95, 0.75, 0.75
AFTER_COMMENTER, BEFORE_CONTROLS = 0.7, 0.6
MAX_CUE_WORDS = 25


def comment_votes(document: Document) -> list[Vote]:
    """One vote per block on which any cue fires."""
    blocks = document.blocks
    commenter = [_is_commenter(b.text) for b in blocks]
    controls = [_is_controls(b.text) for b in blocks]
    votes = []
    for i, block in enumerate(blocks):
        cues: list[tuple[float, str]] = []
        named = sorted(NAMED_WORDS & set(str(block.features.get("path_words", "")).split()))
        if named:
            cues.append((NAMED, f"inside an element named {named[0]!r}"))
        short = block.words <= MAX_CUE_WORDS
        if block.words <= 5 and _HEADING.fullmatch(block.text.strip()):
            cues.append((HEADING, "a comments heading"))
        elif short and (found := _FORM.search(block.text)):
            cues.append((FORM, f"comment-form wording: {found.group(0).lower()!r}"))
        if commenter[i]:
            cues.append((COMMENTER, "a commenter line"))
        elif controls[i]:
            cues.append((CONTROLS, "comment controls"))
        else:
            if i > 0 and commenter[i - 1]:
                cues.append((AFTER_COMMENTER, "follows a commenter line"))
            if i + 1 < len(blocks) and controls[i + 1]:
                cues.append((BEFORE_CONTROLS, "followed by comment controls"))
        if cues:
            votes.append(_vote(block.index, cues))
    return votes


pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
    NAME, comment_votes, labels=(LABEL,), description="Reader comments and comment forms."
)


def _vote(block: int, cues: list[tuple[float, str]]) -> Vote:
    """One vote: the cues combined as independent evidence, every reason kept."""
    doubt = 1.0
    for score, _ in cues:
        doubt *= 1.0 - score
    return Vote(NAME, block, LABEL, round(1.0 - doubt, 4), "; ".join(reason for _, reason in cues))


def _is_commenter(text: str) -> bool:
    return len(text.split()) <= 10 and bool(_COMMENTER.match(text.strip()))


def _is_controls(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    return bool(words) and len(words) <= 5 and all(word in _CONTROL_WORDS for word in words)
