"""Resuming an interrupted run: which inputs a JSON Lines output already holds.

Results are written one whole line at a time and flushed, so an interrupted run leaves complete
lines and at most one partial line at the end. ``done_sources`` cuts that partial line off and
counts the sources of the complete ones; ``skip_done`` then drops those inputs from a new run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from .reading import Input, InputError

_SOURCE_FIRST = '{"source": '


def done_sources(path: str | Path) -> Counter[str]:
    """How often each source occurs in the JSON Lines file ``path`` (none if it does not exist).

    A last line without its newline (a write cut short) is removed from the file. Raises
    InputError if a complete line is not a pageparts record.
    """
    done: Counter[str] = Counter()
    try:
        handle = open(path, "r+b")  # noqa: SIM115 (closed below, after the truncate)
    except FileNotFoundError:
        return done
    with handle:
        complete = 0
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                break
            done[_source(line, path, number)] += 1
            complete += len(line)
        handle.truncate(complete)
    return done


def skip_done(inputs: Iterable[Input], done: Counter[str]) -> Iterator[Input]:
    """``inputs`` without those ``done`` counts (each count skips that many inputs of that source)."""
    for item in inputs:
        left = done.get(item.source, 0)
        if left:
            if left == 1:
                del done[item.source]
            else:
                done[item.source] = left - 1
            continue
        yield item


def _source(line: bytes, path: str | Path, number: int) -> str:
    text = line.decode("utf-8", errors="replace")
    try:
        if text.startswith(_SOURCE_FIRST + '"'):  # as pageparts writes it: no need to parse it all
            source, _ = json.decoder.scanstring(text, len(_SOURCE_FIRST) + 1)
        else:
            source = json.loads(text)["source"]
    except (ValueError, KeyError, TypeError):
        source = None
    if not isinstance(source, str):
        raise InputError(f"{path}:{number} is not a pageparts JSON Lines record, cannot resume")
    return source
