"""Side-by-side benchmark: pageparts against common main-content extractors on WCXB pages.

    /work/benchvenv/bin/python bench/compare.py [--all] [--limit N] [--tools a,b] [--data PATH]
                                                [--timeout S] [--plot FILE] [--worst N] [--save FILE]

Tools (``--tools``, comma-separated; default all): pageparts, trafilatura, trafilatura-recall,
justext, readability, boilerpy3, newspaper4k, goose3, resiliparse. Each runs with its default
main-content extraction through a small adapter ``extract(html) -> (body_text, title_or_None)``;
the competitors are imported lazily, so the script also runs where only pageparts is installed
(a missing tool is reported as "not installed: <reason>"). ``bench/requirements-compare.txt``
pins the competitors; install them with pageparts into a separate venv:

    python3 -m venv /work/benchvenv
    /work/benchvenv/bin/pip install -r bench/requirements-compare.txt -e .

Method. Every tool gets the same pages in one run. Each tool runs in its own worker subprocess
(this script with ``--worker TOOL``), pinned to one core with OMP/OPENBLAS/MKL threads set to 1
and with the network switched off (a tool that tries to fetch fails on that page). The parent
feeds it one page at a time over a pipe and waits at most ``--timeout`` seconds for the answer;
a worker that overruns is killed and restarted. Time-outs and exceptions count as failures and
score as an empty extraction. Speed is documents per second of extraction calls as timed in the
worker (after one warm-up call; reading and decompressing pages excluded; a time-out counts its
full limit). The metric is WCXB's word F1: per document, the bag of lower-cased ``\\w+`` words of
the extracted text against ``ground_truth.main_content`` (``pageparts.labels.extraction_scores.word_prf``),
precision, recall and F1 averaged over documents.

Pages: by default only pages of held-out domains (``pageparts.training.labels.is_held_out``),
which pageparts' models were not trained on; ``--all`` uses every page, most of which pageparts
was trained on. A second table scores page titles (exact match after whitespace and case
normalisation, and word F1 against ``ground_truth.title``) for the tools that return one.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib
import json
import os
import platform
import re
import select
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "wcxb-dev"
PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")
HEADLINE_TOOLS = ("pageparts", "trafilatura", "newspaper4k")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
PLACEHOLDER_URL = "https://example.com/page"
"""Some tools want a URL; none is ever fetched (the worker has no network)."""

WARM_UP_HTML = (
    "<html><head><title>Warm-up page</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Warm-up page</h1><p>This short paragraph only loads each tool's lazy parts "
    "before timing starts. It has a few sentences of ordinary prose, so that every extractor "
    "finds something to keep.</p><p>A second paragraph follows the first one.</p></article>"
    "<footer>Footer text</footer></body></html>"
)


# --------------------------------------------------------------------------- adapters
# Each adapter: extract(html: str) -> (body_text, title_or_None), the tool's default
# main-content extraction. Imports happen inside, on first use, in the worker only. A title that
# takes work of its own (not a by-product of the extraction) is returned as a function: the worker
# calls it after the clock stops, so docs/s measures main-content extraction alone.

TitleOrNone = str | Callable[[], str | None] | None

_cache: dict[str, object] = {}
_notes: set[str] = set()
"""Warnings an adapter wants reported (each distinct one once per run), such as refused models."""


def extract_pageparts(html: str) -> tuple[str, str | None]:
    import pageparts

    document = pageparts.classify(html.encode("utf-8"), input_format="html")
    _notes.update(document.warnings)
    return document.text(("body",)), document.title()


def extract_trafilatura(html: str) -> tuple[str, TitleOrNone]:
    import trafilatura

    def title() -> str | None:  # its metadata pass (dates, authors...) costs more than the text
        metadata = trafilatura.extract_metadata(html)
        return metadata.title if metadata is not None else None

    return trafilatura.extract(html) or "", title


def extract_trafilatura_recall(html: str) -> tuple[str, str | None]:
    import trafilatura

    return trafilatura.extract(html, favor_recall=True) or "", None


def extract_justext(html: str) -> tuple[str, str | None]:
    import justext

    stoplist = _cache.get("justext") or _cache.setdefault("justext", justext.get_stoplist("English"))
    paragraphs = justext.justext(html, stoplist)
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate), None


def extract_readability(html: str) -> tuple[str, str | None]:
    from readability import Document

    return _html_to_text(Document(html).summary()), None


def extract_boilerpy3(html: str) -> tuple[str, str | None]:
    from boilerpy3 import extractors

    extractor = _cache.get("boilerpy3") or _cache.setdefault("boilerpy3", extractors.ArticleExtractor())
    return extractor.get_content(html) or "", None


def extract_newspaper4k(html: str) -> tuple[str, str | None]:
    from newspaper import Article

    article = Article(PLACEHOLDER_URL, fetch_images=False, follow_meta_refresh=False)
    article.download(input_html=html)
    article.parse()
    return article.text or "", article.title or None


def extract_goose3(html: str) -> tuple[str, str | None]:
    from goose3 import Goose

    goose = _cache.get("goose3") or _cache.setdefault("goose3", Goose({"enable_image_fetching": False}))
    article = goose.extract(raw_html=html)
    return article.cleaned_text or "", None


def extract_resiliparse(html: str) -> tuple[str, str | None]:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True), None


_BLOCK_TAGS = frozenset(
    re.findall(
        r"\w+",
        "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
        "header hr li main nav ol p pre section table td th tr ul",
    )
)


def _html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, with block elements on lines of their own (words not glued)."""
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag != "br":
                element.text = "\n" + (element.text or "")
    return re.sub(r"\n\s*\n\s*", "\n\n", root.text_content()).strip()


