"""Site adaptations side by side: which one classifies a document, by its URL.

``Options.sites`` (``--sites DIR``, ``sites`` in a config file, ``PAGEPARTS_SITES``) names a
directory holding site adaptations (directories made by ``pageparts adapt``), or one adaptation.
Each adaptation's manifest gives its site pattern:

- a host, ``example.org``: URLs of that host and of its subdomains (``www.example.org``);
- a host and a path, ``example.org/docs/``: those URLs whose path starts with ``/docs/``.

A scheme (``https://``) in a pattern is ignored. A document is matched by its URL (JSON Lines
``url``, WARC ``WARC-Target-URI``), else by its source when that is an ``http(s)`` URL, else by
the page's own URL (``runner.page_url``: an HTML page's canonical link or ``og:url``); the
longest matching pattern wins (on a tie, the adaptation whose directory name sorts first). A
document nothing matches (no URL, a URL of another site) is classified with the models of
``Options.models`` (the shipped ones by default), exactly as without ``--sites``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from .models import MANIFEST, ModelError, ModelStore


class SitesError(ModelError):
    """A sites directory that holds no usable site adaptation."""


def split_pattern(pattern: str) -> tuple[str, str]:
    """A site pattern as (host, path prefix), lower-cased host, no scheme."""
    rest = pattern.strip().split("://", 1)[-1]
    host, slash, path = rest.partition("/")
    return host.lower().removeprefix("*.").rstrip("."), slash + path


def url_parts(url: str | None) -> tuple[str, str] | None:
    """(host, path) of an ``http(s)`` URL, or None."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    return (host.rstrip("."), parts.path or "/") if host else None


def specificity(pattern: str, url: str | None) -> int | None:
    """How closely ``pattern`` matches ``url`` (longer is closer), or None when it does not."""
    parts = url_parts(url)
    if parts is None:
        return None
    host, path = parts
    want_host, want_path = split_pattern(pattern)
    if not want_host or not (host == want_host or host.endswith("." + want_host)):
        return None
    if want_path and not path.startswith(want_path):
        return None
    return len(want_host) + len(want_path)


def site_stores(directory: Path) -> list[ModelStore]:
    """The site adaptations in ``directory`` (or ``directory`` itself, when it is one), sorted by
    directory name; SitesError when there is none, or a subdirectory with a manifest is not one."""
    directory = Path(directory)
    if (directory / MANIFEST).is_file():
        candidates = [directory]
    elif directory.is_dir():
        candidates = sorted(p for p in directory.iterdir() if (p / MANIFEST).is_file())
    else:
        raise SitesError(f"{directory} is not a directory of site adaptations")
    stores = [ModelStore(path) for path in candidates]
    for store in stores:
        if store.site() is None:
            raise SitesError(f"{store.directory} is not a site adaptation (pageparts adapt makes them)")
    if not stores:
        raise SitesError(f"{directory} holds no site adaptation (pageparts adapt makes them)")
    return stores


def store_for(stores: list[ModelStore], url: str | None) -> ModelStore | None:
    """The adaptation among ``stores`` whose site pattern matches ``url`` most closely, or None."""
    best: tuple[int, ModelStore] | None = None
    for store in stores:
        score = specificity(store.site() or "", url)
        if score is not None and (best is None or score > best[0]):
            best = (score, store)
    return best[1] if best else None
