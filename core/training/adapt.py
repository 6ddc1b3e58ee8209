"""Fitting a site adaptation (``pageparts adapt``): the layer of ``pageparts.scoring.adaptation`` over a
base model directory's learned combiner, on a few labelled pages of one site.

Each labelled page is classified with the base models (HTML pages as HTML, and every page as
plain text too). Per input kind, the layer is a multinomial logistic regression whose offset is
the base combiner's log-probabilities, fitted with L2 regularisation towards zero (so towards the
base), on the blocks' template keys and vote matrix. A block's loss is minus the log of the
probability of its accepted labels (``accept``; a block ``label-from-truth`` leaves unclaimed
accepts every non-content label, so it teaches only "not body, not headline"), weighted by its
words times its weight. Only keys found on at least two of the pages are learnt (a key of one
page is no template); in HTML, only the blocks whose place (``pageparts.scoring.adaptation.PLACE``) is
found on two pages are moved, and learnt from. The regularisation is chosen by leaving one page
out, among PENALTIES and none at all (an infinite penalty: the base combiner as it is), and
never one that makes a left-out page much worse than the base (``fit_kind``). The site-wide layer
of the blocks outside those places (``pageparts.scoring.adaptation.KindLayer.wide``) is fitted on
every block over the keys of ``WIDE_KEYS`` and chosen the same way, on top of the chosen layer:
a left-out page's blocks at places no other page has are what it moves, as on a page of another
template (and where those hold under WIDE_EVIDENCE of the left-out pages' words, there is nothing
to choose by: no site-wide layer). The memory of the keys found on one page (``Memory.single``) is
checked the same way on top of those layers (``_single_helps``). Last, the layer's sharpness
(``pageparts.scoring.adaptation.KindLayer.sharpness``) is chosen among SHARPNESS by leaving one page
out, with the combiner's threshold applied (``_sharpness``).
"""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

from ..document import FALLBACK_LABEL, LABELS
from ..host.runner import Runner
from ..labels.labelled import LabelledBlock, LabelledDocument
from ..scoring.adaptation import (
    ADAPTATION_FILE,
    PURITY,
    WIDE_KEYS,
    KindLayer,
    Memory,
    block_keys,
    dense_inputs,
    hashed,
    log_base,
    memory_keys,
    moved,
    write_adaptation,
)
from ..scoring.combine import predict_learned, vote_matrix
from ..scoring.features import FEATURE_VERSION, model_kind
from ..scoring.model_format import FORMAT_VERSION
from ..scoring.models import KINDS, MANIFEST, ModelStore, base_reference, sha256
from ..settings import Options
from .labels import transfer

PENALTIES = (0.3, 3.0, 30.0, math.inf)
"""The L2 strengths tried (on a data term of one unit per block, on average); infinite: no layer."""

SHARPNESS = (1.0, 2.0, 4.0)
"""The sharpnesses tried (``KindLayer.sharpness``); 1: the layer's probabilities as fitted."""


class AdaptError(ValueError):
    """Pages that cannot be adapted to."""


@dataclass
class AdaptPage:
    """One labelled page as one input kind sees it, ready for the fit."""

    source: str
    offset: np.ndarray
    """(blocks, 6) log-probabilities of the base combiner."""
    dense: np.ndarray
    keys: list[list[int]]
    accept: np.ndarray
    """(blocks, 6) bool: the labels a block accepts."""
    given: np.ndarray
    """(blocks, 6) bool: the label a block was given (its ``label``; none for an unlabelled block)."""
    weight: np.ndarray
    """Per block: its words times its weight (0: left out)."""
    words: np.ndarray
    """Per block: its words."""
    wide_keys: list[list[int]]
    """The keys the site-wide layer reads (``WIDE_KEYS``)."""


def prepare(
    documents: Sequence[LabelledDocument], base: ModelStore, options: Options
) -> tuple[dict[str, list[AdaptPage]], list[str]]:
    """Every document as pages per input kind (HTML documents give both kinds), and warnings."""
    runners = {kind: Runner(replace(options, input_format=kind, sites=None), models=base) for kind in KINDS}
    pages: dict[str, list[AdaptPage]] = {"html": [], "text": []}
    warnings = []
    for document in documents:
        name = document.source or "a document"
        if document.input_format == "html" and document.html is not None:
            page = _page(runners["html"], document.html, document, options)
            if page is None:
                warnings.append(f"{name}: its HTML splits into other blocks than its labelled ones")
            else:
                pages["html"].append(page)
        page = _page(runners["text"], document.plain_text(), document, options)
        if page is not None:
            pages["text"].append(page)
    return {k: v for k, v in pages.items() if v}, warnings