@dataclass(frozen=True)
class Tool:
    name: str
    module: str
    """The module that must import for the tool to count as installed."""
    distribution: str
    """The package whose version is reported."""
    extract: Callable[[str], tuple[str, TitleOrNone]]
    label: str = ""


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("pageparts", "pageparts", "pageparts", extract_pageparts, "pageparts (body)"),
        Tool("trafilatura", "trafilatura", "trafilatura", extract_trafilatura),
        Tool(
            "trafilatura-recall",
            "trafilatura",
            "trafilatura",
            extract_trafilatura_recall,
            "trafilatura favor_recall",
        ),
        Tool("justext", "justext", "jusText", extract_justext, "jusText"),
        Tool("readability", "readability", "readability-lxml", extract_readability, "readability-lxml"),
        Tool("boilerpy3", "boilerpy3", "boilerpy3", extract_boilerpy3, "BoilerPy3 (Article)"),
        Tool("newspaper4k", "newspaper", "newspaper4k", extract_newspaper4k),
        Tool("goose3", "goose3", "goose3", extract_goose3),
        Tool("resiliparse", "resiliparse", "Resiliparse", extract_resiliparse),
    )
}


def tool_version(tool: Tool) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version(tool.distribution)
    except PackageNotFoundError:
        found = "?"
    if tool.name == "pageparts":
        found += _pageparts_details()
    return found


def _pageparts_details() -> str:
    """The repo's git commit (and whether its tree has changes) and the trained models in use."""
    details = []
    try:
        git = ["git", "-C", str(REPO)]
        rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
        if rev.stdout.strip():
            details.append(f"git {rev.stdout.strip()}" + ("+changes" if dirty.stdout.strip() else ""))
    except OSError:
        pass
    try:
        from pageparts.scoring.models import MANIFEST, chosen_dir
        from pageparts.settings import resolve_options

        directory = chosen_dir(resolve_options().models)
        files = {p.name for p in directory.glob("*.npz")}
        manifest = directory / MANIFEST
        listed = set(json.loads(manifest.read_text())["models"]) if manifest.exists() else set()
        usable, unlisted = len(files & listed), len(files - listed)
        details.append(f"{usable} trained models" if usable else "no trained models: rules only")
        if unlisted:
            details.append(f"{unlisted} model files refused (not in the manifest)")
    except Exception:  # a pageparts without models
        details.append("no trained models: rules only")
    return f" ({', '.join(details)})" if details else ""


# --------------------------------------------------------------------------- pipe protocol
# A frame is an 8-byte big-endian length and that many bytes. The parent sends raw page bytes
# (an empty frame asks the worker to stop); the worker answers with JSON frames.


