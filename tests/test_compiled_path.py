"""The compiled hot path (``pageparts.scoring._speedups``) against its pure-Python reference.

Both paths must give the same labels, and confidences and vote scores within 1e-6 (they are
written to give the same bits): on forests and n-gram matrices made up here, and on 300 generated
pages classified end to end, as HTML and as plain text. The pages are made here, so the check needs
no shared data (bench/compiled_path.py runs the same check on the WCXB development pages).

Without the extension (no compiler at install time) the comparisons are skipped, unless
``PAGEPARTS_REQUIRE_COMPILED=1`` (set by .ci/run, which installs the built wheel) makes them fail.
"""

from __future__ import annotations

import os
import random
import re
import warnings

import numpy as np
import pytest
from pageparts.document import LABELS, MODEL, Block, Document, Vote
from pageparts.facts import html_facts, path_word_sets
from pageparts.host.runner import Runner
from pageparts.labels.extraction_scores import words
from pageparts.plugins import body, fundraising, headline, navigation, related_links
from pageparts.scoring import features, rules, speedups
from pageparts.scoring.features import N_HASH, compute, hashed_ngrams
from pageparts.scoring.leads import (
    BOUNDARY,
    MOST_GROUP_HEADS,
    MOST_HEADS,
    MOST_STEPS,
    RUN,
    WIDTH,
    Lead,
    group,
    hash_chars,
    leads,
)
from pageparts.scoring.model_format import FormatError, Trees
from pageparts.scoring.speedups import PURE, HotPath, hot_path
from pageparts.scoring.text_index import SEP, text_index, use_matcher
from pageparts.settings import PURE_PYTHON_ENV, Options, resolve_options
from pageparts.splitters import html as html_splitter

PAGES = 300
TOLERANCE = 1e-6

needs_extension = pytest.mark.skipif(
    not speedups.compiled_available() and os.environ.get("PAGEPARTS_REQUIRE_COMPILED") != "1",
    reason="the compiled extension is not built (pure-Python install)",
)
COMPILED = HotPath(compiled=True)


def test_the_extension_is_there_when_required():
    if os.environ.get("PAGEPARTS_REQUIRE_COMPILED") == "1":
        assert speedups.compiled_available()


# -- the kernels on made-up inputs ----------------------------------------------------------------


def random_forest(rng: np.random.Generator, n_features: int, trees: int = 12, splits: int = 15) -> Trees:
    """A forest of ``trees`` random binary trees of ``splits`` splits each, as model files hold them."""
    feature, threshold, left, right, missing_left, is_leaf, value, roots = ([] for _ in range(8))
    for _ in range(trees):
        root = len(is_leaf)
        roots.append(root)
        leaves = [root]
        _add_leaf(rng, feature, threshold, left, right, missing_left, is_leaf, value)
        for _ in range(int(rng.integers(0, splits + 1))):  # split a random leaf
            node = leaves.pop(int(rng.integers(len(leaves))))
            children = []
            for _side in range(2):
                children.append(len(is_leaf))
                _add_leaf(rng, feature, threshold, left, right, missing_left, is_leaf, value)
            feature[node], threshold[node] = int(rng.integers(n_features)), float(rng.normal())
            left[node], right[node], is_leaf[node] = children[0], children[1], 0
            missing_left[node] = int(rng.integers(2))
            leaves += children
    return Trees(
        n_features,
        roots=np.array(roots, np.uint32),
        feature=np.array(feature, np.int64),
        threshold=np.array(threshold),
        left=np.array(left, np.uint32),
        right=np.array(right, np.uint32),
        missing_left=np.array(missing_left, np.uint8),
        is_leaf=np.array(is_leaf, np.uint8),
        value=np.array(value),
        baseline=np.array([rng.normal()]),
    )


def _add_leaf(rng, feature, threshold, left, right, missing_left, is_leaf, value) -> None:
    feature.append(0)
    threshold.append(0.0)
    left.append(0)
    right.append(0)
    missing_left.append(1)
    is_leaf.append(1)
    value.append(float(rng.normal()))


@needs_extension
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forest_scores_are_the_same_bits(dtype):
    rng = np.random.default_rng(3)
    for _ in range(20):
        n_features = int(rng.integers(1, 9))
        forest = random_forest(rng, n_features)
        X = rng.normal(size=(int(rng.integers(0, 40)), n_features)).astype(dtype)
        X[rng.random(X.shape) < 0.1] = np.nan  # missing values go as each node says
        X[rng.random(X.shape) < 0.05] = 0.0
        assert np.array_equal(speedups.forest_raw(forest, X), forest.raw(X))
        assert np.array_equal(COMPILED.probability(forest, X), PURE.probability(forest, X))


@needs_extension
@pytest.mark.parametrize(
    "dtypes", [(np.float32, np.float32), (np.float32, np.float64), (np.float64, np.float32)]
)
def test_forest_scores_of_rows_in_two_parts_are_the_same_bits(dtypes):
    """The compiled walk of the features and the scores' columns where they are: the scores of the
    rows joined, whatever the split, the dtypes and the number of rows (the walk goes eight at a time)."""
    rng = np.random.default_rng(4)
    for _ in range(40):
        n_features = int(rng.integers(1, 9))
        forest = random_forest(rng, n_features)
        X = rng.normal(size=(int(rng.integers(0, 40)), n_features))
        X[rng.random(X.shape) < 0.1] = np.nan
        own = int(rng.integers(0, n_features + 1))
        left, right = X[:, :own].astype(dtypes[0]), X[:, own:].astype(dtypes[1])
        joined = np.hstack([left, right])
        assert np.array_equal(speedups.forest_raw(forest, left, right), forest.raw(joined))
        assert np.array_equal(
            COMPILED.probability(forest, left, right), PURE.probability(forest, left, right)
        )
        assert np.array_equal(PURE.probability(forest, left, right), forest.probability(joined))
    with pytest.raises(ValueError, match="not rows of the same length"):
        speedups.forest_raw(forest, np.zeros((3, 1)), np.zeros((2, n_features - 1)))


@needs_extension
def test_forest_refuses_the_wrong_width():
    forest = random_forest(np.random.default_rng(0), 4)
    with pytest.raises(ValueError, match="expect 4 features"):
        speedups.forest_raw(forest, np.zeros((3, 5)))


@needs_extension
def test_forest_walk_refuses_nodes_it_did_not_pack():
    from pageparts.scoring import _speedups

    forest = random_forest(np.random.default_rng(2), 4)
    X = np.zeros((3, 4))
    arrays = (forest.roots, forest.feature, forest.threshold, forest.children, forest.is_leaf.view(np.uint8))
    roots, nodes, thresholds, values = _speedups.forest_nodes(
        *arrays, forest.missing_right.view(np.uint8), forest.value
    )
    baseline = float(forest.baseline[0])
    none = np.zeros((3, 0))
    assert np.array_equal(
        _speedups.forest_raw(X, none, roots, nodes, thresholds, values, baseline), forest.raw(X)
    )
    with pytest.raises(ValueError, match="not a forest_nodes array"):
        _speedups.forest_raw(X, none, roots, nodes[:-1], thresholds, values, 0.0)
    with pytest.raises(ValueError, match="not a forest_nodes array"):
        _speedups.forest_raw(X, none, roots, nodes, thresholds[:-1], values, 0.0)
    with pytest.raises(ValueError, match="outside the"):
        _speedups.forest_raw(X, none, roots + len(values), nodes, thresholds, values, 0.0)
    with pytest.raises(ValueError, match="rows of extra columns"):
        _speedups.forest_raw(X, np.zeros((2, 0)), roots, nodes, thresholds, values, 0.0)
    with pytest.raises(ValueError, match="differ in length"):
        _speedups.forest_nodes(*arrays, forest.missing_right.view(np.uint8)[:-1], forest.value)


def one_split(threshold: float, n_features: int = 1, feature: int = 0) -> Trees:
    """One tree of one split at ``threshold`` on ``feature``, its missing values going right."""
    return Trees(
        n_features,
        roots=np.array([0], np.uint32),
        feature=np.array([feature, 0, 0], np.int64),
        threshold=np.array([threshold, 0.0, 0.0]),
        left=np.array([1, 0, 0], np.uint32),
        right=np.array([2, 0, 0], np.uint32),
        missing_left=np.array([0, 1, 1], np.uint8),
        is_leaf=np.array([0, 1, 1], np.uint8),
        value=np.array([0.0, -1.0, 1.0]),
        baseline=np.array([0.5]),
    )


@needs_extension
def test_forest_float32_rows_meet_float64_thresholds_as_before():
    """float32 rows are compared with float32 thresholds rounded down: the same sides as the
    float64 comparison, at thresholds between two float32 values, on them, and past their range."""
    for threshold in (0.1, 1 / 3, 1.0, -2.5, 1e-45, 3.5e38, 1e300, -1e300, np.inf, -np.inf, 0.0, -0.0):
        forest = one_split(threshold)
        f = np.float32(np.clip(threshold, -3.4e38, 3.4e38))
        near = [np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))]
        X = np.array([*near, 0.0, np.inf, -np.inf, np.nan], np.float32).reshape(-1, 1)
        assert np.array_equal(speedups.forest_raw(forest, X), forest.raw(X))
        assert np.array_equal(
            speedups.forest_raw(forest, X.astype(np.float64)), forest.raw(X.astype(np.float64))
        )


