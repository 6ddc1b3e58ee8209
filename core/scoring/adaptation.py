"""A site adaptation: a small layer over the learned combiner, fitted on a few pages of one site.

``pageparts adapt`` (``pageparts.training.adapt``) fits it; a model directory that holds one
(``adaptation.json``, see ``pageparts.scoring.models``) votes with its base directory's models and
combiner, and this layer then moves the combiner's six probabilities. Per input kind it is a
multinomial logistic layer whose logits are

    log(base probability) + dense · W + Σ weights of the block's template keys + intercept

so that with no weights it gives the base combiner's probabilities. The dense inputs are the
combiner's vote matrix (model and rule scores per label) and its mean over the two neighbours;
the template keys (``block_keys``) are what a site's pages share: the class/id words and tag path
of the block's element (HTML), the block's own text (a menu item, a button), and its position on
the page. Class/id words with a digit are left out: generated names (``css-1euk6kx``, comment
ids) change from page to page. Keys are stored as CRC-32 hashes, so the file holds no page text.

In HTML the layer moves only the blocks whose place in the template (the nearest class/id words
and tags of their element: ``PLACE``) was seen on the pages it learnt from; every other
block keeps the base combiner's probabilities, unless the layer holds a *site-wide layer*
(``KindLayer.wide``, format 4): a second logistic layer of the same form over the vote matrix and
the keys that mean the same on every template of a site (``WIDE_KEYS``: tag, landmark, heading
level, position, and since format 6 the class/id words one by one), fitted on every block of the
pages, which moves the blocks outside those places.
It carries what a site's labels say beyond one template (apple.com's labeller takes everything in
``<main>`` as body, where the base models read product cards as related links), and it moves no
block to a label whose blocks on the pages were all shorter (``longest``).

On top of the logistic layer, an HTML layer holds a *memory* of the template (``memory_keys``): a
block's place with its text, and its place alone, each as the labels that the pages it learnt from
agree on there (``Memory``). Where a block's first memorised key holds labels, its best label is
kept among them (the layer's probabilities of the other labels are set to zero); where the pages
disagreed (no label shared by ``PURITY`` of the key's words), the block is left as the layer has
it. A logistic layer is kept near the base by its penalty, and a few pages rarely outweigh it; the
memory says what the pages say outright, and only where two pages or more say it the same way.
Below it, the keys found on one page only (``Memory.single``, format 5) say what that page says,
for the blocks none of whose keys two pages share: a layout of which the pages hold one example.

Last, the logits of the blocks the layer moves (at a learnt place, by the site-wide layer or the
memory) are multiplied by its *sharpness* (``KindLayer.sharpness``, format 6; 1 before): the
combiner labels a block whose best probability is under its threshold (0.5) ``other``, and where
the layer's best label is right but not sure enough (a card the site-wide layer moves from related
links to body at 0.4), a sharpness above 1 lets it win. It is chosen on the pages, by leaving one
out, with that threshold applied.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..document import LABELS, Document
from ..facts import html_facts
from .combine import LOG_ODDS_FLOOR, learned_features
from .features import model_kind

ADAPTATION_FILE = "adaptation.json"
FORMAT = 6
"""The version of ``adaptation.json``'s layout: 6, a layer has a sharpness (``KindLayer.sharpness``;
1 in older files) and a site-wide layer may weigh class/id words (``WIDE_KEYS``); 5, the memory
may hold keys found on one page (``Memory.single``); 4, an HTML layer may hold a site-wide layer
(``KindLayer.wide``); 3, a block's place leaves out the class/id words its own text gives
(``place``); 2, its place has them, with the HTML layer's memory; 1, without a memory. Formats 1
to 5 are read too (without a site-wide layer before 4), their places made as they were made
then."""
READ_FORMATS = (1, 2, 3, 4, 5, 6)

PATH_SUFFIXES = (1, 2, 3, 4)
"""How many of the last class/id words of a block's element path make a key."""


