"""Site adaptation (``pageparts adapt``): how much a few labelled pages of a site help its other pages.

    python bench/adapt.py [DATA_DIR] [--pages 5 2] [--draws 5] [--sites SITE...] [--hand-only]
        [--same-template] [--base DIR] [--errors]

For every WCXB development site with six pages or more (``metadata.json`` gives the domain) the
pages are labelled from WCXB's main content as ``scripts/build_models.py`` labels them
(``label-from-truth --no-rules``: a block outside the main content is ``other`` and accepts every
non-content label); for every site of the hand-labelled corpus (``data/hand-labels``,
``scripts/hand_labels.py``) with six pages or more, by hand (six labels). For each number of
pages N (``--pages``) and each of ``--draws`` random choices of N pages (seeded), the shipped
models are adapted on those N pages (timed in CPU seconds, one thread: the base models' scoring
of the pages and the fit) and the site's other pages are classified with the base models and
with the adaptation. Printed per site and N, each the mean over draws of the mean over the
held-back pages: body word F1 (WCXB's metric, the ``body`` blocks against ``main_content``) or
word macro F1 over the labels that occur (hand labels); ``labels``, the F1 of the pages' own
labels (what reproducing them exactly reaches: label-from-truth misses main content that no block
holds for the most part); ``place``, the same when every block whose place in the template
(``PLACE``) is found on two pages of the site (or template) or more takes the label most of that
place's words have on all of them, held-back pages included, and every other block the base
models' label (``place_f1``: what learning the template's places from every page of it, the
held-back ones included, gives; below ``labels`` where the main content holds a place on some
pages and not on others, and even below ``base`` where the majority of a place is wrong on many
pages); ``base``, the shipped models (or those of ``--base``); ``adapted``, its worst and best
draw; ``layer``, in how many draws the adaptation has an HTML layer, a logistic one or a memory (else
leaving one page out found the base models better, and HTML pages are classified as the base
classifies them); and the adapt time (median and largest). For hand labels, ``as given``: base
and adapted macro F1 with each block that accepts the label it was given scored as if labelled
so (``as_given``): plain macro F1 counts such a word as recalled for its own label and as a
prediction of another (a "See also" heading that may pass as body is right as related-links
and as body), so the two differ where accepted labels are given; and ``body F1``, base and adapted
body word F1 against the hand labels (issue 21's body target, where six-label hand labels exist).

``--same-template``: sites mix templates (ikea.com's collection pages under ``/cat/`` and a product
page under ``/p/``), and a draw of pages of one template scored on another says little about
learning a template. With it, each site's pages are grouped by ``template_path`` (the first URL
path segment that is not a locale), and each template with three pages or more is measured on
its own: N pages drawn from it (at most all but one), its other pages scored. The site-wide
figures (without the option) are the issue's; the per-template ones are what a user adapting on
pages of one template, with a ``--site host/path/`` pattern, would see.

Then every site's adaptation (the first draw of the largest N) goes into one sites directory,
and every WCXB page of the seven sites, plus 100 pages of other sites, is classified through it
by its URL: a page of another site must come out identical (JSON) to the base models' output, and
a page of an adapted site must be classified by its site's adaptation (``Runner.models_for``).

``--errors``: for the hand-labelled sites, after each draw's figures, every block of the held-back
pages whose adapted label the labels do not accept, one line each (``error_lines``): the page and
block, its words, the label it was given and those it accepts, the base's and the adaptation's
label with their confidence, what in the adaptation moves it (``memory``: the memory holds labels
for it; ``place``: a place learnt from two pages; ``site-wide``: the site-wide layer; ``-``:
nothing, the base's scores as they are), its place and the start of its text: the block-by-block
reading of what the layer cannot express. Each draw's list starts with a tally (``tally_line``):
its wrong words, how many of them the base's label had right (``lost`` to the adaptation; the
others the base gets wrong too), and both per mover.

``--base DIR``: adapt the models in DIR instead of the shipped ones (and score the base with
them). The shipped models learnt from the hand-labelled pages of these sites; a base trained
without the sites' pages (``pageparts train`` on labelled files without them) measures what
adapting gives on a site the base never saw, as a user's site would be.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from pageparts.document import LABELS, Document
from pageparts.host.runner import Runner
from pageparts.labels.evaluation import WordScores
from pageparts.labels.extraction_scores import word_prf
from pageparts.labels.labelled import LabelledBlock, LabelledDocument
from pageparts.scoring.adaptation import KindLayer, block_keys, hashed, moved
from pageparts.scoring.combine import ADAPTED
from pageparts.scoring.features import model_kind
from pageparts.scoring.models import shipped_dir
from pageparts.scoring.sites import url_parts
from pageparts.settings import Options
from pageparts.training.adapt import fit_adaptation, write_adapted_directory
from pageparts.training.truth import label_page
from pageparts.training.wcxb import load_wcxb
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parent.parent
MIN_PAGES = 6


def wcxb_sites(data: Path, runner: Runner) -> dict[str, list[tuple[LabelledDocument, str, str]]]:
    """Per WCXB site with MIN_PAGES pages or more: (labelled page, main content, URL) by file id."""
    pages = defaultdict(list)
    for page in load_wcxb(data / "wcxb-dev"):
        pages[page.domain].append(page)
    labels = set(LABELS)
    sites = {}
    for domain, found in sorted(pages.items()):
        if len(found) < MIN_PAGES or "." not in domain:
            continue
        sites[domain] = [
            (
                label_page(p, runner, labels, rules=False),
                p.truth.get("main_content", ""),
                _url(data, p.file_id),
            )
            for p in found
        ]
    return sites


def _url(data: Path, file_id: str) -> str:
    """The URL WCXB's ground truth gives a development page ("" if none)."""
    truth = data / "wcxb-dev" / "ground-truth" / f"{file_id}.json"
    if not truth.is_file():
        return ""
    return json.loads(truth.read_text(encoding="utf-8")).get("url", "")


