"""Classifying on a Dask cluster: inputs in partitions, one output file per partition.

    from pageparts.host.dask_engine import classify_on_dask
    summary = classify_on_dask(["crawl/"], "labels/", scheduler="tcp://scheduler:8786")

The client lists the inputs and cuts them into partitions: each JSON Lines or WARC file is one
partition, loose files go ``partition_size`` to a partition. Each partition is one task
(``Client.submit``): the worker reads its inputs, classifies them with a Runner built once per
worker process, and writes ``OUTPUT_DIR/part-NNNNN.jsonl`` (under a temporary name, renamed when
complete, so a finished part file is always whole). Inputs and the output directory must be
visible to every worker under the same path (a shared file system; input URLs go through fsspec).
Dask is imported only here, and only when this engine is used (the ``dask`` extra).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any

from ..input.reading import ReadStats
from ..input.stream import INPUT_KINDS, input_kind, iter_inputs, iter_sources
from ..scoring.models import ModelStore
from .runner import FROM_OPTIONS, Options, Runner

PARTITION_SIZE = 1000
"""Loose files per partition."""

EXTENSIONS = {"jsonl": "jsonl", "text": "txt", "table": "txt"}
"""The part files' extension for each output format."""


@dataclass(frozen=True)
class Partition:
    """One task's inputs: ``paths`` read as ``kind`` (see ``inputs.INPUT_KINDS``)."""

    index: int
    kind: str
    paths: tuple[str, ...]

    def target(self, output_dir: str, format_name: str = "jsonl") -> str:
        return os.path.join(output_dir, f"part-{self.index:05d}.{EXTENSIONS[format_name]}")


@dataclass
class PartResult:
    """What one partition's task did: documents written, their errors, WARC records skipped."""

    partition: Partition
    documents: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(source, warning) for every warning of every document."""
    skipped: int = 0
    dropped: int = 0
    """Documents that lost a plugin's votes (each has a warning saying so)."""
    failure: str | None = None
    """Set when the task itself failed (its part file is then missing)."""


@dataclass
class Summary:
    """The whole run: partitions done and failed, documents, errors and skipped WARC records."""

    partitions: int = 0
    already_done: int = 0
    failed_partitions: int = 0
    documents: int = 0
    errors: int = 0
    skipped: int = 0
    dropped: int = 0

    def add(self, part: PartResult) -> None:
        self.partitions += 1
        self.failed_partitions += part.failure is not None
        self.documents += part.documents
        self.errors += len(part.errors)
        self.skipped += part.skipped
        self.dropped += part.dropped


def plan_partitions(
    paths: Iterable[str], kind: str = "auto", partition_size: int = PARTITION_SIZE
) -> Iterator[Partition]:
    """The partitions of ``paths`` in input order: each JSON Lines or WARC file alone, loose files
    ``partition_size`` together."""
    if kind not in INPUT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(INPUT_KINDS)}, not {kind!r}")
    index, loose = 0, []
    for path in iter_sources(list(paths)):
        chosen = input_kind(path) if kind == "auto" else kind
        if chosen == "file":
            loose.append(path)
            if len(loose) < partition_size:
                continue
            yield Partition(index, "file", tuple(loose))
        else:
            if loose:
                yield Partition(index, "file", tuple(loose))
                index += 1
            yield Partition(index, chosen, (path,))
        index, loose = index + 1, []
    if loose:
        yield Partition(index, "file", tuple(loose))