def _page(runner: Runner, content: str, labelled: LabelledDocument, options: Options) -> AdaptPage | None:
    document = runner.classify_bytes(content.encode("utf-8"), labelled.source)
    kind = model_kind(document)
    texts = [b.text for b in document.blocks]
    if kind == "html":
        if [t.split() for t in texts] != [b.text.split() for b in labelled.blocks]:
            return None
        carried: list[LabelledBlock | None] = list(labelled.blocks)
    else:
        carried = transfer(texts, labelled.blocks)
    fitted = runner.models.combiner(kind) if runner.models is not None else None
    if fitted is None or not texts:
        return None
    votes = [v for b in document.blocks for v in b.votes]
    matrix = vote_matrix(len(texts), votes, options.combine.weights)
    accept = np.zeros((len(texts), len(LABELS)), bool)
    given = np.zeros((len(texts), len(LABELS)), bool)
    weight = np.zeros(len(texts))
    for i, (text, block) in enumerate(zip(texts, carried, strict=True)):
        if block is None:
            continue
        if block.label in LABELS:
            given[i, LABELS.index(block.label)] = True
        for label in block.accept:
            if label in LABELS:
                accept[i, LABELS.index(label)] = True
        weight[i] = max(len(text.split()), 1) * block.weight if accept[i].any() else 0.0
    keys = block_keys(document, kind)
    return AdaptPage(
        labelled.source,
        log_base(predict_learned(fitted, matrix)),
        dense_inputs(matrix),
        hashed(keys),
        accept,
        given,
        weight,
        np.fromiter((len(t.split()) for t in texts), int, len(texts)),
        hashed([[k for k in row if k.startswith(WIDE_KEYS)] for row in keys]),
    )


@dataclass
class KindFit:
    """A kind's fitted layer (None: the base does better on pages left out) and how it was chosen."""

    layer: KindLayer | None
    penalty: float
    pages: int
    blocks: int
    keys: int
    left_out_accuracy: dict[float, float]
    """Penalty -> word accuracy (predicted label accepted) on each page left out, pooled."""
    memorised: int = 0
    """Keys in the layer's memory (0: none, or leaving one page out found it worse than the base)."""
    wide_penalty: float = math.inf
    """The penalty of the site-wide layer of the blocks outside the layer's places (infinite: none)."""
    wide_left_out_accuracy: dict[float, float] = field(default_factory=dict)
    """The same as ``left_out_accuracy`` for the site-wide layer's penalties."""
    single: int = 0
    """Keys of one page in the layer's memory (``Memory.single``; 0: none, or leaving one page out
    found them worse)."""
    sharpness: float = 1.0
    sharp_left_out_accuracy: dict[float, float] = field(default_factory=dict)
    """Sharpness -> word accuracy on each page left out, pooled, with the combiner's threshold."""
    wide_evidence: float = math.nan
    """The share of the left-out pages' words at places the other pages do not share, which the
    site-wide layer moves when a page is left out (``_unshared``; NaN: not measured); under
    WIDE_EVIDENCE, no site-wide layer."""


