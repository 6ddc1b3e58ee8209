"""Block features for the shipped models, computed for a whole document at once.

Two kinds of feature set exist, one per model kind:

- ``text``: what the block text alone shows (length, punctuation, case, digits, money and
  date patterns, sentence ends, position in the page, repetition, similarity to the title or
  to the text that follows, neighbours' values in a window) plus hashed word 1-2 grams.
  Every document has these, plain text or HTML.
- ``html``: the text set plus the structure the HTML splitter recorded in ``Block.features``
  (``pageparts.facts.HtmlFacts``: link density, tag, heading level, lists, landmarks, sibling
  groups, generic class/id word stems). Only HTML documents have these; a plain-text document
  always gets the text set.

Class and id words tie a model to the sites it saw, so they enter only as a fixed list of
generic stems ("nav", "comment", "related", ...) matched inside the words, never as raw words.

Each feature is declared once, as its name beside the function computing its column from the
document's per-block arrays (``_TEXT_FEATURES``, ``_STRUCT_FEATURES``, ``_STRUCT_GROUPS``): the
names and the column order both come from those declarations. The models read columns by
position: a feature added, removed or moved there means ``FEATURE_VERSION`` bumped and the models
trained again.

Everything is computed with a handful of regular-expression passes over the joined document
text (``text_index``) and numpy arrays, not per block in Python, and cached per document so the
five plugins that ask for the same document share one computation.
"""

from __future__ import annotations

import itertools
import re
import struct
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import ArrayLike

from ..document import Document
from ..facts import HtmlFacts, from_html_splitter, html_facts, path_word_sets
from .scripts import DENSE_RANGES, FULL_STOPS
from .text_index import SEP, TextIndex, text_index

FEATURE_VERSION = 5
"""Bumped whenever a feature changes meaning; models record the version they were trained on."""

N_HASH = 2**16
"""Width of the hashed word 1-2 gram block (the models' largest part)."""

KINDS = ("html", "text")

_TOKEN = re.compile(r"(?u)\b\w+\b")


_COLUMNS: dict[str, int] = {}
"""Word or word pair -> its hashed column, worked out once per process (cleared when large)."""
COLUMNS_MAX = 1_000_000
"""The most words and word pairs ``_COLUMNS`` holds before it is cleared."""


def _columns(grams: list[str]) -> np.ndarray:
    """The hashed column of each of ``grams`` (new ones hashed together, then remembered)."""
    columns = _COLUMNS
    missing = list(set(grams).difference(columns))
    if missing:
        if len(columns) + len(missing) > COLUMNS_MAX:
            columns.clear()
            missing = list(set(grams))  # those remembered before are gone too
        h = murmurhash3_32_many([g.encode("utf-8") for g in missing]).astype(np.int64)
        # as scikit-learn: abs(h) % N_HASH, with abs(-2**31) taken as 2**31 - 1 - (N_HASH - 1)
        found = np.where(h == -(2**31), 2**31 - 1 - (N_HASH - 1), np.abs(h)) % N_HASH
        columns.update(zip(missing, found.tolist(), strict=True))
    return np.fromiter(map(columns.__getitem__, grams), np.int64, len(grams))


_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def murmurhash3_32_many(keys: list[bytes], longest: int = 256) -> np.ndarray:
    """``murmurhash3_32`` (seed 0) of each key, as int32, computed for all keys at once with numpy
    (keys longer than ``longest`` bytes one by one)."""
    lengths = np.fromiter(map(len, keys), np.int64, len(keys))
    short = lengths <= longest
    out = np.zeros(len(keys), np.int32)
    for i in np.flatnonzero(~short).tolist():
        out[i] = murmurhash3_32(keys[i])
    if not short.any():
        return out
    chosen = [k for k, ok in zip(keys, short.tolist(), strict=True) if ok]
    n = lengths[short]
    width = (int(n.max()) // 4 + 1) * 4
    raw = np.zeros((len(chosen), width), np.uint8)  # each key, zero-padded to whole 4-byte blocks
    starts = np.cumsum(n) - n
    owner = np.repeat(np.arange(len(chosen)), n)
    raw[owner, np.arange(int(n.sum())) - starts[owner]] = np.frombuffer(b"".join(chosen), np.uint8)
    words = raw.view("<u4").astype(np.uint32)
    blocks = n // 4
    h = np.zeros(len(chosen), np.uint32)
    with np.errstate(over="ignore"):
        for j in range(int(blocks.max())):
            k = _rotl(words[:, j] * _C1, 15) * _C2
            mixed = _rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xE6546B64)
            h = np.where(blocks > j, mixed, h)
        tail = words[np.arange(len(chosen)), blocks]  # the last 0-3 bytes; the padding is zeros
        h = np.where(n % 4 > 0, h ^ (_rotl(tail * _C1, 15) * _C2), h)
        h ^= n.astype(np.uint32)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    out[short] = h.view(np.int32)
    return out


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 (x86, 32 bits) of ``data`` as a signed integer, as scikit-learn hashes features."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed
    end = len(data) & ~3
    for (k,) in struct.iter_unpack("<I", data[:end]):
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        h ^= (k * c2) & mask
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    tail = data[end:]
    if tail:
        k = int.from_bytes(tail, "little")
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        h ^= (k * c2) & mask
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h - 2**32 if h & 0x80000000 else h


@dataclass(frozen=True)
class Ngrams:
    """Hashed word 1-2 grams of some texts: a sparse (texts, N_HASH) matrix in CSR form whose
    row ``i`` holds ``weights[i]`` (1 / sqrt of its number of columns) in each of its columns."""

    keys: np.ndarray
    """int64, sorted: ``row * N_HASH + column`` of every entry."""
    rows: np.ndarray
    columns: np.ndarray
    weights: np.ndarray
    """float32 per row (0 for a row without columns)."""
    indptr: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.weights), N_HASH)

    @property
    def data(self) -> np.ndarray:
        return self.weights[self.rows]

    def dot(self, vector: np.ndarray) -> np.ndarray:
        """The matrix times a float32 vector of N_HASH values, as scipy.sparse computes it: float32
        products added one at a time, in column order, to a float32 sum per row."""
        products = self.data * vector[self.columns].astype(np.float32)
        n = len(self.weights)
        counts = np.diff(self.indptr)
        longest = int(counts.max(initial=0))
        if longest * n > 4_000_000:  # a huge block: let scipy do it
            return np.asarray(self.csr() @ vector.astype(np.float32))
        # one column per row, padded with zeros; summing over axis 0 adds row after row
        padded = np.zeros((longest, n), np.float32)
        padded[np.arange(len(products)) - self.indptr[self.rows], self.rows] = products
        return padded.sum(axis=0, dtype=np.float32)

    def csr(self):
        """The matrix as a scipy.sparse CSR matrix of float32."""
        import scipy.sparse as sp

        indices = self.columns.astype(np.int32)
        return sp.csr_matrix((self.data, indices, self.indptr.astype(np.int32)), shape=self.shape)


