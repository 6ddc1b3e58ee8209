"""`pageparts train`: fit every plugin's models and the learned combiner on labelled blocks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..output.wording import counted
from . import ConfigOption, DisableOption, OnError, _fail, app


@app.command()
def train(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Labelled-block JSON Lines files (docs/labelled-blocks.md), maybe gzipped."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the model directory here (not needed with --cv)."),
    ] = None,
    held_out: Annotated[
        int, typer.Option(min=0, max=100, help="Percent of sites held out of training and scored (by hash).")
    ] = 20,
    cv: Annotated[
        int, typer.Option(min=0, help="Cross-validate on K folds grouped by site instead of training.")
    ] = 0,
    seed: Annotated[
        int, typer.Option(help="Seed of every random choice (same data, seed and processor: same models).")
    ] = 0,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 2,
    credit: Annotated[
        str, typer.Option(help="Credit and licence of the training data, recorded in the manifest.")
    ] = "",
    on_error: Annotated[OnError, typer.Option(help="On a malformed line: skip it, or stop.")] = OnError.stop,
    config: ConfigOption = None,
    disable: DisableOption = None,
) -> None:
    """Train the model of every plugin that asks for one, and the learned combiner.

    Writes OUT with the model files, combiner.json and manifest.json (the layout of the shipped
    trained/ directory); use it with `pageparts classify --models OUT`. See docs/training.md.
    """
    import time

    from ..host.runner import plugin_registry
    from ..labels.labelled import LabelledError, known_labels
    from ..output.console import Progress
    from ..training.fitting import TrainingError, targets
    from ..training.run import (
        cross_validate,
        prepare_examples,
        split_held_out,
        train_models,
        write_model_directory,
    )
    from ._output import check_output_directory, writing
    from ._settings import check_plugin_names, read_settings

    if out is None and not cv:
        raise _fail("say where to write the models with --out DIR (or use --cv K)")
    if cv == 1:
        raise _fail("--cv needs 2 folds or more (or 0, to train)")
    if out is not None:
        check_output_directory(out)
    options = read_settings(config, disable=disable)
    started = time.monotonic()
    registry = plugin_registry(options)
    check_plugin_names(registry, options)
    progress = Progress(sys.stderr)
    try:
        wanted = targets(registry)
        labels = known_labels(info.labels for info in registry.plugin_infos())
        documents = _read(paths, labels, on_error is OnError.stop, progress)
        examples = prepare_examples(documents, registry, jobs, progress, options)
        if not examples:
            raise TrainingError("no labelled documents to train on")
        if cv:
            training, _ = split_held_out(examples, held_out)
            folds = cross_validate(training, wanted, cv, seed, progress, jobs)
            progress.clear()
            typer.echo(_cv_table(folds))
            return
        trained = train_models(examples, wanted, held_out, seed, progress=progress, jobs=jobs)
    except (LabelledError, TrainingError) as error:
        progress.clear()
        raise _fail(str(error)) from None
    assert out is not None
    progress.start(f"writing {out}")
    training_data = {
        "files": [str(p) for p in paths],
        "documents": len(examples),
        "sites": trained.train_sites + trained.held_out_sites,
        "train_documents": trained.train_documents,
        "held_out_documents": trained.held_out_documents,
        "sure_documents": sum(e.sure for e in examples),
        "held_out": f"sites with sha256(site without www.) % 100 < {held_out} "
        "(pageparts.training.labels.is_held_out); the models never saw them",
    }
    if credit:
        training_data["credit"] = credit
    with writing(out):
        write_model_directory(out, trained, training_data, "pageparts train " + " ".join(sys.argv[2:]), seed)
    progress.clear()
    typer.echo(_summary(trained, out, time.monotonic() - started))


def _read(paths, labels, stop: bool, progress):
    """The documents of ``paths``, reporting (and skipping or stopping at) malformed lines."""
    from ..labels.labelled import LabelledError, read_labelled

    for path in paths:
        if not path.is_file():
            raise LabelledError(f"no such file: {path}")
        for where, read in read_labelled(path, labels):
            if isinstance(read, LabelledError):
                progress.say(f"pageparts: {where}: {read}")
                if stop:
                    raise LabelledError(f"{where}: {read} (--on-error skip goes on without it)")
                continue
            yield read


def _summary(trained, out: Path, seconds: float) -> str:
    lines = [
        f"trained on {counted(trained.train_documents, 'document')} from "
        f"{counted(trained.train_sites, 'site')}; held out {counted(trained.held_out_documents, 'document')} "
        f"from {counted(trained.held_out_sites, 'site')}",
        f"  {'model':<28} {'blocks':>8} {'positives':>9} {'held-out blocks':>15} {'positives':>9} "
        f"{'P':>6} {'R':>6} {'F1':>6} {'F1 sure':>7}",
    ]
    for file, why in trained.skipped.items():
        lines.append(f"  {file:<28} {why.removeprefix(file + ': ')}")
    for target in trained.targets:
        blocks, positives = trained.counts[target.file]
        held = trained.held_out.get(target.file)
        sure = trained.held_out_sure.get(target.file)
        scored = f"{'-':>15} {'-':>9} {'-':>6} {'-':>6} {'-':>6}"
        if held and held.blocks:
            scored = f"{held.blocks:>15} {held.positives:>9} "
            scored += f"{held.precision:>6.3f} {held.recall:>6.3f} {held.f1:>6.3f}"
        scored += f" {sure.f1:>7.3f}" if sure and sure.blocks else f" {'-':>7}"
        lines.append(f"  {target.file:<28} {blocks:>8} {positives:>9} {scored}")
    lines.append(
        "(P, R, F1: blocks of the held-out sites, found when the model gives 0.5 or more; "
        "F1 sure: on their hand-labelled documents only)"
    )
    combiner = ", ".join(
        f"{k} (CV word macro F1 {v['cv_word_macro_f1']:.3f}"
        + (f", CV page body F1 {v['body']['cv_page_body_f1']:.3f}" if "body" in v else "")
        + ")"
        for k, v in trained.combiner.items()
    )
    lines.append(
        f"learned combiner: {combiner or 'not fitted (needs sure documents from two sites or more)'}"
    )
    lines.append(f"wrote {out} in {seconds:.0f} s; use it with: pageparts classify --models {out} ...")
    return "\n".join(lines)


def _cv_table(folds) -> str:
    files = sorted({file for fold in folds for file in fold})
    header = "".join(f"{f'fold {i}':>8}" for i in range(1, len(folds) + 1))
    lines = ["block F1 per fold (grouped by site) and mean:", f"  {'model':<28}{header}{'mean':>8}"]
    for file in files:
        f1s = [fold[file].f1 if file in fold else None for fold in folds]
        cells = "".join(f"{f:>8.3f}" if f is not None else f"{'-':>8}" for f in f1s)
        scored = [f for f in f1s if f is not None]
        lines.append(f"  {file:<28}{cells}{sum(scored) / len(scored):>8.3f}")
    return "\n".join(lines)
