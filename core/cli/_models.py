"""The ``--models DIR`` option of several commands."""

from __future__ import annotations

from pathlib import Path

import typer

from . import _fail


def use_model_dir(directory: Path | None, *runners) -> None:
    """``--models DIR``: the runners vote with the models in DIR (one store, shared), after checking
    that DIR fits their plugins."""
    if directory is None:
        return
    from ..models import ModelError, ModelStore

    store = ModelStore(directory.resolve())
    declared = {info.name: info.labels for info in runners[0].registry.plugin_infos()}
    try:
        notes = store.check(declared)
    except ModelError as error:
        raise _fail(str(error)) from None
    for note in notes:
        typer.echo(f"pageparts: {note}", err=True)
    for runner in runners:
        runner.models = store
