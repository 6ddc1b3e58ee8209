"""Six-label word F1 on the validation split: hand-labelled pages of held-out sites, per source.

    python bench/validation.py [DATA_DIR] [--models DIR] [--against DIR|FILE] [--resamples N] [--save FILE]

The validation pages are every hand-labelled page whose site ``is_held_out`` picks (20% of sites,
by a hash of the name): the gold set's pages of such sites and the spec files of data/hand-labels/
(scripts/hand_labels.py) for wcxb-dev, news-pool and readability-tests pages. No model or rule is
fitted or tuned on them. Each page is classified as HTML and as plain text (its block texts joined
by a blank line), and scored per word as docs/labels.md defines it; rows per source and in all.
For the readability-tests pages it also prints body word F1 (WCXB's per-document bag-of-words F1,
macro over pages) against Readability's expected article text.

Pooled per word, a few long pages decide a label. So it also prints a per-page view: for each
label, the mean over pages of the page's word F1 (``WordScores.rows``; a page where the label is
in neither the gold labels nor the output is left out), and the mean of those six means. Then,
per input format, where the words go: gold words by their label against the label they were given.

``--against DIR`` scores a second model directory on the same pages and prints the difference
of the macro F1, pooled and per page, each with a 95% interval from a paired bootstrap over pages
(``--resamples``), so two builds can be told apart. ``--save FILE`` writes the per-page counts of
``--models`` as JSON, and ``--against FILE`` reads such a file instead of scoring a directory: two
builds of different features versions (which one checkout cannot both run) compared all the same.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pageparts.document import LABELS
from pageparts.host.runner import Options, Runner
from pageparts.labels.evaluation import WordScores, format_confusion
from pageparts.labels.extraction_scores import word_prf
from pageparts.labels.labelled import LabelledDocument, load_labelled
from pageparts.scoring.models import ModelStore
from pageparts.training.labels import is_held_out

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import hand_labels  # noqa: E402  (the spec format lives with the labelling script)

SPEC_DIRS = ("", "news-pool", "readability-tests")
FORMATS = ("html", "text")


@dataclass
class Page:
    """One validation page: its labelled blocks, collection and HTML."""

    document: LabelledDocument
    collection: str
    html: bytes


def validation_pages(data: Path) -> list[Page]:
    """The hand-labelled pages of held-out sites: gold pages, then spec files (a spec wins over gold)."""
    runner = Runner(Options(input_format="html"), models=None)  # the rules alone draft labels
    specs = [
        path
        for name in SPEC_DIRS
        for path in hand_labels._spec_paths([str(REPO / "data" / "hand-labels" / name)])
    ]
    documents = {d.source: d for d in hand_labels._labelled(runner, data, specs) if is_held_out(d.site)}
    gold, _ = load_labelled([data / "gold" / "wcxb-dev.gold.jsonl"])
    for document in gold:
        document.domain = hand_labels.page_site(data, document.source)
        if is_held_out(document.site):
            documents.setdefault(document.source, document)
    pages = []
    for source, document in sorted(documents.items()):
        html = hand_labels.page_path(data, source).read_bytes()
        pages.append(Page(document, source.rpartition("/")[0], html))
    return pages


def score_pages(pages: Sequence[Page], input_format: str, store: ModelStore) -> list[WordScores]:
    """One WordScores per page, for the models of ``store``."""
    runner = Runner(Options(input_format=input_format), models=store)
    out = []
    for page in pages:
        content = page.html if input_format == "html" else page.document.plain_text().encode("utf-8")
        scores = WordScores()
        scores.add(runner.classify_bytes(content, page.document.source), page.document.blocks)
        out.append(scores)
    return out


def pooled(per_page: Sequence[WordScores]) -> WordScores:
    """The pages' word counts and confusion added up."""
    total = WordScores()
    for scores in per_page:
        for label, counts in scores.counts.items():
            total.counts[label].update(counts)
        total.confusion.update(scores.confusion)
    return total


def f1_row(name: str, pages: int, scores: WordScores) -> str:
    f1 = {row["label"]: row["f1"] for row in scores.rows()}
    cells = "".join(f"{f1[label]:>8.3f}" for label in LABELS)
    return f"  {name:<26}{pages:>6}{cells}{scores.macro_f1():>8.3f}"


