"""The ``--models DIR`` option of several commands."""

from __future__ import annotations

from pathlib import Path

import typer

from . import _fail


def use_model_dir(directory: Path | None, runner) -> None:
    """``--models DIR``: load models from DIR, after checking it fits the runner's plugins."""
    if directory is None:
        return
    from ..models import ModelError, check_directory, use_models

    use_models(directory)
    declared = {info.name: info.labels for info in runner.registry.plugin_infos()}
    try:
        notes = check_directory(directory, declared)
    except ModelError as error:
        raise _fail(str(error)) from None
    for note in notes:
        typer.echo(f"pageparts: {note}", err=True)
