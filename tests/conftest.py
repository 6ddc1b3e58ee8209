"""Shared test helpers: registries built from explicit plugins, never from installed entry points.

Whatever else is installed in the environment, the tests see pageparts' own plugins only
(``only_built_in_plugins``); a test that wants another plugin adds it explicitly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import EntryPoint, distributions, entry_points
from pathlib import Path

import pytest
from pageparts.cli import app
from pageparts.document import Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.host.registry import ENTRY_POINT_GROUP, Registry, make_registry
from pageparts.plugin_info import PluginInfo
from pageparts.settings import LOAD_PLUGINS_ENV
from pageparts.splitters import text as text_splitter
from typer.testing import CliRunner


class KeywordPlugin:
    """A test plugin voting ``label`` with ``score`` on blocks containing ``keyword``."""

    def __init__(self, name: str, label: str, keyword: str, score: float = 0.9) -> None:
        self.name, self.label, self.keyword, self.score = name, label, keyword, score

    @hookimpl
    def pageparts_plugin_info(self) -> PluginInfo:
        return PluginInfo(self.name, (self.label,))

    @hookimpl
    def pageparts_classify(self, document: Document) -> list[Vote]:
        return [
            Vote(self.name, b.index, self.label, self.score, f"contains {self.keyword}")
            for b in document.blocks
            if self.keyword in b.text.lower()
        ]


class RaisingPlugin:
    """A test plugin whose classify hook always raises."""

    @hookimpl
    def pageparts_plugin_info(self) -> PluginInfo:
        return PluginInfo("broken", ("body",))

    @hookimpl
    def pageparts_classify(self, document: Document) -> list[Vote]:
        raise RuntimeError("boom")


def built_in_entry_points() -> list[EntryPoint]:
    """The entry points of pageparts' own plugins (not those of other installed packages)."""
    return [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.dist and ep.dist.name == "pageparts"]


BUILT_IN = tuple(sorted(ep.name for ep in built_in_entry_points()))
"""The names of pageparts' own plugins."""


@pytest.fixture(autouse=True, scope="session")
def only_built_in_plugins():
    """``make_registry`` (and so the command line) finds pageparts' own plugins only, so that a
    plugin installed in the same environment cannot change what the tests see."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pageparts.host.registry.entry_points", lambda group: built_in_entry_points())
        yield


def built_in_env(*extra: str) -> dict[str, str]:
    """The environment for a pageparts subprocess that loads only the built-in plugins (and ``extra``)."""
    return {**os.environ, LOAD_PLUGINS_ENV: ",".join([*BUILT_IN, *extra])}


def registry_with(**plugins: object) -> Registry:
    """A registry with the text splitter and the given plugins only."""
    return make_registry(load_entrypoints=False, plugins={"text-splitter": text_splitter, **plugins})


@pytest.fixture
def keyword_registry() -> Registry:
    return registry_with(
        menu=KeywordPlugin("menu", "navigation", "home"),
        prose=KeywordPlugin("prose", "body", "river", 0.8),
    )


# -- third-party plugin packages, pip-installed as users install them -----------------------------

ROOT = Path(__file__).parent.parent
GENERATED_PLUGIN = "reader-poll"
"""The plugin ``pageparts new-plugin`` makes for the tests."""


@dataclass(frozen=True)
class PluginSite:
    """A scratch site-packages folder with third-party plugin packages installed, and the
    package made by ``pageparts new-plugin`` (installed editable from ``generated``)."""

    site: Path
    generated: Path

    def python(self, code: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run ``code`` in a new Python that sees the packages, as if ``site`` were its site-packages
        (and the built-in plugins, but no other plugin installed in this environment)."""
        found = (d.entry_points.select(group=ENTRY_POINT_GROUP) for d in distributions(path=[str(self.site)]))
        names = [ep.name for points in found for ep in points]
        env = {**built_in_env(*names), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-c", f"import site; site.addsitedir({str(self.site)!r})\n{code}", *args]
        return subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=300)

    def pageparts(self, *calls: tuple[str, ...]) -> list[Outcome]:
        """Run ``pageparts`` with each tuple of arguments, all in one new Python (models load once)."""
        done = self.python(_RUN_CLI, stdin=json.dumps([list(args) for args in calls]))
        assert done.returncode == 0, done.stderr
        return [Outcome(**outcome) for outcome in json.loads(done.stdout)]

    def pytest(self, *args: str) -> subprocess.CompletedProcess:
        code = "import sys, pytest; sys.exit(pytest.main(sys.argv[1:]))"
        return self.python(code, "-p", "no:cacheprovider", *args)


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


_RUN_CLI = """
import json, sys
from typer.testing import CliRunner
from pageparts.cli import app
outcomes = []
for args in json.load(sys.stdin):
    result = CliRunner().invoke(app, args)
    error = repr(result.exception) if result.exception and result.exit_code not in (0, 1, 2) else ""
    outcomes.append({"exit_code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr + error})
print(json.dumps(outcomes))
"""


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory) -> PluginSite:
    """tests/plugin_package and examples/pageparts-comments (copied, so no build files land in the
    repository) and a package made by ``pageparts new-plugin``, pip-installed in one go (slow)."""
    work = tmp_path_factory.mktemp("plugins")
    made = CliRunner().invoke(app, ["new-plugin", GENERATED_PLUGIN, "--directory", str(work)])
    assert made.exit_code == 0, made.output
    packages = []
    for source in (ROOT / "tests" / "plugin_package", ROOT / "examples" / "pageparts-comments"):
        packages.append(work / source.name)
        shutil.copytree(
            source, packages[-1], ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
        )
    generated = work / f"pageparts-{GENERATED_PLUGIN}"
    site = work / "site"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site)]
    subprocess.run([*command, *map(str, packages), "-e", str(generated)], check=True, capture_output=True)
    return PluginSite(site, generated)