def page_f1(scores: WordScores) -> np.ndarray:
    """One page's word F1 per label of ``LABELS``: NaN where the label is in neither its gold
    labels nor its output."""
    out = np.full(len(LABELS), np.nan)
    for j, row in enumerate(scores.rows()[: len(LABELS)]):
        counts = scores.counts[row["label"]]
        if counts["gold"] or counts["predicted"]:
            out[j] = row["f1"]
    return out


def page_means(per_page: np.ndarray) -> np.ndarray:
    """Per label, the mean page F1 over the pages where it is (``per_page``: pages x labels, NaN
    where it is not); NaN for a label on no page."""
    present = ~np.isnan(per_page)
    totals = np.where(present, per_page, 0.0).sum(axis=-2)
    counts = present.sum(axis=-2)
    return np.divide(totals, counts, out=np.full(totals.shape, np.nan), where=counts > 0)


def page_row(name: str, per_page: Sequence[WordScores]) -> str:
    means = page_means(np.array([page_f1(s) for s in per_page]))
    cells = "".join(f"{m:>8.3f}" for m in means)
    return f"  {name:<26}{len(per_page):>6}{cells}{np.nanmean(means):>8.3f}"


def header() -> str:
    return (
        f"  {'source / input':<26}{'pages':>6}" + "".join(f"{label[:7]:>8}" for label in LABELS) + "   macro"
    )


def table(pages: Sequence[Page], scores: dict[str, list[WordScores]]) -> str:
    """Per source and input format, and in all: word F1 per label and the macro F1."""
    lines = [header()]
    collections = sorted({p.collection for p in pages})
    for input_format in FORMATS:
        for collection in [*collections, "all"]:
            chosen = [
                s
                for p, s in zip(pages, scores[input_format], strict=True)
                if collection in ("all", p.collection)
            ]
            lines.append(f1_row(f"{collection} / {input_format}", len(chosen), pooled(chosen)))
    lines.append("  per page: the mean over pages of each label's word F1")
    lines += [page_row(f"all / {input_format}", scores[input_format]) for input_format in FORMATS]
    for input_format in FORMATS:
        lines.append(f"  where the words go, {input_format}: gold label (rows), label given (columns)")
        lines.append(format_confusion(pooled(scores[input_format])))
    return "\n".join(lines)


def readability_body(pages: Sequence[Page], data: Path, directory: Path | None = None) -> str:
    """Body word F1 against Readability's expected text, HTML and text input, macro over pages."""
    chosen = [p for p in pages if p.collection == "readability-tests"]
    cells = []
    for input_format in FORMATS:
        store = ModelStore(directory) if directory else ModelStore.shipped()
        runner = Runner(Options(input_format=input_format), models=store)
        f1s = []
        for page in chosen:
            name = page.document.source.rpartition("/")[2]
            expected = (data / "readability-tests" / "expected" / f"{name}.txt").read_text(encoding="utf-8")
            content = page.html if input_format == "html" else page.document.plain_text().encode("utf-8")
            document = runner.classify_bytes(content, name)
            f1s.append(word_prf(document.text(("body",)), expected).f1)
        cells.append(f"{input_format} {np.mean(f1s):.3f}" if f1s else f"{input_format} -")
    return f"  body word F1 against Readability's expected text, {len(chosen)} pages: " + ", ".join(cells)


def bootstrap(
    a: Sequence[WordScores], b: Sequence[WordScores], resamples: int, seed: int = 0
) -> tuple[float, float]:
    """A 95% interval of macro F1(b) - macro F1(a), pooled per word, resampling pages (paired)."""
    rng = np.random.default_rng(seed)
    keys = ("precise", "predicted", "recalled", "gold")

    def matrix(per_page: Sequence[WordScores]) -> np.ndarray:
        return np.array([[[s.counts[label][k] for k in keys] for label in LABELS] for s in per_page], float)

    def macro(counts: np.ndarray) -> np.ndarray:  # counts: resamples x labels x 4
        precise, predicted, recalled, gold = np.moveaxis(counts, -1, 0)
        p = np.divide(precise, predicted, out=(gold > 0).astype(float), where=predicted > 0)
        r = np.divide(recalled, gold, out=(predicted > 0).astype(float), where=gold > 0)
        f1 = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=(p + r) > 0)
        return f1.mean(axis=-1)

    ma, mb = matrix(a), matrix(b)
    picks = rng.integers(0, len(a), size=(resamples, len(a)))
    differences = macro(mb[picks].sum(axis=1)) - macro(ma[picks].sum(axis=1))
    low, high = np.percentile(differences, [2.5, 97.5])
    return float(low), float(high)


