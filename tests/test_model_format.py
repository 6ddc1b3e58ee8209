"""pageparts' model files: exported from scikit-learn, read with numpy alone, scoring as scikit-learn does."""

from __future__ import annotations

import io
import json
import zipfile

import joblib
import numpy as np
import pytest
from pageparts.scoring import model_format
from pageparts.scoring.features import FEATURE_VERSION
from pageparts.scoring.model_format import FormatError, Logistic, Model, Trees
from pageparts.training.export import ExportError, export, second_stage
from pageparts.training.joblib_files import Stub, Unreadable, read_joblib
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier


@pytest.fixture(scope="module")
def fitted():
    """A two-stage model as ``pageparts.training.two_stage.fit_two_stage`` returns it, small."""
    rng = np.random.RandomState(1)
    X = rng.rand(300, 6)
    y = (X[:, 0] + 0.3 * X[:, 3] > 0.7).astype(int)
    X[rng.rand(300) < 0.05, 2] = np.nan  # missing values: learned to go left or right
    boosting = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=7, random_state=0).fit(X, y)
    linear = SGDClassifier(loss="log_loss", random_state=0).fit(np.nan_to_num(X), y)
    linear.coef_ = linear.coef_.astype(np.float32)
    return {
        "plugin": "body",
        "label": "body",
        "kind": "html",
        "feature_version": FEATURE_VERSION,
        "n_dense": 5,
        "n_own": 3,
        "mean": np.zeros(3, np.float32),
        "scale": np.ones(3, np.float32),
        "stage_a": linear,
        "stage_b": boosting,
    }


def rows(n: int = 200) -> np.ndarray:
    X = np.random.RandomState(2).rand(n, 6)
    X[::7, 2] = np.nan
    return X


def test_exported_trees_score_as_scikit_learn_to_the_last_bit(fitted):
    boosting, X = fitted["stage_b"], rows()
    trees = second_stage(boosting)
    assert np.array_equal(trees.raw(X), boosting._raw_predict(X).ravel())
    assert np.allclose(trees.probability(X), boosting.predict_proba(X)[:, 1], rtol=0, atol=1e-12)


def test_deep_trees_and_float32_rows_score_as_in_scikit_learn():
    rng = np.random.RandomState(3)
    X = rng.rand(2000, 8)
    y = ((X[:, 0] * 7).astype(int) % 2 ^ (X[:, 1] > X[:, 2])).astype(int)  # needs deep trees
    X[rng.rand(2000) < 0.1, 3] = np.nan
    boosting = HistGradientBoostingClassifier(max_iter=10, max_leaf_nodes=40, random_state=0).fit(X, y)
    trees = second_stage(boosting)
    assert trees.depth > 8  # walks are dropped as they finish more than once
    rows32 = X[:500].astype(np.float32)
    expected = boosting._raw_predict(rows32.astype(np.float64)).ravel()
    assert np.array_equal(trees.raw(rows32), expected)
    assert np.array_equal(trees.raw(rows32.astype(np.float64)), expected)


def test_trees_check_the_width_of_their_input(fitted):
    with pytest.raises(ValueError, match="6"):
        second_stage(fitted["stage_b"]).raw(np.zeros((3, 5)))


@pytest.mark.parametrize(
    "estimator",
    [LogisticRegression(max_iter=500), SGDClassifier(loss="log_loss", random_state=0)],
    ids=["LogisticRegression", "SGDClassifier"],
)
def test_a_linear_second_stage_gives_the_probabilities_of_predict_proba(estimator):
    X = np.nan_to_num(rows(400))
    y = (X[:, 0] > 0.5).astype(np.int64)
    stage = second_stage(estimator.fit(X, y))
    assert isinstance(stage, Logistic)
    assert np.allclose(stage.probability(X), estimator.predict_proba(X)[:, 1], rtol=0, atol=1e-12)
    X32 = X.astype(np.float32)  # fitted on float32 rows (as stage B is), it works in float32
    stage = second_stage(estimator.fit(X32, y))
    assert stage.probability(X32).dtype == estimator.predict_proba(X32).dtype
    assert np.allclose(stage.probability(X32), estimator.predict_proba(X32)[:, 1], rtol=0, atol=1e-6)


def test_an_estimator_the_format_cannot_hold_is_named():
    forest = RandomForestClassifier(n_estimators=2).fit(np.eye(4), [0, 1, 0, 1])
    with pytest.raises(ExportError, match=r"cannot export a RandomForestClassifier.*HistGradientBoosting"):
        second_stage(forest)
    hinge = SGDClassifier(loss="hinge").fit(np.eye(4), [0, 1, 0, 1])  # no probabilities
    with pytest.raises(ExportError, match="SGDClassifier"):
        second_stage(hinge)


def test_a_saved_model_reads_back_the_same_and_the_same_bytes_each_time(fitted, tmp_path):
    model = export(fitted)
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    model_format.save(model, first)
    model_format.save(export(fitted), second)
    assert first.read_bytes() == second.read_bytes()
    again = model_format.load(first)
    assert (again.plugin, again.label, again.kind, again.n_own) == ("body", "body", "html", 3)
    assert again.exported_from["stage_b"].endswith("HistGradientBoostingClassifier")
    for name in ("coef", "intercept", "mean", "scale"):
        a, b = getattr(model.stage_a, name), getattr(again.stage_a, name)
        assert a.dtype == b.dtype and np.array_equal(a, b)
    X = rows()
    assert np.array_equal(again.stage_b.raw(X), fitted["stage_b"]._raw_predict(X).ravel())
    with zipfile.ZipFile(first) as archive:  # numpy arrays and a JSON header, nothing else
        names = archive.namelist()
        assert names[0] == "model.json" and all(n.endswith(".npy") for n in names[1:])
        assert json.loads(archive.read("model.json"))["format_version"] == model_format.FORMAT_VERSION


