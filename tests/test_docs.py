"""The documentation: every hook documented with its signature, the site builds strictly, links resolve."""

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pageparts import hookspecs

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs" / "plugins.md"
HOOKS = [
    name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("pageparts_")
]


def test_there_are_hooks():
    assert {
        "pageparts_classify",
        "pageparts_split",
        "pageparts_detect_format",
        "pageparts_plugin_info",
    } <= set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented_with_its_signature(name):
    signature = inspect.signature(getattr(hookspecs, name))
    text = str(signature).replace("'", "")
    assert f"### `{name}{text}`" in DOCS.read_text()


def test_the_docs_site_builds_in_strict_mode_with_every_page(tmp_path):
    """mkdocs fails in strict mode on a broken link or anchor, as CI's docs build does."""
    site = tmp_path / "site"
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-f",
        str(ROOT / "mkdocs.yml"),
        "-d",
        str(site),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for page in (ROOT / "docs").glob("*.md"):
        built = site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")
        assert built.is_file(), f"{page.name} is not in the site"


MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize(
    "readme",
    ["README.md", "examples/README.md", "examples/pageparts-comments/README.md", "trained/README.md"],
)
def test_relative_links_outside_the_docs_site_resolve(readme):
    path = ROOT / readme
    targets = [t for t in MARKDOWN_LINK.findall(path.read_text()) if "://" not in t]
    missing = [t for t in targets if not (path.parent / t).exists()]
    assert not missing, f"{readme} links to missing files: {missing}"
