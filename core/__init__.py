"""pageparts: label the parts of a web page, and get the article text cleanly out.

>>> import pageparts
>>> document = pageparts.classify("page.html")
>>> [(b.label, b.text[:30]) for b in document.blocks]
>>> pageparts.extract("page.html")  # headline and body text
"""

from __future__ import annotations

import os
from functools import lru_cache

from .document import LABELS, Block, Document, Vote
from .hookspecs import hookimpl
from .plugin_info import PluginInfo
from .rule_plugin import rule_plugin

__version__ = "0.1.0"
__all__ = [
    "LABELS",
    "Block",
    "Document",
    "PluginInfo",
    "Vote",
    "__version__",
    "classify",
    "extract",
    "hookimpl",
    "rule_plugin",
]

Source = str | os.PathLike[str] | bytes


def classify(source: Source, input_format: str = "auto") -> Document:
    """Split ``source`` into blocks and label every block.

    ``source`` is a path (``str`` or ``Path``) or the raw content as ``bytes``.
    ``input_format`` is ``"auto"`` (sniff the content), ``"html"`` or ``"text"``.
    Raises ``ValueError`` (an ``InputError``) for content that cannot be used.
    """
    from .models import default_dir

    runner = _runner(input_format, default_dir())
    if isinstance(source, bytes):
        return runner.classify_bytes(source)
    return runner.classify_source(source)


def extract(
    source: Source, labels: tuple[str, ...] = ("headline", "body"), input_format: str = "auto"
) -> str:
    """The text of the blocks with ``labels`` (by default the article: headline and body)."""
    return classify(source, input_format).text(labels)


@lru_cache(maxsize=4)
def _runner(input_format: str, model_dir):  # one runner (plugins and models loaded once) per format
    from .models import ModelStore
    from .runner import INPUT_FORMATS, Options, Runner

    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format must be one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
    return Runner(Options(input_format=input_format), models=ModelStore(model_dir))
