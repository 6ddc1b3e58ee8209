"""A test kit for plugin authors: small documents, a vote assertion, and the plugin contract check.

With pytest, load it as a plugin for the fixtures ``small_document`` (an HTML page) and
``small_text_document`` (a plain-text page)::

    pytest_plugins = ["pageparts.testing"]   # in your tests' conftest.py

or import what you need::

    from pageparts.testing import assert_votes, check_plugin, make_document

    def test_my_plugin_keeps_the_contract():
        check_plugin(my_plugin)            # raises ContractError listing every problem

    def test_my_plugin_finds_comments():
        document = make_document("Home\\n\\n3 comments\\n\\nReply")
        assert_votes(my_plugin.pageparts_classify(document), "comments", blocks=[1, 2])

The small pages are fictional. docs/plugins.md, "Testing a plugin", describes the kit.
The kit writes its own failure messages, so pytest need not rewrite it: PYTEST_DONT_REWRITE.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from functools import lru_cache
from typing import Any

from .document import Block, Document, Vote
from .host.budget import PluginTimeout, time_limit
from .host.contract import hook_arguments, hook_problem, plugin_info_problem, vote_problem
from .host.registry import Registry, make_registry
from .input.charsets import to_utf8
from .plugin_info import PluginInfo

__all__ = [
    "SMALL_PAGE_HTML",
    "SMALL_PAGE_TEXT",
    "ContractError",
    "assert_votes",
    "check_plugin",
    "contract_problems",
    "make_document",
    "small_documents",
]

CHECK_TIME_BUDGET = 2.0
"""Seconds a plugin may take on one of the small documents in ``check_plugin``."""

SMALL_PAGE_HTML = """<!doctype html>
<html lang="en"><head><title>Library reopens after roof repairs | The Lakeside Gazette</title></head>
<body>
<header><nav class="site-menu"><ul>
  <li><a href="/">Home</a></li><li><a href="/local">Local</a></li>
  <li><a href="/sport">Sport</a></li><li><a href="/signin">Sign in</a></li>
</ul></nav></header>
<main><article>
  <h1>Library reopens after roof repairs</h1>
  <p class="standfirst">Readers return to the Elm Street branch after a leaking roof closed it
  for five months.</p>
  <p class="byline">By Ines Calloway</p>
  <p>The Elm Street library opened its doors again on Monday morning, and by nine o'clock a queue of
  parents, students and retired teachers stretched past the bakery next door.</p>
  <p>Water came through the reading-room ceiling during the February storms, soaking two shelves of
  local history books. Most of them were dried and saved by volunteers from the historical society.</p>
  <p>The repairs cost the town a little under two hundred thousand dollars, paid from the maintenance
  reserve, and the new roof carries a twenty-year guarantee.</p>
</article>
<aside class="donate"><p>The Gazette is funded by readers like you. Donate $5 a month to keep
  local news free.</p>
  <a href="/donate">Donate now</a></aside>
<aside class="related"><h2>Related stories</h2><ul>
  <li><a href="/a">Storm floods the reading room at Elm Street</a></li>
  <li><a href="/b">Volunteers dry out two hundred history books</a></li>
</ul></aside></main>
<footer><p>&copy; 2024 The Lakeside Gazette. All rights reserved.</p></footer>
</body></html>
"""

SMALL_PAGE_TEXT = """Home

Local

Sport

Ferry timetable changes for the winter

From November the first boat leaves the harbour at seven, half an hour later than in summer.

By Tomas Reyes

The ferry company said the later start lets crews finish maintenance before the first crossing,
and that the last boat of the day will still leave the island at ten past eleven.

Season tickets bought before November keep their old prices until the end of March.

Support our reporting: become a member for $3 a month.

More from the harbour

