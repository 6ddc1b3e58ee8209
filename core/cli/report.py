"""`pageparts report`: a self-contained HTML report per document, with an index (docs/report.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..output.wording import counted
from . import (
    CombinerOption,
    ConfigOption,
    ContextOption,
    DisableOption,
    InputFormat,
    InputFormatOption,
    ModelsOption,
    SitesOption,
    ThresholdOption,
    TimeBudgetOption,
    WeightsOption,
    _fail,
    app,
)

if TYPE_CHECKING:
    from ..output.report import Page
    from ._tally import Tally


@app.command()
def report(
    paths: Annotated[
        list[str], typer.Argument(help="HTML or text files, directories (recursively), or - for stdin.")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Directory for the report pages and index.html."),
    ],
    gold: Annotated[
        Path | None,
        typer.Option(
            help="Labelled-block JSON Lines file: scores and disagreements.", exists=True, dir_okay=False
        ),
    ] = None,
    input_format: InputFormatOption = InputFormat.auto,
    config: ConfigOption = None,
    weights: WeightsOption = None,
    threshold: ThresholdOption = None,
    context: ContextOption = None,
    combiner: CombinerOption = None,
    disable: DisableOption = None,
    time_budget: TimeBudgetOption = None,
    models: ModelsOption = None,
    sites: SitesOption = None,
) -> None:
    """Write an HTML page per document (blocks coloured by label, votes, corrections) and an index."""
    from ._output import check_output_directory
    from ._settings import checked_runner, read_settings

    check_output_directory(out)
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
    runner = checked_runner(options)
    for name, error in runner.registry.load_errors.items():
        typer.echo(f"pageparts: plugin {name!r} could not be loaded: {error}", err=True)
    write_html_report(runner, paths, out, gold)


def write_html_report(runner, paths: list[str], out: Path, gold: Path | None = None) -> None:
    """Classify ``paths`` with ``runner`` and write the report into ``out``; errors go to stderr,
    and the exit status is 1 when a document failed or lost a plugin's votes (2 for an unusable gold
    file)."""
    from ..input.stream import iter_sources
    from ..labels.labelled import LabelledError, read_labelled
    from ..output.report import match_gold, read_pages, write_report
    from ._output import writing
    from ._tally import Tally

    sources = list(iter_sources(paths))
    matched = None
    if gold is not None:
        documents = []
        for where, document in read_labelled(gold):
            if isinstance(document, LabelledError):
                raise _fail(f"{where}: {document}")
            documents.append(document)
        matched, unmatched = match_gold(documents, sources)
        for name in unmatched:
            typer.echo(f"pageparts: gold document {name!r} matches no input", err=True)
    tally = Tally()
    with writing(out):
        write_report(_told(read_pages(runner, sources), tally), out, matched)
    pages = counted(tally.documents - tally.errors, "report page")
    typer.echo(f"pageparts: wrote {pages} and {out / 'index.html'}", err=True)
    if tally.status:
        raise typer.Exit(tally.status)


def _told(pages: Iterator[Page], tally: Tally) -> Iterator[Page]:
    """``pages``, each one counted and its problems told as it is classified."""
    for result, html in pages:
        tally.add(result)
        yield result, html
