"""`pageparts plugins`: list the registered plugins."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from . import ListFormat, app


@app.command()
def plugins(
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
) -> None:
    """List the registered plugins, their versions, labels and whether they use a model."""
    from dataclasses import asdict

    from ..registry import make_registry

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
