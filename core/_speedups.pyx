# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The compiled hot path of classifying (``pageparts._speedups``), built from this file by Cython.

Each function computes what its pure-Python reference computes, with the same floating-point
operations in the same order (``pageparts.speedups`` says which reference, and dispatches): the
model's scores are bit-identical, so no label or confidence moves. The extension is compiled
with floating-point contraction off (setup.py), so ``a * b + c`` is never fused into one
rounding. Callers check shapes and index ranges before calling (``pageparts.speedups``): the
loops here do not.
"""

from cpython.object cimport PyObject_GenericSetAttr
from libc.stdint cimport int64_t, uint8_t
from libc.stdlib cimport free, malloc

import numpy as np

VERSION = 2
"""Raised whenever a function here changes; ``pageparts.speedups`` refuses an extension built from
another version of this file (a stale build) and runs the pure-Python path."""

ctypedef fused real:
    float
    double


cdef struct Node:
    double threshold
    double value
    int64_t child[2]
    int64_t feature
    uint8_t leaf
    uint8_t missing_right


cdef enum:
    ROWS = 8  # rows walked down a tree side by side, so that their steps overlap in the processor


def forest_raw(
    const real[:, ::1] X,
    const int64_t[::1] roots,
    const int64_t[::1] feature,
    const double[::1] threshold,
    const int64_t[::1] children,
    const uint8_t[::1] is_leaf,
    const uint8_t[::1] missing_right,
    const double[::1] value,
    double baseline,
):
    """The raw score of each row of ``X``: ``baseline`` plus each tree's leaf value, tree after
    tree (``model_format.Trees.raw``). A row goes right where its value is greater than the
    node's threshold, and where it is missing (NaN) as ``missing_right`` says."""
    cdef Py_ssize_t n = X.shape[0], trees = roots.shape[0], nodes = is_leaf.shape[0]
    cdef Py_ssize_t i, t, k, first, count
    cdef int64_t at[ROWS]
    cdef const Node *step
    cdef bint moved
    cdef double x
    out = np.full(n, baseline, dtype=np.float64)
    cdef double[::1] raw = out
    # the nodes as one array of records: a step reads one record, not five arrays
    cdef Node *table = <Node *> malloc(max(nodes, 1) * sizeof(Node))
    if table == NULL:
        raise MemoryError()
    try:
        with nogil:
            for i in range(nodes):
                table[i].threshold = threshold[i]
                table[i].value = value[i]
                table[i].child[0] = children[2 * i]
                table[i].child[1] = children[2 * i + 1]
                table[i].feature = feature[i]
                table[i].leaf = is_leaf[i]
                table[i].missing_right = missing_right[i]
            # tree after tree, so that each row's leaf values are added in the trees' order
            for t in range(trees):
                first = 0
                while first < n:
                    count = min(ROWS, n - first)
                    for k in range(count):
                        at[k] = roots[t]
                    moved = True
                    while moved:
                        moved = False
                        for k in range(count):
                            step = &table[at[k]]
                            if not step.leaf:
                                x = X[first + k, step.feature]
                                if x != x:
                                    at[k] = step.child[step.missing_right]
                                else:
                                    at[k] = step.child[x > step.threshold]
                                moved = True
                    for k in range(count):
                        raw[first + k] = raw[first + k] + table[at[k]].value
                    first += ROWS
    finally:
        free(table)
    return out


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


def model_votes(object vote_class, str plugin, str label, str prefix, list probabilities, str source):
    """``vote_class(plugin, i, label, p, prefix + f"{p:.2f}", source)`` for each probability ``p``
    of ``probabilities`` (Python floats), block ``i`` in turn: the votes ``ModelStore.votes``
    casts. The frozen dataclass's fields are set as its own ``__init__`` sets them
    (``object.__setattr__``), without running that ``__init__``'s Python code."""
    cdef Py_ssize_t i
    cdef list votes = []
    cdef object vote, p
    new = vote_class.__new__
    for i, p in enumerate(probabilities):
        vote = new(vote_class)
        PyObject_GenericSetAttr(vote, "plugin", plugin)
        PyObject_GenericSetAttr(vote, "block", i)
        PyObject_GenericSetAttr(vote, "label", label)
        PyObject_GenericSetAttr(vote, "score", p)
        PyObject_GenericSetAttr(vote, "reason", f"{prefix}{p:.2f}")
        PyObject_GenericSetAttr(vote, "source", source)
        votes.append(vote)
    return votes


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
