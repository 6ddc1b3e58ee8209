"""Check that converted model files score as the joblib files they came from, scored by scikit-learn.

    python bench/converted_models.py JOBLIB_DIR [NPZ_DIR] [DATA_DIR] [--pages 300]

JOBLIB_DIR is a model directory of pageparts 0.1 (``.joblib`` files, e.g. ``trained/`` as
``git archive`` gives it at an earlier commit); NPZ_DIR the same models converted (``pageparts
convert-models``; default: the shipped ``trained/``). On ``--pages`` WCXB development pages (every
k-th of the sorted list, as bench/same_output.py picks them), as HTML and as plain text, every
model's probability of every block is computed twice: with the model file
(``pageparts.scoring.models.predict``), and with the joblib file loaded by joblib, its stage A worked out
as pageparts 0.1 did and its stage B by scikit-learn's own ``predict_proba``. Prints the largest
absolute difference per model and exits 1 if any reaches ``TOLERANCE``.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-12


def reference(fitted: dict, features) -> np.ndarray:
    """The probabilities as pageparts 0.1 gave them: stage A by its formula, stage B by scikit-learn."""
    from pageparts.scoring.models import stage_b_input
    from threadpoolctl import threadpool_limits

    if features.dense.shape[0] == 0:
        return np.zeros(0)
    n_own, linear = fitted["n_own"], fitted["stage_a"]
    coef = linear.coef_.ravel()
    n_hash = features.hashed.shape[1]
    own = (features.dense[:, :n_own] - fitted["mean"]) / fitted["scale"]
    scores = features.hashed.dot(coef[:n_hash]) + own @ coef[n_hash:] + linear.intercept_[0]
    with threadpool_limits(limits=1, user_api="openmp"):
        return fitted["stage_b"].predict_proba(stage_b_input(features.dense, scores))[:, 1]


def main(argv: list[str] | None = None) -> int:
    import joblib
    from pageparts.document import Document
    from pageparts.scoring.features import compute
    from pageparts.scoring.models import ModelStore, predict, shipped_dir
    from pageparts.splitters.html import split_html
    from pageparts.splitters.text import pageparts_split as split_text

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("joblib_dir", type=Path)
    parser.add_argument("npz_dir", type=Path, nargs="?", default=None)
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args(argv)
    store = ModelStore(args.npz_dir or shipped_dir())
    paths = sorted((Path(args.data_dir) / "wcxb-dev" / "html").glob("*.html.gz"))
    paths = paths[:: max(1, len(paths) // args.pages)][: args.pages]
    old = {p.stem: joblib.load(p) for p in sorted(args.joblib_dir.glob("*.joblib"))}
    largest = dict.fromkeys(old, 0.0)
    blocks = 0
    for path in paths:
        html_blocks, meta = split_html(gzip.decompress(path.read_bytes()))
        text = "\n\n".join(b.text for b in html_blocks).encode("utf-8")  # as same_output.py renders it
        for kind, document in (
            ("html", Document(path.name, "html", html_blocks, dict(meta))),
            ("text", Document(path.name, "text", *split_text(text, "text"))),
        ):
            features = compute(document, kind)
            blocks += len(document.blocks)
            for name, fitted in old.items():
                plugin, model_kind = name.rsplit("-", 1)
                if model_kind != kind:
                    continue
                new = predict(store.model(plugin, kind), features)
                worst = float(np.max(np.abs(new - reference(fitted, features)), initial=0.0))
                largest[name] = max(largest[name], worst)
    print(f"{len(paths)} pages, HTML and plain text ({blocks:,} blocks in all), every model:")
    for name, worst in largest.items():
        print(f"  {name:<24} largest |difference| {worst:.3g}")
    bad = [name for name, worst in largest.items() if worst >= TOLERANCE]
    print(f"{len(bad)} models differ by {TOLERANCE:g} or more" if bad else f"all within {TOLERANCE:g}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
