"""pageparts: label the parts of a web page, and get the article text cleanly out.

>>> import pageparts
>>> document = pageparts.classify("page.html")
>>> [(b.label, b.text[:30]) for b in document.blocks]
>>> pageparts.extract("page.html")  # headline and body text
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .document import LABELS, Block, Document, Vote
from .hookspecs import hookimpl
from .plugin_info import PluginInfo
from .rule_plugin import rule_plugin

__version__ = "0.1.0"
__all__ = [
    "LABELS",
    "Block",
    "Document",
    "ModelStore",
    "PluginInfo",
    "Runner",
    "Vote",
    "__version__",
    "classify",
    "extract",
    "hookimpl",
    "rule_plugin",
]

Source = str | os.PathLike[str] | bytes

if TYPE_CHECKING:
    from .host.runner import Runner
    from .scoring.models import ModelStore
    from .settings import Options


def __getattr__(name: str) -> Any:
    """``Runner`` and ``ModelStore``, imported on first use: ``import pageparts`` stays light."""
    if name == "Runner":
        from .host.runner import Runner

        return Runner
    if name == "ModelStore":
        from .scoring.models import ModelStore

        return ModelStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def classify(source: Source, input_format: str | None = None, options: Options | None = None) -> Document:
    """Split ``source`` into blocks and label every block.

    ``source`` is a path (``str`` or ``Path``) or the raw content as ``bytes``.
    ``input_format`` is ``"auto"`` (sniff the content), ``"html"`` or ``"text"``; given, it wins
    over the options'. ``options`` (``pageparts.settings.Options``, or ``resolve_options`` for a
    config file) decide everything else; by default, the defaults and the environment
    (``PAGEPARTS_MODELS``, ``PAGEPARTS_LOAD_PLUGINS``).
    Raises ``ValueError`` (an ``InputError``) for content that cannot be used.
    """
    runner = _runner(_options(input_format, options))
    if isinstance(source, bytes):
        return runner.classify_bytes(source)
    return runner.classify_source(source)


def extract(
    source: Source,
    labels: tuple[str, ...] = ("headline", "body"),
    input_format: str | None = None,
    options: Options | None = None,
) -> str:
    """The text of the blocks with ``labels`` (by default the article: headline and body)."""
    return classify(source, input_format, options).text(labels)


def _options(input_format: str | None, options: Options | None) -> Options:
    from .settings import Overrides, resolve_options, with_overrides

    given = Overrides(input_format=input_format)
    return resolve_options(overrides=given) if options is None else with_overrides(options, given)


_runners: list[tuple[Options, Runner]] = []
_RUNNERS_KEPT = 4


def _runner(options: Options) -> Runner:
    """One runner (plugins and models loaded once) per options, the last few kept."""
    from .host.runner import Runner

    for kept, runner in _runners:
        if kept == options:
            return runner
    runner = Runner(options)
    _runners.insert(0, (options, runner))
    del _runners[_RUNNERS_KEPT:]
    return runner
