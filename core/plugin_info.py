"""What a plugin says about itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PluginInfo:
    """A plugin's self-description, shown by ``pageparts plugins``."""

    name: str
    labels: tuple[str, ...] = ()
    version: str = ""
    uses_model: bool = False
    description: str = ""
