"""`pageparts convert-models`: joblib model directories of pageparts 0.1 become model files, same scores."""

from __future__ import annotations

import json
import shutil

import joblib
import numpy as np
import pytest
from pageparts.cli import app
from pageparts.scoring import models
from pageparts.scoring.model_format import FORMAT_VERSION
from pageparts.scoring.models import ModelStore
from typer.testing import CliRunner

from .test_models import documents, trained_sklearn


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def old_dir(tmp_path):
    """A model directory as pageparts 0.1's train wrote it: joblib files, a manifest, combiner.json."""
    directory = tmp_path / "old"
    directory.mkdir()
    entries = {}
    for kind in ("html", "text"):
        path = directory / f"navigation-{kind}.joblib"
        joblib.dump(trained_sklearn(kind), path, compress=3)
        entries[path.name] = {
            "plugin": "navigation",
            "label": "navigation",
            "kind": kind,
            "sha256": models.sha256(path),
            "bytes": path.stat().st_size,
            "versions": {"scikit-learn": "1.9.1"},
            "held_out": {"f1": 0.5},
        }
    manifest = {"feature_version": models.FEATURE_VERSION, "seed": 0, "models": entries}
    (directory / models.MANIFEST).write_text(json.dumps(manifest))
    (directory / "combiner.json").write_text('{"labels": []}')
    return directory


def reference(kind: str) -> np.ndarray:
    """The old path's probabilities on a document: scikit-learn's own predict_proba for stage B."""
    from pageparts.scoring.features import compute

    fitted, features = trained_sklearn(kind), compute(documents(kind)[0], kind)
    coef = fitted["stage_a"].coef_.ravel()
    own = (features.dense[:, : fitted["n_own"]] - fitted["mean"]) / fitted["scale"]
    scores = features.hashed.dot(coef[: features.hashed.shape[1]]) + own @ coef[features.hashed.shape[1] :]
    scores = scores + fitted["stage_a"].intercept_[0]
    return fitted["stage_b"].predict_proba(models.stage_b_input(features.dense, scores))[:, 1]


def test_a_joblib_directory_converts_to_model_files_that_score_the_same(old_dir, tmp_path):
    new = tmp_path / "new"
    result = run("convert-models", old_dir, "--out", new)
    assert result.exit_code == 0, result.output
    assert f"{old_dir / 'navigation-html.joblib'} -> {new / 'navigation-html.npz'}" in result.stdout
    assert sorted(p.name for p in new.iterdir()) == [
        "combiner.json",
        "manifest.json",
        "navigation-html.npz",
        "navigation-text.npz",
    ]
    manifest = json.loads((new / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION and manifest["seed"] == 0  # the rest is kept
    entry = manifest["models"]["navigation-html.npz"]
    assert entry["sha256"] == models.sha256(new / "navigation-html.npz")
    assert entry["format_version"] == FORMAT_VERSION and entry["feature_version"] == models.FEATURE_VERSION
    assert entry["held_out"] == {"f1": 0.5}
    assert entry["converted_from"]["file"] == "navigation-html.joblib"
    assert models.check_directory(new, {"navigation": ("navigation",)}) == []
    store = ModelStore(new)
    for kind in ("html", "text"):
        votes = store.votes("navigation", "navigation", documents(kind)[0])
        assert np.allclose([v.score for v in votes], reference(kind), rtol=0, atol=1e-12)


def test_converting_in_place_lists_the_new_files(old_dir):
    result = run("convert-models", old_dir)
    assert result.exit_code == 0, result.output
    assert "no longer listed or used; they can be deleted" in result.stdout
    manifest = json.loads((old_dir / "manifest.json").read_text())
    assert sorted(manifest["models"]) == ["navigation-html.npz", "navigation-text.npz"]
    assert ModelStore(old_dir).model("navigation", "text") is not None


def test_a_damaged_joblib_file_or_a_directory_without_any_is_not_converted(old_dir, tmp_path):
    shutil.copytree(old_dir, tmp_path / "damaged")
    path = tmp_path / "damaged" / "navigation-text.joblib"
    path.write_bytes(path.read_bytes() + b"\0")
    result = run("convert-models", tmp_path / "damaged", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "navigation-text.joblib: SHA-256" in result.stderr
    assert run("convert-models", old_dir).exit_code == 0
    result = run("convert-models", old_dir)
    assert result.exit_code == 2 and "lists no .joblib files: nothing to convert" in result.stderr
