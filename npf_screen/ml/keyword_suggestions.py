"""Keyword suggestions: features of a theme's best rule matches that the other companies lack.

:func:`suggest_keywords` contrasts the document frequencies of the features of
:mod:`npf_screen.ml.text_features` (Chinese 2-4-grams and Latin words of 主营业务, products and the
English summary) between a theme's top candidates and the non-candidates, and proposes the most
distinctive ones, grown to whole words and with example snippets, for a human to review before
adding them to the rules.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from npf_screen.ml.text_features import theme_candidates
from npf_screen.rules.model import normalize_term

if TYPE_CHECKING:
    from npf_screen.screening.results import ScreenResult

__all__ = ["suggest_keywords"]


def _rule_terms(result: ScreenResult, theme: str) -> set[str]:
    t = result.themes[theme]
    terms = {normalize_term(x) for g in t.keywords for x in g.terms}
    terms |= {normalize_term(x) for e in t.exclusions for x in e.terms}
    return {unicodedata.normalize("NFKC", x) for x in terms if x}


def suggest_keywords(result: ScreenResult, theme: str, n: int = 20, top_k: int = 30) -> pd.DataFrame:
    """Candidate keywords for a theme: features of its best matches that the other companies lack.

    The theme's top-``top_k`` candidates with business text are contrasted with every company that
    is not a candidate of the theme. Each feature (Chinese 2-4-gram or Latin word) is ranked by
    the z-score of its log-odds ratio between the two groups (document frequency, add-½
    smoothing); features used by at least one in twenty of the other companies are boilerplate and
    left out, and so is the formulaic 经营范围 (see :data:`SUGGESTION_FIELDS`). Chinese suggestions
    have at least 3 characters (2-character fragments make noisy rules). Features that overlap a
    term already in the theme's rules (either contains the other) are left out; an n-gram is grown
    a character at a time while most of its uses agree (``半导体材`` → ``半导体材料``), and of
    overlapping n-grams only the first is kept. The output is for a human to read, not to paste:
    check the examples.

    Parameters
    ----------
    result : ScreenResult
        A screen that includes ``theme``.
    theme : str
        Theme id.
    n : int
        How many suggestions.
    top_k : int
        How many of the theme's best candidates describe it.

    Returns
    -------
    DataFrame
        term, z (log-odds z-score), in_top (companies among the top matches using it), top_share,
        in_rest (non-candidates using it: what adding it would bring in), example (one snippet
        from a top match, with its code and name).

    Examples
    --------
    >>> from npf_screen import load_sample, screen
    >>> from npf_screen import suggest_keywords
    >>> result = screen(load_sample(), lines=["choke_point"])
    >>> suggest_keywords(result, "cp_lithography", n=5).columns.tolist()
    ['term', 'z', 'in_top', 'top_share', 'in_rest', 'example']
    """
    _, index, _, rows = theme_candidates(result, theme)
    columns = ["term", "z", "in_top", "top_share", "in_rest", "example"]
    described = np.array([bool(d) for d in index.descriptions], dtype=bool)
    top = np.array([r for r in rows if described[r]][:top_k], dtype="int64")
    if not len(top):
        return pd.DataFrame(columns=columns)
    rest = np.ones(len(index.codes), dtype=bool)
    rest[rows] = False
    rest &= described
    matrix, features = index.counts
    a = np.asarray(matrix[top].sum(axis=0)).ravel().astype("float64")
    b = np.asarray(matrix[np.flatnonzero(rest)].sum(axis=0)).ravel().astype("float64")
    p_n, r_n = float(len(top)), float(rest.sum())
    z = _log_odds_z(a, p_n, b, r_n)
    common = 0.05 * r_n  # a feature of one company in twenty elsewhere is boilerplate, not vocabulary
    keep = (a >= max(2.0, 0.1 * p_n)) & (z > 0) & (b < common)
    existing = _rule_terms(result, theme)
    top_docs = [index.descriptions[r] for r in top]
    rest_docs = [index.descriptions[r] for r in np.flatnonzero(rest)]
    picked: list[tuple[str, float, int, int, int]] = []
    for i in np.argsort(-z)[: 40 * n]:
        if not keep[i]:
            continue
        term = _extend(str(features[i]), top_docs)
        if term[0] in _FUNCTION_CHARS or term[-1] in _FUNCTION_CHARS:
            continue
        if not _ASCII_TERM.match(term) and len(term) < 3:
            continue
        if any(t in term or term in t for t in existing) or any(_overlap(term, p[0]) for p in picked):
            continue
        holders = [int(r) for r, d in zip(top, top_docs, strict=True) if _contains(d, term)]
        a_t, b_t = float(len(holders)), float(sum(_contains(d, term) for d in rest_docs))
        if b_t >= common:
            continue
        picked.append((term, _log_odds_z(a_t, p_n, b_t, r_n), len(holders), int(b_t), holders[0]))
        if len(picked) == n:
            break
    picked.sort(key=lambda p: -p[1])
    return pd.DataFrame(
        {
            "term": [p[0] for p in picked],
            "z": [round(p[1], 2) for p in picked],
            "in_top": [p[2] for p in picked],
            "top_share": [round(p[2] / p_n, 3) for p in picked],
            "in_rest": [p[3] for p in picked],
            "example": [f"{index.codes[r]} {index.names[r]}: {index.snippet(r, t)}" for t, *_, r in picked],
        },
        columns=columns,
    )


_FUNCTION_CHARS = frozenset("的和及与等或并其了之")
_ASCII_TERM = re.compile(r"^[a-z0-9]+$")


def _log_odds_z(a: Any, p_n: float, b: Any, r_n: float, alpha: float = 0.5) -> Any:
    """z-score of the smoothed log-odds ratio of a feature's document frequency in two groups."""
    delta = np.log((a + alpha) / (p_n - a + alpha)) - np.log((b + alpha) / (r_n - b + alpha))
    var = 1 / (a + alpha) + 1 / (p_n - a + alpha) + 1 / (b + alpha) + 1 / (r_n - b + alpha)
    return delta / np.sqrt(var)


def _contains(doc: str, term: str) -> bool:
    if _ASCII_TERM.match(term):
        return re.search(rf"(?<![a-z0-9]){term}(?![a-z0-9])", doc) is not None
    return term in doc


def _overlap(a: str, b: str) -> bool:
    """Whether two terms nest, or share all but one character (``半导体材`` / ``导体材料``)."""
    if a in b or b in a:
        return True
    size = min(len(a), len(b)) - 1
    return size >= 2 and any(a[i : i + size] in b for i in range(len(a) - size + 1))


def _extend(term: str, docs: list[str], share: float = 0.8, longest: int = 8) -> str:
    """Grow a Chinese n-gram by one character at a time while ``share`` of its uses agree."""
    if _ASCII_TERM.match(term):
        return term
    while len(term) < longest:
        using = [d for d in docs if term in d]
        grown = False
        for side in (1, -1):
            counts: dict[str, int] = {}
            for d in using:
                start = d.find(term)
                pos = start + len(term) if side == 1 else start - 1
                if 0 <= pos < len(d) and "\u3400" <= d[pos] <= "\u9fff":
                    counts[d[pos]] = counts.get(d[pos], 0) + 1
            if counts:
                char, count = max(counts.items(), key=lambda kv: kv[1])
                if count >= share * len(using):
                    term = term + char if side == 1 else char + term
                    grown = True
                    break
        if not grown:
            break
    return term
