"""Model files: hash-checked loading, version warnings, per-kind models, votes."""

from __future__ import annotations

import hashlib
import json
import warnings
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
import pytest
import sklearn
from pageparts import models
from pageparts.document import Block, Document
from pageparts.features import compute, feature_names
from pageparts.training.two_stage import fit_two_stage

NAV = ["Home", "News", "Sport", "Contact us"]
PROSE = [
    "The council agreed on Tuesday to repair the old bridge before the winter floods arrive.",
    "Engineers said the work would take six weeks and cost less than the first estimate.",
]


def documents(kind: str) -> list[Document]:
    docs = []
    for i in range(6):
        texts = NAV + [f"{p} Item {i}." for p in PROSE] + NAV[:2]
        if kind == "html":
            blocks = [
                Block(j, t, {"link_density": 1.0 if t in NAV else 0.0, "tag": "li" if t in NAV else "p"})
                for j, t in enumerate(texts)
            ]
        else:
            blocks = [Block(j, t, {"lines": 1}) for j, t in enumerate(texts)]
        docs.append(Document(f"doc{i}", kind, blocks, {"title": "Bridge repair"}))
    return docs


@lru_cache(maxsize=2)
def trained(kind: str) -> dict:
    docs = documents(kind)
    features = [compute(d, kind) for d in docs]
    targets = [np.asarray([b.text in NAV for b in d.blocks]) for d in docs]
    n_own = sum("@" not in name for name in feature_names(kind))
    return fit_two_stage(
        "navigation",
        "navigation",
        kind,
        features,
        targets,
        [f"site{i % 3}.example" for i in range(len(docs))],
        n_own,
        boosting={"min_samples_leaf": 2, "max_iter": 20},
    )


def write_model(directory: Path, kind: str, sklearn_version: str | None = None) -> Path:
    model = trained(kind)
    path = directory / models.model_file("navigation", kind)
    joblib.dump(model, path)
    manifest_path = directory / models.MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"models": {}}
    manifest["models"][path.name] = {
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "versions": {"scikit-learn": sklearn_version or sklearn.__version__},
    }
    manifest_path.write_text(json.dumps(manifest))
    return path


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    models.reset()
    monkeypatch.setattr(models, "model_dir", lambda: tmp_path)
    yield tmp_path
    models.reset()


def test_a_verified_model_votes_on_every_block(model_dir):
    write_model(model_dir, "html")
    document = documents("html")[0]
    votes = models.model_votes("navigation", "navigation", document)
    assert [v.block for v in votes] == list(range(len(document.blocks)))
    assert all(v.reason.startswith("html model: ") for v in votes)
    by_text = {document.blocks[v.block].text: v.score for v in votes}
    assert by_text["Home"] > 0.5 > by_text[document.blocks[4].text]
    assert models.has_model("navigation") and not models.has_model("fundraising")


def test_tampered_model_file_is_refused_by_name(model_dir):
    path = write_model(model_dir, "html")
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(models.ModelError, match=r"navigation-html\.joblib"):
        models.load_verified(path, json.loads((model_dir / models.MANIFEST).read_text())["models"][path.name])
    document = documents("html")[0]
    with pytest.warns(UserWarning, match=r"navigation-html\.joblib"):
        assert models.model_votes("navigation", "navigation", document) == []
    assert any("navigation-html.joblib" in w for w in document.warnings)
    assert not models.has_model("navigation")


def test_a_model_missing_from_the_manifest_is_refused(model_dir):
    path = write_model(model_dir, "html")
    (model_dir / models.MANIFEST).write_text(json.dumps({"models": {}}))
    with pytest.raises(models.ModelError, match="not listed"):
        models.load_verified(path, None)


def test_other_scikit_learn_version_warns_with_the_file_name(model_dir):
    write_model(model_dir, "html", sklearn_version="0.1.0")
    with pytest.warns(UserWarning, match=r"navigation-html\.joblib was trained with scikit-learn 0\.1\.0"):
        assert models.get_model("navigation", "html") is not None


def test_text_documents_get_only_text_model_votes(model_dir):
    write_model(model_dir, "html")
    text_document = documents("text")[0]
    assert models.model_votes("navigation", "navigation", text_document) == []  # no text model yet
    write_model(model_dir, "text")
    models.reset()
    votes = models.model_votes("navigation", "navigation", text_document)
    assert votes and all(v.reason.startswith("text model: ") for v in votes)
    html_votes = models.model_votes("navigation", "navigation", documents("html")[0])
    assert html_votes and all(v.reason.startswith("html model: ") for v in html_votes)


def test_html_input_without_splitter_features_uses_the_text_model(model_dir):
    write_model(model_dir, "text")
    document = documents("text")[0]
    document.input_format = "html"  # e.g. another splitter that records no structure
    votes = models.model_votes("navigation", "navigation", document)
    assert votes and all(v.reason.startswith("text model: ") for v in votes)


def test_each_model_is_loaded_once(model_dir, monkeypatch):
    write_model(model_dir, "html")
    calls = []
    real = models.load_verified
    monkeypatch.setattr(models, "load_verified", lambda *a: calls.append(a) or real(*a))
    for _ in range(3):
        models.model_votes("navigation", "navigation", documents("html")[0])
    assert len(calls) == 1


def test_missing_models_give_no_votes(model_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert models.model_votes("body", "body", documents("html")[0]) == []
    assert not models.has_model("body")
