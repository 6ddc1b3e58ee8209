"""Build trained/*.joblib and trained/manifest.json from the shared WCXB data and gold set.

    /work/venv/bin/python scripts/build_models.py [DATA_DIR] [--cache FILE] [--jobs N]

DATA_DIR defaults to ../shared/data relative to the repository. Only pages whose domain is
not held out (``pageparts.training.labels.is_held_out``) are used for fitting; the manifest
records block-level figures on the held-out pages.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import platform
import sys
import time
from pathlib import Path

import joblib
import numpy as np
import pageparts
import scipy
import sklearn
from pageparts.features import FEATURE_VERSION, feature_names
from pageparts.models import MANIFEST, model_file
from pageparts.training.data import CREDIT, Example, load_pages, make_example
from pageparts.training.train import SEED, fit, predict_all
from sklearn.metrics import average_precision_score, f1_score

REPO = Path(__file__).resolve().parent.parent
PLUGINS = {
    "body": "body",
    "headline": "headline",
    "navigation": "navigation",
    "fundraising": "fundraising",
    "related-links": "related-links",
}
GOLD_ONLY = {"navigation", "fundraising", "related-links"}
"""Labels only the gold set has; their models learn from the gold training pages alone."""


def targets(example: Example, label: str) -> np.ndarray | None:
    """0/1 per block for ``label``, or None when this page says nothing about it."""
    if label in GOLD_ONLY:
        if not example.gold:
            return None
        return np.asarray([g == label for g in example.gold])
    if label == "headline" and example.gold:
        return np.asarray([g == "headline" for g in example.gold])
    return np.asarray([d == label for d in example.derived])


def examples(data_dir: Path, cache: Path | None, jobs: int) -> list[Example]:
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    pages = load_pages(data_dir)
    built = joblib.Parallel(n_jobs=jobs, batch_size=8)(joblib.delayed(make_example)(p) for p in pages)
    if cache:
        cache.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    return built


def held_out_figures(model: dict, chosen: list[Example], label: str, kind: str) -> dict:
    pairs = [(e, t) for e in chosen if (t := targets(e, label)) is not None and len(t)]
    if not pairs:
        return {}
    probabilities = np.concatenate(predict_all(model, [getattr(e, kind) for e, _ in pairs]))
    truth = np.concatenate([t for _, t in pairs])
    return {
        "pages": len(pairs),
        "blocks": len(truth),
        "positives": int(truth.sum()),
        "block_f1_at_0.5": round(float(f1_score(truth, probabilities >= 0.5, zero_division=0)), 4),
        "average_precision": round(float(average_precision_score(truth, probabilities)), 4)
        if truth.any()
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--out", default=str(REPO / "trained"))
    parser.add_argument("--cache", default=None, help="pickle of the prepared examples (reused if present)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--boosting", default="", help="override training.train.BOOSTING, e.g. max_iter=40,max_leaf_nodes=15"
    )
    args = parser.parse_args(argv)
    started = time.time()
    data_dir, out = Path(args.data_dir), Path(args.out)
    all_examples = examples(data_dir, Path(args.cache) if args.cache else None, args.jobs)
    train = [e for e in all_examples if not e.page.held_out]
    held = [e for e in all_examples if e.page.held_out]
    print(f"{len(all_examples)} pages: {len(train)} for training, {len(held)} held out", file=sys.stderr)
    manifest = {
        "feature_version": FEATURE_VERSION,
        "versions": {
            "pageparts": pageparts.__version__,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "python": platform.python_version(),
        },
        "training_data": {
            "source": "wcxb-dev (1,358 pages) and gold/wcxb-dev.gold.jsonl (58 hand-labelled pages)",
            "credit": CREDIT,
            "licence": "CC-BY-4.0",
            "split": "by domain: sha256(domain without www.) % 100 < 20 is held out "
            "(pageparts.training.labels.is_held_out); models saw only the other pages",
            "train_pages": len(train),
            "held_out_pages": len(held),
            "train_gold_pages": sum(bool(e.gold) for e in train),
            "held_out_gold_pages": sum(bool(e.gold) for e in held),
        },
        "command": "python scripts/build_models.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": SEED,
        "models": {},
    }
    out.mkdir(parents=True, exist_ok=True)
    for plugin, label in PLUGINS.items():
        for kind in ("html", "text"):
            pairs = [(e, t) for e in train if (t := targets(e, label)) is not None]
            chosen = [e for e, _ in pairs]
            n_own = sum("@" not in name for name in feature_names(kind))
            model = fit(
                plugin,
                label,
                kind,
                [getattr(e, kind) for e in chosen],
                [t for _, t in pairs],
                [e.page.domain for e in chosen],
                n_own,
                boosting={k: int(v) for k, v in (p.split("=") for p in args.boosting.split(",") if p)},
            )
            name = model_file(plugin, kind)
            path = out / name
            joblib.dump(model, path, compress=3)
            figures = held_out_figures(model, held, label, kind)
            manifest["models"][name] = {
                "plugin": plugin,
                "label": label,
                "kind": kind,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "bytes": path.stat().st_size,
                "versions": manifest["versions"],
                "training_data": CREDIT,
                "trained_on": f"{len(chosen)} pages, "
                + ("gold labels" if label in GOLD_ONLY else "WCXB ground truth"),
                "held_out": figures,
            }
            print(f"{name}: {path.stat().st_size / 1e6:.1f} MB, held out {figures}", file=sys.stderr)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"done in {time.time() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
