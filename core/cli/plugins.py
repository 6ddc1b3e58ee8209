"""`pageparts plugins`: list the plugins found, where they come from, and whether they are used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from . import ConfigOption, ListFormat, ModelsOption, app

COLUMNS = ("name", "status", "version", "model", "labels", "package", "module")


@app.command()
def plugins(
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
    disable: Annotated[
        list[str] | None, typer.Option(help="Show this plugin as disabled (repeatable).")
    ] = None,
    config: ConfigOption = None,
    models: ModelsOption = None,
) -> None:
    """List every plugin found: status (enabled, disabled, left out and why), version, labels, origin."""
    from ..host.registry import ENABLED
    from ..host.runner import plugin_registry
    from ._settings import check_models, check_plugin_names, read_settings

    options = read_settings(config, disable=disable, models=models)
    registry = plugin_registry(options)
    check_plugin_names(registry, options)
    check_models(options, registry)
    entries = registry.entries()
    uses_model = _model_users(registry, options.models)
    if output_format is ListFormat.json:
        rows = [
            {
                "name": entry.name,
                "status": entry.status,
                "enabled": entry.status == ENABLED,
                "version": entry.info.version if entry.info else entry.source.version,
                "uses_model": entry.name in uses_model if entry.info else None,
                "labels": list(entry.info.labels) if entry.info else [],
                "shared_labels": list(entry.info.shared_labels) if entry.info else [],
                "description": entry.info.description if entry.info else "",
                "distribution": entry.source.distribution,
                "distribution_version": entry.source.version,
                "module": entry.source.module,
                "path": entry.source.path,
                "problem": entry.problem,
            }
            for entry in entries
        ]
        errors = [{"name": name, "error": error} for name, error in sorted(registry.load_errors.items())]
        typer.echo(json.dumps({"plugins": rows, "load_errors": errors}, indent=2))
        return
    table = [COLUMNS]
    for entry in entries:
        info, source = entry.info, entry.source
        package = f"{source.distribution} {source.version}" if source.distribution else "-"
        model = ("yes" if entry.name in uses_model else "no") if info else "-"
        version = (info.version if info else source.version) or "-"
        labels = ",".join(info.labels) if info and info.labels else "-"
        table.append((entry.name, entry.status, version, model, labels, package, source.module or "-"))
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    for row in table:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    problems = [f"{entry.name}: {entry.problem}" for entry in entries if entry.problem]
    if problems:
        typer.echo("\nleft out:\n" + "\n".join(problems))


def _model_users(registry, models: Path | None) -> set[str]:
    """The plugins with a model: one of their own (``PluginInfo.uses_model``), or one in the model
    directory of the settings (``models``; None: the shipped one) that the runner votes with for
    them (their ``pageparts_trainable`` hook)."""
    from ..scoring.models import ModelStore

    store = ModelStore.of(models)
    own = {info.name for info in registry.plugin_infos() if info.uses_model}
    return own | {name for name in registry.model_labels() if store.has_model(name)}