def fit_kind(pages: Sequence[AdaptPage], placed: bool, threshold: float = 0.5) -> KindFit:
    """The layer of one kind (``placed``: moving only blocks of learnt places). The penalty is
    chosen by leaving one page out (with two pages or more; else the strongest finite one): the
    best word accuracy over the left-out pages among the penalties that make no left-out page
    worse than the base by more than WORST_LOSS. In HTML the site-wide layer's penalty is chosen
    next, the same way against the chosen layer alone (none where the left-out pages' words it
    would move are under WIDE_EVIDENCE of them), then the memory; last the sharpness, with the
    combiner's ``threshold``."""
    scores: dict[float, float] = {}
    wide = math.inf
    wide_scores: dict[float, float] = {}
    evidence = math.nan
    left_out: list[KindLayer] = []
    if len(pages) >= 2:
        fits = {p: [_fit(_without(pages, out), p, placed) for out in range(len(pages))] for p in PENALTIES}
        penalty = _choose(pages, fits, scores)
        left_out = fits[penalty]
        evidence = _unshared(pages, fits[penalty]) if placed else math.nan
        if evidence >= WIDE_EVIDENCE:
            wides = {
                p: [
                    replace(inner, wide=_fit_wide(_without(pages, out), p))
                    for out, inner in enumerate(fits[penalty])
                ]
                for p in PENALTIES
            }
            wide = _choose(pages, wides, wide_scores)
            left_out = wides[wide]
    else:
        penalty = max(p for p in PENALTIES if math.isfinite(p))
    layer = _fit(pages, penalty, placed) if math.isfinite(penalty) else None
    if math.isfinite(wide):
        layer = replace(layer or _fit(pages, math.inf, placed), wide=_fit_wide(pages, wide))
    keys = len(layer.keys) if layer is not None else 0
    memorised = single = 0
    if placed:
        found = _memory(pages)
        shared = found.masks if _memory_helps(pages) else {}
        one_page = found.single if left_out and _single_helps(pages, left_out, bool(shared)) else {}
        memorised, single = len(shared), len(one_page)
        if shared or one_page:
            layer = replace(
                layer if layer is not None else _fit(pages, math.inf, placed), memory=Memory(shared, one_page)
            )
    sharp_scores: dict[float, float] = {}
    sharpness = 1.0
    if left_out:
        held = [
            replace(inner, memory=_held_memory(pages, out, bool(memorised), bool(single)))
            for out, inner in enumerate(left_out)
        ]
        sharpness = _sharpness(pages, held, threshold, sharp_scores)
    if sharpness != 1.0:
        layer = replace(layer if layer is not None else _fit(pages, math.inf, placed), sharpness=sharpness)
    blocks = sum(len(p.weight) for p in pages)
    return KindFit(
        layer,
        penalty,
        len(pages),
        blocks,
        keys,
        scores,
        memorised,
        wide,
        wide_scores,
        single,
        sharpness,
        sharp_scores,
        evidence,
    )


def _held_memory(pages: Sequence[AdaptPage], out: int, shared: bool, single: bool) -> Memory | None:
    """The memory the pages but ``out`` make, with the parts the whole fit kept (None: neither)."""
    if not (shared or single):
        return None
    found = _memory(_without(pages, out))
    return Memory(found.masks if shared else {}, found.single if single else {})


def _sharpness(
    pages: Sequence[AdaptPage], held: Sequence[KindLayer], threshold: float, scores: dict[float, float]
) -> float:
    """The sharpness among SHARPNESS whose layers fitted without each page (``held``) label the
    most words of the pages left out right, with ``threshold`` applied as the combiner applies it,
    among those that make no left-out page worse than a sharpness of 1 by more than WORST_LOSS;
    the smallest of equals. ``scores`` gets each sharpness's accuracy."""
    per_page: dict[float, np.ndarray] = {}
    for sharpness in SHARPNESS:
        counts = np.asarray(
            [
                _accuracy(replace(layer, sharpness=sharpness), page, threshold)
                for layer, page in zip(held, pages, strict=True)
            ]
        )
        scores[sharpness] = counts[:, 0].sum() / max(counts[:, 1].sum(), 1e-9)
        per_page[sharpness] = counts[:, 0] / np.maximum(counts[:, 1], 1e-9)
    safe = [s for s in SHARPNESS if (per_page[s] >= per_page[1.0] - WORST_LOSS).all()]
    return max(safe, key=lambda s: (round(scores[s], 6), -s))


def _choose(
    pages: Sequence[AdaptPage], fits: dict[float, list[KindLayer]], scores: dict[float, float]
) -> float:
    """The penalty whose layers, each fitted without one page (``fits``), give the best word
    accuracy over the pages left out, among those that make no left-out page worse than the layers
    of an infinite penalty by more than WORST_LOSS; ``scores`` gets each penalty's accuracy."""
    per_page: dict[float, np.ndarray] = {}
    for penalty, layers in fits.items():
        counts = np.asarray([_accuracy(layer, page) for layer, page in zip(layers, pages, strict=True)])
        scores[penalty] = counts[:, 0].sum() / max(counts[:, 1].sum(), 1e-9)
        per_page[penalty] = counts[:, 0] / np.maximum(counts[:, 1], 1e-9)
    safe = [p for p in fits if (per_page[p] >= per_page[math.inf] - WORST_LOSS).all()]
    return max(safe, key=lambda p: (round(scores[p], 6), p))


