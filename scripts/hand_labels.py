"""Hand labels for WCXB pages, kept in the repository as text-free spec files (data/hand-labels/).

    python scripts/hand_labels.py show ID [--data DIR]     # the page's blocks, numbered, with predictions
    python scripts/hand_labels.py draft ID [--data DIR]    # a spec pre-filled from the predictions
    python scripts/hand_labels.py check SPEC... [--data DIR]
    python scripts/hand_labels.py build SPEC_DIR... --out FILE [--split validation] [--data DIR]
    python scripts/hand_labels.py agree SPEC... [--data DIR]   # per-word agreement with the gold set
    python scripts/hand_labels.py agree SPEC... --reference SPEC_DIR...   # ... or with other specs
    python scripts/hand_labels.py stats SPEC_DIR... [--data DIR]   # the corpus in numbers (docs/corpus.md)
    python scripts/hand_labels.py snapshot SPEC... --out FILE [--data DIR]   # with the old splitter
    python scripts/hand_labels.py migrate FILE... [--data DIR]               # then with the new one

A spec labels the blocks the pageparts HTML splitter makes of one page of the data directory:
source ``SET/ID`` is ``SET/html/ID.html.gz`` (``wcxb-dev``, ``news-pool``, ``readability-tests``;
a bare id in ``show`` and ``draft`` is a WCXB page). It
holds no page text: its header names the page, the number of blocks and a digest of their texts
(so a splitter change that moves blocks is caught), and each line gives block ranges, the label
and any other accepted labels, then an optional ``#`` note. Later lines override earlier ones;
every block must end up with a label::

    # source: wcxb-dev/0123
    # blocks: 212
    # digest: 0f3a9c2e7b1d4a55
    0-24 nav
    9,17 fund nav      # donate buttons in the menu
    25 head
    26-180 body
    101 other          # photo caption

Labels: navigation (nav), fundraising (fund), headline (head), body, related-links (rel), other.

When the splitter changes, ``snapshot`` (run with the old code) writes every spec named, with the
texts of the blocks it labels, to FILE (gzipped JSON Lines; it holds page text, so it must be
outside the repository); ``migrate`` (run with the new code, in this or another worktree) rewrites
each spec whose page now splits differently: blocks of the same text keep their labels, other new
blocks take the label most of their words had (word alignment), the spec lines keep their order,
accepted labels and notes, and blocks merged from differently labelled ones, mostly of new words,
or wholly new (labelled as the block before them) get a ``# migrated: ..., check`` line. It prints
what it did per spec; specs whose split did not change are left byte for byte as they were.
``build`` writes the labelled-block format (docs/labelled-blocks.md) that ``pageparts
label-from-truth --gold`` takes; scripts/build_models.py does this when data/hand-labels exists.
Built for training, some blocks are written with an accepted label as their best (``TAUGHT``): a
separated dek teaches headline, a site's own plan offer on a product or service page body.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
from pageparts.document import LABELS, Block, Document
from pageparts.facts import HtmlFacts
from pageparts.host.runner import Options, Runner
from pageparts.input.charsets import decode_html
from pageparts.labels.evaluation import WordScores, format_table
from pageparts.labels.labelled import LabelledBlock, LabelledDocument, load_labelled, write_labelled
from pageparts.training.labels import align, block_words, is_held_out

REPO = Path(__file__).resolve().parent.parent
ALIASES = {
    "nav": "navigation",
    "fund": "fundraising",
    "head": "headline",
    "rel": "related-links",
    **{label: label for label in ("navigation", "fundraising", "headline", "body", "related-links", "other")},
}
SHORT = {label: alias for alias, label in ALIASES.items() if alias != label}
HEADER = re.compile(r"#\s*(source|blocks|digest):\s*(\S+)")


class SpecError(ValueError):
    """A spec that cannot be applied; the message names the file and line."""


@dataclass
class Spec:
    """One page's hand labels: which page, how many blocks, their digest, and a label per block."""

    source: str
    blocks: int
    digest: str
    labels: list[tuple[str, frozenset[str]]]


