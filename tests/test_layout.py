"""The public surface after the layout change: what ``pageparts`` exports, and that importing it
stays light (docs/architecture.md)."""

import importlib
import subprocess
import sys

import pageparts
import pytest


def test_every_public_name_is_importable_from_pageparts():
    for name in pageparts.__all__:
        assert getattr(pageparts, name) is not None, name
        namespace: dict = {}
        exec(f"from pageparts import {name}", namespace)
        assert namespace[name] is getattr(pageparts, name)


def test_runner_and_model_store_are_the_classes_of_the_host_and_scoring():
    from pageparts.host.runner import Runner
    from pageparts.scoring.models import ModelStore

    assert "Runner" in pageparts.__all__ and "ModelStore" in pageparts.__all__
    assert pageparts.Runner is Runner
    assert pageparts.ModelStore is ModelStore


def test_an_unknown_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchName"):
        pageparts.NoSuchName  # noqa: B018


def test_pageparts_models_is_the_plugin_authors_face_of_the_model_store(tmp_path):
    from pageparts import models

    assert models.ModelStore is pageparts.ModelStore
    own = tmp_path / "own.bin"
    own.write_bytes(b"a model of my own")
    with pytest.raises(models.ModelError, match="SHA-256"):
        models.verify(own, {"sha256": "0" * 64})


def test_importing_pageparts_does_not_import_the_runner_or_the_models():
    code = (
        "import sys, pageparts\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('pageparts') or m == 'numpy')\n"
        "print(' '.join(loaded))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = set(loaded.stdout.split())
    assert "pageparts" in modules
    for heavy in ("pageparts.host.runner", "pageparts.scoring.models", "pageparts.settings", "numpy"):
        assert heavy not in modules, heavy
    assert not any(m.startswith(("pageparts.host", "pageparts.scoring", "pageparts.input")) for m in modules)


def test_the_old_internal_paths_are_gone():
    for old in ("pageparts.runner", "pageparts.combine", "pageparts.reading", "pageparts.report"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(old)