def run_partitions(
    paths: Iterable[str],
    output_dir: str,
    options: Options | None = None,
    *,
    scheduler: Any = None,
    kind: str = "auto",
    format_name: str = "jsonl",
    labels: tuple[str, ...] | None = None,
    explain: bool = False,
    partition_size: int = PARTITION_SIZE,
    resume: bool = False,
    summary: Summary | None = None,
    models: ModelStore | object | None = FROM_OPTIONS,
) -> Iterator[PartResult]:
    """Classify ``paths`` on Dask, yielding each partition's result as it finishes.

    ``scheduler`` is a ``distributed.Client``, a scheduler address, or None for a local cluster
    on this machine. With ``resume``, partitions whose part file exists are not run again
    (counted in ``summary.already_done``). At most two tasks per worker thread are queued at a
    time, so the partition list is never held in memory whole. ``models``: the model store whose
    models vote (its directory must be readable by the workers; None: rules only); by default
    the store of ``options.models`` (None: the shipped models).
    """
    from distributed import Client, as_completed

    options = options or Options()
    summary = summary if summary is not None else Summary()
    os.makedirs(output_dir, exist_ok=True)
    task = partial(
        classify_partition,
        output_dir=output_dir,
        options=options,
        models=ModelStore.of(options.models) if models is FROM_OPTIONS else models,
        format_name=format_name,
        labels=labels,
        explain=explain,
    )
    own_client = not isinstance(scheduler, Client)
    client = Client(scheduler) if own_client else scheduler
    try:
        todo = iter(plan_partitions(paths, kind, partition_size))
        if resume:
            todo = _not_done(todo, output_dir, format_name, summary)
        window = 2 * max(1, sum(client.nthreads().values()))
        running: dict[Any, Partition] = {}
        futures = as_completed()
        for part in islice(todo, window):
            running[_submit(client, task, part, futures)] = part
        for future in futures:
            part = running.pop(future)
            try:
                result = future.result()
            except Exception as error:  # a task that raised, or whose workers kept dying
                result = PartResult(part, failure=" ".join(str(error).split()) or type(error).__name__)
            for following in islice(todo, 1):
                running[_submit(client, task, following, futures)] = following
            summary.add(result)
            yield result
    finally:
        if own_client:
            client.close()


def classify_on_dask(
    paths: Iterable[str], output_dir: str, options: Options | None = None, **kwargs: Any
) -> Summary:
    """Run ``run_partitions`` to the end and return its summary (the errors are in the part files)."""
    summary = kwargs.pop("summary", None) or Summary()
    for _ in run_partitions(paths, output_dir, options, summary=summary, **kwargs):
        pass
    return summary


def classify_partition(
    part: Partition,
    output_dir: str,
    options: Options,
    format_name: str = "jsonl",
    labels: tuple[str, ...] | None = None,
    explain: bool = False,
    models: ModelStore | object | None = FROM_OPTIONS,
) -> PartResult:
    """Classify one partition and write its part file (the task a worker runs)."""
    from ..output.formats import render

    runner = _runner(options, models)
    stats = ReadStats()
    result = PartResult(part)
    show = partial(render, format_name=format_name, labels=labels, explain=explain, path=runner.hot_path)
    target = part.target(output_dir, format_name)
    partial_target = target + ".partial"
    with open(partial_target, "w", encoding="utf-8") as out:
        for item in runner.run(iter_inputs(part.paths, part.kind, options.max_bytes, stats), render=show):
            result.documents += 1
            if item.error is not None:
                result.errors.append((item.source, item.error))
            result.warnings += [(item.source, warning) for warning in item.warnings]
            result.dropped += bool(item.dropped)
            out.write(item.output or "")
    os.replace(partial_target, target)
    result.skipped = stats.skipped
    return result


def _submit(client: Any, task: Any, part: Partition, futures: Any) -> Any:
    future = client.submit(
        task, part, pure=False, key=f"pageparts-part-{part.index:05d}-{os.urandom(4).hex()}"
    )
    futures.add(future)
    return future


def _not_done(
    parts: Iterator[Partition], output_dir: str, format_name: str, summary: Summary
) -> Iterator[Partition]:
    for part in parts:
        if os.path.exists(part.target(output_dir, format_name)):
            summary.already_done += 1
        else:
            yield part


# -- one Runner per worker process ------------------------------------------------------------------

_runner_lock = threading.Lock()
_cached: tuple[Options, object, Runner] | None = None


def _runner(options: Options, models: ModelStore | object | None = FROM_OPTIONS) -> Runner:
    """The Runner for ``options`` and ``models`` in this process, built (plugins and models
    loaded) once."""
    global _cached
    with _runner_lock:
        if _cached is None or _cached[:2] != (options, models):
            _cached = (options, models, Runner(options, models=models))  # type: ignore[arg-type]
        return _cached[2]