def hand_sites(data: Path, runner: Runner) -> dict[str, list[LabelledDocument]]:
    """Per site of the hand-labelled corpus with MIN_PAGES pages or more: its labelled pages."""
    sys.path.insert(0, str(REPO / "scripts"))
    from hand_labels import _labelled, _spec_paths, page_site, parse_spec

    by_site = defaultdict(list)
    roots = [REPO / "data" / "hand-labels" / d for d in ("", "news-pool", "readability-tests")]
    for path in _spec_paths([str(r) for r in roots]):
        source = parse_spec(path.read_text(encoding="utf-8"), str(path)).source
        by_site[page_site(data, source)].append(path)
    chosen = {site: paths for site, paths in sorted(by_site.items()) if len(paths) >= MIN_PAGES}
    return {site: _labelled(runner, data, [str(p) for p in paths]) for site, paths in chosen.items()}


def hand_url(data: Path, source: str) -> str:
    """The URL of a hand-labelled page where WCXB's ground truth gives one (``wcxb-dev/ID``), else
    its source."""
    collection, _, page_id = source.partition("/")
    return (collection == "wcxb-dev" and _url(data, page_id)) or source


LOCALE = re.compile(r"[a-z]{2}(?:[-_][a-z]{2})?", re.IGNORECASE)


def template_path(url: str) -> str:
    """A page's template as its URL says it: the first path segment that is not a locale or country
    code (``/us/en/cat/desks/`` and ``/us/en/cat/sofas/``: ``cat``; ``/en-US/docs/Web/...``: ``docs``;
    ``/products/jimmy``: ``products``), or "" for the home page and a source that is no URL."""
    parts = url_parts(url)
    if parts is None:
        return ""
    segments = [s for s in parts[1].split("/") if s and not LOCALE.fullmatch(s)]
    return segments[0] if segments else ""