Fishing boats return early as the storm season begins
"""


def make_document(content: str | bytes, input_format: str = "auto", source: str = "<test>") -> Document:
    """``content`` split into blocks by the built-in splitters, as plugins see it: no votes yet.

    ``input_format`` is ``"auto"`` (sniffed, as ``pageparts classify`` does), ``"html"`` or ``"text"``.
    """
    data = to_utf8(content.encode("utf-8") if isinstance(content, str) else content)
    hook = _splitters().manager.hook
    if input_format == "auto":
        input_format = hook.pageparts_detect_format(content=data) or "text"
    split = hook.pageparts_split(content=data, input_format=input_format)
    if split is None:
        raise ValueError(f"no built-in splitter for input format {input_format!r}")
    return Document.from_split(source, input_format, *split)


@lru_cache(maxsize=1)
def _splitters() -> Registry:
    from .splitters import html, text

    return make_registry(load_entrypoints=False, plugins={"text-splitter": text, "html-splitter": html})


def small_documents() -> list[Document]:
    """The documents ``check_plugin`` tries a plugin on: the two small pages, one block, no blocks."""
    return [
        make_document(SMALL_PAGE_HTML, source="small-page.html"),
        make_document(SMALL_PAGE_TEXT, source="small-page.txt"),
        make_document("A single line of text.", source="one-block.txt"),
        make_document("", source="empty.txt"),
    ]


def assert_votes(
    votes: Iterable[Vote],
    label: str,
    blocks: Iterable[int],
    *,
    min_score: float = 0.5,
    exact: bool = True,
    document: Document | None = None,
) -> None:
    """Assert that the blocks with a vote for ``label`` scoring at least ``min_score`` are ``blocks``.

    With ``exact=False`` other blocks may have such votes too. Give ``document`` to see the blocks'
    text in the failure message.
    """
    votes = list(votes)
    best: dict[int, float] = {}
    for vote in votes:
        if vote.label == label:
            best[vote.block] = max(vote.score, best.get(vote.block, 0.0))
    voted = {block for block, score in best.items() if score >= min_score}
    expected = set(blocks)
    missing = sorted(expected - voted)
    extra = sorted(voted - expected) if exact else []
    if not missing and not extra:
        return

    def show(indexes: list[int]) -> str:
        return ", ".join(_describe_block(i, best.get(i), document) for i in indexes)

    lines = [f"votes for {label!r} scoring >= {min_score:g}:"]
    if missing:
        lines.append(f"  missing on {show(missing)}")
    if extra:
        lines.append(f"  unexpected on {show(extra)}")
    raise AssertionError("\n".join(lines))


def _describe_block(index: int, score: float | None, document: Document | None) -> str:
    scored = f"best score {score:.2f}" if score is not None else "no vote"
    if document is not None and 0 <= index < len(document.blocks):
        text = " ".join(document.blocks[index].text.split())
        return f"block {index} ({scored}: {text[:40]!r})"
    return f"block {index} ({scored})"


class ContractError(AssertionError):
    """A plugin breaks the pageparts plugin contract; the message lists every problem found."""


def check_plugin(
    plugin: object, documents: Iterable[Document] | None = None, time_budget: float = CHECK_TIME_BUDGET
) -> None:
    """Raise ContractError if ``plugin`` (a module or object with hooks) breaks the plugin contract.

    See ``contract_problems`` for what is checked.
    """
    problems = contract_problems(plugin, documents, time_budget)
    if problems:
        raise ContractError(
            "the plugin breaks the pageparts contract:\n" + "\n".join(f"- {p}" for p in problems)
        )


def contract_problems(
    plugin: object, documents: Iterable[Document] | None = None, time_budget: float = CHECK_TIME_BUDGET
) -> list[str]:
    """Every way ``plugin`` breaks the contract pageparts holds plugins to, on ``documents``.

    Its hooks exist and take only arguments the hooks pass, and are marked ``@hookimpl``; it describes
    itself with a well-formed PluginInfo; on each document (by default ``small_documents()``) its
    classify hook returns a list of Vote objects for its declared labels, with scores in [0, 1], on
    blocks that exist, signed with its name; the same votes when asked twice; within ``time_budget``
    seconds; and without changing the document (adding to ``document.warnings`` and using
    ``document.computed`` are allowed). A splitter's hooks return what docs/plugins.md says.
    """
    problem = hook_problem(plugin)
    if problem is not None:
        return [problem]
    classify = getattr(plugin, "pageparts_classify", None)
    describe = getattr(plugin, "pageparts_plugin_info", None)
    info = None
    problems = []
    if describe is not None:
        try:
            info = describe()
        except Exception as error:
            return [f"pageparts_plugin_info raised {type(error).__name__}: {error}"]
        problem = plugin_info_problem(info)
        if problem is not None:
            return [problem]
    elif classify is not None:
        return [
            "implements pageparts_classify but not pageparts_plugin_info, so it has no labels to vote for"
        ]
    documents = small_documents() if documents is None else list(documents)
    for document in documents:
        if classify is not None and info is not None:
            problems += _classify_problems(classify, info, document, time_budget)
    if getattr(plugin, "pageparts_split", None) is not None:
        problems += _split_problems(plugin.pageparts_split)
    if getattr(plugin, "pageparts_detect_format", None) is not None:
        problems += _detect_problems(plugin.pageparts_detect_format)
    return list(dict.fromkeys(problems))


def _call(function: Callable[..., Any], **arguments: Any) -> Any:
    """Call a hook function with the arguments it asks for, as pluggy does."""
    return function(**{name: arguments[name] for name in hook_arguments(function)})


def _classify_problems(
    classify: Callable[..., Any], info: PluginInfo, document: Document, budget: float
) -> list[str]:
    where = f"on {document.source}"
    before = _snapshot(document)
    casts = []
    for _ in range(2):
        started = time.perf_counter()
        try:
            with time_limit(budget):
                casts.append(_call(classify, document=document))
        except PluginTimeout:
            return [f"pageparts_classify was still running after {budget:g} s {where}"]
        except Exception as error:
            return [f"pageparts_classify raised {type(error).__name__}: {error} {where}"]
        spent = time.perf_counter() - started
        if spent > budget:
            return [f"pageparts_classify took {spent:.2f} s {where}, more than {budget:g} s"]
    cast = casts[0]
    if cast is not None and not isinstance(cast, list | tuple):
        return [f"pageparts_classify returned {type(cast).__name__}, not a list of votes, {where}"]
    problems = []
    for vote in cast or []:
        problem = vote_problem(vote, tuple(info.labels), len(document.blocks))
        if problem is None and vote.plugin != info.name:
            problem = f"signed a vote {vote.plugin!r}, not with its name {info.name!r}"
        if problem is not None:
            problems.append(f"pageparts_classify {problem} {where}")
            break
    changed = _changes(before, _snapshot(document))
    if changed:
        problems.append(f"pageparts_classify changed the document ({changed}) {where}")
    elif casts[0] != casts[1]:
        problems.append(f"pageparts_classify gave other votes when asked again {where}")
    return problems


def _snapshot(document: Document) -> dict[str, Any]:
    """What a classify hook must leave as it is (warnings and the computed cache it may add to)."""
    return copy.deepcopy(
        {
            "source": document.source,
            "input_format": document.input_format,
            "meta": document.meta,
            "number of blocks": len(document.blocks),
            **{f"block {b.index}": asdict(b) for b in document.blocks},
        }
    )


def _changes(before: dict[str, Any], after: dict[str, Any], shown: int = 3) -> str:
    """Which parts differ (``"block 2: label, votes; meta"``, the first ``shown``); empty if none."""
    changed = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict) and key.startswith("block "):
            fields = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            changed.append(f"{key}: {', '.join(fields)}")
        else:
            changed.append(key)
    more = f"; and {len(changed) - shown} more" if len(changed) > shown else ""
    return "; ".join(changed[:shown]) + more


def _split_problems(split: Callable[..., Any]) -> list[str]:
    problems = []
    for input_format, content in (("html", SMALL_PAGE_HTML), ("text", SMALL_PAGE_TEXT)):
        try:
            result = _call(split, content=content.encode("utf-8"), input_format=input_format)
        except ValueError:
            continue  # content it cannot split: allowed, with a one-line message
        except Exception as error:
            problems.append(
                f"pageparts_split raised {type(error).__name__}: {error} on {input_format} content"
            )
            continue
        if result is None:
            continue
        if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict)):
            problems.append(f"pageparts_split returned {type(result).__name__}, not (blocks, dict) or None")
            continue
        blocks = result[0]
        if not isinstance(blocks, list) or not all(isinstance(b, Block) for b in blocks):
            problems.append("pageparts_split returned blocks that are not a list of Block objects")
        elif [b.index for b in blocks] != list(range(len(blocks))):
            problems.append("pageparts_split returned blocks not indexed 0, 1, 2, ... in order")
    return problems


def _detect_problems(detect: Callable[..., Any]) -> list[str]:
    problems = []
    for content in (SMALL_PAGE_HTML, SMALL_PAGE_TEXT, ""):
        try:
            found = _call(detect, content=content.encode("utf-8"))
        except Exception as error:
            problems.append(f"pageparts_detect_format raised {type(error).__name__}: {error}")
            continue
        if found is not None and not isinstance(found, str):
            problems.append(
                f"pageparts_detect_format returned {type(found).__name__}, not a format name or None"
            )
    return problems


try:  # the fixtures, when pytest is there (``pytest_plugins = ["pageparts.testing"]``)
    import pytest
except ImportError:  # plain imports work without pytest
    pass
else:

    @pytest.fixture
    def small_document() -> Document:
        """A small fictional HTML news page (``SMALL_PAGE_HTML``) split into blocks, not yet classified."""
        return make_document(SMALL_PAGE_HTML, source="small-page.html")

    @pytest.fixture
    def small_text_document() -> Document:
        """A small fictional plain-text news page (``SMALL_PAGE_TEXT``) split into blocks."""
        return make_document(SMALL_PAGE_TEXT, source="small-page.txt")