def digest(texts: Sequence[str]) -> str:
    """A short fingerprint of the block texts (whitespace-normalised), to catch a changed split."""
    joined = "\n".join(" ".join(text.split()) for text in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def _indices(ranges: str, count: int, where: str) -> list[int]:
    found = []
    for part in ranges.split(","):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise SpecError(f"{where}: {ranges!r} is not a list of block ranges like 0-4,7")
        start, end = int(first), int(last or first)
        if start > end or end >= count:
            raise SpecError(f"{where}: range {part} is outside blocks 0-{count - 1}")
        found.extend(range(start, end + 1))
    return found


def parse_spec(text: str, name: str = "<spec>") -> Spec:
    """Read a spec; raises SpecError naming the line for anything it cannot use."""
    header: dict[str, str] = {}
    labels: list[tuple[str, frozenset[str]] | None] = []
    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}"
        if match := HEADER.match(raw.strip()):
            header[match[1]] = match[2]
            if match[1] == "blocks":
                labels = [None] * int(match[2])
            continue
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        if not labels:
            raise SpecError(f"{where}: a label line before the '# blocks:' header")
        if len(words) < 2 or any(word not in ALIASES for word in words[1:]):
            raise SpecError(
                f"{where}: expected 'RANGES LABEL [ACCEPTED...]', labels from {', '.join(sorted(ALIASES))}"
            )
        label, *accept = (ALIASES[word] for word in words[1:])
        for index in _indices(words[0], len(labels), where):
            labels[index] = (label, frozenset(accept))
    missing = [str(i) for i, value in enumerate(labels) if value is None]
    if not {"source", "blocks", "digest"} <= header.keys():
        raise SpecError(f"{name}: the header needs '# source:', '# blocks:' and '# digest:' lines")
    if missing:
        raise SpecError(f"{name}: blocks without a label: {', '.join(missing[:20])}")
    return Spec(header["source"], len(labels), header["digest"], [v for v in labels if v is not None])


def page_path(data: Path, source: str) -> Path:
    """Where a source's page is: ``SET/ID`` is ``DATA/SET/html/ID.html.gz`` (wcxb-dev, news-pool,
    readability-tests)."""
    collection, _, name = source.rpartition("/")
    return data / (collection or "wcxb-dev") / "html" / f"{name}.html.gz"


def page_site(data: Path, source: str) -> str:
    """The site a source's page belongs to, for the by-site split: WCXB's ``domain``, news-pool's
    ``site``, and for readability-tests the page name without its ``-N`` suffix."""
    collection, _, name = source.rpartition("/")
    if collection == "news-pool":
        return _manifest(data / collection / "manifest.json")[name]["site"]
    if collection == "readability-tests":
        return re.sub(r"-\d+$", "", name)
    return _manifest(data / "wcxb-dev" / "metadata.json")["files"][name]["domain"]


