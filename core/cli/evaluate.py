"""`pageparts evaluate`: per-word scores against labelled blocks, or body extraction on WCXB pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import (
    CombinerOption,
    ConfigOption,
    DisableOption,
    ListFormat,
    ModelsOption,
    OnError,
    SitesOption,
    _fail,
    app,
)

if TYPE_CHECKING:
    from ..host.runner import Options, Runner
    from ..labels.evaluation import LabelledScores
    from ..labels.extraction_scores import ExtractionScores


@app.command()
def evaluate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Labelled-block JSON Lines files (docs/labelled-blocks.md), or directories in the "
            "WCXB layout (html/ and ground-truth/)."
        ),
    ],
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
    config: ConfigOption = None,
    combiner: CombinerOption = None,
    disable: DisableOption = None,
    models: ModelsOption = None,
    sites: SitesOption = None,
    on_error: Annotated[OnError, typer.Option(help="On a malformed line: skip it, or stop.")] = OnError.stop,
) -> None:
    """Score pageparts against labelled blocks: per label, word precision, recall and F1, and a
    confusion table, overall and per page type. A WCXB-layout directory is scored on body
    extraction instead: word F1 of the body text against the ground truth, per page type.

    A labelled plain-text document is classified in its plain-text form (its block texts joined by
    a blank line), an HTML one from its HTML; scoring is per word (docs/evaluate.md).
    """
    from ..training.wcxb import is_wcxb_dir
    from ._settings import read_settings

    options = read_settings(config, combiner=combiner, disable=disable, models=models, sites=sites)
    runners = kind_runners(options)
    for path in paths:
        if not path.exists():
            raise _fail(f"no such file: {path}")
    directories = [p for p in paths if p.is_dir()]
    if any(not is_wcxb_dir(d) for d in directories):
        raise _fail(
            f"{next(d for d in directories if not is_wcxb_dir(d))} is a directory but not in the WCXB layout"
        )
    files = [p for p in paths if not p.is_dir()]
    labelled = _labelled(files, runners, on_error is OnError.stop) if files else None
    extraction = _extraction(directories, runners["html"]) if directories else None
    if output_format is ListFormat.json:
        report: dict = labelled.to_dict() if labelled else {}
        if extraction:
            report["extraction"] = extraction.rows()
        typer.echo(json.dumps(report, indent=2))
        return
    if labelled:
        typer.echo(labelled.table())
    if extraction:
        from ..labels.extraction_scores import format_extraction

        typer.echo("body extraction: word F1 of the body text against the ground truth, mean per page:")
        typer.echo(format_extraction(extraction))


def kind_runners(options: Options) -> dict[str, Runner]:
    """A runner for HTML documents and one for plain text, with the settings checked."""
    from dataclasses import replace

    from ..host.runner import Runner
    from ._settings import checked_runner

    text = checked_runner(replace(options, input_format="text"))
    # one store for both: each model is loaded once
    html = Runner(replace(options, input_format="html"), models=text.models)
    return {"text": text, "html": html}


def _labelled(files: list[Path], runners: dict[str, Runner], stop: bool) -> LabelledScores:
    from ..labels.evaluation import score_labelled
    from ..labels.labelled import LabelledError, known_labels, load_labelled

    registry = runners["text"].registry
    labels = known_labels(info.labels for info in registry.plugin_infos())
    try:
        documents, skipped = load_labelled(files, labels, stop, _tell)
    except LabelledError:
        raise typer.Exit(2) from None
    if not documents:
        raise _fail("no labelled documents to evaluate")
    return score_labelled(documents, runners, skipped)


def _extraction(directories: list[Path], runner: Runner) -> ExtractionScores:
    from ..labels.evaluation import score_extraction
    from ..training.wcxb import load_wcxb

    pages = (page for directory in directories for page in load_wcxb(directory))
    scores = score_extraction(pages, runner, _tell)
    if not scores.by_type:
        raise _fail("no pages with a ground truth in " + ", ".join(map(str, directories)))
    return scores


def _tell(message: str) -> None:
    typer.echo(f"pageparts: {message}", err=True)
