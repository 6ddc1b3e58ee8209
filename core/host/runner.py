"""The core runner: a document in, labelled blocks out, whatever the plugins do."""

from __future__ import annotations

import enum
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import repeat
from operator import attrgetter
from typing import Any

from ..document import MODEL, RULE, Document, Vote
from ..input.charsets import to_utf8, with_charset
from ..input.reading import STDIN, Input, InputError, as_input, looks_binary, read_source, unpack
from ..scoring.combine import combine
from ..scoring.features import model_kind
from ..scoring.models import ModelStore
from ..scoring.sites import site_stores, store_for, url_parts
from ..scoring.speedups import SPLIT_PATH, hot_path, use_path
from ..settings import INPUT_FORMATS, Options
from .budget import PluginTimeout, budget_for, time_limit
from .collector import collect_less
from .contract import checked_votes
from .registry import Registry, make_registry

__all__ = [
    "FROM_OPTIONS",
    "INPUT_FORMATS",
    "RULES_ONLY",
    "Options",
    "Result",
    "Runner",
    "page_url",
    "plugin_registry",
]

EMPTY = "the input is empty (no blocks)"
NO_TEXT = "no visible text (no blocks)"

CHUNK_SIZE = 4
"""Documents per task sent to a worker process by ``Runner.run(jobs=N)``."""


@dataclass
class Result:
    """The outcome for one input: a classified document, or an error message.

    ``output`` is the result as written by the ``render`` function given to ``Runner.run``
    (in the worker process when ``jobs`` > 1; ``document`` is then None, ``error`` is kept).
    ``url`` and ``id`` are the input's own, when it has them (JSON Lines and WARC records);
    for an input with no URL of its own, ``url`` is the page's own URL (``page_url``), if it has
    one, and ``url_from`` is then ``"page"``.
    ``warnings`` and ``dropped`` (plugins whose votes were dropped) are the document's, kept
    when ``document`` is not.
    """

    source: str
    document: Document | None = None
    error: str | None = None
    output: str | None = None
    url: str | None = None
    id: str | None = None
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    url_from: str | None = None

    def __post_init__(self) -> None:
        if self.document is not None and not self.warnings:
            self.warnings, self.dropped = self.document.warnings, self.document.dropped

    def to_dict(self) -> dict:
        head = {"source": self.source}
        given = (("url", self.url), ("url_from", self.url_from), ("id", self.id))
        head.update((key, value) for key, value in given if value)
        if self.document is None:
            return {**head, "error": self.error}
        return {**head, **self.document.to_dict()}


# One classifier plugin as the runner calls it: (name, hook function, declared labels, the label
# of the model its pageparts_trainable hook asks for, or None).
_Classifier = tuple[str, Callable[..., Any], tuple[str, ...], str | None]


class _FromOptions(enum.Enum):
    MODELS = "the model directory of the options"


FROM_OPTIONS = _FromOptions.MODELS
"""``Runner(models=FROM_OPTIONS)`` (the default): a store of the options' model directory,
``ModelStore.of(options.models)`` (None: the shipped models)."""

DEFAULT_MODELS = FROM_OPTIONS
"""The name ``FROM_OPTIONS`` had before the settings decided the model directory."""

RULES_ONLY = None
"""``Runner(models=RULES_ONLY)``: no model store, so no model votes and no learned combiner fit
(a rule-only run)."""


