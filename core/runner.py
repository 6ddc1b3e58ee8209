"""The core runner: a document in, labelled blocks out, whatever the plugins do."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from .combine import CombineOptions, combine
from .document import Document, Vote
from .reading import MAX_BYTES, InputError, looks_binary, read_source, to_utf8, unpack
from .registry import Registry, make_registry

INPUT_FORMATS = ("auto", "html", "text")


@dataclass(frozen=True)
class Options:
    """Everything that decides how documents are classified; shared by the API and the CLI."""

    input_format: str = "auto"
    combine: CombineOptions = field(default_factory=CombineOptions)
    max_bytes: int = MAX_BYTES
    disabled: tuple[str, ...] = ()


@dataclass
class Result:
    """The outcome for one input: a classified document, or an error message."""

    source: str
    document: Document | None = None
    error: str | None = None

    def to_dict(self) -> dict:
        if self.document is None:
            return {"source": self.source, "error": self.error}
        return self.document.to_dict()


class Runner:
    """Splits documents and sends them through every registered classifier plugin."""

    def __init__(self, options: Options | None = None, registry: Registry | None = None) -> None:
        self.options = options or Options()
        self.registry = registry or make_registry(disabled=self.options.disabled)
        self.failed_plugins: dict[str, str] = {}
        """Plugin name -> first error it caused in this run (each reported once)."""

    def classify_bytes(self, content: bytes, source: str = "<bytes>") -> Document:
        """Classify one document's raw content; raises InputError for unusable input."""
        content = unpack(content, self.options.max_bytes)
        if looks_binary(content):
            raise InputError("binary content, not HTML or text")
        content = to_utf8(content)
        input_format = self._input_format(content)
        split = self.registry.manager.hook.pageparts_split(content=content, input_format=input_format)
        if split is None:
            raise InputError(f"no plugin splits input format {input_format!r}")
        blocks, meta = split
        document = Document(source=source, input_format=input_format, blocks=blocks, meta=dict(meta))
        combine(document, self._collect_votes(document), self.options.combine)
        return document

    def classify_source(self, source: str | os.PathLike[str]) -> Document:
        """Classify a file (or ``-`` for standard input)."""
        return self.classify_bytes(read_source(source, self.options.max_bytes), str(source))

    def run(self, sources: Iterable[str]) -> Iterator[Result]:
        """Classify many sources in order; a failing document gives an error Result."""
        for source in sources:
            try:
                yield Result(source, document=self.classify_source(source))
            except Exception as error:  # one bad document must not stop the others
                yield Result(source, error=_one_line(error))

    def _input_format(self, content: bytes) -> str:
        chosen = self.options.input_format
        if chosen != "auto":
            return chosen
        return self.registry.manager.hook.pageparts_detect_format(content=content) or "text"

    def _collect_votes(self, document: Document) -> list[Vote]:
        declared = self.registry.declared_labels()
        votes: list[Vote] = []
        impls = sorted(
            self.registry.manager.hook.pageparts_classify.get_hookimpls(), key=lambda i: i.plugin_name
        )
        for impl in impls:
            name = impl.plugin_name
            try:
                cast = impl.function(document=document)
                votes.extend(_checked_votes(cast, name, declared.get(name, ()), len(document.blocks)))
            except Exception as error:  # a plugin must never stop the run
                message = f"plugin {name!r} failed, its votes were dropped: {_one_line(error)}"
                document.warnings.append(message)
                self.failed_plugins.setdefault(name, message)
        return votes


def _checked_votes(cast: object, plugin: str, labels: tuple[str, ...], n_blocks: int) -> list[Vote]:
    """The plugin's votes, or a ValueError describing the first thing wrong with them."""
    if cast is None:
        return []
    if not isinstance(cast, list | tuple):
        raise ValueError(f"returned {type(cast).__name__}, not a list of votes")
    for vote in cast:
        if not isinstance(vote, Vote):
            raise ValueError(f"returned {type(vote).__name__} among its votes")
        if vote.label not in labels:
            raise ValueError(f"voted for undeclared label {vote.label!r}")
        if (
            not isinstance(vote.score, int | float)
            or not math.isfinite(vote.score)
            or not 0 <= vote.score <= 1
        ):
            raise ValueError(f"gave score {vote.score!r}, outside [0, 1]")
        if not isinstance(vote.block, int) or not 0 <= vote.block < n_blocks:
            raise ValueError(f"voted on block {vote.block!r}, which does not exist")
    return [vote if vote.plugin == plugin else replace(vote, plugin=plugin) for vote in cast]


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if isinstance(error, InputError) else f"{type(error).__name__}: {text}"