def template_groups(urls: list[str]) -> dict[str, list[int]]:
    """The page indices per template (``template_path``), of the templates with three pages or more
    (two to adapt on, one to score at the least)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, url in enumerate(urls):
        groups[template_path(url)].append(i)
    return {t: found for t, found in sorted(groups.items()) if len(found) >= 3}


def body_f1(runner: Runner, document: LabelledDocument, truth: str, url: str | None = None) -> float:
    classified = runner.classify_bytes(document.content(), document.source, url=url)
    return word_prf(classified.text(("body",)), truth).f1


def place_f1(
    runner: Runner, rows: list[tuple[LabelledDocument, str, str]], pool: list[int]
) -> dict[int, float]:
    """Per page of ``pool``: its body F1 when every block whose place (``PLACE``) is found on two
    pages of ``pool`` or more takes the label most of that place's words have there (body or not),
    held-back pages included, and every other block the base models' label: what learning the
    template's places from all its pages gives; short of ``labels_f1`` where the main content
    takes a place on some pages of the template and not on others."""
    pages = []
    for i in pool:
        document, _, url = rows[i]
        classified = runner.classify_bytes(document.content(), document.source, url=url)
        places = (
            [row[0] for row in block_keys(classified, "html")] if model_kind(classified) == "html" else []
        )
        if len(places) != len(document.blocks):
            places = [f"{i}/{j}" for j in range(len(document.blocks))]  # not comparable: its own
        pages.append((places, [b.label == "body" for b in classified.blocks]))
    words: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    found: dict[str, set[int]] = defaultdict(set)
    for i, (places, _) in zip(pool, pages, strict=True):
        for place, block in zip(places, rows[i][0].blocks, strict=True):
            words[place][block.label == "body"] += len(block.text.split())
            found[place].add(i)
    scores = {}
    for i, (places, base) in zip(pool, pages, strict=True):
        document, truth, _ = rows[i]
        body = [
            words[p][1] > words[p][0] if len(found[p]) >= 2 and words[p][0] != words[p][1] else b
            for p, b in zip(places, base, strict=True)
        ]
        scores[i] = word_prf(
            "\n\n".join(b.text for b, x in zip(document.blocks, body, strict=True) if x), truth
        ).f1
    return scores


def labels_f1(document: LabelledDocument, truth: str) -> float:
    """The body F1 of the page's own body labels: what reproducing the labels exactly reaches."""
    return word_prf("\n\n".join(b.text for b in document.blocks if b.label == "body"), truth).f1


def macro_f1(runner: Runner, documents: list[LabelledDocument]) -> tuple[float, float, float]:
    """Word macro F1 over the labels that occur, the same with every block whose accepted labels
    hold the label it was given scored as if labelled so (``as_given``), and body word F1 (the hand
    labels' body, each word right when its block accepts the label given)."""
    scores, given = WordScores(), WordScores()
    for document in documents:
        classified = runner.classify_bytes(document.content(), document.source)
        scores.add(classified, document.blocks)
        given.add(classified, as_given(classified, document.blocks))
    body = next(r["f1"] for r in scores.rows() if r["label"] == "body")
    return _macro(scores), _macro(given), body


def as_given(classified: Document, blocks: list[LabelledBlock]) -> list[LabelledBlock]:
    """``blocks``, each labelled with the label its classified block was given where it accepts it
    (when the page split into the labelled blocks). Plain macro F1 counts such a word as recalled
    for its own label but as a prediction of another."""
    if [b.text for b in classified.blocks] != [b.text for b in blocks]:
        return blocks
    return [
        replace(b, label=c.label) if c.label in b.accept else b
        for b, c in zip(blocks, classified.blocks, strict=True)
    ]


def _macro(scores: WordScores) -> float:
    rows = [
        r
        for r in scores.rows()[: len(LABELS)]
        if scores.counts[r["label"]]["gold"] or scores.counts[r["label"]]["predicted"]
    ]
    return sum(r["f1"] for r in rows) / max(len(rows), 1)


def mover(layer: KindLayer | None, keys: list[list[int]]) -> list[str]:
    """Per block (by its hashed HTML keys): what in ``layer`` moves it (``--errors``): ``memory``,
    ``place``, ``site-wide`` or ``-`` (nothing: the base's scores)."""
    if layer is None:
        return ["-"] * len(keys)
    placed = moved(layer.places, keys)
    free = layer.memory.allowed(keys).all(axis=1) if layer.memory is not None else [True] * len(keys)
    return [
        "memory" if not f else "place" if p else "site-wide" if layer.wide is not None else "-"
        for p, f in zip(placed, free, strict=True)
    ]


def error_lines(
    base: Runner, adapted: Runner, document: LabelledDocument, tally: Counter | None = None
) -> list[str]:
    """The blocks of ``document`` whose label under ``adapted`` its labels do not accept, one line
    each (``--errors``), when the page splits into its labelled blocks. ``tally`` (if given) gets
    their words per (``lost`` where the base's label was accepted, else ``both``; mover)."""
    before = base.classify_bytes(document.content(), document.source)
    after = adapted.classify_bytes(document.content(), document.source)
    if model_kind(after) != "html" or [b.text for b in after.blocks] != [b.text for b in document.blocks]:
        return [f"  {document.source}: not split into its labelled blocks"]
    keys = block_keys(after, "html")
    store = adapted.models
    movers = mover(store.adaptation("html") if store is not None else None, hashed(keys))
    lines = []
    for i, (gold, old, new) in enumerate(zip(document.blocks, before.blocks, after.blocks, strict=True)):
        if new.label in gold.accept:
            continue
        accepts = "|".join(sorted(gold.accept - {gold.label}))
        text = " ".join(gold.text.split())
        if tally is not None:
            tally["lost" if old.label in gold.accept else "both", movers[i]] += len(gold.text.split())
        lines.append(
            f"  {document.source} #{i} {len(gold.text.split())} words: {gold.label}"
            f"{f' ({accepts})' if accepts else ''}; base {old.label} {old.confidence:.2f}, adapted "
            f"{new.label} {new.confidence:.2f} by {movers[i]}; {keys[i][0]}; {text[:50]!r}"
        )
    return lines


