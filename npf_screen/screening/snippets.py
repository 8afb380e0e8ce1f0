"""Evidence snippets: a matched term in its context, as ``…left【term】right…``.

One builder for every snippet the package shows: :func:`snippet` for one text, and
:func:`snippets` for many rows at once over a code-point buffer (no Python string per snippet:
the UTF-8 bytes and offsets are built as arrays; the same term at the same place built once),
used by ``ScreenResult.evidence``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["CONTEXT", "snippet", "snippets"]

#: Characters of context shown on each side of the term.
CONTEXT = 14
_ELLIPSIS, _OPEN, _CLOSE = ord("…"), ord("【"), ord("】")


def snippet(text: str, start: int, length: int, context: int = CONTEXT) -> str:
    """``text[start:start + length]`` marked with 【】, with up to ``context`` characters each side.

    Examples
    --------
    >>> snippet("公司主要从事光刻机零部件的研发与生产", 6, 3, context=4)
    '…主要从事【光刻机】零部件的…'
    >>> snippet("光刻机", 0, 3)
    '【光刻机】'
    """
    left = max(0, start - context)
    right = min(len(text), start + length + context)
    return (
        ("…" if left else "")
        + text[left:start]
        + "【"
        + text[start : start + length]
        + "】"
        + text[start + length : right]
        + ("…" if right < len(text) else "")
    )


def snippets(
    codes: np.ndarray,
    text_start: np.ndarray,
    text_length: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    context: int = CONTEXT,
) -> pa.LargeStringArray:
    """:func:`snippet` for many rows, vectorised: an arrow string array (``""`` where ``start`` < 0).

    Rows that show the same term at the same place are built once.

    Parameters
    ----------
    codes : ndarray of uint32
        Code points of all the texts, one after the other.
    text_start, text_length : ndarray of int
        Per row: where its text starts in ``codes`` and how long it is.
    start, length : ndarray of int
        Per row: the term's position in its text (negative: no snippet) and its length.

    Examples
    --------
    >>> text = "公司主要从事光刻机零部件的研发与生产"
    >>> buffer = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    >>> at = np.array([0, 0])
    >>> snippets(buffer, at, np.array([18, 18]), np.array([6, -1]), np.array([3, 0]), context=4).to_pylist()
    ['…主要从事【光刻机】零部件的…', '']
    """
    shown = start >= 0
    key = np.where(shown, (text_start + start) * (int(length.max(initial=0)) + 1) + length, -1)
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    rows = first[unique >= 0]
    start, length, text_start, text_length = start[rows], length[rows], text_start[rows], text_length[rows]
    left = np.maximum(0, start - context)
    right = np.minimum(text_length, start + length + context)
    lead = (left > 0).astype("int64")
    tail = (right < text_length).astype("int64")
    size = lead + (right - left) + 2 + tail
    ends = np.cumsum(size)
    begins = ends - size
    # The source of every output character is one running sum (the last text character emitted so
    # far): +1 per text character, +0 on a mark, and at each row's first position a jump to its window.
    step = np.ones(int(ends[-1]) if len(ends) else 0, dtype="int64")
    opens_text = (lead == 0) & (start > left)  # the row's first character is text, not "…" or "【"
    first_value = text_start + left - 1 + opens_text
    last_value = text_start + right - 1
    open_at = begins + lead + (start - left)
    close_at = open_at + 1 + length
    tails = ends[tail == 1] - 1
    step[open_at] = 0
    step[close_at] = 0
    step[tails] = 0
    step[begins] = first_value - np.r_[0, last_value[:-1]]
    out = codes[np.clip(np.cumsum(step), 0, None)] if len(step) else np.zeros(0, dtype=np.uint32)
    out[open_at], out[close_at] = _OPEN, _CLOSE
    out[begins[lead == 1]] = _ELLIPSIS
    out[tails] = _ELLIPSIS
    # UTF-8 bytes and each snippet's byte offsets, without a Python string per snippet; entry 0 is ""
    data = out.tobytes().decode("utf-32-le").encode("utf-8")
    byte_end = np.cumsum(1 + (out >= 0x80) + (out >= 0x800) + (out >= 0x10000), dtype="int64")
    offsets = np.r_[0, 0, byte_end[ends - 1]].astype("int64")
    built = pa.LargeStringArray.from_buffers(len(ends) + 1, pa.py_buffer(offsets), pa.py_buffer(data))
    at = np.where(unique >= 0, np.cumsum(unique >= 0), 0)  # position in ``built`` of each unique key
    return built.take(pa.array(at[inverse.reshape(-1)]))
