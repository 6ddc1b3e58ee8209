"""The ``pageparts`` command line: the app, and the options several commands share.

Each command lives in its own module here and registers itself on ``app``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..settings import COMBINERS, INPUT_FORMATS

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


InputFormat = StrEnum("InputFormat", [(name, name) for name in INPUT_FORMATS])
"""The choices of ``--input-format``: ``pageparts.settings.INPUT_FORMATS``."""

Combiner = StrEnum("Combiner", [(name, name) for name in COMBINERS])
"""The choices of ``--combiner``: ``pageparts.settings.COMBINERS``."""


class OutputFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    text = "text"
    html = "html"


# -- the settings options (pageparts.settings), shared by the commands -----------------------------

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        help="TOML file with threshold, context, combiner, [weights], disable, time_budget, models "
        "and sites.",
        exists=True,
        dir_okay=False,
    ),
]
InputFormatOption = Annotated[
    InputFormat, typer.Option(help="How to read the inputs; auto sniffs the content.")
]
CombinerOption = Annotated[
    Combiner | None,
    typer.Option(help="learned: fitted on training pages (default); mean: weighted mean of votes."),
]
DisableOption = Annotated[list[str] | None, typer.Option(help="Do not load this plugin (repeatable).")]
WeightsOption = Annotated[str | None, typer.Option(help="Plugin weights, e.g. body=2,navigation=0.5.")]
ThresholdOption = Annotated[float | None, typer.Option(help="Below this combined score a block is 'other'.")]
ContextOption = Annotated[
    float | None, typer.Option(help="How much neighbouring blocks' scores count (0-1).")
]
TimeBudgetOption = Annotated[
    float | None,
    typer.Option(
        help="Seconds a plugin may take per 1,000 blocks of a document (default 10, 0: none), "
        "else its votes are dropped."
    ),
]
ModelsOption = Annotated[
    Path | None,
    typer.Option(help="Use the models in this directory (made by pageparts train or pageparts adapt)."),
]
SitesOption = Annotated[
    Path | None,
    typer.Option(
        help="A directory of site adaptations (pageparts adapt): a document whose URL one's site "
        "matches is classified with it; the others with the models."
    ),
]


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
    adapt,
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
    "adapt",
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
