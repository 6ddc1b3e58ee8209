"""`pageparts convert-models DIR`: turn a model directory of joblib files into pageparts model files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import _fail, app


@app.command("convert-models")
def convert_models(
    directory: Annotated[
        Path, typer.Argument(help="A model directory made by an earlier pageparts (.joblib files).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Where to write the converted directory (default: DIRECTORY itself)."
        ),
    ] = None,
) -> None:
    """Convert the .joblib models of a model directory into pageparts model files (.npz), without
    retraining: the same scores, read without scikit-learn or pickle. The manifest lists the new
    files; combiner.json is kept. See docs/training.md.
    """
    from ..training.convert import ConversionError, convert_directory
    from ._output import check_output_directory, writing

    if not directory.is_dir():
        raise _fail(f"no such directory: {directory}")
    target = out or directory
    check_output_directory(target)
    try:
        with writing(target):
            converted = convert_directory(directory, target)
    except ConversionError as error:
        raise _fail(str(error)) from None
    for old, new in converted:
        typer.echo(f"{directory / old} -> {target / new}")
    if target == directory:
        typer.echo(f"the .joblib files in {directory} are no longer listed or used; they can be deleted")
