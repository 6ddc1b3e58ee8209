"""`pageparts adapt`: fit a site adaptation over a model directory on a few labelled pages of a site."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..output.wording import counted
from . import ConfigOption, DisableOption, OnError, _fail, app

if TYPE_CHECKING:
    from ..training.adapt import KindFit


@app.command()
def adapt(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Labelled-block JSON Lines files of pages of one site (docs/labelled-blocks.md)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Write the site adaptation here.")],
    base: Annotated[
        Path | None,
        typer.Option(help="The model directory to adapt (default: the models in use, the shipped ones)."),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option(
            help="The site it is for: a host (example.org, with its subdomains) or host/path-prefix "
            "(default: the pages' one site)."
        ),
    ] = None,
    on_error: Annotated[OnError, typer.Option(help="On a malformed line: skip it, or stop.")] = OnError.stop,
    config: ConfigOption = None,
    disable: DisableOption = None,
) -> None:
    """Adapt a model directory to one site from a few labelled pages of it (five are plenty).

    Writes OUT: a small layer over the base models' learned combiner and a manifest naming the
    base, the pages and the site. Use it with `pageparts classify --models OUT`, or keep several in
    one directory and pass `--sites DIR`: each then classifies the documents whose URL matches its
    site. See docs/training.md.
    """
    import time

    from ..host.runner import plugin_registry
    from ..labels.labelled import LabelledError, known_labels
    from ..output.console import Progress
    from ..scoring.models import ModelError, ModelStore, check_directory, chosen_dir
    from ..scoring.sites import split_pattern
    from ..training.adapt import AdaptError, common_site, fit_adaptation, write_adapted_directory
    from ._output import check_output_directory, writing
    from ._settings import check_plugin_names, read_settings
    from .train import _read

    check_output_directory(out)
    if (out / "manifest.json").is_file() and ModelStore(out).base() is None:
        raise _fail(f"{out} holds models of its own: write the adaptation to another directory")
    options = read_settings(config, disable=disable)
    directory = (base or chosen_dir(options.models)).absolute()
    registry = plugin_registry(options)
    check_plugin_names(registry, options)
    declared = {info.name: info.labels for info in registry.plugin_infos()}
    try:
        check_directory(directory, declared)
    except ModelError as error:
        raise _fail(str(error)) from None
    started = time.monotonic()
    labels = known_labels(info.labels for info in registry.plugin_infos())
    try:
        documents = list(_read(paths, labels, on_error is OnError.stop, Progress(sys.stderr)))
        if not documents:
            raise AdaptError("no labelled pages to adapt to")
        pattern = site or common_site(documents)
        if not pattern:
            sites = sorted({d.site for d in documents})
            raise AdaptError(
                f"the pages come from {len(sites)} sites ({', '.join(sites[:3])}): name one with --site"
            )
        if not split_pattern(pattern)[0]:
            raise AdaptError(f"--site {pattern!r} names no host")
        fits, warnings = fit_adaptation(documents, directory, options)
    except (LabelledError, AdaptError) as error:
        raise _fail(str(error)) from None
    for warning in warnings:
        typer.echo(f"pageparts: {warning}", err=True)
    with writing(out):
        write_adapted_directory(
            out, directory, fits, documents, pattern, "pageparts adapt " + " ".join(sys.argv[2:])
        )
    typer.echo(_summary(fits, directory, pattern, len(documents), out, time.monotonic() - started))


def _memorised(fit: KindFit) -> str:
    counts = [f"{fit.memorised} places and places with their text"] if fit.memorised else []
    counts += [f"{fit.single} more found on one page only"] if fit.single else []
    return f"; memorised: {', '.join(counts)}" if counts else ""


def _summary(fits: dict[str, KindFit], base: Path, site: str, pages: int, out: Path, seconds: float) -> str:
    lines = [f"adapted {base} to {site} on {counted(pages, 'page')} in {seconds:.1f} s"]
    for kind, fit in fits.items():
        chosen = (
            "none (no layer did better on the pages left out without making one worse)"
            if math.isinf(fit.penalty)
            else f"{fit.penalty:g}"
        )
        scores = ", ".join(
            f"{'none' if math.isinf(p) else f'{p:g}'}: {a:.3f}" for p, a in fit.left_out_accuracy.items()
        )
        lines.append(
            f"  {kind}: {counted(fit.blocks, 'block')}, {counted(fit.keys, 'template key')}, penalty {chosen}"
            + (f" (word accuracy on each page left out, by penalty: {scores})" if scores else "")
            + _memorised(fit)
            + (
                f"; site-wide layer for the places the pages do not share, penalty {fit.wide_penalty:g}"
                if math.isfinite(fit.wide_penalty)
                else ""
            )
            + (f"; sharpness {fit.sharpness:g} for the blocks it moves" if fit.sharpness != 1 else "")
        )
    lines.append(
        f"wrote {out}; use it with: pageparts classify --models {out} ..., or in a --sites directory"
    )
    return "\n".join(lines)
