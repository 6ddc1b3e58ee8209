"""Every hook is documented in docs/plugins.md with its exact signature."""

import inspect
from pathlib import Path

import pytest
from pageparts import hookspecs

DOCS = Path(__file__).parent.parent / "docs" / "plugins.md"
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
