"""Reading the combiner settings from a TOML file and from command-line overrides."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .combine import CombineOptions

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
        if not sep or not name.strip() or weight < 0:
            raise ValueError(f"bad weight {item!r}: expected PLUGIN=NUMBER with a number >= 0")
        weights[name.strip()] = weight
    return weights


def load_combine_options(path: Path | None, base: CombineOptions | None = None) -> CombineOptions:
    """Combiner options from a TOML file: ``threshold``, ``context``, ``combiner`` and ``[weights]``."""
    base = base or CombineOptions()
    if path is None:
        return base
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"cannot read config {path}: {error}") from None
    unknown = set(data) - {"threshold", "context", "combiner", "weights"}
    if unknown:
        raise ValueError(f"unknown keys in config {path}: {', '.join(sorted(unknown))}")
    weights = data.get("weights", {})
    if not isinstance(weights, dict) or not all(
        isinstance(w, int | float) and w >= 0 for w in weights.values()
    ):
        raise ValueError(f"[weights] in {path} must map plugin names to numbers >= 0")
    combiner = data.get("combiner", COMBINERS[base.learned])
    if combiner not in COMBINERS:
        raise ValueError(f"combiner in {path} must be one of {', '.join(COMBINERS)}, not {combiner!r}")
    return CombineOptions(
        weights={**base.weights, **{k: float(v) for k, v in weights.items()}},
        threshold=float(data.get("threshold", base.threshold)),
        context=float(data.get("context", base.context)),
        learned=combiner == "learned",
    )
