"""``pageparts train``: prepare labelled documents, fit every plugin's models and the learned
combiner, measure them on held-out sites, and write a model directory.

Sites (``LabelledDocument.site``) decide every split, so a site never sits on both sides:

- held out: the sites ``is_held_out(site, percent)`` picks are not trained on; the models are
  scored on them (the summary's held-out F1);
- the learned combiner needs model scores of sure (hand-labelled) documents that the models did
  not see (``fit_combiner``);
- ``cross_validate`` fits and scores the models on K folds grouped by site.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from ..document import LABELS
from ..host.registry import Registry
from ..labels.labelled import LabelledDocument
from ..output.console import Progress
from ..output.wording import counted
from ..scoring.combine import COMBINER_FILE
from ..scoring.features import FEATURE_VERSION
from ..scoring.model_format import FORMAT_VERSION, Model, save
from ..scoring.models import MANIFEST, predict, sha256
from ..settings import Options
from .combiner import Page, fit_kind
from .data import Example, Preparer, runners
from .fitting import Figures, Target, TrainingError, fit_target, score, training_counts
from .labels import is_held_out, words
from .parallel import ordered_map
from .two_stage import SEED


@dataclass
class Trained:
    """What ``train_models`` made: the models by file name, their figures, and the learned combiner."""

    models: dict[str, Model] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    """The targets that have a model."""
    skipped: dict[str, str] = field(default_factory=dict)
    """File -> why its model could not be fitted (no data for its kind, a single class)."""
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    """File -> (blocks, positives) it was fitted on."""
    held_out: dict[str, Figures] = field(default_factory=dict)
    held_out_sure: dict[str, Figures] = field(default_factory=dict)
    """The same on the sure (hand-labelled) held-out documents only, when there are any."""
    combiner: dict[str, dict] = field(default_factory=dict)
    train_sites: int = 0
    held_out_sites: int = 0
    train_documents: int = 0
    held_out_documents: int = 0


def prepare_examples(
    documents: Iterable[LabelledDocument],
    registry: Registry | None,
    jobs: int = 1,
    progress: Progress | None = None,
    options: Options | None = None,
) -> list[Example]:
    """Every document as a training example (split again, features, labels), in order;
    ``documents`` may be a lazy stream (a few are in flight at a time). ``options``: the settings
    the rule plugins run with (the defaults if not given)."""
    preparer = Preparer(runners(registry, options))
    examples = []
    if progress:
        progress.start("preparing documents")
    for example in ordered_map(preparer, documents, jobs):
        for warning in example.warnings:
            if progress:
                progress.say(f"pageparts: {warning}")
        examples.append(example)
        if progress:
            progress.advance()
    return examples


def split_held_out(examples: Sequence[Example], percent: int) -> tuple[list[Example], list[Example]]:
    """(training, held out): by site, the stable hash rule of ``is_held_out``."""
    held = [is_held_out(e.site, percent) if percent else False for e in examples]
    return [e for e, h in zip(examples, held, strict=True) if not h], [
        e for e, h in zip(examples, held, strict=True) if h
    ]


def fit_all(
    targets: Sequence[Target],
    examples: Sequence[Example],
    seed: int,
    progress: Progress | None = None,
    what: str = "fitting",
    jobs: int = 1,
) -> tuple[dict[str, Model], dict[str, str]]:
    """Every target's model fitted on ``examples``, by file name, and why the others could not be
    (by file name). ``jobs`` models at a time, each in a forked worker (the workers share
    ``examples`` with this process), each on one thread: OpenMP and BLAS threads cost more than
    they bring on models this size, and stall badly on a busy machine."""

    def fit_one(target: Target) -> Model | str:
        try:
            with threadpool_limits(1):
                return fit_target(target, examples, seed)
        except TrainingError as error:
            return str(error)

    models, skipped = {}, {}
    if progress:
        progress.start(what, len(targets))
    for target, model in zip(targets, ordered_map(fit_one, targets, jobs), strict=True):
        if isinstance(model, str):
            skipped[target.file] = model
        else:
            models[target.file] = model
        if progress:
            progress.advance()
    return models, skipped


def train_models(
    examples: Sequence[Example],
    targets: Sequence[Target],
    held_out_percent: int = 20,
    seed: int = SEED,
    combiner_folds: int = 3,
    progress: Progress | None = None,
    jobs: int = 1,
) -> Trained:
    """Fit the models on the training sites, score them on the held-out ones, fit the combiner."""
    if not targets:
        raise TrainingError("no installed plugin asks for a model (the pageparts_trainable hook)")
    training, held = split_held_out(examples, held_out_percent)
    if not training:
        raise TrainingError("every document is on a held-out site: nothing to train on (try --held-out 0)")
    result = Trained(
        targets=list(targets),
        train_sites=len({e.site for e in training}),
        held_out_sites=len({e.site for e in held}),
        train_documents=len(training),
        held_out_documents=len(held),
    )
    result.models, result.skipped = fit_all(targets, training, seed, progress, jobs=jobs)
    if not result.models:
        raise TrainingError("no model could be trained: " + "; ".join(result.skipped.values()))
    result.targets = [t for t in targets if t.file in result.models]
    result.combiner = fit_combiner(
        result.targets, training, result.models, seed, combiner_folds, progress, jobs
    )
    for target in result.targets:
        result.counts[target.file] = training_counts(target, training)
        if held:
            result.held_out[target.file] = score(target, result.models[target.file], held)
        if any(e.sure for e in held):
            sure = [e for e in held if e.sure]
            result.held_out_sure[target.file] = score(target, result.models[target.file], sure)
    return result


def fit_combiner(
    targets: Sequence[Target],
    training: Sequence[Example],
    models: dict[str, Model],
    seed: int,
    folds: int,
    progress: Progress | None = None,
    jobs: int = 1,
) -> dict[str, dict]:
    """The learned combiner per kind, fitted with model scores from models that did not see the
    document's site; {} when the sure documents come from fewer than two sites.

    Every model is fitted again on ``folds`` folds of the training sites (grouped by site), and a
    document is scored by the models of the fold that left its site out (by the full model where
    a fold's model cannot be fitted). The six-label fit learns from the sure documents; the body
    fit from every document (``pageparts.training.combiner``).
    """
    sure_sites = {e.site for e in training if e.sure}
    if len(sure_sites) < 2 or folds < 2:
        return {}
    site_of = np.asarray([e.site for e in training])
    pages: dict[str, list[Page]] = {}
    splitter = GroupKFold(n_splits=min(folds, len(set(site_of))))
    for fold, (rest, test) in enumerate(splitter.split(training, groups=site_of), 1):
        fold_models, _ = fit_all(
            targets, [training[i] for i in rest], seed, progress, f"combiner fold {fold}", jobs
        )
        for i in test:
            _add_pages(pages, training[i], targets, {**models, **fold_models})
    if progress:
        progress.start("fitting the combiner")
    with threadpool_limits(1):
        fitted = {kind: fit_kind(kind_pages) for kind, kind_pages in sorted(pages.items())}
    return {kind: f for kind, f in fitted.items() if f is not None}


def _add_pages(
    pages: dict[str, list[Page]], example: Example, targets: Sequence[Target], models: dict[str, Model]
) -> None:
    """Add ``example``'s page of each kind, scored by ``models``."""
    for kind, seen in example.kinds.items():
        pages.setdefault(kind, []).append(
            Page(
                np.hstack([_model_matrix(targets, models, kind, seen.features), seen.rules]),
                [b.label for b in seen.blocks],
                np.asarray([len(words(b.text)) for b in seen.blocks], float),
                example.site,
                example.sure,
                np.asarray([b.weight > 0 for b in seen.blocks], bool),
            )
        )


def _model_matrix(targets: Sequence[Target], models: dict[str, Model], kind: str, features) -> np.ndarray:
    """(blocks, len(LABELS)): the mean score of the models for each built-in label."""
    n = features.dense.shape[0]
    total, count = np.zeros((n, len(LABELS))), np.zeros(len(LABELS))
    for target in targets:
        if target.kind == kind and target.label in LABELS and target.file in models:
            j = LABELS.index(target.label)
            total[:, j] += predict(models[target.file], features)
            count[j] += 1
    return total / np.maximum(count, 1)


def cross_validate(
    examples: Sequence[Example],
    targets: Sequence[Target],
    folds: int,
    seed: int = SEED,
    progress: Progress | None = None,
    jobs: int = 1,
) -> list[dict[str, Figures]]:
    """Per fold (grouped by site): each model's figures on that fold, fitted on the others."""
    sites = np.asarray([e.site for e in examples])
    if len(set(sites)) < folds:
        raise TrainingError(
            f"--cv {folds} needs documents from at least {counted(folds, 'site')}, not {len(set(sites))}"
        )
    splits = list(GroupKFold(n_splits=folds).split(examples, groups=sites))

    def fold_figures(task: tuple[int, Target]) -> Figures | None:
        """Fit on the other folds and score on this one, in the worker (no OpenMP use in the
        parent between forks)."""
        fold, target = task
        train_rows, test_rows = splits[fold]
        try:
            with threadpool_limits(1):
                model = fit_target(target, [examples[i] for i in train_rows], seed)
                return score(target, model, [examples[i] for i in test_rows])
        except TrainingError:
            return None

    tasks = [(fold, target) for fold in range(folds) for target in targets]
    out: list[dict[str, Figures]] = [{} for _ in range(folds)]
    if progress:
        progress.start(f"cross-validating on {counted(folds, 'fold')}", len(tasks))
    for (fold, target), figures in zip(tasks, ordered_map(fold_figures, tasks, jobs), strict=True):
        if figures is not None:
            out[fold][target.file] = figures
        if progress:
            progress.advance()
    return out


def versions() -> dict[str, str]:
    import scipy
    import sklearn

    from .. import __version__

    return {
        "pageparts": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }


def write_model_directory(
    out: Path,
    trained: Trained,
    training_data: dict[str, Any],
    command: str,
    seed: int,
) -> dict:
    """Write the model files, ``combiner.json`` and ``manifest.json`` (the layout of trained/)."""
    out.mkdir(parents=True, exist_ok=True)
    shared = versions()
    manifest: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "feature_version": FEATURE_VERSION,
        "versions": shared,
        "training_data": training_data,
        "command": command,
        "seed": seed,
        "models": {},
    }
    for file in trained.skipped:  # an old model of the same name must not be used with the new ones
        (out / file).unlink(missing_ok=True)
    for target in trained.targets:
        path = out / target.file
        model = trained.models[target.file]
        save(model, path)
        blocks, positives = trained.counts[target.file]
        held = trained.held_out.get(target.file)
        sure = trained.held_out_sure.get(target.file)
        manifest["models"][target.file] = {
            "plugin": target.plugin,
            "label": target.label,
            "kind": target.kind,
            "sha256": sha256(path),
            "bytes": path.stat().st_size,
            "format_version": FORMAT_VERSION,
            "feature_version": model.feature_version,
            "exported_from": model.exported_from,
            "versions": shared,
            "trained_on": {"blocks": blocks, "positives": positives},
            "held_out": held.to_dict() if held else {},
            "held_out_sure": sure.to_dict() if sure else {},
        }
    combiner_path = out / COMBINER_FILE
    if trained.combiner:
        combiner = {
            "labels": list(LABELS),
            "features": "per label: model score, strongest rule score; "
            "then their neighbours' means within each reach",
            "trained_on": "sure (hand-labelled) training documents, model scores out of fold by site",
            "command": command,
            "kinds": trained.combiner,
        }
        combiner_path.write_text(json.dumps(combiner, indent=1) + "\n")
    elif combiner_path.exists():
        combiner_path.unlink()  # a stale combiner must not be read with the new models
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