GramKeys = Callable[[list[str], int, int], np.ndarray]
"""``_gram_keys`` or an implementation giving the same keys (the compiled one: ``HotPath.gram_keys``)."""


def hashed_ngrams(texts: list[str], gram_keys: GramKeys | None = None) -> Ngrams:
    """The l2-normalised binary word 1-2 grams of ``texts``, hashed into N_HASH float32 columns.

    The same matrix as scikit-learn's ``HashingVectorizer(n_features=N_HASH, ngram_range=(1, 2),
    token_pattern=r"(?u)\\b\\w+\\b", alternate_sign=False, binary=True, norm="l2",
    dtype=np.float32)`` gives (the shipped models were trained on it), without importing
    scikit-learn: lower-cased ``\\w+`` tokens, single and adjacent pairs joined by a space,
    MurmurHash3 (seed 0) of their UTF-8 bytes, absolute value modulo N_HASH. ``gram_keys`` computes
    the keys of some of the texts (by default ``_gram_keys``, the pure-Python reference).
    """
    gram_keys = gram_keys or _gram_keys
    n = len(texts)
    lengths = np.fromiter(map(len, texts), np.int64, n)
    # a chunk of blocks at a time: the 1-2 grams of a whole long page take far more memory than keys
    chunks = spans(lengths + len(SEP), CHUNK)
    keys = np.concatenate([np.zeros(0, np.int64)] + [gram_keys(texts, *at) for at in chunks])
    rows, columns = np.divmod(keys, N_HASH)
    counts = np.bincount(rows, minlength=n)
    # as scikit-learn's l2 normalisation: 1 (float32) divided by a float64 norm, stored as float32
    weights = np.zeros(n, np.float32)
    weights[counts > 0] = (1.0 / np.sqrt(counts[counts > 0])).astype(np.float32)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Ngrams(keys, rows, columns, weights, indptr)


def _gram_keys(texts: list[str], start: int, stop: int) -> np.ndarray:
    """``row * N_HASH + column`` of the 1-2 grams of ``texts[start:stop]``, sorted, each once."""
    grams: list[str] = []
    owners = []
    for row, text in enumerate(texts[start:stop], start):
        tokens = _TOKEN.findall(text.lower())
        if tokens:
            grams += tokens
            grams += map(" ".join, itertools.pairwise(tokens))
            owners.append((row, 2 * len(tokens) - 1))
    if not grams:
        return np.zeros(0, np.int64)
    rows_of = np.repeat(*np.asarray(owners, dtype=np.int64).T)
    keys = _columns(grams) + rows_of * N_HASH
    keys.sort()
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])]  # by row, then column, once


def cosine_with(ngrams: Ngrams, columns: np.ndarray, weight: np.float32) -> np.ndarray:
    """float32 cosine of every row with one row (its sorted ``columns``, each of ``weight``), summed
    as scipy.sparse multiplies float32 matrices: equal float32 terms added one at a time."""
    at = np.minimum(np.searchsorted(columns, ngrams.columns), max(len(columns) - 1, 0))
    inside = columns[at] == ngrams.columns if len(columns) else np.zeros(len(ngrams.columns), bool)
    shared = np.bincount(ngrams.rows[inside], minlength=len(ngrams.weights))
    term = ngrams.weights * np.float32(weight)
    total = np.zeros(len(term), np.float32)
    for k in range(1, int(shared.max(initial=0)) + 1):
        total = np.where(shared >= k, total + term, total)
    return total


def found_in_prose(ngrams: Ngrams, prose: np.ndarray) -> np.ndarray:
    """For each row, the share of its columns that some other row with ``prose`` above 0 also has
    (a title's words and pairs come back in the article; a teaser's or a menu's mostly do not)."""
    is_prose = prose[ngrams.rows] > 0
    in_prose = np.bincount(ngrams.columns[is_prose], minlength=N_HASH)
    elsewhere = in_prose[ngrams.columns] > is_prose  # a prose row's own entry does not count
    found = np.bincount(ngrams.rows, weights=elsewhere, minlength=len(ngrams.weights))
    return found / np.maximum(np.diff(ngrams.indptr), 1)


SharedIn = Callable[[np.ndarray, np.ndarray, np.ndarray, int], np.ndarray]
"""``_shared_in`` or an implementation giving the same sums (the compiled one: ``HotPath.shared_in``)."""