def _write_frame(stream, payload: bytes) -> None:
    stream.write(struct.pack(">Q", len(payload)) + payload)
    stream.flush()


def _read_exactly(stream, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data.extend(chunk)
    return bytes(data)


def _read_frame(stream) -> bytes | None:
    header = _read_exactly(stream, 8)
    if header is None:
        return None
    return _read_exactly(stream, struct.unpack(">Q", header)[0])


def decode_html(raw: bytes) -> str:
    """Page bytes as text: UTF-8, else the declared charset, else Windows-1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    found = re.search(rb"""charset\s*=\s*["']?([\w.:-]+)""", raw[:4096], re.IGNORECASE)
    if found:
        try:
            return raw.decode(found.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return raw.decode("cp1252", errors="replace")


# --------------------------------------------------------------------------- worker side


def _pin_to_one_core() -> None:
    """Pin this process to the core it runs on now (field 39 of /proc/self/stat), else the last one."""
    if not hasattr(os, "sched_setaffinity"):
        return
    allowed = os.sched_getaffinity(0)
    core = max(allowed)
    with contextlib.suppress(OSError, ValueError, IndexError):
        current = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[36])
        if current in allowed:
            core = current
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {core})


def _switch_off_network() -> None:
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network access is switched off in the benchmark worker")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def run_worker(name: str) -> int:
    """Serve extraction requests for one tool over stdin/stdout (the parent's private pipe)."""
    proto_in = sys.stdin.buffer
    proto_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything a tool prints goes to stderr
    sys.stdout = sys.stderr
    _pin_to_one_core()
    _switch_off_network()

    def send(message: dict) -> None:
        _write_frame(proto_out, json.dumps(message).encode("utf-8"))

    tool = TOOLS[name]
    try:
        importlib.import_module(tool.module)
    except Exception as error:  # ImportError, or a broken install failing at import
        send({"error": f"not installed: {type(error).__name__}: {error}"})
        return 0
    try:
        _, title = tool.extract(WARM_UP_HTML)
        if callable(title):
            title()
    except Exception:
        pass  # a tool may reject the tiny page; only the loading mattered
    _notes.clear()  # the warm-up page's notes are repeated on the real pages if they matter
    send({"version": tool_version(tool)})
    while True:
        raw = _read_frame(proto_in)
        if not raw:  # EOF or the empty stop frame
            return 0
        html = decode_html(raw)
        started = time.perf_counter()
        try:
            body, title = tool.extract(html)
            seconds = time.perf_counter() - started
        except Exception as error:
            seconds = time.perf_counter() - started
            message = f"{type(error).__name__}: {error}"[:300]
            send({"ok": False, "error": message, "seconds": seconds})
            continue
        if callable(title):  # untimed: see the adapters
            try:
                title = title()
            except Exception:
                title = None
        notes = sorted(_notes)
        _notes.clear()
        send({"ok": True, "text": body or "", "title": title, "seconds": seconds, "notes": notes})


# --------------------------------------------------------------------------- parent side


class WorkerTimeout(Exception):
    pass


class WorkerDied(Exception):
    pass


