"""`pageparts evaluate`: per-word scores against labelled blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from . import Combiner, ListFormat, OnError, _fail, app


@app.command()
def evaluate(
    paths: Annotated[list[Path], typer.Argument(help="Labelled-block JSON Lines files (gold format).")],
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
    combiner: Annotated[Combiner, typer.Option(help="How votes are combined.")] = Combiner.mean,
    on_error: Annotated[OnError, typer.Option(help="On a malformed line: skip it, or stop.")] = OnError.stop,
) -> None:
    """Score pageparts per word against labelled blocks (precision, recall, F1 per label).

    Each labelled document is classified in its plain-text form (its block texts joined by a
    blank line), and scored as docs/labels.md describes.
    """
    from ..combine import CombineOptions
    from ..evaluation import WordScores, format_confusion, format_table, plain_text, read_labelled
    from ..runner import Options, Runner

    runner = Runner(
        Options(input_format="text", combine=CombineOptions(learned=combiner is Combiner.learned))
    )
    scores, documents, skipped = WordScores(), 0, 0
    for path in paths:
        if not path.is_file():
            raise _fail(f"no such file: {path}")
        for where, document in read_labelled(path):
            if isinstance(document, str):
                typer.echo(f"pageparts: {where}: {document}", err=True)
                if on_error is OnError.stop:
                    raise typer.Exit(2)
                skipped += 1
                continue
            scores.add(runner.classify_bytes(plain_text(document), where), document["blocks"])
            documents += 1
    if not documents:
        raise _fail("no labelled documents to evaluate")
    if output_format is ListFormat.json:
        report = {
            "documents": documents,
            "skipped": skipped,
            "labels": scores.rows(),
            "macro_f1": scores.macro_f1(),
            "confusion": [
                {"gold": gold, "predicted": given, "words": n}
                for (gold, given), n in scores.confusion.items()
            ],
        }
        typer.echo(json.dumps(report, indent=2))
        return
    typer.echo(f"{documents} documents ({skipped} lines skipped), plain-text input, per-word scores:")
    typer.echo(format_table(scores))
    typer.echo("\nwords by gold label (rows) and predicted label (columns):")
    typer.echo(format_confusion(scores))