@needs_extension
def test_forest_the_walk_cannot_pack_is_walked_by_the_reference():
    from pageparts.scoring import _speedups

    wide = one_split(0.25, n_features=20_000, feature=19_999)  # past the 16,383 features it packs
    arrays = (wide.roots, wide.feature, wide.threshold, wide.children, wide.is_leaf.view(np.uint8))
    assert _speedups.forest_nodes(*arrays, wide.missing_right.view(np.uint8), wide.value) is None
    X = np.random.default_rng(5).normal(size=(10, 20_000)).astype(np.float32)
    assert np.array_equal(speedups.forest_raw(wide, X), wide.raw(X))
    forest = random_forest(np.random.default_rng(6), 4)
    twice = np.concatenate([forest.roots, forest.roots[:1]])  # a tree twice: its nodes reached twice
    arrays = (forest.feature, forest.threshold, forest.children, forest.is_leaf.view(np.uint8))
    assert _speedups.forest_nodes(twice, *arrays, forest.missing_right.view(np.uint8), forest.value) is None


def test_a_model_file_with_nodes_out_of_range_is_refused():
    forest = random_forest(np.random.default_rng(1), 3)
    arrays = dict(forest.arrays)
    split = int(np.flatnonzero(arrays["is_leaf"] == 0)[0])
    arrays["right"] = arrays["right"].copy()
    arrays["right"][split] = len(arrays["is_leaf"]) + 5
    with pytest.raises(FormatError, match="children are out of range"):
        Trees(3, **arrays)
    arrays = dict(forest.arrays, feature=forest.arrays["feature"].copy())
    arrays["feature"][split] = 3
    with pytest.raises(FormatError, match="features are out of range"):
        Trees(3, **arrays)


@needs_extension
def test_ngram_dot_is_the_same_bits():
    rng = random.Random(5)
    words = [
        "the",
        "river",
        "rose",
        "over",
        "night",
        "council",
        "met",
        "dawn",
        "donate",
        "now",
        "home",
        "sport",
        "news",
    ]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 60))) for _ in range(200)]
    ngrams = hashed_ngrams(texts)
    vector = np.random.default_rng(2).normal(size=ngrams.shape[1]).astype(np.float32)
    assert np.array_equal(COMPILED.ngrams_dot(ngrams, vector), ngrams.dot(vector))


# texts that tokenising and hashing could get wrong: empty ones, case mappings that change the
# length (İ, ß, final sigma), word characters beyond ASCII (digits of other scripts, ①, ², _),
# marks and emoji between words, a lone surrogate, NUL, and words longer than the numpy hashing's
# 256 bytes (the reference hashes those one by one)
AWKWARD_TEXTS = [
    "",
    " ",
    "Otters juggle, otters JUGGLE pebbles!",
    "Straße ÄÖÜ 12 12 STRASSE",
    "İstanbul İİ ΣΟΦΟΣ ΟΔΟΣ. σ ς",
    "漢字 テスト ok 한국어 العربية ٣٤٥ हिन्दी",
    "日本語の文章です。abc漢字123・テスト ー、〆ゝ㐀䶿鿿ꀀ",
    "emoji 😀 between 👍🏽 words 🇫🇷 flag_and_under_score __ _",
    "e\u0301cole cafe\u0301 \u200b zero\u200bwidth \ufeffbom",
    "①② ³ ½ Ⅻ ｆｕｌｌｗｉｄｔｈ １２",
    "lone \ud800 surrogate\udfffhere",
    "\x00nul\x00 tab\tnew\nline\r\n",
    "x" * 300,
    "ü" * 200 + " " + "😀a" * 100 + " " + "漢" * 90,
    "word " * 2000,
    " ".join(f"w{i}" for i in range(3000)),
    "a",
]


@needs_extension
def test_gram_keys_are_the_same():
    for start in range(len(AWKWARD_TEXTS) + 1):
        for stop in (start, min(start + 3, len(AWKWARD_TEXTS)), len(AWKWARD_TEXTS)):
            fast = COMPILED.gram_keys(AWKWARD_TEXTS, start, stop)
            assert fast.dtype == np.int64
            assert np.array_equal(fast, PURE.gram_keys(AWKWARD_TEXTS, start, stop)), (start, stop)
    assert len(COMPILED.gram_keys(AWKWARD_TEXTS, 0, len(AWKWARD_TEXTS))) > 3000
    for texts in ([], [""], ["", " ", "!"], AWKWARD_TEXTS):
        fast, pure = hashed_ngrams(texts, COMPILED.gram_keys), hashed_ngrams(texts)
        for name in ("keys", "rows", "columns", "weights", "indptr"):
            assert np.array_equal(getattr(fast, name), getattr(pure, name)), name


@needs_extension
def test_gram_keys_of_random_texts_are_the_same():
    rng = random.Random(7)
    codes = [*range(32, 127), *range(0xA0, 0x250), *range(0x370, 0x400), *range(0x590, 0x700)]
    codes += [*range(0x3040, 0x30FF), *range(0x4E00, 0x4E80), *range(0xFF00, 0xFF60)]
    codes += [0x130, 0x1E9E, 0x3A3, 0x2160, 0xD800, 0x1F600, 0x1F3FD, 0x1D400, 0x20000, 0x10FFFF]
    alphabet = [chr(c) for c in codes] + [" "] * 40
    for _ in range(200):
        texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 400))) for _ in range(rng.randint(0, 25))]
        start = rng.randint(0, len(texts))
        stop = rng.randint(start, len(texts))
        assert np.array_equal(COMPILED.gram_keys(texts, start, stop), PURE.gram_keys(texts, start, stop))


@needs_extension
def test_gram_keys_of_long_blocks_are_sorted_alike():
    """Blocks of hundreds of distinct n-grams (sorted by their bytes, not by insertion), with the
    shipped width (two passes) and widths of one pass or three."""
    from pageparts.scoring import _speedups

    rng = random.Random(23)
    words = [f"w{i}" for i in range(2_000)]
    for i in range(100):
        texts = [" ".join(rng.choices(words, k=rng.randint(0, 700))) for _ in range(rng.randint(1, 6))]
        keys = COMPILED.gram_keys(texts, 0, len(texts))
        if i < 5:  # the reference hashes in Python: slow on this many n-grams
            assert np.array_equal(keys, PURE.gram_keys(texts, 0, len(texts)))
        assert np.array_equal(np.unique(keys), keys)
        rows, columns = np.divmod(keys, N_HASH)
        for width in (2**8, 2**4):  # N_HASH's columns folded: |hash| % width
            folded = np.unique(rows * width + columns % width)
            assert np.array_equal(_speedups.gram_keys(texts, 0, len(texts), width), folded)
        wide = _speedups.gram_keys(texts, 0, len(texts), 2**20)
        assert np.array_equal(np.unique(wide), wide) and np.array_equal(
            np.unique(wide // 2**20), np.unique(rows)
        )


@needs_extension
def test_gram_keys_refuse_a_range_beyond_the_texts_and_a_bad_width():
    from pageparts.scoring import _speedups

    for start, stop in ((0, 3), (-1, 1), (2, 1)):
        with pytest.raises(IndexError):
            _speedups.gram_keys(["a", "b"], start, stop, N_HASH)
    for n_hash in (0, -1, 2**31 + 1):
        with pytest.raises(ValueError):
            _speedups.gram_keys(["a", "b"], 0, 2, n_hash)


@needs_extension
def test_character_counts_are_the_same():
    from pageparts.scoring.text_index import TextIndex

    rng = random.Random(8)
    codes = [*range(32, 127), *range(0xA0, 0x250), *range(0x370, 0x400), *range(0x2000, 0x2060)]
    codes += [*range(0x3040, 0x3060), *range(0x21F0, 0x2210), 0xDF, 0x149, 0x130, 0x1E9E, 0x3A3, 0x2160]
    codes += [0x1F600, 0x1D400, 0x10FFFF, 9, 10, 13, 0]
    alphabet = [chr(c) for c in codes] + list(".!?…\"')]”’ ,;|•/>") * 3 + [" "] * 30
    cases = [[""], ["", ""], ["Hi, Bob. Go!", "", "ABC; x|y 42", "Yes."], ["Straße. ß", "İs."], ["x."]]
    cases += [["a.”"], ["a.)", ""], ["end.\u201d "]]
    cases.append(
        [text for text in AWKWARD_TEXTS if "\ud800" not in text]
    )  # the reference encodes no surrogate
    for _ in range(300):
        cases.append(
            ["".join(rng.choices(alphabet, k=rng.randint(0, 60))) for _ in range(rng.randint(1, 12))]
        )
    for texts in cases:
        index = TextIndex.of(texts)
        fast, pure = COMPILED.char_counts(index, len(texts)), PURE.char_counts(index, len(texts))
        assert list(fast) == list(pure) == list(features.CHAR_CLASSES)
        for name in pure:
            assert fast[name].dtype == np.float64 and np.array_equal(fast[name], pure[name]), (name, texts)


@needs_extension
def test_neighbours_values_are_the_same_bits():
    """``features.window`` both ways: pages of 0 to 40 blocks (shorter and longer than the spans),
    no column to many, values of every size, NaN, infinities, -0.0, float64 input."""
    rng = np.random.default_rng(15)
    odd = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e38, -1e38, 1e-45, 3.0, 0.1], np.float32)
    for n in [*range(0, 41), 100, 300]:
        for k in (0, 1, 3, 17):
            values = (rng.standard_normal((n, k)) * 10.0 ** rng.integers(-8, 9, (n, k))).astype(np.float32)
            if n and k and rng.random() < 0.5:
                values[rng.random((n, k)) < 0.2] = rng.choice(odd)
            for given in (values, values.astype(np.float64) * (1 + 1e-9), np.asfortranarray(values)):
                with np.errstate(invalid="ignore"):  # inf - inf in the reference's sums
                    fast, pure = COMPILED.window(given), PURE.window(given)
                assert fast.dtype == pure.dtype == np.float32 and fast.shape == pure.shape
                assert np.array_equal(fast.view(np.uint32), pure.view(np.uint32)), (n, k)


