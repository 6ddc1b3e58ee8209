"""The progress line (a stage's bar; drawn on a terminal, silent in a pipe) and the worker map."""

from __future__ import annotations

import io

from pageparts.output.console import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_and_messages_above_it():
    stream = Terminal()
    progress = Progress(stream, interval=0)
    progress.start("fitting", 4)
    progress.advance()
    progress.say("pageparts: a warning")
    progress.advance(3)
    progress.clear()
    text = stream.getvalue()
    assert "\rfitting" not in text and "\r\x1b[Kfitting [" in text
    assert "[######..................] 1/4" in text and "[########################] 4/4" in text
    assert "\r\x1b[Kpageparts: a warning\n" in text
    assert text.endswith("\r\x1b[K")


def test_a_pipe_gets_only_the_messages():
    stream = io.StringIO()
    progress = Progress(stream, interval=0)
    progress.start("preparing documents")
    progress.advance(5)
    progress.say("pageparts: file.jsonl:3: not JSON")
    progress.clear()
    assert stream.getvalue() == "pageparts: file.jsonl:3: not JSON\n"


def test_ordered_map_keeps_the_input_order_in_worker_processes():
    import os

    from pageparts.training.parallel import ordered_map

    offset = 10  # a closure: workers inherit it, nothing is pickled but items and results
    results = list(ordered_map(lambda n: (n + offset, os.getpid()), iter(range(20)), jobs=2))
    assert [r for r, _ in results] == list(range(10, 30))
    assert os.getpid() not in {pid for _, pid in results}
    assert list(ordered_map(lambda n: n * 2, range(3), jobs=1)) == [0, 2, 4]


def test_a_run_of_documents_shows_on_a_terminal_and_not_in_a_pipe():
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(stream, interval=0)
        progress.update()
        progress.add(2, errors=1)
        progress.say("pageparts: page.html: binary content")
        progress.close()
    assert terminal.getvalue().startswith("\r\x1b[K1 document, ")
    assert "\r\x1b[K3 documents, " in terminal.getvalue() and terminal.getvalue().endswith("1 error\r\x1b[K")
    assert pipe.getvalue() == "pageparts: page.html: binary content\n"
