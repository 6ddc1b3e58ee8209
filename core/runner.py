"""The core runner: a document in, labelled blocks out, whatever the plugins do."""

from __future__ import annotations

import math
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .combine import CombineOptions, combine
from .document import Document, Vote
from .reading import MAX_BYTES, STDIN, InputError, looks_binary, read_source, to_utf8, unpack
from .registry import Registry, make_registry

INPUT_FORMATS = ("auto", "html", "text")

CHUNK_SIZE = 4
"""Documents per task sent to a worker process by ``Runner.run(jobs=N)``."""


@dataclass(frozen=True)
class Options:
    """Everything that decides how documents are classified; shared by the API and the CLI."""

    input_format: str = "auto"
    combine: CombineOptions = field(default_factory=CombineOptions)
    max_bytes: int = MAX_BYTES
    disabled: tuple[str, ...] = ()


@dataclass
class Result:
    """The outcome for one input: a classified document, or an error message.

    ``output`` is the result as written by the ``render`` function given to ``Runner.run``
    (in the worker process when ``jobs`` > 1; ``document`` is then None, ``error`` is kept).
    """

    source: str
    document: Document | None = None
    error: str | None = None
    output: str | None = None

    def to_dict(self) -> dict:
        if self.document is None:
            return {"source": self.source, "error": self.error}
        return self.document.to_dict()


# One classifier plugin as the runner calls it: (name, hook function, declared labels).
_Classifier = tuple[str, Callable[..., Any], tuple[str, ...]]


class Runner:
    """Splits documents and sends them through every registered classifier plugin."""

    def __init__(self, options: Options | None = None, registry: Registry | None = None) -> None:
        self.options = options or Options()
        self._own_registry = registry is None
        self.registry = registry or make_registry(disabled=self.options.disabled)
        self.failed_plugins: dict[str, str] = {}
        """Plugin name -> first error it caused in this run (each reported once)."""
        self._classifiers_key: tuple[Any, ...] | None = None
        self._classifiers: list[_Classifier] = []

    def classify_bytes(self, content: bytes, source: str = "<bytes>") -> Document:
        """Classify one document's raw content; raises InputError for unusable input."""
        content = unpack(content, self.options.max_bytes)
        if looks_binary(content):
            raise InputError("binary content, not HTML or text")
        content = to_utf8(content)
        input_format = self._input_format(content)
        split = self.registry.manager.hook.pageparts_split(content=content, input_format=input_format)
        if split is None:
            raise InputError(f"no plugin splits input format {input_format!r}")
        blocks, meta = split
        document = Document(source=source, input_format=input_format, blocks=blocks, meta=dict(meta))
        combine(document, self._collect_votes(document), self.options.combine)
        document.forget_computed()
        return document

    def classify_source(self, source: str | os.PathLike[str]) -> Document:
        """Classify a file (or ``-`` for standard input)."""
        return self.classify_bytes(read_source(source, self.options.max_bytes), str(source))

    def run(
        self,
        sources: Iterable[str],
        jobs: int = 1,
        render: Callable[[Result], str] | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> Iterator[Result]:
        """Classify many sources, yielding results in input order; a failing document gives an error Result.

        With ``jobs`` > 1 the documents are classified in that many worker processes, ``chunk_size``
        at a time, with at most two chunks per worker in flight (the sources are read lazily, by
        the workers). Each worker loads the plugins and models once. ``render``, if given, turns
        each result into text in the worker (``Result.output``) and the document is not sent back.
        """
        if jobs <= 1:
            for source in sources:
                result = self._result(source)
                if render is not None:
                    result = Result(result.source, error=result.error, output=render(result))
                yield result
            return
        yield from self._run_parallel(sources, jobs, render, max(1, chunk_size))

    def _result(self, source: str, content: bytes | None = None) -> Result:
        try:
            if content is None:
                document = self.classify_source(source)
            else:
                document = self.classify_bytes(content, source)
            return Result(source, document=document)
        except Exception as error:  # one bad document must not stop the others
            return Result(source, error=_one_line(error))

    def _run_parallel(
        self, sources: Iterable[str], jobs: int, render: Callable[[Result], str] | None, chunk_size: int
    ) -> Iterator[Result]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if "fork" in multiprocessing.get_all_start_methods():
            # Workers inherit the loaded plugins and models (shared pages, no start-up cost).
            self._classifier_plugins()
            context = multiprocessing.get_context("fork")
            setup: Runner | Options = self
        else:
            if not self._own_registry:
                raise ValueError("jobs > 1 without fork() needs a Runner that makes its own registry")
            context = multiprocessing.get_context("spawn")
            setup = self.options

        def start() -> ProcessPoolExecutor:
            return ProcessPoolExecutor(jobs, context, initializer=_start_worker, initargs=(setup, render))

        executor = start()
        # (chunk, its future, whether it was already retried); in input order
        pending: deque[tuple[list[tuple[str, bytes | None]], Any, bool]] = deque()

        def finish() -> list[Result]:
            nonlocal executor, pending
            chunk, future, retried = pending.popleft()
            try:
                results, failed = future.result()
            except Exception as error:  # the worker died (killed, out of memory, crashed)
                if getattr(executor, "_broken", False):  # start a new pool for what is left
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = start()
                    pending = deque((c, executor.submit(_work, c), r) for c, _, r in pending)
                if not retried:  # it may have been another chunk that killed the pool
                    pending.appendleft((chunk, executor.submit(_work, chunk), True))
                    return []
                message = f"worker process failed: {_one_line(error)}"
                return [Result(source, error=message) for source, _ in chunk]
            for name, message in failed.items():
                self.failed_plugins.setdefault(name, message)
            return results

        try:
            for chunk in _chunks(sources, chunk_size, self.options.max_bytes):
                pending.append((chunk, executor.submit(_work, chunk), False))
                while len(pending) >= 2 * jobs:
                    yield from finish()
            while pending:
                yield from finish()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)

    def _input_format(self, content: bytes) -> str:
        chosen = self.options.input_format
        if chosen != "auto":
            return chosen
        return self.registry.manager.hook.pageparts_detect_format(content=content) or "text"

    def _classifier_plugins(self) -> list[_Classifier]:
        """The classifier plugins sorted by name, with their declared labels; rebuilt only when
        the registered plugins change (not per document)."""
        impls = self.registry.manager.hook.pageparts_classify.get_hookimpls()
        key = tuple(impls)
        if key != self._classifiers_key:
            declared = self.registry.declared_labels()
            self._classifiers = [
                (impl.plugin_name, impl.function, declared.get(impl.plugin_name, ()))
                for impl in sorted(impls, key=lambda i: i.plugin_name)
            ]
            self._classifiers_key = key
        return self._classifiers

    def _collect_votes(self, document: Document) -> list[Vote]:
        votes: list[Vote] = []
        n_blocks = len(document.blocks)
        for name, function, labels in self._classifier_plugins():
            try:
                votes.extend(_checked_votes(function(document=document), name, labels, n_blocks))
            except Exception as error:  # a plugin must never stop the run
                message = f"plugin {name!r} failed, its votes were dropped: {_one_line(error)}"
                document.warnings.append(message)
                self.failed_plugins.setdefault(name, message)
        return votes


