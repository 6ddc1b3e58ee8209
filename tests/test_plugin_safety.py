"""Bad plugins get a precise message naming them and the run goes on (or stops with --strict)."""

from __future__ import annotations

import json
import signal
import threading
import time
from importlib.metadata import EntryPoint

import pytest
from pageparts.cli import app
from pageparts.document import Vote
from pageparts.hookspecs import hookimpl
from pageparts.host.budget import budget_for
from pageparts.host.registry import DISABLED, ENABLED, LEFT_OUT, make_registry
from pageparts.host.runner import Options, Runner
from pageparts.plugin_info import PluginInfo
from pageparts.settings import resolve_options
from typer.testing import CliRunner

from .conftest import KeywordPlugin, built_in_entry_points, registry_with
from .fake_plugins import Sleeper

PAGE = b"Home\n\nThe river rose overnight and the council met at dawn.\n\nContact"


def fake_entry_points(monkeypatch, *points: tuple[str, str], keep_built_in: bool = True) -> None:
    """Make the registry see these (name, "module:attribute") entry points, besides the built-in ones."""
    installed = built_in_entry_points() if keep_built_in else []
    extra = [EntryPoint(name, value, "pageparts") for name, value in points]
    monkeypatch.setattr("pageparts.host.registry.entry_points", lambda group: [*installed, *extra])


class Describes:
    """A plugin describing itself with ``info`` (whatever it is) and casting no votes."""

    def __init__(self, info):
        self.info = info

    @hookimpl
    def pageparts_plugin_info(self):
        if isinstance(self.info, Exception):
            raise self.info
        return self.info

    @hookimpl
    def pageparts_classify(self, document):
        return []


class Unmarked:
    def pageparts_classify(self, document):
        return []


@pytest.mark.parametrize(
    "plugin, message",
    [
        (Unmarked(), "pageparts_classify is not marked @pageparts.hookimpl"),
        (Describes(RuntimeError("no config")), "pageparts_plugin_info raised RuntimeError: no config"),
        (Describes("comments"), "returned str, not a PluginInfo"),
        (Describes(PluginInfo("x", ("Comments",))), "label 'Comments' is not well-formed"),
        (Describes(PluginInfo("x", ("related_links",))), "label 'related_links' is not well-formed"),
        (Describes(PluginInfo("x", ("body",), shared_labels=("body",))), "'body' is built in"),
        (Describes(PluginInfo("x", ("a",), shared_labels=("b",))), "shared label 'b' is not among"),
    ],
)
def test_a_plugin_that_breaks_the_contract_at_load_time_is_left_out_with_why(plugin, message):
    registry = registry_with(bad=plugin, menu=KeywordPlugin("menu", "navigation", "home"))
    assert message in registry.load_errors["bad"]
    assert not registry.manager.has_plugin("bad") and registry.manager.has_plugin("menu")
    assert [e.status for e in registry.entries() if e.name == "bad"] == [LEFT_OUT]


def test_a_hook_asking_for_an_argument_the_hook_does_not_pass_is_named(monkeypatch):
    fake_entry_points(monkeypatch, ("wrong", "tests.fake_plugins:wrong_argument"))
    registry = make_registry()
    assert registry.load_errors["wrong"] == (
        "pageparts_classify takes 'doc', which the hook does not pass (it passes 'document')"
    )
    assert registry.manager.has_plugin("body")


def test_a_plugin_that_fails_to_import_is_named_with_its_module(monkeypatch):
    fake_entry_points(monkeypatch, ("ghost", "tests.no_such_module"))
    error = make_registry().load_errors["ghost"]
    assert error.startswith("could not be imported from tests.no_such_module: ModuleNotFoundError")


def test_two_packages_claiming_one_plugin_name_load_neither(monkeypatch):
    fake_entry_points(monkeypatch, ("menu", "tests.fake_plugins:menu"), ("menu", "tests.fake_plugins:prose"))
    registry = make_registry()
    assert "'menu' is claimed by" in registry.load_errors["menu"]
    assert "tests.fake_plugins:menu" in registry.load_errors["menu"]
    assert not registry.manager.has_plugin("menu")


