"""Settings: the one ``Options`` object, and the one place it is resolved.

``Options()`` holds the defaults. ``resolve_options`` layers, each over the one before:

1. the defaults;
2. a TOML config file (``--config FILE``): ``threshold``, ``context``, ``combiner``,
   ``[weights]``, ``disable``, ``time_budget``, ``models`` and ``sites``;
3. the environment: ``PAGEPARTS_MODELS`` (a model directory), ``PAGEPARTS_SITES`` (a directory of
   site adaptations), ``PAGEPARTS_LOAD_PLUGINS`` (load only these plugins, comma-separated) and
   ``PAGEPARTS_PURE_PYTHON`` (``1``: run the pure-Python path, not the compiled extension;
   ``pageparts.scoring.speedups``);
4. ``Overrides``: the command line's flags, or a caller's.

``disable`` and ``weights`` add up across the layers (a later weight for the same plugin wins);
every other setting is replaced by the last layer that gives it. No other module of pageparts
reads the environment for a setting. A value that cannot be used is a ``SettingsError`` naming
where it was given (``--threshold``, ``threshold in FILE``, ``PAGEPARTS_MODELS``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .host.budget import DEFAULT_TIME_BUDGET
from .input.reading import MAX_BYTES

if TYPE_CHECKING:
    from .scoring.combine import CombineOptions

INPUT_FORMATS = ("auto", "html", "text")
"""How inputs may be read: ``auto`` sniffs the content; ``html`` and ``text`` are the document
formats (of classified and of labelled documents)."""

COMBINERS = ("mean", "learned")
"""Names of the two combiners, indexed by ``CombineOptions.learned``."""

MODELS_ENV = "PAGEPARTS_MODELS"
"""The environment variable naming a model directory (as ``--models DIR`` does)."""

SITES_ENV = "PAGEPARTS_SITES"
"""The environment variable naming a directory of site adaptations (as ``--sites DIR`` does)."""

LOAD_PLUGINS_ENV = "PAGEPARTS_LOAD_PLUGINS"
"""The environment variable naming the only plugins to load, comma-separated."""

PURE_PYTHON_ENV = "PAGEPARTS_PURE_PYTHON"
"""The environment variable that, set to anything but ``0`` (or empty), chooses the pure-Python
path over the compiled extension (``Options.pure_python``)."""

CONFIG_KEYS = ("threshold", "context", "combiner", "weights", "disable", "time_budget", "models", "sites")

Named = tuple[tuple[str, tuple[str, ...]], ...]
"""Plugin names given, by where they were given: (("--disable", ("body",)), ...)."""


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and where it was given."""


@dataclass(frozen=True)
class Options:
    """Everything that decides how documents are classified; shared by the API, the CLI and the
    worker processes. ``Options()`` are the defaults; ``resolve_options`` adds a config file, the
    environment and flags."""

    input_format: str = "auto"
    combine: CombineOptions = field(default_factory=lambda: _combine_options())
    max_bytes: int = MAX_BYTES
    disabled: tuple[str, ...] = ()
    time_budget: float | None = DEFAULT_TIME_BUDGET
    """Seconds one plugin may spend on a document of up to 1,000 blocks, proportionally more on a
    longer one (None: no limit); see ``pageparts.host.budget``."""
    models: Path | None = None
    """The model directory to use (as ``pageparts train`` writes it); None: the models in use by
    default (the shipped ones)."""
    sites: Path | None = None
    """A directory of site adaptations (``pageparts adapt``), each chosen for the documents whose
    URL its site pattern matches (``pageparts.scoring.sites``); None: none. A document no pattern matches
    is classified with ``models``."""
    only: tuple[str, ...] | None = None
    """Load only the plugins of these names (None: every plugin found)."""
    pure_python: bool = False
    """Run the pure-Python reference of the hot loops, not the compiled extension
    (``pageparts.scoring.speedups``); the labels and scores are the same."""
    named: Named = field(default=(), compare=False, repr=False)
    """The plugin names the settings were given, by where, to check once the plugins are found
    (``--weights``, ``disable in FILE``, ...); not part of what the options mean."""