def tally_line(tally: Counter) -> str:
    """One line of ``--errors``' tally: the held-back pages' wrong words, those the base's label had
    right (``lost`` to the adaptation), and both per mover."""
    total = sum(tally.values())
    lost = sum(n for (kind, _), n in tally.items() if kind == "lost")
    movers = ", ".join(
        f"{mover} {sum(n for (_, m), n in tally.items() if m == mover)}"
        f" ({sum(n for (k, m), n in tally.items() if m == mover and k == 'lost')} lost)"
        for mover in ("memory", "place", "site-wide", "-")
        if any(m == mover for _, m in tally)
    )
    return f"  wrong words {total}, {lost} of them right by the base; by {movers or 'nothing'}"


def adapt(documents: list[LabelledDocument], base: Path, out: Path, site: str) -> tuple[float, bool]:
    """Adapt the models in ``base`` on ``documents`` into ``out``; the CPU seconds it took, and
    whether it has an HTML layer (else leaving a page out found the base models better)."""
    started = time.process_time()
    fits, _ = fit_adaptation(documents, base, Options())
    seconds = time.process_time() - started
    write_adapted_directory(out, base, fits, documents, site, "bench/adapt.py")
    return seconds, "html" in fits and fits["html"].layer is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--pages", type=int, nargs="+", default=[5, 2])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--sites", nargs="*", help="only these sites")
    parser.add_argument("--hand-only", action="store_true", help="only the hand-labelled sites")
    parser.add_argument(
        "--same-template",
        action="store_true",
        help="draw and score within each URL template of a site (template_path) with 3 pages or more",
    )
    parser.add_argument("--base", type=Path, help="the models to adapt (default: the shipped ones)")
    parser.add_argument(
        "--errors", action="store_true", help="list the held-back pages' wrong blocks (hand labels)"
    )
    args = parser.parse_args(argv)
    data = Path(args.data_dir)
    models = args.base.resolve() if args.base else shipped_dir()
    rules = Runner(Options(input_format="html"), models=None)
    base = Runner(Options(models=models))
    wcxb = {} if args.hand_only else wcxb_sites(data, rules)
    hand = hand_sites(data, rules)
    if args.sites:
        wcxb = {k: v for k, v in wcxb.items() if k in args.sites}
        hand = {k: v for k, v in hand.items() if k in args.sites}
    work = Path(tempfile.mkdtemp(prefix="adapt-bench-"))
    named = f"the models in {args.base}" if args.base else "the shipped models"
    print(f"site adaptation of {named}; {args.draws} draws of N pages, the rest scored")
    print(
        f"{'site':<30} {'pages':>5} {'N':>2} {'score':<8} {'labels':>6} {'place':>6} {'base':>6} "
        f"{'adapted':>7} {'min':>6} {'max':>6} {'layer':>5}  adapt s (median, max)  as given: base, adapted"
        "  body F1: base, adapted"
    )
    kept: dict[str, Path] = {}
    with threadpool_limits(1):
        runs = [(site, rows, False) for site, rows in wcxb.items()]
        runs += [(site, documents, True) for site, documents in hand.items()]
        for site, rows, is_hand in runs:
            documents = rows if is_hand else [r[0] for r in rows]
            urls = [hand_url(data, d.source) for d in documents] if is_hand else [r[2] for r in rows]
            groups = template_groups(urls) if args.same_template else {"": list(range(len(documents)))}
            for template, pool in groups.items():
                name = (
                    (f"{site} /{template}/" if template else f"{site} (no URL)")
                    if args.same_template
                    else site
                )
                for n in args.pages:
                    size = min(n, len(pool) - 1)
                    ceilings, placed, bases, adapted, times = [], [], [], [], []
                    given: list[tuple[float, float]] = []
                    bodies: list[tuple[float, float]] = []
                    by_place = {} if is_hand else place_f1(base, rows, pool)
                    layers = 0
                    errors: list[str] = []
                    for draw in range(args.draws):
                        seed = f"{site}/{template}/{n}/{draw}" if args.same_template else f"{site}/{n}/{draw}"
                        chosen = sorted(random.Random(seed).sample(pool, size))
                        out = work / f"{site}-{template}-{n}-{draw}"
                        seconds, layered = adapt([documents[i] for i in chosen], models, out, site)
                        times.append(seconds)
                        layers += layered
                        if n == max(args.pages) and draw == 0 and site not in kept:
                            kept[site] = out
                        runner = Runner(Options(models=out))
                        rest = [i for i in pool if i not in chosen]
                        if is_hand:
                            (plain, base_given, base_body), (after, adapted_given, adapted_body) = (
                                macro_f1(r, [documents[i] for i in rest]) for r in (base, runner)
                            )
                            bodies.append((base_body, adapted_body))
                            if args.errors:
                                sources = " ".join(documents[i].source for i in chosen)
                                errors.append(f"{name}, {size} pages, draw {draw} ({sources}): {after:.3f}")
                                tally: Counter = Counter()
                                lines = [
                                    line
                                    for i in rest
                                    for line in error_lines(base, runner, documents[i], tally)
                                ]
                                errors += [tally_line(tally), *lines]
                            bases.append(plain)
                            adapted.append(after)
                            given.append((base_given, adapted_given))
                        else:
                            ceilings.append(statistics.mean(labels_f1(rows[i][0], rows[i][1]) for i in rest))
                            placed.append(statistics.mean(by_place[i] for i in rest))
                            bases.append(statistics.mean(body_f1(base, rows[i][0], rows[i][1]) for i in rest))
                            adapted.append(
                                statistics.mean(body_f1(runner, rows[i][0], rows[i][1]) for i in rest)
                            )
                    score = "macro F1" if is_hand else "body F1"
                    ceiling = f"{statistics.mean(ceilings):>6.3f}" if ceilings else f"{'-':>6}"
                    ceiling += f" {statistics.mean(placed):>6.3f}" if placed else f" {'-':>6}"
                    as_given_f1 = "".join(
                        f"{', ' if k else '  '}{statistics.mean(g[k] for g in given):.3f}"
                        for k in range(2)
                        if given
                    )
                    if bodies:
                        as_given_f1 += "  body " + ", ".join(
                            f"{statistics.mean(b[k] for b in bodies):.3f}" for k in range(2)
                        )
                    print(
                        f"{name:<30} {len(pool):>5} {size:>2} {score:<8} {ceiling} "
                        f"{statistics.mean(bases):>6.3f} {statistics.mean(adapted):>7.3f} "
                        f"{min(adapted):>6.3f} {max(adapted):>6.3f} {layers:>3}/{args.draws}  "
                        f"{statistics.median(times):.1f}, {max(times):.1f}{as_given_f1}",
                        flush=True,
                    )
                    if errors:
                        print("\n".join(errors), flush=True)
    if wcxb:
        unchanged(data, wcxb, kept, work, models)
    return 0


