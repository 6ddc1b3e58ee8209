"""Building the plugin manager: built-in and third-party plugins alike come from entry points."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType

import pluggy

from . import hookspecs
from .plugin_info import PluginInfo

ENTRY_POINT_GROUP = "pageparts"
LOAD_PLUGINS_ENV = "PAGEPARTS_LOAD_PLUGINS"


@dataclass
class Registry:
    """A pluggy manager plus what we know about where each plugin came from."""

    manager: pluggy.PluginManager
    distributions: dict[str, tuple[str, str]] = field(default_factory=dict)
    load_errors: dict[str, str] = field(default_factory=dict)

    def register(self, plugin: object, name: str) -> None:
        self.manager.register(plugin, name=name)

    def plugin_infos(self) -> list[PluginInfo]:
        """Every registered plugin's self-description, sorted by name."""
        infos = []
        for name, plugin in self.manager.list_name_plugin():
            describe = getattr(plugin, "pageparts_plugin_info", None)
            info = describe() if describe else PluginInfo(name=name)
            dist = self.distributions.get(name)
            if dist and not info.version:
                info = PluginInfo(info.name, info.labels, dist[1], info.uses_model, info.description)
            infos.append((name, info))
        return [info for _, info in sorted(infos, key=lambda pair: pair[0])]

    def declared_labels(self) -> dict[str, tuple[str, ...]]:
        """Plugin name -> the labels it declared it votes for."""
        labels = {}
        for name, plugin in self.manager.list_name_plugin():
            describe = getattr(plugin, "pageparts_plugin_info", None)
            labels[name] = describe().labels if describe else ()
        return labels


def make_registry(
    load_entrypoints: bool = True,
    only: tuple[str, ...] | None = None,
    disabled: tuple[str, ...] = (),
    plugins: dict[str, ModuleType | object] | None = None,
) -> Registry:
    """Make a plugin registry.

    ``load_entrypoints`` loads every plugin of the ``pageparts`` entry-point group
    (built-in ones included); ``only`` keeps just those names (the environment variable
    PAGEPARTS_LOAD_PLUGINS, comma-separated, sets it too); ``disabled`` blocks names;
    ``plugins`` registers extra plugin objects under the given names (used by tests).
    A plugin that fails to import is recorded in ``load_errors`` rather than raised.
    """
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(hookspecs)
    registry = Registry(manager)
    if only is None and os.environ.get(LOAD_PLUGINS_ENV):
        only = tuple(n.strip() for n in os.environ[LOAD_PLUGINS_ENV].split(",") if n.strip())
    for name in disabled:
        manager.set_blocked(name)
    if load_entrypoints:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if (only is not None and ep.name not in only) or manager.is_blocked(ep.name):
                continue
            if manager.has_plugin(ep.name):
                continue
            try:
                registry.register(ep.load(), ep.name)
            except Exception as error:  # a broken third-party plugin must not stop the tool
                registry.load_errors[ep.name] = f"{type(error).__name__}: {error}"
                continue
            if ep.dist is not None:
                registry.distributions[ep.name] = (ep.dist.name, ep.dist.version)
    for name, plugin in (plugins or {}).items():
        if not manager.is_blocked(name):
            registry.register(plugin, name)
    _drop_plugins_with_unknown_hooks(registry)
    return registry


def _drop_plugins_with_unknown_hooks(registry: Registry) -> None:
    """Unregister plugins that implement a hook pageparts does not define (a typo)."""
    while True:
        try:
            registry.manager.check_pending()
            return
        except pluggy.PluginValidationError as error:
            name = registry.manager.get_name(error.plugin) or str(error.plugin)
            registry.load_errors[name] = str(error)
            registry.manager.unregister(error.plugin)
