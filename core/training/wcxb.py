"""Pages with a ground truth of their main content, in the WCXB layout.

A directory with ``html/NAME.html.gz`` (or ``.html``) and ``ground-truth/NAME.json``, where the
JSON holds ``ground_truth.title``, ``ground_truth.main_content`` (plain text) and
``ground_truth.without`` (boilerplate snippets that are not main content), and ``url``. An
optional ``metadata.json`` gives per file id its ``domain`` and ``page_type``; without it the
domain is the host of ``url`` and the page type is unknown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..input.reading import read_source
from .labels import is_held_out


@dataclass
class Page:
    """One page: where its HTML is, its site and type, and its ground truth."""

    file_id: str
    domain: str
    page_type: str
    html_path: Path
    truth: dict

    @property
    def held_out(self) -> bool:
        return is_held_out(self.domain)

    def html(self) -> bytes:
        return read_source(self.html_path)


def is_wcxb_dir(path: Path) -> bool:
    """True for a directory in the WCXB layout (``html/`` and ``ground-truth/`` inside)."""
    return (path / "html").is_dir() and (path / "ground-truth").is_dir()


def load_wcxb(directory: Path) -> list[Page]:
    """The pages of a WCXB-layout ``directory`` that have a ground truth, sorted by file id."""
    directory = Path(directory)
    if not is_wcxb_dir(directory):
        raise ValueError(f"{directory} has no html/ and ground-truth/ directories (the WCXB layout)")
    metadata_path = directory / "metadata.json"
    metadata = json.loads(metadata_path.read_text())["files"] if metadata_path.exists() else {}
    pages = []
    for html_path in sorted((directory / "html").iterdir()):
        file_id = html_path.name.removesuffix(".gz").removesuffix(".html")
        truth_path = directory / "ground-truth" / f"{file_id}.json"
        if html_path.name.startswith(".") or not truth_path.is_file():
            continue
        data = json.loads(truth_path.read_text(encoding="utf-8"))
        truth = data.get("ground_truth", data)
        meta = metadata.get(file_id, {})
        domain = meta.get("domain") or urlsplit(str(data.get("url", ""))).hostname or file_id
        pages.append(Page(file_id, domain, meta.get("page_type", ""), html_path, truth))
    return pages
