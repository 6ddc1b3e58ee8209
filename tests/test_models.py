"""Model stores: hash-checked loading, per-kind models, the votes the runner casts with them."""

from __future__ import annotations

import hashlib
import json
import pickle
import warnings
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from pageparts import models as public_models
from pageparts.document import Block, Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.host.runner import Runner
from pageparts.plugin_info import PluginInfo
from pageparts.scoring import model_format, models
from pageparts.scoring.features import compute, feature_names
from pageparts.scoring.models import ModelStore
from pageparts.settings import resolve_options
from pageparts.trainable import Trainable
from pageparts.training.export import export
from pageparts.training.two_stage import fit_two_stage, stage_b_weights

from .conftest import registry_with

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


@lru_cache(maxsize=4)
def trained_sklearn(kind: str, navigation: bool = True) -> dict:
    """A small fitted model for ``kind``: of navigation (menu items are positives), or of its opposite."""
    docs = documents(kind)
    features = [compute(d, kind) for d in docs]
    targets = [np.asarray([(b.text in NAV) == navigation for b in d.blocks]) for d in docs]
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


@lru_cache(maxsize=4)
def trained(kind: str, navigation: bool = True) -> model_format.Model:
    """``trained_sklearn``, exported."""
    return export(trained_sklearn(kind, navigation))