@needs_extension
def test_standardized_features_are_the_same_bits():
    """Stage A's own features standardised both ways: pages of 0 to 40 blocks, none to all of the
    columns, values of every size, NaN, infinities, -0.0, subnormals, zero scales; float64 and
    non-contiguous input (numpy's own arithmetic on both paths)."""
    rng = np.random.default_rng(16)
    odd = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e38, -1e38, 1e-45, 3.0, 0.1], np.float32)
    for n in [*range(0, 41), 300]:
        width = int(rng.integers(0, 30))
        own = int(rng.integers(0, width + 1))
        dense = (rng.standard_normal((n, width)) * 10.0 ** rng.integers(-8, 9, (n, width))).astype(np.float32)
        mean = (rng.standard_normal(own) * 10.0 ** rng.integers(-8, 9, own)).astype(np.float32)
        scale = (rng.random(own) * 10.0 ** rng.integers(-8, 9, own)).astype(np.float32)
        if n and width and rng.random() < 0.5:
            dense[rng.random((n, width)) < 0.2] = rng.choice(odd)
        if own and rng.random() < 0.3:
            mean[rng.integers(own)], scale[rng.integers(own)] = (
                rng.choice(odd),
                rng.choice([0.0, -0.0, np.inf]),
            )
        for given in (dense, np.asfortranarray(dense), dense.astype(np.float64)):
            with np.errstate(all="ignore"):
                fast, pure = (
                    COMPILED.standardized(given, own, mean, scale),
                    PURE.standardized(given, own, mean, scale),
                )
                numpy = (given[:, :own] - mean) / scale
            for got in (fast, pure):  # the same array as numpy's: dtype, shape, memory order and bits
                assert got.dtype == numpy.dtype and got.shape == numpy.shape == (n, own)
                assert got.strides == numpy.strides, (n, own)
                assert got.tobytes("A") == numpy.tobytes("A"), (n, own)


@needs_extension
def test_cosines_with_one_row_are_the_same_bits():
    """``features.cosine_with`` both ways: random texts' n-grams against one of their rows, a made-up
    row (none, some or all of its columns shared, odd weights) and unsorted columns."""
    rng = random.Random(21)
    vocabulary = [*WORDS[:12], "the", "a", "é", "ß"]
    for i in range(300):
        texts = [" ".join(rng.choices(vocabulary, k=rng.randint(0, 30))) for _ in range(rng.randint(0, 40))]
        ngrams = hashed_ngrams(texts)
        rows = [ngrams.columns[ngrams.indptr[r] : ngrams.indptr[r + 1]] for r in range(len(texts))]
        picked = rng.sample(range(N_HASH), 5) + [int(c) for c in ngrams.columns[:3]]
        made = np.unique(np.array(picked, np.int64))
        odd = np.float32(rng.choice([1.0, 0.3, 1e-30, 3e38]))
        cases = [(row, ngrams.weights[r]) for r, row in enumerate(rows[:3])]
        cases += [(made, odd), (np.zeros(0, np.int64), np.float32(0.5))]
        cases += [(np.append(made, 2**40), np.float32(0.25))]  # beyond the bitmap: binary search
        cases += [(made[::-1].copy(), np.float32(0.7))]  # unsorted: the reference's answer, whatever it is
        for columns, weight in cases:
            with np.errstate(over="ignore"):  # 3e38 added up
                fast = COMPILED.cosine_with(ngrams, columns, weight)
                pure = PURE.cosine_with(ngrams, columns, weight)
            assert fast.dtype == pure.dtype == np.float32 and fast.shape == pure.shape
            assert np.array_equal(fast.view(np.uint32), pure.view(np.uint32)), (i, columns, weight)


@needs_extension
def test_neighbours_shared_ngrams_are_the_same_bits():
    rng = random.Random(9)
    words = [f"w{i}" for i in range(12)] + ["the", "a", "é", "日本"]
    cases = [[], ["x"], ["x", "x"], ["a b", "", "a b", "b c"] * 8, AWKWARD_TEXTS]
    for _ in range(150):  # few distinct words: columns shared by many nearby rows
        cases.append([" ".join(rng.choices(words, k=rng.randint(0, 9))) for _ in range(rng.randint(1, 40))])
    for texts in cases:
        ngrams = hashed_ngrams(texts)
        for reach in (0, 1, 3, 10):
            fast = features.shared_with_neighbours(ngrams, reach, COMPILED.shared_in)
            pure = features.shared_with_neighbours(ngrams, reach)
            for got, want in zip(fast, pure, strict=True):
                assert got.dtype == np.float64 and np.array_equal(got, want), (reach, texts)


@needs_extension
def test_character_counts_refuse_blocks_outside_the_text():
    from pageparts.scoring import _speedups

    tables = [np.zeros(16, np.uint8)] * 7 + [np.zeros(128, np.uint8)]
    for starts, lengths in (([0], [4]), ([-1], [1]), ([2], [-1])):
        with pytest.raises(ValueError):
            _speedups.char_counts("abc", None, "ABC", np.array(starts), np.array(lengths), *tables)
    for lowered, raised in (("ab", "ABC"), ("abc", "ABCD")):
        with pytest.raises(ValueError):
            _speedups.char_counts("abc", lowered, raised, np.array([0]), np.array([3]), *tables)


# the texts a page can hold (a lone surrogate cannot be decoded from bytes, NUL makes them binary)
PAGE_TEXTS = [text for text in AWKWARD_TEXTS if "\ud800" not in text and "\x00" not in text]


@needs_extension
def test_features_are_the_same_on_awkward_texts():
    document = Document(source="awkward.txt", input_format="text", blocks=[])
    document.blocks.extend(Block(index=i, text=text) for i, text in enumerate(PAGE_TEXTS))
    fast = compute(document, "text", COMPILED)
    pure = compute(document, "text")
    assert np.array_equal(fast.dense, pure.dense, equal_nan=True)
    assert np.array_equal(fast.hashed.keys, pure.hashed.keys)


@needs_extension
def test_both_paths_label_awkward_texts_alike():
    fast, pure = Runner(Options()), Runner(Options(pure_python=True))
    text = "\n\n".join(PAGE_TEXTS).encode()
    assert_same(
        fast.classify_bytes(text, "awkward.txt", input_format="text"),
        pure.classify_bytes(text, "awkward.txt", input_format="text"),
    )
    page = "".join(f"<p>{text}</p>" for text in PAGE_TEXTS).encode()
    assert_same(
        fast.classify_bytes(page, "awkward.html", input_format="html"),
        pure.classify_bytes(page, "awkward.html", input_format="html"),
    )


@needs_extension
def test_votes_sorted_alike():
    """Votes in any order, many tied (the same block, plugin and label: they keep their order),
    plugins and labels that are prefixes of each other or beyond ASCII; each block's own list."""
    rng = random.Random(16)
    names = ["a", "ab", "b", "B", "body", "body2", "é", "e\u0301", "😀", "", "z" * 40]
    for _ in range(300):
        n = rng.randint(1, 30)
        votes = [
            Vote(
                rng.choice(names),
                rng.randrange(n),
                rng.choice(names),
                rng.random(),
                "why",
                rng.choice(["rule", MODEL]),
            )
            for _ in range(rng.randint(0, 200))
        ]
        fast_blocks, pure_blocks = [Block(i, "x") for i in range(n)], [Block(i, "x") for i in range(n)]
        for block in fast_blocks + pure_blocks:
            block.votes = [votes[0]] if votes else []  # replaced, not added to
        fast, pure = COMPILED.sorted_votes(votes, fast_blocks), PURE.sorted_votes(votes, pure_blocks)
        assert len(fast) == len(pure) and all(a is b for a, b in zip(fast, pure, strict=True))
        for a, b in zip(fast_blocks, pure_blocks, strict=True):
            assert type(a.votes) is list and [id(v) for v in a.votes] == [id(v) for v in b.votes]
    with pytest.raises(IndexError):
        COMPILED.sorted_votes([Vote("p", -1, "body", 0.5, "why", MODEL)], [Block(0, "x")])
    with pytest.raises(TypeError):
        COMPILED.sorted_votes([Vote("p", 0, 3, 0.5, "why", MODEL)], [Block(0, "x")])  # type: ignore[arg-type]


@needs_extension
def test_vote_means_and_matrix_are_the_same_bits():
    """The combiner's weighted means and vote matrix both ways: random votes of the six labels and
    others, scores and weights of every kind (0, negative, above 1, NaN, infinite), model and rule
    votes, ties in order."""
    rng = random.Random(17)
    labels = [*LABELS, "plugin-label", "é"]
    odd = [0.0, -0.0, 1.0, 1.5, -2.0, float("nan"), float("inf"), 1e-300, 0.1, 0.7]
    for _ in range(300):
        n = rng.randint(1, 30)
        votes = [
            Vote(
                rng.choice(["body", "navigation", "x"]),
                rng.randrange(n),
                rng.choice(labels),
                rng.choice(odd) if rng.random() < 0.3 else rng.random(),
                "why",
                rng.choice(["rule", MODEL]),
            )
            for _ in range(rng.randint(0, 120))
        ]
        weights = {"body": rng.choice(odd), "navigation": 0.5}
        fields = PURE.vote_fields(votes, weights)
        with np.errstate(invalid="ignore", over="ignore"):  # inf * 0, inf - inf
            for fast, pure in (
                (COMPILED.vote_means(n, fields), PURE.vote_means(n, fields)),
                ((None, COMPILED.vote_matrix(n, fields)), (None, PURE.vote_matrix(n, fields))),
            ):
                assert fast[0] == pure[0]
                assert fast[1].dtype == pure[1].dtype and fast[1].shape == pure[1].shape
                assert np.array_equal(fast[1].view(np.uint64), pure[1].view(np.uint64)), votes


