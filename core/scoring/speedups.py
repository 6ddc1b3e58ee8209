"""Which implementation classifying runs for its hot loops: the compiled extension or pure Python.

``pageparts.scoring._speedups`` (core/scoring/_speedups.pyx, compiled by Cython when pageparts is installed)
hashes the blocks' word 1-2 grams, counts each block's characters of the features' classes and
the n-grams it shares with its neighbours, walks
the boosted trees of a model over all blocks of a document, computes stage A's sparse dot product,
makes the model votes, reads the votes for
the combiner, finds the matches of the features' and the rules' patterns in a document's text
by trying each pattern only where one of its leads occurs (``leads.leads``; the patterns asked of
a text, in one scan of it: ``OneScan``), and walks the HTML
splitter's tree (libxml2's nodes under lxml's root element) into blocks and their facts. Each of its
functions does what a pure-Python reference does, with the same floating-point operations in the
same order, so the two paths give the same keys, matches and scores to the bit
(tests/test_compiled_path.py and bench/compiled_path.py check it on pages):

===================  ==================================  ===========================
step                 pure Python (the reference)         compiled
===================  ==================================  ===========================
hashed 1-2 grams     ``features._gram_keys``             ``_speedups.gram_keys``
character classes    ``features._char_counts``           ``_speedups.char_counts``
neighbours' n-grams  ``features._shared_in``             ``_speedups.shared_in``
neighbours' values   ``features.window``                 ``_speedups.window``
trees' raw scores    ``model_format.Trees.raw``          ``_speedups.forest_raw``
stage A's own part   ``(x[:, :k] - mean) / scale``       ``_speedups.standardized``
stage A's n-grams    ``features.Ngrams.dot``             ``_speedups.sparse_dot``
model votes          ``Vote(...)`` per block              ``_speedups.model_votes``
votes by block       ``combine.sorted_votes``            ``_speedups.sorted_votes``
the votes' fields    ``combine.VoteFields.of``           ``_speedups.vote_fields``
a pattern's matches  ``text_index.all_matches``          ``_speedups.lead_matches``
title match          ``extraction_scores.f1_matcher``    ``_speedups.word_f1``
rule facts' words    ``rules.word_counts``               ``_speedups.word_counts``
the HTML walk        ``splitters.html._found``           ``_speedups.html_walk``
the HTML blocks      ``splitters.html._blocks``          ``_speedups.html_blocks``
blocks in JSON Lines ``output.jsonl._blocks``            ``_speedups.json_blocks``
structure facts      ``features.structure_rows``         ``_speedups.structure_rows``
cosine with one row  ``features.cosine_with``            ``_speedups.cosine_with``
weighted means       ``combine._mean_of``                ``_speedups.vote_sums``
vote matrix          ``combine._matrix_of``              ``_speedups.vote_matrix_sums``
control bytes        ``splitters.html.parse``'s removal  ``_speedups.control_free``
early end tags       ``html._without_early_end_tags``    ``_speedups.early_end``
the paths' words     ``facts.word_sets``                 ``_speedups.word_sets``
attribute words      ``html._WORD.findall``, joined      ``_speedups.attribute_words``
===================  ==================================  ===========================

(the first three for the features, which the models pass the path to as their ``Kernels``
(``features.document_features``); the fourth for the features and the models; the eighth and
ninth for the combiner: the votes in order, each one's block, label, score, plugin weight and
source; the tenth for the features and the rule facts, through ``TextIndex.matches``; the
eleventh and twelfth for the headline plugin and the rule facts: the rule plugins' hook carries
no path, so the runner gives each document its path (``use_path``: a ``OneScan`` from
``HotPath.matcher()`` for ``text_index.use_matcher``, and ``document_path``); the HTML walk and its blocks for
the HTML splitter, through ``SPLIT_PATH``, which the runner sets around the split hook; the last
for the JSON Lines writer, which takes the path as an argument: ``render(...,
path=runner.hot_path)``, as ``pageparts classify`` writes, and gives the same text, its scores'
digits found another way: docs/architecture.md says how. Since round 9: the structure facts and
the cosines for the features, the weighted means and the vote matrix for the combiner, and the
control bytes for the HTML splitter's ``parse``, through ``SPLIT_PATH``. Since round 11: the
paths' words for the features and the rule facts (``facts.path_word_sets``, whichever asks first).
Since round 13: the class, id and role words of an element, inside the compiled HTML walk.)

A runner takes its ``HotPath`` from the settings (``hot_path(options.pure_python)``; the
environment variable ``PAGEPARTS_PURE_PYTHON``, read by ``pageparts.settings``, sets it). Where
the extension was not built (no C compiler at install time) or is stale (built from another
version of the .pyx), the pure path runs, with one warning per process.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from types import ModuleType
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from ..document import LABELS, MODEL, Block, Document, Vote
from ..facts import HtmlFacts, word_sets
from ..labels.extraction_scores import f1_matcher
from . import features
from .combine import _LABEL_COLUMN, VoteFields, _matrix_of, _mean_of, sorted_votes
from .features import CHAR_CLASSES, N_HASH, Ngrams, _char_counts, _gram_keys, _shared_in
from .leads import MOST_GROUP, Group, group, leads
from .model_format import Logistic, Trees
from .rules import word_counts
from .text_index import Matcher, TextIndex, all_matches, use_matcher

EXTENSION_VERSION = 34
"""The ``VERSION`` of core/scoring/_speedups.pyx that this module was written for."""


def _load_extension() -> tuple[ModuleType | None, str]:
    """The compiled extension, or None and why not."""
    try:
        from . import _speedups
    except ImportError as error:
        return None, f"it was not built when pageparts was installed ({error})"
    if getattr(_speedups, "VERSION", None) != EXTENSION_VERSION:
        return None, f"it was built from another version of core/scoring/_speedups.pyx ({_speedups.__file__})"
    return _speedups, ""


_EXTENSION, _MISSING = _load_extension()
_warned = False


def compiled_available() -> bool:
    """True when the compiled extension is installed and of this version."""
    return _EXTENSION is not None


@dataclass(frozen=True)
class HotPath:
    """The hot loops of classifying, compiled (``compiled=True``) or in pure Python (the reference)."""

    compiled: bool = False

    @property
    def name(self) -> str:
        return "compiled" if self.compiled else "pure Python"

    def gram_keys(self, texts: list[str], start: int, stop: int) -> np.ndarray:
        """``row * N_HASH + column`` of the hashed word 1-2 grams of ``texts[start:stop]``, sorted,
        each once (``features._gram_keys``; ``features.hashed_ngrams`` takes this method)."""
        if not self.compiled:
            return _gram_keys(texts, start, stop)
        return _EXTENSION.gram_keys(texts, start, stop, N_HASH)

    def char_counts(self, index: TextIndex, n: int) -> dict[str, np.ndarray]:
        """Each block's characters of each class (``features._char_counts``; ``features.compute``
        takes this method)."""
        if not self.compiled:
            return _char_counts(index, n)
        joined, lowered = index.joined, index.lowered
        raised = joined.upper()
        if lowered is None or len(raised) != len(joined):  # case told by ASCII letters only
            lowered = raised = None
        tables = (
            features._PUNCT,
            features._SPACE,
            features._END,
            features._CLOSER,
            features._SEPARATOR,
            features._END_ALONE,
            features._DENSE,
        )
        counts = _EXTENSION.char_counts(
            joined,
            lowered,
            raised,
            _int64(index.starts),
            _int64(index.lengths),
            *(table.view(np.uint8) for table in tables),
            features._NON_WORD_ASCII.view(np.uint8),
        )
        return dict(zip(CHAR_CLASSES, counts, strict=True))

    def shared_in(self, rows: np.ndarray, columns: np.ndarray, weights: np.ndarray, reach: int) -> np.ndarray:
        """``features._shared_in``: each row's dot products with its neighbours (``features.compute``
        takes this method)."""
        if not self.compiled:
            return _shared_in(rows, columns, weights, reach)
        order = np.argsort(columns * len(weights) + rows)  # as the reference sorts the entries
        return _EXTENSION.shared_in(
            _int64(rows), _int64(columns), np.ascontiguousarray(weights, np.float32), _int64(order), reach
        )

    def window(self, values: np.ndarray) -> np.ndarray:
        """``features.window``: each column's neighbours' values and means (``features.compute`` and
        ``models.predict`` take this method)."""
        if not self.compiled:
            return features.window(values)
        return _EXTENSION.window(
            np.ascontiguousarray(values, np.float32),
            np.asarray(features.OFFSETS, np.int64),
            np.asarray(features.SPANS, np.int64),
        )

    def structure_rows(
        self, facts: list[HtmlFacts], paths: dict[str, frozenset[str]]
    ) -> features.StructureRows:
        """What the structure features read of the blocks' facts, in one pass
        (``features.structure_rows``; ``features.compute`` takes this method)."""
        if not self.compiled:
            return features.structure_rows(facts, paths)
        return features.StructureRows(
            *_EXTENSION.structure_rows(
                facts,
                paths,
                HtmlFacts,
                features.FACT_COLUMNS,
                features._TAG_INDEX,
                len(features._TAGS),
                features._ANCESTOR_INDEX,
                len(features._ANCESTORS),
                features._LANDMARK_INDEX,
                len(features._LANDMARKS),
                features._word_stems,
                features._word_stem_hits,
                len(features._STEMS),
            )
        )

    def cosine_with(self, ngrams: Ngrams, columns: np.ndarray, weight: np.float32) -> np.ndarray:
        """``features.cosine_with``: every row's float32 cosine with one row, given by its sorted
        ``columns`` and their ``weight`` (``features.compute`` takes this method)."""
        columns = _int64(columns)
        if not self.compiled or (columns.size > 1 and not (columns[1:] > columns[:-1]).all()):
            return features.cosine_with(ngrams, columns, weight)
        return _EXTENSION.cosine_with(
            _int64(ngrams.rows),
            _int64(ngrams.columns),
            np.ascontiguousarray(ngrams.weights, np.float32),
            columns,
            float(np.float32(weight)),
        )

    def word_sets(self, paths: list[str]) -> dict[str, frozenset[str]]:
        """``facts.word_sets``: each distinct path and its words (``facts.path_word_sets`` takes
        this method)."""
        return _EXTENSION.word_sets(paths) if self.compiled else word_sets(paths)

    def probability(
        self, stage_b: Trees | Logistic, X: np.ndarray, extra: np.ndarray | None = None
    ) -> np.ndarray:
        """``stage_b.probability(X)``, or of ``np.hstack([X, extra])`` where ``extra`` is given; a
        forest's raw scores from the compiled walk when compiled, which reads the two where they are."""
        if not self.compiled or not isinstance(stage_b, Trees):
            return stage_b.probability(X if extra is None else np.hstack([X, extra]))
        with np.errstate(over="ignore"):  # exp overflows to inf for a very negative score: 0, rightly
            return 1.0 / (1.0 + np.exp(-forest_raw(stage_b, X, extra)))

    def standardized(self, dense: np.ndarray, own: int, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """``(dense[:, :own] - mean) / scale``: stage A's own features, standardised (``models.stage_a``
        takes this method); compiled where all three are float32 and ``dense`` is C-contiguous (as
        numpy's result then is: the same array for the product that follows), in one pass without
        numpy's temporary."""
        if (
            self.compiled
            and all(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in (dense, mean, scale))
            and dense.ndim == 2
            and dense.flags.c_contiguous
            and mean.shape == scale.shape == (own,)
            and 0 <= own <= dense.shape[1]
        ):
            mean, scale = np.ascontiguousarray(mean), np.ascontiguousarray(scale)
            return _EXTENSION.standardized(dense, own, mean, scale)
        return (dense[:, :own] - mean) / scale

    def ngrams_dot(self, ngrams: Ngrams, vector: np.ndarray) -> np.ndarray:
        """``ngrams.dot(vector)``: each block's n-grams times stage A's n-gram weights (float32)."""
        if not self.compiled:
            return ngrams.dot(vector)
        vector = np.ascontiguousarray(vector, dtype=np.float32)
        if ngrams.columns.size and int(ngrams.columns.max()) >= len(vector):
            raise ValueError(f"an n-gram column beyond the {len(vector)} weights")
        return _EXTENSION.sparse_dot(
            _int64(ngrams.indptr),
            _int64(ngrams.columns),
            np.ascontiguousarray(ngrams.weights, np.float32),
            vector,
        )

    def model_votes(self, plugin: str, label: str, kind: str, probabilities: list[float]) -> list[Vote]:
        """A model vote per block: ``probabilities`` (Python floats) in block order."""
        if not self.compiled:
            return [
                Vote(plugin, i, label, p, f"{kind} model: {p:.2f}", MODEL)
                for i, p in enumerate(probabilities)
            ]
        return _EXTENSION.model_votes(Vote, plugin, label, f"{kind} model: ", probabilities, MODEL)

    def sorted_votes(self, votes: list[Vote], blocks: list[Block]) -> list[Vote]:
        """``votes`` sorted by block, plugin and label, each block given its own
        (``combine.sorted_votes``)."""
        if not self.compiled:
            return sorted_votes(votes, blocks)
        return _EXTENSION.sorted_votes(votes, blocks)

    def vote_fields(self, votes: list[Vote], weights: dict[str, float]) -> VoteFields:
        """What the combiner reads of each vote (``VoteFields.of``)."""
        if not self.compiled:
            return VoteFields.of(votes, weights)
        return VoteFields(*_EXTENSION.vote_fields(votes, weights, _LABEL_COLUMN, MODEL))

    def vote_means(self, n: int, fields: VoteFields) -> tuple[list[str], np.ndarray]:
        """The votes' labels, sorted, and each block's weighted mean score of each
        (``combine._mean_of``)."""
        if not self.compiled:
            return _mean_of(n, fields)
        labels = sorted(set(fields.label))
        column = {label: i for i, label in enumerate(labels)}
        weighted, totals = _EXTENSION.vote_sums(
            n, fields.label, column, _intp(fields.block), _float64(fields.weight), _float64(fields.score)
        )
        return labels, np.divide(weighted, totals, out=np.zeros_like(weighted), where=totals > 0)

    def vote_matrix(self, n: int, fields: VoteFields) -> np.ndarray:
        """(blocks, 12): per label, the mean score of the model votes and the strongest score of the
        rule votes (``combine._matrix_of``)."""
        if not self.compiled:
            return _matrix_of(n, fields)
        sums, counts, rules = _EXTENSION.vote_matrix_sums(
            n,
            len(LABELS),
            _intp(fields.block),
            _intp(fields.column),
            _float64(fields.weight),
            _float64(fields.score),
            np.ascontiguousarray(fields.is_model, np.bool_).view(np.uint8),
        )
        model_mean = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        return np.hstack([model_mean, rules])

    def json_blocks(
        self,
        encode: Callable[[Any], str],
        leaf: Callable[[Any], str],
        pieces: dict[tuple[str, str, str], tuple[str, str]],
        vote_pieces: Callable,
        number: Callable,
    ) -> Callable[[list[Block]], str]:
        """The compiled ``output.jsonl._blocks`` (the extension must be there), with that module's
        encoder, writer of an index, cache of each vote's text around its score, the function
        that fills it and the one that writes a score that is not a float in [0, 1]."""
        return partial(_EXTENSION.json_blocks, encode, leaf, pieces, vote_pieces, number)

    def word_counts(self, texts: list[str]) -> np.ndarray:
        """Each text's words, as the rule facts count them (``rules.word_counts``)."""
        if not self.compiled:
            return word_counts(texts)
        return _EXTENSION.word_counts(texts, features._DENSE.view(np.uint8))

    def word_f1(self, wanted: list[str], longest: int, texts: list[str]) -> list[float]:
        """Each text's word F1 against the words ``wanted`` (``extraction_scores.f1_matcher``): the
        headline plugin's title match of each block."""
        if not self.compiled or not wanted:
            match = f1_matcher(wanted, longest)
            return [match(text) for text in texts]
        want = Counter(wanted)
        index = {word: i for i, word in enumerate(want)}
        return _EXTENSION.word_f1(texts, index, np.fromiter(want.values(), np.int64, len(want)), longest)

    def matches(self, pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
        """``pattern``'s matches in ``text``, as ``finditer`` finds them (``text_index.Matcher``);
        compiled, ``pattern`` is tried only where one of its leads occurs, if it has leads."""
        found = group((pattern,)) if self.compiled else None
        if found is None:
            return all_matches(pattern, text)
        return _group_matches(found, text)[0]

    def matcher(self) -> Matcher:
        """The matcher of one document (``text_index.use_matcher``): ``matches``, or compiled, a
        ``OneScan``, which finds several patterns' matches in one scan of a text."""
        return OneScan() if self.compiled else self.matches


_COMPANIONS: dict[int, tuple[re.Pattern[str], ...]] = {}
"""For each pattern with leads, by its ``id``, the patterns asked of the same text as it in the last
document that asked it, in the order asked (``OneScan``; the pattern among them, which keeps its
``id`` its own); emptied when it holds ``MOST_COMPANIONS``. Patterns are told apart by ``id`` here:
hashing one hashes its compiled code (about 5 µs for the features' lexicon)."""
MOST_COMPANIONS = 1024
_Waiting = dict[int, list[re.Match[str]]]


class OneScan:
    """The compiled path's matcher for one document (``HotPath.matcher``): the first pattern asked of
    one of its texts has that text scanned once for it and for the patterns asked of the same text
    as it in the last document that asked it (``leads.group``, ``_speedups.lead_matches``); their
    matches wait until asked. A pattern not found that way is scanned alone; one without leads
    runs through ``finditer``. The matches are those of ``HotPath.matches``, whichever patterns
    are scanned together."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[str, list[re.Pattern[str]], _Waiting]] = {}
        """By ``id`` of each text scanned: the text, the patterns asked of it, the matches not yet asked."""

    def __call__(self, pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
        if leads(pattern) is None:
            return all_matches(pattern, text)
        seen = self._texts.get(id(text))
        if seen is None or seen[0] is not text:
            together = _distinct((pattern, *_COMPANIONS.get(id(pattern), ())))[:MOST_GROUP]
            found = group(together) or group((pattern,))
            ready = (
                dict(zip(map(id, found.patterns), _group_matches(found, text), strict=True)) if found else {}
            )
            seen = self._texts[id(text)] = (text, [], ready)
        _, asked, ready = seen
        asked.append(pattern)
        if len(_COMPANIONS) >= MOST_COMPANIONS:
            _COMPANIONS.clear()
        companions = tuple(asked)
        for each in asked:
            _COMPANIONS[id(each)] = companions
        matches = ready.pop(id(pattern), None)
        return HotPath(compiled=True).matches(pattern, text) if matches is None else matches


def _distinct(patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
    """``patterns`` each once (the first time), told apart by ``id``."""
    ids: set[int] = set()
    return tuple(p for p in patterns if not (id(p) in ids or ids.add(id(p))))


PURE = HotPath(compiled=False)
"""The pure-Python reference path."""

_PATH = ("hot path",)


def use_path(document: Document, path: HotPath) -> None:
    """Have the rule plugins of ``document``, whose hook carries no path, run on ``path``: its
    matcher for the text index (``text_index.use_matcher``), and ``document_path``. The runner
    calls it after the split, before anything reads the index."""
    document.computed(_PATH, lambda _: path)
    use_matcher(document, path.matcher())


def document_path(document: Document) -> HotPath:
    """The hot path ``use_path`` gave ``document``; the pure path if none (training, tests)."""
    return document.computed(_PATH, lambda _: PURE)


SPLIT_PATH: ContextVar[HotPath] = ContextVar("pageparts_split_path", default=PURE)
"""The hot path of the split in progress: a runner sets it to its own around the split hook, which
has no path argument; read by the HTML splitter (``compiled_walk``). Outside a runner's split,
the pure path."""


def compiled_walk() -> Callable[..., list[tuple[str, dict[str, Any], int]]] | None:
    """The compiled copy of the HTML splitter's walk (``splitters.html._found``) when the split in
    progress runs the compiled path (``SPLIT_PATH``), else None."""
    return _EXTENSION.html_walk if SPLIT_PATH.get().compiled else None


def compiled_blocks() -> Callable[..., list[Block]] | None:
    """The compiled maker of the HTML splitter's blocks (``splitters.html._blocks``) when the split
    in progress runs the compiled path (``SPLIT_PATH``), else None."""
    return _EXTENSION.html_blocks if SPLIT_PATH.get().compiled else None


def compiled_control_free() -> Callable[[bytes], bool] | None:
    """``_speedups.control_free`` (whether the HTML splitter's ``parse`` leaves a page's UTF-8
    bytes as they are) when the split in progress runs the compiled path, else None."""
    return _EXTENSION.control_free if SPLIT_PATH.get().compiled else None


def compiled_early_end() -> Callable[[str], int] | None:
    """``_speedups.early_end`` (where the HTML splitter's ``_without_early_end_tags`` cuts a page)
    when the split in progress runs the compiled path, else None."""
    return _EXTENSION.early_end if SPLIT_PATH.get().compiled else None


def hot_path(pure_python: bool = False) -> HotPath:
    """The compiled path unless ``pure_python`` (``Options.pure_python``) or the extension is
    missing; a missing one is told once per process, as a warning."""
    global _warned
    if pure_python:
        return PURE
    if _EXTENSION is None:
        if not _warned:
            _warned = True
            warnings.warn(
                f"pageparts runs its pure-Python path (slower): its compiled extension "
                f"is not usable: {_MISSING}. Reinstall pageparts where a C compiler is found "
                "(set PAGEPARTS_PURE_PYTHON=1 to choose the pure path without this warning)",
                RuntimeWarning,
                stacklevel=2,
            )
        return PURE
    return HotPath(compiled=True)


_NODES: WeakKeyDictionary[Trees, tuple[np.ndarray, ...]] = WeakKeyDictionary()
"""Each forest as ``_speedups.forest_nodes`` packs it (empty where it cannot), made at its first walk."""


def forest_raw(trees: Trees, X: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """``trees.raw(X)``, or of ``np.hstack([X, extra])`` where ``extra`` is given, by the compiled
    walk (the extension must be there), or by ``trees.raw`` itself for a forest the compiled walk
    cannot pack. The rows are float32 where both parts are, else float64, as ``np.hstack`` makes
    them (the two walks compare either alike)."""
    X = np.asarray(X)
    extra = np.zeros((X.shape[0] if X.ndim else 0, 0), X.dtype) if extra is None else np.asarray(extra)
    if X.ndim != 2 or extra.ndim != 2 or extra.shape[0] != X.shape[0]:
        raise ValueError(f"X has shape {X.shape} and extra {extra.shape}: not rows of the same length")
    if X.shape[1] + extra.shape[1] != trees.n_features:
        width = X.shape[1] + extra.shape[1]
        raise ValueError(f"X has shape {(X.shape[0], width)}, the trees expect {trees.n_features} features")
    dtype = np.float32 if X.dtype == extra.dtype == np.float32 else np.float64
    X, extra = np.ascontiguousarray(X, dtype), np.ascontiguousarray(extra, dtype)
    packed = _NODES.get(trees)
    if packed is None:
        arrays = (trees.roots, trees.feature, trees.threshold, trees.children)
        flags = (trees.is_leaf.view(np.uint8), trees.missing_right.view(np.uint8))
        packed = _NODES[trees] = _EXTENSION.forest_nodes(*arrays, *flags, trees.value) or ()
    if not packed:
        return trees.raw(np.hstack([X, extra]))
    return _EXTENSION.forest_raw(X, extra, *packed, float(trees.baseline[0]))


def _group_matches(found: Group, text: str) -> list[list[re.Match[str]]]:
    """Each of ``found``'s patterns' matches in ``text``, by one compiled scan."""
    patterns = list(found.patterns)
    return _EXTENSION.lead_matches(
        patterns, text, found.table, found.rows, found.starts, found.checks, found.heads
    )


def _int64(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.int64)


def _intp(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.intp)


def _float64(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float64)
