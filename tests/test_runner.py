"""The runner survives plugins that raise or return garbage, and bad documents."""

import gzip
import warnings

import pytest
from pageparts.document import Block, Vote
from pageparts.hookspecs import hookimpl
from pageparts.host.runner import Options, Runner
from pageparts.input.reading import Input, InputError
from pageparts.plugin_info import PluginInfo

from .conftest import KeywordPlugin, RaisingPlugin, registry_with

PAGE = b"Home\n\nThe river rose overnight and the council met at dawn.\n\nContact"


class Returning:
    """Returns whatever it was given, to test vote validation."""

    def __init__(self, cast):
        self.cast = cast

    @hookimpl
    def pageparts_plugin_info(self):
        return PluginInfo("garbage", ("body",))

    @hookimpl
    def pageparts_classify(self, document):
        return self.cast


def test_keyword_plugins_label_blocks(keyword_registry):
    document = Runner(registry=keyword_registry).classify_bytes(PAGE)
    assert [b.label for b in document.blocks] == ["navigation", "body", "other"]
    assert document.blocks[1].votes[0].reason == "contains river"


def test_a_raising_plugin_is_dropped_reported_once_and_the_others_decide():
    runner = Runner(
        registry=registry_with(prose=KeywordPlugin("prose", "body", "river"), broken=RaisingPlugin())
    )
    first, second = runner.classify_bytes(PAGE), runner.classify_bytes(PAGE)
    assert first.blocks[1].label == "body"
    assert all(v.plugin == "prose" for b in first.blocks for v in b.votes)
    assert "'broken' failed" in first.warnings[0] and "boom" in first.warnings[0]
    assert second.warnings == first.warnings
    assert list(runner.failed_plugins) == ["broken"]


@pytest.mark.parametrize(
    "cast, problem",
    [
        ("not a list", "not a list"),
        ([Vote("garbage", 1, "navigation", 0.9)], "undeclared label"),
        ([Vote("garbage", 1, "body", 1.5)], "outside [0, 1]"),
        ([Vote("garbage", 1, "body", float("nan"))], "outside [0, 1]"),
        ([Vote("garbage", 99, "body", 0.9)], "does not exist"),
        ([Vote("garbage", 1, "body", 0.9), "junk"], "among its votes"),
    ],
)
def test_garbage_votes_drop_all_of_that_plugins_votes_for_the_document(cast, problem):
    registry = registry_with(garbage=Returning(cast), menu=KeywordPlugin("menu", "navigation", "home"))
    document = Runner(registry=registry).classify_bytes(PAGE)
    assert problem in document.warnings[0]
    assert [b.label for b in document.blocks] == ["navigation", "other", "other"]


def test_votes_are_filed_under_the_registered_plugin_name():
    registry = registry_with(real=Returning([Vote("impostor", 1, "body", 0.9)]))
    registry.manager.unregister(name="real")
    registry.register(Returning([Vote("impostor", 1, "body", 0.9)]), "real")
    document = Runner(registry=registry).classify_bytes(PAGE)
    assert document.blocks[1].votes[0].plugin == "real"


def test_gzip_content_is_unpacked_and_truncated_gzip_is_an_error(keyword_registry):
    runner = Runner(registry=keyword_registry)
    packed = gzip.compress(PAGE)
    assert runner.classify_bytes(packed).blocks[1].label == "body"
    with pytest.raises(InputError, match="truncated gzip"):
        runner.classify_bytes(packed[: len(packed) // 2])


def test_binary_and_oversized_content_are_refused(keyword_registry):
    runner = Runner(Options(max_bytes=1000), registry=keyword_registry)
    with pytest.raises(InputError, match="binary"):
        runner.classify_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="larger than"):
        runner.classify_bytes(b"word " * 1000)


def test_utf16_with_a_bom_is_read(keyword_registry):
    document = Runner(registry=keyword_registry).classify_bytes(PAGE.decode().encode("utf-16"))
    assert document.blocks[0].text == "Home"


def test_run_reports_a_bad_document_and_goes_on(tmp_path, keyword_registry):
    good, empty, missing = tmp_path / "good.txt", tmp_path / "empty.txt", tmp_path / "missing.txt"
    good.write_bytes(PAGE)
    empty.write_bytes(b"")
    results = list(Runner(registry=keyword_registry).run([str(missing), str(empty), str(good)]))
    assert results[0].error == f"no such file: {missing}"
    assert results[1].document is not None and results[1].document.blocks == []
    assert results[2].document.blocks[1].label == "body"
    assert results[0].to_dict() == {"source": str(missing), "error": f"no such file: {missing}"}


def test_an_unknown_input_format_is_an_error(keyword_registry):
    with pytest.raises(InputError, match="no plugin splits input format 'pdf'"):
        Runner(Options(input_format="pdf"), registry=keyword_registry).classify_bytes(PAGE)


def test_split_gives_the_blocks_without_votes_or_labels(keyword_registry):
    runner = Runner(registry=keyword_registry)
    document = runner.split(PAGE, "text", "page.txt")
    assert document.source == "page.txt" and len(document.blocks) == len(runner.classify_bytes(PAGE).blocks)
    assert all(block.votes == [] and block.label == "other" for block in document.blocks)
    with pytest.raises(InputError, match="no plugin splits input format 'pdf'"):
        runner.split(PAGE, "pdf")


class Splitter:
    """A splitter of input format ``odd`` that answers with ``split``, or raises it when it is an
    exception."""

    def __init__(self, split):
        self.split = split

    @hookimpl
    def pageparts_split(self, content, input_format):
        if input_format != "odd":
            return None
        if isinstance(self.split, Exception):
            raise self.split
        return self.split


def test_a_splitter_refusing_content_gives_its_own_message_without_the_exception_class():
    splitter = Splitter(ValueError("cannot split this:\n  too odd"))
    runner = Runner(Options(input_format="odd"), registry=registry_with(refusing=splitter))
    [result] = runner.run([Input("page.txt", content=PAGE)])
    assert result.error == "cannot split this: too odd"


def test_warnings_among_a_splitters_page_facts_become_document_warnings():
    split = ([Block(0, "The river rose.")], {"title": "T", "warnings": ["page repaired: just so"]})
    runner = Runner(Options(input_format="odd"), registry=registry_with(fixing=Splitter(split)))
    document = runner.classify_bytes(PAGE)
    assert document.warnings == ["page repaired: just so"]
    assert document.meta == {"title": "T"}


class ReasonMarked:
    """A plugin written before votes had a source: it marks its model votes by their reason."""

    @hookimpl
    def pageparts_plugin_info(self):
        return PluginInfo("old-style", ("body",), uses_model=True)

    @hookimpl
    def pageparts_classify(self, document):
        return [
            Vote("old-style", 0, "body", 0.9, "text model: 0.90"),
            Vote("old-style", 0, "body", 0.6, "a rule"),
        ]


def test_votes_marked_as_model_votes_by_their_reason_still_count_as_model_votes_with_a_warning():
    runner = Runner(registry=registry_with(**{"old-style": ReasonMarked()}))
    with pytest.warns(DeprecationWarning, match="'old-style' marks model votes by their reason"):
        document = runner.classify_bytes(b"Some words here.\n\nMore words.")
    assert [(v.reason, v.source) for v in document.blocks[0].votes] == [
        ("text model: 0.90", "model"),
        ("a rule", "rule"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per plugin and runner
        runner.classify_bytes(b"Other words.")
