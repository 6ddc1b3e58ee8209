"""Rebuild the shipped models (trained/) from the WCXB development pages and every hand-labelled page.

    python scripts/build_models.py [DATA_DIR] [--out DIR] [--work DIR] [--jobs N]

DATA_DIR holds ``wcxb-dev/`` (the WCXB layout), ``gold/wcxb-dev.gold.jsonl`` and the pages that
data/hand-labels/ labels (``news-pool/``, ``readability-tests/``); it defaults to ``../shared/data``
beside the repository, else ``/work/shared/data``. The steps, printed as they run:

    python scripts/hand_labels.py build data/hand-labels --data DATA_DIR --out WORK/hand-labels.jsonl.gz
    python scripts/hand_labels.py build data/hand-labels/news-pool data/hand-labels/readability-tests \\
        --data DATA_DIR --out WORK/outside.jsonl.gz
    pageparts label-from-truth DATA_DIR/wcxb-dev --gold DATA_DIR/gold/wcxb-dev.gold.jsonl \\
        --gold WORK/hand-labels.jsonl.gz --no-rules --out WORK/wcxb-dev.labels.jsonl.gz
    pageparts train WORK/wcxb-dev.labels.jsonl.gz WORK/outside.jsonl.gz --out DIR --credit "WCXB ..."

The hand-labelled pages are those of training-side sites only (``hand_labels.py build`` leaves
out the sites ``pageparts.training.labels.is_held_out`` picks: they are the validation split of
bench/validation.py). WCXB pages with hand labels take them instead of the labels derived from
their main content; the other WCXB pages teach body from their main content. ``train`` holds out
the same sites again and records the models' figures on them in DIR/manifest.json; this script
then records in the manifest its own command line (``command``) and the commands it ran
(``steps``). docs/training.md explains the steps.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HAND_LABELS = REPO / "data" / "hand-labels"
CREDIT = (
    "WCXB (Web Content eXtraction Benchmark) by Murrough Foley, CC-BY-4.0; pages of the Postlight "
    "Parser fixtures (MIT/Apache-2.0) and Mozilla Readability's test pages (Apache-2.0), "
    "labelled by the pageparts project"
)
PAGEPARTS = [sys.executable, "-c", "from pageparts.cli import app; app()"]
SCRIPT = "python scripts/hand_labels.py"


def default_data() -> Path:
    """../shared/data beside the repository, else /work/shared/data (where the project keeps it)."""
    beside = REPO.parent / "shared" / "data"
    return beside if beside.is_dir() else Path("/work/shared/data")


def run(*args: str, command: Sequence[str] = PAGEPARTS, name: str = "pageparts") -> str:
    """Run one pageparts command (or ``command``, shown as ``name``); return it as a shell line."""
    line = name + " " + " ".join(map(shlex.quote, args))
    print("$ " + line, file=sys.stderr, flush=True)
    subprocess.run([*command, *args], check=True)
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", type=Path, default=default_data())
    parser.add_argument("--out", type=Path, default=REPO / "trained", help="the model directory to write")
    parser.add_argument("--work", type=Path, help="where to keep the labelled pages (default: a temp dir)")
    parser.add_argument("--jobs", default="2", help="worker processes")
    args = parser.parse_args(argv)
    if not (args.data_dir / "wcxb-dev").is_dir():
        parser.error(f"no wcxb-dev/ in {args.data_dir}: give the data directory")
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        labels = work / "wcxb-dev.labels.jsonl.gz"
        gold = args.data_dir / "gold" / "wcxb-dev.gold.jsonl"
        hand, outside = work / "hand-labels.jsonl.gz", work / "outside.jsonl.gz"
        script = [sys.executable, str(REPO / "scripts" / "hand_labels.py")]
        steps = [
            run("build", *specs, "--data", str(args.data_dir), "--out", str(out), command=script, name=SCRIPT)
            for specs, out in (
                ([str(HAND_LABELS)], hand),
                ([str(HAND_LABELS / "news-pool"), str(HAND_LABELS / "readability-tests")], outside),
            )
        ]
        # The non-content models learn from the hand labels alone (--no-rules): measured better
        # than learning from the rules' labels too (docs/training.md).
        extra = [f"--gold={path}" for path in ([gold] if gold.exists() else []) + [hand]]
        label = run(
            "label-from-truth",
            str(args.data_dir / "wcxb-dev"),
            *extra,
            "--no-rules",
            "--out",
            str(labels),
            "--jobs",
            args.jobs,
        )
        trained = ["--out", str(args.out), "--credit", CREDIT, "--jobs", args.jobs]
        fit = run("train", str(labels), str(outside), *trained)
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["command"] = "python scripts/build_models.py " + " ".join(map(shlex.quote, argv or sys.argv[1:]))
    manifest["steps"] = [*steps, label, fit]
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
