"""`pageparts train`: model directories from labelled blocks, used by `classify --models DIR`."""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings

import numpy as np
import pytest
from pageparts.cli import app
from pageparts.document import Document, Vote
from pageparts.hookspecs import hookimpl
from pageparts.host.runner import Options, Runner
from pageparts.labels.labelled import load_labelled
from pageparts.plugin_info import PluginInfo
from pageparts.plugins import body as body_plugin
from pageparts.scoring import models
from pageparts.scoring.model_format import Logistic, save
from pageparts.settings import LOAD_PLUGINS_ENV, MODELS_ENV
from pageparts.trainable import Trainable
from pageparts.training import fitting
from pageparts.training.export import export
from pageparts.training.fitting import targets
from pageparts.training.run import prepare_examples, train_models
from pageparts.training.two_stage import ITERATIONS
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from typer.testing import CliRunner

from .conftest import registry_with
from .training_data import write_documents

PLUGINS = "text-splitter,html-splitter,navigation,body"


@pytest.fixture
def env(monkeypatch):
    """Only two trainable plugins (fast), and the shipped models unless a test says otherwise."""
    monkeypatch.setenv(LOAD_PLUGINS_ENV, PLUGINS)
    monkeypatch.delenv(MODELS_ENV, raising=False)


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_documents(tmp_path_factory.mktemp("data") / "labelled.jsonl")


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory):
    """The output of one training run (navigation and body), and its model directory."""
    out = tmp_path_factory.mktemp("trained") / "models"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LOAD_PLUGINS_ENV, PLUGINS)
        result = run("train", data, "--out", out, "--held-out", "0", "--jobs", "1", "--credit", "made up")
    assert result.exit_code == 0, result.output
    return result, out


@pytest.fixture
def model_copy(trained, tmp_path):
    shutil.copytree(trained[1], tmp_path / "models")
    return tmp_path / "models"


def test_train_writes_a_checked_model_directory_that_classify_uses(env, trained, tmp_path):
    result, out = trained
    assert "trained on 12 documents from 6 sites" in result.stdout
    assert "body-html.npz                not trained, no html documents" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["models"]) == ["body-text.npz", "navigation-text.npz"]
    for name, entry in manifest["models"].items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert entry["trained_on"]["blocks"] > entry["trained_on"]["positives"] > 0
    assert manifest["training_data"]["credit"] == "made up"
    assert manifest["training_data"]["sure_documents"] == 12
    combiner = json.loads((out / "combiner.json").read_text())["kinds"]["text"]
    assert combiner["training_blocks"] > 0
    assert combiner["body"]["training_blocks"] >= combiner["training_blocks"]  # every page teaches body

    page = tmp_path / "page.txt"
    page.write_text("Home\n\nSign in\n\nThe harbour master repaired the old bridge after months of work.\n")
    classified = run("classify", page, "--models", out, "-f", "jsonl")
    assert classified.exit_code == 0, classified.output
    votes = [v for b in json.loads(classified.stdout)["blocks"] for v in b["votes"]]
    assert any(v["plugin"] == "navigation" and v["reason"].startswith("text model: ") for v in votes)


def test_training_is_deterministic_for_a_seed(env, data, trained, tmp_path):
    again = tmp_path / "again"
    result = run("train", data, "--out", again, "--held-out", "0", "-j", "1", "--credit", "made up")
    assert result.exit_code == 0
    for name in ("manifest.json", "combiner.json"):
        first = json.loads((trained[1] / name).read_text())
        second = json.loads((again / name).read_text())
        first.pop("command"), second.pop("command")
        assert first == second


def test_models_of_a_directory_that_does_not_fit_are_refused(env, data, model_copy, tmp_path):
    out = model_copy
    page = tmp_path / "page.txt"
    page.write_text("Home\n\nSign in\n")
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())

    manifest["models"]["navigation-text.npz"]["label"] = "fundraising"
    manifest_path.write_text(json.dumps(manifest))
    result = run("classify", page, "--models", out)
    assert result.exit_code == 2 and "does not fit these plugins" in result.stderr

    manifest["models"]["navigation-text.npz"]["label"] = "navigation"
    manifest["feature_version"] = -1
    manifest_path.write_text(json.dumps(manifest))
    result = run("classify", page, "--models", out)
    assert result.exit_code == 2 and "built for features version -1" in result.stderr

    manifest["feature_version"] = json.loads((models.shipped_dir() / "manifest.json").read_text())[
        "feature_version"
    ]
    manifest_path.write_text(json.dumps(manifest))
    (out / "body-text.npz").write_bytes(b"not a model")
    result = run("evaluate", data, "--models", out)
    assert result.exit_code == 2 and "body-text.npz: SHA-256 does not match" in result.stderr
    result = run("classify", page, "--models", tmp_path)
    assert result.exit_code == 2 and "no manifest.json" in result.stderr