@needs_extension
def test_model_votes_are_equal():
    probabilities = [0.0, 0.004999, 0.005, 0.125, 0.5, 0.994999, 0.995, 1.0, 1e-300]
    fast = COMPILED.model_votes("body", "body", "html", probabilities)
    assert fast == PURE.model_votes("body", "body", "html", probabilities)
    assert [v.reason for v in fast[:3]] == [
        "html model: 0.00",
        "html model: 0.00",
        f"html model: {0.005:.2f}",
    ]


@needs_extension
def test_model_votes_share_reasons_only_where_they_are_the_formatted_ones():
    """The compiled votes' reasons come from a table of the 101 two-decimal texts where that is
    the rounding of ``f"{p:.2f}"``: every hundredth and every half-hundredth and their neighbours
    a few steps of a float away, random scores, and what falls outside [0, 1]."""
    import math
    import random

    probabilities = [-0.0, 0.0, 1.0, 5e-324, 1e-300, -1e-300, 1.0000000000000002, 1.5, -0.5, 2, 1]
    probabilities += [math.nan, math.inf, -math.inf, True]
    for k in range(201):
        x = k / 200
        for steps in range(-4, 5):
            y = x
            for _ in range(abs(steps)):
                y = math.nextafter(y, math.inf if steps > 0 else -math.inf)
            probabilities += [y, x + steps * 1e-7, x + steps * 3e-9]
    rng = random.Random(20)
    probabilities += [rng.random() for _ in range(20_000)] + [rng.random() ** 8 for _ in range(5_000)]
    for prefix in ("html model: ", "text model: ", ""):
        fast = COMPILED.model_votes("body", "body", prefix, probabilities)
        pure = PURE.model_votes("body", "body", prefix, probabilities)
        assert fast == pure
        assert [v.reason for v in fast] == [v.reason for v in pure]
        assert [repr(v.score) for v in fast] == [repr(v.score) for v in pure]
        assert all(list(vars(a)) == list(vars(b)) for a, b in zip(fast, pure, strict=True))
    again = COMPILED.model_votes("body", "body", "html", [0.25, 0.25])
    assert again[0].reason is again[1].reason  # shared, so its hash is computed once


@needs_extension
def test_model_votes_of_a_class_with_its_own_new_are_made_by_it():
    from pageparts.scoring import _speedups

    made = []

    class Counted(Vote):
        def __new__(cls, *args, **kwargs):
            made.append(cls)
            return super().__new__(cls)

    votes = _speedups.model_votes(Counted, "body", "body", "html model: ", [0.25, 0.5], MODEL)
    assert made == [Counted, Counted] and [type(v) for v in votes] == [Counted, Counted]
    assert [vars(v) for v in votes] == [
        vars(v) for v in COMPILED.model_votes("body", "body", "html", [0.25, 0.5])
    ]


# -- the switch and the warning -------------------------------------------------------------------


def test_the_environment_chooses_the_pure_path():
    assert resolve_options(environ={PURE_PYTHON_ENV: "1"}).pure_python
    assert not resolve_options(environ={PURE_PYTHON_ENV: "0"}).pure_python
    assert not resolve_options(environ={}).pure_python
    assert Runner(Options(pure_python=True)).hot_path == PURE


def test_a_missing_extension_is_told_once(monkeypatch):
    monkeypatch.setattr(speedups, "_EXTENSION", None)
    monkeypatch.setattr(speedups, "_MISSING", "it was not built")
    monkeypatch.setattr(speedups, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert hot_path() == PURE
        assert hot_path() == PURE
        assert hot_path(pure_python=True) == PURE
    assert [str(w.message)[:35] for w in caught] == ["pageparts runs its pure-Python path"]


# -- whole pages ----------------------------------------------------------------------------------

WORDS = [
    "river",
    "council",
    "harbour",
    "library",
    "market",
    "bridge",
    "winter",
    "garden",
    "museum",
    "school",
    "election",
    "storm",
    "budget",
    "train",
    "station",
    "mayor",
    "report",
    "volunteers",
    "neighbours",
    "weather",
    "ferry",
    "music",
    "festival",
    "hospital",
    "road",
    "repair",
    "summer",
    "park",
    "children",
    "teachers",
    "price",
    "week",
    "year",
    "city",
]
NAV = ["Home", "News", "Sport", "Weather", "Culture", "Opinion", "Contact", "Sign in", "Search"]
APPEALS = [
    "Please donate $5 to keep our local reporting free.",
    "Support independent journalism: become a member today from $3 a month.",
    "Subscribe now and get your first month free.",
    "We rely on readers like you. Give what you can.",
]


def generated_page(i: int) -> str:
    """A made-up web page of varied structure: menus, headline, body, appeals, lists, footer."""
    rng = random.Random(i)

    def sentence(lo: int = 5, hi: int = 18) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))).capitalize() + rng.choice(
            ".!?."
        )

    def links(k: int, words: tuple[int, int] = (1, 3)) -> str:
        return "".join(
            f'<li><a href="/{rng.random():.4f}">{sentence(*words)[:-1]}</a></li>' for _ in range(k)
        )

    nav = "".join(f'<a href="/{n.lower()}">{n}</a> ' for n in rng.sample(NAV, rng.randint(0, len(NAV))))
    parts = [f"<nav class='{rng.choice(['menu', 'nav', 'top-bar', 'x1'])}'>{nav}</nav>"]
    if rng.random() < 0.5:
        parts.append(f"<header><div class='breadcrumb'>{' › '.join(rng.sample(NAV, 3))}</div></header>")
    body = [f"<h1>{sentence(4, 12)}</h1>"]
    if rng.random() < 0.6:
        body.append(f"<p class='byline'>By {rng.choice(WORDS).title()} {rng.choice(WORDS).title()}</p>")
    for _ in range(rng.randint(0, 12)):
        kind = rng.random()
        if kind < 0.6:
            body.append(f"<p>{' '.join(sentence() for _ in range(rng.randint(1, 6)))}</p>")
        elif kind < 0.7:
            body.append(f"<h2>{sentence(2, 6)}</h2>")
        elif kind < 0.8:
            body.append(f"<blockquote>{sentence()}</blockquote>")
        elif kind < 0.9:
            body.append(f"<figure><img src='a.jpg'><figcaption>{sentence(3, 9)}</figcaption></figure>")
        else:
            body.append(f"<ul>{links(rng.randint(1, 4), (4, 10))}</ul>")
    wrapper = rng.choice(["article", "main", "div class='content'", "section"])
    parts.append(f"<{wrapper}>{''.join(body)}</{wrapper.split()[0]}>")
    if rng.random() < 0.5:
        parts.append(f"<aside class='donate'><p>{rng.choice(APPEALS)}</p><a href='/give'>Donate</a></aside>")
    if rng.random() < 0.7:
        parts.append(
            f"<section class='related'><h3>Related</h3><ul>{links(rng.randint(2, 8), (4, 9))}</ul></section>"
        )
    if rng.random() < 0.3:
        cells = "".join(
            f"<tr><td>{rng.choice(WORDS)}</td><td>{rng.randint(0, 999)}</td></tr>" for _ in range(4)
        )
        parts.append(f"<table>{cells}</table>")
    if rng.random() < 0.2:
        parts.append("<form><label>Email</label><input name='e'><button>Sign up</button></form>")
    parts.append(
        f"<footer><ul>{links(rng.randint(0, 6))}</ul><p>© 20{rng.randint(10, 26)} The Ledger</p></footer>"
    )
    title = f"<title>{sentence(3, 8)}</title>" if rng.random() < 0.9 else ""
    return f"<!DOCTYPE html><html><head>{title}</head><body>{''.join(parts)}</body></html>"


def as_text(document: Document) -> str:
    return "\n\n".join(block.text for block in document.blocks)


def assert_same(fast: Document, pure: Document) -> None:
    assert [b.text for b in fast.blocks] == [b.text for b in pure.blocks]
    assert [b.label for b in fast.blocks] == [b.label for b in pure.blocks], fast.source
    for a, b in zip(fast.blocks, pure.blocks, strict=True):
        assert abs(a.confidence - b.confidence) <= TOLERANCE
        assert [(v.plugin, v.label, v.reason, v.source) for v in a.votes] == [
            (v.plugin, v.label, v.reason, v.source) for v in b.votes
        ]
        assert all(abs(v.score - w.score) <= TOLERANCE for v, w in zip(a.votes, b.votes, strict=True))
    assert fast.warnings == pure.warnings


@needs_extension
def test_both_paths_label_generated_pages_alike():
    fast, pure = Runner(Options()), Runner(Options(pure_python=True))
    assert fast.hot_path == COMPILED and pure.hot_path == PURE
    labels = set()
    for i in range(PAGES):
        page = generated_page(i).encode()
        html = fast.classify_bytes(page, f"page{i}.html", input_format="html")
        assert_same(html, pure.classify_bytes(page, f"page{i}.html", input_format="html"))
        labels.update(b.label for b in html.blocks)
        if i % 3 == 0:  # a third of them again as plain text: the text models
            text = as_text(html).encode()
            assert_same(
                fast.classify_bytes(text, f"page{i}.txt", input_format="text"),
                pure.classify_bytes(text, f"page{i}.txt", input_format="text"),
            )
    assert len(labels) >= 5  # the pages exercise most labels, not one


# -- a pattern's matches, tried only at its leads --------------------------------------------------