# -- worker processes for Runner.run(jobs=N) ------------------------------------------------------

_worker: tuple[Runner, Callable[[Result], str] | None] | None = None


def _start_worker(setup: Runner | Options, render: Callable[[Result], str] | None) -> None:
    global _worker
    runner = setup if isinstance(setup, Runner) else Runner(setup)
    runner.failed_plugins = {}
    runner._classifier_plugins()  # load plugins and models now, once per worker
    _worker = (runner, render)


def _work(chunk: list[tuple[str, bytes | None]]) -> tuple[list[Result], dict[str, str]]:
    assert _worker is not None
    runner, render = _worker
    results = []
    for source, content in chunk:
        result = runner._result(source, content)
        if render is not None:
            result = Result(result.source, error=result.error, output=render(result))
        results.append(result)
    return results, runner.failed_plugins


def _chunks(sources: Iterable[str], size: int, max_bytes: int) -> Iterator[list[tuple[str, bytes | None]]]:
    """Sources in chunks of ``size``; standard input is read here, since workers cannot."""
    chunk: list[tuple[str, bytes | None]] = []
    for source in sources:
        # unpacked and size-checked by the worker, as classify_bytes does
        content = sys.stdin.buffer.read(max_bytes + 1) if str(source) == STDIN else None
        chunk.append((str(source), content))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _checked_votes(cast: object, plugin: str, labels: tuple[str, ...], n_blocks: int) -> list[Vote]:
    """The plugin's votes, or a ValueError describing the first thing wrong with them."""
    if cast is None:
        return []
    if not isinstance(cast, list | tuple):
        raise ValueError(f"returned {type(cast).__name__}, not a list of votes")
    allowed = set(labels)
    for vote in cast:  # the common case checked inline; anything unusual by _check_vote
        if not (
            type(vote) is Vote
            and vote.label in allowed
            and type(vote.score) is float
            and 0.0 <= vote.score <= 1.0
            and type(vote.block) is int
            and 0 <= vote.block < n_blocks
        ):
            _check_vote(vote, labels, n_blocks)
    return [vote if vote.plugin == plugin else replace(vote, plugin=plugin) for vote in cast]


def _check_vote(vote: object, labels: tuple[str, ...], n_blocks: int) -> None:
    """Raise a ValueError describing the first thing wrong with ``vote``, if anything is."""
    if not isinstance(vote, Vote):
        raise ValueError(f"returned {type(vote).__name__} among its votes")
    if vote.label not in labels:
        raise ValueError(f"voted for undeclared label {vote.label!r}")
    if not isinstance(vote.score, int | float) or not math.isfinite(vote.score) or not 0 <= vote.score <= 1:
        raise ValueError(f"gave score {vote.score!r}, outside [0, 1]")
    if not isinstance(vote.block, int) or not 0 <= vote.block < n_blocks:
        raise ValueError(f"voted on block {vote.block!r}, which does not exist")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if isinstance(error, InputError) else f"{type(error).__name__}: {text}"