def unchanged(data: Path, wcxb: dict, kept: dict[str, Path], work: Path, models: Path) -> None:
    """Every adaptation side by side: other sites' pages as the base classifies them, own ones adapted."""
    sites = work / "sites"
    sites.mkdir()
    for site, out in kept.items():
        (sites / site).symlink_to(out)
    base = Runner(Options(models=models))
    through = Runner(Options(models=models, sites=sites))
    others = [p for p in load_wcxb(data / "wcxb-dev") if p.domain not in wcxb][:100]
    same = different = routed = moved = 0
    for page in others:
        url = _url(data, page.file_id)
        content = page.html()
        a = base.classify_bytes(content, page.file_id).to_dict()
        b = through.classify_bytes(content, page.file_id, url=url).to_dict()
        same += a == b
        different += a != b
    for site, rows in wcxb.items():
        for document, _, url in rows:
            routed += through.models_for(url).directory.name == site
            classified = through.classify_bytes(document.content(), document.source, url=url)
            moved += classified.combined is not None and classified.combined.method == ADAPTED
    total = sum(len(r) for r in wcxb.values())
    print(
        f"through --sites with {len(kept)} adaptations: {same} of {same + different} pages of other sites "
        f"identical to the base output; {routed} of {total} pages of the adapted sites classified by their "
        f"site's adaptation ({moved} by an HTML layer; the others' adaptation has none)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
