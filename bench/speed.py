"""Speed of pageparts on the WCXB development pages: documents/second, blocks/second, peak memory.

    /work/venv/bin/python bench/speed.py [DATA_DIR] [--limit N] [--jobs 1,2] [--trafilatura-python PY]
        [--no-stages]

Every configuration runs in a fresh subprocess on one core (OMP_NUM_THREADS and friends set to 1),
so its peak memory (``ru_maxrss``) is its own:

- ``parse only``: gunzip, ``lxml.html`` parse and ``text_content()`` of the whole page (the floor
  for anything that reads HTML with lxml);
- ``pageparts html``: the whole classify path (``Runner.run``: read, gunzip, sniff, split, every
  plugin, combine, and JSON Lines output to /dev/null, as ``pageparts classify -f jsonl`` does) on
  the pages, once per ``--jobs`` value (jobs > 1 uses worker processes, which write the JSON);
- ``pageparts text``: the same on the plain-text rendering of the pages (the HTML splitter's
  block texts joined by blank lines, written to a temporary directory first);
- ``trafilatura``: ``trafilatura.extract`` with its defaults on the gunzipped page, if trafilatura
  can be imported by ``--trafilatura-python`` (default: this interpreter), else "not installed".

Rates are wall-clock over all N pages after a warm-up document (plugins and models loaded);
``start-up`` is the time to import, load the plugins and models and classify that first page.
Then the command line's start-up: ``pageparts classify -f jsonl`` on the first page, run
``--startup-runs`` times as a fresh process (median wall-clock and CPU seconds).
Then, unless ``--no-stages``, a per-stage breakdown of the classify path in its own subprocess:
read+gunzip, sniff, split (for HTML also decode, parse, walk and page facts), features, each
plugin's classify (its model's part separately), vote checks and combine.
"""

from __future__ import annotations

import argparse
import gzip
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
    )
}


def page_paths(data_dir: str, limit: int) -> list[str]:
    html = Path(data_dir) / "wcxb-dev" / "html"
    paths = sorted(str(p) for p in html.glob("*.html.gz"))
    if not paths:
        raise SystemExit(f"no pages in {html}")
    return paths[:limit] if limit else paths


def write_text_renderings(paths: list[str], directory: str) -> list[str]:
    from pageparts.splitters.html import split_html

    out = []
    for path in paths:
        blocks, _ = split_html(gzip.decompress(Path(path).read_bytes()))
        target = Path(directory) / (Path(path).name.removesuffix(".html.gz") + ".txt")
        target.write_text("\n\n".join(b.text for b in blocks), encoding="utf-8")
        out.append(str(target))
    return out


