"""`pageparts classify`: label every block of documents, with a progress line on long runs."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from ..input.stream import INPUT_KINDS, iter_inputs
from ..output.console import Progress
from ..output.wording import counted
from . import (
    CombinerOption,
    ConfigOption,
    ContextOption,
    DisableOption,
    InputFormat,
    InputFormatOption,
    ModelsOption,
    OutputFormat,
    SitesOption,
    ThresholdOption,
    TimeBudgetOption,
    WeightsOption,
    _fail,
    app,
)

if TYPE_CHECKING:
    from ..host.dask_engine import PartResult, Summary
    from ..host.runner import Options, Result, Runner
    from ..input.reading import Input, ReadStats
    from ..scoring.models import ModelStore
    from ._tally import Tally


InputKind = StrEnum("InputKind", [(name, name) for name in INPUT_KINDS])


class Engine(StrEnum):
    local = "local"
    dask = "dask"


@dataclass(frozen=True)
class Job:
    """What `pageparts classify` is asked to do, besides the settings: which inputs, read how,
    and where and how to write the results."""

    paths: list[str]
    output: Path | None = None
    output_format: OutputFormat | None = None
    labels: tuple[str, ...] | None = None
    explain: bool = False
    strict: bool = False
    jobs: int | None = None
    input_kind: InputKind = InputKind.auto
    resume: bool = False
    engine: Engine = Engine.local
    scheduler: str | None = None
    partition_size: int = 1000


@app.command()
def classify(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="HTML or text files, JSON Lines or WARC files, directories (recursively), or - for stdin."
        ),
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table (default on a terminal), jsonl (default when piped), text, or html "
            "(the report of `pageparts report`, written into the --output directory).",
        ),
    ] = None,
    labels: Annotated[
        str | None, typer.Option(help="Only blocks with these comma-separated labels (e.g. headline,body).")
    ] = None,
    input_format: InputFormatOption = InputFormat.auto,
    explain: Annotated[bool, typer.Option(help="Show every vote under each block (table format).")] = False,
    config: ConfigOption = None,
    weights: WeightsOption = None,
    threshold: ThresholdOption = None,
    context: ContextOption = None,
    combiner: CombinerOption = None,
    disable: DisableOption = None,
    time_budget: TimeBudgetOption = None,
    strict: Annotated[
        bool,
        typer.Option(
            help="Stop with exit status 2 at the first plugin problem instead of going on without it."
        ),
    ] = False,
    models: ModelsOption = None,
    sites: SitesOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of stdout (a directory for --format html)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes (default: the number of cores; 1 classifies in this process).",
        ),
    ] = None,
    # -- inputs at scale, resuming, and the Dask engine (docs/scale.md) --
    input_kind: Annotated[
        InputKind,
        typer.Option(
            help="How to read each path; auto: .jsonl[.gz] and .warc[.gz] by name, else one document."
        ),
    ] = InputKind.auto,
    resume: Annotated[
        bool, typer.Option(help="Skip the documents already in --output (JSON Lines) and append the rest.")
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(help="local: this machine (--jobs); dask: a Dask cluster (--output is a directory)."),
    ] = Engine.local,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (default: a local Dask cluster).")
    ] = None,
    partition_size: Annotated[
        int,
        typer.Option(min=1, help="Dask: loose files per partition (JSON Lines and WARC files: one each)."),
    ] = 1000,
) -> None:
    """Split documents into blocks and label every block."""
    from ._settings import read_settings

    job = Job(
        paths=paths,
        output=output,
        output_format=output_format,
        labels=wanted_labels(labels),
        explain=explain,
        strict=strict,
        jobs=jobs,
        input_kind=input_kind,
        resume=resume,
        engine=engine,
        scheduler=scheduler,
        partition_size=partition_size,
    )
    check_destination(job)
    options = read_settings(
        config,
        input_format=input_format.value,
        weights=weights,
        threshold=threshold,
        context=context,
        combiner=combiner,
        disable=disable,
        time_budget=time_budget,
        models=models,
        sites=sites,
    )
    check_scale_options(job)
    runner = loaded_runner(options, job)
    if job.output_format is OutputFormat.html:
        from .report import write_html_report

        write_html_report(runner, job.paths, job.output)
    elif job.engine is Engine.dask:
        run_on_dask(job, runner.options, runner.models)
    else:
        run_locally(runner, job)


def wanted_labels(labels: str | None) -> tuple[str, ...] | None:
    """``--labels headline,body`` as a tuple (None: every label)."""
    wanted = tuple(label.strip() for label in labels.split(",") if label.strip()) if labels else ()
    return wanted or None


def check_destination(job: Job) -> None:
    """Fail (exit status 2) unless the output can be written, before any work."""
    from ._output import check_output_directory, check_output_file

    if job.output is not None and (job.output_format is OutputFormat.html or job.engine is Engine.dask):
        check_output_directory(job.output)
    else:
        check_output_file(job.output, job.paths)
    if job.output_format is OutputFormat.html and job.output is None:
        raise _fail("--format html writes one page per document: give a directory with --output")


def loaded_runner(options: Options, job: Job) -> Runner:
    """The runner of ``options``, its plugin, label and model names checked; the plugins that could
    not be loaded are told (and end the run with exit status 2 under --strict)."""
    from ._settings import checked_runner

    runner = checked_runner(options, job.labels)
    for name, error in runner.registry.load_errors.items():
        typer.echo(f"pageparts: plugin {name!r} left out: {error}", err=True)
    if job.strict and runner.registry.load_errors:
        raise typer.Exit(2)
    return runner


def run_locally(runner: Runner, job: Job) -> None:
    """Classify on this machine (``job.jobs`` worker processes), writing each result as it comes;
    problems go to stderr, then the summary line, and the exit status says how it went."""
    from contextlib import closing
    from functools import partial

    from ..host.collector import collect_less
    from ..input.reading import ReadStats
    from ..output.formats import render
    from ._signals import Interrupted, interruptible, stopped
    from ._tally import Tally

    collect_less()  # this process classifies (jobs=1) or writes the workers' results
    started = time.monotonic()
    out, done = open_output(job)
    already = done.total() if done else 0
    chosen = job.output_format or (OutputFormat.table if out.isatty() else OutputFormat.jsonl)
    stats = ReadStats()
    sources, jobs = inputs(job, runner.options.max_bytes, stats, done)
    show = partial(
        render, format_name=chosen.value, labels=job.labels, explain=job.explain, path=runner.hot_path
    )
    progress = Progress(sys.stderr, interval=0.1) if sys.stderr.isatty() else None
    tally = Tally(progress)
    try:
        with interruptible(), closing(runner.run(sources, jobs=jobs, render=show)) as results:
            write_results(results, out, job, runner, tally)
    except Interrupted as stop:
        if progress:
            progress.hide()
        resumable = job.output is not None and chosen is OutputFormat.jsonl
        typer.echo(stopped(stop, tally.documents, resumable), err=True)
        raise typer.Exit(stop.status) from None
    finally:
        if progress:
            progress.close()
        close_output(out, job.output)
    finish(job, runner, tally, stats.skipped, time.monotonic() - started, already)


def open_output(job: Job) -> tuple[TextIO, Counter[str] | None]:
    """The stream to write to, and with --resume the sources it already holds."""
    from ..input.reading import InputError
    from ..input.resume import done_sources
    from ._output import writing

    try:
        with writing(job.output):
            done = done_sources(job.output) if job.resume and job.output else None
            if job.output is None:
                return sys.stdout, done
            return job.output.open("a" if job.resume else "w", encoding="utf-8"), done
    except InputError as error:
        raise _fail(str(error)) from None


def close_output(out: TextIO, output: Path | None) -> None:
    from ._output import writing

    if output:
        with writing(output):
            out.close()


def inputs(
    job: Job, max_bytes: int, stats: ReadStats, done: Counter[str] | None
) -> tuple[Iterator[Input], int]:
    """The inputs still to classify, and the worker processes to use (none for one document)."""
    from itertools import chain, islice

    from ..input.resume import skip_done

    sources = iter_inputs(job.paths, job.input_kind.value, max_bytes, stats)
    if done:
        sources = skip_done(sources, done)
    first = list(islice(sources, 2))
    jobs = job.jobs or available_cores()
    if len(first) < 2:  # one document: worker processes would only cost time
        jobs = 1
    return chain(first, sources), jobs


def write_results(results: Iterable[Result], out: TextIO, job: Job, runner: Runner, tally: Tally) -> None:
    """Write each result as it comes, counting it (and stopping at a plugin problem under --strict)."""
    from ._output import writing

    progress = tally.progress
    to_terminal = progress is not None and out.isatty()
    for result in results:
        if job.strict and runner.failed_plugins:
            break
        tally.add(result)
        if to_terminal:
            progress.hide()
        with writing(job.output):
            out.write(result.output)
            out.flush()
        if progress:
            progress.update(result.error is not None)


def finish(job: Job, runner: Runner, tally: Tally, skipped: int, seconds: float, already: int) -> None:
    """The end of a local run: the plugin problems under --strict, the summary line, the exit status."""
    if job.strict and runner.failed_plugins:
        for message in runner.failed_plugins.values():
            typer.echo(f"pageparts: {message}", err=True)
        raise typer.Exit(2)
    if tally.status or sys.stderr.isatty():
        line = summary_line(tally.documents, tally.errors, skipped, seconds, already, tally.dropped)
        typer.echo(f"pageparts: {line}", err=True)
    if tally.status:
        raise typer.Exit(tally.status)


def check_scale_options(job: Job) -> None:
    """Fail with exit status 2 on options that do not go together."""
    if job.engine is Engine.dask and job.output is None:
        raise _fail("--engine dask needs --output DIR (one part file per partition is written there)")
    if job.engine is Engine.local and job.scheduler is not None:
        raise _fail("--scheduler needs --engine dask")
    if (
        job.resume
        and job.engine is Engine.local
        and (job.output is None or job.output_format not in (None, OutputFormat.jsonl))
    ):
        raise _fail("--resume needs --output FILE and JSON Lines output (--format jsonl)")


def summary_line(
    documents: int, errors: int, skipped: int, seconds: float, already: int = 0, dropped: int = 0
) -> str:
    """One line on a finished run, such as "1,000 documents, 3 errors, 12.3 s"."""
    parts = [counted(documents, "document"), counted(errors, "error")]
    if dropped:
        parts.append(f"{counted(dropped, 'document')} with a plugin's votes dropped")
    if skipped:
        parts.append(f"{counted(skipped, 'WARC record')} skipped (not HTML or text)")
    if already:
        parts.append(f"{already:,} already in the output")
    return ", ".join([*parts, f"{seconds:.1f} s"])


def run_on_dask(job: Job, options: Options, models: ModelStore | None) -> None:
    """`classify --engine dask`: run the partitions on Dask, report errors and a summary."""
    try:
        from ..host.dask_engine import Summary, run_partitions
    except ImportError:
        raise _fail("--engine dask needs Dask: pip install 'pageparts[dask]'") from None
    from contextlib import closing

    from ._signals import Interrupted, interruptible, stopped
    from ._tally import Tally

    assert job.output is not None
    started = time.monotonic()
    summary = Summary()
    progress = Progress(sys.stderr, interval=0.1) if sys.stderr.isatty() else None
    tally = Tally(progress)
    parts = run_partitions(
        job.paths,
        str(job.output),
        options,
        scheduler=job.scheduler,
        kind=job.input_kind.value,
        partition_size=job.partition_size,
        resume=job.resume,
        summary=summary,
        format_name=(job.output_format or OutputFormat.jsonl).value,
        labels=job.labels,
        explain=job.explain,
        models=models,
    )
    try:
        with interruptible(), closing(parts):
            for part in parts:
                tell_partition(part, tally)
    except Interrupted as stop:
        if progress:
            progress.hide()
        typer.echo(stopped(stop, summary.documents, True), err=True)
        raise typer.Exit(stop.status) from None
    finally:
        if progress:
            progress.close()
    finish_on_dask(summary, str(job.output), time.monotonic() - started)


def tell_partition(part: PartResult, tally: Tally) -> None:
    """Tell a finished partition's errors, warnings and failure, and count its documents."""
    for source, message in part.errors:
        tally.tell(source, message)
    for source, message in part.warnings:
        tally.tell(source, f"warning: {message}")
    if part.failure is not None:
        tally.tell(f"partition {part.partition.index}", f"failed: {part.failure}")
    if tally.progress:
        tally.progress.add(part.documents, len(part.errors))


def finish_on_dask(summary: Summary, output_dir: str, seconds: float) -> None:
    """The end of a Dask run: the summary line and the exit status."""
    failed = summary.errors + summary.failed_partitions
    if failed or summary.dropped or sys.stderr.isatty():
        line = summary_line(summary.documents, failed, summary.skipped, seconds, dropped=summary.dropped)
        if summary.already_done:
            line += f", {counted(summary.already_done, 'partition')} already done"
        typer.echo(
            f"pageparts: {line}, {counted(summary.partitions, 'partition')} run, output in {output_dir}",
            err=True,
        )
    if failed or summary.dropped:
        raise typer.Exit(1)


def available_cores() -> int:
    """The cores this process may run on."""
    import os

    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
