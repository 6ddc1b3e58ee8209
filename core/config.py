"""Reading the combiner and plugin settings from a TOML file and from command-line overrides."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .budget import DEFAULT_TIME_BUDGET
from .combine import CombineOptions, check_fraction

COMBINERS = ("mean", "learned")
"""Names of the two combiners, indexed by ``CombineOptions.learned``."""


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
            raise ValueError(f"bad weight {item!r}: expected PLUGIN=NUMBER with a number >= 0")
        weights[name.strip()] = weight
    return weights


KEYS = ("threshold", "context", "combiner", "weights", "disable", "time_budget")


@dataclass(frozen=True)
class PluginSettings:
    """Which plugins to leave out, and how long one plugin may take on one document (None: no limit)."""

    disabled: tuple[str, ...] = ()
    time_budget: float | None = DEFAULT_TIME_BUDGET


def read_config(path: Path) -> dict[str, Any]:
    """The settings in a TOML config file; a ValueError for an unreadable file or an unknown key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"cannot read config {path}: {error}") from None
    unknown = set(data) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown keys in config {path}: {', '.join(sorted(unknown))}")
    return data


def parse_time_budget(seconds: float) -> float | None:
    """A time budget in seconds as given by a user: 0 means no limit; a negative or infinite number
    is an error."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < math.inf:
        raise ValueError(f"time budget must be a number of seconds >= 0 (0: no limit), not {seconds!r}")
    return float(seconds) or None


def load_plugin_settings(path: Path | None) -> PluginSettings:
    """Plugin settings from a TOML file: ``disable = ["name", ...]`` and ``time_budget = SECONDS``."""
    if path is None:
        return PluginSettings()
    data = read_config(path)
    disabled = data.get("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(name, str) for name in disabled):
        raise ValueError(f"disable in {path} must be a list of plugin names")
    try:
        budget = parse_time_budget(data.get("time_budget", DEFAULT_TIME_BUDGET))
    except ValueError as error:
        raise ValueError(f"time_budget in {path}: {error}") from None
    return PluginSettings(tuple(disabled), budget)


def load_combine_options(path: Path | None, base: CombineOptions | None = None) -> CombineOptions:
    """Combiner options from a TOML file: ``threshold``, ``context``, ``combiner`` and ``[weights]``."""
    base = base or CombineOptions()
    if path is None:
        return base
    data = read_config(path)
    weights = data.get("weights", {})
    if not isinstance(weights, dict) or not all(
        isinstance(w, int | float) and not isinstance(w, bool) and 0 <= w < math.inf for w in weights.values()
    ):
        raise ValueError(f"[weights] in {path} must map plugin names to numbers >= 0")
    combiner = data.get("combiner", COMBINERS[base.learned])
    if combiner not in COMBINERS:
        raise ValueError(f"combiner in {path} must be one of {', '.join(COMBINERS)}, not {combiner!r}")
    return CombineOptions(
        weights={**base.weights, **{k: float(v) for k, v in weights.items()}},
        threshold=check_fraction(f"threshold in {path}", data.get("threshold", base.threshold)),
        context=check_fraction(f"context in {path}", data.get("context", base.context)),
        learned=combiner == "learned",
    )
