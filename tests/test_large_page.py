"""A large page of ordinary paragraphs, as bench/large_page.py writes it: labelled, in bounded memory."""

from __future__ import annotations

import tracemalloc
from collections import Counter
from pathlib import Path

import pageparts

from .script_module import load_script

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "large_page.py"
MEGABYTES = 2.5
MEMORY_PER_MB = 35
"""Most memory (MB, as tracemalloc counts it) classifying may take per MB of page: about 25 now,
about 55 when the features and model inputs were built for the whole page at once."""


def test_a_large_page_of_paragraphs_comes_out_body_with_default_options_in_bounded_memory():
    content = load_script(SCRIPT, "bench_large_page").page(MEGABYTES)
    pageparts.classify(b"<p>Models loaded before measuring.</p>", input_format="html")
    tracemalloc.start()
    try:
        document = pageparts.classify(content, input_format="html")
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    labels = Counter(block.label for block in document.blocks)
    assert len(document.blocks) > 5_000
    assert document.warnings == []
    assert labels == {"headline": 1, "body": len(document.blocks) - 1}
    assert peak < MEMORY_PER_MB * MEGABYTES, f"{peak:.0f} MB for a {MEGABYTES:g} MB page"
