"""`pageparts classify`: label every block of documents, with a progress line on long runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import Combiner, InputFormat, OutputFormat, _fail, app


@app.command()
def classify(
    paths: Annotated[
        list[str], typer.Argument(help="HTML or text files, directories (recursively), or - for stdin.")
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format", "-f", help="table (default on a terminal), jsonl (default when piped) or text."
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
        typer.Option(help="TOML file with threshold, context and [weights].", exists=True, dir_okay=False),
    ] = None,
    weights: Annotated[str | None, typer.Option(help="Plugin weights, e.g. body=2,navigation=0.5.")] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Below this combined score a block is 'other'.")
    ] = None,
    context: Annotated[
        float | None, typer.Option(help="How much neighbouring blocks' scores count (0-1).")
    ] = None,
    combiner: Annotated[
        Combiner | None,
        typer.Option(help="mean: weighted mean of votes (default); learned: fitted on hand-labelled pages."),
    ] = None,
    disable: Annotated[list[str] | None, typer.Option(help="Do not load this plugin (repeatable).")] = None,
    models: Annotated[
        Path | None, typer.Option(help="Use the models in this directory (made by pageparts train).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
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
) -> None:
    """Split documents into blocks and label every block."""
    from dataclasses import replace
    from functools import partial
    from itertools import chain, islice

    from ..config import load_combine_options, parse_weights
    from ..output import render
    from ..reading import iter_sources
    from ..runner import Options, Runner
    from ._models import use_model_dir

    try:
        combine = load_combine_options(config)
        if weights:
            combine = replace(combine, weights={**combine.weights, **parse_weights(weights)})
        if threshold is not None:
            combine = replace(combine, threshold=threshold)
        if context is not None:
            combine = replace(combine, context=context)
        if combiner is not None:
            combine = replace(combine, learned=combiner is Combiner.learned)
    except ValueError as error:
        raise _fail(str(error)) from None
    if not 0 <= combine.context <= 1:
        raise _fail("--context must be between 0 and 1")
    wanted = tuple(label.strip() for label in labels.split(",") if label.strip()) if labels else None

    runner = Runner(Options(input_format=input_format.value, combine=combine, disabled=tuple(disable or ())))
    use_model_dir(models, runner)
    for name, error in runner.registry.load_errors.items():
        typer.echo(f"pageparts: plugin {name!r} could not be loaded: {error}", err=True)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    chosen = output_format or (OutputFormat.table if out.isatty() else OutputFormat.jsonl)
    sources = iter_sources(paths)
    first = list(islice(sources, 2))
    jobs = jobs or available_cores()
    if len(first) < 2:  # one document: worker processes would only cost time
        jobs = 1
    show = partial(render, format_name=chosen.value, labels=wanted, explain=explain)
    progress = Progress(sys.stderr) if sys.stderr.isatty() else None
    to_terminal = progress is not None and out.isatty()
    failed = 0
    try:
        for result in runner.run(chain(first, sources), jobs=jobs, render=show):
            if result.error is not None:
                failed += 1
                if progress:
                    progress.hide()
                typer.echo(f"pageparts: {result.source}: {result.error}", err=True)
            if to_terminal:
                progress.hide()
            out.write(result.output)
            out.flush()
            if progress:
                progress.update(result.error is not None)
    finally:
        if progress:
            progress.close()
        if output:
            out.close()
    for message in runner.failed_plugins.values():
        typer.echo(f"pageparts: {message}", err=True)
    if failed:
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
        self.done += 1
        self.errors += error
        now = self.clock()
        if not self.shown or now - self.drawn_at >= self.interval:
            self.draw(now)

    def draw(self, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        rate = self.done / max(now - self.started, 1e-6)
        errors = f"{self.errors} error{'s' if self.errors != 1 else ''}"
        self.stream.write(f"\r\x1b[K{self.done} documents, {rate:.1f}/s, {errors}")
        self.stream.flush()
        self.drawn_at, self.shown = now, True

    def hide(self) -> None:
        """Clear the line (before something else is written to the terminal)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def close(self) -> None:
        if self.done:
            self.draw()
            self.stream.write("\n")
            self.stream.flush()