def _pattern_matches_agree(pattern: re.Pattern[str], text: str) -> None:
    fast, pure = COMPILED.matches(pattern, text), PURE.matches(pattern, text)
    assert [(m.span(), m.group(0), m.lastgroup) for m in fast] == [
        (m.span(), m.group(0), m.lastgroup) for m in pure
    ], (pattern.pattern, text)


def _shipped_patterns() -> list[re.Pattern[str]]:
    """Every pattern the features and the rule facts run over a document's text, as they run it."""
    found = [features._WORD_SEARCH, features._WORD_PATTERN, features._SYMBOL_SEARCH, rules._SENTENCE_END]
    for module in (body, fundraising, headline, navigation, related_links):
        found += [value for value in vars(module).values() if isinstance(value, re.Pattern)]
    return found + [rules._case_sensitive(p) for p in found if p.flags & re.IGNORECASE]


# words and pieces of the shipped patterns, to make texts where they match often
_WORDS = (
    "sign in log in Log In login menu search share donate donation donors support our independent "
    "journalism subscribe now your gift you we our us by jane doe posted by related stories read more "
    "most read © (c) 2024 copyright all rights reserved photo by getty images $5 €10 £3.50 5 dollars "
    "per month /mo 12 jan 2023 3 hours ago 2024-01-31 1/2/24 www. https:// a@b.c 1999 “quoted” ."
)
PIECES = [
    *_WORDS.split(),
    *("!", "?", "…", ",", "-", "\n", "\x00", "\n\x00\n", "İ", "ß", "漢字", "٣", "😀", "_", "é"),
]


@needs_extension
def test_shipped_patterns_have_leads():
    # those that have none run whole on the compiled path too (slower, the same matches)
    assert all(leads(p) is not None for p in (features._WORD_SEARCH, features._SYMBOL_SEARCH))
    assert leads(rules._case_sensitive(fundraising._APPEAL)) is not None
    assert leads(fundraising._APPEAL) is None  # IGNORECASE: run on lower-cased text instead


@needs_extension
def test_shipped_patterns_match_alike():
    rng = random.Random(11)
    texts = [*AWKWARD_TEXTS, SEP.join(AWKWARD_TEXTS), SEP.join(["sign", "in", "read", "more"])]
    texts += [
        "".join(rng.choice([" ", ""]) + rng.choice(PIECES) for _ in range(rng.randint(0, 300)))
        for _ in range(300)
    ]
    for pattern in _shipped_patterns():
        for text in texts:
            _pattern_matches_agree(pattern, text)
            _pattern_matches_agree(pattern, text.lower())


@needs_extension
def test_matches_do_not_span_blocks():
    document = Document(source="spans.txt", input_format="text", blocks=[])
    texts = ["Please sign", "in today", "Related stories", "more", ""]
    document.blocks.extend(Block(index=i, text=text) for i, text in enumerate(texts))
    use_matcher(document, COMPILED.matches)
    assert text_index(document).matches == COMPILED.matches
    assert text_index(document).match_owners(re.compile(r"\bsign\s+in\b|\bstories\s+more")).tolist() == []
    assert rules.facts(document).hits(navigation._CHROME_PHRASES) == [[], [], [], [], []]
    assert rules.facts(document).hits(related_links._SECTION_TITLES) == [[], [], ["related stories"], [], []]


def _random_pattern(rng: random.Random, depth: int = 0) -> str:
    atoms = ["a", "b", "1", " ", "-", r"\.", ".", r"\d", r"\w", r"\s", "[ab]", "[^a]", "[a-c]", "[]a]", r"\b"]
    atoms += ["^", "$", "é"]
    if depth < 2:
        atoms += ["(?:{}|{})", "(?P<g{}>{})", "(?={})", "(?<!{})", "({})"]
    parts = []
    for _ in range(rng.randint(1, 4)):
        atom = rng.choice(atoms)
        if "{}" in atom:
            inner = [_random_pattern(rng, depth + 1), _random_pattern(rng, depth + 1)]
            atom = atom.format(rng.randint(0, 10**6), inner[1]) if "?P<" in atom else atom.format(*inner)
        # a group repeated without bound can take exponential time (in ``re`` itself): bounded here
        unbounded = ["*", "+", "+?"] if "(" not in atom else []
        parts.append(atom + rng.choice(["", "", "", "?", "{2}", "{1,3}", "??", "{0,2}", *unbounded]))
    return "".join(parts) + (("|" + _random_pattern(rng, depth + 1)) if rng.random() < 0.2 else "")


@needs_extension
def test_random_patterns_match_alike():
    """The leads are read conservatively: any pattern, with leads or without, finds the same matches."""
    rng = random.Random(5)
    alphabet = ["a", "b", "c", "1", "2", " ", "-", ".", "\x00", "\n", "é", "٣", "_", "]"]
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 60))) for _ in range(40)]
    with_leads = 0
    for _ in range(3000):
        source = _random_pattern(rng)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pattern = re.compile(source)
        except re.error:
            continue
        with_leads += leads(pattern) is not None
        for text in texts:
            _pattern_matches_agree(pattern, text)
    assert with_leads > 300


@pytest.mark.parametrize(
    "source",
    [r"\s+", r"a*b", r"(?i:a)b", r"a|", r"(a)\1", r"\b", r"(?:a|b)*c", r"[a-z]x", r"\sx", r"a{b", r"(?#c)a"],
)
def test_leads_are_not_guessed(source):
    assert leads(re.compile(source)) is None
    assert leads(re.compile("abc", re.IGNORECASE)) is None


def _steps(text: str) -> tuple[int, ...]:
    """A lead's steps written short: ``D``, ``W``, ``S`` a class, ``+`` a run of the class before
    after it, ``*`` instead of it, ``|`` a word boundary, any other character itself."""
    codes = {"D": -1, "W": -2, "S": -3, "|": BOUNDARY}
    steps: list[int] = []
    for c in text:
        if c == "*":
            steps[-1] = RUN + steps[-1]
        else:
            steps.append(RUN + steps[-1] if c == "+" else codes.get(c, ord(c)))
    return tuple(steps)


def test_leads_of_plain_patterns():
    found = leads(re.compile(r"\b(?:sign\s+in|us|x)\b|\d\d?/|\b\d+ ago|[$€]\d|\w@"))
    assert found is not None
    heads = [("D/", False), ("DD/", False), ("D+ ago", True), ("W@", False)]
    assert sorted(found.heads) == sorted(Lead(_steps(text), boundary) for text, boundary in heads)
    literal = [("signS+in|", True), ("us|", True), ("x|", True), ("$D", False), ("€D", False)]
    assert sorted(found.literal) == sorted(Lead(_steps(text), boundary) for text, boundary in literal)
    for chars in ("sig", "us", "x"):  # after \b: not where a word character comes before
        assert found.table[hash_chars(chars)] & (1 << (len(chars) + 2))
    for chars in ("$", "€"):
        assert found.table[hash_chars(chars)] & 1
    optional = leads(re.compile(r"a?bc|\d\d?/"))
    assert optional is not None
    assert [lead.steps for lead in optional.heads] == [_steps("DD/"), _steps("D/")]
    assert optional.table[hash_chars("abc")] & 4 and optional.table[hash_chars("bc")] & 2


@pytest.mark.parametrize(
    ("source", "steps"),
    [
        (r"\d+x", "D+x"),  # a run, then a character outside its class
        (r"\d+1", "D"),  # ... not one inside it: the lead ends before the run
        (r"\d{1,4}\s?(?:usd|eur)", "D+Susd D+Seur D+usd D+eur"),
        (r"\w+\s+\d", "W+S+D"),  # classes apart from each other
        (r"\w+\d", "W"),
        (r"a\s*b", "aS*b"),  # none or more
        (r"ab\b", "ab|"),
        (r"ab(?=c)d", "abd"),  # a lookahead is left to the pattern
        (r"\d+\b", "D"),
        (r"a[bc]+d", "ab ac"),
    ],
)
def test_leads_read_runs_and_boundaries(source, steps):
    found = leads(re.compile(source))
    assert found is not None
    assert sorted(lead.steps for lead in found.literal + found.heads) == sorted(map(_steps, steps.split()))


def test_leads_are_cut_when_too_many():
    # 13 months each after one or two digits: too many heads, cut shorter (and the same, once)
    months = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sept"
    found = leads(re.compile(rf"\b\d\d? (?:{months})\b"))
    assert found is not None and 0 < len(found.heads) <= MOST_HEADS
    assert len(set(found.heads)) == len(found.heads)
    assert leads(re.compile("[abcdefgh]" * 5)) is not None  # 8 ** 5 leads: read again, cut at 3