# -- the measured configurations (each in its own process) ----------------------------------------


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu(children: bool = True) -> float:
    """CPU seconds of this process and (unless not ``children``) its finished worker processes."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + (kids.ru_utime + kids.ru_stime if children else 0.0)


def _worker_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child_parse(paths: list[str]) -> dict:
    import lxml.html

    started, cpu = time.perf_counter(), _cpu()
    chars = 0
    for path in paths:
        chars += len(lxml.html.fromstring(gzip.decompress(Path(path).read_bytes())).text_content())
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "blocks": None, "startup": 0.0}


def child_trafilatura(paths: list[str]) -> dict:
    try:
        import trafilatura
    except ImportError:
        return {"missing": True}
    begun = time.perf_counter()
    trafilatura.extract(gzip.decompress(Path(paths[0]).read_bytes()))
    startup = time.perf_counter() - begun
    started, cpu = time.perf_counter(), _cpu()
    for path in paths:
        trafilatura.extract(gzip.decompress(Path(path).read_bytes()))
    return {
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "blocks": None,
        "startup": startup,
        "version": trafilatura.__version__,
    }


def child_pageparts(paths: list[str], jobs: int) -> dict:
    begun = time.perf_counter()
    from pageparts.host.runner import Runner

    try:  # the command line's garbage collection, where it has its own (see collector.py)
        from pageparts.host.collector import collect_less
    except ImportError:
        pass
    else:
        collect_less()
    runner = Runner()
    next(runner.run(paths[:1]))
    startup = time.perf_counter() - begun
    started, cpu, own_cpu = time.perf_counter(), _cpu(), _cpu(children=False)
    blocks = errors = 0
    from pageparts.output.formats import render, write_jsonl

    # the writer on the runner's path, as the command passes it (none before the compiled writer)
    on_path = {"path": runner.hot_path} if "path" in inspect.signature(render).parameters else {}
    # as `pageparts classify -f jsonl > /dev/null` does: JSON Lines made where the documents are
    with open(os.devnull, "w", encoding="utf-8") as out:
        if jobs > 1:
            from functools import partial

            show = partial(render, format_name="jsonl", **on_path)
            for result in runner.run(paths, jobs=jobs, render=show):
                errors += result.error is not None
                blocks += result.output.count('{"index": ')
                out.write(result.output)
        else:
            for result in runner.run(paths):
                errors += result.error is not None
                blocks += len(result.document.blocks) if result.document else 0
                write_jsonl(result, out, **on_path)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": _cpu() - cpu,
        "parent_cpu": _cpu(children=False) - own_cpu,
        "worker_peak_mb": _worker_peak_mb() if jobs > 1 else 0.0,
        "blocks": blocks,
        "errors": errors,
        "startup": startup,
    }


def child_stages(paths: list[str]) -> dict:
    """Time each stage of Runner.classify_source separately (the same calls, in the same order)."""
    from pageparts.document import Document
    from pageparts.host.contract import checked_votes
    from pageparts.host.runner import Runner
    from pageparts.input.charsets import to_utf8
    from pageparts.input.reading import looks_binary, read_source
    from pageparts.scoring.combine import combine
    from pageparts.scoring.features import document_features, model_kind
    from pageparts.splitters import html as html_splitter

    runner = Runner()
    plugins = runner._classifier_plugins()  # (name, classify hook, labels, label of its model)
    # the runner's hot path (compiled, where the extension is built), passed as the runner passes
    # it; pageparts before the compiled core (measured as "before") has none
    hot = getattr(runner, "hot_path", None)
    on_path = () if hot is None else (hot,)
    # the hashing of the runner's path, as the models pass it; none before the compiled hashing
    hashing = (hot.gram_keys,) if hasattr(hot, "gram_keys") else ()
    # the whole path, as the models pass it, since the features take it (with the compiled counts)
    hashing = (hot,) if hasattr(hot, "shared_in") else hashing
    # the pattern matching of the runner's path, set per document as the runner sets it; none before
    from pageparts.scoring import text_index

    use_matcher = getattr(text_index, "use_matcher", None) if hasattr(hot, "matches") else None
    # since the title match is compiled, the runner gives each document its path (and its matcher)
    use_path = getattr(sys.modules.get("pageparts.scoring.speedups"), "use_path", None)
    # the split's path, which the runner sets around each split (the compiled walk of the HTML
    # splitter), set here once for all of them; none before the compiled walk
    split_path = getattr(sys.modules.get("pageparts.scoring.speedups"), "SPLIT_PATH", None)
    if split_path is not None:
        split_path.set(hot)
    model_seconds = {name: 0.0 for name, _, _, _ in plugins}
    clock = time.process_time  # CPU time: steadier than wall-clock on a busy machine

    stages: dict[str, float] = {}

    def add(stage: str, seconds: float) -> None:
        stages[stage] = stages.get(stage, 0.0) + seconds

    for i, path in enumerate([paths[0], *paths]):  # the first page twice: warm-up, then reset
        t0 = clock()
        content = read_source(path)
        t1 = clock()
        if looks_binary(content):
            continue
        content = to_utf8(content)
        input_format = runner._input_format(content)
        t2 = clock()
        blocks, meta = runner.registry.manager.hook.pageparts_split(
            content=content, input_format=input_format
        )
        t3 = clock()
        document = Document(source=path, input_format=input_format, blocks=blocks, meta=dict(meta))
        if use_path is not None:
            use_path(document, hot)
        elif use_matcher is not None:
            use_matcher(document, hot.matches)
        document_features(document, model_kind(document), *hashing)
        t4 = clock()
        add("read + gunzip", t1 - t0)
        add("sniff (binary, format)", t2 - t1)
        add("split (decode, parse, walk)", t3 - t2)
        if input_format == "html":  # the split's parts, again, for the record
            s0 = clock()
            root = html_splitter.parse(html_splitter.decode_html(content)[0])
            s1 = clock()
            html_splitter._walk(root)
            s2 = clock()
            html_splitter.page_meta(root)
            s3 = clock()
            add("  split: decode + parse", s1 - s0)
            add("  split: walk", s2 - s1)
            add("  split: page meta", s3 - s2)
        add("features (shared by the models)", t4 - t3)
        votes = []
        for name, function, labels, model_label in plugins:
            p0 = clock()
            cast = function(document=document)
            m0 = clock()
            modelled = runner.models.votes(name, model_label, document, *on_path) if model_label else []
            p1 = clock()
            votes.extend(checked_votes(cast, name, labels, len(document.blocks)))
            votes.extend(modelled)
            model_seconds[name] += p1 - m0
            add(f"classify: {name}", p1 - p0)
            add("vote checks", clock() - p1)
        t6 = clock()
        kind = model_kind(document)
        fitted, layer = runner.models.combiner(kind), runner.models.adaptation(kind)
        combine(document, votes, runner.options.combine, fitted, layer, *on_path)
        add("combine", clock() - t6)
        if i == 0:
            stages.clear()
            for name in model_seconds:
                model_seconds[name] = 0.0
    for name, seconds in model_seconds.items():
        add(f"  of which {name} model", seconds)
    return {"stages": stages, "documents": len(paths)}


def child_main(config: str, list_file: str, jobs: int) -> None:
    paths = Path(list_file).read_text().split("\n")
    if config == "parse":
        result = child_parse(paths)
    elif config == "trafilatura":
        result = child_trafilatura(paths)
    elif config == "pageparts":
        result = child_pageparts(paths, jobs)
    elif config == "stages":
        result = child_stages(paths)
    else:
        raise SystemExit(f"unknown configuration {config}")
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))


def command_startup(page: str, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``pageparts classify -f jsonl PAGE`` in a fresh process."""
    import resource
    import statistics

    script = Path(sys.executable).with_name("pageparts")
    command = [str(script)]
    if not script.exists():
        command = [sys.executable, "-c", "from pageparts.cli import app; app()"]
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([*command, "classify", "-f", "jsonl", page], capture_output=True, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def run_child(python: str, config: str, paths: list[str], jobs: int = 1) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    env = {**os.environ, **ONE_THREAD}
    try:
        done = subprocess.run(
            [python, str(Path(__file__).resolve()), "--child", config, handle.name, "--jobs", str(jobs)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        raise SystemExit(f"{config} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the report -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--limit", type=int, default=300, help="pages to use (0: all 1,358)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values for HTML input")
    parser.add_argument("--trafilatura-python", default=sys.executable, help="interpreter for trafilatura")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage breakdown")
    parser.add_argument("--startup-runs", type=int, default=7, help="runs of the command (0: skip)")
    parser.add_argument("--child", nargs=2, metavar=("CONFIG", "LIST"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child[0], args.child[1], int(args.jobs))
        return 0
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    paths = page_paths(args.data_dir, args.limit)
    n = len(paths)
    rows: list[tuple[str, dict | None]] = [
        ("parse only (lxml.html + text_content)", run_child(sys.executable, "parse", paths))
    ]
    for j in jobs:
        rows.append((f"pageparts html, jobs={j}", run_child(sys.executable, "pageparts", paths, j)))
    with tempfile.TemporaryDirectory() as directory:
        texts = write_text_renderings(paths, directory)
        rows.append(("pageparts text, jobs=1", run_child(sys.executable, "pageparts", texts)))
        stages_text = None if args.no_stages else run_child(sys.executable, "stages", texts)
    traf = run_child(args.trafilatura_python, "trafilatura", paths)
    rows.append(
        (
            f"trafilatura {traf.get('version', '')} extract".replace("  ", " "),
            None if traf.get("missing") else traf,
        )
    )

    parse_rate = n / rows[0][1]["seconds"]
    load = os.getloadavg()[0]
    print(f"{n} WCXB dev pages, one process per row, OMP_NUM_THREADS=1, {os.cpu_count()} cores,")
    print(f"load average {load:.1f} at the end (wall-clock rates suffer when it exceeds the cores;")
    print("CPU ms/doc counts worker processes too and suffers less)\n")
    print(
        "| configuration | docs/s | blocks/s | ms/doc | CPU ms/doc | vs parse only"
        " | start-up s | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, row in rows:
        if row is None:
            print(f"| {name} | not installed | | | | | | |")
            continue
        rate = n / row["seconds"]
        blocks = f"{row['blocks'] / row['seconds']:,.0f}" if row.get("blocks") is not None else ""
        print(
            f"| {name} | {rate:.1f} | {blocks} | {1000 / rate:.1f} | {1000 * row['cpu'] / n:.1f}"
            f" | {parse_rate / rate:.1f}x | {row['startup']:.2f} | {row['peak_mb']:.0f} |"
        )
    if len(jobs) > 1:
        base = rows[1][1]["seconds"]
        scaling = ", ".join(f"jobs={j}: {base / rows[1 + i][1]['seconds']:.2f}x" for i, j in enumerate(jobs))
        print(f"\nwall-clock speed-up over jobs=1 (HTML): {scaling}")
        for i, j in enumerate(jobs):
            row = rows[1 + i][1]
            if j > 1:
                own, workers = 1000 * row["parent_cpu"] / n, 1000 * (row["cpu"] - row["parent_cpu"]) / n
                estimate = min(j, 1000 * rows[1][1]["cpu"] / n / max(own, workers / j))
                print(
                    f"jobs={j}: CPU ms/doc {own:.1f} in the parent, {workers:.1f} in the workers;"
                    f" largest worker peak RSS {row['worker_peak_mb']:.0f} MB"
                    f" (with {j} idle cores: about {estimate:.2f}x over jobs=1, from CPU times)"
                )
    if args.startup_runs:
        with tempfile.TemporaryDirectory() as directory:
            page = Path(directory) / "page.html"
            page.write_bytes(gzip.decompress(Path(paths[0]).read_bytes()))
            wall, cpu = command_startup(str(page), args.startup_runs)
        name = Path(paths[0]).name.removesuffix(".gz")
        print(
            f"\n`pageparts classify -f jsonl {name}` (one page, a fresh process each time):"
            f" median of {args.startup_runs} runs {wall:.2f} s wall-clock, {cpu:.2f} s CPU"
        )
    if not args.no_stages:
        stages_html = run_child(sys.executable, "stages", paths)
        for title, result in (("HTML input", stages_html), ("plain-text input", stages_text)):
            stages = result["stages"]
            total = sum(v for k, v in stages.items() if not k.startswith("  "))
            print(f"\nper-stage CPU time, {title} ({result['documents']} documents, one process)\n")
            print("| stage | CPU ms/doc | share |")
            print("|---|---:|---:|")
            for stage, seconds in stages.items():
                share = f"{seconds / total:.0%}"
                label = stage.replace("  ", "&nbsp;&nbsp;")
                print(f"| {label} | {1000 * seconds / result['documents']:.1f} | {share} |")
            print(f"| total | {1000 * total / result['documents']:.1f} | 100% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
