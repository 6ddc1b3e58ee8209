"""Building the plugin manager: built-in and third-party plugins alike come from entry points.

Each plugin is checked as it is loaded (``core/host/contract.py``): it must import, implement only
pageparts hooks with arguments they pass, and describe itself with a well-formed PluginInfo; and
the labels of all plugins must fit together (no label introduced by two plugins, no shared label
that no plugin introduces). A plugin that fails is left out, and ``Registry.load_errors`` says why.
Entry points are taken in order of name, so which plugins load and the order their hooks are
called never depend on the order their packages were installed.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field, replace
from importlib.metadata import EntryPoint, entry_points
from itertools import groupby
from types import ModuleType

import pluggy

from .. import hookspecs
from ..plugin_info import PluginInfo
from .contract import hook_problem, introduced_labels, name_problem, plugin_info_problem

ENTRY_POINT_GROUP = "pageparts"

ENABLED, DISABLED, LEFT_OUT = "enabled", "disabled", "left out"


@dataclass(frozen=True)
class PluginSource:
    """Where a plugin comes from: its distribution package, the module it is, that module's file."""

    distribution: str = ""
    version: str = ""
    module: str = ""
    path: str = ""

    def describe(self) -> str:
        package = f"{self.distribution} {self.version}" if self.distribution else "no package"
        return f"{package}, {self.module}" if self.module else package


@dataclass(frozen=True)
class PluginEntry:
    """One plugin as ``pageparts plugins`` lists it: its status, origin, self-description, problem."""

    name: str
    status: str
    source: PluginSource
    info: PluginInfo | None = None
    problem: str = ""


@dataclass
class Registry:
    """A pluggy manager plus what we know about every plugin found: origin, description, problems."""

    manager: pluggy.PluginManager
    sources: dict[str, PluginSource] = field(default_factory=dict)
    infos: dict[str, PluginInfo] = field(default_factory=dict)
    load_errors: dict[str, str] = field(default_factory=dict)
    """Plugin name -> why it was left out."""
    disabled: set[str] = field(default_factory=set)
    """Plugins found but not loaded, because they were disabled."""
    found: frozenset[str] = frozenset()
    """Every plugin name found: enabled, disabled, left out, or not loaded (``only``)."""

    def register(self, plugin: object, name: str, source: PluginSource | None = None) -> bool:
        """Register ``plugin`` under ``name`` if it passes the checks, else record why in ``load_errors``."""
        source = source or PluginSource(module=_module_name(plugin))
        self.sources[name] = replace(source, path=source.path or _module_file(plugin))
        outcome = name_problem(name, "plugin name") or hook_problem(plugin) or _describe(plugin, name, source)
        if isinstance(outcome, PluginInfo) and self.manager.has_plugin(name):
            outcome = f"a plugin named {name!r} is already loaded"
        elif isinstance(outcome, PluginInfo) and self.manager.is_registered(plugin):
            outcome = f"it is already loaded as {self.manager.get_name(plugin)!r}"
        if isinstance(outcome, str):
            self.load_errors[name] = outcome
            return False
        self.manager.register(plugin, name=name)
        self.infos[name] = outcome
        self.load_errors.pop(name, None)
        return True

    def unregister(self, name: str, problem: str) -> None:
        """Leave out a registered plugin, recording why."""
        self.manager.unregister(name=name)
        self.infos.pop(name, None)
        self.load_errors[name] = problem

    def plugin_infos(self) -> list[PluginInfo]:
        """Every registered plugin's self-description, sorted by name."""
        return [self.infos[name] for name in sorted(self.infos) if self.manager.has_plugin(name)]

    def declared_labels(self) -> dict[str, tuple[str, ...]]:
        """Plugin name -> the labels it declared it votes for."""
        return {info.name: info.labels for info in self.plugin_infos()}

    def model_labels(self) -> dict[str, str]:
        """Plugin name -> the label of the model its ``pageparts_trainable`` hook asks for (a
        label it declares); plugins that ask for none (or whose hook fails) are left out."""
        declared = self.declared_labels()
        asked = {}
        for impl in self.manager.hook.pageparts_trainable.get_hookimpls():
            try:
                label = getattr(impl.function(), "label", None)
            except Exception:  # then the plugin has no model votes; pageparts train says what is wrong
                continue
            if label in declared.get(impl.plugin_name, ()):
                asked[impl.plugin_name] = label
        return asked

    def entries(self) -> list[PluginEntry]:
        """Every plugin found (enabled, disabled or left out), sorted by name."""
        rows = []
        for name in sorted(set(self.sources) | set(self.load_errors)):
            source = self.sources.get(name, PluginSource())
            if name in self.load_errors:
                rows.append(PluginEntry(name, LEFT_OUT, source, problem=self.load_errors[name]))
            elif name in self.disabled:
                rows.append(PluginEntry(name, DISABLED, source))
            elif self.manager.has_plugin(name):
                rows.append(PluginEntry(name, ENABLED, source, self.infos.get(name)))
        return rows


