"""What a plugin says about itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PluginInfo:
    """A plugin's self-description, shown by ``pageparts plugins``.

    ``labels``: every label the plugin votes for. A label that is not built in is introduced by
    the plugin, unless it is listed in ``shared_labels``: labels introduced by another plugin
    that this one adds its votes to (docs/plugins.md, "Adding a label").
    ``version`` defaults to the version of the distribution package that installed the plugin.
    """

    name: str
    labels: tuple[str, ...] = ()
    version: str = ""
    uses_model: bool = False
    description: str = ""
    shared_labels: tuple[str, ...] = ()