@needs_extension
def test_lead_matches_refuses_bad_tables():
    from pageparts.scoring import _speedups

    a = re.compile("a")
    table, rows = np.zeros(1 << 16, np.uint8), np.zeros(1 << 16, np.uint16)
    starts, checks, heads = (
        np.zeros(1, np.uint32),
        np.zeros((0, WIDTH), np.int32),
        np.zeros((0, WIDTH), np.int32),
    )

    def head(*row: int) -> np.ndarray:
        packed = np.full((1, WIDTH), -1, np.int32)
        packed[0, : len(row)] = row
        return packed

    with pytest.raises(ValueError):
        _speedups.lead_matches([a], "a", np.zeros(10, np.uint8), rows, starts, checks, heads)
    with pytest.raises(ValueError):
        _speedups.lead_matches([a], "a", table, rows, starts, np.zeros((0, 5), np.int32), heads)
    with pytest.raises(ValueError):
        _speedups.lead_matches([], "a", table, rows, starts, checks, heads)
    with pytest.raises(ValueError):
        _speedups.lead_matches([a] * 65, "a", table, rows, starts, checks, heads)
    with pytest.raises(ValueError):  # starts that do not cover the leads
        _speedups.lead_matches(
            [a], "a", table, rows, np.array([0, 2], np.uint32), head(0, 1, 0, 1, 97), heads
        )
    for bad in (
        head(0, 0, 0, MOST_STEPS + 1, -1),  # too many steps
        head(1, 0, 0, 1, -1),  # another pattern's
        head(0, 0, 0, 1, -3),  # a head beginning with \s
        head(0, 1, 0, 1, 97),  # a head with hashed characters
        head(0, 0, 0, 2, -1, -8),  # no such step
    ):
        with pytest.raises(ValueError):
            _speedups.lead_matches([a], "a", table, rows, starts, checks, bad)
    with pytest.raises(ValueError):  # a head beginning with \w after one beginning with \d
        _speedups.lead_matches(
            [a], "a", table, rows, starts, checks, np.vstack([head(0, 0, 0, 1, -1), head(0, 0, 0, 1, -2)])
        )
    table[hash_chars("a")] = 1  # a hash without its row
    with pytest.raises(ValueError):
        _speedups.lead_matches([a], "a", table, rows, starts, checks, heads)


def _group_matches_agree(patterns: list[re.Pattern[str]], text: str) -> None:
    found = group(tuple(patterns))
    assert found is not None
    for pattern, fast in zip(patterns, speedups._group_matches(found, text), strict=True):
        assert [(m.span(), m.group(0)) for m in fast] == [
            (m.span(), m.group(0)) for m in pattern.finditer(text)
        ], (pattern.pattern, text)


@needs_extension
def test_shipped_patterns_match_alike_in_one_scan():
    rng = random.Random(12)
    shipped = list(dict.fromkeys(p for p in _shipped_patterns() if leads(p) is not None))
    assert len(shipped) >= 10
    texts = [*AWKWARD_TEXTS, SEP.join(AWKWARD_TEXTS)]
    texts += [
        "".join(rng.choice([" ", ""]) + rng.choice(PIECES) for _ in range(rng.randint(0, 300)))
        for _ in range(150)
    ]
    for text in texts:
        for chosen in (shipped, rng.sample(shipped, rng.randint(1, len(shipped)))):
            _group_matches_agree(chosen, text)
            _group_matches_agree(chosen, text.lower())


@needs_extension
def test_random_patterns_match_alike_in_one_scan():
    """Patterns scanned together, each with its own leads, heads and ends: each finds its own matches."""
    rng = random.Random(6)
    alphabet = ["a", "b", "c", "1", "2", " ", "-", ".", "\x00", "\n", "é", "٣", "_", "]"]
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 80))) for _ in range(30)]
    with_leads: list[re.Pattern[str]] = []
    while len(with_leads) < 400:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pattern = re.compile(_random_pattern(rng))
        except re.error:
            continue
        if leads(pattern) is not None:
            with_leads.append(pattern)
    for _ in range(200):
        chosen = rng.sample(with_leads, rng.randint(2, 64))
        while len(chosen) > 1 and sum(len(leads(p).heads) for p in chosen) > MOST_GROUP_HEADS:
            chosen.pop()
        for text in rng.sample(texts, 3):
            _group_matches_agree(chosen, text)
    assert group(tuple(with_leads[:65])) is None  # more than 64 patterns: no group


@needs_extension
def test_one_scan_matches_whatever_is_asked():
    """A document's matcher gives each pattern's matches, whichever patterns came before, asked in
    any order, twice, on two texts, with leads or without."""
    rng = random.Random(13)
    shipped = list(dict.fromkeys(p for p in _shipped_patterns() if leads(p) is not None))
    whole = [re.compile(r"\s+in\b"), re.compile(r"[a-z]+ly")]  # no leads: finditer
    assert all(leads(p) is None for p in whole)
    for _ in range(60):  # documents, each with its own matcher, one after another
        matcher = COMPILED.matcher()
        assert isinstance(matcher, speedups.OneScan)
        text = "".join(rng.choice([" ", ""]) + rng.choice(PIECES) for _ in range(rng.randint(0, 200)))
        asked = rng.sample(shipped + whole, rng.randint(1, 8))
        asked += rng.choices(asked, k=rng.randint(0, 2))  # a pattern asked again
        for pattern in asked:
            for each in (text, text.lower()):
                assert [(m.span(), m.group(0)) for m in matcher(pattern, each)] == [
                    (m.span(), m.group(0)) for m in pattern.finditer(each)
                ], (pattern.pattern, each)
    assert PURE.matcher() == PURE.matches


# -- the headline's title match ---------------------------------------------------------------------

_TITLE_WORDS = [
    "River",
    "river",
    "RIVER",
    "the",
    "a",
    "ÉTÉ",
    "été",
    "İstanbul",
    "straße",
    "STRASSE",
    "x1",
    "_id",
]
_TITLE_WORDS += ["漢字", "٣٤", "ǅ", "ﬁle", "a_b", "😀", "-", "/", " ", "\x85", "\xa0", "\u2028", "\x00", "\t"]


@needs_extension
def test_title_match_alike():
    """The word F1 of texts against a title's words (the headline's title match), both paths: case
    mappings that change the length, words beyond ASCII, spaces that only ``str.split`` knows,
    repeated words, texts just within and past the word limit."""
    rng = random.Random(14)
    shared = 0
    for _ in range(400):
        title = "".join(rng.choice(_TITLE_WORDS + [" "] * 6) for _ in range(rng.randint(0, 14)))
        wanted = words(title)
        longest = rng.choice([0, 1, 3, 2 * len(wanted) + 2, 100])
        texts = [
            "".join(rng.choice(_TITLE_WORDS + [" "] * 4) for _ in range(rng.randint(0, 30))) for _ in range(8)
        ]
        texts += [title, title.upper(), " ".join(wanted * 2), ""]
        fast, pure = COMPILED.word_f1(wanted, longest, texts), PURE.word_f1(wanted, longest, texts)
        assert fast == pure, (title, texts)
        assert all(type(f) is float for f in fast)
        shared += sum(0 < f < 1 for f in fast)
    assert shared > 300


@needs_extension
def test_rule_word_counts_alike():
    """The rule facts' words both ways: every kind of whitespace ``str.split`` and ``re`` know, NUL
    (a separator too, where ``str.split`` keeps it), wide characters."""
    rng = random.Random(17)
    pieces = [
        "a",
        "Bé",
        "漢字",
        "日本語の文。",
        "ゝ・ー",
        "ok漢",
        "😀",
        "_",
        "-",
        " ",
        "\t",
        "\n",
        "\r",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x1f",
        "\x85",
    ]
    pieces += ["\xa0", "\u1680", "\u2000", "\u2028", "\u200b", "\u3000", "\ufeff", "\x00", "\x00\x00", "  "]
    texts = ["", " ", "\x00", *pieces]
    texts += ["".join(rng.choices(pieces, k=rng.randint(0, 40))) for _ in range(2000)]
    fast, pure = COMPILED.word_counts(texts), PURE.word_counts(texts)
    assert fast.dtype == pure.dtype == np.int64 and fast.tolist() == pure.tolist()
    assert COMPILED.word_counts([]).tolist() == []


def test_runner_gives_each_document_its_path(monkeypatch):
    """The rule plugins' hook carries no path: the runner gives it to each document (``use_path``)."""
    seen = []
    original = HotPath.word_f1

    def spy(self: HotPath, *args: object) -> list[float]:
        seen.append(self)
        return original(self, *args)

    monkeypatch.setattr(HotPath, "word_f1", spy)
    page = b"<title>Hello there</title><h1>Hello there</h1><p>Some words of text here.</p>"
    for runner in (Runner(Options()), Runner(Options(pure_python=True))):
        runner.classify_bytes(page, "a.html", input_format="html")
        assert seen[-1] == runner.hot_path
    assert speedups.document_path(Document(source="b.txt", input_format="text", blocks=[])) == PURE


# -- the HTML splitter's walk -----------------------------------------------------------------------

_INLINE = ["span", "a", "b", "strong", "em", "i", "code", "small", "label", "abbr"]
_BLOCKS = ["div", "p", "li", "td", "th", "h2", "h4", "section", "article", "nav", "header", "footer",
           "aside", "main", "blockquote", "pre", "dd", "dt", "form", "figure", "tr", "dialog"]  # fmt: skip
_WRAPPERS = ["ul", "ol", "dl", "menu", "table", "tbody", "tr"]
_ITEMS = {"ul": "li", "ol": "li", "menu": "li", "dl": "dt", "table": "tr", "tbody": "tr", "tr": "td"}
_HIDDEN_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "select", "object", "title"]
_TEXTS = ["Grüße aus Köln", "naïve café", "東京の天気", "Привет, мир", "a &amp; b", "&lt;tag&gt;",
          "&nbsp;&nbsp;", "x&#8203;y", "€ 12,50", "  \n\t ", "", "Ελληνικά", "🙂 ok", "&copy; 2026",
          "word", "two words", "1234", "under_score", "e\u0301t\u00e9", "a&#133;b &#8232; c",
          "full&#12288;width&#5760;", " &#160; ", "\u3000\u2029"]  # fmt: skip
_ATTRIBUTES = ['class="menu item"', 'class="menu item"', 'class="story-body x9"', 'id="main-2"',
               'role="navigation"', 'role="main banner"', 'role="search"', 'hidden',
               'aria-hidden="true"', 'aria-hidden=" TRUE "', 'aria-hidden="false"',
               'style="display: none"', 'style="color:red; VISIBILITY : hidden"', 'style="color:red"',
               'open', 'class=""', 'title="t"', 'class="Ünïcode Wörter 12 ab_cd"']  # fmt: skip


