"""Check that a change leaves pageparts' output the same: labels identical, scores within 1e-6.

    python bench/same_output.py save DIR [DATA_DIR] [--pages 60]
    python bench/same_output.py check DIR [DATA_DIR]

``save`` classifies a fixed subset of the WCXB development pages (every k-th of the sorted
``wcxb-dev/html/*.html.gz``, ``--pages`` of them) as HTML and as plain text (the HTML splitter's
block texts joined by blank lines, written to DIR/text once so later runs read the same text),
each with the weighted-mean and the learned combiner, and writes to DIR the JSON Lines output
(as ``pageparts classify -f jsonl``), the unrounded scores, and the feature matrices.
``check`` does the same again and compares with what ``save`` wrote: block texts, labels, vote
plugins, labels and reasons must be identical (a model reason's printed probability may differ
only where the probability itself does), confidences and vote scores may differ by less than
``TOLERANCE``, and so may feature values. It prints the differences and exits 1 if there are any,
and the largest difference of any vote score (model votes apart) and confidence it saw.
Both take pageparts' environment variables: with ``PAGEPARTS_PURE_PYTHON=1`` they run the
pure-Python path (so ``save`` on one path and ``check`` on the other compares the two).
"""

from __future__ import annotations

import argparse
import gzip
import inspect
import json
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-6
RUNS = (("html", "mean"), ("html", "learned"), ("text", "mean"), ("text", "learned"))


