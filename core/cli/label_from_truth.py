"""`pageparts label-from-truth`: labelled blocks from pages with a ground truth of their main content."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..output.wording import counted
from . import ConfigOption, DisableOption, OnError, _fail, app


@app.command("label-from-truth")
def label_from_truth(
    directories: Annotated[
        list[Path],
        typer.Argument(help="Directories in the WCXB layout: html/*.html.gz and ground-truth/*.json."),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The labelled-block file to write (.gz: gzipped).")
    ],
    gold: Annotated[
        list[Path] | None,
        typer.Option(help="Hand-labelled blocks of some of these pages; they replace the derived labels."),
    ] = None,
    rules: Annotated[
        bool,
        typer.Option(
            help="Label the blocks outside the main content from the rules' votes; with --no-rules "
            "they are all 'other', accepting every non-content label (so only hand labels teach those)."
        ),
    ] = True,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 2,
    on_error: Annotated[
        OnError, typer.Option(help="On a page that cannot be read or a bad gold line: skip it, or stop.")
    ] = OnError.stop,
    config: ConfigOption = None,
    disable: DisableOption = None,
) -> None:
    """Label every block of pages from their ground truth: body and headline from the truth, the
    other labels from the rule plugins' votes, each block with a weight (how sure it is).

    Writes labelled blocks (docs/labelled-blocks.md) with each page's HTML, for pageparts train.
    A gold document replaces the derived labels of the page whose file id ends its source
    (wcxb-dev/0014 is html/0014.html.gz). docs/training.md says how good the derived labels are.
    """
    from collections import Counter
    from dataclasses import replace

    from ..host.runner import RULES_ONLY, Runner
    from ..labels.labelled import LabelledError, known_labels, load_labelled, write_labelled
    from ..output.console import Progress
    from ..training.parallel import ordered_map
    from ..training.truth import label_page
    from ..training.wcxb import load_wcxb
    from ._output import check_output_file, writing
    from ._settings import check_plugin_names, read_settings

    check_output_file(out)
    options = read_settings(config, disable=disable)
    runner = Runner(replace(options, input_format="html"), models=RULES_ONLY)  # its rules label the pages
    check_plugin_names(runner.registry, options)
    progress = Progress(sys.stderr)
    labels = known_labels(info.labels for info in runner.registry.plugin_infos())
    try:
        pages = [page for directory in directories for page in load_wcxb(directory)]
        hand = {}
        if gold:
            documents, _ = load_labelled(gold, labels, on_error is OnError.stop, progress.say)
            hand = {d.source.rsplit("/", 1)[-1]: d.blocks for d in documents}
    except (LabelledError, ValueError, OSError) as error:
        raise _fail(str(error)) from None
    if not pages:
        raise _fail("no pages with a ground truth in " + ", ".join(map(str, directories)))

    def label(page):
        try:
            return label_page(page, runner, labels, hand.get(page.file_id), rules)
        except Exception as error:  # one unreadable page must not stop the others
            return f"{page.html_path}: {type(error).__name__}: {error}"

    counts: Counter = Counter()
    failed = 0

    def written():
        nonlocal failed
        progress.start("labelling pages", len(pages))
        for result in ordered_map(label, pages, jobs):
            progress.advance()
            if isinstance(result, str):
                progress.say(f"pageparts: {result}")
                failed += 1
                if on_error is OnError.stop:
                    raise typer.Exit(1)
                continue
            for block in result.blocks:
                counts[block.label] += 1
            yield result

    try:
        with writing(out):
            n = write_labelled(written(), out)
    finally:
        progress.clear()
    used = sum(page.file_id in hand for page in pages)
    typer.echo(f"wrote {counted(n, 'labelled page')} to {out} ({used} with hand labels, {failed} failed)")
    typer.echo("blocks per label: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    if failed:
        raise typer.Exit(1)
