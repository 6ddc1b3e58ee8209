"""`pageparts classify`: label every block of documents, with a progress line on long runs."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..wording import counted
from . import CombinerOption, DisableOption, InputFormat, OutputFormat, _fail, app

if TYPE_CHECKING:
    from ..runner import Options, Runner


class InputKind(StrEnum):
    auto = "auto"
    file = "file"
    jsonl = "jsonl"
    warc = "warc"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


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
    input_format: Annotated[
        InputFormat, typer.Option(help="How to read the inputs; auto sniffs the content.")
    ] = InputFormat.auto,
    explain: Annotated[bool, typer.Option(help="Show every vote under each block (table format).")] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            help="TOML file with threshold, context, [weights], disable and time_budget.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    weights: Annotated[str | None, typer.Option(help="Plugin weights, e.g. body=2,navigation=0.5.")] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Below this combined score a block is 'other'.")
    ] = None,
    context: Annotated[
        float | None, typer.Option(help="How much neighbouring blocks' scores count (0-1).")
    ] = None,
    combiner: CombinerOption = None,
    disable: DisableOption = None,
    time_budget: Annotated[
        float | None,
        typer.Option(
            help="Seconds a plugin may take per 1,000 blocks of a document (default 10, 0: none), "
            "else its votes are dropped."
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            help="Stop with exit status 2 at the first plugin problem instead of going on without it."
        ),
    ] = False,
    models: Annotated[
        Path | None, typer.Option(help="Use the models in this directory (made by pageparts train).")
    ] = None,
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
    from ._models import use_model_dir
    from ._output import check_output_directory, check_output_file
    from ._settings import check_labels, checked_runner, read_options

    if output is not None and (output_format is OutputFormat.html or engine is Engine.dask):
        check_output_directory(output)
    else:
        check_output_file(output, paths)
    options, named = read_options(
        input_format.value,
        config,
        weights=weights,
        threshold=threshold,
        context=context,
        combiner=combiner,
        disable=disable,
        time_budget=time_budget,
    )
    wanted = tuple(label.strip() for label in labels.split(",") if label.strip()) if labels else None
    check_scale_options(engine, output, output_format, resume, scheduler)
    runner = checked_runner(options, named)
    if wanted:
        check_labels(wanted, runner.registry)
    use_model_dir(models, runner)
    for name, error in runner.registry.load_errors.items():
        typer.echo(f"pageparts: plugin {name!r} left out: {error}", err=True)
    if strict and runner.registry.load_errors:
        raise typer.Exit(2)
    if output_format is OutputFormat.html:
        from .report import write_html_report

        if output is None:
            raise _fail("--format html writes one page per document: give a directory with --output")
        write_html_report(runner, paths, output)
        return
    if engine is Engine.dask:
        assert output is not None
        chosen = output_format or OutputFormat.jsonl
        show_options = {"format_name": chosen.value, "labels": wanted, "explain": explain}
        run_on_dask(
            paths,
            str(output),
            runner.options,
            input_kind,
            scheduler,
            partition_size,
            resume,
            show_options,
            runner.models,
        )
        return
    run_locally(runner, paths, output, output_format, wanted, explain, input_kind, resume, jobs, strict)


def run_locally(
    runner: Runner,
    paths: list[str],
    output: Path | None,
    output_format: OutputFormat | None,
    labels: tuple[str, ...] | None,
    explain: bool,
    input_kind: InputKind,
    resume: bool,
    jobs: int | None,
    strict: bool,
) -> None:
    """Classify on this machine (``jobs`` worker processes), writing each result as it comes;
    problems go to stderr, then the summary line, and the exit status says how it went."""
    from contextlib import closing
    from functools import partial
    from itertools import chain, islice

    from ..output import render
    from ..reading import InputError, ReadStats, iter_inputs
    from ..resume import done_sources, skip_done
    from ._output import writing
    from ._signals import Interrupted, interruptible, stopped
    from ._tally import Tally

    started = time.monotonic()
    try:
        with writing(output):
            done = done_sources(output) if resume and output else None
            out = output.open("a" if resume else "w", encoding="utf-8") if output else sys.stdout
    except InputError as error:
        raise _fail(str(error)) from None
    already = done.total() if done else 0
    chosen = output_format or (OutputFormat.table if out.isatty() else OutputFormat.jsonl)
    stats = ReadStats()
    sources = iter_inputs(paths, input_kind.value, runner.options.max_bytes, stats)
    if done:
        sources = skip_done(sources, done)
    first = list(islice(sources, 2))
    jobs = jobs or available_cores()
    if len(first) < 2:  # one document: worker processes would only cost time
        jobs = 1
    show = partial(render, format_name=chosen.value, labels=labels, explain=explain)
    progress = Progress(sys.stderr) if sys.stderr.isatty() else None
    to_terminal = progress is not None and out.isatty()
    tally = Tally(progress)
    try:
        with interruptible(), closing(runner.run(chain(first, sources), jobs=jobs, render=show)) as results:
            for result in results:
                if strict and runner.failed_plugins:
                    break
                tally.add(result)
                if to_terminal:
                    progress.hide()
                with writing(output):
                    out.write(result.output)
                    out.flush()
                if progress:
                    progress.update(result.error is not None)
    except Interrupted as stop:
        if progress:
            progress.hide()
        resumable = output is not None and chosen is OutputFormat.jsonl
        typer.echo(stopped(stop, tally.documents, resumable), err=True)
        raise typer.Exit(stop.status) from None
    finally:
        if progress:
            progress.close()
        if output:
            with writing(output):
                out.close()
    if strict and runner.failed_plugins:
        for message in runner.failed_plugins.values():
            typer.echo(f"pageparts: {message}", err=True)
        raise typer.Exit(2)
    if tally.status or sys.stderr.isatty():
        seconds = time.monotonic() - started
        line = summary_line(tally.documents, tally.errors, stats.skipped, seconds, already, tally.dropped)
        typer.echo(f"pageparts: {line}", err=True)
    if tally.status:
        raise typer.Exit(tally.status)


def check_scale_options(
    engine: Engine,
    output: Path | None,
    output_format: OutputFormat | None,
    resume: bool,
    scheduler: str | None,
) -> None:
    """Fail with exit status 2 on options that do not go together."""
    if engine is Engine.dask and output is None:
        raise _fail("--engine dask needs --output DIR (one part file per partition is written there)")
    if engine is Engine.local and scheduler is not None:
        raise _fail("--scheduler needs --engine dask")
    if (
        resume
        and engine is Engine.local
        and (output is None or output_format not in (None, OutputFormat.jsonl))
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


def run_on_dask(
    paths: list[str],
    output_dir: str,
    options: Options,
    input_kind: InputKind,
    scheduler: str | None,
    partition_size: int,
    resume: bool,
    show_options: dict,
    models=None,
) -> None:
    """`classify --engine dask`: run the partitions on Dask, report errors and a summary."""
    try:
        from ..dask_engine import Summary, run_partitions
    except ImportError:
        raise _fail("--engine dask needs Dask: pip install 'pageparts[dask]'") from None
    from contextlib import closing

    from ._signals import Interrupted, interruptible, stopped
    from ._tally import Tally

    started = time.monotonic()
    summary = Summary()
    progress = Progress(sys.stderr) if sys.stderr.isatty() else None
    tally = Tally(progress)
    parts = run_partitions(
        paths,
        output_dir,
        options,
        scheduler=scheduler,
        kind=input_kind.value,
        partition_size=partition_size,
        resume=resume,
        summary=summary,
        models=models,
        **show_options,
    )
    try:
        with interruptible(), closing(parts):
            for part in parts:
                for source, message in part.errors:
                    tally.tell(source, message)
                for source, message in part.warnings:
                    tally.tell(source, f"warning: {message}")
                if part.failure is not None:
                    tally.tell(f"partition {part.partition.index}", f"failed: {part.failure}")
                if progress:
                    progress.add(part.documents, len(part.errors))
    except Interrupted as stop:
        if progress:
            progress.hide()
        typer.echo(stopped(stop, summary.documents, True), err=True)
        raise typer.Exit(stop.status) from None
    finally:
        if progress:
            progress.close()
    failed = summary.errors + summary.failed_partitions
    if failed or summary.dropped or sys.stderr.isatty():
        seconds = time.monotonic() - started
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


class Progress:
    """A one-line progress display (documents, rate, errors) redrawn at most ten times a second."""

    def __init__(self, stream, interval: float = 0.1) -> None:
        import time

        self.clock = time.monotonic
        self.stream = stream
        self.interval = interval
        self.started = self.clock()
        self.drawn_at = float("-inf")
        self.shown = False
        self.done = self.errors = 0

    def update(self, error: bool = False) -> None:
        self.add(1, int(error))

    def add(self, documents: int, errors: int = 0) -> None:
        """Count ``documents`` more, ``errors`` of them failed."""
        self.done += documents
        self.errors += errors
        now = self.clock()
        if not self.shown or now - self.drawn_at >= self.interval:
            self.draw(now)

    def draw(self, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        rate = self.done / max(now - self.started, 1e-6)
        documents, errors = counted(self.done, "document"), counted(self.errors, "error")
        self.stream.write(f"\r\x1b[K{documents}, {rate:.1f}/s, {errors}")
        self.stream.flush()
        self.drawn_at, self.shown = now, True

    def hide(self) -> None:
        """Clear the line (before something else is written to the terminal)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def close(self) -> None:
        """Clear the line: the run's summary follows."""
        self.hide()