def block_keys(document: Document, kind: str, form: int = FORMAT) -> list[list[str]]:
    """The template keys of every block of ``document``, as strings (see the module's docstring);
    in HTML the first is the block's place in the template (``place``, as format ``form`` makes it)."""
    n = len(document.blocks)
    all_facts = html_facts(document) if kind == "html" else []
    keys = []
    for i, block in enumerate(document.blocks):
        row = []
        if kind == "html":
            facts = all_facts[i]
            words = [w for w in facts.path_words.split() if w.isalpha()]
            path = facts.path
            row.append(place(words, path, block.text if form >= 3 else ""))
        row += [f"x:{' '.join(block.text.lower().split())}", f"pos:{10 * i // max(n, 1)}"]
        if i < 3 or i >= n - 3:
            row.append(f"end:{i if i < 3 else i - n}")
        if kind == "html":
            row += [f"w:{word}" for word in set(words)]
            row += [f"s{k}:{' '.join(words[-k:])}" for k in PATH_SUFFIXES if len(words) >= k]
            row += [
                f"pw:{' '.join(words)}",
                f"t:{facts.tag}",
                f"tp:{'/'.join(path[-3:])}",
                f"p:{'/'.join(path)}",
                f"lm:{facts.landmark}",
                f"h:{facts.heading}",
            ]
        keys.append(row)
    return keys


WIDE_KEYS = ("t:", "lm:", "h:", "pos:", "end:", "w:")
"""The keys a site-wide layer (``KindLayer.wide``) reads: the block's tag, landmark, heading level
and position, which mean the same on every template of a site, and each class/id word of its
element's path (``w:``, format 6): a site names its parts with one vocabulary across templates
(``carousel``, ``card``, ``price``) where the words' order, the tag paths and the texts name one
template's parts."""


PLACE = "at:"
"""The prefix of a block's place key: the last PLACE_WORDS class/id words of its element's path and
its last PLACE_TAGS tags (the whole path holds page-specific words, such as the page's own class
on ``<body>``)."""
PLACE_WORDS = 6
PLACE_TAGS = 3


def place(words: Sequence[str], path: Sequence[str], text: str = "") -> str:
    """A block's place key from its element's class/id words and tag path, less the last words
    when they spell its whole ``text``: a heading's or a list item's id made from its text
    (``<h2 id="instance_properties">Instance properties</h2>``) differs from page to page where
    the element's place in the template does not."""
    own = TEXT_WORD.findall(text.lower())
    end = len(words)
    if own and list(words[-len(own) :]) == own:
        end -= len(own)
    return f"{PLACE}{' '.join(words[max(end - PLACE_WORDS, 0) : end])}|{'/'.join(path[-PLACE_TAGS:])}"


TEXT_WORD = re.compile(r"[^\W\d_]{2,}")
"""A word of a block's text as ``place`` compares it with class/id words (letters only, two or more)."""


def hashed(keys: Sequence[Sequence[str]]) -> list[list[int]]:
    """Each key as its CRC-32 (stable across processes and runs)."""
    return [[zlib.crc32(key.encode("utf-8", "surrogatepass")) for key in row] for row in keys]


DENSE_REACHES = (1,)
"""Neighbour means of the vote matrix the layer reads (±1 block)."""


def dense_inputs(matrix: np.ndarray) -> np.ndarray:
    """The layer's dense inputs: the vote matrix and its neighbours' means."""
    return learned_features(matrix, DENSE_REACHES)


def log_base(probabilities: np.ndarray) -> np.ndarray:
    """The base combiner's log-probabilities, clipped as the combiner clips its log-odds."""
    return np.log(np.clip(probabilities, LOG_ODDS_FLOOR, 1.0))


def memory_keys(keys: Sequence[int]) -> tuple[int, int] | None:
    """A block's memorised keys (by its hashed HTML keys), most specific first: its place with its
    text, its place; None for a block without them (text input)."""
    if len(keys) < 2:
        return None
    return zlib.crc32(f"{keys[0]}/{keys[1]}".encode()), keys[0]