@dataclass(frozen=True)
class Overrides:
    """Settings given on the command line (or by a caller), over the config file and the
    environment; None (or empty) leaves a setting as the layers below have it."""

    input_format: str | None = None
    weights: str | Mapping[str, float] | None = None
    """``"body=2,navigation=0.5"`` (as given to ``--weights``) or a mapping."""
    threshold: float | None = None
    context: float | None = None
    combiner: str | None = None
    disable: tuple[str, ...] = ()
    time_budget: float | None = None
    """Seconds, as a user gives them: 0 means no limit."""
    models: Path | None = None
    sites: Path | None = None


def resolve_options(
    config: Path | None = None,
    overrides: Overrides | None = None,
    environ: Mapping[str, str] | None = None,
) -> Options:
    """The options of the defaults, then the ``config`` file, then ``environ`` (this process's
    environment unless given), then ``overrides``; a SettingsError for a value that cannot be
    used."""
    options = Options()
    if config is not None:
        options = with_config(options, config)
    options = with_environment(options, os.environ if environ is None else environ)
    return with_overrides(options, overrides or Overrides())


# -- the config file ------------------------------------------------------------------------------


def read_config(path: Path) -> dict[str, Any]:
    """The settings in a TOML config file; a SettingsError for an unreadable file or an unknown key."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"cannot read config {path}: {error}") from None
    unknown = set(data) - set(CONFIG_KEYS)
    if unknown:
        raise SettingsError(f"unknown keys in config {path}: {', '.join(sorted(unknown))}")
    return data


def with_config(options: Options, path: Path) -> Options:
    """``options`` with the settings of the config file at ``path`` over them."""
    from .scoring.combine import CombineOptions

    data = read_config(path)
    combine = options.combine
    weights = data.get("weights", {})
    if not isinstance(weights, dict) or not all(
        isinstance(w, int | float) and not isinstance(w, bool) and 0 <= w < math.inf for w in weights.values()
    ):
        raise SettingsError(f"[weights] in {path} must map plugin names to numbers >= 0")
    combiner = data.get("combiner", COMBINERS[combine.learned])
    if combiner not in COMBINERS:
        raise SettingsError(f"combiner in {path} must be one of {', '.join(COMBINERS)}, not {combiner!r}")
    combine = CombineOptions(
        weights={**combine.weights, **{k: float(v) for k, v in weights.items()}},
        threshold=_fraction(f"threshold in {path}", data.get("threshold", combine.threshold)),
        context=_fraction(f"context in {path}", data.get("context", combine.context)),
        learned=combiner == "learned",
    )
    disabled = data.get("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(name, str) for name in disabled):
        raise SettingsError(f"disable in {path} must be a list of plugin names")
    budget = options.time_budget
    if "time_budget" in data:
        try:
            budget = parse_time_budget(data["time_budget"])
        except ValueError as error:
            raise SettingsError(f"time_budget in {path}: {error}") from None
    models = options.models
    if "models" in data:
        if not isinstance(data["models"], str) or not data["models"]:
            raise SettingsError(f"models in {path} must be the path of a model directory")
        models = (path.parent / Path(data["models"]).expanduser()).absolute()
    sites = options.sites
    if "sites" in data:
        if not isinstance(data["sites"], str) or not data["sites"]:
            raise SettingsError(f"sites in {path} must be the path of a directory of site adaptations")
        sites = (path.parent / Path(data["sites"]).expanduser()).absolute()
    named = ((f"[weights] in {path}", tuple(weights)), (f"disable in {path}", tuple(disabled)))
    return replace(
        options,
        combine=combine,
        disabled=options.disabled + tuple(disabled),
        time_budget=budget,
        models=models,
        sites=sites,
        named=options.named + named,
    )


# -- the environment ------------------------------------------------------------------------------


def set_models_environment(directory: Path | None) -> None:
    """Set ``PAGEPARTS_MODELS`` in this process's environment to ``directory`` (None: unset it);
    for the deprecated ``pageparts.models.use_models`` only (options are the way to choose)."""
    if directory is None:
        os.environ.pop(MODELS_ENV, None)
    else:
        os.environ[MODELS_ENV] = str(directory)


def with_environment(options: Options, environ: Mapping[str, str]) -> Options:
    """``options`` with the settings of the environment variables over them (an empty variable
    counts as unset)."""
    changes: dict[str, Any] = {}
    if environ.get(MODELS_ENV):
        changes["models"] = Path(environ[MODELS_ENV]).expanduser().absolute()
    if environ.get(SITES_ENV):
        changes["sites"] = Path(environ[SITES_ENV]).expanduser().absolute()
    if environ.get(LOAD_PLUGINS_ENV):
        changes["only"] = tuple(n.strip() for n in environ[LOAD_PLUGINS_ENV].split(",") if n.strip())
    if environ.get(PURE_PYTHON_ENV, "0").strip() not in ("", "0"):
        changes["pure_python"] = True
    return replace(options, **changes) if changes else options


# -- flags ----------------------------------------------------------------------------------------


def with_overrides(options: Options, given: Overrides) -> Options:
    """``options`` with the settings of ``given`` over them."""
    changes: dict[str, Any] = {}
    named = options.named
    if given.input_format is not None:
        if given.input_format not in INPUT_FORMATS:
            raise SettingsError(
                f"input_format must be one of {', '.join(INPUT_FORMATS)}, not {given.input_format!r}"
            )
        changes["input_format"] = given.input_format
    combine = options.combine
    if given.weights:
        weights = parse_weights(given.weights) if isinstance(given.weights, str) else dict(given.weights)
        combine = replace(combine, weights={**combine.weights, **weights})
        named += (("--weights", tuple(weights)),)
    if given.threshold is not None:
        combine = replace(combine, threshold=_fraction("--threshold", given.threshold))
    if given.context is not None:
        combine = replace(combine, context=_fraction("--context", given.context))
    if given.combiner is not None:
        if given.combiner not in COMBINERS:
            raise SettingsError(f"the combiner must be one of {', '.join(COMBINERS)}, not {given.combiner!r}")
        combine = replace(combine, learned=given.combiner == "learned")
    if given.time_budget is not None:
        try:
            changes["time_budget"] = parse_time_budget(given.time_budget)
        except ValueError as error:
            raise SettingsError(str(error)) from None
    if given.models is not None:
        changes["models"] = Path(given.models).expanduser().absolute()
    if given.sites is not None:
        changes["sites"] = Path(given.sites).expanduser().absolute()
    disable = tuple(given.disable)
    named += (("--disable", disable),)
    return replace(options, combine=combine, disabled=options.disabled + disable, named=named, **changes)


def parse_weights(spec: str) -> dict[str, float]:
    """``"body=2,navigation=0.5"`` -> ``{"body": 2.0, "navigation": 0.5}``."""
    weights = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, sep, value = item.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not name.strip() or not 0 <= weight < math.inf:
            raise SettingsError(f"bad weight {item!r}: expected PLUGIN=NUMBER with a number >= 0")
        weights[name.strip()] = weight
    return weights


def parse_time_budget(seconds: float) -> float | None:
    """A time budget in seconds as given by a user: 0 means no limit; a negative or infinite number
    is an error."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < math.inf:
        raise SettingsError(f"time budget must be a number of seconds >= 0 (0: no limit), not {seconds!r}")
    return float(seconds) or None


def _combine_options(**given: Any) -> CombineOptions:
    """CombineOptions, imported when first wanted (it brings numpy, which the settings and the
    command line's help do without)."""
    from .scoring.combine import CombineOptions

    return CombineOptions(**given)


def _fraction(name: str, value: object) -> float:
    from .scoring.combine import check_fraction

    try:
        return check_fraction(name, value)
    except ValueError as error:
        raise SettingsError(str(error)) from None