class Runner:
    """Splits documents and sends them through every registered classifier plugin.

    ``models`` is the ``ModelStore`` whose models vote, for every plugin whose
    ``pageparts_trainable`` hook asks for a model, and whose learned combiner combines; None for a
    rule-only run (``RULES_ONLY``). By default (``FROM_OPTIONS``), a store of the options' model
    directory, ``options.models`` (None: the shipped models).

    With ``options.sites`` (a directory of site adaptations), a document whose URL a site pattern
    matches is classified with that adaptation instead (``pageparts.scoring.sites``); a rule-only runner
    has none.
    """

    def __init__(
        self,
        options: Options | None = None,
        registry: Registry | None = None,
        models: ModelStore | _FromOptions | None = FROM_OPTIONS,
    ) -> None:
        self.options = options or Options()
        self._own_registry = registry is None
        self.registry = registry or plugin_registry(self.options)
        self.models: ModelStore | None = (
            ModelStore.of(self.options.models) if models is FROM_OPTIONS else models
        )
        sites = self.options.sites
        self.sites: list[ModelStore] = site_stores(sites) if sites and self.models is not None else []
        self.hot_path = hot_path(self.options.pure_python)
        """The hot loops' implementation: compiled, unless the options say ``pure_python`` or the
        extension is missing (``pageparts.scoring.speedups``)."""
        self.failed_plugins: dict[str, str] = {}
        """Plugin name -> first error it caused in this run (each reported once)."""
        self._classifiers_key: tuple[Any, ...] | None = None
        self._classifiers: list[_Classifier] = []
        self._warned: set[str] = set()

    def classify_bytes(
        self,
        content: bytes,
        source: str = "<bytes>",
        *,
        input_format: str | None = None,
        charset: str | None = None,
        url: str | None = None,
    ) -> Document:
        """Classify one document's raw content; raises InputError for unusable input.

        ``input_format`` and ``charset`` are what the input says about itself (see ``Input``);
        an ``input_format`` chosen in the options wins over it. ``url`` (else ``source``, when it
        is a URL, else the page's own URL, see ``page_url``) picks a site adaptation of
        ``options.sites``.
        """
        content = unpack(content, self.options.max_bytes)
        if looks_binary(content):
            raise InputError("binary content, not HTML or text")
        content = with_charset(to_utf8(content), charset)
        document = self.split(content, self._input_format(content, input_format), source)
        use_path(document, self.hot_path)
        if not document.blocks:
            document.warnings.append(NO_TEXT if content.strip() else EMPTY)
        models = self.models_for(url or page_url(document, url) or source)
        votes = self._collect_votes(document, models)
        fitted = layer = None
        if models is not None and self.options.combine.learned:
            kind = model_kind(document)
            fitted, layer = models.combiner(kind), models.adaptation(kind)
            refused = models.adaptation_refusal()
            if refused:
                document.warnings.append(refused)
        combine(document, votes, self.options.combine, fitted, layer, self.hot_path)
        document.forget_computed()
        return document

    def models_for(self, url: str | None) -> ModelStore | None:
        """The store that classifies a document of ``url``: the site adaptation whose pattern
        matches it most closely, else the runner's own ``models``."""
        return store_for(self.sites, url) or self.models

    def split(self, content: bytes, input_format: str, source: str = "<bytes>") -> Document:
        """``content`` (UTF-8) split into blocks by the splitter plugin of ``input_format``, not
        classified; raises InputError when no plugin splits it."""
        path = SPLIT_PATH.set(self.hot_path)  # the HTML splitter's walk follows the runner's path
        try:
            split = self.registry.manager.hook.pageparts_split(content=content, input_format=input_format)
        except ValueError as error:  # content the splitter cannot split: its message is for the user
            raise InputError(" ".join(str(error).split()) or "the content cannot be split") from None
        finally:
            SPLIT_PATH.reset(path)
        if split is None:
            raise InputError(f"no plugin splits input format {input_format!r}")
        return Document.from_split(source, input_format, *split)

    def classify_source(self, source: str | os.PathLike[str]) -> Document:
        """Classify a file (or ``-`` for standard input)."""
        return self.classify_bytes(read_source(source, self.options.max_bytes), str(source))

    def run(
        self,
        sources: Iterable[str | os.PathLike[str] | Input],
        jobs: int = 1,
        render: Callable[[Result], str] | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> Iterator[Result]:
        """Classify many sources, yielding results in input order; a failing document gives an error Result.

        A source is a path (``-`` for standard input) or an ``Input`` (from ``inputs.iter_inputs``:
        JSON Lines and WARC records carry their content). With ``jobs`` > 1 the documents are
        classified in that many worker processes, ``chunk_size`` at a time, with at most two chunks
        per worker in flight (files are read lazily, by the workers). Each worker loads the plugins
        and models once. ``render``, if given, turns each result into text in the worker
        (``Result.output``) and the document is not sent back.
        """
        inputs = map(as_input, sources)
        if jobs <= 1:
            for item in inputs:
                yield _rendered(self._result(item), render)
            return
        yield from self._run_parallel(inputs, jobs, render, max(1, chunk_size))

    def _result(self, item: Input) -> Result:
        if item.error is not None:
            return Result(item.source, error=item.error, url=item.url, id=item.id)
        try:
            if item.content is None:
                document = self.classify_source(item.source)
            else:
                document = self.classify_bytes(
                    item.content,
                    item.source,
                    input_format=item.input_format,
                    charset=item.charset,
                    url=item.url,
                )
        except Exception as error:  # one bad document must not stop the others
            return Result(item.source, error=_one_line(error), url=item.url, id=item.id)
        own = page_url(document, item.url)
        return Result(
            item.source, document, url=item.url or own, id=item.id, url_from="page" if own else None
        )

    def _run_parallel(
        self, inputs: Iterable[Input], jobs: int, render: Callable[[Result], str] | None, chunk_size: int
    ) -> Iterator[Result]:
        import multiprocessing

        from .workers import InFlight, Workers

        if "fork" in multiprocessing.get_all_start_methods():
            # Workers inherit the loaded plugins and models (shared pages, no start-up cost).
            self._classifier_plugins()
            context = multiprocessing.get_context("fork")
            setup: Runner | tuple[Options, ModelStore | None] = self
        else:
            if not self._own_registry:
                raise ValueError("jobs > 1 without fork() needs a Runner that makes its own registry")
            context = multiprocessing.get_context("spawn")
            setup = (self.options, self.models)
        flight = InFlight(Workers(jobs, context, _start_worker, (setup, render)), _work, _crashed)
        finished = False
        try:
            for chunk in _chunks(inputs, chunk_size, self.options.max_bytes):
                flight.add(chunk)
                while len(flight) >= 2 * jobs:
                    yield from self._merged(flight.finish())
            while len(flight):
                yield from self._merged(flight.finish())
            finished = True
        finally:  # interrupted, or the caller stopped early: the work in hand is not wanted
            if finished:
                flight.workers.close()
            else:
                flight.workers.stop()

    def _merged(self, outcome: tuple[list[Result], dict[str, str]] | None) -> list[Result]:
        """A chunk's results (none if it must run again), after noting the plugin failures the
        worker reported with them."""
        if outcome is None:
            return []
        results, failed = outcome
        for name, message in failed.items():
            self.failed_plugins.setdefault(name, message)
        return results

    def _input_format(self, content: bytes, declared: str | None = None) -> str:
        chosen = self.options.input_format
        if chosen != "auto":
            return chosen
        return declared or self.registry.manager.hook.pageparts_detect_format(content=content) or "text"

    def _classifier_plugins(self) -> list[_Classifier]:
        """The classifier plugins sorted by name, with their declared labels and the label of
        the model they ask for; rebuilt only when the registered plugins change (not per document)."""
        impls = self.registry.manager.hook.pageparts_classify.get_hookimpls()
        key = tuple(impls)
        if key != self._classifiers_key:
            declared = self.registry.declared_labels()
            asked = self.registry.model_labels()
            self._classifiers = [
                (
                    impl.plugin_name,
                    impl.function,
                    declared.get(impl.plugin_name, ()),
                    asked.get(impl.plugin_name),
                )
                for impl in sorted(impls, key=lambda i: i.plugin_name)
            ]
            self._classifiers_key = key
        return self._classifiers

    def _collect_votes(self, document: Document, models: ModelStore | None) -> list[Vote]:
        votes: list[Vote] = []
        n_blocks = len(document.blocks)
        budget = budget_for(self.options.time_budget, n_blocks)
        for name, function, labels, model_label in self._classifier_plugins():
            problem = None
            started = time.perf_counter()
            try:
                with time_limit(budget):  # a plugin's model votes count against its budget
                    cast = function(document=document)
                    modelled = (
                        models.votes(name, model_label, document, self.hot_path)
                        if models is not None and model_label
                        else ()
                    )
                spent = time.perf_counter() - started
                if budget and spent > budget:
                    problem = f"took {spent:.2f} s on this document, over its time budget of {budget:g} s"
                else:
                    votes.extend(self._typed(checked_votes(cast, name, labels, n_blocks), name))
                    votes.extend(modelled)
            except PluginTimeout:
                problem = f"was stopped after {budget:g} s on this document, its time budget"
            except Exception as error:  # a plugin must never stop the run
                problem = f"failed: {_one_line(error)}"
            if problem is not None:
                message = f"plugin {name!r} {problem}; its votes were dropped"
                document.warnings.append(message)
                document.dropped.append(name)
                self.failed_plugins.setdefault(name, message)
        return votes

    def _typed(self, votes: list[Vote], plugin: str) -> list[Vote]:
        """``votes`` with those a plugin marked as model votes the old way (a rule vote whose reason
        starts with ``html model: `` or ``text model: ``) given ``source="model"``. Deprecated:
        plugins should set ``Vote.source``; each plugin that still relies on it gets a warning."""
        if not any(map(str.startswith, map(_REASON, votes), repeat(MODEL_REASONS))):
            return votes
        marked = [v.source == RULE and v.reason.startswith(MODEL_REASONS) for v in votes]
        if not any(marked):
            return votes
        if plugin not in self._warned:
            self._warned.add(plugin)
            warnings.warn(
                f"plugin {plugin!r} marks model votes by their reason ({MODEL_REASONS[0]!r}...); "
                'set Vote(..., source="model") instead: reading the reason will go away',
                DeprecationWarning,
                stacklevel=2,
            )
        return [replace(v, source=MODEL) if m else v for v, m in zip(votes, marked, strict=True)]


MODEL_REASONS = ("html model: ", "text model: ")
"""Deprecated: a plugin's rule vote whose reason starts with one of these is read as a model vote."""

_REASON = attrgetter("reason")


def page_url(document: Document, url: str | None = None) -> str | None:
    """The page's own URL (its splitter's ``url`` fact: for HTML, ``<link rel="canonical">``, else
    ``<meta property="og:url">``) when the input gives none: no ``url``, and a source that is not
    an ``http(s)`` URL; else None. Only an ``http(s)`` URL with a host counts."""
    if url or url_parts(document.source):
        return None
    own = document.meta.get("url")
    return own if isinstance(own, str) and url_parts(own) else None


def plugin_registry(options: Options) -> Registry:
    """The plugins that ``options`` load (``only``, ``disabled``)."""
    return make_registry(only=options.only, disabled=options.disabled)


# -- worker processes for Runner.run(jobs=N) ------------------------------------------------------


_worker: tuple[Runner, Callable[[Result], str] | None] | None = None


def _start_worker(
    setup: Runner | tuple[Options, ModelStore | None], render: Callable[[Result], str] | None
) -> None:
    global _worker
    collect_less()  # a process of pageparts' own: see collector.py
    runner = setup if isinstance(setup, Runner) else Runner(setup[0], models=setup[1])
    runner.failed_plugins = {}
    runner._classifier_plugins()  # load plugins and models now, once per worker
    _worker = (runner, render)


def _work(chunk: list[Input]) -> tuple[list[Result], dict[str, str]]:
    assert _worker is not None
    runner, render = _worker
    return [_rendered(runner._result(item), render) for item in chunk], runner.failed_plugins


def _crashed(chunk: list[Input], error: BaseException) -> tuple[list[Result], dict[str, str]]:
    """What a chunk whose worker died gives: an error result per input."""
    message = f"worker process failed: {_one_line(error)}"
    return [Result(i.source, error=message, url=i.url, id=i.id) for i in chunk], {}


def _rendered(result: Result, render: Callable[[Result], str] | None) -> Result:
    """``result`` with its ``output`` made by ``render`` (and its document dropped), if given."""
    if render is None:
        return result
    return replace(result, document=None, output=render(result))


def _chunks(inputs: Iterable[Input], size: int, max_bytes: int) -> Iterator[list[Input]]:
    """Inputs in chunks of ``size``; standard input is read here, since workers cannot."""
    chunk: list[Input] = []
    for item in inputs:
        if item.source == STDIN and item.content is None and item.error is None:
            # unpacked and size-checked by the worker, as classify_bytes does
            item = replace(item, content=sys.stdin.buffer.read(max_bytes + 1))
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if isinstance(error, InputError) else f"{type(error).__name__}: {text}"
