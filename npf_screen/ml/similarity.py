"""Text similarity over business descriptions: a second, explainable signal beside the rules.

Similarities are cosines of the TF-IDF vectors of :mod:`npf_screen.ml.text_features` (character
n-grams of the Chinese texts and Latin words, one block per kind of text).

- :func:`similar_companies`: the companies whose business text is closest to one company's.
- :func:`theme_similarity`: every company's similarity to the centroid of a theme's best rule
  matches, with the closest of those matches and the features they share (why it is close).
- :func:`suggest_keywords` (:mod:`npf_screen.ml.keyword_suggestions`): features that separate a
  theme's best matches from the non-candidates, with example snippets, for a human to review
  before adding them to the rules.

The text index and its cache live in :mod:`npf_screen.ml.text_features`. Companies without business
text have no vector: their similarity is ``NaN``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from npf_screen.ml.text_features import (
    candidate_scores,
    text_index,
    theme_candidates,
)

if TYPE_CHECKING:
    from npf_screen.screening.results import ScreenResult

__all__ = [
    "similar_companies",
    "theme_similarity",
]


def _universe_of(data: pd.DataFrame | ScreenResult) -> pd.DataFrame:
    return data if isinstance(data, pd.DataFrame) else data.universe


def _shared(row: Any, other: np.ndarray, features: np.ndarray, n: int = 4) -> str:
    """The features contributing most to the cosine of a sparse row and a dense vector."""
    if row.nnz == 0:
        return ""
    contrib = row.data * other[row.indices]
    words: dict[str, None] = {}
    for i in np.argsort(-contrib):
        if contrib[i] <= 0 or len(words) == n:
            break
        words[str(features[row.indices[i]]).split(":", 1)[1]] = None
    return ", ".join(words)


def similar_companies(universe: pd.DataFrame | ScreenResult, code: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` companies whose business text is most similar to ``code``'s.

    Parameters
    ----------
    universe : DataFrame or ScreenResult
        A canonical universe (or a screen result, whose universe is used).
    code : str
        The company to compare with.
    n : int
        How many to return.

    Returns
    -------
    DataFrame
        code, name, similarity (cosine, 0-1), shared (the n-grams/words contributing most),
        best first. Empty when ``code`` has no business text.

    Raises
    ------
    UnknownCompanyError
        When ``code`` is not in the universe.

    Examples
    --------
    >>> from npf_screen import load_sample
    >>> from npf_screen.ml.similarity import similar_companies
    >>> similar_companies(load_sample(), "688630", n=3).columns.tolist()
    ['code', 'name', 'similarity', 'shared']
    """
    index = text_index(_universe_of(universe))
    row = index.position(code)
    columns = ["code", "name", "similarity", "shared"]
    if not index.has_text[row]:
        return pd.DataFrame(columns=columns)
    matrix, features = index.tfidf
    target = matrix[row]
    sims = np.asarray((matrix @ target.T).todense()).ravel()
    sims[row] = -1.0
    sims[~index.has_text] = -1.0
    order = [i for i in np.argsort(-sims, kind="stable")[:n] if sims[i] > 0]
    dense = np.asarray(target.todense()).ravel()
    return pd.DataFrame(
        {
            "code": index.codes[order],
            "name": index.names[order],
            "similarity": sims[order].round(4),
            "shared": [_shared(matrix[i], dense, features) for i in order],
        },
        columns=columns,
    )


def theme_similarity(result: ScreenResult, theme: str, k: int = 10) -> pd.DataFrame:
    """Every company's text similarity to the centroid of a theme's ``k`` best rule matches.

    The seeds are the theme's top-``k`` candidates that have business text. The similarity is the
    cosine between a company's TF-IDF vector and the (unit-length) mean of the seeds' vectors;
    ``closest_seed`` names the seed most like the company and ``shared`` the features that
    contribute most to the similarity, so every figure can be checked by reading the texts.

    Parameters
    ----------
    result : ScreenResult
        A screen that includes ``theme``.
    theme : str
        Theme id.
    k : int
        Number of seed companies.

    Returns
    -------
    DataFrame
        code, name, similarity (NaN without business text or without seeds), candidate, score,
        seed, closest_seed, closest_similarity, shared; most similar first.

    Examples
    --------
    >>> from npf_screen import load_sample, screen
    >>> from npf_screen.ml.similarity import theme_similarity
    >>> result = screen(load_sample(), lines=["choke_point"])
    >>> sims = theme_similarity(result, "cp_lithography", k=5)
    >>> bool(sims["seed"].sum() <= 5)
    True
    """
    chosen, index, positions, rows = theme_candidates(result, theme)
    n = len(index.codes)
    seeds = [r for r in rows if index.has_text[r]][:k]
    score = candidate_scores(chosen, positions)
    candidate = np.zeros(n, dtype=bool)
    candidate[rows] = True
    is_seed = np.zeros(n, dtype=bool)
    is_seed[seeds] = True
    sims = np.full(n, np.nan)
    closest = np.full(n, "", dtype=object)
    closest_sim = np.full(n, np.nan)
    shared = np.full(n, "", dtype=object)
    if seeds:
        matrix, features = index.tfidf
        centroid = np.asarray(matrix[seeds].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        centroid = centroid / norm if norm > 0 else centroid
        sims = np.where(index.has_text, matrix @ centroid, np.nan)
        per_seed = np.asarray((matrix @ matrix[seeds].T).todense())
        best = per_seed.argmax(axis=1)
        labels = np.array([f"{index.codes[s]} {index.names[s]}" for s in seeds], dtype=object)
        closest = np.where(index.has_text, labels[best], "")
        closest_sim = np.where(index.has_text, per_seed[np.arange(n), best], np.nan)
        for i in np.flatnonzero(index.has_text & (sims > 0)):
            shared[i] = _shared(matrix[i], centroid, features)
    out = pd.DataFrame(
        {
            "code": index.codes,
            "name": index.names,
            "similarity": np.round(sims, 4),
            "candidate": candidate,
            "score": score,
            "seed": is_seed,
            "closest_seed": closest,
            "closest_similarity": np.round(closest_sim, 4),
            "shared": shared,
        }
    )
    out = out.sort_values(["similarity", "score", "code"], ascending=[False, False, True], na_position="last")
    return out.reset_index(drop=True)