@cache
def _manifest(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def page_blocks(runner: Runner, data: Path, source: str, predict: bool = False) -> tuple[str, list[Block]]:
    """The page's HTML (decoded as training reads it) and its blocks, labelled by pageparts when
    ``predict`` (else by the rules alone, which is faster)."""
    path = page_path(data, source)
    if not path.exists():
        raise SpecError(f"{source}: no {path}")
    html = decode_html(gzip.decompress(path.read_bytes()))[0]
    if not predict and runner.models is not None:
        runner = Runner(runner.options, runner.registry, models=None)
    document = runner.classify_bytes(html.encode("utf-8"), str(path))
    return html, document.blocks


def apply(spec: Spec, texts: Sequence[str], name: str) -> list[LabelledBlock]:
    """The spec's labels on the page's blocks; SpecError when the split no longer matches it."""
    if len(texts) != spec.blocks or digest(texts) != spec.digest:
        raise SpecError(
            f"{name}: the page now splits into {len(texts)} blocks (digest {digest(texts)}), "
            f"not the {spec.blocks} (digest {spec.digest}) it was labelled on: relabel it"
        )
    return [
        LabelledBlock(text, label, accept) for text, (label, accept) in zip(texts, spec.labels, strict=True)
    ]


TAUGHT = {"body": "headline", "fundraising": "body"}
"""Best label -> the accepted label training takes instead: a dek set apart from the title run
(body, headline accepted) teaches headline; a site's own plan offer on a product or service page
(fundraising, body accepted) teaches body, as WCXB's main content mostly has it (docs/training.md)."""


def taught(document: LabelledDocument) -> LabelledDocument:
    """The document as the models learn from it (``TAUGHT``): training reads the best label only,
    and the specs keep the labels scoring wants."""
    blocks = [
        replace(block, label=TAUGHT[block.label]) if TAUGHT.get(block.label) in block.accept else block
        for block in document.blocks
    ]
    return replace(document, blocks=blocks)


def draft(source: str, texts: Sequence[str], predicted: Sequence[str]) -> str:
    """A spec with the predicted labels as ranges, to correct by hand."""
    lines = [f"# source: {source}", f"# blocks: {len(texts)}", f"# digest: {digest(texts)}"]
    start = 0
    for index in range(1, len(predicted) + 1):
        if index == len(predicted) or predicted[index] != predicted[start]:
            span = str(start) if index - 1 == start else f"{start}-{index - 1}"
            lines.append(f"{span} {SHORT.get(predicted[start], predicted[start])}")
            start = index
    return "\n".join(lines) + "\n"


def _listing(block: Block) -> str:
    """One line per block: index, predicted label, tag/landmark, link share, text (cut at 160)."""
    facts = HtmlFacts.of(block.features)
    where = facts.tag + (f"/{facts.landmark}" if facts.landmark else "")
    links = "L" if facts.link_density >= 0.5 else " "
    label = SHORT.get(block.label, block.label)
    return f"{block.index:4d} {label:5s} {where[:14]:14s} {links} {' '.join(block.text.split())[:160]}"


def _source(page: str) -> str:
    return page if "/" in page else f"wcxb-dev/{page}"


def _spec_paths(targets: Sequence[str]) -> list[Path]:
    """The spec files named, and those in the directories named."""
    return [p for t in map(Path, targets) for p in (sorted(t.glob("*.spec")) if t.is_dir() else [t])]


def _labelled(runner: Runner, data: Path, targets: Sequence[str]) -> list[LabelledDocument]:
    """Every spec applied to its page, as labelled HTML documents."""
    documents = []
    for path in _spec_paths(targets):
        spec = parse_spec(path.read_text(encoding="utf-8"), str(path))
        html, split = page_blocks(runner, data, spec.source)
        blocks = apply(spec, [b.text for b in split], str(path))
        site = page_site(data, spec.source)
        documents.append(
            LabelledDocument(blocks, source=spec.source, input_format="html", html=html, domain=site)
        )
    return documents


def agreement(documents: Sequence[LabelledDocument], gold: Sequence[LabelledDocument]) -> WordScores:
    """The hand labels scored per word against the reference (gold) pages of the same source."""
    by_source = {d.source: d for d in gold}
    scores = WordScores()
    for document in documents:
        if document.source not in by_source:
            raise SpecError(f"{document.source}: not in the reference labels")
        blocks = [Block(i, b.text, label=b.label) for i, b in enumerate(document.blocks)]
        scores.add(Document(document.source, "html", blocks), by_source[document.source].blocks)
    return scores


COMMENT_NOTE = re.compile(r"#.*\bcomment", re.IGNORECASE)


def corpus_stats(paths: Sequence[Path], data: Path) -> str:
    """Per collection and side of the split: pages, pages with each label, pages whose notes name
    readers' comments, and blocks per label (read from the specs alone)."""
    rows: dict[tuple[str, str], Counter] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        spec = parse_spec(text, str(path))
        side = "validation" if is_held_out(page_site(data, spec.source)) else "training"
        row = rows.setdefault((spec.source.rpartition("/")[0], side), Counter())
        row["pages"] += 1
        row["comments"] += bool(COMMENT_NOTE.search(text))
        labels = Counter(label for label, _ in spec.labels)
        row.update({f"pages {SHORT.get(k, k)}": 1 for k in labels})
        row.update({f"blocks {SHORT.get(k, k)}": n for k, n in labels.items()})
    total = Counter()
    for row in rows.values():
        total.update(row)
    columns = ["pages", *(f"pages {a}" for a in ("fund", "rel", "head")), "comments"]
    columns += [f"blocks {SHORT.get(label, label)}" for label in LABELS]
    lines = ["| collection | side | " + " | ".join(columns) + " |", "|---|---|" + "---:|" * len(columns)]
    for (collection, side), row in [*sorted(rows.items()), (("all", ""), total)]:
        lines.append(f"| {collection} | {side} | " + " | ".join(str(row[c]) for c in columns) + " |")
    return "\n".join(lines)


KINDS = ("same", "carried", "merged", "grown", "new")
"""How a new block got its label (``carry``): an old block of the same text; the words of old
blocks of one label; of differently labelled blocks (merged); of old blocks, but under half of
its words (grown); or no old word at all (new: the label of the block before it)."""
NOTE_COLUMN = 40
"""Notes up to this column are aligned ones: a migrated line keeps them there."""
FLAGGED = {"merged": "merged from {} blocks", "grown": "mostly new words", "new": "new block"}


@dataclass
class Carry:
    """Where each new block of a page takes its label from: the old block whose spec lines it
    joins (``origin``), how (``kinds``, one of KINDS), the labels a merged block's words had, and
    the words counted: carried, relabelled (words of a merged block's other labels), new (aligned
    to no old word) and dropped (old words aligned to no new word)."""

    origin: list[int]
    kinds: list[str]
    merged: dict[int, list[str]] = field(default_factory=dict)
    words: Counter = field(default_factory=Counter)


def _normal(text: str) -> str:
    return " ".join(text.split())


def carry(old: Sequence[str], new: Sequence[str], labels: Sequence[str]) -> Carry:
    """Which old block (labelled ``labels``) each new block takes its label from.

    Blocks of the same text are paired first, in order (difflib over the block texts); between two
    pairs, the new blocks' words are aligned to the old blocks' words (``align``) and a new block
    takes the label that most of its aligned words had, from the old block holding most of those.
    A new block without an aligned word takes the origin of the nearest block before it that has
    one (after it, at the start of the page).
    """
    result = Carry([-1] * len(new), ["new"] * len(new))
    matcher = difflib.SequenceMatcher(None, [*map(_normal, old)], [*map(_normal, new)], autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            result.origin[new_start:new_end] = range(old_start, old_end)
            result.kinds[new_start:new_end] = ["same"] * (new_end - new_start)
            result.words["carried"] += len(block_words(new[new_start:new_end])[0])
        else:
            _carry_between(old, new, labels, range(old_start, old_end), range(new_start, new_end), result)
    carried = [o for o in result.origin if o >= 0]
    if not carried:
        raise SpecError("no block of the new split holds a word or text of the old one")
    previous = carried[0]
    for index, origin in enumerate(result.origin):
        if origin < 0:
            result.origin[index] = previous
        else:
            previous = origin
    return result


def _carry_between(
    old: Sequence[str], new: Sequence[str], labels: Sequence[str], olds: range, news: range, result: Carry
) -> None:
    """``carry`` for the new blocks ``news`` from the old blocks ``olds`` between two pairs."""
    old_words, old_owners = block_words([old[i] for i in olds])
    new_words, new_owners = block_words([new[j] for j in news])
    hits = align(new_words, old_words) if old_words and new_words else np.full(len(new_words), -1)
    result.words["dropped"] += len(old_words) - int((hits >= 0).sum())
    for offset, index in enumerate(news):
        mine = hits[new_owners == offset]
        found = (olds.start + old_owners[mine[mine >= 0]]).tolist()
        result.words["new"] += len(mine) - len(found)
        if not found:
            continue
        per_block = Counter(found)
        per_label: Counter = Counter()
        for block, count in per_block.items():
            per_label[labels[block]] += count
        label, count = per_label.most_common(1)[0]  # a tie goes to the label read first
        result.origin[index] = max((b for b in per_block if labels[b] == label), key=per_block.__getitem__)
        result.words["carried"] += count
        result.words["relabelled"] += len(found) - count
        if len(per_label) > 1:
            result.kinds[index] = "merged"
            result.merged[index] = list(per_label)
        else:
            result.kinds[index] = "grown" if 2 * len(found) < len(mine) else "carried"


def _spans(indices: Sequence[int]) -> str:
    """Sorted block indices as ranges: ``0-4,7``."""
    spans: list[list[int]] = []
    for index in indices:
        if spans and index == spans[-1][1] + 1:
            spans[-1][1] = index
        else:
            spans.append([index, index])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _respan(raw: str, ranges: str, spans: str) -> str:
    """A spec line with its ranges replaced; its note keeps its column when that is an aligned one
    (up to NOTE_COLUMN) with room left, else its gap."""
    start = raw.index(ranges)
    labels, hashed, note = raw[start + len(ranges) :].partition("#")
    line = raw[:start] + spans + labels.rstrip()
    if not hashed:
        return line
    column = len(raw) - len(note) - 1
    gap = max(len(labels) - len(labels.rstrip()), 1)
    return line.ljust(column if len(line) < column <= NOTE_COLUMN else len(line) + gap) + "#" + note


def _label_words(label: str, accept: frozenset[str]) -> str:
    return " ".join(SHORT.get(name, name) for name in (label, *sorted(accept)))


def migrated(text: str, result: Carry, new: Sequence[str], name: str) -> tuple[str, int]:
    """The spec ``text`` moved onto the new blocks ``new``, and how many of its lines were dropped.

    The header gets the new block count and digest; each label line names the new blocks whose
    origin it named (a line left without blocks is dropped), so the lines keep their order, accepted
    labels and notes, and later lines still override earlier ones. Then the blocks not carried
    whole (merged, grown, new) get a line per label and reason, noted ``# migrated: ..., check``.
    """
    spec = parse_spec(text, name)
    by_origin: dict[int, list[int]] = {}
    for index, origin in enumerate(result.origin):
        by_origin.setdefault(origin, []).append(index)
    lines, dropped = [], 0
    for number, raw in enumerate(text.splitlines(), 1):
        if match := HEADER.match(raw.strip()):
            value = {"blocks": str(len(new)), "digest": digest(new)}.get(match[1], match[2])
            lines.append(raw.replace(match[2], value, 1))
            continue
        words = raw.split("#", 1)[0].split()
        if not words:
            lines.append(raw)
            continue
        olds = set(_indices(words[0], spec.blocks, f"{name}:{number}"))
        targets = sorted(index for origin in olds for index in by_origin.get(origin, ()))
        if not targets:
            dropped += 1
        elif targets == sorted(olds):
            lines.append(raw)  # the same blocks, their ranges as written
        else:
            lines.append(_respan(raw, words[0], _spans(targets)))
    flagged: dict[tuple[str, str], list[int]] = {}
    for index, kind in enumerate(result.kinds):
        if kind in FLAGGED:
            merged = " and ".join(SHORT.get(label, label) for label in result.merged.get(index, ()))
            label_words = _label_words(*spec.labels[result.origin[index]])
            flagged.setdefault((label_words, FLAGGED[kind].format(merged)), []).append(index)
    for (label_words, reason), indices in sorted(flagged.items(), key=lambda item: item[1][0]):
        head = f"{_spans(indices)} {label_words}"
        lines.append(f"{head:<17} # migrated: {reason}, check")
    out = "\n".join(lines) + "\n"
    if parse_spec(out, name).labels != [spec.labels[origin] for origin in result.origin]:
        raise SpecError(f"{name}: the migrated spec does not give the carried labels")  # a bug, not a page
    return out, dropped


def _stored(path: Path) -> str:
    """A spec's path as a snapshot keeps it: relative to the repository when in it, so that another
    worktree's ``migrate`` finds its own copy."""
    path = path.resolve()
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)


def snapshot(runner: Runner, data: Path, paths: Sequence[Path], out: Path) -> int:
    """Write each spec, with the texts of the blocks it labels, to ``out`` (gzipped JSON Lines).

    The file holds page text, so it is refused inside the repository. Every spec must fit its page.
    """
    if out.resolve().is_relative_to(REPO):
        raise SpecError(f"{out}: a snapshot holds page text; write it outside the repository")
    with gzip.open(out, "wt", encoding="utf-8") as file:
        for path in paths:
            text = path.read_text(encoding="utf-8")
            spec = parse_spec(text, str(path))
            texts = [block.text for block in page_blocks(runner, data, spec.source)[1]]
            apply(spec, texts, str(path))
            file.write(json.dumps({"spec": _stored(path), "text": text, "blocks": texts}) + "\n")
    return len(paths)


WORDS = ("carried", "relabelled", "new", "dropped")


def _counts(result: Carry, dropped: int) -> Counter:
    """A page's migration in numbers: blocks per kind, words, lines dropped."""
    counts = Counter({f"blocks {kind}": n for kind, n in Counter(result.kinds).items()})
    counts.update({f"words {kind}": n for kind, n in result.words.items()})
    counts["lines dropped"] = dropped
    return counts


def _summary(counts: Counter) -> str:
    blocks = ", ".join(f"{counts[f'blocks {kind}']} {kind}" for kind in KINDS)
    words = ", ".join(f"{counts[f'words {kind}']} {kind}" for kind in WORDS)
    return f"blocks {blocks}; words {words}; {counts['lines dropped']} lines dropped"


def migrate(runner: Runner, data: Path, snapshot_file: Path) -> Counter:
    """Move the specs of a snapshot onto the blocks the splitter makes now, rewriting each spec whose
    page splits differently (a spec edited since the snapshot is left alone); prints a line per
    migrated spec and returns the totals."""
    totals: Counter = Counter()
    with gzip.open(snapshot_file, "rt", encoding="utf-8") as file:
        for line in file:
            record = json.loads(line)
            path = REPO / record["spec"]
            if not path.exists() or path.read_text(encoding="utf-8") != record["text"]:
                print(f"{record['spec']}: not as in the snapshot, left alone")
                totals["specs left alone"] += 1
                continue
            spec = parse_spec(record["text"], str(path))
            new = [block.text for block in page_blocks(runner, data, spec.source)[1]]
            if len(new) == spec.blocks and digest(new) == spec.digest:
                totals["specs unchanged"] += 1
                continue
            try:
                result = carry(record["blocks"], new, [label for label, _ in spec.labels])
            except SpecError as error:
                raise SpecError(f"{record['spec']}: {error}") from None
            text, dropped = migrated(record["text"], result, new, str(path))
            path.write_text(text, encoding="utf-8")
            counts = _counts(result, dropped)
            print(f"{record['spec']}: {spec.blocks} -> {len(new)} blocks: {_summary(counts)}")
            totals.update(counts)
            totals["specs migrated"] += 1
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command", choices=("show", "draft", "check", "build", "agree", "stats", "snapshot", "migrate")
    )
    parser.add_argument(
        "targets",
        nargs="+",
        help="page ids (show, draft); snapshot files (migrate); spec files or directories (the others)",
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument(
        "--out", type=Path, help="build: the labelled-block file to write; snapshot: the snapshot file"
    )
    parser.add_argument(
        "--reference", nargs="+", help="agree: spec files or directories to compare with, not the gold set"
    )
    parser.add_argument(
        "--split",
        choices=("training", "validation"),
        default="training",
        help="build: the pages of training-side sites (default) or of held-out sites (is_held_out)",
    )
    args = parser.parse_args(argv)
    if args.command in ("build", "snapshot") and args.out is None:
        parser.error(f"{args.command} needs --out")
    runner = Runner(Options(input_format="html"))
    try:
        if args.command in ("show", "draft"):
            for page in args.targets:
                _, blocks = page_blocks(runner, args.data, _source(page), predict=True)
                if args.command == "draft":
                    print(draft(_source(page), [b.text for b in blocks], [b.label for b in blocks]), end="")
                else:
                    print("\n".join(map(_listing, blocks)))
            return 0
        if args.command == "stats":
            print(corpus_stats(_spec_paths(args.targets), args.data))
            return 0
        if args.command == "snapshot":
            count = snapshot(runner, args.data, _spec_paths(args.targets), args.out)
            print(f"wrote {count} specs and their blocks to {args.out}")
            return 0
        if args.command == "migrate":
            totals: Counter = Counter()
            for target in args.targets:
                totals.update(migrate(runner, args.data, Path(target)))
            specs = ", ".join(f"{totals[f'specs {s}']} {s}" for s in ("migrated", "unchanged", "left alone"))
            print(f"specs {specs}; {_summary(totals)}")
            return 0
        documents = _labelled(runner, args.data, args.targets)
        if args.command == "build":
            validation = args.split == "validation"
            wanted = [d if validation else taught(d) for d in documents if is_held_out(d.site) == validation]
            written = write_labelled(wanted, args.out)
            left = len(documents) - written
            print(f"wrote {written} hand-labelled {args.split} pages to {args.out} ({left} left out)")
        elif args.command == "agree":
            if args.reference:
                gold = _labelled(runner, args.data, args.reference)
                against = "the specs in " + ", ".join(args.reference)
            else:
                gold, _ = load_labelled([args.data / "gold" / "wcxb-dev.gold.jsonl"])
                against = "the gold set"
            print(f"hand labels of {len(documents)} pages against {against}, per word:")
            print(format_table(agreement(documents, gold)))
        else:
            print(f"{len(documents)} specs fit their pages")
    except SpecError as error:
        print(f"hand_labels: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