def _memory(pages: Sequence[AdaptPage]) -> Memory:
    """The memory of ``pages`` (``pageparts.scoring.adaptation.Memory``): per memorised key, the
    label given to PURITY of its words, else the labels accepted by PURITY of them (none: the pages
    disagree); the keys found on two pages or more in ``masks``, those of one page in ``single``. A
    label the pages gave wins over the others they accept: a price labelled ``other`` that may pass
    as fundraising stays ``other``."""
    totals: dict[int, float] = {}
    accepted: dict[int, np.ndarray] = {}
    gave: dict[int, np.ndarray] = {}
    found: dict[int, set[int]] = {}
    for number, page in enumerate(pages):
        for row, accept, given, weight in zip(page.keys, page.accept, page.given, page.weight, strict=True):
            if not weight:
                continue
            for key in memory_keys(row) or ():
                totals[key] = totals.get(key, 0.0) + weight
                accepted[key] = accepted.get(key, 0.0) + weight * accept
                gave[key] = gave.get(key, 0.0) + weight * given
                found.setdefault(key, set()).add(number)
    bits = 1 << np.arange(len(LABELS))
    masks: dict[int, int] = {}
    single: dict[int, int] = {}
    for key, total in totals.items():
        agreed = gave[key] >= PURITY * total
        mask = int(bits[agreed if agreed.any() else accepted[key] >= PURITY * total].sum())
        (masks if len(found[key]) >= 2 else single)[key] = mask
    return Memory(masks, single)


def _memory_helps(pages: Sequence[AdaptPage]) -> bool:
    """Whether the memory of the other pages leaves every page left out no worse than the base by
    more than WORST_LOSS of its words (with fewer than three pages there is nothing to leave out:
    a page's memory needs two)."""
    for out in range(len(pages) if len(pages) >= 3 else 0):
        others = _without(pages, out)
        plain = _fit(others, math.inf, True)
        right, total = _accuracy(replace(plain, memory=Memory(_memory(others).masks)), pages[out])
        base, _ = _accuracy(plain, pages[out])
        if right < base - WORST_LOSS * total:
            return False
    return True


def _single_helps(pages: Sequence[AdaptPage], left_out: Sequence[KindLayer], shared: bool) -> bool:
    """Whether the keys of one page (``Memory.single``) help the pages left out: with the layers
    fitted without each page (``left_out``) and the memory of two pages or more (if ``shared``),
    adding the other pages' one-page keys makes no left-out page worse by more than WORST_LOSS of
    its words, nor the left-out pages' words as a whole worse. A page left out shares with the
    others what a page of the site not adapted on shares with all the pages: its keys found on one
    of them are what this memory labels."""
    gained = 0.0
    for out, layer in enumerate(left_out):
        found = _memory(_without(pages, out))
        masks = found.masks if shared else {}
        without, total = _accuracy(replace(layer, memory=Memory(masks)), pages[out])
        right, _ = _accuracy(replace(layer, memory=Memory(masks, found.single)), pages[out])
        if right < without - WORST_LOSS * total:
            return False
        gained += right - without
    return gained >= 0


WORST_LOSS = 0.02
"""How much word accuracy a layer may lose against the base on one page left out."""

WIDE_EVIDENCE = 0.02
"""The least share of the left-out pages' words the site-wide layer must move (``_unshared``) for
its penalty to be chosen by them; below it, the kind gets no site-wide layer. Pages of one
template leave out pages whose places the others all share (rei.com's five category pages: 0.1 to
0.5 % of their words elsewhere): the penalties' left-out accuracies then differ by a few words,
and the weakest penalty, won by them, moved a held-back page of another template the most."""