def test_bad_data_gets_a_clear_message(env, data, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    result = run("train", empty, "--out", tmp_path / "m")
    assert result.exit_code == 2 and "no labelled documents" in result.stderr

    one_class = tmp_path / "one.jsonl"
    line = {"source": "https://a.example/", "blocks": [{"text": "Some words here", "label": "body"}]}
    one_class.write_text(json.dumps(line) + "\n")
    result = run("train", one_class, "--out", tmp_path / "m", "--held-out", "0", "-j", "1")
    assert result.exit_code == 2 and "a single-class data set" in result.stderr

    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(data.read_text() + json.dumps({"blocks": [{"text": "x", "label": "ads"}]}) + "\n")
    result = run("train", unknown, "--out", tmp_path / "m")
    assert result.exit_code == 2 and f"{unknown}:13: block 0: unknown label 'ads'" in result.stderr
    assert "--on-error skip" in result.stderr


def test_cross_validation_reports_every_fold_and_the_mean(env, data):
    result = run("train", data, "--cv", "3", "--held-out", "0", "-j", "2")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "navigation-text.npz" in line)
    cells = [float(x) for x in row.split()[1:]]
    assert len(cells) == 4 and cells[3] == pytest.approx(sum(cells[:3]) / 3, abs=1e-3)


class Shouting:
    """A third-party plugin that asks for a text model with its own second-stage estimator."""

    @hookimpl
    def pageparts_plugin_info(self) -> PluginInfo:
        return PluginInfo("shouting", ("navigation",))

    @hookimpl
    def pageparts_trainable(self) -> Trainable:
        return Trainable("navigation", kinds=("text",), estimator=lambda: LogisticRegression(max_iter=200))

    @hookimpl
    def pageparts_classify(self, document: Document) -> list[Vote]:
        return []  # the runner casts the model's votes


def test_a_third_party_plugin_gets_its_model_through_the_hook(data, tmp_path, monkeypatch):
    registry = registry_with(shouting=Shouting())
    wanted = targets(registry)
    assert [(t.plugin, t.label, t.kind) for t in wanted] == [("shouting", "navigation", "text")]
    documents, _ = load_labelled([data])
    trained = train_models(prepare_examples(documents, registry), wanted, held_out_percent=0)
    model = trained.models["shouting-text.npz"]
    assert isinstance(model.stage_b, Logistic)  # its LogisticRegression, exported
    assert model.exported_from["stage_b"] == "sklearn.linear_model._logistic.LogisticRegression"
    assert trained.combiner  # the sure documents come from six sites
    path = tmp_path / "shouting-text.npz"
    save(model, path)
    (tmp_path / "manifest.json").write_text(
        json.dumps({"models": {path.name: {"sha256": models.sha256(path)}}})
    )
    runner = Runner(Options(input_format="text"), registry, models=models.ModelStore(tmp_path))
    document = runner.classify_bytes(b"Home\n\nSign in\n\nThe harbour master repaired the old bridge.")
    votes = [v for b in document.blocks for v in b.votes if v.plugin == "shouting"]
    assert len(votes) == 3 and all(v.source == "model" and v.label == "navigation" for v in votes)


def test_only_sure_documents_fit_the_combiner(tmp_path):
    weak = write_documents(tmp_path / "weak.jsonl", weight=0.6)
    registry = registry_with(shouting=Shouting())
    documents, _ = load_labelled([weak])
    examples = prepare_examples(documents, registry)
    assert not any(e.sure for e in examples)
    trained = train_models(examples, targets(registry), held_out_percent=0)
    assert "shouting-text.npz" in trained.models and trained.combiner == {}


def test_stage_a_converges_to_the_same_model_whatever_the_seed(data, monkeypatch):
    documents, _ = load_labelled([data])
    examples = prepare_examples(documents, registry_with(shouting=Shouting()))
    fitted = []  # the scikit-learn estimators, as they go to export
    monkeypatch.setattr(fitting, "export", lambda model: fitted.append(model) or export(model))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for seed in (0, 1):
            train_models(examples, targets(registry_with(shouting=Shouting())), 0, seed)
    assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    first, second = fitted[: len(fitted) // 2], fitted[len(fitted) // 2 :]
    assert first and all(m["stage_a"].n_iter_[0] < ITERATIONS for m in fitted)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a["stage_a"].coef_, b["stage_a"].coef_)

    class Hasty(Shouting):  # a third-party estimator that does not converge: that is worth a warning
        @hookimpl
        def pageparts_trainable(self) -> Trainable:
            return Trainable("navigation", kinds=("text",), estimator=lambda: LogisticRegression(max_iter=1))

    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        train_models(examples, targets(registry_with(shouting=Hasty())), held_out_percent=0)


def test_a_second_stage_that_cannot_be_exported_is_named_and_the_other_models_are_trained(data):
    from sklearn.ensemble import RandomForestClassifier

    class Forested(Shouting):
        @hookimpl
        def pageparts_trainable(self) -> Trainable:
            return Trainable("navigation", kinds=("text",), estimator=lambda: RandomForestClassifier(3))

    registry = registry_with(shouting=Forested(), body=body_plugin)
    documents, _ = load_labelled([data])
    trained = train_models(prepare_examples(documents, registry), targets(registry), held_out_percent=0)
    assert "body-text.npz" in trained.models and "shouting-text.npz" not in trained.models
    assert trained.skipped["shouting-text.npz"].startswith(
        "shouting-text.npz: not trained, cannot export a RandomForestClassifier to a pageparts model file"
    )