PURITY = 0.9
"""The share of a memorised key's words whose labels must agree (accept one label) for the key to
hold that label."""


@dataclass(frozen=True)
class Memory:
    """Hashed memorised key -> a bit mask over ``LABELS`` of the labels the pages agree on there
    (0: the pages disagreed, and the key leaves its blocks as they are)."""

    masks: dict[int, int]
    single: dict[int, int] = field(default_factory=dict)
    """The same for the keys found on one page only (format 5), read for a block none of whose
    keys ``masks`` holds: a layout of which the pages hold one example (an ended listing among
    live ones) is labelled there as that page labels it."""

    def allowed(self, keys: Sequence[Sequence[int]]) -> np.ndarray:
        """(blocks, 6) bool: the labels each block may take (every label where nothing is memorised)."""
        allowed = np.ones((len(keys), len(LABELS)), bool)
        bits = 1 << np.arange(len(LABELS))
        for i, row in enumerate(keys):
            found = memory_keys(row) or ()
            mask = next((self.masks[k] for k in found if k in self.masks), None)
            if mask is None:
                mask = next((self.single[k] for k in found if k in self.single), None)
            if mask:
                allowed[i] = (mask & bits) > 0
        return allowed

    def to_json(self) -> dict:
        stored = {"keys": list(self.masks), "masks": list(self.masks.values())}
        if self.single:
            stored |= {"single_keys": list(self.single), "single_masks": list(self.single.values())}
        return stored

    @classmethod
    def from_json(cls, stored: dict | None) -> Memory | None:
        if not stored:
            return None
        single = zip(stored.get("single_keys", ()), stored.get("single_masks", ()), strict=True)
        return cls(
            {int(k): int(m) for k, m in zip(stored["keys"], stored["masks"], strict=True)},
            {int(k): int(m) for k, m in single},
        )


def moved(places: frozenset[int] | None, keys: Sequence[Sequence[int]]) -> np.ndarray:
    """Per block (by its hashed keys): whether a layer that moves ``places`` moves it (all when None)."""
    if places is None:
        return np.ones(len(keys), bool)
    return np.fromiter((bool(row) and row[0] in places for row in keys), bool, len(keys))


