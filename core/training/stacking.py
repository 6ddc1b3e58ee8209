"""Out-of-fold first-pass model scores on the training gold pages, for fitting the combiner.

The combiner learns how far to trust each plugin's votes. Fitted on the very pages the
gold-only models (navigation, fundraising, related-links) were trained on, it would see their
in-sample, over-confident scores and trust them far too much; so those models are refitted
per fold (folds by domain) and each gold page gets the scores of the fold model that never saw
its site. Body and headline models were fitted on about 1,100 pages, of which the gold pages
are a small part, and are used as shipped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.model_selection import GroupKFold

from ..document import Document
from ..features import compute, feature_names
from ..models import get_model, predict
from .data import Example, text_document
from .train import fit

GOLD_ONLY = ("navigation", "fundraising", "related-links")
SHIPPED = ("body", "headline")


def gold_text_document(gold_blocks: Sequence[dict], source: str = "") -> Document:
    """The plain-text form of a gold document: its block texts joined by a blank line."""
    return text_document([b["text"] for b in gold_blocks], source)


def out_of_fold_scores(
    examples: Sequence[Example], text_docs: Sequence[Document], n_splits: int = 5
) -> list[dict[str, dict[str, np.ndarray]]]:
    """Per gold example: ``{kind: {label: probabilities}}`` for its HTML blocks (``html``) and
    for the blocks of its gold plain-text document (``text``)."""
    groups = np.asarray([e.page.domain for e in examples])
    text_features = [compute(d, "text") for d in text_docs]
    out: list[dict[str, dict[str, np.ndarray]]] = [{"html": {}, "text": {}} for _ in examples]
    for label in SHIPPED:
        for kind in ("html", "text"):
            model = get_model(label, kind)
            for i, e in enumerate(examples):
                feats = e.html if kind == "html" else text_features[i]
                out[i][kind][label] = predict(model, feats) if model else np.zeros(feats.dense.shape[0])
    folds = GroupKFold(n_splits=min(n_splits, len(set(groups))))
    for train_idx, test_idx in folds.split(np.zeros(len(examples)), groups=groups):
        for label in GOLD_ONLY:
            for kind in ("html", "text"):
                chosen = [examples[i] for i in train_idx]
                n_own = sum("@" not in name for name in feature_names(kind))
                model = fit(
                    label,
                    label,
                    kind,
                    [getattr(e, kind) for e in chosen],
                    [np.asarray([g == label for g in e.gold]) for e in chosen],
                    [e.page.domain for e in chosen],
                    n_own,
                )
                for i in test_idx:
                    feats = examples[i].html if kind == "html" else text_features[i]
                    out[i][kind][label] = predict(model, feats)
    return out