def test_one_plugin_object_under_two_names_is_loaded_once():
    menu = KeywordPlugin("menu", "navigation", "home")
    registry = registry_with(menu=menu, site=menu)
    assert registry.load_errors == {"site": "it is already loaded as 'menu'"}


def test_two_plugins_introducing_one_label_clash_and_both_are_named():
    registry = registry_with(
        alpha=KeywordPlugin("alpha", "comments", "reply"), beta=KeywordPlugin("beta", "comments", "said")
    )
    for name in ("alpha", "beta"):
        assert "label 'comments' is introduced by 'alpha'" in registry.load_errors[name]
        assert "and 'beta'" in registry.load_errors[name] and "shared_labels" in registry.load_errors[name]
        assert not registry.manager.has_plugin(name)


class Sharing(KeywordPlugin):
    @hookimpl
    def pageparts_plugin_info(self) -> PluginInfo:
        return PluginInfo(self.name, (self.label,), shared_labels=(self.label,))


def test_a_plugin_may_share_a_label_another_introduces_and_their_votes_combine():
    registry = registry_with(
        alpha=KeywordPlugin("alpha", "comments", "river", 0.9), beta=Sharing("beta", "comments", "river", 0.5)
    )
    assert registry.load_errors == {}
    block = Runner(registry=registry).classify_bytes(PAGE).blocks[1]
    assert block.label == "comments" and block.confidence == pytest.approx(0.7)
    assert [v.plugin for v in block.votes] == ["alpha", "beta"]


def test_sharing_a_label_nobody_introduces_leaves_the_plugin_out_and_clashes_cascade():
    alone = registry_with(beta=Sharing("beta", "comments", "river"))
    assert "shares label 'comments', which no loaded plugin introduces" in alone.load_errors["beta"]
    cascade = registry_with(
        alpha=KeywordPlugin("alpha", "comments", "a"),
        gamma=KeywordPlugin("gamma", "comments", "c"),
        beta=Sharing("beta", "comments", "b"),
    )
    assert set(cascade.load_errors) == {"alpha", "beta", "gamma"}
    assert "no loaded plugin introduces" in cascade.load_errors["beta"]


def test_plugins_load_and_vote_the_same_whatever_the_install_order(monkeypatch):
    points = [
        ("second", "tests.fake_plugins:second"),
        ("first", "tests.fake_plugins:first"),
        ("prose", "tests.fake_plugins:prose"),
        ("menu", "tests.fake_plugins:menu"),
        ("text-splitter", "pageparts.splitters.text"),
    ]
    outcomes = []
    for order in (points, points[::-1]):
        fake_entry_points(monkeypatch, *order, keep_built_in=False)
        registry = make_registry()
        detected = registry.manager.hook.pageparts_detect_format(content=PAGE)
        document = Runner(Options(input_format="text"), registry=registry).classify_bytes(PAGE)
        outcomes.append(([n for n, _ in registry.manager.list_name_plugin()], detected, document.to_dict()))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == ["first", "menu", "prose", "second", "text-splitter"]


def test_disabled_plugins_are_listed_as_disabled_and_every_name_found_is_known():
    registry = make_registry(disabled=("navigation", "navigaton"))
    status = {entry.name: entry.status for entry in registry.entries()}
    assert status["navigation"] == DISABLED and status["body"] == ENABLED
    assert {"navigation", "body", "text-splitter"} <= registry.found and "navigaton" not in registry.found
    assert not registry.manager.has_plugin("navigation")


# -- the time budget ------------------------------------------------------------------------------


