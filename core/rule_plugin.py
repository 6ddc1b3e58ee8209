"""A rule plugin in one call: its rules and its description; the hooks are written here, once.

>>> from pageparts import rule_plugin
>>> pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
...     "shouting", shouting_votes, labels=("shouting",), description="Blocks in capitals."
... )

``rule_plugin`` gives the three hook implementations (``@hookimpl`` functions, documented in
docs/plugins.md) for a plugin that votes with a function of its own, ``rules(document) ->
list[Vote]``; assigned to those three names in the plugin's module, they make it a plugin as any
other. ``model``, a label (or a ``Trainable``), asks ``pageparts train`` for a model of that label:
the runner then casts the model's votes beside the rules' (``Vote.source == "model"``). Every
built-in classifier plugin, the example plugin (examples/pageparts-comments) and the package
``pageparts new-plugin`` writes are made this way; a plugin may still write its hooks itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from .document import Document, Vote
from .hookspecs import hookimpl
from .plugin_info import PluginInfo
from .trainable import Trainable


class RuleHooks(NamedTuple):
    """The hook implementations of a rule plugin, to assign to the names they bear."""

    pageparts_plugin_info: Callable[[], PluginInfo]
    pageparts_classify: Callable[[Document], list[Vote]]
    pageparts_trainable: Callable[[], Trainable | None]


def rule_plugin(
    name: str,
    rules: Callable[[Document], list[Vote]],
    *,
    labels: Sequence[str],
    description: str = "",
    model: str | Trainable | None = None,
    shared_labels: Sequence[str] = (),
    version: str = "",
) -> RuleHooks:
    """The hooks of the plugin ``name`` whose votes are ``rules(document)``.

    ``labels``, ``description``, ``shared_labels`` and ``version`` go into its ``PluginInfo``
    (``version`` defaults to its distribution package's). ``model``: the label of the model it asks
    ``pageparts train`` for (a ``Trainable`` to choose the kinds or the estimator too), or None.
    """
    info = PluginInfo(name, tuple(labels), version, False, description, tuple(shared_labels))
    trainable = Trainable(model) if isinstance(model, str) else model

    @hookimpl
    def pageparts_plugin_info() -> PluginInfo:
        return info

    @hookimpl
    def pageparts_classify(document: Document) -> list[Vote]:
        return rules(document)

    @hookimpl
    def pageparts_trainable() -> Trainable | None:
        return trainable

    return RuleHooks(pageparts_plugin_info, pageparts_classify, pageparts_trainable)