def _unshared(pages: Sequence[AdaptPage], left_out: Sequence[KindLayer]) -> float:
    """The share of the pages' words (by weight) at places that the layer fitted without each
    (``left_out``) does not hold: what a site-wide layer moves when that page is left out."""
    free = sum(
        float(p.weight @ ~moved(layer.places, p.keys)) for p, layer in zip(pages, left_out, strict=True)
    )
    return free / max(sum(float(p.weight.sum()) for p in pages), 1e-9)


def _without(pages: Sequence[AdaptPage], out: int) -> list[AdaptPage]:
    return [p for i, p in enumerate(pages) if i != out]


def _shared(rows_of_pages: Sequence[Sequence[Sequence[int]]]) -> list[int]:
    """The keys found on at least two of the pages (on the one page, when there is one)."""
    seen: dict[int, int] = {}
    for rows in rows_of_pages:
        for key in {k for row in rows for k in row}:
            seen[key] = seen.get(key, 0) + 1
    least = min(2, len(rows_of_pages))
    return sorted(k for k, count in seen.items() if count >= least)


def _key_matrix(pages: Sequence[AdaptPage], column: dict[int, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    start = 0
    for page in pages:
        for i, row in enumerate(page.keys):
            for c in {column[k] for k in row if k in column}:
                rows.append(start + i)
                cols.append(c)
        start += len(page.keys)
    data = np.ones(len(rows))
    return sparse.csr_matrix((data, (rows, cols)), shape=(start, len(column)))


def _fit_wide(pages: Sequence[AdaptPage], penalty: float) -> KindLayer | None:
    """The site-wide layer (``KindLayer.wide``): fitted on every block of ``pages`` over the keys
    of ``WIDE_KEYS`` alone, with the most words of a block given each label; None for an infinite
    penalty."""
    if not math.isfinite(penalty):
        return None
    layer = _fit([replace(p, keys=p.wide_keys) for p in pages], penalty, False)
    words = np.concatenate([p.words for p in pages])
    given = np.vstack([p.given for p in pages]) & (np.concatenate([p.weight for p in pages]) > 0)[:, None]
    return replace(layer, longest=np.where(given, words[:, None], 0).max(axis=0))


def _fit(pages: Sequence[AdaptPage], penalty: float, placed: bool) -> KindLayer:
    """The layer minimising the weighted accepted-label loss plus ``penalty`` / 2 times the
    squared weights, from zero weights (the base); no layer (zero weights) for an infinite one."""
    places = frozenset(_shared([[row[:1] for row in p.keys] for p in pages])) if placed else None
    vocabulary = _shared([p.keys for p in pages]) if math.isfinite(penalty) else []
    column = {k: i for i, k in enumerate(vocabulary)}
    keys = _key_matrix(pages, column)
    offset = np.vstack([p.offset for p in pages])
    dense = np.vstack([p.dense for p in pages])
    accept = np.vstack([p.accept for p in pages])
    weight = np.concatenate([p.weight for p in pages])
    n_keys, n_dense, n_labels = keys.shape[1], dense.shape[1], len(LABELS)
    if not math.isfinite(penalty):
        return KindLayer(
            {}, np.zeros((0, n_labels)), np.zeros((n_dense, n_labels)), np.zeros(n_labels), places
        )
    keep = (weight > 0) & np.concatenate([moved(places, p.keys) for p in pages])
    keys, offset, dense, accept, weight = keys[keep], offset[keep], dense[keep], accept[keep], weight[keep]
    if not len(weight):
        return KindLayer(
            {}, np.zeros((0, n_labels)), np.zeros((n_dense, n_labels)), np.zeros(n_labels), places
        )
    weight = weight / max(weight.mean(), 1e-12)

    def unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k = theta[: n_keys * n_labels].reshape(n_keys, n_labels)
        d = theta[n_keys * n_labels : (n_keys + n_dense) * n_labels].reshape(n_dense, n_labels)
        return k, d, theta[(n_keys + n_dense) * n_labels :]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        k, d, b = unpack(theta)
        z = offset + keys @ k + dense @ d + b
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        total = e.sum(axis=1)
        accepted = (e * accept).sum(axis=1)
        value = weight @ (np.log(total) - np.log(np.maximum(accepted, 1e-300)))
        residual = weight[:, None] * (e / total[:, None] - e * accept / np.maximum(accepted, 1e-300)[:, None])
        gradient = np.concatenate(
            [(keys.T @ residual).ravel(), (dense.T @ residual).ravel(), residual.sum(axis=0)]
        )
        return value + penalty / 2 * theta @ theta, gradient + penalty * theta

    start = np.zeros((n_keys + n_dense + 1) * n_labels)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    k, d, b = unpack(result.x)
    return KindLayer(column, k, d, b, places)


def _accuracy(layer: KindLayer, page: AdaptPage, threshold: float | None = None) -> tuple[float, float]:
    """Words of ``page`` whose best label under ``layer`` is accepted, and all its counted words;
    with a ``threshold``, a block whose best probability is under it counts as ``other``, as the
    combiner labels it."""
    probabilities = np.exp(page.offset)
    matrix = page.dense[:, : 2 * len(LABELS)]
    logits = layer.logits(probabilities, matrix, page.keys, page.words)
    best = logits.argmax(axis=1)
    if threshold is not None:
        odds = np.exp(logits - logits.max(axis=1, keepdims=True))
        sure = odds.max(axis=1) / odds.sum(axis=1) >= threshold
        best = np.where(sure, best, LABELS.index(FALLBACK_LABEL))
    right = page.accept[np.arange(len(best)), best]
    return float(page.weight @ right), float(page.weight.sum())


def common_site(documents: Sequence[LabelledDocument]) -> str | None:
    """The site all ``documents`` share (``LabelledDocument.site``), or None."""
    sites = {d.site.lower() for d in documents}
    return sites.pop() if len(sites) == 1 else None


def write_adapted_directory(
    out: Path,
    base: Path,
    fits: dict[str, KindFit],
    documents: Sequence[LabelledDocument],
    site: str,
    command: str,
) -> dict[str, Any]:
    """Write ``adaptation.json`` and a manifest naming the base, the pages and the site; returns
    the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ADAPTATION_FILE
    write_adaptation(path, {kind: fit.layer for kind, fit in fits.items() if fit.layer is not None})
    manifest: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "feature_version": FEATURE_VERSION,
        "base": base_reference(base),
        "adaptation": {
            "file": ADAPTATION_FILE,
            "sha256": sha256(path),
            "site": site,
            "pages": [{"source": d.source, "blocks": len(d.blocks)} for d in documents],
            "kinds": {
                kind: {
                    "pages": fit.pages,
                    "blocks": fit.blocks,
                    "keys": fit.keys,
                    "memorised": fit.memorised,
                    "memorised_one_page": fit.single,
                    "penalty": fit.penalty if math.isfinite(fit.penalty) else None,
                    "wide_penalty": fit.wide_penalty if math.isfinite(fit.wide_penalty) else None,
                    "wide_evidence": None if math.isnan(fit.wide_evidence) else round(fit.wide_evidence, 4),
                    "wide_left_out_word_accuracy": {
                        f"{p:g}" if math.isfinite(p) else "none": round(a, 4)
                        for p, a in fit.wide_left_out_accuracy.items()
                    },
                    "left_out_word_accuracy": {
                        f"{p:g}" if math.isfinite(p) else "none": round(a, 4)
                        for p, a in fit.left_out_accuracy.items()
                    },
                    "sharpness": fit.sharpness,
                    "sharpness_left_out_word_accuracy": {
                        f"{s:g}": round(a, 4) for s, a in fit.sharp_left_out_accuracy.items()
                    },
                }
                for kind, fit in fits.items()
            },
        },
        "models": {},
        "versions": {
            "pageparts": version("pageparts"),
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "command": command,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def fit_adaptation(
    documents: Sequence[LabelledDocument], base: Path, options: Options
) -> tuple[dict[str, KindFit], list[str]]:
    """The layer per input kind fitted on ``documents`` over the models in ``base``, and warnings."""
    store = ModelStore(base)
    if store.base() is not None:
        raise AdaptError(f"{base} is itself a site adaptation: adapt the models it adapts")
    pages, warnings = prepare(documents, store, options)
    if not pages:
        raise AdaptError(f"no labelled page could be scored by the learned combiner of {base}")
    threshold = options.combine.threshold
    fits = {kind: fit_kind(kind_pages, kind == "html", threshold) for kind, kind_pages in pages.items()}
    return fits, warnings
