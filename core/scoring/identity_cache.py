"""A cache for functions of a compiled pattern, or of a tuple of them, keyed by identity.

``functools.lru_cache`` hashes its argument on every call, and hashing a ``re.Pattern`` hashes its
compiled code: about 5 µs for the features' lexicon, asked several times a page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")


def by_identity(most: int = 256) -> Callable[[Callable[[Any], Result]], Callable[[Any], Result]]:
    """Cache a function of one argument by the argument's ``id`` (a tuple's: its items' ``id``s).
    The argument is kept with its result, so those ids stay its own; the cache is emptied when it
    holds ``most`` entries."""

    def decorate(function: Callable[[Any], Result]) -> Callable[[Any], Result]:
        known: dict[Any, tuple[Any, Result]] = {}

        @functools.wraps(function)
        def cached(argument: Any) -> Result:
            key = tuple(map(id, argument)) if isinstance(argument, tuple) else id(argument)
            found = known.get(key)
            if found is None:
                if len(known) >= most:
                    known.clear()
                found = known[key] = (argument, function(argument))
            return found[1]

        return cached

    return decorate