def shared_with_neighbours(
    ngrams: Ngrams, reach: int, shared_in: SharedIn | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the sum of its dot products with the ``reach`` rows after it, and the sum with
    the ``reach`` rows before it, each summed in the order scipy.sparse does for
    ``ngrams.multiply(band @ ngrams).sum(axis=1)`` (``band`` picking the rows after, or before).

    Worked out for about CHUNK entries at a time, each chunk's rows with the ``reach`` rows on
    either side: the same sums, in the same order, without arrays as long as all the entries.
    ``shared_in`` works out a chunk (by default ``_shared_in``, the pure-Python reference)."""
    shared_in = shared_in or _shared_in
    n = len(ngrams.weights)
    indptr = ngrams.indptr
    after, before = np.zeros(n), np.zeros(n)
    for first, stop in spans(np.diff(indptr), CHUNK):
        lo, hi = max(first - reach, 0), min(stop + reach, n)
        at = slice(indptr[lo], indptr[hi])
        around = shared_in(ngrams.rows[at] - lo, ngrams.columns[at], ngrams.weights[lo:hi], reach)
        after[first:stop], before[first:stop] = around[:, first - lo : stop - lo]
    return after, before


def _shared_in(rows: np.ndarray, columns: np.ndarray, weights: np.ndarray, reach: int) -> np.ndarray:
    """``shared_with_neighbours`` of the rows given by their entries (``rows`` from 0, in key order):
    a (2, rows) array, the sums with the rows after, then with the rows before."""
    n, m = len(weights), len(rows)
    # the entries column by column, each column's rows in order: the other rows with an entry's
    # column are the entries next to it, the nearest first
    order = np.argsort(columns * n + rows)
    by_column, by_row = columns[order], rows[order]
    near_weights = weights[by_row]
    # pairs[t - 1]: whether entry i and entry i + t are of one column (so the row of i + t is the
    # later) and their rows within reach
    pairs = [
        (by_column[t:] == by_column[: m - t]) & (by_row[t:] - by_row[: m - t] <= reach)
        for t in range(1, min(reach, m - 1) + 1)
    ]
    # per entry: the weights of the rows within reach in its column, added in float64 in scipy's
    # order (nearest first for the rows after, farthest first for the rows before)
    around = np.zeros((2, m))
    after, before = around
    for t, near in enumerate(pairs, 1):
        np.add(after[: m - t], near_weights[t:], out=after[: m - t], where=near)
    for t, near in reversed(list(enumerate(pairs, 1))):
        np.add(before[t:], near_weights[: m - t], out=before[t:], where=near)
    in_key_order = np.empty((2, m))
    in_key_order[:, order] = around
    products = weights[rows].astype(np.float64) * in_key_order
    return np.stack([np.bincount(rows, weights=side, minlength=n) for side in products])


_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_WORD_GROUPS = {
    "appeal": r"donat\w*|membership|become a member|pledge|support (?:us|our|independent)|subscri\w+|"
    r"contribut\w+|make a gift|give (?:now|today)|chip in|patron\w*|free trial|unlimited access|"
    r"reader[- ]supported|spende\w*|unterstütz\w*|abonn\w*|soutenez|faire un don|suscrib\w*|"
    r"suscríbete|apoya\w*|assin\w*|předplat\w*|podpoř\w*|fundrais\w*|donors?|patreon|"
    r"buy(?:ing)? me a coffee|ad[- ]free|your (?:support|generosity)|support (?:my work|this site|the site)",
    # the voice of an appeal: asking, and the reader and the publisher addressed as you and we
    "ask": r"please|consider|help (?:keep|fund|support)|help us keep|need your help|keep publishing|"
    r"today|free for (?:all|everyone)|"
    r"independent journalism|make a difference|every (?:contribution|dollar|gift)|unlock|"
    r"join (?:today|now)|already a (?:subscriber|member)",
    "you": r"you|your|yours|you're|you’re|yourself",
    "we": r"we|our|us|ours|we're|we’re|ourselves",
    "chrome": r"sign (?:in|up)|log ?in|log ?out|register|my account|menu|search|share|tweet|facebook|"
    r"twitter|linkedin|instagram|youtube|pinterest|whatsapp|email|print|home|next|previous|prev|"
    r"back to top|skip to|privacy|cookies?|terms|contact|about us|newsletter|follow us|rss",
    "teaser": r"related|read more|more (?:from|stories|news|articles)|most (?:read|popular|viewed)|"
    r"popular|trending|recommended|you (?:may|might) (?:also )?like|see also|read next|also read|"
    r"latest|further reading|continue reading",
    "other_words": r"photo|image|credit|getty|reuters|caption|advertisement|sponsored|comments?|"
    r"reply|replies|posted|published|updated|min read|minutes? read",
    "copyright": r"copyright|all rights reserved",
    "money": r"(?:dollars|euros|pounds|usd|eur|gbp)\b",
    "date": _MONTH_NAME + r"\.?\s\d|\d\d? " + _MONTH_NAME + r"\b|"
    r"\d+ (?:minutes?|hours?|days?|weeks?|months?) ago",
    "byline": r"by \w+ \w+|written by|posted by|author",
}
_SYMBOL_GROUPS = {
    "money": r"[$€£¥]\s?\d",
    "copyright": r"©|\(c\)",
    "url": r"https?://|www\.|\w@\w+\.",
    "year": r"(?:19|20)(?<!\d\d\d)\d\d(?!\d)",  # no digit right before the 19 or 20
    "date": r"\d{4}-\d\d-\d\d|\d\d?/\d\d?/\d\d",
    "quotes": r"[\"“”«»]",
    "period": r"/\s?(?:month|mo|year|yr|week)\b|(?<!\w)per (?:month|year|week)\b",
    "appeal_cjk": r"寄付|支援する|会員登録|購読|订阅|捐款|捐助|赞助",
}


def _alternatives(groups: dict[str, str], named: bool, around: str = "") -> re.Pattern[str]:
    """One pattern for all of ``groups``: each a named group (to tell which matched), or all plain
    alternatives (the same matches, found about twice as fast: ``re`` skips the alternatives whose
    first character differs at once, which it cannot do for groups)."""
    alternatives = (f"(?P<{k}>{v})" if named else v for k, v in groups.items())
    return re.compile(f"{around}(?:{'|'.join(alternatives)}){around}")


_WORD_PATTERN = _alternatives(_WORD_GROUPS, named=True, around=r"\b")
_WORD_SEARCH = _alternatives(_WORD_GROUPS, named=False, around=r"\b")
_SYMBOL_PATTERN = _alternatives(_SYMBOL_GROUPS, named=True)
_SYMBOL_SEARCH = _alternatives(_SYMBOL_GROUPS, named=False)
_COUNTED = (
    "appeal",
    "appeal_cjk",
    "ask",
    "you",
    "we",
    "period",
    "chrome",
    "teaser",
    "other_words",
    "copyright",
    "money",
    "date",
    "byline",
    "url",
    "year",
    "quotes",
)


@dataclass(frozen=True)
class _TextFacts:
    """What the text features of one document are computed from: arrays indexed by block."""

    n: int
    lengths: np.ndarray
    chars: np.ndarray
    """``lengths`` as float64, at least 1."""
    words: np.ndarray
    safe_words: np.ndarray
    """``words``, at least 1."""
    count: dict[str, np.ndarray]
    """Matches of each pattern group (``_COUNTED``) and characters of each class (``_char_counts``)."""
    ends_terminal: np.ndarray
    ends_colon: np.ndarray
    starts_upper: np.ndarray
    prose: np.ndarray
    """Words of the blocks that read as prose (two sentence ends, or 20 words ending a sentence), else 0."""
    prose_before: np.ndarray
    prose_after: np.ndarray
    after_comments: np.ndarray
    """Whether a heading of readers' comments ("12 Comments", "Leave a reply") comes before the block."""
    comment_meta: np.ndarray
    """Whether the block reads like a commenter's name and time line ("Jane says:", "9:46 pm")."""
    found_in_prose: np.ndarray
    """The share of the block's 1-2 grams found in another block of prose."""
    duplicates: np.ndarray
    in_title: np.ndarray
    in_first_heading: np.ndarray
    shared_next: np.ndarray
    shared_prev: np.ndarray


_TEXT_FEATURES: tuple[tuple[str, Callable[[_TextFacts], ArrayLike]], ...] = (
    ("log_chars", lambda t: np.log1p(t.lengths)),
    ("log_words", lambda t: np.log1p(t.words)),
    ("mean_word_len", lambda t: t.lengths / t.safe_words),
    ("upper_share", lambda t: t.count["upper"] / np.maximum(t.count["upper"] + t.count["lower"], 1)),
    ("digit_share", lambda t: t.count["digits"] / t.chars),
    ("punct_share", lambda t: t.count["punct"] / t.chars),
    ("log_sentence_ends", lambda t: np.log1p(t.count["sentence_ends"])),
    ("sentence_density", lambda t: t.count["sentence_ends"] / t.safe_words),
    ("ends_terminal", lambda t: t.ends_terminal),
    ("ends_colon", lambda t: t.ends_colon),
    ("starts_upper", lambda t: t.starts_upper),
    ("title_case_share", lambda t: t.count["title_words"] / t.safe_words),
    ("comma_per_word", lambda t: t.count["commas"] / t.safe_words),
    ("money", lambda t: t.count["money"] > 0),
    ("date", lambda t: t.count["date"] > 0),
    ("year", lambda t: t.count["year"] > 0),
    ("copyright", lambda t: t.count["copyright"] > 0),
    ("separator_share", lambda t: t.count["separators"] / t.safe_words),
    ("url", lambda t: t.count["url"] > 0),
    ("byline", lambda t: t.count["byline"] > 0),
    ("quotes", lambda t: t.count["quotes"] > 0),
    ("appeal", lambda t: np.minimum(t.count["appeal"] + t.count["appeal_cjk"], 3)),
    ("ask", lambda t: np.minimum(t.count["ask"], 3) / np.sqrt(t.safe_words)),
    ("you_share", lambda t: t.count["you"] / t.safe_words),
    ("we_share", lambda t: t.count["we"] / t.safe_words),
    ("price_period", lambda t: t.count["period"] > 0),
    ("chrome", lambda t: np.minimum(t.count["chrome"], 3) / np.sqrt(t.safe_words)),
    ("teaser", lambda t: np.minimum(t.count["teaser"], 3)),
    ("other_words", lambda t: np.minimum(t.count["other_words"], 3) / np.sqrt(t.safe_words)),
    ("position", lambda t: np.arange(t.n) / max(t.n - 1, 1)),
    ("char_position", lambda t: (np.cumsum(t.lengths) - t.lengths) / max(int(t.lengths.sum()), 1)),
    ("first_block", lambda t: np.arange(t.n) == 0),
    ("last_share", lambda t: np.minimum(t.n - 1 - np.arange(t.n), 10) / 10),
    ("words_vs_max", lambda t: t.words / max(t.words.max(), 1)),
    ("is_longest", lambda t: t.words == t.words.max()),
    ("prose_before", lambda t: t.prose_before),
    ("prose_after", lambda t: t.prose_after),
    ("after_comments", lambda t: t.after_comments),
    ("comment_meta", lambda t: t.comment_meta),
    ("found_in_prose", lambda t: t.found_in_prose),
    ("log_duplicates", lambda t: np.log1p(t.duplicates)),
    ("in_title", lambda t: t.in_title),
    ("in_first_heading", lambda t: t.in_first_heading),
    ("shared_next", lambda t: t.shared_next),
    ("shared_prev", lambda t: t.shared_prev),
    ("short_block", lambda t: t.words <= 4),
)
"""The text features in column order, each with the function computing its column."""
_TEXT_NAMES = tuple(name for name, _ in _TEXT_FEATURES)

_STEMS = (
    "nav", "menu", "header", "footer", "foot", "sidebar", "side", "widget", "breadcrumb",
    "pagination", "pager", "share", "social", "follow", "search", "login", "account",
    "cookie", "consent", "banner", "newsletter", "subscribe", "signup", "donat", "support",
    "member", "campaign", "paywall", "promo", "related", "recommend", "popular", "trending",
    "more", "card", "teaser", "tile", "list", "item", "feed", "latest", "comment", "reply",
    "author", "byline", "date", "time", "meta", "tag", "categor", "caption", "credit", "figure",
    "photo", "image", "media", "advert", "sponsor", "article", "post", "entry", "story",
    "content", "body", "text", "main", "title", "headline", "head", "dek", "summary", "excerpt",
    "lead", "intro", "description", "product", "price", "review", "hidden", "modal", "popup",
    "copyright", "legal", "disclaimer", "bio", "button", "btn", "link", "logo", "brand",
)  # fmt: skip
_STEM_PATTERN = re.compile("|".join(sorted(map(re.escape, _STEMS), key=len, reverse=True)))
_STEM_INDEX = {stem: i for i, stem in enumerate(_STEMS)}

_TAGS = (
    "p", "div", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "span", "a",
    "figcaption", "blockquote", "pre", "caption", "address", "section", "article", "header",
    "footer", "nav", "aside", "form", "label", "button", "summary", "center", "body",
)  # fmt: skip
_ANCESTORS = (
    "nav", "header", "footer", "aside", "article", "main", "form", "figure", "blockquote",
    "table", "ul", "ol", "dl", "section", "button", "label", "select", "a", "time", "address",
    "figcaption", "details",
)  # fmt: skip
_LANDMARKS = ("header", "nav", "footer", "aside", "main", "article", "form", "")


@dataclass(frozen=True)
class _StructureFacts:
    """What the structure features of one document are computed from: the HTML splitter's facts
    as arrays indexed by block, and a one-hot (blocks, labels) matrix per group of columns."""

    link_density: np.ndarray
    links: np.ndarray
    link_chars: np.ndarray
    heading: np.ndarray
    in_list: np.ndarray
    list_size: np.ndarray
    group: np.ndarray
    in_table: np.ndarray
    emphasis: np.ndarray
    text_chars: np.ndarray
    depth: np.ndarray
    path_words: np.ndarray
    """The number of class/id/role words on the block's path."""
    prose_outside_comments_before: np.ndarray
    """Prose words before the block in blocks whose path has no comment stem: the article a
    thread of readers' comments follows (a forum's posts have little before them)."""
    tags: np.ndarray
    ancestors: np.ndarray
    landmarks: np.ndarray
    stems: np.ndarray


_STRUCT_FEATURES: tuple[tuple[str, Callable[[_StructureFacts], ArrayLike]], ...] = (
    ("link_density", lambda s: s.link_density),
    ("log_links", lambda s: np.log1p(s.links)),
    ("log_link_chars", lambda s: np.log1p(s.link_chars)),
    ("heading", lambda s: s.heading > 0),
    ("h1", lambda s: s.heading == 1),
    ("h2_h3", lambda s: (s.heading == 2) | (s.heading == 3)),
    ("h4_h6", lambda s: s.heading >= 4),
    ("in_list", lambda s: s.in_list),
    ("log_list_size", lambda s: np.log1p(s.list_size)),
    ("log_group_size", lambda s: np.log1p(s.group)),
    ("in_table", lambda s: s.in_table),
    ("emphasis_share", lambda s: s.emphasis / np.maximum(s.text_chars, 1)),
    ("depth", lambda s: np.minimum(s.depth, 40) / 10),
    ("log_path_words", lambda s: np.log1p(s.path_words)),
    ("log_prose_outside_comments_before", lambda s: np.log1p(s.prose_outside_comments_before)),
)
"""The single structure features in column order, each with the function computing its column."""
_STRUCT_GROUPS: tuple[tuple[str, tuple[str, ...], Callable[[_StructureFacts], np.ndarray]], ...] = (
    ("tag", _TAGS, lambda s: s.tags),
    ("anc", _ANCESTORS, lambda s: s.ancestors),
    ("landmark", tuple(t or "none" for t in _LANDMARKS), lambda s: s.landmarks),
    ("stem", _STEMS, lambda s: s.stems),
)
"""The one-hot groups of structure columns, after the single ones: each a prefix, its labels (one
column ``prefix=label`` each) and the function giving its (blocks, labels) matrix."""
_STRUCT_NAMES = tuple(name for name, _ in _STRUCT_FEATURES) + tuple(
    f"{prefix}={label}" for prefix, labels, _ in _STRUCT_GROUPS for label in labels
)

_WINDOW_TEXT = (
    "appeal",
    "log_words",
    "log_sentence_ends",
    "ends_terminal",
    "digit_share",
    "title_case_share",
    "date",
    "chrome",
    "teaser",
    "short_block",
    "log_duplicates",
    "comment_meta",
)
_WINDOW_HTML = (
    "link_density",
    "heading",
    "in_list",
    "log_group_size",
    "landmark=nav",
    "landmark=header",
    "landmark=footer",
    "landmark=aside",
    "landmark=main",
    "landmark=article",
)
OFFSETS = (-3, -2, -1, 1, 2, 3)
SPANS = (5, 15)


def window(values: np.ndarray) -> np.ndarray:
    """Neighbours' values of each column: at ``OFFSETS`` (0 past the ends) and means over ``SPANS``.

    ``values`` is (blocks, columns); the result is (blocks, columns * (len(OFFSETS) + len(SPANS))).
    """
    n, k = values.shape
    reach = max(max(abs(o) for o in OFFSETS), max(SPANS))
    padded = np.zeros((n + 2 * reach, k), dtype=np.float32)
    padded[reach : reach + n] = values
    parts = [padded[reach + o : reach + o + n] for o in OFFSETS]
    cumulative = np.vstack([np.zeros((1, k)), np.cumsum(padded, axis=0, dtype=np.float64)])
    starts = np.arange(n) + reach
    counts = np.zeros(n + 2 * reach)
    counts[reach : reach + n] = 1
    count_cum = np.concatenate([[0.0], np.cumsum(counts)])
    for span in SPANS:
        lo, hi = starts - span, starts + span + 1
        total = cumulative[hi] - cumulative[lo]
        present = (count_cum[hi] - count_cum[lo])[:, None]
        parts.append((total / np.maximum(present, 1)).astype(np.float32))
    return np.hstack(parts) if parts else np.zeros((n, 0), dtype=np.float32)


@dataclass(frozen=True)
class DocumentFeatures:
    """The features of every block of one document, for one model kind."""

    kind: str
    names: tuple[str, ...]
    dense: np.ndarray
    """(blocks, len(names)) float32: the block's own features, then its neighbours'."""
    hashed: Ngrams
    """(blocks, N_HASH) hashed, l2-normalised binary word 1-2 grams of the block text."""

    @property
    def ngrams(self):
        """``hashed`` as a scipy.sparse CSR matrix (for training; classifying does not need it)."""
        return self.hashed.csr()


def model_kind(document: Document) -> str:
    """``html`` for documents the HTML splitter made, ``text`` for everything else."""
    return "html" if document.input_format == "html" and _has_structure(document) else "text"


def _has_structure(document: Document) -> bool:
    return not document.blocks or from_html_splitter(document.blocks[0].features)


@lru_cache(maxsize=8)
def feature_names(kind: str) -> tuple[str, ...]:
    own = _TEXT_NAMES + (_STRUCT_NAMES if kind == "html" else ())
    windowed = _WINDOW_TEXT + (_WINDOW_HTML if kind == "html" else ())
    around = [f"{name}@{o:+d}" for o in OFFSETS for name in windowed]
    around += [f"{name}@±{s}" for s in SPANS for name in windowed]
    return own + tuple(around)


class Kernels(Protocol):
    """The implementation of the features' hot loops: a runner's ``speedups.HotPath``, compiled or
    the pure-Python reference (``speedups.PURE``), which give the same numbers."""

    def gram_keys(self, texts: list[str], start: int, stop: int) -> np.ndarray:
        """``_gram_keys``."""
        ...

    def char_counts(self, index: TextIndex, n: int) -> dict[str, np.ndarray]:
        """``_char_counts``."""
        ...

    def shared_in(self, rows: np.ndarray, columns: np.ndarray, weights: np.ndarray, reach: int) -> np.ndarray:
        """``_shared_in``."""
        ...

    def window(self, values: np.ndarray) -> np.ndarray:
        """``window``."""
        ...

    def structure_rows(self, facts: list[HtmlFacts], paths: dict[str, frozenset[str]]) -> StructureRows:
        """``structure_rows``."""
        ...

    def cosine_with(self, ngrams: Ngrams, columns: np.ndarray, weight: np.float32) -> np.ndarray:
        """``cosine_with``."""
        ...

    def word_sets(self, paths: list[str]) -> dict[str, frozenset[str]]:
        """``facts.word_sets``."""
        ...


def document_features(
    document: Document, kind: str | None = None, path: Kernels | None = None
) -> DocumentFeatures:
    """The features of ``document`` for ``kind`` (by default ``model_kind(document)``), computed
    once per document and shared by the plugins (again if blocks were added since), by ``path``
    (by default ``speedups.PURE``)."""
    kind = kind or model_kind(document)
    if kind == "html" and not _has_structure(document):
        raise ValueError("html features need blocks from the HTML splitter")
    return document.computed(("features", kind, len(document.blocks)), lambda d: compute(d, kind, path))


def compute(document: Document, kind: str, path: Kernels | None = None) -> DocumentFeatures:
    """Compute (without caching them; the joined block texts are shared) the features of
    ``document`` for ``kind``, by ``path`` (by default ``speedups.PURE``)."""
    names = feature_names(kind)
    texts = [block.text for block in document.blocks]
    n = len(texts)
    if n == 0:
        return DocumentFeatures(kind, names, np.zeros((0, len(names)), np.float32), hashed_ngrams([]))
    if path is None:
        from .speedups import PURE as path  # imported here: speedups imports this module
    ngrams = hashed_ngrams(texts, path.gram_keys)
    facts = _text_facts(texts, document, ngrams, text_index(document), path)
    own = np.column_stack([np.asarray(column(facts), dtype=np.float32) for _, column in _TEXT_FEATURES])
    if kind == "html":
        own = np.hstack([own, _structure_features(document, facts.prose, path)])
    around = path.window(own[:, _windowed_columns(kind)])
    dense = np.hstack([own, around]).astype(np.float32, copy=False)  # float32 already: no second copy
    return DocumentFeatures(kind, names, dense, ngrams)


@lru_cache(maxsize=8)
def _windowed_columns(kind: str) -> np.ndarray:
    """The columns of the own features of ``kind`` whose neighbours' values are features too
    (read-only: shared by every document)."""
    column = {name: i for i, name in enumerate(_TEXT_NAMES + (_STRUCT_NAMES if kind == "html" else ()))}
    windowed = _WINDOW_TEXT + (_WINDOW_HTML if kind == "html" else ())
    chosen = np.array([column[name] for name in windowed], np.intp)
    chosen.flags.writeable = False
    return chosen


def _pattern_counts(lowered: str, index: TextIndex, n: int) -> dict[str, np.ndarray]:
    """Per-block counts of each named group of the two patterns, in one pass each over ``lowered``
    (the index's lower-cased text, or its text where lower-casing moves offsets)."""
    found = [
        (m.start(), named.match(lowered, m.start()).lastgroup)  # the same match, with its group's name
        for search, named in ((_WORD_SEARCH, _WORD_PATTERN), (_SYMBOL_SEARCH, _SYMBOL_PATTERN))
        for m in index.matches(search, lowered)
    ]
    counts = {name: np.zeros(n) for name in _COUNTED}
    if found:
        positions = np.fromiter((f[0] for f in found), np.int64, len(found))
        owners = index.owners(positions)
        groups = np.asarray([f[1] for f in found])
        for name in _COUNTED:
            chosen = owners[groups == name]
            if chosen.size:
                counts[name] = np.bincount(chosen, minlength=n).astype(np.float64)
    return counts


def _code_table(codes: list[int]) -> np.ndarray:
    """A lookup table: True at each of ``codes`` (all below _TABLE_SIZE - 1), False elsewhere; index
    it with code points capped at _TABLE_SIZE - 1."""
    table = np.zeros(_TABLE_SIZE, bool)
    table[codes] = True
    assert not table[-1]
    return table


_TABLE_SIZE = 0x10000
_FULL_WIDTH_PUNCT = "、。「」『』【】（）！？：；，・"
_PUNCT = _code_table([ord(c) for c in "!\"#%&'()*,-./:;?@[\\]_{}«»‘’“”…–—•·|" + _FULL_WIDTH_PUNCT])
_SPACE = _code_table([9, 10, 11, 12, 13, 32, 0, 0xA0, 0x3000])
_END = _code_table([ord(c) for c in ".!?…"])
_END_ALONE = _code_table([ord(c) for c in FULL_STOPS])
_DENSE = _code_table([code for start, stop in DENSE_RANGES for code in range(start, stop)])
"""Kana and Chinese characters (scripts.DENSE_RANGES)."""
_CLOSER = _code_table([ord(c) for c in "\"')]”’"])
_NON_WORD_ASCII = np.array([not chr(c).isalnum() for c in range(128)])


CHUNK = 1 << 18
"""Characters of block text (or n-gram entries) worked on at once where the work takes memory per
character (or entry)."""


def spans(sizes: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Ranges ``(start, stop)`` of consecutive items whose ``sizes`` add up to about ``limit`` (an
    item larger than that on its own), covering all the items."""
    ends = np.cumsum(sizes)
    bounds = [0]
    while bounds[-1] < len(sizes):
        done = int(ends[bounds[-1] - 1]) if bounds[-1] else 0
        bounds.append(max(int(np.searchsorted(ends, done + limit, side="right")), bounds[-1] + 1))
    return list(itertools.pairwise(bounds))


CHAR_CLASSES = (
    "upper",
    "lower",
    "digits",
    "punct",
    "words",
    "title_words",
    "sentence_ends",
    "commas",
    "separators",
)
"""The character classes ``_char_counts`` counts per block, in the order it gives them."""


def _char_counts(index: TextIndex, n: int) -> dict[str, np.ndarray]:
    """Per-block counts of character classes and of word and sentence starts, from code points,
    worked out a chunk of blocks at a time (a few arrays per character of the chunk)."""
    joined, lengths = index.joined, index.lengths
    raised = joined.upper()
    lowered = index.lowered if len(raised) == len(joined) else None  # None: case by ASCII letters
    starts = [*index.starts.tolist(), len(joined) + len(SEP)]
    parts = []
    for first, stop in spans(lengths + len(SEP), CHUNK):
        at = slice(starts[first], starts[stop])  # the blocks, each with the separator after it
        cased = (lowered[at], raised[at]) if lowered is not None else None
        parts.append(_chunk_char_counts(joined[at], cased, lengths[first:stop]))
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _chunk_char_counts(
    joined: str, cased: tuple[str, str] | None, lengths: np.ndarray
) -> dict[str, np.ndarray]:
    """``_char_counts`` of some blocks joined; ``cased`` is their lower- and upper-cased text, None
    to tell case by ASCII letters only."""
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    if cased is not None:
        lowered, raised = cased
        is_upper = codes != np.frombuffer(lowered.encode("utf-32-le"), dtype=np.uint32)
        is_lower = codes != np.frombuffer(raised.encode("utf-32-le"), dtype=np.uint32)
    else:  # a rare character whose case mapping changes length: fall back to ASCII
        is_upper = (codes >= 65) & (codes <= 90)
        is_lower = (codes >= 97) & (codes <= 122)
    is_digit = (codes >= 48) & (codes <= 57)
    capped = np.minimum(codes, _TABLE_SIZE - 1)
    is_punct = _PUNCT[capped]
    is_space = _SPACE[capped]
    ascii_codes = np.minimum(codes, 127)
    is_word = ~is_space & ~is_punct & ~((codes < 128) & _NON_WORD_ASCII[ascii_codes])
    before = np.zeros(len(codes), bool)
    before[1:] = is_word[:-1]
    word_start = is_word & (~before | _DENSE[capped])
    closer_next = _ahead(_CLOSER[capped], 1, False)
    sentence_end = _END[capped] & (_ahead(is_space, 1, True) | (closer_next & _ahead(is_space, 2, True)))
    sentence_end |= _END_ALONE[capped]
    arrays = {
        "upper": is_upper,
        "lower": is_lower,
        "digits": is_digit,
        "punct": is_punct,
        "words": word_start,
        "title_words": word_start & is_upper,
        "sentence_ends": sentence_end,
        "commas": (codes == 44) | (codes == 59),
        "separators": _SEPARATOR[capped],
    }
    # each class's characters summed over each block's span (the block and the separator after
    # it), all classes in one pass; a zero column at the end is the span of an empty last block
    flags = np.zeros((len(arrays), len(codes) + 1), bool)
    for row, a in enumerate(arrays.values()):
        flags[row, :-1] = a
    starts = np.cumsum(lengths + len(SEP)) - (lengths + len(SEP))
    counts = np.add.reduceat(flags, starts, axis=1, dtype=np.int64).astype(np.float64)
    return dict(zip(arrays, counts, strict=True))


def _ahead(flags: np.ndarray, by: int, fill: bool) -> np.ndarray:
    """Each position's ``flags`` value ``by`` positions on (``fill`` past the end)."""
    ahead = np.full(len(flags), fill)
    ahead[: max(len(flags) - by, 0)] = flags[by:]
    return ahead


_SEPARATOR = _code_table([ord(c) for c in "|•·›»/>"])


def _text_facts(
    texts: list[str],
    document: Document,
    ngrams: Ngrams,
    index: TextIndex,
    path: Kernels,
) -> _TextFacts:
    n = len(texts)
    lengths = index.lengths
    count = _pattern_counts(index.joined if index.lowered is None else index.lowered, index, n)
    count.update(path.char_counts(index, n))
    words = count["words"]
    last = [t[-1] if t else "" for t in texts]
    first = [t[0] if t else "" for t in texts]
    ends_terminal = np.fromiter((c in ".!?…\"'”’)。！？」』" for c in last), dtype=bool, count=n)

    prose = np.where((count["sentence_ends"] >= 2) | ((words >= 20) & ends_terminal), words, 0.0)
    prose_total = max(prose.sum(), 1.0)
    prose_before = (np.cumsum(prose) - prose) / prose_total

    lowered_texts = [t.lower() for t in texts]
    repeats = Counter(lowered_texts)

    # similarities are cosines of the l2-normalised binary 1-2 gram vectors
    title = str(document.meta.get("title", "") or "")
    in_title = np.zeros(n)
    if title.strip():
        title_ngrams = hashed_ngrams([title], path.gram_keys)
        in_title = path.cosine_with(ngrams, title_ngrams.columns, title_ngrams.weights[0])
    heading_levels = [facts.heading for facts in html_facts(document)]
    first_h1 = next((i for i, level in enumerate(heading_levels) if level == 1), None)
    in_first_heading = np.zeros(n)
    if first_h1 is not None:
        start, stop = ngrams.indptr[first_h1], ngrams.indptr[first_h1 + 1]
        in_first_heading = path.cosine_with(ngrams, ngrams.columns[start:stop], ngrams.weights[first_h1])

    shared_next, shared_prev = shared_with_neighbours(ngrams, 10, path.shared_in)
    return _TextFacts(
        n=n,
        lengths=lengths,
        chars=np.maximum(lengths, 1).astype(np.float64),
        words=words,
        safe_words=np.maximum(words, 1),
        count=count,
        ends_terminal=ends_terminal,
        ends_colon=np.fromiter((c == ":" for c in last), dtype=bool, count=n),
        starts_upper=np.fromiter((c.isupper() for c in first), dtype=bool, count=n),
        prose=prose,
        prose_before=prose_before,
        prose_after=1.0 - prose_before - prose / prose_total,
        after_comments=_after_comments_heading(lowered_texts, words, lengths, prose, index),
        comment_meta=_comment_meta(lowered_texts, words, index),
        found_in_prose=found_in_prose(ngrams, prose),
        duplicates=np.fromiter(map(repeats.__getitem__, lowered_texts), np.float64, n) - 1,
        in_title=in_title,
        in_first_heading=in_first_heading,
        shared_next=shared_next / 10,
        shared_prev=shared_prev / 10,
    )


_COMMENTS_HEADING = re.compile(
    r"\W*(?:\d+\s+)?(?:comments?|responses?|replies|reactions|reader comments|discussion|"
    r"leave a (?:comment|reply)|join the (?:discussion|conversation)|kommentare|commentaires|"
    r"comentarios|comentários|komentáře|コメント|评论)\b",
)
_COUNTED_THREAD_HEADING = re.compile(r"\W*\d+\s+(?:comments?|responses?|thoughts|replies)\s+(?:on|to)\b")
"""A heading that counts the comments on the article by name ("59 Comments on “The title”"): it
may be as long as the title it quotes."""
_COMMENT_META = re.compile(
    r"\b\d{1,2}:\d\d\s*(?:am|pm|a\.m\.|p\.m\.|utc|gmt)|\b(?:says|wrote):?$|"
    r"\b\d+\s*(?:minutes?|hours?|days?|weeks?|months?|years?|mins?|hrs?|yrs?|mo|[hdwy])\.?\s+ago\b|"
    r"^(?:reply|report|permalink)$"
)
"""What a commenter's line says besides the name: the time of day, "Jane says:", "3 yr. ago", or a
"Reply" button alone."""


_COMMENTS_CUE = re.compile(
    "comment|coment|kommentar|komentáře|response|repl|reaction|discussion|join the|thoughts|コメント|评论"
)
"""What every match of ``_COMMENTS_HEADING`` and ``_COUNTED_THREAD_HEADING`` holds (one of their
words, or its start)."""


def _after_comments_heading(
    lowered_texts: list[str],
    words: np.ndarray,
    lengths: np.ndarray,
    prose: np.ndarray,
    index: TextIndex | None = None,
) -> np.ndarray:
    """1 for the blocks after the first short block that heads readers' comments and comes after
    the article: after the first 30% of the page's text, or after 150 words of prose (a
    "Comments" link in a menu or by the byline at the top does not count; a thread longer than
    the article does). With ``index`` and its lower-cased text, only the blocks where its one
    pass over that text finds ``_COMMENTS_CUE`` are tried."""
    n = len(lowered_texts)
    after = np.zeros(n)
    ends = np.cumsum(lengths)
    late = ends > 0.3 * max(int(ends[-1]), 1) if n else ends
    late |= np.cumsum(prose) - prose >= 150
    if index is not None and index.lowered is not None:
        late &= _cued(index, _COMMENTS_CUE, n)
    for i in np.flatnonzero(late & (words <= 25)).tolist():
        text = lowered_texts[i]
        if _COUNTED_THREAD_HEADING.match(text) or (words[i] <= 10 and _COMMENTS_HEADING.match(text)):
            after[i + 1 :] = 1
            break
    return after


_COMMENT_META_CUE = re.compile(r":|says|wrote|ago|reply|report|permalink")
"""What every match of ``_COMMENT_META`` holds (the time's colon, "ago", or one of its words): found
far faster (``re`` skips to the characters that can begin it), so the full pattern runs on few
blocks."""


def _comment_meta(lowered_texts: list[str], words: np.ndarray, index: TextIndex | None = None) -> np.ndarray:
    """1 for a short block (15 words or fewer) that reads like a commenter's name and time line.

    With ``index`` (the blocks' text index) and its lower-cased text, the blocks with a cue are
    those its one pass over that text finds (a cue never spans ``SEP``); else each short block is
    searched for one."""
    n = len(lowered_texts)
    found = np.zeros(n)
    short = words <= 15
    if index is not None and index.lowered is not None:
        chosen = np.flatnonzero(short & _cued(index, _COMMENT_META_CUE, n)).tolist()
    else:
        chosen = [i for i in np.flatnonzero(short).tolist() if _COMMENT_META_CUE.search(lowered_texts[i])]
    for i in chosen:
        if _COMMENT_META.search(lowered_texts[i]) is not None:
            found[i] = 1.0
    return found


def _cued(index: TextIndex, cue: re.Pattern[str], n: int) -> np.ndarray:
    """Whether each of the ``n`` blocks of ``index`` holds a match of ``cue`` (a pattern that never
    spans ``SEP``) in the index's lower-cased text, found in one pass over it."""
    assert index.lowered is not None
    starts = [m.start() for m in index.matches(cue, index.lowered)]
    cued = np.zeros(n, bool)
    cued[index.owners(np.array(starts, np.int64))] = True
    return cued


_word_stems: dict[str, tuple[int, ...]] = {}


def _word_stem_hits(word: str) -> tuple[int, ...]:
    """Indices of the generic stems found inside one class/id/role ``word``, cached per word (up to
    100,000 words)."""
    hits = _word_stems.get(word)
    if hits is None:
        hits = tuple({_STEM_INDEX[m.group(0)] for m in _STEM_PATTERN.finditer(word)})
        if len(_word_stems) < 100_000:
            _word_stems[word] = hits
    return hits


def _stems(words: frozenset[str]) -> frozenset[int]:
    """Indices of the generic stems found inside the class/id/role ``words`` of a path (not cached
    by path: on 200 WCXB pages 6 % of the paths recurred, and the cache's entries were a third of
    the objects every full garbage collection walks; each word's stems are cached)."""
    found: set[int] = set()
    for word in words:
        hits = _word_stems.get(word)
        if hits is None:
            hits = _word_stem_hits(word)
        if hits:
            found.update(hits)
    return frozenset(found)


_ANCESTOR_INDEX = {t: i for i, t in enumerate(_ANCESTORS)}
_TAG_COLUMN = {t: (i,) for i, t in enumerate(_TAGS)}
_TAG_INDEX = {t: i for i, t in enumerate(_TAGS)}
_LANDMARK_INDEX = {t: i for i, t in enumerate(_LANDMARKS)}


def _one_hot(columns: list[Collection[int]], width: int) -> np.ndarray:
    """A (len(columns), width) float32 matrix with 1 in each row's ``columns`` (made without a
    tuple per entry: a page has about 2,000 of them, and their allocations set off collections)."""
    counts = np.fromiter(map(len, columns), np.intp, len(columns))
    matrix = np.zeros((len(columns), width), np.float32)
    at = np.fromiter(itertools.chain.from_iterable(columns), np.intp, int(counts.sum()))
    matrix[np.repeat(np.arange(len(columns)), counts), at] = 1
    return matrix


@lru_cache(maxsize=8192)
def _ancestors(path: tuple[str, ...]) -> tuple[int, ...]:
    return tuple({_ANCESTOR_INDEX[t] for t in path if t in _ANCESTOR_INDEX})


def _structure_features(document: Document, prose: np.ndarray, path: Kernels) -> np.ndarray:
    """The (blocks, len(_STRUCT_NAMES)) float32 matrix of the structure features: the single ones,
    then the one-hot groups; ``prose`` is the prose words of each block (``_TextFacts.prose``),
    ``path`` the kernels reading the blocks' facts."""
    facts = _structure_facts(document, prose, path)
    single = np.column_stack([np.asarray(column(facts), dtype=np.float32) for _, column in _STRUCT_FEATURES])
    return np.hstack([single, *(group(facts) for _, _, group in _STRUCT_GROUPS)])


FACT_COLUMNS = (
    "link_density",
    "links",
    "link_chars",
    "heading",
    "in_list",
    "list_size",
    "group_size",
    "in_table",
    "emphasis_chars",
    "text_chars",
    "depth",
)
"""The ``HtmlFacts`` fields the structure features read as numbers, in ``StructureRows.columns``'s order."""


class StructureRows(NamedTuple):
    """What the structure features read of a document's ``HtmlFacts`` (``structure_rows``)."""

    columns: np.ndarray
    """(len(FACT_COLUMNS), blocks) float64: each field of ``FACT_COLUMNS`` of every block."""
    tags: np.ndarray
    """(blocks, len(_TAGS)) float32, one-hot: the block's tag."""
    ancestors: np.ndarray
    """(blocks, len(_ANCESTORS)) float32: 1 for each of ``_ANCESTORS`` on the block's path."""
    landmarks: np.ndarray
    """(blocks, len(_LANDMARKS)) float32, one-hot: the block's landmark (any other: the last)."""
    which: np.ndarray
    """(blocks,) intp: the block's distinct path (the order of ``path_word_sets``)."""
    path_words: np.ndarray
    """(paths,) float64: the words of each distinct path."""
    path_stems: np.ndarray
    """(paths, len(_STEMS)) float32: 1 for each stem found in a word of the path."""


def structure_rows(facts: list[HtmlFacts], paths: dict[str, frozenset[str]]) -> StructureRows:
    """The reference of ``Kernels.structure_rows``: ``facts``'s numbers and one-hot groups, ``paths``
    the words of each distinct path (``facts.path_word_sets``)."""
    n = len(facts)
    columns = np.array([np.fromiter((getattr(x, f) for x in facts), np.float64, n) for f in FACT_COLUMNS])
    tags = _one_hot([_TAG_COLUMN.get(x.tag, ()) for x in facts], len(_TAGS))
    ancestors = _one_hot([_ancestors(x.path) for x in facts], len(_ANCESTORS))
    landmarks = np.zeros((n, len(_LANDMARKS)), np.float32)
    landmarks[np.arange(n), [_LANDMARK_INDEX.get(x.landmark, len(_LANDMARKS) - 1) for x in facts]] = 1
    distinct = {w: i for i, w in enumerate(paths)}
    which = np.fromiter(map(distinct.__getitem__, (x.path_words for x in facts)), np.intp, n)
    path_words = np.fromiter((w.count(" ") + 1 if w else 0 for w in paths), np.float64, len(paths))
    path_stems = _one_hot([_stems(words) for words in paths.values()], len(_STEMS))
    return StructureRows(columns, tags, ancestors, landmarks, which, path_words, path_stems)


def _structure_facts(document: Document, prose: np.ndarray, path: Kernels) -> _StructureFacts:
    # one row per distinct path (blocks share their container's), then a row per block
    rows = path.structure_rows(html_facts(document), path_word_sets(document, path.word_sets))
    stems = rows.path_stems[rows.which]
    outside = np.where(stems[:, _STEM_INDEX["comment"]] > 0, 0.0, prose)
    column = dict(zip(FACT_COLUMNS, rows.columns, strict=True))
    return _StructureFacts(
        link_density=column["link_density"],
        links=column["links"],
        link_chars=column["link_chars"],
        heading=column["heading"],
        in_list=column["in_list"],
        list_size=column["list_size"],
        group=column["group_size"],
        in_table=column["in_table"],
        emphasis=column["emphasis_chars"],
        text_chars=column["text_chars"],
        depth=column["depth"],
        path_words=rows.path_words[rows.which],
        prose_outside_comments_before=np.cumsum(outside) - outside,
        tags=rows.tags,
        ancestors=rows.ancestors,
        landmarks=rows.landmarks,
        stems=stems,
    )