@dataclass(frozen=True)
class KindLayer:
    """The fitted layer of one input kind: weights per hashed key, dense weights, intercept."""

    keys: dict[int, int]
    """Hashed key -> row of ``key_weights``."""
    key_weights: np.ndarray
    dense: np.ndarray
    intercept: np.ndarray
    places: frozenset[int] | None = None
    """The hashed places (first keys) of the blocks the layer moves; None: every block."""
    memory: Memory | None = None
    form: int = FORMAT
    """The format of the file it was read from, which says how its places are made (``block_keys``)."""
    wide: KindLayer | None = None
    """The site-wide layer that moves the blocks outside ``places`` (None: they keep the base's
    scores): a layer over the keys of WIDE_KEYS alone, with ``longest``."""
    longest: np.ndarray | None = None
    """Of a site-wide layer: per label, the most words of a block given it on the pages it learnt
    from. It moves no block to a label whose blocks there were all shorter."""
    sharpness: float = 1.0
    """What the logits of the blocks the layer moves are multiplied by (format 6): above 1, such a
    block's best label is surer, and less often under the combiner's threshold, where it falls back
    to ``other``. The blocks it does not move keep the base's probabilities."""

    def moves(self, matrix: np.ndarray, keys: list[list[int]]) -> np.ndarray:
        """(blocks, 6) what the layer adds to every block's base log-probabilities."""
        moves = dense_inputs(matrix) @ self.dense + self.intercept
        rows = [(i, self.keys[k]) for i, row in enumerate(keys) for k in row if k in self.keys]
        if rows:
            block, found = np.asarray(rows).T
            np.add.at(moves, block, self.key_weights[found])
        return moves

    def logits(
        self, base: np.ndarray, matrix: np.ndarray, keys: list[list[int]], words: np.ndarray
    ) -> np.ndarray:
        """(blocks, 6) logits over ``LABELS`` from the base probabilities, vote matrix, keys and
        the blocks' words."""
        inside = moved(self.places, keys)
        logits = log_base(base) + np.where(inside[:, None], self.moves(matrix, keys), 0.0)
        touched = inside.copy()
        if self.wide is not None:
            wide = logits + self.wide.moves(matrix, keys)
            if self.wide.longest is not None:
                inside |= words > self.wide.longest[wide.argmax(axis=1)]
            logits = np.where(inside[:, None], logits, wide)
            touched |= ~inside
        if self.memory is not None:
            allowed = self.memory.allowed(keys)
            logits = np.where(allowed, logits, -np.inf)
            touched |= ~allowed.all(axis=1)
        return np.where(touched[:, None], logits * self.sharpness, logits)

    def apply(self, document: Document, base: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        """The adapted (blocks, 6) probabilities of ``document`` from the base combiner's; the
        blocks the layer does not move keep them exactly."""
        keys = hashed(block_keys(document, model_kind(document), self.form))
        rows = moved(None if self.wide is not None else self.places, keys)
        if self.memory is not None:
            rows |= ~self.memory.allowed(keys).all(axis=1)
        words = np.fromiter((len(b.text.split()) for b in document.blocks), int, len(document.blocks))
        logits = self.logits(base, matrix, keys, words)[rows]
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        adapted = base.copy()
        adapted[rows] = odds / odds.sum(axis=1, keepdims=True)
        return adapted

    def to_json(self) -> dict:
        return {
            "keys": list(self.keys),
            "key_weights": np.round(self.key_weights, 5).tolist(),
            "dense": np.round(self.dense, 5).tolist(),
            "intercept": np.round(self.intercept, 5).tolist(),
            "places": None if self.places is None else sorted(self.places),
            "memory": None if self.memory is None else self.memory.to_json(),
            "wide": None if self.wide is None else self.wide.to_json(),
            "longest": None if self.longest is None else self.longest.tolist(),
            "sharpness": self.sharpness,
        }

    @classmethod
    def from_json(cls, stored: dict, form: int = FORMAT) -> KindLayer:
        weights = np.asarray(stored["key_weights"], float).reshape(-1, len(LABELS))
        return cls(
            {int(k): i for i, k in enumerate(stored["keys"])},
            weights,
            np.asarray(stored["dense"], float).reshape(-1, len(LABELS)),
            np.asarray(stored["intercept"], float),
            None if stored.get("places") is None else frozenset(map(int, stored["places"])),
            Memory.from_json(stored.get("memory")),
            form,
            None if stored.get("wide") is None else cls.from_json(stored["wide"], form),
            None if stored.get("longest") is None else np.asarray(stored["longest"], int),
            float(stored.get("sharpness", 1.0)),
        )


class AdaptationError(ValueError):
    """An ``adaptation.json`` this pageparts cannot read."""


def read_adaptation(path: Path) -> dict[str, KindLayer]:
    """The layers per input kind of the file ``path``; AdaptationError if it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") not in READ_FORMATS or list(data.get("labels", ())) != list(LABELS):
            raise AdaptationError(
                f"{path.name} is an adaptation of format {data.get('format')!r} for labels "
                f"{data.get('labels')!r}; this pageparts reads format {FORMAT}: adapt again"
            )
        return {kind: KindLayer.from_json(layer, data["format"]) for kind, layer in data["kinds"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        if isinstance(error, AdaptationError):
            raise
        raise AdaptationError(f"{path} is not a site adaptation: {error}") from None


def write_adaptation(path: Path, layers: dict[str, KindLayer]) -> None:
    data = {"format": FORMAT, "labels": list(LABELS), "kinds": {k: v.to_json() for k, v in layers.items()}}
    Path(path).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
