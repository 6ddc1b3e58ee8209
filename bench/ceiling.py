"""Why label-from-truth's body labels fall short of a site's main content: the ceiling, page by page.

    python bench/ceiling.py [DATA_DIR] [--sites SITE...] [--pages] [--show N]

For every WCXB development page of the chosen sites (default: the seven with six pages or more),
the page is split by the HTML splitter and labelled as ``bench/adapt.py`` labels it
(``label-from-truth --no-rules``). Its ``labels`` F1 (the body blocks against ``main_content``,
WCXB's bag-of-words F1) is set beside three oracles, each allowed more than the one after it:

- ``words``: the page words aligned to the main content (in runs of three words, in order and
  then, for what is left, in any order: ``align_reordered``; label-from-truth aligns in order
  only), nothing else: what is lost here is (a), main content that no block holds;
- ``blocks``: a near-best selection of whole blocks (greedy, see ``block_oracle``): what is lost
  between ``words`` and ``blocks`` is (b), blocks that mix main content with other text;
- ``labels``: the body labels as label-from-truth gives them: what is lost between ``blocks``
  and ``labels`` is (c), blocks assigned otherwise than the best selection would (the 0.5
  share threshold, the headline and ``without`` snippets); ``+head`` counts the blocks labelled
  headline as body too (WCXB's main content holds the title on many product pages, and body
  F1 never gets its words).

F1 points are means over pages, so the main-content words that (a) loses are counted too, by
where the raw HTML holds them: ``hidden`` (an element the splitter skips as hidden: ``hidden``,
``aria-hidden="true"``, an inline ``display:none``), ``invisible`` (a script, template,
``<noscript>`` or other element never shown), ``attribute`` (an attribute value: ``alt``,
``title``, ``content``, ``data-*``), ``scattered`` (a visible word, but not in an aligned run:
a different order, a run too short) or ``nowhere``. Each is the first of these places where the
word is found in a run of three in order. ``--show N`` prints, per page, the N largest blocks
where the labels and the block oracle differ, and the words (a) loses.
"""

from __future__ import annotations

import argparse
import html as html_lib
import sys
from collections import Counter, defaultdict
from pathlib import Path

from pageparts.document import LABELS
from pageparts.host.runner import Runner
from pageparts.input.charsets import decode_html
from pageparts.labels.extraction_scores import counts_prf, words
from pageparts.settings import Options
from pageparts.splitters.html import INVISIBLE_TAGS, _is_hidden, read_page
from pageparts.training.labels import MIN_RUN, align_reordered, block_words, body_share
from pageparts.training.truth import label_page
from pageparts.training.wcxb import load_wcxb

REPO = Path(__file__).resolve().parent.parent
SITES = (
    "apple.com",
    "developer.mozilla.org",
    "ebay.com",
    "ifixit.com",
    "ikea.com",
    "rei.com",
    "store.steampowered.com",
)
SOURCES = ("hidden", "invisible", "attribute", "scattered", "nowhere")


def f1(got: Counter, want: Counter) -> float:
    return counts_prf(got, want).f1


def block_oracle(texts: list[str], truth: str, want: Counter) -> tuple[float, set[int]]:
    """A near-best F1 of a set of whole blocks: blocks in order of their share of main-content words
    (aligned in order, runs of ``MIN_RUN``), each kept when it raises the F1, then each dropped
    when that raises it."""
    share = body_share(texts, truth)
    counts = [Counter(words(t)) for t in texts]
    order = sorted((i for i in range(len(texts)) if share[i] > 0), key=lambda i: (-share[i], -len(counts[i])))
    got: Counter = Counter()
    chosen: set[int] = set()
    best = 0.0
    for i in order:
        score = f1(got + counts[i], want)
        if score > best:
            best, got = score, got + counts[i]
            chosen.add(i)
    for i in sorted(chosen, key=lambda i: share[i]):
        score = f1(got - counts[i], want)
        if score > best:
            best, got = score, got - counts[i]
            chosen.discard(i)
    return best, chosen


def aligned_oracle(texts: list[str], truth: str, want: Counter) -> float:
    """The F1 of the page words aligned, in runs of ``MIN_RUN`` words, to the main content
    (``align_reordered``: parts held in another order too)."""
    page_words, _ = block_words(texts)
    if not page_words:
        return f1(Counter(), want)
    aligned = align_reordered(page_words, words(truth), MIN_RUN) >= 0
    return f1(Counter(w for w, hit in zip(page_words, aligned, strict=True) if hit), want)