def test_a_plugin_over_its_time_budget_is_stopped_and_its_votes_dropped():
    registry = registry_with(slow=Sleeper(30), prose=KeywordPlugin("prose", "body", "river"))
    handler = signal.getsignal(signal.SIGALRM)
    runner = Runner(Options(time_budget=0.05), registry=registry)
    document = runner.classify_bytes(PAGE)
    assert document.warnings == [
        "plugin 'slow' was stopped after 0.05 s on this document, its time budget; its votes were dropped"
    ]
    assert document.blocks[1].label == "body"
    assert signal.getsignal(signal.SIGALRM) == handler


class Stubborn:
    """Catches every Exception and keeps going: must still be stopped."""

    @hookimpl
    def pageparts_plugin_info(self):
        return PluginInfo("stubborn", ("body",))

    @hookimpl
    def pageparts_classify(self, document):
        while True:
            try:
                while True:
                    pass
            except Exception:
                continue


def test_a_plugin_that_would_run_forever_is_stopped():
    document = Runner(Options(time_budget=0.05), registry=registry_with(stubborn=Stubborn())).classify_bytes(
        PAGE
    )
    assert "'stubborn' was stopped after 0.05 s" in document.warnings[0]


def test_outside_the_main_thread_a_slow_plugin_is_measured_and_its_votes_dropped():
    runner = Runner(Options(time_budget=0.05), registry=registry_with(slow=Sleeper(0.2)))
    found = []
    thread = threading.Thread(target=lambda: found.append(runner.classify_bytes(PAGE)))
    thread.start()
    thread.join()
    [warning] = found[0].warnings
    assert warning.startswith("plugin 'slow' took 0.")
    assert warning.endswith("s on this document, over its time budget of 0.05 s; its votes were dropped")


