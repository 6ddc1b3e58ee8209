"""Reading model files without scikit-learn, and the numpy forest: the same numbers as scikit-learn."""

from __future__ import annotations

import joblib
import numpy as np
import pytest
from pageparts.model_reader import Forest, Stub, Unreadable, read_joblib
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import SGDClassifier


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(1)
    X = rng.rand(300, 6)
    y = (X[:, 0] + 0.3 * X[:, 3] > 0.7).astype(int)
    X[rng.rand(300) < 0.05, 2] = np.nan  # missing values: learned to go left or right
    boosting = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=7, random_state=0).fit(X, y)
    linear = SGDClassifier(loss="log_loss", random_state=0).fit(np.nan_to_num(X), y)
    return {"stage_b": boosting, "stage_a": linear, "kind": "html", "n_own": 3}


def rows(n: int = 200) -> np.ndarray:
    X = np.random.RandomState(2).rand(n, 6)
    X[::7, 2] = np.nan
    return X


def test_forest_scores_equal_scikit_learn(fitted):
    boosting, X = fitted["stage_b"], rows()
    forest = Forest(boosting)
    assert np.array_equal(forest.raw(X), boosting._raw_predict(X).ravel())
    assert np.allclose(forest.probability(X), boosting.predict_proba(X)[:, 1], rtol=0, atol=1e-12)


def test_deep_trees_and_float32_rows_score_as_in_scikit_learn():
    rng = np.random.RandomState(3)
    X = rng.rand(2000, 8)
    y = ((X[:, 0] * 7).astype(int) % 2 ^ (X[:, 1] > X[:, 2])).astype(int)  # needs deep trees
    X[rng.rand(2000) < 0.1, 3] = np.nan
    boosting = HistGradientBoostingClassifier(max_iter=10, max_leaf_nodes=40, random_state=0).fit(X, y)
    forest = Forest(boosting)
    assert forest.depth > 8  # walks are dropped as they finish more than once
    rows32 = X[:500].astype(np.float32)
    expected = boosting._raw_predict(rows32.astype(np.float64)).ravel()
    assert np.array_equal(forest.raw(rows32), expected)
    assert np.array_equal(forest.raw(rows32.astype(np.float64)), expected)


@pytest.mark.parametrize("compress", [0, 3])
def test_a_joblib_file_reads_without_scikit_learn_objects(fitted, tmp_path, compress):
    path = tmp_path / "model.joblib"
    joblib.dump(fitted, path, compress=compress)
    model = read_joblib(path.read_bytes())
    assert model["kind"] == "html" and model["n_own"] == 3
    assert isinstance(model["stage_b"], Stub) and isinstance(model["stage_a"], Stub)
    assert np.array_equal(model["stage_a"].coef_, fitted["stage_a"].coef_)
    X = rows()
    assert np.array_equal(Forest(model["stage_b"]).raw(X), fitted["stage_b"]._raw_predict(X).ravel())


def test_other_classes_in_a_file_are_refused(tmp_path):
    path = tmp_path / "other.joblib"
    joblib.dump({"call": print}, path)
    with pytest.raises(Unreadable, match=r"builtins\.print"):
        read_joblib(path.read_bytes())
    with pytest.raises(Unreadable):
        read_joblib(b"not a pickle")


def test_a_forest_checks_the_width_of_its_input(fitted):
    with pytest.raises(ValueError, match="6"):
        Forest(fitted["stage_b"]).raw(np.zeros((3, 5)))


def test_a_model_the_forest_cannot_walk_is_loaded_with_joblib(tmp_path, monkeypatch):
    from pageparts import models

    path = tmp_path / "model.joblib"
    joblib.dump({"stage_b": object(), "feature_version": models.FEATURE_VERSION}, path)
    monkeypatch.setattr(models, "read_joblib", lambda data: {"stage_b": Stub()})
    model = models.read_model(path, {})  # read_joblib's stub has no trees: joblib reads the file
    assert type(model["stage_b"]) is object and model["forest"] is None
