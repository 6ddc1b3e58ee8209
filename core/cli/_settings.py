"""The command line's flags as settings: parsed into ``pageparts.settings.Overrides``, resolved over
the config file and the environment by ``resolve_options``, and checked against the plugins once
they are found. Every problem is a usage error: one line naming the valid choices, exit status 2."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..settings import Options, Overrides, SettingsError, resolve_options
from . import _fail

if TYPE_CHECKING:
    from ..host.registry import Registry
    from ..host.runner import Runner


def read_settings(
    config: Path | None = None,
    *,
    input_format: str | None = None,
    weights: str | None = None,
    threshold: float | None = None,
    context: float | None = None,
    combiner: str | None = None,
    disable: list[str] | None = None,
    time_budget: float | None = None,
    models: Path | None = None,
    sites: Path | None = None,
) -> Options:
    """The settings of a command: its flags over ``config`` over the environment over the defaults."""
    flags = Overrides(
        input_format=input_format,
        weights=weights,
        threshold=threshold,
        context=context,
        combiner=combiner,
        disable=tuple(disable or ()),
        time_budget=time_budget,
        models=models,
        sites=sites,
    )
    try:
        return resolve_options(config, flags)
    except SettingsError as error:
        raise _fail(str(error)) from None


def checked_runner(options: Options, labels: tuple[str, ...] | None = None) -> Runner:
    """A Runner for ``options``, once every plugin name and label given is found to name a plugin
    or a label, and the model directory to fit the plugins."""
    from ..host.runner import Runner
    from ..scoring.models import ModelError

    try:
        runner = Runner(options)
    except ModelError as error:  # a --sites directory without site adaptations
        raise _fail(str(error)) from None
    check_plugin_names(runner.registry, options)
    if labels:
        check_labels(labels, runner.registry)
    check_models(options, runner.registry)
    return runner


def check_plugin_names(registry: Registry, options: Options) -> None:
    """Fail on the first plugin name given in the settings that no plugin found has."""
    for where, names in options.named:
        unknown = [name for name in names if name not in registry.found]
        if unknown:
            choices = ", ".join(sorted(registry.found))
            raise _fail(f"no plugin named {unknown[0]!r} ({where}); the plugins are: {choices}")


def check_labels(wanted: tuple[str, ...], registry: Registry) -> None:
    """Fail on the first label in ``wanted`` that no loaded plugin declares (nor is built in)."""
    from ..document import LABELS
    from ..labels.labelled import known_labels

    known = known_labels(info.labels for info in registry.plugin_infos())
    unknown = [label for label in wanted if label not in known]
    if unknown:
        choices = ", ".join([*LABELS, *sorted(known - set(LABELS))])
        raise _fail(f"unknown label {unknown[0]!r} in --labels; the labels are: {choices}")


def check_models(options: Options, registry: Registry) -> None:
    """Fail unless the model directory and the site adaptations of the settings, if they name
    them, fit the plugins; tell what they leave unused."""
    from ..scoring.models import ModelError, check_directory
    from ..scoring.sites import site_stores

    declared = {info.name: info.labels for info in registry.plugin_infos()}
    directories = [] if options.models is None else [options.models]
    notes: list[str] = []
    try:
        if options.sites is not None:
            directories += [store.directory for store in site_stores(options.sites)]
        for directory in directories:
            notes += check_directory(directory, declared)
    except ModelError as error:
        raise _fail(str(error)) from None
    for note in notes:
        typer.echo(f"pageparts: {note}", err=True)
