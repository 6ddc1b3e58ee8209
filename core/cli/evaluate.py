"""`pageparts evaluate`: per-word scores against labelled blocks, or body extraction on WCXB pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..wording import counted
from . import Combiner, ListFormat, OnError, _fail, app

if TYPE_CHECKING:
    from ..evaluation import WordScores
    from ..scoring import ExtractionScores


@app.command()
def evaluate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Labelled-block JSON Lines files (docs/labelled-blocks.md), or directories in the "
            "WCXB layout (html/ and ground-truth/)."
        ),
    ],
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.table,
    combiner: Annotated[Combiner, typer.Option(help="How votes are combined.")] = Combiner.learned,
    models: Annotated[
        Path | None, typer.Option(help="Use the models in this directory (made by pageparts train).")
    ] = None,
    on_error: Annotated[OnError, typer.Option(help="On a malformed line: skip it, or stop.")] = OnError.stop,
) -> None:
    """Score pageparts against labelled blocks: per label, word precision, recall and F1, and a
    confusion table, overall and per page type. A WCXB-layout directory is scored on body
    extraction instead: word F1 of the body text against the ground truth, per page type.

    A labelled plain-text document is classified in its plain-text form (its block texts joined by
    a blank line), an HTML one from its HTML; scoring is per word (docs/evaluate.md).
    """
    from ..combine import CombineOptions
    from ..models import ModelStore
    from ..runner import Options, Runner
    from ..training.wcxb import is_wcxb_dir
    from ._models import use_model_dir

    options = CombineOptions(learned=combiner is Combiner.learned)
    store = ModelStore.default()  # one store: each model is loaded once
    runners = {
        kind: Runner(Options(input_format=kind, combine=options), models=store) for kind in ("text", "html")
    }
    use_model_dir(models, runners["text"], runners["html"])
    for path in paths:
        if not path.exists():
            raise _fail(f"no such file: {path}")
    directories = [p for p in paths if p.is_dir()]
    if any(not is_wcxb_dir(d) for d in directories):
        raise _fail(
            f"{next(d for d in directories if not is_wcxb_dir(d))} is a directory but not in the WCXB layout"
        )
    files = [p for p in paths if not p.is_dir()]
    labelled = _labelled(files, runners, on_error is OnError.stop) if files else None
    extraction = _extraction(directories, runners["html"]) if directories else None
    if output_format is ListFormat.json:
        report: dict = labelled.to_dict() if labelled else {}
        if extraction:
            report["extraction"] = extraction.rows()
        typer.echo(json.dumps(report, indent=2))
        return
    if labelled:
        typer.echo(labelled.table())
    if extraction:
        from ..scoring import format_extraction

        typer.echo("body extraction: word F1 of the body text against the ground truth, mean per page:")
        typer.echo(format_extraction(extraction))


@dataclass
class Labelled:
    """The word scores of labelled documents, overall and per page type."""

    scores: WordScores
    by_type: dict[str, WordScores]
    documents: int
    skipped: int
    inputs: list[str]
    type_counts: dict[str, int]

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "skipped": self.skipped,
            "inputs": self.inputs,
            "labels": self.scores.rows(),
            "macro_f1": self.scores.macro_f1(),
            "confusion": [
                {"gold": gold, "predicted": given, "words": n}
                for (gold, given), n in self.scores.confusion.items()
            ],
            "page_types": {
                name: {"documents": self.type_counts[name], "labels": s.rows(), "macro_f1": s.macro_f1()}
                for name, s in sorted(self.by_type.items())
            },
        }

    def table(self) -> str:
        from ..evaluation import format_confusion, format_table

        inputs = " and ".join(self.inputs)
        lines = [
            f"{counted(self.documents, 'document')} ({counted(self.skipped, 'line')} skipped), "
            f"{inputs} input, per-word scores:",
            format_table(self.scores),
            "\nwords by gold label (rows) and predicted label (columns):",
            format_confusion(self.scores),
        ]
        for name, scores in sorted(self.by_type.items()):
            documents = counted(self.type_counts[name], "document")
            lines += [f"\npage type {name} ({documents}):", format_table(scores)]
        return "\n".join(lines)


def _labelled(files: list[Path], runners: dict, stop: bool) -> Labelled:
    from collections import Counter, defaultdict

    from ..evaluation import WordScores
    from ..labelled import LabelledError, known_labels, load_labelled

    registry = runners["text"].registry
    labels = known_labels(info.labels for info in registry.plugin_infos())
    try:
        documents, skipped = load_labelled(
            files, labels, stop, lambda message: typer.echo(f"pageparts: {message}", err=True)
        )
    except LabelledError:
        raise typer.Exit(2) from None
    if not documents:
        raise _fail("no labelled documents to evaluate")
    scores: WordScores = WordScores()
    by_type: dict[str, WordScores] = defaultdict(WordScores)
    for document in documents:
        kind = "html" if document.input_format == "html" else "text"
        classified = runners[kind].classify_bytes(document.content(), document.source)
        scores.add(classified, document.blocks)
        if document.page_type:
            by_type[document.page_type].add(classified, document.blocks)
    return Labelled(
        scores,
        dict(by_type),
        len(documents),
        skipped,
        sorted({d.input_format for d in documents}),
        dict(Counter(d.page_type for d in documents if d.page_type)),
    )


def _extraction(directories: list[Path], runner) -> ExtractionScores:
    from ..scoring import ExtractionScores
    from ..training.wcxb import load_wcxb

    scores = ExtractionScores()
    for directory in directories:
        for page in load_wcxb(directory):
            try:
                document = runner.classify_bytes(page.html(), str(page.html_path))
            except (ValueError, OSError) as error:  # InputError is a ValueError; the others go on
                typer.echo(f"pageparts: {page.html_path}: {error} (not scored)", err=True)
                continue
            scores.add(page.page_type, document.text(("body",)), str(page.truth.get("main_content") or ""))
    if not scores.by_type:
        raise _fail("no pages with a ground truth in " + ", ".join(map(str, directories)))
    return scores