class Steady:
    """Votes body on every block after working ``seconds`` per block: slow, but never stuck."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    @hookimpl
    def pageparts_plugin_info(self):
        return PluginInfo("steady", ("body",))

    @hookimpl
    def pageparts_classify(self, document):
        time.sleep(self.seconds * len(document.blocks))
        return [Vote("steady", b.index, "body", 0.9) for b in document.blocks]


def test_the_time_budget_grows_with_the_blocks_of_a_long_document():
    long_page = "\n\n".join(f"Paragraph {i} of a long page." for i in range(4_000)).encode()
    runner = Runner(Options(time_budget=0.2), registry=registry_with(steady=Steady(0.0001)))
    document = runner.classify_bytes(long_page)  # 0.4 s of work, within 4 x 0.2 s
    assert document.warnings == []
    assert {b.label for b in document.blocks} == {"body"}
    assert budget_for(10, 500) == 10 and budget_for(10, 45_791) == pytest.approx(457.91)
    assert budget_for(None, 45_791) is None


def test_the_time_budget_comes_from_the_config_file(tmp_path):
    config = tmp_path / "pageparts.toml"
    config.write_text('time_budget = 2.5\ndisable = ["navigation"]\n')
    assert resolve_options(config, environ={}).time_budget == 2.5
    assert resolve_options(config, environ={}).disabled == ("navigation",)
    config.write_text("time_budget = 0\n")
    assert resolve_options(config, environ={}).time_budget is None
    config.write_text("time_budget = -1\n")
    with pytest.raises(ValueError, match=r"time_budget in .* must be a number of seconds >= 0"):
        resolve_options(config, environ={})
    config.write_text('disable = "navigation"\n')
    with pytest.raises(ValueError, match="must be a list of plugin names"):
        resolve_options(config, environ={})


# -- the command line -----------------------------------------------------------------------------


def cli(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


TEXT = PAGE.decode()


def test_classify_goes_on_without_a_failing_plugin_or_stops_with_strict(monkeypatch):
    fake_entry_points(monkeypatch, ("broken", "tests.fake_plugins:raising"))
    going_on = cli("classify", "-", "-f", "jsonl", stdin=TEXT)
    assert going_on.exit_code == 1
    warning = "plugin 'broken' failed: RuntimeError: boom; its votes were dropped"
    told, summary = going_on.stderr.splitlines()
    assert told == f"pageparts: -: warning: {warning}"
    assert summary.startswith("pageparts: 1 document, 0 errors, 1 document with a plugin's votes dropped, ")
    record = json.loads(going_on.stdout)
    assert record["blocks"] and record["warnings"] == [warning]
    stopped = cli("classify", "-", "-f", "jsonl", "--strict", stdin=TEXT)
    assert stopped.exit_code == 2 and stopped.stdout == ""
    assert "plugin 'broken' failed" in stopped.stderr


def test_classify_with_strict_stops_before_classifying_when_a_plugin_is_left_out(monkeypatch):
    fake_entry_points(monkeypatch, ("wrong", "tests.fake_plugins:wrong_argument"))
    going_on = cli("classify", "-", "-f", "jsonl", stdin=TEXT)
    assert (
        going_on.exit_code == 0
        and "plugin 'wrong' left out: pageparts_classify takes 'doc'" in going_on.stderr
    )
    stopped = cli("classify", "-", "-f", "jsonl", "--strict", stdin=TEXT)
    assert stopped.exit_code == 2 and stopped.stdout == ""


def test_classify_time_budget_option(monkeypatch):
    fake_entry_points(monkeypatch, ("sleeper", "tests.fake_plugins:sleeper"))
    result = cli("classify", "-", "-f", "jsonl", "--time-budget", "0.2", stdin=TEXT)
    assert result.exit_code == 1 and "pageparts: -: warning: plugin 'sleeper' was stopped" in result.stderr
    assert "plugin 'sleeper' was stopped after 0.2 s" in json.loads(result.stdout)["warnings"][0]
    assert cli("classify", "-", "--time-budget", "-1", stdin=TEXT).exit_code == 2


def test_the_plugins_command_shows_origin_status_and_problems(monkeypatch, tmp_path):
    fake_entry_points(monkeypatch, ("ghost", "tests.no_such_module"))
    config = tmp_path / "pageparts.toml"
    config.write_text('disable = ["navigation"]\n')
    listed = cli("plugins", "--format", "json", "--config", str(config), "--disable", "headline")
    rows = {row["name"]: row for row in json.loads(listed.stdout)["plugins"]}
    assert rows["navigation"]["status"] == "disabled" and rows["headline"]["enabled"] is False
    assert rows["body"]["enabled"] is True and rows["body"]["distribution"] == "pageparts"
    assert rows["body"]["module"] == "pageparts.plugins.body" and rows["body"]["path"].endswith("body.py")
    assert rows["ghost"]["status"] == "left out" and "ModuleNotFoundError" in rows["ghost"]["problem"]
    table = cli("plugins", "--disable", "navigation").stdout.splitlines()
    navigation = next(line for line in table if line.startswith("navigation "))
    assert navigation.split()[:2] == ["navigation", "disabled"]
    assert table[-1].startswith("ghost: could not be imported from tests.no_such_module")


def test_dropped_votes_are_told_per_document_counted_and_exit_1_with_jobs_and_report(monkeypatch, tmp_path):
    fake_entry_points(monkeypatch, ("broken", "tests.fake_plugins:raising"))
    pages = []
    for name in ("a.txt", "b.txt", "c.txt"):
        pages.append(tmp_path / name)
        pages[-1].write_text(TEXT)
    result = cli("classify", *map(str, pages), "-f", "jsonl", "--jobs", "2")
    assert result.exit_code == 1
    *told, summary = result.stderr.splitlines()
    assert told == [
        f"pageparts: {page}: warning: plugin 'broken' failed: RuntimeError: boom; its votes were dropped"
        for page in pages
    ]
    assert summary.startswith("pageparts: 3 documents, 0 errors, 3 documents with a plugin's votes dropped, ")
    report = cli("report", str(pages[0]), "--out", str(tmp_path / "report"))
    assert report.exit_code == 1 and report.stderr.startswith(
        f"pageparts: {pages[0]}: warning: plugin 'broken'"
    )
