# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The compiled hot path of classifying (``pageparts.scoring._speedups``), built from this file by Cython.

Each function computes what its pure-Python reference computes, with the same floating-point
operations in the same order (``pageparts.scoring.speedups`` says which reference, and dispatches): the
model's scores are bit-identical, so no label or confidence moves. The extension is compiled
with floating-point contraction off (setup.py), so ``a * b + c`` is never fused into one
rounding. Callers check shapes and index ranges before calling (``pageparts.scoring.speedups``): the
loops here do not.
"""

from cpython.object cimport PyObject_GenericSetAttr
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    PyUnicode_DATA,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_READ,
)
from libc.stdint cimport INT32_MIN, int32_t, int64_t, uint8_t, uint32_t
from libc.stdlib cimport free, malloc, qsort, realloc

import numpy as np

VERSION = 4
"""Raised whenever a function here changes; ``pageparts.scoring.speedups`` refuses an extension built from
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
                if Py_UNICODE_ISALNUM(c) or c == 95:
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
            qsort(keys + total, count, sizeof(int64_t), _compare_int64)
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


cdef enum:
    MOST_HEADS = 16
    MOST_HEAD = 4  # leads.MOST_HEAD
    MOST_AFTER = 3  # leads.ENOUGH
    TABLE_MASK = 0xFFFF  # leads.TABLE_SIZE - 1


cdef struct Head:
    int classes[MOST_HEAD]
    Py_UCS4 literal[MOST_AFTER]
    int n_classes
    int n_literal
    bint boundary


cdef inline bint _is_word(Py_UCS4 c) noexcept:
    return Py_UNICODE_ISALNUM(c) or c == 95


def lead_matches(object pattern, str text, const uint8_t[::1] table, list heads):
    """``list(pattern.finditer(text))``, with ``pattern`` tried only where one of its leads
    (``leads.leads``) occurs: where ``table`` has bit ``k - 1`` set at the hash of the next ``k``
    characters (``leads.hash_chars``), or bit ``k + 2`` and no word character comes before, or where one of ``heads`` (classes: 1 a decimal digit, 2 a
    word character; then a literal; and whether a word boundary comes first) begins. A match ends
    where the next may begin, as in ``finditer``."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), p, q, end = 0, count = len(heads)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *chars = PyUnicode_DATA(text)
    cdef Head found[MOST_HEADS]
    cdef Head *h
    cdef Py_UCS4 c0, c1, c2, c
    cdef uint32_t h1, h2, h3
    cdef bint candidate, fits, digit = False
    cdef uint8_t bits
    cdef int i, j
    cdef list matches = []
    if table.shape[0] != TABLE_MASK + 1:
        raise ValueError(f"a lead table of {table.shape[0]} entries")
    if count > MOST_HEADS:
        raise ValueError(f"{count} leads with a head")
    for i in range(count):
        classes, literal, boundary = heads[i]
        if not 0 < len(classes) <= MOST_HEAD or len(literal) > MOST_AFTER:
            raise ValueError(f"a lead of {len(classes)} classes and {len(literal)} characters")
        found[i].n_classes = len(classes)
        for j in range(len(classes)):
            found[i].classes[j] = classes[j]
        found[i].n_literal = len(literal)
        for j in range(len(literal)):
            found[i].literal[j] = literal[j]
        found[i].boundary = boundary
    match = pattern.match
    for p in range(n):
        if p < end:
            continue
        c0 = PyUnicode_READ(kind, chars, p)
        h1 = <uint32_t> c0
        bits = table[h1 & TABLE_MASK] & 0x09
        if p + 1 < n:
            c1 = PyUnicode_READ(kind, chars, p + 1)
            h2 = h1 * 31 + <uint32_t> c1
            bits |= table[h2 & TABLE_MASK] & 0x12
            if p + 2 < n:
                c2 = PyUnicode_READ(kind, chars, p + 2)
                h3 = h2 * 31 + <uint32_t> c2
                bits |= table[h3 & TABLE_MASK] & 0x24
        # bits 3-5: a lead that follows a \b and begins with a word character, so not after one
        candidate = (bits & 0x07) or (bits and not (p > 0 and _is_word(PyUnicode_READ(kind, chars, p - 1))))
        i = 0
        if not candidate and count and _is_word(c0):  # every head begins with a word character
            digit = Py_UNICODE_ISDECIMAL(c0)
        else:
            i = count
        while not candidate and i < count:
            h = &found[i]
            i += 1
            if (h.classes[0] == 1 and not digit) or p + h.n_classes + h.n_literal > n:
                continue
            if h.boundary and p > 0 and _is_word(PyUnicode_READ(kind, chars, p - 1)):
                continue
            fits = True
            for j in range(1, h.n_classes):
                c = PyUnicode_READ(kind, chars, p + j)
                if not (Py_UNICODE_ISDECIMAL(c) if h.classes[j] == 1 else _is_word(c)):
                    fits = False
                    break
            q = p + h.n_classes
            for j in range(h.n_literal):
                if not fits:
                    break
                fits = PyUnicode_READ(kind, chars, q + j) == h.literal[j]
            candidate = fits
        if candidate:
            m = match(text, p)
            if m is not None:
                matches.append(m)
                end = m.end()
    return matches