def chosen_pages(data_dir: str, count: int) -> list[Path]:
    paths = sorted((Path(data_dir) / "wcxb-dev" / "html").glob("*.html.gz"))
    if not paths:
        raise SystemExit(f"no pages in {data_dir}/wcxb-dev/html")
    step = max(1, len(paths) // count)
    return paths[::step][:count]


def text_renderings(pages: list[Path], directory: Path) -> list[Path]:
    """The plain-text rendering of each page, written on the first run and reused after."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for page in pages:
        target = directory / (page.name.removesuffix(".html.gz") + ".txt")
        if not target.exists():
            from pageparts.splitters.html import split_html

            blocks, _ = split_html(gzip.decompress(page.read_bytes()))
            target.write_text("\n\n".join(b.text for b in blocks), encoding="utf-8")
        out.append(target)
    return out


def classify(sources: list[Path], input_format: str, combiner: str) -> tuple[list[str], list[dict]]:
    """JSON Lines output and the unrounded label, confidence and votes of every block."""
    from pageparts.host.runner import Options, Runner
    from pageparts.output.formats import render
    from pageparts.scoring.combine import CombineOptions
    from pageparts.settings import with_environment

    options = Options(input_format=input_format, combine=CombineOptions(learned=combiner == "learned"))
    runner = Runner(with_environment(options, os.environ))
    # written on the runner's path, as `pageparts classify` writes (none before the compiled writer)
    on_path = {"path": runner.hot_path} if "path" in inspect.signature(render).parameters else {}
    lines, exact = [], []
    for result in runner.run([str(s) for s in sources]):
        lines.append(render(result, "jsonl", **on_path))
        document = result.document
        exact.append(
            {
                "source": Path(result.source).name,
                "error": result.error,
                "blocks": [
                    {
                        "text": b.text,
                        "label": b.label,
                        "confidence": b.confidence,
                        "votes": [[v.plugin, v.label, v.score, v.reason] for v in b.votes],
                    }
                    for b in (document.blocks if document else [])
                ],
            }
        )
    return lines, exact


def features(sources: list[Path], input_format: str) -> dict[str, np.ndarray]:
    """Dense features and n-gram matrices (data, indices, indptr) of every document, by name, with
    the pages walked, the n-grams hashed and the characters counted on the path the runs take."""
    from pageparts.document import Document
    from pageparts.host.registry import make_registry
    from pageparts.input.charsets import to_utf8
    from pageparts.input.reading import read_source
    from pageparts.scoring import speedups
    from pageparts.scoring.features import compute, model_kind
    from pageparts.settings import Options, with_environment

    path = speedups.hot_path(with_environment(Options(), os.environ).pure_python)
    # the features take the whole path; before the compiled neighbours' n-grams, its hashing alone
    on_path = (path,) if hasattr(path, "shared_in") else (path.gram_keys,)
    if hasattr(speedups, "SPLIT_PATH"):  # the HTML walk on the runs' path, as a runner splits
        speedups.SPLIT_PATH.set(path)
    split = make_registry().manager.hook.pageparts_split
    arrays = {}
    for source in sources:
        blocks, meta = split(content=to_utf8(read_source(str(source))), input_format=input_format)
        document = Document(str(source), input_format, blocks, dict(meta))
        found = compute(document, model_kind(document), *on_path)
        name = f"{input_format}/{source.name}"
        arrays[f"{name}/dense"] = found.dense
        arrays[f"{name}/data"] = found.ngrams.data
        arrays[f"{name}/indices"] = found.ngrams.indices
        arrays[f"{name}/indptr"] = found.ngrams.indptr
    return arrays


LARGEST = {"model vote": 0.0, "rule vote": 0.0, "confidence": 0.0}
"""The largest absolute difference seen by ``compare_documents``, by kind of number."""


def compare_documents(old: list[dict], new: list[dict], run: str) -> list[str]:
    problems = []
    if [d["source"] for d in old] != [d["source"] for d in new]:
        return [f"{run}: other documents"]
    for a, b in zip(old, new, strict=True):
        where = f"{run} {a['source']}"
        if a["error"] != b["error"] or len(a["blocks"]) != len(b["blocks"]):
            problems.append(f"{where}: error or block count differs")
            continue
        for i, (x, y) in enumerate(zip(a["blocks"], b["blocks"], strict=True)):
            at = f"{where} block {i}"
            if x["text"] != y["text"]:
                problems.append(f"{at}: text differs")
            if x["label"] != y["label"]:
                problems.append(f"{at}: label {x['label']} -> {y['label']}")
            LARGEST["confidence"] = max(LARGEST["confidence"], abs(x["confidence"] - y["confidence"]))
            if abs(x["confidence"] - y["confidence"]) >= TOLERANCE:
                problems.append(f"{at}: confidence {x['confidence']} -> {y['confidence']}")
            if len(x["votes"]) != len(y["votes"]):
                problems.append(f"{at}: {len(x['votes'])} votes -> {len(y['votes'])}")
                continue
            for u, v in zip(x["votes"], y["votes"], strict=True):
                kind = "model vote" if " model: " in u[3] else "rule vote"
                LARGEST[kind] = max(LARGEST[kind], abs(u[2] - v[2]))
                if u[:2] != v[:2] or abs(u[2] - v[2]) >= TOLERANCE or not _same_reason(u, v):
                    problems.append(f"{at}: vote {u} -> {v}")
    return problems


def _same_reason(u: list, v: list) -> bool:
    if u[3] == v[3]:
        return True
    # "html model: 0.53" may round the other way when the probability moved by float noise
    return u[3].endswith(" model: " + u[3].rsplit(" ", 1)[-1]) and u[3].split(":")[0] == v[3].split(":")[0]


def compare_features(old: dict[str, np.ndarray], new: dict[str, np.ndarray]) -> list[str]:
    problems = []
    if set(old) != set(new):
        return ["feature arrays: other documents"]
    for name in sorted(old):
        a, b = old[name], new[name]
        if a.shape != b.shape:
            problems.append(f"{name}: shape {a.shape} -> {b.shape}")
        elif name.endswith(("/indices", "/indptr")):
            if not np.array_equal(a, b):
                problems.append(f"{name}: differs")
        else:
            worst = float(np.max(np.abs(a.astype(np.float64) - b), initial=0.0))
            if worst >= TOLERANCE:
                column = int(np.argmax(np.abs(a.astype(np.float64) - b).max(axis=0))) if a.ndim == 2 else -1
                problems.append(f"{name}: differs by up to {worst:.3g} (column {column})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("directory", type=Path)
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args(argv)
    directory: Path = args.directory
    if args.action == "check":
        args.pages = json.loads((directory / "pages.json").read_text())["count"]
    pages = chosen_pages(args.data_dir, args.pages)
    texts = text_renderings(pages, directory / "text")
    sources = {"html": pages, "text": texts}
    found = {f"{fmt}-{combiner}": classify(sources[fmt], fmt, combiner) for fmt, combiner in RUNS}
    arrays = {**features(pages, "html"), **features(texts, "text")}
    if args.action == "save":
        chosen = {"count": args.pages, "pages": [p.name for p in pages]}
        (directory / "pages.json").write_text(json.dumps(chosen))
        for run, (lines, exact) in found.items():
            (directory / f"{run}.jsonl").write_text("".join(lines), encoding="utf-8")
            (directory / f"{run}.json").write_text(json.dumps(exact), encoding="utf-8")
        np.savez_compressed(directory / "features.npz", **arrays)
        print(f"saved {len(pages)} pages x {len(RUNS)} runs to {directory}")
        return 0
    problems = []
    for run, (lines, exact) in found.items():
        old = json.loads((directory / f"{run}.json").read_text(encoding="utf-8"))
        problems += compare_documents(old, exact, run)
        same_jsonl = (directory / f"{run}.jsonl").read_text(encoding="utf-8") == "".join(lines)
        print(f"{run}: {sum(len(d['blocks']) for d in exact)} blocks, jsonl byte-identical: {same_jsonl}")
    with np.load(directory / "features.npz") as saved:
        problems += compare_features(dict(saved), arrays)
    for problem in problems[:50]:
        print(problem)
    print("largest difference: " + ", ".join(f"{kind} {value:.3g}" for kind, value in LARGEST.items()))
    print(f"{len(problems)} differences" if problems else "same output (labels identical, scores < 1e-6)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