def write_model(directory: Path, kind: str, navigation: bool = True) -> Path:
    """A model file in ``directory``, listed in its manifest as ``pageparts train`` lists it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / models.model_file("navigation", kind)
    model_format.save(trained(kind, navigation), path)
    manifest_path = directory / models.MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"models": {}}
    manifest["feature_version"] = models.FEATURE_VERSION
    manifest["models"][path.name] = {
        "plugin": "navigation",
        "label": "navigation",
        "kind": kind,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "format_version": model_format.FORMAT_VERSION,
        "feature_version": models.FEATURE_VERSION,
    }
    manifest_path.write_text(json.dumps(manifest))
    return path


@pytest.fixture
def model_dir(tmp_path):
    return tmp_path / "models"


def test_a_verified_model_votes_on_every_block(model_dir):
    write_model(model_dir, "html")
    store = ModelStore(model_dir)
    document = documents("html")[0]
    votes = store.votes("navigation", "navigation", document)
    assert [v.block for v in votes] == list(range(len(document.blocks)))
    assert all(v.reason.startswith("html model: ") and v.source == "model" for v in votes)
    by_text = {document.blocks[v.block].text: v.score for v in votes}
    assert by_text["Home"] > 0.5 > by_text[document.blocks[4].text]
    assert store.has_model("navigation") and not store.has_model("fundraising")


def test_tampered_model_file_is_refused_by_name(model_dir):
    path = write_model(model_dir, "html")
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(models.ModelError, match=r"navigation-html\.npz"):
        models.verify(path, json.loads((model_dir / models.MANIFEST).read_text())["models"][path.name])
    store = ModelStore(model_dir)
    document = documents("html")[0]
    with pytest.warns(UserWarning, match=r"navigation-html\.npz"):
        assert store.votes("navigation", "navigation", document) == []
    assert any("navigation-html.npz" in w for w in document.warnings)
    assert "SHA-256" in store.refusal("navigation", "html")
    assert not store.has_model("navigation")


def test_a_model_missing_from_the_manifest_is_refused(model_dir):
    path = write_model(model_dir, "html")
    with pytest.raises(models.ModelError, match="not listed"):
        models.verify(path, None)
    (model_dir / models.MANIFEST).write_text(json.dumps({"models": {}}))
    with pytest.warns(UserWarning, match="not listed"):
        assert ModelStore(model_dir).model("navigation", "html") is None


def test_a_model_file_of_an_unknown_format_version_is_refused_with_a_clear_message(model_dir):
    path = write_model(model_dir, "html")
    manifest = json.loads((model_dir / models.MANIFEST).read_text())
    assert models.check_directory(model_dir, {"navigation": ("navigation",)}) == []
    manifest["models"][path.name]["format_version"] = 99
    (model_dir / models.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(
        models.ModelError, match=r"navigation-html\.npz is in model format version 99, this pageparts"
    ):
        models.check_directory(model_dir, {"navigation": ("navigation",)})
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    head = json.loads(members["model.json"])
    head["format_version"] = 2
    members["model.json"] = json.dumps(head).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    manifest["models"][path.name]["sha256"] = models.sha256(path)
    (model_dir / models.MANIFEST).write_text(json.dumps(manifest))
    document = documents("html")[0]
    with pytest.warns(UserWarning, match=r"model format version 2, this pageparts reads version 1"):
        assert ModelStore(model_dir).votes("navigation", "navigation", document) == []
    assert "model format version 2" in document.warnings[0] and "\n" not in document.warnings[0]


def test_a_directory_of_joblib_files_is_refused_with_the_command_that_converts_it(model_dir):
    model_dir.mkdir()
    (model_dir / "navigation-html.joblib").write_bytes(b"old")
    entry = {"sha256": models.sha256(model_dir / "navigation-html.joblib"), "plugin": "navigation"}
    manifest = {"feature_version": models.FEATURE_VERSION, "models": {"navigation-html.joblib": entry}}
    (model_dir / models.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(models.ModelError, match="pageparts convert-models"):
        models.check_directory(model_dir, {"navigation": ("navigation",)})
    with pytest.warns(UserWarning, match="navigation-html.joblib: made by an earlier pageparts"):
        assert ModelStore(model_dir).model("navigation", "html") is None


def test_text_documents_get_only_text_model_votes(model_dir):
    write_model(model_dir, "html")
    text_document = documents("text")[0]
    assert ModelStore(model_dir).votes("navigation", "navigation", text_document) == []  # no text model yet
    write_model(model_dir, "text")
    store = ModelStore(model_dir)
    votes = store.votes("navigation", "navigation", text_document)
    assert votes and all(v.reason.startswith("text model: ") for v in votes)
    html_votes = store.votes("navigation", "navigation", documents("html")[0])
    assert html_votes and all(v.reason.startswith("html model: ") for v in html_votes)


def test_html_input_without_splitter_features_uses_the_text_model(model_dir):
    write_model(model_dir, "text")
    document = documents("text")[0]
    document.input_format = "html"  # e.g. another splitter that records no structure
    votes = ModelStore(model_dir).votes("navigation", "navigation", document)
    assert votes and all(v.reason.startswith("text model: ") for v in votes)


def test_each_model_is_loaded_once_per_store(model_dir, monkeypatch):
    write_model(model_dir, "html")
    calls = []
    real = models.read_model
    monkeypatch.setattr(models, "read_model", lambda *a: calls.append(a) or real(*a))
    store = ModelStore(model_dir)
    for _ in range(3):
        store.votes("navigation", "navigation", documents("html")[0])
    assert len(calls) == 1
    ModelStore(model_dir).model("navigation", "html")  # another store loads its own
    assert len(calls) == 2


def test_missing_models_give_no_votes(model_dir):
    model_dir.mkdir()
    store = ModelStore(model_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.votes("body", "body", documents("html")[0]) == []
    assert not store.has_model("body")


def test_a_store_pickles_as_its_directory(model_dir):
    write_model(model_dir, "text")
    store = ModelStore(model_dir)
    assert store.model("navigation", "text") is not None
    copy = pickle.loads(pickle.dumps(store))
    assert copy == store and copy.directory == model_dir and not copy._models  # loads again when asked
    assert len(pickle.dumps(store)) < 500


class Menus:
    """A plugin with no rules that asks for a navigation model: its votes are the runner's."""

    @hookimpl
    def pageparts_plugin_info(self) -> PluginInfo:
        return PluginInfo("navigation", ("navigation",))

    @hookimpl
    def pageparts_classify(self, document: Document) -> list[Vote]:
        return []

    @hookimpl
    def pageparts_trainable(self) -> Trainable:
        return Trainable("navigation")


PAGE = ("\n\n".join(NAV + [f"{p} Item 1." for p in PROSE] + NAV[:2])).encode()


def model_scores(runner: Runner) -> list[float]:
    document = runner.classify_bytes(PAGE)
    return [v.score for b in document.blocks for v in b.votes if v.source == "model"]


def test_two_runners_with_different_model_directories_work_side_by_side(tmp_path):
    write_model(tmp_path / "a", "text")  # menu items are navigation
    write_model(tmp_path / "b", "text", navigation=False)  # the opposite
    first = Runner(registry=registry_with(navigation=Menus()), models=ModelStore(tmp_path / "a"))
    second = Runner(registry=registry_with(navigation=Menus()), models=ModelStore(tmp_path / "b"))
    rules_only = Runner(registry=registry_with(navigation=Menus()), models=None)
    for _ in range(2):  # in turn, each with its own models every time
        a, b, none = model_scores(first), model_scores(second), model_scores(rules_only)
        assert len(a) == len(b) == 8 and none == []
        assert a[0] > 0.5 > b[0] and a[4] < 0.5 < b[4]  # "Home", then a paragraph
    assert first.models.model("navigation", "text") is not second.models.model("navigation", "text")


