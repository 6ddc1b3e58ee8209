# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The compiled hot path of classifying (``pageparts.scoring._speedups``), built from this file by Cython.

Each function computes what its pure-Python reference computes, with the same floating-point
operations in the same order (``pageparts.scoring.speedups`` says which reference, and dispatches): the
model's scores are bit-identical, so no label or confidence moves. The extension is compiled
with floating-point contraction off (setup.py), so ``a * b + c`` is never fused into one
rounding. Callers check shapes and index ranges before calling (``pageparts.scoring.speedups``): the
loops here do not, except the HTML splitter's walk, which indexes Python lists with Python's checks.
"""

cimport cython
from cpython.object cimport PyObject_GenericSetAttr, PyTypeObject
from cpython.ref cimport PyObject
from cpython.set cimport PyFrozenSet_New, PySet_Add
from cpython.unicode cimport (
    PyUnicode_1BYTE_KIND,
    PyUnicode_2BYTE_KIND,
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISSPACE,
    PyUnicode_Compare,
    PyUnicode_DATA,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_New,
    PyUnicode_READ,
    PyUnicode_Substring,
    PyUnicode_WRITE,
)
from cpython.pyport cimport PY_SSIZE_T_MAX
from libc.stdint cimport INT32_MIN, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, qsort, realloc

cimport lxml.includes.etreepublic as cetree
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.math cimport INFINITY, fabs, floor, nextafterf, signbit
from libc.string cimport memchr, memcpy, strcmp, strlen
from lxml.includes.tree cimport (
    XML_CDATA_SECTION_NODE,
    XML_COMMENT_NODE,
    XML_ELEMENT_NODE,
    XML_ENTITY_REF_NODE,
    XML_PI_NODE,
    XML_TEXT_NODE,
    XML_XINCLUDE_END,
    XML_XINCLUDE_START,
    xmlAttr,
    xmlNode,
)

import numpy as np
from json.encoder import encode_basestring

cetree.import_lxml__etree()

VERSION = 34
"""Raised whenever a function here changes; ``pageparts.scoring.speedups`` refuses an extension built from
another version of this file (a stale build) and runs the pure-Python path."""

ctypedef fused real:
    float
    double


cdef struct Node:
    float threshold  # the largest float32 not above the split's threshold (for float32 rows)
    uint16_t feature  # the split's feature, with the LEAF and MISSING_RIGHT bits
    uint16_t left  # the left child, counted from the tree's first node; the right one follows it


cdef enum:
    ROWS = 8  # rows walked down a tree side by side, so that their steps overlap in the processor
    LEAF = 0x8000
    MISSING_RIGHT = 0x4000
    FEATURES = 0x3FFF  # the feature's bits (the most features a packed forest can split on, less one)
    TREE_NODES = 0x10000  # the most nodes a packed tree can have


cdef inline float _float_below(double threshold) noexcept nogil:
    """The largest float32 not above ``threshold``: a float32 ``x`` is above it exactly where ``x``
    (as float64) is above ``threshold``."""
    cdef float below = <float> threshold
    if <double> below > threshold:
        below = nextafterf(below, -INFINITY)
    return below


def forest_nodes(
    const int64_t[::1] roots,
    const int64_t[::1] feature,
    const double[::1] threshold,
    const int64_t[::1] children,
    const uint8_t[::1] is_leaf,
    const uint8_t[::1] missing_right,
    const double[::1] value,
):
    """A forest's nodes as ``forest_raw`` walks them, made once per forest (``speedups.forest_raw``
    keeps them): each tree's nodes level by level from its root, so that a right child follows its
    left one, as 8-byte records (``Node``), with their float64 thresholds and leaf values alongside
    and the trees' new roots: ``(roots, nodes, thresholds, values)``. None where a tree has more
    than 65,536 nodes, a split is on a feature past 16,383, or a node is reached twice."""
    cdef Py_ssize_t nodes = is_leaf.shape[0], trees = roots.shape[0], t, i, head, tail = 0, old, new, child
    if not (
        feature.shape[0] == threshold.shape[0] == missing_right.shape[0] == value.shape[0] == nodes
        and children.shape[0] == 2 * nodes
    ):
        raise ValueError("the node arrays differ in length")
    for t in range(trees):
        if not 0 <= roots[t] < nodes:
            raise ValueError(f"a root {roots[t]} outside the {nodes} nodes")
    order_out = np.empty(nodes, np.int64)  # the old node at each new place
    new_of_out = np.full(nodes, -1, np.int64)
    first_out = np.empty(nodes, np.int64)  # the new place of each new node's tree's root
    roots_out = np.empty(trees, np.int64)
    cdef int64_t[::1] order = order_out, new_of = new_of_out, first = first_out, new_roots = roots_out
    for t in range(trees):
        head = tail
        if new_of[roots[t]] != -1:
            return None
        order[tail], new_of[roots[t]], new_roots[t] = roots[t], tail, tail
        tail += 1
        while head < tail:
            old = order[head]
            first[head] = new_roots[t]
            head += 1
            if is_leaf[old]:
                continue
            if not 0 <= feature[old] <= FEATURES or tail + 2 - new_roots[t] > TREE_NODES:
                return None
            for i in range(2):
                child = children[2 * old + i]
                if not 0 <= child < nodes or new_of[child] != -1:
                    return None
                order[tail], new_of[child] = child, tail
                tail += 1
    out = np.zeros(tail, dtype=np.uint64)
    thresholds_out = np.empty(tail, np.float64)
    values_out = np.empty(tail, np.float64)
    cdef uint64_t[::1] words = out
    cdef double[::1] thresholds = thresholds_out, values = values_out
    cdef Node *table = <Node *> &words[0] if tail else NULL
    for new in range(tail):
        old = order[new]
        values[new] = value[old]
        if is_leaf[old]:
            thresholds[new] = INFINITY
            table[new].threshold, table[new].feature, table[new].left = INFINITY, LEAF, 0
        else:
            thresholds[new] = threshold[old]
            table[new].threshold = _float_below(threshold[old])
            table[new].feature = feature[old] | (MISSING_RIGHT if missing_right[old] else 0)
            table[new].left = new_of[children[2 * old]] - first[new]
    return roots_out, out.view(np.uint8), thresholds_out, values_out


def forest_raw(
    const real[:, ::1] X,
    const real[:, ::1] extra,
    const int64_t[::1] roots,
    const uint8_t[::1] nodes,
    const double[::1] thresholds,
    const double[::1] values,
    double baseline,
):
    """The raw score of each row of ``X`` with the columns of ``extra`` after its own (a row of
    ``np.hstack([X, extra])``): ``baseline`` plus each tree's leaf value, tree after tree
    (``model_format.Trees.raw``), the trees as ``forest_nodes`` makes them. A row goes right where
    its value is greater than the node's threshold, and where it is missing (NaN) as
    ``missing_right`` says. Eight rows at a time go down every tree, copied side by side into a
    buffer that stays in the cache (the last eight made up by repeating the last row, so that the
    loops always run over eight), which spares making the joined rows."""
    cdef Py_ssize_t n = X.shape[0], trees = roots.shape[0], count_nodes = nodes.shape[0] // sizeof(Node)
    cdef Py_ssize_t own = X.shape[1], more = extra.shape[1], width = own + more
    cdef Py_ssize_t t, k, first, count, base, row
    cdef int64_t at[ROWS]
    cdef double sums[ROWS]
    cdef const Node *step
    cdef const Node *table
    cdef real *rows
    cdef bint moved
    cdef real x
    cdef uint16_t split
    if (
        nodes.shape[0] % sizeof(Node)
        or (count_nodes and (<size_t> &nodes[0]) % sizeof(uint64_t))
        or not thresholds.shape[0] == values.shape[0] == count_nodes
    ):
        raise ValueError("not a forest_nodes array")
    if extra.shape[0] != n:
        raise ValueError(f"{extra.shape[0]} rows of extra columns for {n} rows")
    for t in range(trees):
        if not 0 <= roots[t] < count_nodes:
            raise ValueError(f"a root {roots[t]} outside the {count_nodes} nodes")
    out = np.full(n, baseline, dtype=np.float64)
    if not trees or not n or not width:
        return out
    table = <const Node *> &nodes[0]
    cdef double[::1] raw = out
    rows = <real *> malloc(ROWS * width * sizeof(real))
    if rows is NULL:
        raise MemoryError()
    with nogil:
        first = 0
        while first < n:
            count = min(ROWS, n - first)
            for k in range(ROWS):
                sums[k] = baseline
                row = first + min(k, count - 1)
                if own:
                    memcpy(rows + k * width, &X[row, 0], own * sizeof(real))
                if more:
                    memcpy(rows + k * width + own, &extra[row, 0], more * sizeof(real))
            # tree after tree, so that each row's leaf values are added in the trees' order
            for t in range(trees):
                base = roots[t]
                for k in range(ROWS):
                    at[k] = base
                moved = True
                while moved:
                    moved = False
                    for k in range(ROWS):
                        step = &table[at[k]]
                        split = step.feature
                        if not (split & LEAF):
                            x = rows[k * width + (split & FEATURES)]
                            if x != x:
                                at[k] = base + step.left + ((split & MISSING_RIGHT) != 0)
                            elif real is float:
                                at[k] = base + step.left + (x > step.threshold)
                            else:
                                at[k] = base + step.left + (x > thresholds[at[k]])
                            moved = True
                for k in range(ROWS):
                    sums[k] = sums[k] + values[at[k]]
            for k in range(count):
                raw[first + k] = sums[k]
            first += ROWS
    free(rows)
    return out


def standardized(const float[:, ::1] dense, Py_ssize_t own, const float[::1] mean, const float[::1] scale):
    """``(dense[:, :own] - mean) / scale`` (``models.stage_a``'s own features, float32), in one pass:
    each value rounded to float32 after the subtraction and after the division, as numpy's two
    passes round it."""
    cdef Py_ssize_t n = dense.shape[0], i, j
    if not 0 <= own <= dense.shape[1] or mean.shape[0] != own or scale.shape[0] != own:
        raise ValueError(f"{own} own features of {dense.shape[1]}, {mean.shape[0]} means, {scale.shape[0]} scales")
    out = np.empty((n, own), np.float32)
    cdef float[:, ::1] standard = out
    with nogil:
        for i in range(n):
            for j in range(own):
                standard[i, j] = (dense[i, j] - mean[j]) / scale[j]
    return out


def window(const float[:, ::1] values, const int64_t[::1] offsets, const int64_t[::1] spans):
    """``features.window`` (the reference) of ``values`` (blocks, columns): each column's values at
    each of ``offsets`` (0 past the ends), then its means over each of ``spans``, worked out as the
    reference works them out: float64 running sums over the values padded with zeros, the
    difference of two of them divided by the rows present, rounded to float32."""
    cdef Py_ssize_t n = values.shape[0], k = values.shape[1], n_offsets = offsets.shape[0]
    cdef Py_ssize_t n_spans = spans.shape[0], reach = 0, i, j, s, o, span, padded
    cdef double present
    for i in range(n_offsets):
        reach = max(reach, abs(offsets[i]))
    for i in range(n_spans):
        if spans[i] < 0:
            raise ValueError(f"a span of {spans[i]}")
        reach = max(reach, spans[i])
    out = np.empty((n, k * (n_offsets + n_spans)), dtype=np.float32)
    cdef float[:, ::1] result = out
    padded = n + 2 * reach
    cdef double *cumulative = <double *> malloc((padded + 1) * sizeof(double))
    if cumulative == NULL:
        raise MemoryError()
    try:
        with nogil:
            for s in range(n_offsets):
                o = offsets[s]
                for i in range(n):
                    for j in range(k):
                        result[i, s * k + j] = values[i + o, j] if 0 <= i + o < n else 0.0
            for j in range(k):
                # the column's running sums over the padded values (zeros, values, zeros), from 0.0
                cumulative[0] = 0.0
                for i in range(padded):
                    cumulative[i + 1] = cumulative[i] + (
                        <double> values[i - reach, j] if reach <= i < reach + n else 0.0
                    )
                for s in range(n_spans):
                    span = spans[s]
                    for i in range(n):
                        # the rows from i - span to i + span that exist, a whole number
                        present = <double> (min(i + span, n - 1) - max(i - span, 0) + 1)
                        result[i, (n_offsets + s) * k + j] = <float> (
                            (cumulative[i + reach + span + 1] - cumulative[i + reach - span]) / present
                        )
        return out
    finally:
        free(cumulative)


def sparse_dot(
    const int64_t[::1] indptr,
    const int64_t[::1] columns,
    const float[::1] weights,
    const float[::1] vector,
):
    """Each row of a CSR matrix whose row ``r`` holds ``weights[r]`` in its ``columns`` times
    ``vector``: float32 products added one at a time, in column order, to a float32 sum per row
    (``features.Ngrams.dot``, as scipy.sparse computes it)."""
    cdef Py_ssize_t n = weights.shape[0], r, j
    cdef float total, weight, product
    out = np.empty(n, dtype=np.float32)
    cdef float[::1] dot = out
    with nogil:
        for r in range(n):
            weight = weights[r]
            total = 0.0
            for j in range(indptr[r], indptr[r + 1]):
                product = weight * vector[columns[j]]
                total = total + product
            dot[r] = total
    return out


cdef extern from "Python.h":
    PyTypeObject PyBaseObject_Type


cdef tuple _NO_ARGUMENTS = ()


cdef inline object _bare(object cls):
    """``cls.__new__(cls)``: by ``object``'s C constructor where the class ``cls`` keeps
    ``object.__new__``."""
    if isinstance(cls, type) and (<PyTypeObject *> cls).tp_new == PyBaseObject_Type.tp_new:
        return PyBaseObject_Type.tp_new(<type> cls, <PyObject *> _NO_ARGUMENTS, NULL)
    return cls.__new__(cls)


cdef dict _REASONS = {}
"""``model_votes``' reasons by prefix: ``prefix`` and each of ``0.00``, ``0.01``, ... ``1.00``, made once
and shared by every vote they fit (their hashes computed once, for the JSON Lines writer's cache)."""


cdef list _reasons(str prefix):
    cdef list table = _REASONS.get(prefix)
    if table is None:
        if len(_REASONS) >= 64:  # a few kinds of model; bounded all the same
            _REASONS.clear()
        table = [f"{prefix}{k // 100}.{k % 100:02d}" for k in range(101)]
        _REASONS[prefix] = table
    return table


def model_votes(object vote_class, str plugin, str label, str prefix, list probabilities, str source):
    """``vote_class(plugin, i, label, p, prefix + f"{p:.2f}", source)`` for each probability ``p``
    of ``probabilities`` (Python floats), block ``i`` in turn: the votes ``ModelStore.votes``
    casts. The frozen dataclass's fields are set as its own ``__init__`` sets them
    (``object.__setattr__``), without running that ``__init__``'s Python code. The reason is
    shared from a table of the 101 two-decimal texts where ``p`` is in [0, 1] and ``100 * p`` is
    more than 1e-6 from a half, so that the nearest integer to it is ``f"{p:.2f}"``'s rounding
    (the product is within 1e-13 of the exact one); else ``f"{p:.2f}"`` itself."""
    cdef Py_ssize_t i, n = len(probabilities)
    cdef list votes = [None] * n
    cdef list table = _reasons(prefix)
    cdef object vote, p, reason
    cdef double x, hundred
    for i in range(n):
        p = probabilities[i]
        reason = None
        if type(p) is float:
            x = <double> p
            hundred = x * 100.0
            if 0.0 <= x <= 1.0 and not signbit(x) and fabs(hundred - floor(hundred) - 0.5) > 1e-6:
                reason = table[<Py_ssize_t> floor(hundred + 0.5)]
        if reason is None:
            reason = f"{prefix}{p:.2f}"
        vote = _bare(vote_class)
        PyObject_GenericSetAttr(vote, "plugin", plugin)
        PyObject_GenericSetAttr(vote, "block", i)
        PyObject_GenericSetAttr(vote, "label", label)
        PyObject_GenericSetAttr(vote, "score", p)
        PyObject_GenericSetAttr(vote, "reason", reason)
        PyObject_GenericSetAttr(vote, "source", source)
        votes[i] = vote
    return votes


def sorted_votes(list votes, list blocks):
    """``votes`` sorted by block, plugin and label, ties in their order (``sorted`` with that key,
    which is stable), and each of ``blocks`` given its votes in that order as a new list
    (``combine.sorted_votes``, the reference); a vote's block must be an index of ``blocks``, its
    plugin and label str."""
    cdef Py_ssize_t m = len(votes), n = len(blocks), i, j, b, at
    cdef Py_ssize_t *place = <Py_ssize_t *> malloc((m + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t *starts = <Py_ssize_t *> calloc(n + 1, sizeof(Py_ssize_t))
    cdef Py_ssize_t *order = <Py_ssize_t *> malloc((m + 1) * sizeof(Py_ssize_t))
    cdef list plugins = [], labels = []
    if place == NULL or starts == NULL or order == NULL:
        free(place)
        free(starts)
        free(order)
        raise MemoryError()
    try:
        for i in range(m):
            vote = votes[i]
            b = vote.block
            if not 0 <= b < n:
                raise IndexError(f"a vote for block {b} of {n}")
            place[i] = b
            starts[b + 1] += 1
            plugin, label = vote.plugin, vote.label
            if type(plugin) is not str or type(label) is not str:
                raise TypeError("a vote's plugin and label must be str")
            plugins.append(plugin)
            labels.append(label)
        for b in range(n):
            starts[b + 1] += starts[b]
        for i in range(m):  # by block, in the votes' order (a counting sort is stable)
            b = place[i]
            order[starts[b]] = i
            starts[b] += 1
        for b in range(n - 1, -1, -1):  # back to each block's first place
            starts[b + 1] = starts[b]
        starts[0] = 0
        for b in range(n):  # each block's few votes by plugin, then label (an insertion sort: stable)
            for i in range(starts[b] + 1, starts[b + 1]):
                at = order[i]
                j = i
                while j > starts[b] and _vote_after(plugins, labels, order[j - 1], at):
                    order[j] = order[j - 1]
                    j -= 1
                order[j] = at
        ordered = [votes[order[i]] for i in range(m)]
        for b in range(n):
            blocks[b].votes = ordered[starts[b] : starts[b + 1]]
        return ordered
    finally:
        free(place)
        free(starts)
        free(order)


cdef inline bint _vote_after(list plugins, list labels, Py_ssize_t a, Py_ssize_t b) except -1:
    """Whether vote ``a``'s (plugin, label) comes after vote ``b``'s, as tuples of str compare."""
    cdef object x = plugins[a], y = plugins[b]
    cdef int c = 0 if x is y else PyUnicode_Compare(x, y)  # a plugin's votes share its name
    if c == 0:
        x, y = labels[a], labels[b]
        c = 0 if x is y else PyUnicode_Compare(x, y)
    return c > 0


def vote_fields(list votes, dict weights, dict label_column, str model):
    """What the combiner reads of each vote, in one pass (``combine.VoteFields.of``): the blocks,
    the labels, their columns in ``label_column`` (-1 if absent), the scores, the weights of the
    plugins (``weights``, 1.0 if absent) and whether the source is ``model``."""
    cdef Py_ssize_t m = len(votes), i
    block_array = np.empty(m, dtype=np.intp)
    column_array = np.empty(m, dtype=np.intp)
    score_array = np.empty(m, dtype=np.float64)
    weight_array = np.empty(m, dtype=np.float64)
    model_array = np.empty(m, dtype=np.uint8)
    cdef Py_ssize_t[::1] block = block_array, column = column_array
    cdef double[::1] score = score_array, weight = weight_array
    cdef uint8_t[::1] is_model = model_array
    cdef list labels = []
    cdef object vote, label
    for i in range(m):
        vote = votes[i]
        label = vote.label
        labels.append(label)
        block[i] = vote.block
        column[i] = label_column.get(label, -1)
        score[i] = vote.score
        weight[i] = weights.get(vote.plugin, 1.0)
        is_model[i] = vote.source == model
    return block_array, labels, column_array, score_array, weight_array, model_array.view(np.bool_)


def vote_sums(
    Py_ssize_t n,
    list labels,
    dict column,
    const Py_ssize_t[::1] block,
    const double[::1] weight,
    const double[::1] score,
):
    """The sums of ``combine._mean_of`` (the reference): per block (``n``) and column of
    ``column`` (each vote's label's), the weighted scores (``weight * score``) and the weights,
    each added in vote order as ``np.add.at`` adds them."""
    cdef Py_ssize_t m = len(labels), width = len(column), i, b, c
    if not block.shape[0] == weight.shape[0] == score.shape[0] == m:
        raise ValueError("the votes' fields differ in length")
    weighted_out = np.zeros((n, width), dtype=np.float64)
    totals_out = np.zeros((n, width), dtype=np.float64)
    cdef double[:, ::1] weighted = weighted_out, totals = totals_out
    cdef double product
    for i in range(m):
        b, c = block[i], column[labels[i]]
        if not (0 <= b < n and 0 <= c < width):
            raise IndexError(f"a vote for block {b}, column {c} of ({n}, {width})")
        product = weight[i] * score[i]
        weighted[b, c] = weighted[b, c] + product
        totals[b, c] = totals[b, c] + weight[i]
    return weighted_out, totals_out


def vote_matrix_sums(
    Py_ssize_t n,
    Py_ssize_t width,
    const Py_ssize_t[::1] block,
    const Py_ssize_t[::1] column,
    const double[::1] weight,
    const double[::1] score,
    const uint8_t[::1] is_model,
):
    """The sums of ``combine._matrix_of`` (the reference): each counted vote's (a column of 0 or
    more, a weight not 0 or less) score, ``min(1.0, weight * score)`` as ``np.where`` takes it
    (NaN: 1.0), added to its block's and column's model sum, and 1.0 to its count, in vote order,
    for a model's vote; for a rule's, the block's and column's largest (``np.maximum``: the first
    of two equal values, NaN kept)."""
    cdef Py_ssize_t m = block.shape[0], i, b, c
    cdef double weighted, value, held
    if not column.shape[0] == weight.shape[0] == score.shape[0] == is_model.shape[0] == m:
        raise ValueError("the votes' fields differ in length")
    sums_out = np.zeros((n, width), dtype=np.float64)
    counts_out = np.zeros((n, width), dtype=np.float64)
    rules_out = np.zeros((n, width), dtype=np.float64)
    cdef double[:, ::1] sums = sums_out, counts = counts_out, rules = rules_out
    for i in range(m):
        b, c = block[i], column[i]
        if c < 0 or weight[i] <= 0:
            continue
        if not (0 <= b < n and c < width):
            raise IndexError(f"a vote for block {b}, column {c} of ({n}, {width})")
        weighted = weight[i] * score[i]
        value = weighted if weighted < 1.0 else 1.0
        if is_model[i]:
            sums[b, c] = sums[b, c] + value
            counts[b, c] = counts[b, c] + 1.0
        else:
            held = rules[b, c]
            if not (held > value or held != held):  # np.maximum(held, value): value where equal
                rules[b, c] = value
    return sums_out, counts_out, rules_out


cdef inline uint32_t _rotl(uint32_t x, int r) noexcept nogil:
    return (x << r) | (x >> (32 - r))


cdef uint32_t _murmurhash3_32(const uint8_t *data, Py_ssize_t n) noexcept nogil:
    """MurmurHash3 (x86, 32 bits, seed 0) of ``n`` bytes (``features.murmurhash3_32``, unsigned)."""
    cdef uint32_t h = 0, k
    cdef Py_ssize_t i, end = n & ~3
    for i in range(0, end, 4):
        k = (
            <uint32_t> data[i]
            | (<uint32_t> data[i + 1] << 8)
            | (<uint32_t> data[i + 2] << 16)
            | (<uint32_t> data[i + 3] << 24)
        )
        k = _rotl(k * 0xCC9E2D51u, 15) * 0x1B873593u
        h = _rotl(h ^ k, 13) * 5u + 0xE6546B64u
    if n & 3:
        k = 0
        for i in range(n - 1, end - 1, -1):
            k = (k << 8) | data[i]
        h ^= _rotl(k * 0xCC9E2D51u, 15) * 0x1B873593u
    h ^= <uint32_t> n
    h ^= h >> 16
    h *= 0x85EBCA6Bu
    h ^= h >> 13
    h *= 0xC2B2AE35u
    h ^= h >> 16
    return h


cdef inline int64_t _column(uint32_t h, int64_t n_hash) noexcept nogil:
    """The hashed column of a hash, as scikit-learn takes it: abs of the signed hash modulo
    ``n_hash``, with abs(-2**31) taken as 2**31 - 1 - (n_hash - 1)."""
    cdef int32_t signed = <int32_t> h
    cdef int64_t positive
    if signed == INT32_MIN:
        positive = 2147483647 - (n_hash - 1)
    elif signed < 0:
        positive = -<int64_t> signed
    else:
        positive = signed
    return positive % n_hash


cdef int _compare_int64(const void *a, const void *b) noexcept nogil:
    cdef int64_t x = (<const int64_t *> a)[0], y = (<const int64_t *> b)[0]
    return (x > y) - (x < y)


cdef void _sort_keys(int64_t *keys, int64_t *spare, Py_ssize_t count, int64_t top) noexcept nogil:
    """Sort ``count`` distinct keys from 0 to ``top`` ascending: by insertion where they are few (a
    block's n-grams, about 25), else by their bytes, lowest first (``spare`` holds ``count``);
    distinct keys have one order, whichever sort finds it."""
    cdef Py_ssize_t i, j, shift
    cdef Py_ssize_t counts[256]
    cdef int64_t key
    cdef int64_t *swap
    if count <= 32:
        for i in range(1, count):
            key = keys[i]
            j = i
            while j > 0 and keys[j - 1] > key:
                keys[j] = keys[j - 1]
                j -= 1
            keys[j] = key
        return
    shift = 0
    while shift < 64 and top >> shift:
        for i in range(256):
            counts[i] = 0
        for i in range(count):
            counts[(keys[i] >> shift) & 255] += 1
        j = 0
        for i in range(256):  # each byte's first place
            key = counts[i]
            counts[i] = j
            j += key
        for i in range(count):
            key = keys[i]
            spare[counts[(key >> shift) & 255]] = key
            counts[(key >> shift) & 255] += 1
        swap = keys
        keys = spare
        spare = swap
        shift += 8
    if shift % 16:  # an odd number of passes: the sorted keys are in the caller's spare
        for i in range(count):
            spare[i] = keys[i]


cdef inline Py_ssize_t _utf8(uint32_t c, uint8_t *out) noexcept nogil:
    """Write the UTF-8 bytes of ``c`` (not a surrogate) to ``out``; return how many."""
    if c < 0x80:
        out[0] = <uint8_t> c
        return 1
    if c < 0x800:
        out[0] = <uint8_t> (0xC0 | (c >> 6))
        out[1] = <uint8_t> (0x80 | (c & 0x3F))
        return 2
    if c < 0x10000:
        out[0] = <uint8_t> (0xE0 | (c >> 12))
        out[1] = <uint8_t> (0x80 | ((c >> 6) & 0x3F))
        out[2] = <uint8_t> (0x80 | (c & 0x3F))
        return 3
    out[0] = <uint8_t> (0xF0 | (c >> 18))
    out[1] = <uint8_t> (0x80 | ((c >> 12) & 0x3F))
    out[2] = <uint8_t> (0x80 | ((c >> 6) & 0x3F))
    out[3] = <uint8_t> (0x80 | (c & 0x3F))
    return 4


cdef void *_grown(void *buffer, Py_ssize_t size) except NULL:
    """``buffer`` reallocated to ``size`` bytes; MemoryError when that fails (``buffer`` is then
    still the caller's to free)."""
    cdef void *grown = realloc(buffer, size)
    if grown == NULL:
        raise MemoryError()
    return grown


def gram_keys(list texts, Py_ssize_t start, Py_ssize_t stop, int64_t n_hash):
    """``row * n_hash + column`` of the hashed word 1-2 grams of ``texts[start:stop]``, sorted, each
    once (``features._gram_keys``): the tokens are the runs of word characters (``re``'s ``\\w``:
    alphanumeric or ``_``) of the lower-cased text, a pair is two adjacent tokens joined by a space,
    and a gram's column is taken from MurmurHash3 (seed 0) of its UTF-8 bytes."""
    cdef Py_ssize_t row, i, j, length, tokens, used, count, total = 0, capacity = 0
    cdef Py_ssize_t text_bytes = 0, token_room = 0
    cdef uint8_t *data = NULL  # a text's tokens in UTF-8, one space between two
    cdef Py_ssize_t *bounds = NULL  # each token's first byte and the byte after it
    cdef int64_t *keys = NULL
    cdef int64_t *spare = NULL  # room for a block's keys, for the sort
    cdef uint8_t *seen = NULL  # per column: already found in this row
    cdef int kind
    cdef void *chars
    cdef uint32_t c
    cdef bint inside
    cdef int64_t column, base
    cdef str lowered
    cdef int64_t[::1] copied
    if not 0 <= start <= stop <= len(texts):
        raise IndexError(f"texts {start} to {stop} of {len(texts)}")
    if not 0 < n_hash <= 2147483648:
        raise ValueError(f"{n_hash} columns")
    try:
        seen = <uint8_t *> _grown(NULL, max(n_hash, 1))
        for i in range(n_hash):
            seen[i] = 0
        for row in range(start, stop):
            lowered = texts[row].lower()
            length = len(lowered)
            if 4 * length + 1 > text_bytes:
                text_bytes = 4 * length + 1
                data = <uint8_t *> _grown(data, text_bytes)
            if length + 1 > token_room:  # at most (length + 1) // 2 tokens, two bounds each
                token_room = length + 1
                bounds = <Py_ssize_t *> _grown(bounds, token_room * sizeof(Py_ssize_t))
            kind = PyUnicode_KIND(lowered)
            chars = PyUnicode_DATA(lowered)
            tokens = used = 0
            inside = False
            for i in range(length):
                c = PyUnicode_READ(kind, chars, i)
                if _is_word(c):
                    if not inside:
                        if tokens:
                            data[used] = 32
                            used += 1
                        bounds[2 * tokens] = used
                        inside = True
                    used += _utf8(c, data + used)
                elif inside:
                    bounds[2 * tokens + 1] = used
                    tokens += 1
                    inside = False
            if inside:
                bounds[2 * tokens + 1] = used
                tokens += 1
            if not tokens:
                continue
            if total + 2 * tokens > capacity:
                capacity = max(2 * capacity, total + 2 * tokens)
                keys = <int64_t *> _grown(keys, capacity * sizeof(int64_t))
                spare = <int64_t *> _grown(spare, capacity * sizeof(int64_t))
            count = 0
            for i in range(2 * tokens - 1):  # the tokens, then the pairs
                j = i if i < tokens else i - tokens
                column = _column(
                    _murmurhash3_32(
                        data + bounds[2 * j], bounds[2 * j + 1 + (2 if i >= tokens else 0)] - bounds[2 * j]
                    ),
                    n_hash,
                )
                if not seen[column]:
                    seen[column] = 1
                    keys[total + count] = column
                    count += 1
            _sort_keys(keys + total, spare, count, n_hash - 1)
            base = row * n_hash
            for i in range(total, total + count):
                seen[keys[i]] = 0
                keys[i] += base
            total += count
        out = np.empty(total, dtype=np.int64)
        copied = out
        for i in range(total):
            copied[i] = keys[i]
        return out
    finally:
        free(seen)
        free(data)
        free(bounds)
        free(keys)
        free(spare)


cdef enum:
    MOST_PATTERNS = 64  # leads.MOST_GROUP: a pattern's bit in a uint64 mask
    MOST_HEADS = 64  # leads.MOST_GROUP_HEADS
    MOST_STEPS = 16  # leads.MOST_STEPS
    WIDTH = 20  # leads.WIDTH: a packed lead's pattern, hashed characters, \b first, steps' count, steps
    TABLE_MASK = 0xFFFF  # leads.TABLE_SIZE - 1
    # a step (leads): a code point, or one of these
    STEP_DIGIT = -1
    STEP_WORD = -2
    STEP_SPACE = -3
    STEP_BOUNDARY = -4
    STEP_DIGITS = -5  # any number more of the class: leads.RUN - class
    STEP_WORDS = -6
    STEP_SPACES = -7


cdef uint8_t _ASCII_WORD[128]
cdef Py_UCS4 _c
for _c in range(128):  # the ASCII characters' answers of the test below, looked up, not worked out
    _ASCII_WORD[_c] = Py_UNICODE_ISALNUM(_c) or _c == 95


cdef inline bint _is_word(Py_UCS4 c) noexcept:
    """Whether ``re`` counts ``c`` as a word character (``\\w``): alphanumeric, or ``_``."""
    if c < 128:
        return _ASCII_WORD[c]
    return Py_UNICODE_ISALNUM(c)


cdef inline bint _is_decimal(Py_UCS4 c) noexcept:
    """``Py_UNICODE_ISDECIMAL(c)`` (``\\d``), for ASCII without the call."""
    if c < 128:
        return 48 <= c <= 57
    return Py_UNICODE_ISDECIMAL(c)


ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t


def lead_matches(
    list patterns,
    str text,
    const uint8_t[::1] table,
    const uint16_t[::1] rows,
    const uint32_t[::1] starts,
    const int32_t[:, ::1] checks,
    const int32_t[:, ::1] heads,
):
    """``list(pattern.finditer(text))`` of each of ``patterns`` (a ``leads.Group``), in one scan of
    ``text``, each pattern tried only where one of its leads (``leads.leads``) occurs: a lead of
    ``checks`` (the leads that begin with a literal, packed as ``leads.WIDTH`` int32: the pattern's
    index, the characters hashed, whether ``\\b`` comes first, the steps' count, the steps) where
    ``table`` (the patterns' lead tables or-ed) has bit ``k - 1`` set at the hash of the next ``k``
    characters (``leads.hash_chars``), or bit ``k + 2`` and no word character comes before, among
    the leads of ``k`` characters in the row that ``rows`` gives for that hash (``rows[h] - 1``:
    ``checks[starts[row]:starts[row + 1]]``); or a lead of ``heads`` (those that begin with a class,
    those with ``\\w`` before those with ``\\d``) where a word character is. A pattern's match
    ends where its next may begin, as in ``finditer``."""
    cdef Py_ssize_t count = heads.shape[0], n_patterns = len(patterns), n_rows = starts.shape[0] - 1
    cdef Py_ssize_t i, j, words = 0
    if table.shape[0] != TABLE_MASK + 1 or rows.shape[0] != TABLE_MASK + 1:
        raise ValueError(f"lead tables of {table.shape[0]} and {rows.shape[0]} entries")
    if checks.shape[1] != WIDTH or heads.shape[1] != WIDTH:
        raise ValueError(f"leads of {checks.shape[1]} and {heads.shape[1]} columns")
    if not 0 < n_patterns <= MOST_PATTERNS:
        raise ValueError(f"{n_patterns} patterns")
    if count > MOST_HEADS:
        raise ValueError(f"{count} leads with a head")
    if n_rows < 0 or starts[0] != 0 or starts[n_rows] != checks.shape[0]:
        raise ValueError("rows' starts that do not cover the leads")
    for i in range(n_rows):
        if starts[i] > starts[i + 1]:
            raise ValueError("rows' starts out of order")
    for i in range(checks.shape[0]):
        _check_lead(&checks[i, 0], n_patterns, False)
    for i in range(count):
        _check_lead(&heads[i, 0], n_patterns, True)
        if heads[i, 4] == STEP_WORD:
            if words < i:
                raise ValueError("a lead beginning with \\w after one beginning with \\d")
            words += 1
    matchers = [pattern.match for pattern in patterns]
    cdef int kind = PyUnicode_KIND(text)
    cdef void *chars = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    # the scan compiled for each width of the text's characters (1, 2 or 4 bytes)
    if kind == PyUnicode_1BYTE_KIND:
        return _lead_scan(<const uint8_t *> chars, n, matchers, text, table, rows, starts, checks, heads, words)
    if kind == PyUnicode_2BYTE_KIND:
        return _lead_scan(<const uint16_t *> chars, n, matchers, text, table, rows, starts, checks, heads, words)
    return _lead_scan(<const uint32_t *> chars, n, matchers, text, table, rows, starts, checks, heads, words)


cdef int _check_lead(const int32_t *lead, Py_ssize_t n_patterns, bint head) except -1:
    """Refuse a packed lead the scan cannot read."""
    cdef int j, step
    if not (0 <= lead[0] < n_patterns and 1 <= lead[3] <= MOST_STEPS):
        raise ValueError(f"a lead of pattern {lead[0]} with {lead[3]} steps")
    if head != (lead[1] == 0) or not 0 <= lead[1] <= 3:
        raise ValueError(f"a lead hashed on {lead[1]} characters")
    if head and lead[4] != STEP_DIGIT and lead[4] != STEP_WORD:
        raise ValueError(f"a head beginning with {lead[4]}")
    for j in range(lead[3]):
        step = lead[4 + j]
        if step < STEP_SPACES or (j < lead[1] and step < 0):
            raise ValueError(f"a lead's step {step}")
    return 0


cdef inline bint _fits(const char_t *chars, Py_ssize_t n, Py_ssize_t p, const int32_t *lead) noexcept:
    """Whether the packed ``lead`` occurs at ``p`` of the ``n`` characters ``chars``."""
    cdef Py_ssize_t q = p
    cdef int j, step
    cdef Py_UCS4 c
    if lead[2] and (p > 0 and _is_word(chars[p - 1])) == (p < n and _is_word(chars[p])):
        return False
    for j in range(lead[3]):
        step = lead[4 + j]
        if step == STEP_BOUNDARY:
            if (q > 0 and _is_word(chars[q - 1])) == (q < n and _is_word(chars[q])):
                return False
            continue
        if step < STEP_BOUNDARY:  # a run: greedy, as the next step is a character outside its class
            while q < n and (
                _is_decimal(chars[q]) if step == STEP_DIGITS
                else _is_word(chars[q]) if step == STEP_WORDS
                else Py_UNICODE_ISSPACE(chars[q])
            ):
                q += 1
            continue
        if q >= n:
            return False
        c = chars[q]
        if step >= 0:
            if c != <Py_UCS4> step:
                return False
        elif not (
            _is_decimal(c) if step == STEP_DIGIT else _is_word(c) if step == STEP_WORD else Py_UNICODE_ISSPACE(c)
        ):
            return False
        q += 1
    return True


cdef inline uint64_t _checked(
    const char_t *chars,
    Py_ssize_t n,
    Py_ssize_t p,
    const uint16_t[::1] rows,
    const uint32_t[::1] starts,
    const int32_t[:, ::1] checks,
    uint32_t h,
    int k,
    uint64_t candidates,
) except? 0:
    """``candidates`` and the patterns whose leads of ``k`` hashed characters, in the row of ``h``,
    occur at ``p``."""
    cdef uint32_t row = rows[h & TABLE_MASK], e
    cdef uint64_t bit
    if row == 0 or row >= <uint32_t> starts.shape[0]:
        raise ValueError("a lead table's hash without its row")
    for e in range(starts[row - 1], starts[row]):
        bit = (<uint64_t> 1) << checks[e, 0]
        if checks[e, 1] == k and not candidates & bit and _fits(chars, n, p, &checks[e, 0]):
            candidates |= bit
    return candidates


cdef list _lead_scan(
    const char_t *chars,
    Py_ssize_t n,
    list matchers,
    str text,
    const uint8_t[::1] table,
    const uint16_t[::1] rows,
    const uint32_t[::1] starts,
    const int32_t[:, ::1] checks,
    const int32_t[:, ::1] heads,
    Py_ssize_t words,
):
    """``lead_matches``' scan of ``text``, whose ``n`` characters are ``chars``; ``heads``' first
    ``words`` begin with ``\\w``, the rest with ``\\d``."""
    cdef Py_ssize_t n_patterns = len(matchers), count = heads.shape[0]
    cdef Py_ssize_t p, last
    cdef Py_ssize_t ends[MOST_PATTERNS]
    cdef Py_UCS4 c0, c1, c2
    cdef uint32_t h1, h2, h3
    cdef bint after_word
    cdef uint8_t b1, b2, b3
    cdef uint64_t candidates, waiting, bit
    cdef int i
    cdef list matches = [[] for _ in range(n_patterns)]
    for i in range(n_patterns):
        ends[i] = 0
    for p in range(n):
        c0 = chars[p]
        h1 = <uint32_t> c0
        b1 = table[h1 & TABLE_MASK] & 0x09
        b2 = b3 = 0
        if p + 1 < n:
            c1 = chars[p + 1]
            h2 = h1 * 31 + <uint32_t> c1
            b2 = table[h2 & TABLE_MASK] & 0x12
            if p + 2 < n:
                c2 = chars[p + 2]
                h3 = h2 * 31 + <uint32_t> c2
                b3 = table[h3 & TABLE_MASK] & 0x24
        candidates = 0
        if b1 or b2 or b3:
            # bits 3-5: a lead that follows a \b and begins with a word character, so not after one
            if p > 0 and _is_word(chars[p - 1]):
                b1, b2, b3 = b1 & 0x01, b2 & 0x02, b3 & 0x04
            if b1:
                candidates = _checked(chars, n, p, rows, starts, checks, h1, 1, candidates)
            if b2:
                candidates = _checked(chars, n, p, rows, starts, checks, h2, 2, candidates)
            if b3:
                candidates = _checked(chars, n, p, rows, starts, checks, h3, 3, candidates)
        if count and _is_word(c0):  # every head begins with a word character
            last = count if _is_decimal(c0) else words
            for i in range(last):
                bit = (<uint64_t> 1) << heads[i, 0]
                if not candidates & bit and _fits(chars, n, p, &heads[i, 0]):
                    candidates |= bit
        # each candidate pattern, in order, unless its last match has not ended yet
        waiting = candidates
        i = 0
        while waiting:
            if waiting & 1 and p >= ends[i]:
                m = matchers[i](text, p)
                if m is not None:
                    (<list> matches[i]).append(m)
                    ends[i] = m.end()
            waiting >>= 1
            i += 1
    return matches


def word_counts(list texts, const uint8_t[::1] dense):
    """Each text's words: the characters marked in ``dense`` (``features._DENSE``: kana and Chinese
    characters; a code point past its end is read as its last entry), each alone, and the runs of
    other characters that are neither whitespace (``str.split``'s, ``re``'s ``\\s``) nor NUL
    (``rules.word_counts``, the reference), as int64."""
    cdef Py_ssize_t m = len(texts), i, j, n, words, size = dense.shape[0]
    cdef int kind
    cdef void *chars
    cdef Py_UCS4 c
    cdef bint inside
    cdef str text
    if size < 1:
        raise ValueError("an empty table")
    out = np.empty(m, dtype=np.int64)
    cdef int64_t[::1] counts = out
    for i in range(m):
        text = texts[i]
        kind, chars, n = PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)
        words = 0
        inside = False
        for j in range(n):
            c = PyUnicode_READ(kind, chars, j)
            if c == 0 or Py_UNICODE_ISSPACE(c):
                inside = False
            elif dense[c if c < <Py_UCS4>size else size - 1]:
                inside = False
                words += 1
            elif not inside:
                inside = True
                words += 1
        counts[i] = words
    return out


# -- the words of the blocks' paths ------------------------------------------------------------

cdef uint64_t _FNV_BASIS = 14695981039346656037ULL
cdef uint64_t _FNV_PRIME = 1099511628211ULL


cdef struct _WordSlot:
    uint64_t hash
    Py_ssize_t word  # 1 + the word's place in the words made so far; 0: an empty slot


cdef bint _same_chars(str word, int kind, const void *chars, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether ``word`` is the code points from ``start`` to ``end``."""
    cdef int word_kind = PyUnicode_KIND(word)
    cdef const void *word_chars = PyUnicode_DATA(word)
    cdef Py_ssize_t i
    if PyUnicode_GET_LENGTH(word) != end - start:
        return False
    for i in range(end - start):
        if PyUnicode_READ(word_kind, word_chars, i) != PyUnicode_READ(kind, chars, start + i):
            return False
    return True


def word_sets(list paths):
    """``facts.word_sets`` (the reference): each distinct text of ``paths`` (str), in the order
    they first occur, and its words (``str.split``) as a frozenset. A word met again, in that path
    or a later one, is the str made the first time (its hash computed once), found in a table of
    the words so far by its code points: the paths of a page share most of their words."""
    cdef dict out = {}
    cdef list words = []
    cdef Py_ssize_t capacity = 256, count = 0, n, i, start, at, k
    cdef uint64_t h
    cdef Py_UCS4 c
    cdef int kind
    cdef const void *chars
    cdef _WordSlot *table = <_WordSlot *> calloc(capacity, sizeof(_WordSlot))
    cdef _WordSlot *grown
    cdef str text, word
    if table == NULL:
        raise MemoryError()
    try:
        for text in paths:
            if text in out:
                continue
            n, kind, chars = PyUnicode_GET_LENGTH(text), PyUnicode_KIND(text), PyUnicode_DATA(text)
            found = PyFrozenSet_New(())
            i = 0
            while True:
                while i < n and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, chars, i)):
                    i += 1
                if i == n:
                    break
                start, h = i, _FNV_BASIS  # the word's FNV-1a hash, of its code points
                while i < n:
                    c = PyUnicode_READ(kind, chars, i)
                    if Py_UNICODE_ISSPACE(c):
                        break
                    h = (h ^ <uint64_t> c) * _FNV_PRIME
                    i += 1
                at = h & (capacity - 1)
                while table[at].word and not (
                    table[at].hash == h and _same_chars(words[table[at].word - 1], kind, chars, start, i)
                ):
                    at = (at + 1) & (capacity - 1)
                if table[at].word:
                    word = words[table[at].word - 1]
                else:
                    word = PyUnicode_Substring(text, start, i)
                    words.append(word)
                    table[at].hash, table[at].word = h, len(words)
                    count += 1
                    if 2 * count > capacity:  # twice as many slots, each word's slot found again
                        grown = <_WordSlot *> calloc(2 * capacity, sizeof(_WordSlot))
                        if grown == NULL:
                            raise MemoryError()
                        for k in range(capacity):
                            if table[k].word:
                                at = table[k].hash & (2 * capacity - 1)
                                while grown[at].word:
                                    at = (at + 1) & (2 * capacity - 1)
                                grown[at] = table[k]
                        free(table)
                        table, capacity = grown, 2 * capacity
                PySet_Add(found, word)
            out[text] = found
        return out
    finally:
        free(table)


cdef extern from "Python.h":
    object PyObject_GenericGetDict(object obj, void *context)
    PyObject *PyDict_GetItemWithError(object mapping, object key) except? NULL


cdef inline Py_ssize_t _one_hot_column(object index, Py_ssize_t width) except -1:
    """``index`` as a column below ``width`` (an int from the features' own tables)."""
    cdef Py_ssize_t k = index
    if not 0 <= k < width:
        raise IndexError(f"column {k} outside a one-hot group of {width}")
    return k


def structure_rows(
    list facts,
    dict paths,
    object facts_type,
    tuple names,
    dict tag_index,
    Py_ssize_t n_tags,
    dict ancestor_index,
    Py_ssize_t n_ancestors,
    dict landmark_index,
    Py_ssize_t n_landmarks,
    dict word_stems,
    object stem_hits,
    Py_ssize_t n_stems,
):
    """``features.structure_rows`` (the reference), in one pass over ``facts`` and one over
    ``paths``: each field of ``names`` of every block as float64 (as ``np.fromiter`` converts it),
    the one-hot tags, ancestors and landmarks (an unknown landmark in the last column), each
    block's distinct path, and each path's word count and stems (``word_stems``'s cached hits,
    ``stem_hits(word)`` for a word not in it). An instance of ``facts_type`` is read from its
    instance dictionary, where its dataclass fields are; anything else by ``getattr``."""
    cdef Py_ssize_t n = len(facts), n_fields = len(names), n_paths = len(paths)
    cdef Py_ssize_t i, j, k, m, spaces
    cdef PyObject *found
    cdef object x, fields, value, hits, word
    cdef str text
    cdef int kind
    cdef void *chars
    columns_out = np.empty((n_fields, n), dtype=np.float64)
    tags_out = np.zeros((n, n_tags), dtype=np.float32)
    ancestors_out = np.zeros((n, n_ancestors), dtype=np.float32)
    landmarks_out = np.zeros((n, n_landmarks), dtype=np.float32)
    which_out = np.empty(n, dtype=np.intp)
    path_words_out = np.empty(n_paths, dtype=np.float64)
    path_stems_out = np.zeros((n_paths, n_stems), dtype=np.float32)
    cdef double[:, ::1] columns = columns_out
    cdef float[:, ::1] tags = tags_out, ancestors = ancestors_out, landmarks = landmarks_out
    cdef float[:, ::1] path_stems = path_stems_out
    cdef Py_ssize_t[::1] which = which_out
    cdef double[::1] path_words = path_words_out
    cdef dict distinct = {}, seen = {}  # seen: the page's words' stems (the paths share most words)
    for i, text in enumerate(paths):
        distinct[text] = i
    for i in range(n):
        x = facts[i]
        fields = PyObject_GenericGetDict(x, NULL) if type(x) is facts_type else None
        for j in range(n_fields):
            found = PyDict_GetItemWithError(fields, names[j]) if fields is not None else NULL
            value = <object> found if found != NULL else getattr(x, names[j])
            columns[j, i] = <double> value
        value = tag_index.get(x.tag)
        if value is not None:
            tags[i, _one_hot_column(value, n_tags)] = 1
        for word in x.path:
            value = ancestor_index.get(word)
            if value is not None:
                ancestors[i, _one_hot_column(value, n_ancestors)] = 1
        landmarks[i, _one_hot_column(landmark_index.get(x.landmark, n_landmarks - 1), n_landmarks)] = 1
        which[i] = distinct[x.path_words]
    for i, (text, words) in enumerate(paths.items()):
        m = PyUnicode_GET_LENGTH(text)
        kind, chars = PyUnicode_KIND(text), PyUnicode_DATA(text)
        spaces = 0
        for k in range(m):
            if PyUnicode_READ(kind, chars, k) == 32:
                spaces += 1
        path_words[i] = spaces + 1 if m else 0
        for word in words:
            hits = seen.get(word)
            if hits is None:
                hits = word_stems.get(word)
                if hits is None:
                    hits = stem_hits(word)
                seen[word] = hits
            for value in hits:
                path_stems[i, _one_hot_column(value, n_stems)] = 1
    return columns_out, tags_out, ancestors_out, landmarks_out, which_out, path_words_out, path_stems_out


def word_f1(list texts, dict index, const int64_t[::1] want, Py_ssize_t longest):
    """For each of ``texts``, its word F1 against the wanted words (``extraction_scores.f1_matcher``,
    the reference): 0.0 for a text of more than ``longest`` words (``str.split``) or without a wanted
    word among its lower-cased ``\\w+`` words; else ``counts_prf``'s F1 of its words' counts
    against the wanted ones. ``index`` gives each wanted word's place in ``want``, its count."""
    cdef Py_ssize_t m = want.shape[0], total = 0, shortest = PY_SSIZE_T_MAX, longest_word = 0
    cdef Py_ssize_t i, j, n, words, tokens, start, overlap, used
    cdef int kind
    cdef void *chars
    cdef Py_UCS4 c
    cdef bint inside
    cdef double precision, recall
    cdef str text, lowered
    if len(index) != m or m == 0:
        raise ValueError(f"{len(index)} words for {m} counts")
    for word, j in index.items():
        if not 0 <= j < m or want[j] <= 0:
            raise ValueError(f"the word {word!r} at {j} of {m}, or not wanted")
        shortest, longest_word = min(shortest, len(word)), max(longest_word, len(word))
    for j in range(m):
        total += want[j]
    cdef int64_t *got = <int64_t *> calloc(m, sizeof(int64_t))
    cdef Py_ssize_t *seen = <Py_ssize_t *> malloc(m * sizeof(Py_ssize_t))
    if got == NULL or seen == NULL:
        free(got)
        free(seen)
        raise MemoryError()
    out = []
    try:
        for text in texts:
            kind, chars, n = PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)
            words = 0
            inside = False
            for i in range(n):  # the words of str.split(), up to one too many
                if Py_UNICODE_ISSPACE(PyUnicode_READ(kind, chars, i)):
                    inside = False
                elif not inside:
                    inside = True
                    words += 1
                    if words > longest:
                        break
            if words > longest:
                out.append(0.0)
                continue
            lowered = text.lower()
            kind, chars, n = PyUnicode_KIND(lowered), PyUnicode_DATA(lowered), PyUnicode_GET_LENGTH(lowered)
            tokens = used = 0
            i = 0
            while i < n:  # the \w+ runs of the lower-cased text, the wanted ones counted
                if not _is_word(PyUnicode_READ(kind, chars, i)):
                    i += 1
                    continue
                start = i
                while i < n and _is_word(PyUnicode_READ(kind, chars, i)):
                    i += 1
                tokens += 1
                if shortest <= i - start <= longest_word:
                    found = index.get(lowered[start:i])
                    if found is not None:
                        j = found
                        if got[j] == 0:
                            seen[used] = j
                            used += 1
                        got[j] += 1
            overlap = 0
            for i in range(used):
                j = seen[i]
                overlap += min(got[j], want[j])
                got[j] = 0
            if overlap == 0:
                out.append(0.0)
                continue
            precision = <double> overlap / <double> tokens
            recall = <double> overlap / <double> total
            out.append(2 * precision * recall / (precision + recall))
        return out
    finally:
        free(got)
        free(seen)


def shared_in(
    const int64_t[::1] rows,
    const int64_t[::1] columns,
    const float[::1] weights,
    const int64_t[::1] order,
    Py_ssize_t reach,
):
    """``features._shared_in`` (the reference) of the entries ``rows`` and ``columns`` (in key
    order) of rows of ``weights``, ``order`` being the entries sorted by column, then row (the
    reference's ``argsort``): a (2, rows) float64 array, each row's dot products with the
    ``reach`` rows after it, then with those before it, added in the reference's order."""
    cdef Py_ssize_t m = rows.shape[0], n = weights.shape[0], k, j, t, e
    cdef int64_t r
    if columns.shape[0] != m or order.shape[0] != m:
        raise ValueError("rows, columns and order differ in length")
    if reach < 0:
        raise ValueError("a negative reach")
    for k in range(m):
        if not (0 <= order[k] < m) or not (0 <= rows[k] < n):
            raise ValueError("an entry's order or row out of range")
    out = np.zeros((2, n), dtype=np.float64)
    cdef double[:, ::1] result = out
    # by_row, by_column: the entries in column order; after, before: each one's sums, then in key order
    cdef int64_t *by_row = <int64_t *> malloc(max(m, 1) * sizeof(int64_t))
    cdef int64_t *by_column = <int64_t *> malloc(max(m, 1) * sizeof(int64_t))
    cdef double *after = <double *> calloc(max(m, 1), sizeof(double))
    cdef double *before = <double *> calloc(max(m, 1), sizeof(double))
    cdef double *keyed = <double *> malloc(max(2 * m, 1) * sizeof(double))
    try:
        if by_row == NULL or by_column == NULL or after == NULL or before == NULL or keyed == NULL:
            raise MemoryError()
        with nogil:
            for k in range(m):
                by_row[k] = rows[order[k]]
                by_column[k] = columns[order[k]]
            # an entry's column-mates within reach are the entries right after it (rows after)
            # and right before it (rows before); the nearest first after, the farthest first before
            for k in range(m):
                for t in range(1, reach + 1):
                    j = k + t
                    if j >= m or by_column[j] != by_column[k] or by_row[j] - by_row[k] > reach:
                        break
                    after[k] = after[k] + <double> weights[by_row[j]]
            for j in range(m):
                for t in range(min(reach, m - 1), 0, -1):
                    k = j - t
                    if k >= 0 and by_column[k] == by_column[j] and by_row[j] - by_row[k] <= reach:
                        before[j] = before[j] + <double> weights[by_row[k]]
            for k in range(m):
                keyed[2 * order[k]] = after[k]
                keyed[2 * order[k] + 1] = before[k]
            # each entry's share, times its row's weight, added to its row in key order
            for e in range(m):
                r = rows[e]
                result[0, r] = result[0, r] + <double> weights[r] * keyed[2 * e]
                result[1, r] = result[1, r] + <double> weights[r] * keyed[2 * e + 1]
    finally:
        free(by_row)
        free(by_column)
        free(after)
        free(before)
        free(keyed)
    return out


# -- the features' character classes ----------------------------------------------------------

def cosine_with(
    const int64_t[::1] rows,
    const int64_t[::1] entries,
    const float[::1] weights,
    const int64_t[::1] columns,
    float weight,
):
    """``features.cosine_with`` (the reference): for each row (``weights``' length), the number of
    its entries (``rows``, ``entries``: each entry's row and column) whose column is among
    ``columns`` (sorted, distinct; looked up in a bitmap of them, or by binary search beyond
    2^24), then ``weights[row] * weight`` in
    float32, added that many times to a float32 0, one at a time."""
    cdef Py_ssize_t n = weights.shape[0], m = entries.shape[0], c = columns.shape[0]
    cdef Py_ssize_t e, lo, hi, mid, r, k
    cdef int64_t column
    cdef float term, total
    if rows.shape[0] != m:
        raise ValueError("rows and entries differ in length")
    out = np.zeros(n, dtype=np.float32)
    cdef float[::1] result = out
    cdef int64_t top = columns[c - 1] if c else -1
    cdef uint64_t *bits = NULL  # the columns as a bitmap, where they are few and within 2^24
    cdef int64_t *shared = <int64_t *> calloc(max(n, 1), sizeof(int64_t))
    if shared == NULL:
        raise MemoryError()
    try:
        if c and columns[0] >= 0 and top < (1 << 24):
            bits = <uint64_t *> calloc(top // 64 + 1, sizeof(uint64_t))
            if bits == NULL:
                raise MemoryError()
            for k in range(c):
                bits[columns[k] >> 6] |= (<uint64_t> 1) << (columns[k] & 63)
        for e in range(m):
            r = rows[e]
            if not 0 <= r < n:
                raise ValueError(f"an entry of row {r}, outside the {n} rows")
            column = entries[e]
            if bits != NULL:
                if 0 <= column <= top and bits[column >> 6] >> (column & 63) & 1:
                    shared[r] += 1
                continue
            lo, hi = 0, c
            while lo < hi:
                mid = (lo + hi) // 2
                if columns[mid] < column:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < c and columns[lo] == column:
                shared[r] += 1
        for r in range(n):
            term = weights[r] * weight
            total = 0
            for k in range(shared[r]):
                total = total + term
            result[r] = total
    finally:
        free(shared)
        free(bits)
    return out


cdef enum:
    CHAR_CLASSES = 9  # features.CHAR_CLASSES


def char_counts(
    str joined,
    object lowered,
    object raised,
    const int64_t[::1] starts,
    const int64_t[::1] lengths,
    const uint8_t[::1] punct,
    const uint8_t[::1] space,
    const uint8_t[::1] end,
    const uint8_t[::1] closer,
    const uint8_t[::1] separator,
    const uint8_t[::1] end_alone,
    const uint8_t[::1] dense,
    const uint8_t[::1] non_word_ascii,
):
    """Each block's characters of each class (``features.CHAR_CLASSES``, in that order) as a
    (classes, blocks) float64 array: ``features._char_counts`` (the reference). ``joined`` holds
    the blocks at ``starts``, ``lengths`` long; a character is upper (lower) case where it differs
    from its place in ``lowered`` (``raised``), the text lower- (upper-)cased, or, where they
    are None, if it is an ASCII capital (small) letter. The tables hold the features'
    classes of the code points below their size (``punct`` ... ``dense``; a larger code point
    is read as their last entry) and which ASCII characters are not alphanumeric."""
    cdef Py_ssize_t n = lengths.shape[0], size = punct.shape[0], total = PyUnicode_GET_LENGTH(joined)
    cdef Py_ssize_t j, i, stop, k
    cdef int kind = PyUnicode_KIND(joined), lower_kind = 0, raise_kind = 0
    cdef void *chars = PyUnicode_DATA(joined)
    cdef void *lower_chars = NULL
    cdef void *raise_chars = NULL
    cdef bint cased = lowered is not None, upper, word, before, after_space
    cdef Py_UCS4 c, next_c
    cdef Py_ssize_t capped, next_capped
    cdef int64_t counted[CHAR_CLASSES]
    if starts.shape[0] < n or space.shape[0] != size or end.shape[0] != size:
        raise ValueError("the starts, lengths or tables differ in length")
    if closer.shape[0] != size or separator.shape[0] != size or non_word_ascii.shape[0] != 128 or size < 1:
        raise ValueError("the tables differ in length")
    if end_alone.shape[0] != size or dense.shape[0] != size:
        raise ValueError("the tables differ in length")
    if cased:
        if PyUnicode_GET_LENGTH(<str>lowered) != total or PyUnicode_GET_LENGTH(<str>raised) != total:
            raise ValueError("the lower- or upper-cased text is not as long as the text")
        lower_kind = PyUnicode_KIND(<str>lowered)
        lower_chars = PyUnicode_DATA(<str>lowered)
        raise_kind = PyUnicode_KIND(<str>raised)
        raise_chars = PyUnicode_DATA(<str>raised)
    for j in range(n):
        if starts[j] < 0 or lengths[j] < 0 or starts[j] + lengths[j] > total:
            raise ValueError("a block outside the text")
    out = np.zeros((CHAR_CLASSES, n), dtype=np.float64)
    cdef double[:, ::1] result = out
    for j in range(n):
        for k in range(CHAR_CLASSES):
            counted[k] = 0
        before = False  # the character before a block is a separator's line break, or none
        i = starts[j]
        stop = i + lengths[j]
        while i < stop:
            c = PyUnicode_READ(kind, chars, i)
            capped = c if c < <Py_UCS4>size else size - 1
            if cased:
                upper = c != PyUnicode_READ(lower_kind, lower_chars, i)
                counted[1] += c != PyUnicode_READ(raise_kind, raise_chars, i)
            else:
                upper = 65 <= c <= 90
                counted[1] += 97 <= c <= 122
            counted[0] += upper
            counted[2] += 48 <= c <= 57
            counted[3] += punct[capped]
            word = not space[capped] and not punct[capped] and not (c < 128 and non_word_ascii[c])
            if word and (not before or dense[capped]):
                counted[4] += 1
                counted[5] += upper
            before = word
            if end_alone[capped]:
                counted[6] += 1
            elif end[capped]:  # a sentence ends: a space (or the end) next, or a closer and a space
                if i + 1 >= total:
                    counted[6] += 1
                else:
                    next_c = PyUnicode_READ(kind, chars, i + 1)
                    next_capped = next_c if next_c < <Py_UCS4>size else size - 1
                    if space[next_capped]:
                        counted[6] += 1
                    elif closer[next_capped]:
                        if i + 2 >= total:
                            after_space = True
                        else:
                            next_c = PyUnicode_READ(kind, chars, i + 2)
                            after_space = space[next_c if next_c < <Py_UCS4>size else size - 1]
                        counted[6] += after_space
            counted[7] += c == 44 or c == 59
            counted[8] += separator[capped]
            i += 1
        for k in range(CHAR_CLASSES):
            result[k, j] = <double>counted[k]
    return out


# -- the HTML parser's input ----------------------------------------------------------------------

cdef uint8_t _CONTROL[256]  # the bytes the HTML splitter removes before parsing (``_CONTROL_BYTES``)
for _c in range(256):
    _CONTROL[_c] = _c < 0x09 or _c == 0x0B or 0x0E <= _c < 0x20 or _c == 0x7F


cdef inline uint64_t _has_zero_byte(uint64_t x) noexcept nogil:
    return (x - <uint64_t>0x0101010101010101) & ~x & <uint64_t>0x8080808080808080


def control_free(const uint8_t[::1] data):
    """Whether the HTML splitter's ``parse`` would leave ``data`` (a page in UTF-8) as it is: no
    byte of ``splitters.html._CONTROL_BYTES`` (C0 controls but tab, newline, form feed and
    carriage return; DEL) and no C1 control (``\\xc2`` and a byte in ``\\x80``-``\\x9f``)."""
    if data.shape[0] == 0:
        return True
    return _control_free(&data[0], data.shape[0])


cdef bint _control_free(const uint8_t *data, Py_ssize_t n) noexcept nogil:
    """``control_free``: eight bytes looked at at once, and those holding a byte below 0x20, DEL
    or ``\\xc2`` byte by byte."""
    cdef Py_ssize_t i = 0, j
    cdef uint64_t word, ones = <uint64_t>0x0101010101010101
    cdef uint8_t b
    while i < n:
        if i + 8 <= n:
            memcpy(&word, data + i, 8)
            # a byte below 0x20 (high bit clear, and borrowing when 0x20 is taken away), DEL, 0xc2
            if not (
                ((word - ones * 0x20) & ~word & ones * 0x80)
                | _has_zero_byte(word ^ (ones * 0x7F))
                | _has_zero_byte(word ^ (ones * 0xC2))
            ):
                i += 8
                continue
            j = i + 8
        else:
            j = n
        while i < j:
            b = data[i]
            if _CONTROL[b]:
                return False
            if b == 0xC2 and i + 1 < n and 0x80 <= data[i + 1] <= 0x9F:
                return False
            i += 1
    return True


# -- the page's early end tags ------------------------------------------------------------------

cdef inline Py_ssize_t _next_open(int kind, const void *data, Py_ssize_t start, Py_ssize_t n) noexcept:
    """Where the first ``<`` at or after ``start`` is, or ``n``: in a 2-byte string, four
    characters looked at at once."""
    cdef const void *found
    cdef const uint16_t *chars = <const uint16_t *> data
    cdef uint64_t word, lanes = <uint64_t>0x0001000100010001
    if kind == PyUnicode_1BYTE_KIND:
        found = memchr(<const char *> data + start, 60, n - start)  # "<"
        return n if found == NULL else <const char *> found - <const char *> data
    if kind == PyUnicode_2BYTE_KIND:
        while start + 4 <= n:
            memcpy(&word, chars + start, 8)
            word ^= lanes * 60
            if (word - lanes) & ~word & (lanes * 0x8000):  # a lane of zero: a "<"
                break
            start += 4
    while start < n and PyUnicode_READ(kind, data, start) != 60:
        start += 1
    return start


cdef inline bint _is_ascii_letter(Py_UCS4 c) noexcept:
    return 65 <= c <= 90 or 97 <= c <= 122


def early_end(str text):
    """Where the HTML splitter's ``_without_early_end_tags`` (the reference) cuts ``text``: the start
    of its first ``</body>`` or ``</html>`` (either in any case, white space before the ``>``) when
    an element starts after it (``<`` and an ASCII letter), else -1. Only ASCII letters match
    those tags' letters ignoring case, as in ``re``."""
    cdef int kind = PyUnicode_KIND(text)
    cdef const void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), at = 0, j, k, first = -1
    cdef const char *name
    while first < 0:
        at = _next_open(kind, data, at, n)
        if at + 7 > n:  # "</html>" and "</body>" are 7 characters long
            return -1
        if PyUnicode_READ(kind, data, at + 1) == 47:  # "/"
            for name in (b"body", b"html"):
                for k in range(4):
                    if (<uint32_t> PyUnicode_READ(kind, data, at + 2 + k) | 0x20) != <uint8_t> name[k]:
                        break
                else:
                    j = at + 6
                    while j < n and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)):
                        j += 1
                    if j < n and PyUnicode_READ(kind, data, j) == 62:  # ">"
                        first = at
                        at = j + 1
                    break
        if first < 0:
            at += 1
    while True:
        at = _next_open(kind, data, at, n)
        if at + 1 >= n:
            return -1
        if _is_ascii_letter(PyUnicode_READ(kind, data, at + 1)):
            return first
        at += 1


# -- the JSON Lines record's votes -------------------------------------------------------------

cdef extern from "Python.h":
    char* PyOS_double_to_string(double val, char format_code, int precision, int flags, int* ptype) except NULL
    void PyMem_Free(void* p)


cdef str _score_text(double value):
    """``output.jsonl._number`` of a float in [0, 1]: the digits of ``f"{value:.4f}"`` (the binary
    value rounded to 4 decimals, half to even) without trailing zeros, one zero kept after the
    point. ``value * 10000`` is within 2e-12 of its exact product, so where it lies more than 1e-6
    from a half its nearest integer is that rounding; nearer a half, Python's formatting decides."""
    cdef double scaled = value * 10000.0
    cdef double below = floor(scaled)
    cdef long k
    cdef int length
    cdef char digits[8]
    if fabs(scaled - below - 0.5) < 1e-6:
        return _formatted_score(value)
    k = <long>below + (scaled - below > 0.5)
    if k == 10000:
        return "1.0"
    if k == 0:
        return "-0.0" if signbit(value) else "0.0"  # -0.0 is in [0, 1] too
    length = 6
    while k % 10 == 0:
        k //= 10
        length -= 1
    digits[0] = 48  # "0"
    digits[1] = 46  # "."
    for i in range(length - 1, 1, -1):
        digits[i] = <char>(48 + k % 10)  # "0" + the digit
        k //= 10
    return PyUnicode_DecodeUTF8(digits, length, NULL)


cdef str _formatted_score(double value):
    """``_score_text`` by Python's own formatting (``PyOS_double_to_string``)."""
    cdef char* digits = PyOS_double_to_string(value, b"f", 4, 0, NULL)
    cdef Py_ssize_t end = strlen(digits)
    while digits[end - 1] == b"0":
        end -= 1
    if digits[end - 1] == b".":
        end += 1  # "1." -> "1.0": the zero after the point is there, from the four digits
    try:
        return PyUnicode_DecodeUTF8(digits, end, NULL)
    finally:
        PyMem_Free(digits)


cdef void _votes_json(list parts, dict pieces, object vote_pieces, object number, list votes) except *:
    """The votes of a block as the JSON Lines record writes them, added to ``parts``:
    ``output.jsonl._votes`` (the reference), with its cache of each (plugin, label, reason)'s text
    before and after the score (``pieces``), the function that makes one (``vote_pieces``) and the
    one that writes any score but a float in [0, 1] (``number``)."""
    cdef object score
    cdef tuple around
    cdef bint first = True
    for vote in votes:
        key = (vote.plugin, vote.label, vote.reason)
        try:
            around = pieces[key]
        except (KeyError, TypeError):  # new, or not hashable
            around = vote_pieces(*key)
        score = vote.score
        if type(score) is float and 0.0 <= <double>score <= 1.0:
            text = _score_text(<double>score)
        else:
            text = number(score)
        if not first:
            parts.append(", ")
        first = False
        parts.append(around[0])
        parts.append(text)
        parts.append(around[1])


cdef object _json_text(object encode, object value):
    """``encode(value)`` (``json``'s encoder without ASCII escapes): a str by ``json``'s own C
    function, as that encoder calls it."""
    return encode_basestring(value) if type(value) is str else encode(value)


def json_blocks(
    object encode, object leaf, dict pieces, object vote_pieces, object number, list blocks
):
    """The blocks of a JSON Lines record, joined by ", ": ``output.jsonl._blocks`` (the reference)
    with that module's encoder (``encode``), writer of an index that is not an int (``leaf``), and
    the helpers of ``_votes_json``."""
    cdef list parts = []
    cdef object index, confidence
    for block in blocks:
        if parts:
            parts.append(", ")
        index = block.index
        parts.append('{"index": ')
        parts.append(repr(index) if type(index) is int else leaf(index))
        parts.append(', "text": ')
        parts.append(_json_text(encode, block.text))
        parts.append(', "label": ')
        parts.append(_json_text(encode, block.label))
        parts.append(', "confidence": ')
        confidence = block.confidence
        if type(confidence) is float and 0.0 <= <double>confidence <= 1.0:
            parts.append(_score_text(<double>confidence))
        else:
            parts.append(number(confidence))
        parts.append(', "votes": [')
        _votes_json(parts, pieces, vote_pieces, number, block.votes)
        parts.append("]}")
    return "".join(parts)


def html_blocks(object block_class, object facts_class, str label, list found):
    """``splitters.html._blocks`` (the reference): ``block_class(i, text,
    facts_class._trusted(values))`` for each ``(text, values, _)`` of ``found``, block ``i`` in
    turn. The dataclasses' fields are set as their own code sets them (``object.__setattr__``),
    without running it: the facts' ``__dict__`` is ``values`` itself, and each block's label is
    ``label`` (the field's default), its confidence 0.0 and its votes a new empty list."""
    cdef Py_ssize_t i, n = len(found)
    cdef list blocks = [None] * n
    cdef tuple item
    cdef object block, facts
    for i in range(n):
        item = <tuple>found[i]
        facts = _bare(facts_class)
        PyObject_GenericSetAttr(facts, "__dict__", item[1])
        block = _bare(block_class)
        PyObject_GenericSetAttr(block, "index", i)
        PyObject_GenericSetAttr(block, "text", item[0])
        PyObject_GenericSetAttr(block, "features", facts)
        PyObject_GenericSetAttr(block, "label", label)
        PyObject_GenericSetAttr(block, "confidence", 0.0)
        PyObject_GenericSetAttr(block, "votes", [])
        blocks[i] = block
    return blocks


# -- the HTML splitter's walk ------------------------------------------------------------------
#
# ``html_walk`` reads libxml2's nodes under an lxml element directly (the node structs as lxml
# declares them; no libxml2 function is called), where the reference walks the tree with
# ``etree.iterwalk`` and lxml's Python objects. The node types, text, tails, tags and attribute
# values it reads are those lxml gives: see ``_is_item``, ``_text``, ``_name`` and ``_attribute``.
# An element's context is ``_context_of``, the splitter's ``_context`` compiled (reading the
# splitter's tables), and whether an element is hidden ``_is_hidden``, the splitter's function of
# that name compiled (its style pattern passed in); both read the attributes on the node.

# The bits of the splitter's tag kinds (``splitters.html._KINDS``): the same values as there.
cdef enum:
    INVISIBLE = 1
    BLOCK = 2
    CONTEXT = 4
    BR = 8
    CHECK = 16


cdef inline bint _is_item(xmlNode* node) noexcept:
    """Whether lxml counts ``node`` as a child (``_isElement``): an element, comment, entity
    reference or processing instruction."""
    return (
        node.type == XML_ELEMENT_NODE
        or node.type == XML_COMMENT_NODE
        or node.type == XML_ENTITY_REF_NODE
        or node.type == XML_PI_NODE
    )


cdef inline xmlNode* _next_item(xmlNode* node) noexcept:
    """``node`` or the first sibling after it that lxml counts as a child, or NULL."""
    while node is not NULL and not _is_item(node):
        node = node.next
    return node


cdef inline xmlNode* _text_node(xmlNode* node) noexcept:
    """``node`` if it is text (or CDATA), passing XInclude markers, else NULL (lxml's
    ``_textNodeOrSkip``)."""
    while node is not NULL:
        if node.type == XML_TEXT_NODE or node.type == XML_CDATA_SECTION_NODE:
            return node
        if node.type != XML_XINCLUDE_START and node.type != XML_XINCLUDE_END:
            return NULL
        node = node.next
    return NULL


cdef str _decode(const char* text):
    return PyUnicode_DecodeUTF8(text, strlen(text), NULL)


cdef str _text(xmlNode* node):
    """The text of the run of text nodes that starts at ``node``, "" if none (lxml's ``.text`` of
    an element is ``_text(children)``, its ``.tail`` is ``_text(next)``; None there is "" here)."""
    node = _text_node(node)
    if node is NULL:
        return ""
    cdef xmlNode* following = _text_node(node.next)
    if following is NULL:
        return _decode(<const char*>node.content) if node.content is not NULL else ""
    cdef list parts = []
    while node is not NULL:
        if node.content is not NULL:
            parts.append(_decode(<const char*>node.content))
        node = _text_node(node.next)
    return "".join(parts)


cdef str _name(xmlNode* node):
    """An element's tag as lxml gives it: ``{namespace}name`` in a namespace, else the name."""
    cdef str name = _decode(<const char*>node.name)
    if node.ns is not NULL and node.ns.href is not NULL:
        return "{" + _decode(<const char*>node.ns.href) + "}" + name
    return name


cdef xmlAttr* _find(xmlNode* node, const char* name) noexcept:
    """The element's attribute ``name`` in no namespace, or NULL."""
    cdef xmlAttr* attribute = node.properties
    while attribute is not NULL:
        if attribute.ns is NULL and strcmp(<const char*>attribute.name, name) == 0:
            return attribute
        attribute = attribute.next
    return NULL


cdef object _attribute(cetree._Element root, xmlNode* node, const char* name):
    """``el.get(name)``: the value of the attribute ``name`` in no namespace, None without one."""
    cdef xmlAttr* attribute = _find(node, name)
    if attribute is NULL:
        return None
    cdef xmlNode* child = attribute.children
    if child is NULL:
        return ""
    if child.next is NULL and (child.type == XML_TEXT_NODE or child.type == XML_CDATA_SECTION_NODE):
        return _decode(<const char*>child.content) if child.content is not NULL else ""
    return _element(root, node).get(_decode(name))  # entity references in the value: lxml's reading


cdef object _element(cetree._Element root, xmlNode* node):
    """The lxml element of ``node`` (a node of ``root``'s document)."""
    return cetree.elementFactory(root._doc, node)


cpdef str attribute_words(str text):
    """``" ".join(splitters.html._WORD.findall(text))``: the runs of letters and digits (word
    characters but ``_``) of at least two characters with a character other than a decimal digit
    in them, each whole (where a run has one, the pattern's match at its start takes it all; where
    it has none, no match starts in it), joined by spaces."""
    cdef int kind = PyUnicode_KIND(text)
    cdef const void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, start
    cdef Py_UCS4 c
    cdef bint lettered
    cdef list found = []
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        if c == 95 or not _is_word(c):
            i += 1
            continue
        start, lettered = i, False
        while i < n:
            c = PyUnicode_READ(kind, data, i)
            if c == 95 or not _is_word(c):
                break
            lettered = lettered or not _is_decimal(c)
            i += 1
        if lettered and i - start >= 2:
            found.append(PyUnicode_Substring(text, start, i))
    return " ".join(found)


cdef class _Block:
    """A block-level element being walked (``splitters.html._Block``)."""

    cdef str tag
    cdef tuple ctx
    cdef Py_ssize_t depth
    cdef Py_ssize_t group_size
    cdef list pieces
    cdef dict marks
    cdef Py_ssize_t last_br
    cdef object path_words

    def __cinit__(self, str tag, tuple ctx, Py_ssize_t depth, Py_ssize_t group_size):
        self.tag = tag
        self.ctx = ctx
        self.depth = depth
        self.group_size = group_size
        self.pieces = []
        self.marks = {}
        self.last_br = -1
        self.path_words = None


cdef class _Walk:
    """The state of one walk (``splitters.html._found``): the open elements' nodes, tags and
    blocks, and what it has found."""

    cdef cetree._Element root
    cdef list found, tags, words, blocks, contexts
    cdef xmlNode** nodes  # the open elements' nodes: ``len(tags)`` of ``capacity``
    cdef Py_ssize_t capacity
    cdef dict words_cache
    cdef Py_ssize_t path_start

    def __dealloc__(self):
        free(self.nodes)

    cdef void push(self, xmlNode* node, str tag, tuple ctx, _Block block) except *:
        cdef Py_ssize_t depth = len(self.tags)
        cdef xmlNode** grown
        if depth == self.capacity:
            grown = <xmlNode**>realloc(self.nodes, 2 * (self.capacity + 16) * sizeof(xmlNode*))
            if grown is NULL:
                raise MemoryError()
            self.nodes = grown
            self.capacity = 2 * (self.capacity + 16)
        self.nodes[depth] = node
        self.tags.append(tag)
        self.contexts.append(ctx)
        self.blocks.append(block)

    @cython.boundscheck(True)
    @cython.wraparound(True)
    cdef str path_words(self, Py_ssize_t upto):
        """``splitters.html._path_words``."""
        cdef list words = self.words
        cdef str text = words[len(words) - 1] if words else ""
        cdef str attributes, own
        cdef Py_ssize_t i
        cdef xmlNode* node
        for i in range(len(words), upto + 1):
            node = self.nodes[i]
            attributes = ""
            if node.properties is not NULL:
                value = _attribute(self.root, node, b"class")
                if value is not None:
                    attributes = value
                value = _attribute(self.root, node, b"id")
                if value is not None:
                    attributes = f"{attributes} {value}"
                value = _attribute(self.root, node, b"role")
                if value is not None:
                    attributes = f"{attributes} {value}"
            if attributes:
                own = self.words_cache.get(attributes)
                if own is None:
                    own = attribute_words(attributes.lower())
                    self.words_cache[attributes] = own
                if own:
                    text = f"{text} {own}" if text else own
            words.append(text)
        return words[upto]

    @cython.boundscheck(True)
    @cython.wraparound(True)
    cdef void flush(self, _Block block) except *:
        """``flush`` of ``splitters.html._found``: the block's text so far, and its facts, to ``found``."""
        cdef list pieces = block.pieces
        cdef dict marks = block.marks
        cdef str text = _collapsed(pieces)
        cdef Py_ssize_t link_chars = 0, emphasis_chars = 0, n, depth, i
        cdef set links
        block.pieces = []
        block.marks = {}
        block.last_br = -1
        if not text:
            return
        if marks:  # ``splitters.html._join``
            links = set()
            for i, (link, emphasis) in marks.items():
                n = _collapsed_length(<str>pieces[i])
                if n:
                    if link:
                        link_chars += n
                        links.add(link)
                    if emphasis:
                        emphasis_chars += n
        depth = block.depth
        if block.path_words is None:
            block.path_words = self.path_words(depth)
        ctx = block.ctx
        n = len(text)
        main_start = 0  # ``splitters.html._main_words_start``
        for i in range(depth, 0, -1):
            if self.tags[i] == "main":
                main_start = len(self.words[i - 1])
                break
        self.found.append(
            (
                text,
                {
                    "tag": block.tag,
                    "path": tuple(self.tags[self.path_start : depth + 1]),
                    "path_words": block.path_words,
                    "heading": ctx[2],
                    "link_chars": link_chars,
                    "text_chars": n,
                    "link_density": <double>link_chars / n,  # true division, as in Python
                    "links": len(links) if marks else 0,
                    "in_list": ctx[5],
                    "list_size": ctx[4],
                    "landmark": ctx[3],
                    "depth": depth + 1 - self.path_start,
                    "group_size": block.group_size,
                    "in_table": ctx[6],
                    "emphasis_chars": emphasis_chars,
                },
                main_start,
            )
        )


cdef str _collapsed(list pieces):
    """``" ".join("".join(pieces).split())``: the pieces' words (runs of characters but
    ``str.split``'s whitespace), one space between two, written once."""
    cdef Py_ssize_t length = 0, words = 0, n, i, at = 0
    cdef Py_UCS4 c, most = 0
    cdef bint inside = False
    cdef int kind, out_kind
    cdef void *chars
    cdef void *out_chars
    cdef str piece
    for piece in pieces:  # how many characters, the widest of them
        length += _words_in(piece, &inside, &words, &most)
    if words == 0:
        return ""
    if words > 1:
        length += words - 1
        most = max(most, 32)
    text = PyUnicode_New(length, most)
    out_kind, out_chars = PyUnicode_KIND(text), PyUnicode_DATA(text)
    inside = False
    words = 0
    for piece in pieces:
        kind, chars, n = PyUnicode_KIND(piece), PyUnicode_DATA(piece), PyUnicode_GET_LENGTH(piece)
        for i in range(n):
            c = PyUnicode_READ(kind, chars, i)
            if Py_UNICODE_ISSPACE(c):
                inside = False
                continue
            if not inside:
                inside = True
                if words:
                    PyUnicode_WRITE(out_kind, out_chars, at, 32)
                    at += 1
                words += 1
            PyUnicode_WRITE(out_kind, out_chars, at, c)
            at += 1
    return text


cdef Py_ssize_t _words_in(str text, bint *inside, Py_ssize_t *words, Py_UCS4 *most) except -1:
    """The characters of ``text`` but ``str.split``'s whitespace; adds the words that begin in it
    to ``words`` (one that goes on from the text before, ``inside`` it, is not counted again) and
    raises ``most`` to its widest such character."""
    cdef Py_ssize_t length = 0, i, n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *chars = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    for i in range(n):
        c = PyUnicode_READ(kind, chars, i)
        if Py_UNICODE_ISSPACE(c):
            inside[0] = False
        else:
            if not inside[0]:
                inside[0] = True
                words[0] += 1
            length += 1
            most[0] = max(most[0], c)
    return length


cdef Py_ssize_t _collapsed_length(str text) except -1:
    """``len(" ".join(text.split()))``."""
    cdef Py_ssize_t words = 0
    cdef bint inside = False
    cdef Py_UCS4 most = 0
    cdef Py_ssize_t length = _words_in(text, &inside, &words, &most)
    return length + max(words - 1, 0)


cdef inline void _add(_Block block, tuple ctx, str text) except *:
    """Add ``text`` to ``block`` (leading whitespace never shows), marked by ``ctx``."""
    cdef list pieces = block.pieces
    if pieces or not text.isspace():
        mark = ctx[7]
        if mark is not None:
            block.marks[len(pieces)] = mark
        pieces.append(text)


cdef dict _sibling_counts(cetree._Element root, xmlNode* parent):
    """(tag, class) -> how many of ``parent``'s child elements have them."""
    cdef dict counts = {}
    cdef xmlNode* child = parent.children
    while child is not NULL:
        if child.type == XML_ELEMENT_NODE:
            key = (_name(child), _attribute(root, child, b"class"))
            counts[key] = counts.get(key, 0) + 1
        child = child.next
    return counts


cdef bint _only_child(xmlNode* parent) noexcept:
    """Whether ``parent`` has one child that lxml counts (``len(parent) == 1``)."""
    cdef xmlNode* child = _next_item(parent.children)
    return child is not NULL and _next_item(child.next) is NULL


cdef bint _is_hidden(cetree._Element root, xmlNode* node, str tag, bint styles, object hidden_style) except -1:
    """``splitters.html._is_hidden`` (the reference) of the element ``node``, its tag ``tag``, its
    attributes read on the node; ``hidden_style`` is that function's ``_HIDDEN_STYLE``."""
    if _find(node, b"hidden") is not NULL or (tag == "dialog" and _find(node, b"open") is NULL):
        return True
    if _find(node, b"aria-hidden") is not NULL:
        if _attribute(root, node, b"aria-hidden").strip().lower() == "true":
            return True
    if styles and _find(node, b"style") is not NULL:
        if hidden_style.search(_attribute(root, node, b"style").lower()):
            return True
    return tag == "input" and (_attribute(root, node, b"type") or "").strip().lower() == "hidden"


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8(object text) except NULL


cdef Py_ssize_t _children_named(xmlNode* parent, tuple names) except -1:
    """How many of ``parent``'s child elements in no namespace have one of the tags ``names``
    (lxml's ``el.iterchildren(*names)``)."""
    cdef Py_ssize_t count = 0
    cdef xmlNode* child = parent.children
    while child is not NULL:
        if child.type == XML_ELEMENT_NODE and (
            child.ns is NULL or child.ns.href is NULL or child.ns.href[0] == 0
        ):
            for name in names:
                if strcmp(<const char*>child.name, PyUnicode_AsUTF8(name)) == 0:
                    count += 1
                    break
        child = child.next
    return count


cdef tuple _context_of(tuple parent, xmlNode* node, str tag, object role, Py_ssize_t link, tuple tables):
    """``splitters.html._context`` (the reference) of the element ``node``, its tag ``tag``, its
    role attribute ``role`` (or None) and ``link`` its id as a link; ``tables`` are the tag and role
    tables that function reads: ``(_EMPHASIS, _HEADINGS, _LISTS, _LANDMARK_TAGS, _LANDMARK_ROLES)``."""
    link_id, emphasis, heading, landmark, list_size, in_list, in_table, _ = parent
    emphases, headings, lists, landmark_tags, landmark_roles = tables
    if tag == "a":
        link_id = link
    elif tag in emphases:
        emphasis = True
    elif tag in headings:
        heading = headings[tag]
    elif tag in lists:
        in_list = True
        list_size = _children_named(node, lists[tag])
    elif tag == "table":
        in_table = True
    if tag in landmark_tags:
        landmark = tag
    if role:
        for token in role.lower().split():
            if token in landmark_roles:
                landmark = landmark_roles[token]
                break
    mark = (link_id, emphasis) if link_id or emphasis else None
    return (link_id, emphasis, heading, landmark, list_size, in_list, in_table, mark)


@cython.boundscheck(True)
@cython.wraparound(True)
def html_walk(
    cetree._Element root not None,
    dict kinds,
    bint styles,
    dict words_cache,
    object hidden_style,
    tuple context_tables,
    tuple root_context,
):
    """Each block's text, facts (a dict) and where the words inside its ``<main>`` begin, in page
    order: ``splitters.html._found`` (the reference), reading ``root``'s libxml2 nodes, with the
    splitter's helpers passed in."""
    cdef _Walk w = _Walk()
    cdef list tags = [], words = [], blocks = [], contexts = []
    cdef xmlNode* top = root._c_node
    cdef xmlNode* node = top
    cdef xmlNode* child
    # depth -> (the open parent's node at that depth, (tag, class) counts of its children or None
    # for an only child)
    cdef dict groups = {}
    cdef tuple counts
    cdef Py_ssize_t depth, links_seen = 0, group_size
    cdef int kind
    cdef bint entered, check
    cdef _Block block
    cdef tuple ctx
    cdef str text, tag
    w.root = root
    w.found = []
    w.tags = tags
    w.words = words
    w.blocks = blocks
    w.contexts = contexts
    w.words_cache = words_cache
    w.path_start = 1 if root.tag == "html" else 0
    while True:
        # the node's "start": an element entered, or a node that only has a tail to show
        entered = False
        if node.type == XML_ELEMENT_NODE:
            tag = _name(node)
            kind = kinds.get(tag, 0)
            depth = len(tags)
            entered = not kind & INVISIBLE
            if entered and depth:
                check = (
                    kind & CHECK
                    or _find(node, b"style") is not NULL
                    or _find(node, b"hidden") is not NULL
                    or _find(node, b"aria-hidden") is not NULL
                    or tag == "input"
                )
                if check:
                    entered = not _is_hidden(root, node, tag, styles, hidden_style)
            if entered:
                if depth:
                    ctx = contexts[depth - 1]
                    block = blocks[depth - 1]
                else:
                    ctx = root_context
                    block = None
                if kind & CONTEXT or _find(node, b"role") is not NULL:
                    if tag == "a":
                        links_seen += 1
                    role = _attribute(root, node, b"role")
                    ctx = _context_of(ctx, node, tag, role, links_seen, context_tables)
                if block is None:
                    block = _Block(tag, ctx, depth, 1)
                elif kind & BLOCK:
                    if block.pieces:
                        w.flush(block)
                    counts = groups.get(depth)
                    if counts is None or counts[0] != <size_t>node.parent:  # first block child of this parent
                        counts = (
                            <size_t>node.parent,
                            None if _only_child(node.parent) else _sibling_counts(root, node.parent),
                        )
                        groups[depth] = counts
                    if counts[1] is None:
                        group_size = 1
                    else:
                        group_size = counts[1][(tag, _attribute(root, node, b"class"))]
                    block = _Block(tag, ctx, depth, group_size)
                elif kind & BR and block.pieces:
                    # A blank line (two <br> with only whitespace between) ends the block.
                    if block.last_br >= 0 and not "".join(block.pieces[block.last_br + 1 :]).strip():
                        w.flush(block)
                    else:
                        block.last_br = len(block.pieces)
                        block.pieces.append("\n")
                w.push(node, tag, ctx, block)
                text = _text(node.children)
                if text:
                    _add(block, ctx, text)
        child = _next_item(node.children) if entered else NULL
        if child is not NULL:
            node = child
            continue
        # the node's "end", and those of the elements it closes
        while True:
            depth = len(tags) - 1
            if depth >= 0 and w.nodes[depth] is node:
                block = blocks[depth]
                if block.depth == depth and block.pieces:
                    w.flush(block)
                del tags[depth], blocks[depth], contexts[depth]
                if len(words) > depth:
                    del words[depth:]
            if node is top:
                return w.found
            if tags:
                text = _text(node.next)
                if text:
                    _add(blocks[len(blocks) - 1], contexts[len(contexts) - 1], text)
            child = _next_item(node.next)
            if child is not NULL:
                node = child
                break
            node = node.parent
