"""The ``pageparts`` command line."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Label the parts of web pages: navigation, fundraising, headline, body, related links.",
    no_args_is_help=True,
    add_completion=False,
)


class InputFormat(StrEnum):
    auto = "auto"
    html = "html"
    text = "text"


class OutputFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    text = "text"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"pageparts: {message}", err=True)
    return typer.Exit(2)


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
    disable: Annotated[list[str] | None, typer.Option(help="Do not load this plugin (repeatable).")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Split documents into blocks and label every block."""
    from dataclasses import replace

    from .config import load_combine_options, parse_weights
    from .output import WRITERS
    from .reading import iter_sources
    from .runner import Options, Runner

    try:
        combine = load_combine_options(config)
        if weights:
            combine = replace(combine, weights={**combine.weights, **parse_weights(weights)})
        if threshold is not None:
            combine = replace(combine, threshold=threshold)
        if context is not None:
            combine = replace(combine, context=context)
    except ValueError as error:
        raise _fail(str(error)) from None
    if not 0 <= combine.context <= 1:
        raise _fail("--context must be between 0 and 1")
    wanted = tuple(label.strip() for label in labels.split(",") if label.strip()) if labels else None

    runner = Runner(Options(input_format=input_format.value, combine=combine, disabled=tuple(disable or ())))
    for name, error in runner.registry.load_errors.items():
        typer.echo(f"pageparts: plugin {name!r} could not be loaded: {error}", err=True)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    chosen = output_format or (OutputFormat.table if out.isatty() else OutputFormat.jsonl)
    write = WRITERS[chosen.value]
    failed = 0
    try:
        for result in runner.run(iter_sources(paths)):
            if result.error is not None:
                failed += 1
                typer.echo(f"pageparts: {result.source}: {result.error}", err=True)
            write(result, out, labels=wanted, explain=explain)
            out.flush()
    finally:
        if output:
            out.close()
    for message in runner.failed_plugins.values():
        typer.echo(f"pageparts: {message}", err=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def plugins(
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
) -> None:
    """List the registered plugins, their versions, labels and whether they use a model."""
    from dataclasses import asdict

    from .registry import make_registry

    registry = make_registry()
    infos = registry.plugin_infos()
    if output_format is ListFormat.json:
        rows = [{**asdict(info), "labels": list(info.labels)} for info in infos]
        errors = [{"name": name, "error": error} for name, error in registry.load_errors.items()]
        typer.echo(json.dumps({"plugins": rows, "load_errors": errors}, indent=2))
        return
    typer.echo(f"{'name':<16}{'version':<10}{'model':<7}labels")
    for info in infos:
        model = "yes" if info.uses_model else "no"
        typer.echo(f"{info.name:<16}{info.version:<10}{model:<7}{', '.join(info.labels) or '-'}")
    for name, error in registry.load_errors.items():
        typer.echo(f"{name:<16}failed to load: {error}")