class Worker:
    """One tool's worker process, with a deadline on every answer."""

    START_TIMEOUT = 300.0

    def __init__(self, name: str, verbose: bool = False) -> None:
        self.name, self.verbose = name, verbose
        self.proc: subprocess.Popen | None = None

    def start(self) -> dict:
        env = dict(os.environ)
        env.update(dict.fromkeys(THREAD_VARS, "1"))
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", self.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if self.verbose else subprocess.DEVNULL,
            env=env,
        )
        return self._answer(self.START_TIMEOUT)

    def extract(self, raw: bytes, timeout: float) -> dict:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            _write_frame(self.proc.stdin, raw)
        except (BrokenPipeError, OSError) as error:
            raise WorkerDied(f"worker gone: {error}") from error
        return self._answer(timeout)

    def _answer(self, timeout: float) -> dict:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        buffer = bytearray()
        needed = 8
        while len(buffer) < needed:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WorkerTimeout
            chunk = os.read(fd, max(needed - len(buffer), 65536))
            if not chunk:
                code = self.proc.poll()
                raise WorkerDied(f"worker exited (code {code})")
            buffer.extend(chunk)
            if needed == 8 and len(buffer) >= 8:
                needed = 8 + struct.unpack(">Q", bytes(buffer[:8]))[0]
        return json.loads(bytes(buffer[8:needed]))

    def stop(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if not kill:
            try:
                assert proc.stdin is not None
                _write_frame(proc.stdin, b"")
                proc.stdin.close()
                proc.wait(timeout=10)
                return
            except (OSError, subprocess.TimeoutExpired):
                pass
        proc.kill()
        proc.wait()


@dataclass
class Page:
    file_id: str
    domain: str
    page_type: str
    main_content: str
    title: str


@dataclass
class Result:
    """One tool's outcome on one page."""

    ok: bool
    text: str = ""
    title: str | None = None
    seconds: float = 0.0
    timed_out: bool = False
    error: str = ""


@dataclass
class Run:
    tool: Tool
    version: str = ""
    error: str = ""
    results: list[Result] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)
    """Distinct warnings from the tool, with the number of pages that raised each."""


def load_pages(data: Path, use_all: bool) -> list[Page]:
    """The WCXB pages to compare on: by default those of held-out domains, with each page's site
    read as ``pageparts train`` reads it (``pageparts.training.wcxb``), so no trained-on page counts."""
    try:
        from pageparts.training.wcxb import load_wcxb
    except ImportError as error:
        raise SystemExit(f"cannot read the pages ({error}): install pageparts") from error
    return [
        Page(
            page.file_id,
            page.domain,
            page.page_type,
            page.truth.get("main_content") or "",
            page.truth.get("title") or "",
        )
        for page in load_wcxb(data)
        if use_all or page.held_out
    ]


def run_tool(tool: Tool, pages: list[Page], data: Path, timeout: float, verbose: bool) -> Run:
    run = Run(tool)
    worker = Worker(tool.name, verbose)
    try:
        hello = worker.start()
    except (WorkerTimeout, WorkerDied) as error:
        worker.stop(kill=True)
        run.error = f"worker did not start: {type(error).__name__} {error}".strip()
        return run
    if "error" in hello:
        worker.stop(kill=True)
        run.error = hello["error"]
        return run
    run.version = hello["version"]
    started = time.monotonic()
    for number, page in enumerate(pages, 1):
        raw = gzip.decompress((data / "html" / f"{page.file_id}.html.gz").read_bytes())
        if worker.proc is None:
            try:
                if "error" in worker.start():
                    raise WorkerDied("worker failed to restart")
            except (WorkerTimeout, WorkerDied) as error:
                worker.stop(kill=True)
                run.results.extend(
                    Result(False, error=f"restart failed: {error}") for _ in pages[number - 1 :]
                )
                break
        sent = time.perf_counter()
        try:
            answer = worker.extract(raw, timeout)
        except WorkerTimeout:
            worker.stop(kill=True)
            run.results.append(Result(False, seconds=timeout, timed_out=True, error="time-out"))
            continue
        except WorkerDied as error:
            worker.stop(kill=True)
            run.results.append(Result(False, seconds=time.perf_counter() - sent, error=str(error)))
            continue
        for note in answer.get("notes", ()):
            run.notes[note] = run.notes.get(note, 0) + 1
        if answer.get("ok"):
            run.results.append(Result(True, answer["text"], answer.get("title"), answer["seconds"]))
        else:
            run.results.append(
                Result(False, seconds=answer.get("seconds", 0.0), error=answer.get("error", ""))
            )
        if verbose and number % 50 == 0:
            print(f"  {tool.name}: {number}/{len(pages)}", file=sys.stderr)
    worker.stop()
    failed = sum(not r.ok for r in run.results)
    print(
        f"{tool.name}: {len(run.results)} pages in {time.monotonic() - started:.1f} s, {failed} failed",
        file=sys.stderr,
    )
    return run


# --------------------------------------------------------------------------- scoring and tables


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class Summary:
    f1: float
    precision: float
    recall: float
    by_type: dict[str, float]
    docs_per_second: float
    failures: int
    timeouts: int
    per_page: list[float]


