"""The ``pageparts`` command line: the app, and the options several commands share.

Each command lives in its own module here and registers itself on ``app``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # help text is shown as written: "[weights]" is not markup
)


def _print_version(wanted: bool | None) -> None:
    if wanted:
        from importlib.metadata import version

        typer.echo(f"pageparts {version('pageparts')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Label the parts of web pages: navigation, fundraising, headline, body, related links."""


class InputFormat(StrEnum):
    auto = "auto"
    html = "html"
    text = "text"


class OutputFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    text = "text"
    html = "html"


class Combiner(StrEnum):
    mean = "mean"
    learned = "learned"


CombinerOption = Annotated[
    Combiner | None,
    typer.Option(help="learned: fitted on training pages (default); mean: weighted mean of votes."),
]
DisableOption = Annotated[list[str] | None, typer.Option(help="Do not load this plugin (repeatable).")]


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"pageparts: {message}", err=True)
    return typer.Exit(2)


class OnError(StrEnum):
    skip = "skip"
    stop = "stop"


# Importing the command modules registers their commands on ``app``.
from . import (  # noqa: E402
    annotate,
    classify,
    convert_models,
    evaluate,
    label_from_truth,
    new_plugin,
    plugins,
    report,
    train,
)

__all__ = [
    "annotate",
    "app",
    "classify",
    "convert_models",
    "evaluate",
    "label_from_truth",
    "new_plugin",
    "plugins",
    "report",
    "train",
]
