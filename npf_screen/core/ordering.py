"""Sorting rows by several keys fast: :func:`lex_order` is :func:`numpy.lexsort` with the keys
packed into one integer when their ranges allow.

``np.lexsort`` makes one indirect pass per key; four keys over 150,000 rows take about 40 ms.
Packed into one int64 key with the row number as the last digit, the keys are all distinct and a
plain (SIMD) ``np.sort`` of the values gives the same stable order in about 1 ms. Float keys are
replaced by their dense ranks first, which keeps the order exactly: ``pandas.factorize`` with
``sort=True`` hashes the values and sorts only the distinct ones (about 1 ms for 100,000 rows,
against about 4.5 ms for ``np.unique``, which sorts them all).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["lex_order", "run_starts"]

_LIMIT = 2**62


def _codes(key: np.ndarray) -> tuple[np.ndarray, int]:
    """(non-negative int64 codes ordered like ``key``, how many distinct code values); for an
    integer key wider than :data:`_LIMIT` the codes are meaningless and only the size counts."""
    if key.dtype.kind in "biu":
        low, high = int(key.min()), int(key.max())
        if high - low + 1 >= _LIMIT:
            return key, high - low + 1
        return key.astype("int64") - low, high - low + 1
    # + 0.0 makes -0.0 into 0.0 (equal keys, one rank); NaN ranks last, as np.lexsort puts it
    codes, values = pd.factorize(key.reshape(-1) + 0.0, sort=True, use_na_sentinel=False)
    return codes.astype("int64", copy=False), len(values)


def lex_order(keys: tuple[np.ndarray, ...] | list[np.ndarray]) -> np.ndarray:
    """The permutation ``np.lexsort(keys)`` returns (last key primary, stable), computed faster.

    Keys are packed, primary first, into as few int64 keys as their ranges allow; a key too wide to
    share an int64 stays a key of its own. One packed key with room for the row number is sorted as
    plain values (``np.sort``, the row number breaking ties); otherwise a stable sort is used.

    Parameters
    ----------
    keys : sequence of 1-d arrays of one length
        Integer, boolean or float keys; the last is the primary key, as for ``np.lexsort``.

    Returns
    -------
    ndarray of int64
        Row indices in sorted order.

    Examples
    --------
    >>> import numpy as np
    >>> points = np.array([2.5, 1.0, 2.5, 4.0])
    >>> group = np.array([1, 0, 1, 1])
    >>> lex_order((-points, group)).tolist()
    [1, 3, 0, 2]
    """
    keys = [np.asarray(k) for k in keys]
    if not keys:
        raise ValueError("lex_order needs at least one key")
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype="int64")
    packed_keys: list[np.ndarray] = []  # primary first
    packed, span = np.zeros(n, dtype="int64"), 1
    for key in reversed(keys):
        codes, size = _codes(key)
        if span * size >= _LIMIT and span > 1:  # full: start the next packed key
            packed_keys.append(packed)
            packed, span = np.zeros(n, dtype="int64"), 1
        if size >= _LIMIT:  # too wide to pack: a key of its own, as it is
            packed_keys.append(key)
            continue
        packed = packed * size + codes
        span *= size
    if span > 1 or not packed_keys:
        packed_keys.append(packed)
    if len(packed_keys) > 1:
        return np.lexsort(packed_keys[::-1])
    bits = max(n - 1, 1).bit_length()  # the row number in the low bits: a mask takes it back out
    if packed_keys[0] is packed and span << bits < _LIMIT:  # room for it: plain values, distinct
        return np.sort(packed << bits | np.arange(n, dtype="int64")) & ((1 << bits) - 1)
    return np.argsort(packed_keys[0], kind="stable")


def run_starts(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values in ``keys`` begins (for rows sorted by ``keys``: the first row
    of each key).

    Examples
    --------
    >>> import numpy as np
    >>> run_starts(np.array([3, 3, 5, 7, 7, 7])).tolist()
    [0, 2, 3]
    """
    if not len(keys):
        return np.zeros(0, dtype="int64")
    return np.r_[0, np.flatnonzero(keys[1:] != keys[:-1]) + 1]