def summarise(run: Run, pages: list[Page]) -> Summary:
    from pageparts.labels.extraction_scores import word_prf

    scores = [
        word_prf(r.text if r.ok else "", p.main_content) for r, p in zip(run.results, pages, strict=True)
    ]
    by_type = {
        t: _mean([s.f1 for s, p in zip(scores, pages, strict=True) if p.page_type == t]) for t in PAGE_TYPES
    }
    seconds = sum(r.seconds for r in run.results)
    return Summary(
        _mean([s.f1 for s in scores]),
        _mean([s.precision for s in scores]),
        _mean([s.recall for s in scores]),
        by_type,
        len(run.results) / seconds if seconds > 0 else float("nan"),
        sum(not r.ok for r in run.results),
        sum(r.timed_out for r in run.results),
        [s.f1 for s in scores],
    )


def _fmt(value: float, digits: int = 3) -> str:
    return "–" if value != value else f"{value:.{digits}f}"  # NaN -> dash


def _speed(value: float) -> str:
    if value != value:
        return "–"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def main_table(runs: list[Run], summaries: dict[str, Summary], pages: list[Page]) -> str:
    counts = {t: sum(p.page_type == t for p in pages) for t in PAGE_TYPES}
    head = ["tool", "version", "F1", "P", "R", *(f"{t} ({counts[t]})" for t in PAGE_TYPES)]
    head += ["docs/s", "failures", "time-outs"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for run in runs:
        label = run.tool.label or run.tool.name
        if run.error:
            cells = [label, run.error.replace("|", "/"), *["–"] * (len(head) - 2)]
        else:
            s = summaries[run.tool.name]
            cells = [label, run.version, _fmt(s.f1), _fmt(s.precision), _fmt(s.recall)]
            cells += [_fmt(s.by_type[t]) for t in PAGE_TYPES]
            cells += [_speed(s.docs_per_second), str(s.failures), str(s.timeouts)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def headline_table(runs: list[Run], pages: list[Page]) -> str:
    from pageparts.labels.extraction_scores import word_prf

    with_title = [i for i, p in enumerate(pages) if p.title.strip()]
    head = ["tool", "pages with a title", "title returned", "exact match", "word F1"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for run in runs:
        if run.tool.name not in HEADLINE_TOOLS or run.error:
            continue
        titles = [(run.results[i].title or "") if run.results[i].ok else "" for i in with_title]
        truths = [pages[i].title for i in with_title]
        pairs = list(zip(titles, truths, strict=True))
        exact = _mean([float(bool(t) and _norm(t) == _norm(want)) for t, want in pairs])
        f1 = _mean([word_prf(t, want).f1 for t, want in pairs])
        returned = sum(bool(t.strip()) for t in titles)
        label = run.tool.label or run.tool.name
        lines.append(f"| {label} | {len(with_title)} | {returned} | {_fmt(exact)} | {_fmt(f1)} |")
    return "\n".join(lines)


def worst_pages(summaries: dict[str, Summary], pages: list[Page], count: int) -> str:
    ours, theirs = summaries["pageparts"].per_page, summaries["trafilatura"].per_page
    order = sorted(range(len(pages)), key=lambda i: (ours[i] - theirs[i], pages[i].file_id))[:count]
    lines = [
        "| file | page type | domain | pageparts F1 | trafilatura F1 |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {pages[i].file_id} | {pages[i].page_type} | {pages[i].domain} | {ours[i]:.3f} | {theirs[i]:.3f} |"
        for i in order
    ]
    return "\n".join(lines)


def machine_facts() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, {now}"


def plot(summaries: dict[str, Summary], runs: list[Run], path: Path, title: str) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        return f"plot skipped: {error}"
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=120)
    for run in runs:
        s = summaries.get(run.tool.name)
        if s is None or s.docs_per_second != s.docs_per_second:
            continue
        colour = "tab:red" if run.tool.name == "pageparts" else "tab:blue"
        ax.scatter([s.docs_per_second], [s.f1], s=60, color=colour, zorder=3)
        ax.annotate(
            run.tool.label or run.tool.name,
            (s.docs_per_second, s.f1),
            textcoords="offset points",
            xytext=(6, 5),
            fontsize=9,
        )
    ax.set_xscale("log")
    ax.margins(x=0.2, y=0.1)
    ax.set_xlabel("documents per second (one core, log scale)")
    ax.set_ylabel("word F1 (mean over documents)")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return f"plot written to {path}"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--all", action="store_true", help="all pages (pageparts was trained on most)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (a smoke run)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, from: " + ", ".join(TOOLS))
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the WCXB folder (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per document (default 30)")
    parser.add_argument("--plot", metavar="FILE", help="write a PNG of F1 against documents/second")
    parser.add_argument(
        "--worst", type=int, default=10, help="list N pages where pageparts trails trafilatura most"
    )
    parser.add_argument("--save", metavar="FILE", help="write per-page scores (no page text) as JSON")
    parser.add_argument("--verbose", action="store_true", help="show the workers' stderr and progress")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return run_worker(args.worker)
    for var in THREAD_VARS:
        os.environ[var] = "1"
    names = [n.strip() for n in args.tools.split(",") if n.strip()]
    unknown = [n for n in names if n not in TOOLS]
    if unknown:
        raise SystemExit(f"unknown tool(s): {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    data = Path(args.data)
    pages = load_pages(data, args.all)
    if args.limit:
        pages = pages[: args.limit]
    if not pages:
        raise SystemExit(f"no pages selected under {data}")

    runs = [run_tool(TOOLS[n], pages, data, args.timeout, args.verbose) for n in names]
    summaries = {r.tool.name: summarise(r, pages) for r in runs if not r.error}

    if args.all:
        scope = (
            f"ALL {len(pages)} pages. pageparts' models were trained on most of these pages "
            "(all but the held-out domains), so its scores here are optimistic"
        )
    else:
        scope = f"{len(pages)} pages of held-out domains (pageparts' models never saw them)"
    if args.limit:
        scope += f"; smoke run, first {args.limit} only"
    print(f"## Main-content extraction, WCXB dev: {scope}\n")
    print(
        f"Word F1/precision/recall averaged over documents; per page type F1 (page count); docs/s on one "
        f"core, one process per tool; failures = exceptions and time-outs (>{args.timeout:g} s), "
        f"scored as empty output.\nMachine: {machine_facts()}\n"
    )
    print(main_table(runs, summaries, pages))
    if any(r.tool.name in HEADLINE_TOOLS and not r.error for r in runs):
        print("\n## Titles against ground_truth.title (whitespace- and case-normalised)\n")
        print(headline_table(runs, pages))
    if args.worst and "pageparts" in summaries and "trafilatura" in summaries:
        print(f"\n## {args.worst} pages where pageparts trails trafilatura most (body word F1)\n")
        print(worst_pages(summaries, pages, args.worst))
    errors = {}
    for run in runs:
        if run.error:
            continue
        for result, page in zip(run.results, pages, strict=True):
            if not result.ok:
                errors.setdefault(run.tool.name, []).append(f"{page.file_id}: {result.error}")
    if errors:
        print("\nFailures:")
        for name, found in errors.items():
            more = f"; … ({len(found)} in all)" if len(found) > 5 else ""
            print(f"- {name}: " + "; ".join(found[:5]) + more)
    notes = [(run.tool.name, note, n) for run in runs for note, n in run.notes.items()]
    if notes:
        print("\nWarnings from the tools:")
        for name, note, n in notes:
            print(f"- {name} ({n} pages): {note}")
    if args.plot:
        title = f"WCXB dev, {'all pages' if args.all else 'held-out domains'}, {len(pages)} pages"
        print("\n" + plot(summaries, runs, Path(args.plot), title))
    if args.save:
        out = {
            "pages": [{"file_id": p.file_id, "page_type": p.page_type, "domain": p.domain} for p in pages],
            "tools": {
                r.tool.name: {
                    "version": r.version,
                    "error": r.error,
                    "f1": summaries[r.tool.name].per_page if r.tool.name in summaries else [],
                    "seconds": [x.seconds for x in r.results],
                    "status": ["ok" if x.ok else x.error for x in r.results],
                }
                for r in runs
            },
        }
        Path(args.save).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
