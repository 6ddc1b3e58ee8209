"""The hooks a pageparts plugin can implement.

A plugin is a module (or object) with functions marked ``@pageparts.hookimpl``, found
through the ``pageparts`` entry-point group. Built-in plugins are registered the same way.
Every hook is documented in docs/plugins.md; implementations may accept fewer arguments
than the spec names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .document import Block, Document, Vote
    from .plugin_info import PluginInfo
    from .trainable import Trainable

hookspec = pluggy.HookspecMarker("pageparts")
hookimpl = pluggy.HookimplMarker("pageparts")


@hookspec
def pageparts_plugin_info() -> PluginInfo:
    """Describe this plugin: its name, the labels it votes for, whether it uses a model."""


@hookspec(firstresult=True)
def pageparts_detect_format(content: bytes) -> str | None:
    """Name the input format of ``content`` (for example ``"html"``), or None if not yours.

    Called for ``--input-format auto``; when no plugin claims the content it is ``"text"``.
    """


@hookspec(firstresult=True)
def pageparts_split(content: bytes, input_format: str) -> tuple[list[Block], dict] | None:
    """Split ``content`` of ``input_format`` into blocks, or return None if not your format.

    Returns the blocks (indexed from 0, in reading order) and a dict of page-level facts
    (for HTML, ``{"title": ...}``). Raise ``ValueError`` with a one-line message for
    content that cannot be split.
    """


@hookspec
def pageparts_classify(document: Document) -> list[Vote]:
    """Vote on the blocks of a whole document at once.

    Return any number of votes (several per block are fine, none is fine). Votes with a
    label the plugin did not declare, a score outside [0, 1] or an unknown block index
    make the core drop all of this plugin's votes for the document and report it.
    """


@hookspec
def pageparts_trainable() -> Trainable | None:
    """Ask ``pageparts train`` for a model: its label and input kinds (a ``Trainable``), or None.

    The model is fitted on labelled blocks (a block is a positive when its label is this one)
    and saved as ``<plugin>-<kind>.npz``; the runner casts its votes (one per block, ``Vote.source
    == "model"``) beside the plugin's own, from the model directory in use.
    """