def rewritten(path, tmp_path, change) -> object:
    """A copy of the model file at ``path`` with its header changed by ``change``, or a member replaced."""
    copy = tmp_path / "changed.npz"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "model.json" and callable(change):
                head = json.loads(data)
                change(head)
                data = json.dumps(head).encode()
            elif isinstance(change, dict) and name in change:
                data = change[name]
            target.writestr(name, data)
    return copy


def test_a_file_of_an_unknown_format_version_is_refused_in_one_line(fitted, tmp_path):
    path = tmp_path / "body-html.npz"
    model_format.save(export(fitted), path)
    newer = rewritten(path, tmp_path, lambda head: head.update(format_version=2))
    with pytest.raises(FormatError) as caught:
        model_format.load(newer)
    message = str(caught.value)
    assert "\n" not in message
    assert "changed.npz is in model format version 2, this pageparts reads version 1" in message


def test_files_that_are_not_model_files_are_refused(fitted, tmp_path):
    path = tmp_path / "body-html.npz"
    model_format.save(export(fitted), path)
    with pytest.raises(FormatError, match="not a pageparts model file"):
        model_format.load(rewritten(path, tmp_path, lambda head: head.update(format="other")))
    buffer = io.BytesIO()
    np.save(buffer, np.array([print], dtype=object), allow_pickle=True)  # a pickled object array
    pickled = rewritten(path, tmp_path, {"stage_a.coef.npy": buffer.getvalue()})
    with pytest.raises(FormatError, match=r"stage_a\.coef|pickle"):
        model_format.load(pickled)
    not_zip = tmp_path / "not.npz"
    not_zip.write_bytes(b"not a model")
    with pytest.raises(FormatError, match="not a readable pageparts model file"):
        model_format.load(not_zip)


@pytest.mark.parametrize("compress", [0, 3])
def test_a_joblib_file_of_pageparts_0_1_reads_as_stubs_and_exports_the_same_model(fitted, tmp_path, compress):
    path = tmp_path / "model.joblib"
    joblib.dump(fitted, path, compress=compress)
    stubs = read_joblib(path.read_bytes())
    assert isinstance(stubs["stage_b"], Stub) and isinstance(stubs["stage_a"], Stub)
    model = export(stubs)
    assert model.exported_from["stage_a"].endswith("SGDClassifier")
    X = rows()
    assert np.array_equal(model.stage_b.raw(X), fitted["stage_b"]._raw_predict(X).ravel())
    assert np.array_equal(model.stage_a.coef, export(fitted).stage_a.coef)


def test_the_joblib_reader_runs_nothing_from_the_file(tmp_path):
    path = tmp_path / "other.joblib"
    joblib.dump({"call": print}, path)
    with pytest.raises(Unreadable, match=r"builtins\.print"):
        read_joblib(path.read_bytes())
    with pytest.raises(Unreadable):
        read_joblib(b"not a pickle")


def test_classifying_never_imports_scikit_learn():
    import subprocess
    import sys

    code = (
        "import sys, pageparts\n"
        "page = b'<html><body><nav><a href=/>Home</a></nav><p>' + b'Words here. ' * 30 + b'</p>'\n"
        "pageparts.classify(page)\n"
        "print(any(m == 'sklearn' or m.startswith(('sklearn.', 'joblib', 'scipy')) for m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_model_is_a_plain_data_object():
    trees = Trees(
        1,
        roots=np.array([0]),
        feature=np.array([0, 0, 0]),
        threshold=np.array([0.5, 0.0, 0.0]),
        left=np.array([1, 0, 0]),
        right=np.array([2, 0, 0]),
        missing_left=np.array([True, False, False]),
        is_leaf=np.array([False, True, True]),
        value=np.array([0.0, -1.0, 2.0]),
        baseline=np.array([0.25]),
    )
    assert trees.raw(np.array([[0.1], [0.9], [np.nan]])).tolist() == [-0.75, 2.25, -0.75]
    model = Model("p", "body", "text", FEATURE_VERSION, 1, 0, None, trees)  # type: ignore[arg-type]
    assert model.file == "p-text.npz"


def test_a_prior_shift_moves_the_exported_log_odds_by_that_much(fitted):
    X = rows()
    plain, shifted = second_stage(fitted["stage_b"]), second_stage(fitted["stage_b"], -2.5)
    assert np.allclose(shifted.raw(X), plain.raw(X) - 2.5, rtol=0, atol=1e-12)
    linear = LogisticRegression(max_iter=500).fit(np.nan_to_num(X), (X[:, 0] > 0.5).astype(int))
    z = lambda p: np.log(p / (1 - p))  # noqa: E731
    moved = z(second_stage(linear, -2.5).probability(np.nan_to_num(X))) - z(
        second_stage(linear).probability(np.nan_to_num(X))
    )
    assert np.allclose(moved, -2.5, atol=1e-9)
