"""Fit the learned combiner (trained/combiner.json) on the training gold pages.

    /work/venv/bin/python scripts/fit_combiner.py [DATA_DIR] [--cache DIR]

For each gold page whose domain is not held out, and for each input kind (the page's HTML, and
its gold plain-text form), the plugins' rule votes and the models' scores are gathered (the
gold-only models' scores out of fold, see ``pageparts.training.stacking``), and a multinomial
logistic regression learns the six labels from them (``pageparts.combine``). Its settings
(regularisation, class balance) are chosen by grouped cross-validation over domains on those
same training pages; held-out pages are never read. Prints the CV figures.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import joblib
import numpy as np
from pageparts.combine import COMBINER_FILE, learned_features, vote_matrix
from pageparts.document import LABELS, Document, Vote
from pageparts.plugins import body, fundraising, headline, navigation, related_links
from pageparts.training.data import load_pages, make_example
from pageparts.training.labels import align_gold
from pageparts.training.stacking import gold_text_document, out_of_fold_scores
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parent.parent
RULES = (body, fundraising, headline, navigation, related_links)
LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


def rule_votes(document: Document) -> list[Vote]:
    return [v for plugin in RULES for v in plugin.rule_votes(document)]


def page_rows(document: Document, scores: dict[str, np.ndarray], kind: str, gold: list, reaches):
    votes = rule_votes(document)
    for label, probabilities in scores.items():
        votes += [
            Vote(label, i, label, float(p), f"{kind} model: {p:.2f}") for i, p in enumerate(probabilities)
        ]
    x = learned_features(vote_matrix(len(document.blocks), votes, {}), reaches)
    y = np.asarray([LABEL_INDEX.get(g, -1) if g else -1 for g in gold])
    words = np.asarray([len(b.text.split()) for b in document.blocks], float)
    keep = y >= 0
    return x[keep], y[keep], words[keep]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--out", default=str(REPO / "trained"))
    parser.add_argument("--cache", default=None, help="directory for the examples and out-of-fold scores")
    args = parser.parse_args(argv)
    cache = Path(args.cache) if args.cache else None
    oof_path = cache / "oof.pkl" if cache else None
    examples_path = cache / "gold_examples.pkl" if cache else None
    if examples_path and examples_path.exists():
        examples = pickle.loads(examples_path.read_bytes())
    else:
        pages = [p for p in load_pages(args.data_dir) if p.gold_blocks]
        examples = joblib.Parallel(n_jobs=2)(joblib.delayed(make_example)(p) for p in pages)
    train = [e for e in examples if not e.page.held_out]  # never a held-out page
    text_docs = [gold_text_document(e.page.gold_blocks, e.page.file_id) for e in train]
    if oof_path and oof_path.exists():
        oof = pickle.loads(oof_path.read_bytes())
        oof = [oof[e.page.file_id] for e in train]
    else:
        oof = out_of_fold_scores(train, text_docs)
        if oof_path:
            oof_path.write_bytes(pickle.dumps({e.page.file_id: o for e, o in zip(train, oof, strict=True)}))
    from pageparts.training.data import html_document

    fitted = {}
    for kind in ("html", "text"):
        best = None
        for reaches in ((), (1,), (1, 3)):
            rows = []
            for e, tdoc, scores in zip(train, text_docs, oof, strict=True):
                if kind == "html":
                    rows.append(page_rows(html_document(e.page), scores["html"], kind, e.gold, reaches))
                else:
                    gold = [b["label"] for b in e.page.gold_blocks]
                    if len(gold) != len(tdoc.blocks):
                        gold = align_gold([b.text for b in tdoc.blocks], e.page.gold_blocks)
                    rows.append(page_rows(tdoc, scores["text"], kind, gold, reaches))
            groups = np.concatenate([[e.page.domain] * len(r[1]) for e, r in zip(train, rows, strict=True)])
            x = np.vstack([r[0] for r in rows])
            y = np.concatenate([r[1] for r in rows])
            w = np.concatenate([r[2] for r in rows])
            for c in (0.3, 1.0, 3.0):
                for balance in (0.0, 0.5, 1.0):
                    f1 = cv_macro_f1(x, y, w, groups, c, balance)
                    print(
                        f"{kind}: reaches={reaches} C={c} balance={balance} CV word macro F1 {f1:.3f}",
                        file=sys.stderr,
                    )
                    if best is None or f1 > best[0]:
                        best = (f1, c, balance, reaches, x, y, w)
        f1, c, balance, reaches, x, y, w = best
        model = fit(x, y, w, c, balance)
        fitted[kind] = {
            "C": c,
            "balance": balance,
            "reaches": list(reaches),
            "cv_word_macro_f1": round(f1, 4),
            "training_blocks": len(y),
            "coef": np.round(model.coef_, 5).tolist(),
            "intercept": np.round(model.intercept_, 5).tolist(),
        }
        print(f"{kind}: chose {reaches=} {c=} {balance=} (CV word macro F1 {f1:.3f})", file=sys.stderr)
    out = {
        "labels": list(LABELS),
        "features": "per label: model score, strongest rule score; "
        "then their neighbours' means within each reach",
        "trained_on": f"{len(train)} training gold pages (held-out domains excluded), grouped CV by domain",
        "command": "python scripts/fit_combiner.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "kinds": fitted,
    }
    (Path(args.out) / COMBINER_FILE).write_text(json.dumps(out, indent=1) + "\n")
    return 0


def sample_weights(y: np.ndarray, words: np.ndarray, balance: float) -> np.ndarray:
    """Words per block (scoring is per word), times (1 / class share) ** balance."""
    weights = np.maximum(words, 1.0)
    share = np.bincount(y, weights=weights, minlength=len(LABELS)) / weights.sum()
    return weights * (1.0 / np.maximum(share[y], 1e-3)) ** balance


def fit(x, y, words, c, balance) -> LogisticRegression:
    weights = sample_weights(y, words, balance)
    return LogisticRegression(C=c, max_iter=300).fit(x, y, sample_weight=weights / weights.mean())


def cv_macro_f1(x, y, words, groups, c, balance) -> float:
    predicted = np.zeros_like(y)
    for tr, te in GroupKFold(n_splits=5).split(x, y, groups):
        predicted[te] = fit(x[tr], y[tr], words[tr], c, balance).predict(x[te])
    f1s = []
    for k in range(len(LABELS)):
        tp = words[(predicted == k) & (y == k)].sum()
        p = tp / max(words[predicted == k].sum(), 1)
        r = tp / max(words[y == k].sum(), 1)
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return float(np.mean(f1s))


if __name__ == "__main__":
    with threadpool_limits(1):  # a few BLAS/OpenMP threads stall badly on a shared machine
        raise SystemExit(main())
