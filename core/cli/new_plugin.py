"""`pageparts new-plugin NAME`: write a plugin package to start from, ready to install and test."""

from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Annotated

import typer

from . import _fail, app

PYPROJECT = Template("""[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "pageparts-$name"
version = "0.1.0"
description = "A pageparts plugin: votes for the label $label."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["pageparts>=0.1"]

[project.optional-dependencies]
test = ["pytest>=8"]

# This table is what makes pageparts find the plugin: NAME = "module".
[project.entry-points.pageparts]
$name = "$module"

[tool.setuptools]
packages = ["$module"]

[tool.pytest.ini_options]
testpaths = ["tests"]
""")

MODULE = Template('''"""The $name plugin for pageparts: votes for the label $label.

It starts with one rule; pageparts' docs/plugins.md describes every hook, how votes are combined,
how to add a label and how to ship a model.
"""

from __future__ import annotations

import re

from pageparts import Document, Vote, rule_plugin

NAME = "$name"
LABEL = "$label"
MAX_WORDS = 8

CUE = re.compile(r"\\b$cue\\b", re.IGNORECASE)


def rule_votes(document: Document) -> list[Vote]:
    """One rule to start from: a short block that names the label votes for it."""
    votes = []
    for block in document.blocks:
        found = CUE.search(block.text)
        if found and block.words <= MAX_WORDS:
            reason = f"a short block naming {found.group(0).lower()!r}"
            votes.append(Vote(NAME, block.index, LABEL, 0.8, reason))
    return votes


# The plugin's hooks (docs/plugins.md), written by pageparts: its description and its rules' votes.
# model=LABEL would ask pageparts train for a model of LABEL, whose votes join the rules'.
pageparts_plugin_info, pageparts_classify, pageparts_trainable = rule_plugin(
    NAME, rule_votes, labels=(LABEL,), description="Votes $label for short blocks that name it."
)
''')

CONFTEST = '''"""The pageparts test kit's fixtures (small_document, small_text_document) for these tests."""

pytest_plugins = ["pageparts.testing"]
'''

TEST = Template('''"""Tests of the $name plugin, with the pageparts test kit (pageparts.testing)."""

import $module as plugin
from pageparts.testing import assert_votes, check_plugin, make_document

PAGE = """Home

$title

A paragraph of the article that mentions $words in passing is far too long to be voted for."""


def test_the_plugin_keeps_the_pageparts_contract():
    check_plugin(plugin)


def test_a_short_block_naming_the_label_gets_a_vote():
    document = make_document(PAGE)
    assert_votes(plugin.pageparts_classify(document), plugin.LABEL, blocks=[1], document=document)


def test_long_paragraphs_get_no_vote(small_document):
    paragraphs = {block.index for block in small_document.blocks if block.words > plugin.MAX_WORDS}
    assert paragraphs
    assert not paragraphs & {vote.block for vote in plugin.pageparts_classify(small_document)}
''')

README = Template("""# pageparts-$name

A pageparts plugin that votes for the label `$label`.

## Install and try

In the environment where pageparts is installed:

```sh
pip install -e .
pageparts plugins                                   # lists $name
pageparts classify page.html -f text --labels $label
```

## Test

```sh
pip install -e '.[test]'
python -m pytest
```

The tests use pageparts' test kit (`pageparts.testing`): `check_plugin` checks the plugin keeps
the contract every pageparts plugin must keep, `assert_votes` checks which blocks get votes.

## Next steps

- Write the rules in `$module/__init__.py`; give every vote a score in [0, 1] and a short reason.
- pageparts' `docs/plugins.md` describes every hook, how votes are combined, how to add a label
  and how to ship a trained model.
""")


@app.command("new-plugin")
def new_plugin(
    name: Annotated[str, typer.Argument(help="The plugin's name: lower-case words joined by hyphens.")],
    label: Annotated[
        str | None,
        typer.Option(help="The label it votes for: a built-in label or a new one (default: NAME)."),
    ] = None,
    directory: Annotated[
        Path, typer.Option("--directory", "-d", help="Where to create the package folder.")
    ] = Path("."),
) -> None:
    """Write a plugin package, pageparts-NAME/, that installs with pip install -e and has tests."""
    from importlib.metadata import entry_points

    from ..host.contract import name_problem
    from ..host.registry import ENTRY_POINT_GROUP
    from ._output import check_output_directory, writing

    label = label or name
    problem = name_problem(name, "plugin name") or name_problem(label)
    if problem:
        raise _fail(problem)
    installed = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if name in installed:
        raise _fail(
            f"a plugin named {name!r} is already installed ({installed[name].value}); choose another name"
        )
    target = directory / f"pageparts-{name}"
    if target.exists():
        raise _fail(f"{target} already exists; not overwriting it")
    check_output_directory(directory)
    with writing(target):
        written = write_package(target, name, label)
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"next: pip install -e {target} && pageparts plugins")


def write_package(target: Path, name: str, label: str) -> list[Path]:
    """Write the package files under ``target`` (which must not exist); returns their paths."""
    module = "pageparts_" + name.replace("-", "_")
    words = label.replace("-", " ")
    values = {
        "name": name,
        "label": label,
        "module": module,
        "cue": r"\s+".join(label.split("-")),
        "words": words,
        "title": words.capitalize(),
    }
    files = {
        "pyproject.toml": PYPROJECT.substitute(values),
        "README.md": README.substitute(values),
        f"{module}/__init__.py": MODULE.substitute(values),
        "tests/conftest.py": CONFTEST,
        f"tests/test_{module}.py": TEST.substitute(values),
    }
    target.mkdir(parents=True)
    written = []
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