def generated_markup(i: int) -> str:
    """A made-up page of random, often malformed markup, for the two walks to split alike."""
    rng = random.Random(1_000_003 * i)

    def text() -> str:
        return rng.choice(_TEXTS) if rng.random() < 0.5 else " ".join(rng.choices(WORDS, k=rng.randint(1, 6)))

    def attributes() -> str:
        return "".join(" " + rng.choice(_ATTRIBUTES) for _ in range(rng.choice((0, 0, 1, 2, 3))))

    def node(depth: int) -> str:
        r = rng.random()
        if depth > rng.randint(3, 40) or r < 0.2:
            return text()
        if r < 0.27:
            return rng.choice(["<br>", "<br>", "<br> <br>", "<br/>\n<br>", "<hr>", "<wbr>", "<img alt='x'>"])
        if r < 0.3:
            return f"<!-- {text()} -->{text()}"
        if r < 0.34:
            tag = rng.choice(_HIDDEN_TAGS)
            return f"<{tag}{attributes()}>{text()}</{tag}>{text()}"
        if r < 0.37:
            return f"<input type='{rng.choice(['hidden', ' Hidden ', 'text'])}' value='v'>{text()}"
        if r < 0.42:
            outer = rng.choice(_WRAPPERS)
            inner = {
                "ul": "li",
                "ol": "li",
                "menu": "li",
                "dl": "dt",
                "table": "tr",
                "tbody": "tr",
                "tr": "td",
            }
            items = "".join(
                f"<{inner[outer]}{attributes()}>{node(depth + 2)}"
                + ("" if rng.random() < 0.3 else f"</{inner[outer]}>")
                for _ in range(rng.randint(0, 5))
            )
            return f"<{outer}{attributes()}>{items}</{outer}>"
        tag = rng.choice(_INLINE if rng.random() < 0.5 else _BLOCKS)
        children = "".join(node(depth + 1) for _ in range(rng.randint(0, 4)))
        end = "" if rng.random() < 0.1 else f"</{tag}>"  # unclosed
        stray = rng.choice(["", "", "", "</p>", "</div>", "</span>", "</li>"])
        return f"<{tag}{attributes()}>{text()}{children}{end}{stray}{text() if rng.random() < 0.5 else ''}"

    body = "".join(node(0) for _ in range(rng.randint(1, 8)))
    if rng.random() < 0.1:  # deep nesting
        depth = rng.randint(50, 400)
        body += "<div class='deep'>" * depth + text() + "</div>" * rng.randint(0, depth)
    page = f"<html lang='de'><head><title>{text()}</title></head><body{attributes()}>{body}</body></html>"
    if rng.random() < 0.15:  # cut short
        page = page[: rng.randint(0, len(page))]
    if rng.random() < 0.1:  # no <html> at all
        page = body
    return page


def _walked(page: str, path: HotPath, scriptless: bool) -> list[tuple[str, type, dict]]:
    """Each block's text, facts' type and facts (every field, with its type) by ``path``'s walk."""
    root = html_splitter.read_page(page)[0]
    if root is None:
        return []
    token = speedups.SPLIT_PATH.set(path)
    try:
        blocks = html_splitter._walk(root, scriptless)
    finally:
        speedups.SPLIT_PATH.reset(token)
    return [
        (b.text, type(b.features), {k: (type(v), v) for k, v in vars(b.features).items()}) for b in blocks
    ]


@needs_extension
def test_both_walks_split_generated_markup_alike():
    blocks = 0
    for i in range(600):
        page = generated_markup(i)
        for scriptless in (False, True):
            compiled = _walked(page, COMPILED, scriptless)
            assert compiled == _walked(page, PURE, scriptless), (i, scriptless, page[:300])
            blocks += len(compiled)
    assert blocks > 6000  # the pages are not all empty


@needs_extension
def test_both_walks_give_elements_the_same_context():
    """The compiled walk's ``_context_of`` against the splitter's ``_context``: lists' sizes (items
    of each kind, comments, text and other tags between them, prefixed names), headings, emphasis
    in links, landmarks by tag and by role."""
    rng = random.Random(20)
    items = ["<li>a</li>", "<LI>b", "<dt>c</dt>", "<dd>d</dd>", "<!-- x -->", "t", "<p>e</p>",
             "<svg:li>f</svg:li>", "<li class='x'><ul><li>g</li></ul></li>", "<?pi x?>"]  # fmt: skip
    wrappers = ["ul", "ol", "menu", "dir", "dl", "table", "div"]
    inner = ["h1", "h3", "h6", "a href='#'", "strong", "em", "nav", "aside", "form", "span"]
    roles = ["", " role='navigation'", " role='NAVIGATION  Complementary'", " role='banner main'",
             " role=''", " role='none contentinfo'", " role='Search'"]  # fmt: skip
    sizes = set()
    for _ in range(300):
        body = ""
        for _ in range(rng.randint(1, 5)):
            outer, tag = rng.choice(wrappers), rng.choice(inner)
            name = tag.split()[0]
            inside = "".join(rng.choices(items, k=rng.randint(0, 6)))
            opened = f"<{outer}{rng.choice(roles)}><{tag}{rng.choice(roles)}>"
            body += f"{opened}x <b>y</b></{name}>{inside}</{outer}>"
        page = f"<html><body>{body}</body></html>"
        compiled = _walked(page, COMPILED, False)
        assert compiled == _walked(page, PURE, False), page
        sizes.update(facts["list_size"][1] for _, _, facts in compiled)
    assert len(sizes) > 4


@needs_extension
def test_both_walks_hide_the_same_elements():
    """The compiled walk's ``_is_hidden`` against the splitter's: each attribute that hides, in any
    case and spacing, with character references in its value, on the tags it applies to."""
    rng = random.Random(21)
    hiding = ["hidden", "HIDDEN=''", "open", "aria-hidden='true'", "aria-hidden=' TRUE '",
              "aria-hidden='&#116;rue'", "aria-hidden='false'", "aria-hidden", "style='display:none'",
              "style='DISPLAY :  None'", "style='display&#58; none'", "style='visibility:hidden; color: red'",
              "style='color: red'", "style", "type='hidden'", "type=' Hidden '", "type='hid&amp;den'", "type",
              "class='x'"]  # fmt: skip
    tags = ["div", "p", "span", "input", "dialog", "section", "li", "a", "button"]
    elements = shown = 0
    for _ in range(300):
        body = ""
        for _ in range(rng.randint(1, 6)):
            tag = rng.choice(tags)
            attributes = " ".join(rng.sample(hiding, rng.randint(0, 3)))
            body += f"<{tag} {attributes}>shown {tag} {attributes}</{tag}><p>after</p>"
        page = f"<html><body>{body}</body></html>"
        for scriptless in (False, True):
            compiled = _walked(page, COMPILED, scriptless)
            assert compiled == _walked(page, PURE, scriptless), page
        elements += body.count("<p>after</p>")
        shown += sum("shown" in text for text, _, _ in compiled)
    assert shown > 100 and elements - shown > 100  # many elements hidden, many not


@needs_extension
def test_both_walks_split_generated_pages_alike():
    for i in range(100):
        page = generated_page(i)
        assert _walked(page, COMPILED, False) == _walked(page, PURE, False)