def page_bootstrap(
    a: Sequence[WordScores], b: Sequence[WordScores], resamples: int, seed: int = 0
) -> tuple[float, float]:
    """A 95% interval of the per-page macro F1 of b minus a's, resampling pages (paired)."""
    rng = np.random.default_rng(seed)
    fa, fb = (np.array([page_f1(s) for s in per_page]) for per_page in (a, b))
    picks = rng.integers(0, len(a), size=(resamples, len(a)))
    with np.errstate(invalid="ignore"):
        differences = np.nanmean(page_means(fb[picks]), axis=-1) - np.nanmean(page_means(fa[picks]), axis=-1)
    low, high = np.percentile(differences, [2.5, 97.5])
    return float(low), float(high)


def run(pages: Sequence[Page], directory: Path | None) -> dict[str, list[WordScores]]:
    store = ModelStore(directory) if directory else ModelStore.shipped()
    return {input_format: score_pages(pages, input_format, store) for input_format in FORMATS}


def save(path: Path, pages: Sequence[Page], scores: dict[str, list[WordScores]], models: str) -> None:
    """Write the per-page counts and confusion of one build as JSON."""
    as_json = {
        input_format: [
            {
                "counts": {label: dict(counts) for label, counts in page.counts.items()},
                "confusion": [[gold, given, words] for (gold, given), words in page.confusion.items()],
            }
            for page in per_page
        ]
        for input_format, per_page in scores.items()
    }
    sources = [p.document.source for p in pages]
    path.write_text(json.dumps({"models": models, "pages": sources, "scores": as_json}) + "\n")


def load(path: Path, pages: Sequence[Page]) -> dict[str, list[WordScores]]:
    """The scores ``save`` wrote, for the same pages in the same order (else SystemExit)."""
    saved = json.loads(path.read_text())
    if saved["pages"] != [p.document.source for p in pages]:
        raise SystemExit(f"{path} was saved on other validation pages: score both builds on these")
    out = {}
    for input_format, per_page in saved["scores"].items():
        out[input_format] = []
        for page in per_page:
            scores = WordScores()
            for label, counts in page["counts"].items():
                scores.counts[label] = Counter(counts)
            scores.confusion = Counter({(gold, given): words for gold, given, words in page["confusion"]})
            out[input_format].append(scores)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", type=Path, default=hand_labels.REPO.parent / "shared" / "data")
    parser.add_argument("--models", type=Path, help="the model directory to score (default: the shipped one)")
    parser.add_argument(
        "--against", type=Path, help="a second model directory, or a --save file, compared on the same pages"
    )
    parser.add_argument("--resamples", type=int, default=2000, help="bootstrap resamples for --against")
    parser.add_argument("--save", type=Path, help="write the per-page counts of --models to this JSON file")
    args = parser.parse_args(argv)
    pages = validation_pages(args.data_dir)
    with_fund = sum(any(b.label == "fundraising" for b in p.document.blocks) for p in pages)
    print(
        f"validation split: {len(pages)} hand-labelled pages of held-out sites ({with_fund} with fundraising)"
    )
    builds = [args.models] + ([args.against] if args.against else [])
    results = []
    for directory in builds:
        if directory is not None and directory.is_file():
            print(f"\nsaved: {directory} (models {json.loads(directory.read_text())['models']})")
            results.append(load(directory, pages))
        else:
            print(f"\nmodels: {directory or 'shipped (trained/)'}")
            results.append(run(pages, directory))
        print(table(pages, results[-1]))
        if directory is None or directory.is_dir():
            print(readability_body(pages, args.data_dir, directory))
    if args.save:
        save(args.save, pages, results[0], str(args.models or "shipped (trained/)"))
    if args.against:
        print(
            f"\n{args.against} minus {args.models or 'shipped'}: macro F1, all pages, 95% bootstrap interval"
        )
        for input_format in FORMATS:
            first, second = (r[input_format] for r in results)
            a, b = (pooled(r).macro_f1() for r in (first, second))
            low, high = bootstrap(first, second, args.resamples)
            pa, pb = (np.nanmean(page_means(np.array([page_f1(s) for s in r]))) for r in (first, second))
            page_low, page_high = page_bootstrap(first, second, args.resamples)
            print(
                f"  {input_format}: pooled {b - a:+.3f} [{low:+.3f}, {high:+.3f}],"
                f" per page {pb - pa:+.3f} [{page_low:+.3f}, {page_high:+.3f}]"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