def raw_sources(html: str) -> dict[str, list[str]]:
    """The words, in page order, of the page's hidden elements (visible text aside), of its
    invisible elements (scripts, templates, ``<noscript>``, ...) and of its attribute values."""
    root, _ = read_page(html)
    found: dict[str, list[str]] = {name: [] for name in SOURCES[:3]}
    if root is None:
        return found
    hidden: set = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        keys = el.keys()
        for key in keys:
            if key not in ("class", "id", "style", "href", "src", "srcset", "d"):
                found["attribute"].extend(words(html_lib.unescape(el.get(key) or "")))
        parent = el.getparent()
        if el.tag in INVISIBLE_TAGS:
            found["invisible"].extend(words(" ".join(el.itertext())))
        elif parent in hidden or (keys and _is_hidden(el, el.tag, keys)):
            hidden.add(el)
            found["hidden"].extend(words(el.text or ""))
        if parent in hidden and el.tail and el.tag not in INVISIBLE_TAGS:
            found["hidden"].extend(words(el.tail))
    return found


def missing_by_source(truth: list[str], visible: list[str], sources: dict[str, list[str]]) -> Counter:
    """How many ``truth`` words no visible word is aligned to (in order, runs of ``MIN_RUN``), by
    the first source that holds them in order: ``hidden``, ``invisible``, ``attribute``; else
    ``nowhere`` (``scattered`` when the visible text holds the word, out of order)."""
    out: Counter = Counter()
    if not truth:
        return out
    left = align_reordered(truth, visible, MIN_RUN) < 0 if visible else [True] * len(truth)
    for name in SOURCES[:3]:
        if not sources[name]:
            continue
        held = align_reordered(truth, sources[name], MIN_RUN) >= 0
        for i, hit in enumerate(held):
            if left[i] and hit:
                out[name] += 1
                left[i] = False
    shown = set(visible)
    for i, word in enumerate(truth):
        if left[i]:
            out["scattered" if word in shown else "nowhere"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--sites", nargs="+", default=list(SITES))
    parser.add_argument("--pages", action="store_true", help="a row per page")
    parser.add_argument("--show", type=int, default=0, help="print the N largest losses of each page")
    args = parser.parse_args(argv)
    runner = Runner(Options(), models=None)
    by_site = defaultdict(list)
    for page in load_wcxb(Path(args.data) / "wcxb-dev"):
        if page.domain in args.sites:
            by_site[page.domain].append(page)
    header = (
        f"{'site / page':<26} {'truth':>6} {'words':>6} {'blocks':>6} {'labels':>6} {'+head':>6}"
        f"  {'(a)':>5} {'(b)':>5} {'(c)':>5}  missing words: " + " ".join(f"{s}" for s in SOURCES)
    )
    print(header)
    for site in args.sites:
        rows = []
        for page in by_site[site]:
            document = label_page(page, runner, set(LABELS), rules=False)
            truth = str(page.truth.get("main_content") or "")
            want = Counter(words(truth))
            texts = [b.text for b in document.blocks]
            block_best, best_set = block_oracle(texts, truth, want)
            scores = (
                aligned_oracle(texts, truth, want),
                block_best,
                f1(labelled_words(document, ("body",)), want),
                f1(labelled_words(document, ("body", "headline")), want),
            )
            sources = raw_sources(decode_html(page.html())[0])
            by_source = missing_by_source(words(truth), [w for t in texts for w in words(t)], sources)
            rows.append((sum(want.values()), scores, by_source))
            if args.pages:
                print(row(f"  {page.file_id}", *rows[-1]))
            if args.show:
                missing = want - Counter(w for t in texts for w in words(t))
                show(document, texts, best_set, missing, args.show)
        if rows:
            total: Counter = Counter()
            for r in rows:
                total.update(r[2])
            means = tuple(sum(r[1][i] for r in rows) / len(rows) for i in range(4))
            print(row(site, sum(r[0] for r in rows), means, total))
    return 0


def labelled_words(document, labels: tuple[str, ...]) -> Counter:
    return Counter(w for b in document.blocks if b.label in labels for w in words(b.text))


def row(name: str, truth_words: int, scores: tuple[float, ...], by_source: Counter) -> str:
    """One line: the truth's words, the oracles, the labels, the losses (a), (b), (c), the missing words."""
    oracle, blocks, labels, _ = scores
    losses = (1 - oracle, oracle - blocks, blocks - labels)
    return (
        f"{name:<26} {truth_words:>6} "
        + " ".join(f"{x:>6.3f}" for x in scores)
        + "  "
        + " ".join(f"{x:>5.3f}" for x in losses)
        + "  "
        + " ".join(f"{by_source[s]:>5}" for s in SOURCES)
    )


def show(document, texts, best_set, missing, limit) -> None:
    """The blocks where the labels and the block oracle differ, largest first, and the missing words."""
    print(f"    missing ({sum(missing.values())}): {' '.join(w for w, _ in missing.most_common(40))}")
    diffs = []
    for i, block in enumerate(document.blocks):
        body = block.label == "body"
        if body != (i in best_set):
            diffs.append((len(words(texts[i])), i, block.label, i in best_set))
    for size, i, label, oracle in sorted(diffs, reverse=True)[:limit]:
        print(f"    [{i}] {label} (oracle {'body' if oracle else 'not'}) {size}w: {texts[i][:150]!r}")


if __name__ == "__main__":
    sys.exit(main())