def test_the_runner_casts_model_votes_only_for_plugins_that_ask_for_a_model(tmp_path):
    write_model(tmp_path, "text")

    class NoModel(Menus):
        @hookimpl
        def pageparts_trainable(self) -> None:
            return None

    runner = Runner(registry=registry_with(navigation=NoModel()), models=ModelStore(tmp_path))
    assert model_scores(runner) == []


def test_the_deprecated_module_functions_still_work_and_warn(tmp_path, monkeypatch):
    path = write_model(tmp_path, "text")
    document = documents("text")[0]
    with pytest.warns(DeprecationWarning, match="model_votes is deprecated"):
        assert public_models.model_votes("navigation", "navigation", document) == []  # the runner casts them
    entry = json.loads((tmp_path / models.MANIFEST).read_text())["models"][path.name]
    with pytest.warns(DeprecationWarning, match="load_verified is deprecated"):
        assert public_models.load_verified(path, entry).label == "navigation"
    monkeypatch.delenv(public_models.MODELS_ENV, raising=False)
    with pytest.warns(DeprecationWarning, match="use_models is deprecated"):
        public_models.use_models(tmp_path)
    assert Runner(resolve_options()).models == ModelStore(tmp_path)  # the settings read it
    with pytest.warns(DeprecationWarning):
        public_models.use_models(None)
    assert Runner(resolve_options()).models == ModelStore.shipped()
    assert Runner().models == ModelStore.shipped()  # Options(): models=None, the shipped ones


def test_a_plugin_that_still_adds_model_votes_itself_gets_them_once(tmp_path):
    """Written against the old docs: it asks for a model and adds ``model_votes`` to its rule votes."""
    write_model(tmp_path, "text")

    class OldStyle(Menus):
        @hookimpl
        def pageparts_classify(self, document: Document) -> list[Vote]:
            return public_models.model_votes("navigation", "navigation", document)

    old = Runner(registry=registry_with(navigation=OldStyle()), models=ModelStore(tmp_path))
    new = Runner(registry=registry_with(navigation=Menus()), models=ModelStore(tmp_path))
    with pytest.warns(DeprecationWarning):
        assert model_scores(old) == model_scores(new) and len(model_scores(new)) == 8


def test_a_broken_manifest_refuses_the_models_without_stopping_the_run(model_dir):
    write_model(model_dir, "text")
    (model_dir / models.MANIFEST).write_text("{not json")
    document = documents("text")[0]
    with pytest.warns(UserWarning, match=r"navigation-text\.npz could not be loaded: JSONDecodeError"):
        assert ModelStore(model_dir).votes("navigation", "navigation", document) == []
    assert "votes from rules only" in document.warnings[0]


def test_stage_b_weighs_a_rare_labels_negatives_down_and_shifts_its_odds_back():
    rng = np.random.default_rng(0)
    y = (rng.random(50_000) < 0.01).astype(np.int64)
    given = rng.choice([0.5, 1.0], len(y))
    weights, shift = stage_b_weights(y, given.copy(), 10_000)
    positive = y == 1
    assert np.array_equal(weights[positive], given[positive])  # every positive at its own weight
    assert weights.sum() == pytest.approx(10_000)
    rate = (10_000 - given[positive].sum()) / given[~positive].sum()
    assert np.allclose(weights[~positive], given[~positive] * rate) and shift == pytest.approx(np.log(rate))
    # the weighted odds of a positive, moved back by the shift, are the odds among the blocks given
    odds = weights[positive].sum() / weights[~positive].sum()
    assert odds * np.exp(shift) == pytest.approx(given[positive].sum() / given[~positive].sum())


def test_stage_b_keeps_the_weights_of_a_common_label_and_of_a_small_set():
    rng = np.random.default_rng(0)
    y = (rng.random(50_000) < 0.4).astype(np.int64)
    given = rng.random(len(y))
    weights, shift = stage_b_weights(y, given, 10_000)
    assert shift == 0.0 and np.array_equal(weights, given)
    rare = (rng.random(5_000) < 0.01).astype(np.int64)
    assert stage_b_weights(rare, np.ones(5_000), 10_000)[1] == 0.0