def _same_rows(document: Document) -> int:
    """Assert both paths' ``structure_rows`` of ``document`` are equal (values, dtypes, shapes)."""
    facts, paths = html_facts(document), path_word_sets(document)
    compiled, pure = COMPILED.structure_rows(facts, paths), PURE.structure_rows(facts, paths)
    for name, a, b in zip(pure._fields, compiled, pure, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape, name
        assert np.array_equal(a, b, equal_nan=True), name
    return len(facts)


@needs_extension
def test_structure_rows_are_the_same_on_generated_markup():
    blocks = 0
    for i in range(300):
        root = html_splitter.read_page(generated_markup(i))[0]
        if root is not None:
            document = Document("page.html", "html", html_splitter._walk(root, i % 2 == 1))
            blocks += _same_rows(document)
    assert blocks > 3000


@needs_extension
def test_structure_rows_are_the_same_on_other_facts():
    """A third-party splitter's dict facts (converted by ``HtmlFacts.of``), odd values and paths."""
    rng = random.Random(9)
    tags = [*features._TAGS[:6], "blink", ""]
    landmarks = [*features._LANDMARKS, "sidebar"]
    words = ["nav", "menu", "comment", "xfooterx", "Ünïcode", "post-body", "a", "12", "content"]
    blocks = []
    for i in range(400):
        facts: dict = {"link_density": rng.choice([0.0, 0.25, 1 / 3, float("nan"), 1e300, -0.0])}
        for name in ("links", "link_chars", "heading", "list_size", "group_size", "text_chars", "depth"):
            if rng.random() < 0.8:
                facts[name] = rng.choice([0, 1, 7, 2**53 + 1, True])
        for name in ("in_list", "in_table"):
            if rng.random() < 0.8:
                facts[name] = rng.random() < 0.5
        if rng.random() < 0.8:
            facts["emphasis_chars"] = rng.randint(0, 50)
        facts["tag"] = rng.choice(tags)
        path_tags = [*features._ANCESTORS[:5], "span", "x"]
        facts["path"] = [rng.choice(path_tags) for _ in range(rng.randint(0, 8))]
        facts["landmark"] = rng.choice(landmarks)
        facts["path_words"] = "  ".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
        blocks.append(Block(i, f"text {i}", facts if rng.random() < 0.9 else {"link_density": 0.5}))
    assert _same_rows(Document("page.html", "html", blocks)) == 400
    assert _same_rows(Document("empty.html", "html", [])) == 0


def _same_word_sets(paths: list[str]) -> dict[str, frozenset[str]]:
    """Assert both paths' ``word_sets`` of ``paths`` are equal, keys and each set in the same order."""
    compiled, pure = COMPILED.word_sets(paths), PURE.word_sets(paths)
    assert compiled == pure and list(compiled) == list(pure)
    assert all(list(compiled[k]) == list(pure[k]) for k in pure)
    return compiled


@needs_extension
def test_word_sets_are_the_same():
    """Paths of shared and new words, every kind of ``str.split`` whitespace, one- to four-byte
    characters, repeated paths, and more distinct words than the first table holds."""
    rng = random.Random(11)
    spaces = [" ", "  ", "\t", "\n", "\x1c", "\x85", "\xa0", "\u2003", "\u3000"]
    words = ["nav", "menu", "a", "Ünïcode", "中文", "\U0001f600x", "post-body", "x\u200by", "_"]
    words += [f"w{k}" for k in range(600)]
    paths = [""]
    for _ in range(400):
        chosen = [rng.choice(words[: rng.choice([9, 40, len(words)])]) for _ in range(rng.randint(0, 60))]
        paths.append(rng.choice(["", " "]) + "".join(w + rng.choice(spaces) for w in chosen))
    paths += paths[::7]
    compiled = _same_word_sets(paths)
    made = {}
    for found in compiled.values():  # each distinct word is one str
        for word in found:
            assert made.setdefault(word, word) is word
    assert len(made) > 300
    _same_word_sets([])
    for page in range(20):
        root = html_splitter.read_page(generated_markup(page))[0]
        if root is not None:
            _same_word_sets(
                [x.path_words for x in html_facts(Document("p.html", "html", html_splitter._walk(root)))]
            )


@needs_extension
def test_early_end_tags_are_found_alike():
    """``_speedups.early_end`` against the splitter's ``_without_early_end_tags`` on random texts of
    end tags in any case, white space (Unicode's too) and near misses, in 1-, 2- and 4-byte
    strings; and the cut the splitter makes on both paths."""
    from pageparts.scoring import _speedups

    rng = random.Random(12)
    pieces = ["</body>", "</BoDy \n>", "</html\u3000>", "</HTML\x1c>", "</htm", "</body x>", "</ body>"]
    pieces += ["<a", "< a", "<1", "<Z>", "<", "/", ">", "body", " ", "x", "é", "’", "🙂", "\u0130", "K"]
    pieces += ["</bodyy>", "</b\u00f6dy>", "<\u00e9", "</html", "</body\u2028\u2029>"]
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        first = html_splitter._END_TAGS.search(text)
        following = first is not None and html_splitter._START_TAG.search(text, first.end()) is not None
        assert _speedups.early_end(text) == (first.start() if following else -1), text
        found += following
        token = speedups.SPLIT_PATH.set(COMPILED)
        try:
            compiled = html_splitter._without_early_end_tags(text)
        finally:
            speedups.SPLIT_PATH.reset(token)
        assert compiled == html_splitter._without_early_end_tags(text)
    assert found > 1000


@needs_extension
def test_attribute_words_are_found_alike():
    """``_speedups.attribute_words`` (the compiled walk's class, id and role words) against the
    splitter's ``" ".join(_WORD.findall(text))`` on random texts of letters, decimal and other
    digits, ``_``, marks, separators and case mappings of 1-, 2- and 4-byte strings, lower-cased
    as the walk lowers them and not."""
    from pageparts.scoring import _speedups

    rng = random.Random(13)
    pieces = ["a", "Z", "1", "0", "_", "-", " ", "\t", ".", "é", "ß", "\u0130", "²", "½", "٣", "\u0663"]
    pieces += ["\u0307", "中", "文", "\u3000", "\U0001d7d8", "\U0001f600", "\U00010400", "\ud800", "x9"]
    pieces += ["menu", "nav-bar", "post_2024", "12", "v2", "ⅷ", "\u200b", "\x00", "Ⅻ"]
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        for each in (text, text.lower()):
            expected = " ".join(html_splitter._WORD.findall(each))
            assert _speedups.attribute_words(each) == expected, each
            found += bool(expected)
    assert found > 10_000


@needs_extension
def test_control_bytes_are_found_alike():
    """``_speedups.control_free`` against what the splitter's ``parse`` removes (``_CONTROL_BYTES``
    and the C1 sequences), on random bytes rich in controls, ``\\xc2`` and their neighbours, at
    every offset of the eight-byte steps; and a page with controls parses alike on both paths."""
    from pageparts.scoring import _speedups

    rng = random.Random(22)
    near = [0x00, 0x01, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0x85]
    near += [0x9F, 0xA0, 0xC1, 0xC2, 0xC3, 0xE2, 0xFF]
    for _ in range(20_000):
        data = bytes(
            rng.choice(near) if rng.random() < 0.1 else rng.randint(0x20, 0x7E)
            for _ in range(rng.randint(0, 40))
        )
        removed = len(data.translate(None, html_splitter._CONTROL_BYTES)) != len(data)
        assert _speedups.control_free(data) == (
            not removed and html_splitter._C1_UTF8.search(data) is None
        ), data
    page = "<p>a\x01b\x7f c\x85d é\u00a0</p><p>\u0080x</p>".encode()
    token = speedups.SPLIT_PATH.set(COMPILED)
    try:
        compiled = html_splitter.split_html(page)
    finally:
        speedups.SPLIT_PATH.reset(token)
    assert (
        [b.text for b in compiled[0]]
        == [b.text for b in html_splitter.split_html(page)[0]]
        == ["ab cd é", "x"]
    )


def test_the_split_runs_the_runners_path(monkeypatch):
    assert speedups.compiled_walk() is None  # outside a runner's split: the pure walk
    seen: list[bool] = []
    reference = html_splitter._found
    monkeypatch.setattr(html_splitter, "_found", lambda *args: seen.append(True) or reference(*args))
    page = generated_page(1).encode()
    Runner(Options(pure_python=True)).split(page, "html")
    assert seen and speedups.SPLIT_PATH.get() == PURE
    if speedups.compiled_available():
        seen.clear()
        Runner(Options()).split(page, "html")
        assert not seen and speedups.SPLIT_PATH.get() == PURE  # the compiled walk ran, and the path was reset


def _walked_root(root, path: HotPath, scriptless: bool) -> list[tuple[str, dict]]:
    token = speedups.SPLIT_PATH.set(path)
    try:
        return [(b.text, dict(vars(b.features))) for b in html_splitter._walk(root, scriptless)]
    finally:
        speedups.SPLIT_PATH.reset(token)


def _odd_nodes(root, rng: random.Random) -> None:
    """Put into a parsed page what lxml's API can make and the HTML parser does not: entity
    references, CDATA, namespaced tags and attributes (and comments with tails)."""
    from lxml import etree

    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    for el in rng.sample(elements, min(len(elements), 6)):
        r = rng.random()
        if r < 0.2:
            entity = etree.Entity(rng.choice(["amp", "nbsp", "foo"]))
            entity.tail = rng.choice([None, "", " ", "after the entity"])
            el.insert(rng.randint(0, len(el)), entity)
        elif r < 0.35:
            el.text = etree.CDATA(rng.choice(["cdata text", "", " "]))
        elif r < 0.5:
            comment = etree.Comment("c")
            comment.tail = "tail of a comment"
            el.insert(0, comment)
        elif r < 0.65 and el.getparent() is not None:
            child = etree.SubElement(el, rng.choice(["{http://www.w3.org/2000/svg}g", "{urn:x}p", "o:p"]))
            child.text, child.tail = "namespaced", "its tail"
        else:
            el.set(rng.choice(["{urn:x}class", "{urn:x}style", "{urn:x}hidden", "{urn:x}role"]), "x y")


@needs_extension
def test_both_block_makers_make_the_same_blocks():
    """``_speedups.html_blocks`` against ``splitters.html._blocks``, on the walks of generated
    pages: the same fields in the same order, of the same types, each block's facts holding its
    values as they are and its own empty vote list."""
    from pageparts.document import FALLBACK_LABEL
    from pageparts.facts import HtmlFacts

    made = 0
    for i in range(60):
        root = html_splitter.read_page(generated_page(i))[0]
        if root is None:
            continue
        found = html_splitter._found(root, html_splitter._KINDS, True, {})
        pure = html_splitter._blocks(found)
        fast = speedups._EXTENSION.html_blocks(Block, HtmlFacts, FALLBACK_LABEL, found)
        assert fast == pure
        for a, b, (_, values, _) in zip(fast, pure, found, strict=True):
            assert type(a) is Block and type(a.features) is HtmlFacts
            assert list(vars(a)) == list(vars(b))
            assert [type(v) for v in vars(a).values()] == [type(v) for v in vars(b).values()]
            assert vars(a.features) is values and a.votes == [] and a.votes is not b.votes
        assert len({id(block.votes) for block in fast}) == len(fast)
        made += len(fast)
    assert made > 500


@needs_extension
def test_both_walks_read_odd_nodes_alike():
    """The compiled walk reads libxml2's nodes as lxml does: entity references, CDATA sections and
    namespaces give the same blocks on both walks."""
    blocks = odd = 0
    for i in range(300):
        root = html_splitter.read_page(generated_markup(i))[0]
        if root is None:
            continue
        _odd_nodes(root, random.Random(i))
        for scriptless in (False, True):
            compiled = _walked_root(root, COMPILED, scriptless)
            assert compiled == _walked_root(root, PURE, scriptless), i
            blocks += len(compiled)
            odd += sum(("namespaced" in t) + ("cdata text" in t) + ("the entity" in t) for t, _ in compiled)
    assert blocks > 3000 and odd > 100
