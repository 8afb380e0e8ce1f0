"""Learned theme affinity: a classifier trained on the screen's own candidates ranks the whole market.

The rules find companies whose text or labels *say* a theme. Many companies in a theme say it
only partly (a component maker whose 主营业务 lists products, not the theme word), and about a
quarter of the market has no business text at all. :func:`theme_affinity` learns, per theme, what
the rule candidates look like and scores every company by it:

- **features**: one matrix shared by every theme (:func:`feature_matrix`): the TF-IDF of the
  business text as Chinese words (:attr:`TextIndex.words`, rjieba) and character n-grams and Latin
  words (:attr:`TextIndex.tfidf`), beside the company's industry and concept labels
  (:attr:`TextIndex.labels`), so companies without text are still described;
- **labels**: the theme's qualified candidates are the positives, every other company is
  unlabelled (positive-unlabelled learning: an unlabelled company is not known to be off-theme);
- **model**: L2 logistic regression (scikit-learn, liblinear's dual solver), with balanced class
  weights, BLAS pinned to one thread around the fits;
- **cross-fitting**: the companies are split into ``folds`` stratified folds and each company is
  scored by the model trained without it, so a candidate's affinity does not merely repeat its
  own label, and the non-candidates most like the candidates rise to the top.

The affinity is a separate, explainable signal and never changes a rule score.
:func:`explain_affinity` lists the terms behind one company's affinity: their contributions plus
the model's intercept add up to the logit of the affinity. :func:`affinity_ranking` keeps every
candidate ahead of every non-candidate (candidates by ``score / 100 + affinity``: the rule score
first, the affinity as a second opinion) and appends the non-candidates by affinity: the ones at
its head are the companies worth reviewing that the rules missed (``review``), a list for a human
to read, not an automatic addition.
``benchmarks/quality.py`` measures what this ranking adds against the Eastmoney boards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from npf_screen.ml.text_features import candidate_scores, text_index, theme_candidates, unit_rows

if TYPE_CHECKING:
    from npf_screen.screening.results import ScreenResult

__all__ = [
    "AffinityModel",
    "affinity_ranking",
    "cross_fit",
    "explain_affinity",
    "feature_matrix",
    "fit_affinity",
    "theme_affinity",
]

#: Fewest candidates a theme needs before a model is fitted (fewer: affinity is NaN).
MIN_POSITIVES = 3


@dataclass(frozen=True)
class AffinityModel:
    """One theme's cross-fitted models. Built by :func:`fit_affinity`; do not construct directly.

    Attributes
    ----------
    theme : str
        Theme id.
    codes : numpy.ndarray
        Stock codes, in universe order.
    candidate : numpy.ndarray of bool
        The positives: the theme's qualified candidates.
    affinity : numpy.ndarray of float
        Each company's out-of-fold probability of looking like a candidate (NaN when the theme has
        fewer than :data:`MIN_POSITIVES` candidates).
    fold : numpy.ndarray of int
        Which fold's model scored each company (-1 when no model was fitted).
    coefficients : numpy.ndarray
        One row of feature weights per fold.
    intercepts : numpy.ndarray
        One intercept per fold.
    features : numpy.ndarray
        Feature names: ``main_business:光刻``, ``summary_en:lithography``, ``concept:光刻胶`` …
    matrix : scipy.sparse.csr_matrix
        The features of every company (rows in universe order, columns as ``features``).
    """

    theme: str
    codes: np.ndarray
    candidate: np.ndarray
    affinity: np.ndarray
    fold: np.ndarray
    coefficients: np.ndarray
    intercepts: np.ndarray
    features: np.ndarray
    matrix: Any

    def contributions(self, row: int) -> pd.DataFrame:
        """Feature, value and contribution (weight × value) of one company, largest first."""
        x = self.matrix[row]
        f = int(self.fold[row])
        if f < 0 or x.nnz == 0:
            return pd.DataFrame({"feature": [], "value": [], "contribution": []})
        weights = self.coefficients[f][x.indices]
        out = pd.DataFrame(
            {"feature": self.features[x.indices], "value": x.data, "contribution": weights * x.data}
        )
        return out.sort_values("contribution", ascending=False, kind="stable").reset_index(drop=True)

    def explained(self, row: int, n: int) -> pd.DataFrame:
        """The ``n`` largest contributions (by absolute value) of one company, the rest summed in an
        ``(other features)`` row, and the ``(intercept)`` row: together the logit of its affinity."""
        c = self.contributions(row)
        c = c.reindex(c["contribution"].abs().sort_values(ascending=False, kind="stable").index)
        head, rest = c.head(n), c.iloc[n:]
        extra = [("(other features)", np.nan, float(rest["contribution"].sum()))] if len(rest) else []
        extra.append(("(intercept)", np.nan, float(self.intercepts[int(self.fold[row])])))
        tail = pd.DataFrame(extra, columns=["feature", "value", "contribution"])
        return pd.concat([head, tail], ignore_index=True)


def feature_matrix(result: ScreenResult) -> tuple[Any, np.ndarray]:
    """(every company's features, feature names), built once per universe and shared by every theme.

    The text part joins the Chinese words (:attr:`TextIndex.words`, ``words:光刻胶``) and the
    character n-grams and English words (:attr:`TextIndex.tfidf`), normalised together; beside it the
    label block (:attr:`TextIndex.labels`, ``concept:氢能源``). Rows are in universe order. The matrix
    is cached with the text index, so fitting many themes builds it once.
    """
    return _shared_matrix(text_index(result.universe))


def _shared_matrix(index: Any) -> tuple[Any, np.ndarray]:
    cached = getattr(index, "_affinity_matrix", None)
    if cached is None:
        from scipy import sparse

        words, word_names = index.words
        text, text_names = index.tfidf
        labels, label_names = index.labels
        both = unit_rows(sparse.hstack([words, text], format="csr"))
        matrix = sparse.hstack([both, labels], format="csr")
        matrix.sum_duplicates()  # canonical (sorted, no duplicates): row slices stay canonical
        cached = (
            matrix,
            np.concatenate([word_names, text_names, label_names]),
        )
        index._affinity_matrix = cached
    return cached


def cross_fit(
    matrix: Any,
    y: np.ndarray,
    *,
    folds: int = 5,
    C: float = 1.0,
    random_state: int = 0,
    only: np.ndarray | None = None,
    min_positives: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cross-fitted L2 logistic regression: each row scored by a model trained without its fold.

    liblinear's dual solver (fast when there are far fewer companies than features), with BLAS
    pinned to one thread during the fits (:mod:`threadpoolctl`).

    The folds are stratified (``min(folds, positives, negatives)`` of them). ``only`` (row numbers)
    fits just the folds that score those rows; the others keep NaN. Fewer than ``min_positives``
    positives, too few negatives for two folds, or no feature at all: nothing is fitted.

    Returns
    -------
    tuple
        (probability per row, NaN where not scored; fold per row, -1 where not scored; one row of
        coefficients per fold; one intercept per fold).
    """
    n, positives = len(y), int(np.sum(y))
    probability = np.full(n, np.nan)
    fold_of = np.full(n, -1, dtype=np.int64)
    k = min(folds, positives, n - positives)
    if k < 2 or positives < min_positives or matrix.shape[1] == 0:
        return probability, fold_of, np.zeros((0, matrix.shape[1])), np.zeros(0)
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    coefficients = np.zeros((k, matrix.shape[1]))
    intercepts = np.zeros(k)
    split = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    with threadpool_limits(limits=1):  # BLAS threads only slow these small fits down (and starve others)
        for f, (train, test) in enumerate(split.split(np.zeros(n), y)):
            if only is not None and not np.isin(test, only).any():
                continue
            model = LogisticRegression(
                C=C,
                class_weight="balanced",
                solver="liblinear",
                dual=True,
                max_iter=2000,
                random_state=random_state,
            )
            x = matrix[train]
            x.has_canonical_format = True  # rows of a canonical CSR matrix: spares sklearn a re-sort
            model.fit(x, y[train])
            coefficients[f], intercepts[f] = model.coef_[0], model.intercept_[0]
            probability[test] = model.predict_proba(matrix[test])[:, 1]
            fold_of[test] = f
    return probability, fold_of, coefficients, intercepts


def fit_affinity(
    result: ScreenResult,
    theme: str,
    *,
    folds: int = 5,
    C: float = 1.0,
    random_state: int = 0,
    only: np.ndarray | None = None,
) -> AffinityModel:
    """Fit one theme's cross-fitted affinity models (see the module docstring).

    Parameters
    ----------
    result : ScreenResult
        A screen that includes ``theme``.
    theme : str
        Theme id.
    folds : int
        Number of cross-fitting folds (at least 2; fewer when the theme has fewer candidates).
    C : float
        Inverse L2 regularisation strength of the logistic regression.
    random_state : int
        Seed of the fold split, so the affinity is reproducible.
    only : numpy.ndarray, optional
        Universe rows whose affinity is wanted: only the folds scoring them are fitted (the
        others' affinity stays NaN). Their values equal those of a full fit.

    Raises
    ------
    UnknownThemeError
        When ``theme`` is not in the result.
    ValueError
        When ``folds`` < 2 or ``C`` <= 0.
    """
    if folds < 2:
        raise ValueError(f"folds={folds}: need at least 2 folds to cross-fit; pass folds=5")
    if not C > 0:
        raise ValueError(f"C={C}: the regularisation strength must be > 0; pass C=1.0")
    _, index, _, rows = theme_candidates(result, theme)
    y = np.zeros(len(index.codes), dtype=np.int8)
    y[rows] = 1
    matrix, features = feature_matrix(result)
    affinity, fold_of, coefficients, intercepts = cross_fit(
        matrix, y, folds=folds, C=C, random_state=random_state, only=only, min_positives=MIN_POSITIVES
    )
    return AffinityModel(
        theme, index.codes, y.astype(bool), affinity, fold_of, coefficients, intercepts, features, matrix
    )


#: Feature blocks that drivers are named from: words and labels, never character fragments (the
#: n-grams still count in the affinity and are listed by :func:`explain_affinity`).
DRIVER_BLOCKS = ("words", "scope_words", "summary_en", "concept", "industry")


_NAMED: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _named_blocks(features: np.ndarray) -> np.ndarray:
    """Which features drivers may name (:data:`DRIVER_BLOCKS`), cached per feature array."""
    hit = _NAMED.get(id(features))
    if hit is None or hit[0] is not features:
        prefix = np.array([f.split(":", 1)[0] for f in features.tolist()], dtype=object)
        hit = (features, np.isin(prefix, DRIVER_BLOCKS))
        _NAMED.clear()
        _NAMED[id(features)] = hit
    return hit[1]


def _drivers(model: AffinityModel, n: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Each company's ``n`` strongest positive word or label contributions, as ``feature (+0.12), …``.

    Only the rows in ``rows`` (default: every company) are named; the others stay ``""``.
    """
    out = np.full(len(model.codes), "", dtype=object)
    wanted = (
        np.ones(len(model.codes), dtype=bool) if rows is None else np.isin(np.arange(len(model.codes)), rows)
    )
    named_block = _named_blocks(model.features)
    for f in range(len(model.intercepts)):
        chosen = np.flatnonzero((model.fold == f) & wanted)
        part = model.matrix[chosen].multiply(np.where(named_block, model.coefficients[f], 0.0)).tocsr()
        for i, row in enumerate(chosen):
            lo, hi = part.indptr[i], part.indptr[i + 1]
            values = part.data[lo:hi]
            named: list[str] = []
            for j in np.argsort(-values, kind="stable"):
                if len(named) == n or values[j] <= 0:
                    break
                feature = str(model.features[part.indices[lo + j]])
                if not any(_overlaps(feature, seen.split(" (+")[0]) for seen in named):
                    named.append(f"{feature} (+{values[j]:.2f})")
            out[row] = ", ".join(named)
    return out


def _overlaps(a: str, b: str) -> bool:
    """Whether two features of one block share a Chinese 2-gram (``料电`` and ``燃料电``)."""
    block_a, _, text_a = a.rpartition(":")
    block_b, _, text_b = b.rpartition(":")
    if block_a != block_b or text_a.isascii() or text_b.isascii():
        return False
    grams = {text_a[i : i + 2] for i in range(len(text_a) - 1)}
    return any(text_b[i : i + 2] in grams for i in range(len(text_b) - 1))


def theme_affinity(
    result: ScreenResult,
    theme: str,
    *,
    folds: int = 5,
    C: float = 1.0,
    random_state: int = 0,
    drivers: int = 3,
) -> pd.DataFrame:
    """Every company's learned affinity to a theme, highest first.

    Parameters
    ----------
    result : ScreenResult
        A screen that includes ``theme``.
    theme : str
        Theme id.
    folds, C, random_state
        See :func:`fit_affinity`.
    drivers : int
        How many of the strongest positive features to name per company (0: none, faster).

    Returns
    -------
    DataFrame
        code, name, affinity (0-1, NaN when the theme has too few candidates), candidate, score
        (the rule score), drivers (``feature (+contribution)``, strongest first); highest affinity
        first.

    Examples
    --------
    >>> from npf_screen import load_sample, screen
    >>> from npf_screen.ml.affinity import theme_affinity
    >>> aff = theme_affinity(screen(load_sample()), "em_hydrogen")
    >>> aff.columns.tolist()
    ['code', 'name', 'affinity', 'candidate', 'score', 'drivers']
    >>> bool(aff.loc[aff["candidate"], "affinity"].mean() > aff.loc[~aff["candidate"], "affinity"].mean())
    True
    """
    if drivers < 0:
        raise ValueError(f"drivers={drivers}: give how many features to name per company, e.g. drivers=3")
    model = fit_affinity(result, theme, folds=folds, C=C, random_state=random_state)
    chosen, index, positions, _ = theme_candidates(result, theme)
    score = candidate_scores(chosen, positions)
    out = pd.DataFrame(
        {
            "code": index.codes,
            "name": index.names,
            "affinity": np.round(model.affinity, 4),
            "candidate": model.candidate,
            "score": score,
        }
    )
    out["drivers"] = _drivers(model, drivers) if drivers else ""
    out = out.sort_values(["affinity", "score", "code"], ascending=[False, False, True], na_position="last")
    return out.reset_index(drop=True)


def affinity_ranking(result: ScreenResult, theme: str, *, review: int = 20, **fit: Any) -> pd.DataFrame:
    """The theme's candidates, then every other company by affinity.

    Candidates are ordered by ``score / 100 + affinity`` (the ``order`` column): the rule score on a
    0-1 scale plus the learned affinity, so two candidates with similar scores are told apart by how
    much they resemble the theme's other candidates. Every candidate stays ahead of every
    non-candidate, whose ``order`` is its affinity alone.

    Parameters
    ----------
    result : ScreenResult
        A screen that includes ``theme``.
    theme : str
        Theme id.
    review : int
        How many of the best non-candidates to flag ``review`` (what the rules may have missed).
    **fit
        Passed to :func:`theme_affinity` (``folds``, ``C``, ``random_state``, ``drivers``).

    Returns
    -------
    DataFrame
        position (1 = best), code, name, candidate, score, affinity, order, review, drivers.

    Examples
    --------
    >>> from npf_screen import load_sample, screen
    >>> from npf_screen.ml.affinity import affinity_ranking
    >>> ranking = affinity_ranking(screen(load_sample()), "em_hydrogen", review=5)
    >>> int(ranking["review"].sum())
    5
    >>> bool(ranking["candidate"].iloc[0]) and not ranking["candidate"].iloc[-1]
    True
    """
    if review < 0:
        raise ValueError(f"review={review}: give how many non-candidates to flag, e.g. review=20")
    aff = theme_affinity(result, theme, **fit)
    affinity = aff["affinity"].fillna(0.0)
    aff["order"] = np.where(aff["candidate"], aff["score"] / 100 + affinity, aff["affinity"].fillna(-1.0))
    aff = aff.sort_values(["candidate", "order", "code"], ascending=[False, False, True])
    aff = aff.reset_index(drop=True)
    outside = np.flatnonzero(~aff["candidate"].to_numpy() & aff["affinity"].notna().to_numpy())
    aff["review"] = False
    aff.loc[outside[:review], "review"] = True
    aff.insert(0, "position", np.arange(1, len(aff) + 1))
    aff["order"] = aff["order"].round(4)
    return aff[["position", "code", "name", "candidate", "score", "affinity", "order", "review", "drivers"]]


def explain_affinity(result: ScreenResult, theme: str, code: str, *, n: int = 10, **fit: Any) -> pd.DataFrame:
    """Why a company has its affinity: the features of the model that scored it.

    The ``contribution`` of every feature the company has (weight × value) plus the ``intercept``
    row add up to the logit of its affinity; the ``n`` largest contributions (by absolute value)
    are listed, and the rest are summed in one ``(other features)`` row, so the rows always add up.

    Parameters
    ----------
    result : ScreenResult
        A screen that includes ``theme``.
    theme : str
        Theme id.
    code : str
        The company.
    n : int
        How many features to list by name.
    **fit
        Passed to :func:`fit_affinity`.

    Returns
    -------
    DataFrame
        feature, value, contribution; the logit and affinity are in ``.attrs``.

    Raises
    ------
    UnknownCompanyError
        When ``code`` is not in the universe.

    Examples
    --------
    >>> from npf_screen import load_sample, screen
    >>> from npf_screen.ml.affinity import explain_affinity
    >>> rows = explain_affinity(screen(load_sample()), "em_hydrogen", "688339")
    >>> bool(abs(rows["contribution"].sum() - rows.attrs["logit"]) < 1e-9)
    True
    """
    if n < 0:
        raise ValueError(f"n={n}: give how many features to list by name, e.g. n=10")
    row = text_index(result.universe).position(code)
    model = fit_affinity(result, theme, only=np.array([row]), **fit)
    columns = ["feature", "value", "contribution"]
    f = int(model.fold[row])
    if f < 0:
        out = pd.DataFrame(columns=columns)
        out.attrs.update(logit=float("nan"), affinity=float("nan"))
        return out
    out = model.explained(row, n)[columns]
    logit = float(out["contribution"].sum())
    out.attrs.update(logit=logit, affinity=float(model.affinity[row]))
    return out
