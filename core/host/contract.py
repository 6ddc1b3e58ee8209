"""What pageparts demands of a plugin: hooks it knows, a well-formed self-description, sound votes.

The registry applies the first two when it loads plugins, the runner the last to every document,
and ``pageparts.testing.check_plugin`` all of them in a plugin's own tests. Each check returns a
one-line description of what is wrong (or raises ``ValueError`` with one), never a traceback.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable
from dataclasses import replace

import pluggy

from .. import hookspecs
from ..document import LABELS, SOURCES, Vote
from ..plugin_info import PluginInfo

HOOK_PREFIX = "pageparts_"
LABEL_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
"""A well-formed label or plugin name: lower-case words of letters and digits joined by hyphens."""
MAX_NAME_LENGTH = 40

HOOKS = tuple(name for name in vars(hookspecs) if name.startswith(HOOK_PREFIX))
"""The names of every hook, in the order ``core/hookspecs.py`` defines them."""


def name_problem(name: object, what: str = "label") -> str | None:
    """Why ``name`` is not a well-formed label (or plugin) name, or None if it is."""
    if not isinstance(name, str):
        return f"{what} {name!r} is a {type(name).__name__}, not a string"
    if len(name) > MAX_NAME_LENGTH or not LABEL_PATTERN.fullmatch(name):
        return (
            f"{what} {name!r} is not well-formed: use lower-case letters and digits, words joined "
            f"by single hyphens, starting with a letter, at most {MAX_NAME_LENGTH} characters"
        )
    return None


def hook_problem(plugin: object) -> str | None:
    """Why pageparts cannot use the hooks of ``plugin`` (a hook function not marked ``@hookimpl``, a
    name that is not a pageparts hook, arguments the hook does not pass), or None."""
    for attribute in sorted(dir(plugin)):
        function = getattr(plugin, attribute, None) if attribute.startswith(HOOK_PREFIX) else None
        if not callable(function):
            continue
        spec = getattr(hookspecs, attribute, None)
        if not hasattr(function, "pageparts_impl"):
            return f"{attribute} is not marked @pageparts.hookimpl, so pageparts would never call it"
        if spec is None:
            return f"{attribute} is not a pageparts hook (misspelt?); the hooks are {', '.join(HOOKS)}"
        asked, given = hook_arguments(function), hook_arguments(spec)
        unknown = [name for name in asked if name not in given]
        if unknown:
            return (
                f"{attribute} takes {', '.join(map(repr, unknown))}, which the hook does not pass "
                f"(it passes {', '.join(map(repr, given)) or 'nothing'})"
            )
    manager = pluggy.PluginManager("pageparts")
    manager.add_hookspecs(hookspecs)
    try:  # pluggy's own checks, for anything the ones above do not catch
        manager.register(plugin)
        manager.check_pending()
    except (pluggy.PluginValidationError, ValueError) as error:
        return " ".join(str(error).split())
    return None


def hook_arguments(function: Callable[..., object]) -> list[str]:
    """The arguments pluggy passes to ``function``: named ones without a default."""
    return [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.default is p.empty
    ]


def plugin_info_problem(info: object) -> str | None:
    """Why ``info`` (what a ``pageparts_plugin_info`` hook returned) is not a usable PluginInfo."""
    if not isinstance(info, PluginInfo):
        return f"pageparts_plugin_info returned {type(info).__name__}, not a PluginInfo"
    for field, kind in (("name", str), ("version", str), ("description", str), ("uses_model", bool)):
        if not isinstance(getattr(info, field), kind):
            return f"PluginInfo.{field} is {getattr(info, field)!r}, not a {kind.__name__}"
    problem = name_problem(info.name, "plugin name")
    if problem:
        return problem
    for field in ("labels", "shared_labels"):
        if not isinstance(getattr(info, field), tuple | list):
            return f"PluginInfo.{field} is {getattr(info, field)!r}, not a tuple of labels"
    for label in info.labels:
        problem = name_problem(label)
        if problem:
            return problem
    for label in info.shared_labels:
        if label not in info.labels:
            return f"shared label {label!r} is not among its labels {tuple(info.labels)}"
        if label in LABELS:
            return f"shared label {label!r} is built in: every plugin may vote for it without sharing it"
    return None


def introduced_labels(info: PluginInfo) -> tuple[str, ...]:
    """The labels a plugin brings to pageparts: those not built in and not shared from another plugin."""
    return tuple(label for label in info.labels if label not in LABELS and label not in info.shared_labels)


def vote_problem(vote: object, labels: tuple[str, ...], n_blocks: int) -> str | None:
    """What is wrong with one ``vote`` of a plugin that declared ``labels``, or None."""
    if not isinstance(vote, Vote):
        return f"returned {type(vote).__name__} among its votes"
    if vote.label not in labels:
        return f"voted for undeclared label {vote.label!r}"
    if not isinstance(vote.score, int | float) or not math.isfinite(vote.score) or not 0 <= vote.score <= 1:
        return f"gave score {vote.score!r}, outside [0, 1]"
    if not isinstance(vote.block, int) or not 0 <= vote.block < n_blocks:
        return f"voted on block {vote.block!r}, which does not exist"
    if not isinstance(vote.reason, str):
        return f"gave a reason that is a {type(vote.reason).__name__}, not a string"
    if vote.source not in SOURCES:
        return f"gave source {vote.source!r}, not one of {', '.join(map(repr, SOURCES))}"
    return None


def checked_votes(cast: object, plugin: str, labels: tuple[str, ...], n_blocks: int) -> list[Vote]:
    """The plugin's votes filed under its name, or a ValueError describing the first thing wrong."""
    if cast is None:
        return []
    if not isinstance(cast, list | tuple):
        raise ValueError(f"returned {type(cast).__name__}, not a list of votes")
    for vote in cast:
        # the usual vote passes this quick test; anything else gets every check and its message
        if not (
            type(vote) is Vote
            and vote.label in labels
            and type(vote.score) is float
            and 0.0 <= vote.score <= 1.0
            and type(vote.block) is int
            and 0 <= vote.block < n_blocks
            and type(vote.reason) is str
            and vote.source in SOURCES
        ):
            problem = vote_problem(vote, labels, n_blocks)
            if problem:
                raise ValueError(problem)
    return [vote if vote.plugin == plugin else replace(vote, plugin=plugin) for vote in cast]