def make_registry(
    load_entrypoints: bool = True,
    only: tuple[str, ...] | None = None,
    disabled: tuple[str, ...] = (),
    plugins: dict[str, ModuleType | object] | None = None,
) -> Registry:
    """Make a plugin registry.

    ``load_entrypoints`` loads every plugin of the ``pageparts`` entry-point group
    (built-in ones included); ``only`` keeps just those names (``Options.only``, which the
    environment variable PAGEPARTS_LOAD_PLUGINS sets); ``disabled`` leaves names out;
    ``plugins`` registers extra plugin objects under the given names (used by tests).
    A plugin that fails to load or to pass the checks is recorded in ``load_errors``, never raised.
    """
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(hookspecs)
    registry = Registry(manager)
    found = set(plugins or {})
    if load_entrypoints:
        found |= _load_entry_points(registry, only, set(disabled))
    for name, plugin in sorted((plugins or {}).items()):
        if name in disabled:
            registry.disabled.add(name)
        else:
            registry.register(plugin, name)
    registry.found = frozenset(found)
    for name, problem in label_problems(registry).items():
        registry.unregister(name, problem)
    return registry


def _load_entry_points(registry: Registry, only: tuple[str, ...] | None, disabled: set[str]) -> set[str]:
    """Load the plugins of the entry-point group in order of name; returns every name found."""
    found = set()
    points = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: (ep.name, _source(ep).distribution))
    for name, same_name in groupby(points, key=lambda ep: ep.name):
        claims = list(same_name)
        found.add(name)
        if only is not None and name not in only:
            continue
        source = _source(claims[0])
        registry.sources[name] = source
        if name in disabled:
            registry.disabled.add(name)
        elif len(claims) > 1:
            packages = " and ".join(_source(ep).describe() for ep in claims)
            registry.load_errors[name] = (
                f"the plugin name {name!r} is claimed by {packages}; none of them is loaded "
                "(uninstall all but one)"
            )
        else:
            try:
                plugin = claims[0].load()
            except (Exception, SystemExit) as error:  # a broken third-party plugin must not stop the tool
                message = " ".join(str(error).split())
                registry.load_errors[name] = (
                    f"could not be imported from {claims[0].value}: {type(error).__name__}: {message}"
                )
                continue
            registry.register(plugin, name, source)
    return found


def label_problems(registry: Registry) -> dict[str, str]:
    """Plugins whose labels clash with others', and why.

    A label that is not built in may be introduced by one plugin only (two plugins introducing it
    may mean different things by it); other plugins may add votes to it by listing it in
    ``PluginInfo.shared_labels``. A plugin sharing a label that no remaining plugin introduces is
    left out too, so the check repeats until nothing changes. The outcome does not depend on the
    order plugins were registered.
    """
    problems: dict[str, str] = {}
    remaining = {info.name: info for info in registry.plugin_infos()}
    while True:
        introducers: dict[str, list[str]] = defaultdict(list)
        for name in sorted(remaining):
            for label in introduced_labels(remaining[name]):
                introducers[label].append(name)
        found = {}
        for label, names in introducers.items():
            if len(names) > 1:
                claims = " and ".join(f"{n!r} ({registry.sources[n].describe()})" for n in names)
                for name in names:
                    found[name] = (
                        f"label {label!r} is introduced by {claims}; none of them is loaded. If they mean "
                        f"the same thing, all but one should list {label!r} in PluginInfo.shared_labels; "
                        f"meanwhile disable all but one (--disable {names[-1]})"
                    )
        for name in sorted(set(remaining) - set(found)):
            orphans = [label for label in remaining[name].shared_labels if label not in introducers]
            if orphans:
                found[name] = (
                    f"shares label {orphans[0]!r}, which no loaded plugin introduces "
                    "(is the plugin that introduces it installed and enabled?)"
                )
        if not found:
            return problems
        problems.update(found)
        for name in found:
            del remaining[name]


def _describe(plugin: object, name: str, source: PluginSource) -> PluginInfo | str:
    """The plugin's PluginInfo under its registered name, or why it has no usable one."""
    describe = getattr(plugin, "pageparts_plugin_info", None)
    if describe is None:
        return PluginInfo(name, version=source.version)
    try:
        info = describe()
    except Exception as error:
        return f"pageparts_plugin_info raised {type(error).__name__}: {' '.join(str(error).split())}"
    problem = plugin_info_problem(info)
    if problem is not None:
        return problem
    return replace(
        info,
        name=name,
        labels=tuple(info.labels),
        shared_labels=tuple(info.shared_labels),
        version=info.version or source.version,
    )


def _source(ep: EntryPoint) -> PluginSource:
    dist = ep.dist
    return PluginSource(dist.name if dist else "", dist.version if dist else "", ep.value)


def _module_name(plugin: object) -> str:
    return plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__


def _module_file(plugin: object) -> str:
    module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
    return str(getattr(module, "__file__", "") or "")
