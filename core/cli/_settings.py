"""The classifying options of classify and report: read from ``--config`` and the command line
(which wins) and checked, values when they are read, plugin and label names once the plugins are
found. Every problem is a usage error: one line naming the valid choices, exit status 2."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..combine import check_fraction
from ..config import load_combine_options, load_plugin_settings, parse_time_budget, parse_weights
from ..document import LABELS
from ..labelled import known_labels
from ..registry import Registry
from ..runner import Options, Runner
from . import Combiner, _fail

Named = dict[str, tuple[str, ...]]
"""Plugin names given, by where they were given ("--disable", "disable in FILE", ...)."""


def read_options(
    input_format: str,
    config: Path | None,
    *,
    weights: str | None = None,
    threshold: float | None = None,
    context: float | None = None,
    combiner: Combiner | None = None,
    disable: list[str] | None = None,
    time_budget: float | None = None,
) -> tuple[Options, Named]:
    """The options of ``config`` overridden by the command line's, and the plugin names given."""
    try:
        combine = load_combine_options(config)
        settings = load_plugin_settings(config)
        named: Named = {}
        if config is not None:
            named = {
                f"[weights] in {config}": tuple(combine.weights),
                f"disable in {config}": settings.disabled,
            }
        if weights:
            given = parse_weights(weights)
            combine = replace(combine, weights={**combine.weights, **given})
            named["--weights"] = tuple(given)
        if threshold is not None:
            combine = replace(combine, threshold=check_fraction("--threshold", threshold))
        if context is not None:
            combine = replace(combine, context=check_fraction("--context", context))
        if combiner is not None:
            combine = replace(combine, learned=combiner is Combiner.learned)
        budget = settings.time_budget if time_budget is None else parse_time_budget(time_budget)
    except ValueError as error:
        raise _fail(str(error)) from None
    named["--disable"] = tuple(disable or ())
    disabled = settings.disabled + named["--disable"]
    return Options(input_format, combine, disabled=disabled, time_budget=budget), named


def checked_runner(options: Options, named: Named) -> Runner:
    """A Runner for ``options``, once every plugin name given is found to name a plugin."""
    runner = Runner(options)
    check_plugin_names(runner.registry, named)
    return runner


def check_plugin_names(registry: Registry, named: Named) -> None:
    """Fail on the first name given that no plugin found has."""
    for where, names in named.items():
        unknown = [name for name in names if name not in registry.found]
        if unknown:
            choices = ", ".join(sorted(registry.found))
            raise _fail(f"no plugin named {unknown[0]!r} ({where}); the plugins are: {choices}")


def check_labels(wanted: tuple[str, ...], registry: Registry) -> None:
    """Fail on the first label in ``wanted`` that no loaded plugin declares (nor is built in)."""
    known = known_labels(info.labels for info in registry.plugin_infos())
    unknown = [label for label in wanted if label not in known]
    if unknown:
        choices = ", ".join([*LABELS, *sorted(known - set(LABELS))])
        raise _fail(f"unknown label {unknown[0]!r} in --labels; the labels are: {choices}")
