"""`pageparts new-plugin`: a package that installs with pip install -e, passes its own tests, is listed."""

from __future__ import annotations

import json

import pytest
from pageparts.cli import app
from typer.testing import CliRunner

from .conftest import GENERATED_PLUGIN


def new_plugin(*args: str):
    return CliRunner().invoke(app, ["new-plugin", *args])


def test_it_writes_a_package_with_entry_point_module_test_and_readme(tmp_path):
    result = new_plugin("cookie-banner", "--directory", str(tmp_path))
    assert result.exit_code == 0, result.output
    package = tmp_path / "pageparts-cookie-banner"
    assert sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()) == [
        "README.md",
        "pageparts_cookie_banner/__init__.py",
        "pyproject.toml",
        "tests/conftest.py",
        "tests/test_pageparts_cookie_banner.py",
    ]
    pyproject = (package / "pyproject.toml").read_text()
    assert '[project.entry-points.pageparts]\ncookie-banner = "pageparts_cookie_banner"' in pyproject
    module = (package / "pageparts_cookie_banner" / "__init__.py").read_text()
    assert 'LABEL = "cookie-banner"' in module and r'CUE = re.compile(r"\bcookie\s+banner\b"' in module


def test_the_label_may_be_a_built_in_one(tmp_path):
    assert new_plugin("paywall", "--label", "fundraising", "-d", str(tmp_path)).exit_code == 0
    assert (
        'LABEL = "fundraising"'
        in (tmp_path / "pageparts-paywall" / "pageparts_paywall" / "__init__.py").read_text()
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["Cookie_Banner"], "plugin name 'Cookie_Banner' is not well-formed"),
        (["cookie--banner"], "plugin name 'cookie--banner' is not well-formed"),
        (["9lives"], "plugin name '9lives' is not well-formed"),
        (["polls", "--label", "Polls"], "label 'Polls' is not well-formed"),
        (["body"], "a plugin named 'body' is already installed (pageparts.plugins.body)"),
    ],
)
def test_a_bad_name_is_refused_with_a_clear_message(tmp_path, args, message):
    result = new_plugin(*args, "-d", str(tmp_path))
    assert result.exit_code == 2 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_directory_is_never_overwritten(tmp_path):
    existing = tmp_path / "pageparts-polls"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    result = new_plugin("polls", "-d", str(tmp_path))
    assert result.exit_code == 2 and "already exists; not overwriting it" in result.stderr
    assert [p.name for p in existing.iterdir()] == ["keep.txt"]


@pytest.mark.slow
def test_the_installed_package_is_listed_at_once_and_its_own_tests_pass(plugin_site):
    [listed] = plugin_site.pageparts(("plugins", "--format", "json"))
    listed = json.loads(listed.stdout)
    row = next(p for p in listed["plugins"] if p["name"] == GENERATED_PLUGIN)
    assert row["status"] == "enabled" and row["labels"] == [GENERATED_PLUGIN]
    assert row["distribution"] == f"pageparts-{GENERATED_PLUGIN}" and row["version"] == "0.1.0"
    assert row["path"].startswith(str(plugin_site.generated))  # editable: the module is the generated file
    own_tests = plugin_site.pytest("-q", str(plugin_site.generated))
    assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr
    assert "3 passed" in own_tests.stdout
