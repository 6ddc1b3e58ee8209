"""Garbage collection for a process that classifies many documents, such as ``pageparts classify``.

A page allocates thousands of objects that live until its result is written (blocks, facts,
votes) and are then freed by reference counting, not by the collector: few of them are in cycles.
With Python's default threshold (a young collection whenever 700 more tracked objects have been
allocated than freed), the collector ran about 3.6 young collections per WCXB page, each walking
the live young objects: 0.6-1 CPU ms per page (about 5 % of the classify path). At
``YOUNG_THRESHOLD`` it runs one about every 14 pages; what reference counting cannot free is
still collected (docs/benchmarks.md, "Speed").
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
"""Tracked objects allocated less those freed that start a young collection (Python's default:
700). Over 200 WCXB pages: 5,000 gave 44 young collections, 10,000 gave 14, 20,000 gave 5."""


def collect_less() -> None:
    """Raise this process's young-generation threshold to ``YOUNG_THRESHOLD`` (never lower it).

    For the processes pageparts runs documents in: the command line's and its worker processes.
    The API leaves the collector as the caller set it.
    """
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, *older)
