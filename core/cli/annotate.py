"""`pageparts annotate`: labelled blocks pre-filled with pageparts' predictions, to correct by hand."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..output.wording import counted
from . import (
    CombinerOption,
    ConfigOption,
    DisableOption,
    InputFormat,
    InputFormatOption,
    ModelsOption,
    OnError,
    SitesOption,
    _fail,
    app,
)


@app.command()
def annotate(
    paths: Annotated[
        list[str] | None, typer.Argument(help="HTML or text files, or directories (recursively).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write.")] = Path("-"),
    read: Annotated[
        Path | None,
        typer.Option(help="Instead: read this corrected text form and write labelled blocks (JSON Lines)."),
    ] = None,
    input_format: InputFormatOption = InputFormat.auto,
    config: ConfigOption = None,
    combiner: CombinerOption = None,
    disable: DisableOption = None,
    models: ModelsOption = None,
    sites: SitesOption = None,
    on_error: Annotated[
        OnError, typer.Option(help="With --read, on a bad line: skip its document, or stop.")
    ] = OnError.stop,
) -> None:
    """Write documents as blocks to correct, one `LABEL<TAB>TEXT` line per block, pre-filled with
    pageparts' labels; after correcting, `--read FILE --out labelled.jsonl` turns them into
    labelled blocks for pageparts train and evaluate (docs/training.md).
    """
    from ..labels.labelled import known_labels
    from ._output import check_output_file
    from ._settings import checked_runner, read_settings

    check_output_file(out, [*(paths or ()), *([str(read)] if read else [])])
    options = read_settings(
        config,
        input_format=input_format.value,
        combiner=combiner,
        disable=disable,
        models=models,
        sites=sites,
    )
    runner = checked_runner(options)
    labels = known_labels(info.labels for info in runner.registry.plugin_infos())
    if read is not None:
        if paths:
            raise _fail("give either PATHS to annotate or --read FILE, not both")
        _read_back(read, out, labels, runner, on_error is OnError.stop)
        return
    if not paths:
        raise _fail("give the files to annotate (or --read FILE)")
    _write(paths, out, labels, runner)


def _write(paths: list[str], out: Path, labels, runner) -> None:
    from ..input.stream import iter_sources
    from ..labels.annotation import write_annotation
    from ._output import writing
    from ._tally import Tally

    tally = Tally()

    def documents():
        for result in runner.run(iter_sources(paths)):
            tally.add(result)
            if result.document is not None:
                yield result.document

    if str(out) == "-":
        count = write_annotation(documents(), sys.stdout, labels)
    else:
        with writing(out), out.open("w", encoding="utf-8") as handle:
            count = write_annotation(documents(), handle, labels)
        typer.echo(
            f"wrote {counted(count, 'document')} to {out}: correct the labels, then run\n"
            f"  pageparts annotate --read {out} --out labelled.jsonl",
            err=True,
        )
    if tally.status:
        raise typer.Exit(tally.status)


def _read_back(path: Path, out: Path, labels, runner, stop: bool) -> None:
    from ..labels.annotation import read_annotation
    from ..labels.labelled import LabelledError, dumps, write_labelled
    from ._output import writing

    if not path.is_file():
        raise _fail(f"no such file: {path}")

    def split(content: bytes, input_format: str) -> list[str]:
        return [block.text for block in runner.split(content, input_format).blocks]

    documents = []
    for _, read in read_annotation(path, labels, split):
        if isinstance(read, LabelledError):
            typer.echo(f"pageparts: {read}", err=True)
            if stop:
                raise typer.Exit(2)
            continue
        documents.append(read)
    if not documents:
        raise _fail(f"no documents in {path}")
    if str(out) == "-":
        for document in documents:
            typer.echo(dumps(document))
    else:
        with writing(out):
            write_labelled(documents, out)
        typer.echo(f"wrote {counted(len(documents), 'labelled document')} to {out}", err=True)
