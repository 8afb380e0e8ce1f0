"""Text similarity over business descriptions: a second, explainable signal beside the rules.

Company documents are the business text of the canonical table (``main_business``, ``products``,
``business_scope``, ``summary_en``). They are turned into features without a Chinese word segmenter:
character n-grams inside runs of Chinese characters (``光刻机`` → ``光刻``, ``刻机``, ``光刻机``) and
whole lower-case words for Latin text (``igbt``, ``lithography``; English stop words dropped). A
TF-IDF matrix of those features (sublinear tf) gives cosine similarities; the short Chinese 主营业务,
the formulaic 经营范围 and the long English summary are separate blocks of the matrix (see
:data:`BLOCKS`), each normalised on its own, so one long text does not drown the others.

- :func:`similar_companies`: the companies whose business text is closest to one company's.
- :func:`theme_similarity`: every company's similarity to the centroid of a theme's best rule
  matches, with the closest of those matches and the features they share (why it is close).
- :func:`suggest_keywords`: features that separate a theme's best matches from the non-candidates,
  with example snippets, for a human to review before adding them to the rules.

scikit-learn is imported only when an index is first built. Fitted indexes are cached per universe
object (the cache assumes the frame is not modified in place; :func:`clear_cache` empties it).
Companies without business text have no vector: their similarity is ``NaN``.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import UnknownCompanyError
from .rules import normalize_term

if TYPE_CHECKING:
    from .results import ScreenResult

__all__ = [
    "TEXT_FIELDS",
    "TextIndex",
    "clear_cache",
    "similar_companies",
    "suggest_keywords",
    "text_index",
    "theme_similarity",
]

#: Canonical columns joined into a company's document.
TEXT_FIELDS: tuple[str, ...] = ("main_business", "products", "business_scope", "summary_en")
#: Fields of the texts that keyword suggestions are drawn from (经营范围 is too formulaic).
SUGGESTION_FIELDS: tuple[str, ...] = ("main_business", "products", "summary_en")
#: The TF-IDF blocks: (fields joined into one text, weight of the block before the final normalisation).
BLOCKS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("main_business", "products"), 1.0),
    (("business_scope",), 0.5),
    (("summary_en",), 1.0),
)
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
_LETTER = re.compile(r"[a-z]")
_SNIPPET_CONTEXT = 14


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"co", "ltd", "company", "inc", "products", "china", "chinese"}


@dataclass(frozen=True)
class _Analyzer:
    """Chinese character n-grams (``n_min``..``n_max``) plus whole Latin words (picklable)."""

    n_min: int
    n_max: int
    stop: frozenset[str]

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for run in _RUN.findall(text.lower()):
            if run[0] >= "\u3400":
                size = len(run)
                for n in range(self.n_min, min(self.n_max, size) + 1):
                    out.extend(run[i : i + n] for i in range(size - n + 1))
            elif len(run) >= 2 and _LETTER.search(run) and run not in self.stop:
                out.append(run)
        return out


def _join(values: tuple[object, ...]) -> str:
    return normalize_term(" ".join(v for v in values if isinstance(v, str) and v.strip()))


@dataclass
class TextIndex:
    """A universe's business-text features. Built by :func:`text_index`; do not construct directly.

    Attributes
    ----------
    codes, names : numpy.ndarray
        Stock codes and short names, in universe order.
    documents : list of str
        Each company's folded (NFKC, lower-case) document; ``""`` when it has no business text.
    has_text : numpy.ndarray of bool
        Whether a company has any business text (and so a vector).
    """

    codes: np.ndarray
    names: np.ndarray
    documents: list[str]
    has_text: np.ndarray
    _fields: dict[str, list[object]] = field(default_factory=dict, repr=False)
    _tfidf: tuple[Any, np.ndarray] | None = field(default=None, repr=False)
    _counts: tuple[Any, np.ndarray] | None = field(default=None, repr=False)
    _descriptions: list[str] | None = field(default=None, repr=False)

    @property
    def tfidf(self) -> tuple[Any, np.ndarray]:
        """(unit-length TF-IDF matrix, feature names), one block per group of :data:`BLOCKS`.

        Each block (e.g. the short Chinese 主营业务 and the long English summary) is fitted and
        normalised on its own, weighted, and the rows normalised again, so that one long text
        does not drown the others. Feature names carry their block, e.g. ``main_business:光刻``.
        """
        if self._tfidf is None:
            from scipy import sparse
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.preprocessing import normalize

            analyzer = _Analyzer(2, 3, _stop_words())
            blocks, names = [], []
            for fields, weight in BLOCKS:
                docs = [_join(row) for row in zip(*(self._fields[f] for f in fields), strict=True)]
                if sum(bool(d) for d in docs) < 2:
                    continue
                vectorizer = TfidfVectorizer(
                    analyzer=analyzer, sublinear_tf=True, min_df=2, max_df=0.5, dtype=np.float64
                )
                try:
                    blocks.append(vectorizer.fit_transform(docs) * weight)
                except ValueError:  # no feature left after min_df / max_df
                    continue
                names.extend(f"{fields[0]}:{x}" for x in vectorizer.get_feature_names_out())
            if blocks:
                matrix = normalize(sparse.hstack(blocks, format="csr"))
            else:
                matrix = sparse.csr_matrix((len(self.codes), 0))
            self._tfidf = (matrix, np.array(names, dtype=object))
        return self._tfidf

    @property
    def descriptions(self) -> list[str]:
        """Each company's folded text of :data:`SUGGESTION_FIELDS` (what suggestions come from)."""
        if self._descriptions is None:
            columns = (self._fields[f] for f in SUGGESTION_FIELDS)
            self._descriptions = [_join(row) for row in zip(*columns, strict=True)]
        return self._descriptions

    @property
    def counts(self) -> tuple[Any, np.ndarray]:
        """(binary document-term matrix of :attr:`descriptions`, feature names): Chinese 2-4-grams
        and Latin words."""
        if self._counts is None:
            from sklearn.feature_extraction.text import CountVectorizer

            vectorizer = CountVectorizer(analyzer=_Analyzer(2, 4, _stop_words()), binary=True, min_df=2)
            matrix = vectorizer.fit_transform(self.descriptions).tocsc()
            self._counts = (matrix, vectorizer.get_feature_names_out())
        return self._counts

    def position(self, code: str) -> int:
        """Row of ``code``; raises :class:`~npf_screen.errors.UnknownCompanyError`."""
        found = np.flatnonzero(self.codes == str(code))
        if not len(found):
            raise UnknownCompanyError(
                f"stock code {code!r} is not in the universe ({len(self.codes)} companies)"
            )
        return int(found[0])

    def snippet(self, row: int, term: str) -> str:
        """The first occurrence of ``term`` in a company's document, in context."""
        text = self.documents[row]
        start = text.find(term)
        if start < 0:
            return ""
        left, right = max(0, start - _SNIPPET_CONTEXT), min(len(text), start + len(term) + _SNIPPET_CONTEXT)
        return (
            ("…" if left else "")
            + f"{text[left:start]}【{term}】{text[start + len(term) : right]}"
            + ("…" if right < len(text) else "")
        )


_CACHE: dict[int, tuple[weakref.ReferenceType[pd.DataFrame], TextIndex]] = {}


def clear_cache() -> None:
    """Forget every fitted index (e.g. after modifying a universe in place)."""
    _CACHE.clear()


def text_index(universe: pd.DataFrame) -> TextIndex:
    """The (cached) text index of a canonical universe; features are fitted on first use.

    Examples
    --------
    >>> from npf_screen.similarity import text_index
    >>> from npf_screen.schema import to_canonical
    >>> import pandas as pd
    >>> frame = to_canonical(pd.DataFrame({"code": ["000001", "000002"], "name": ["甲", "乙"],
    ...                                    "main_business": ["光刻机研发", None]}))
    >>> text_index(frame).has_text.tolist()
    [True, False]
    """
    key = id(universe)
    entry = _CACHE.get(key)
    if entry is not None and entry[0]() is universe and len(entry[1].codes) == len(universe):
        return entry[1]
    n = len(universe)
    fields = {
        f: universe[f].astype("object").tolist() if f in universe.columns else [None] * n for f in TEXT_FIELDS
    }
    documents = [_join(row) for row in zip(*fields.values(), strict=True)]
    index = TextIndex(
        codes=universe["code"].astype("object").to_numpy(),
        names=universe["name"].astype("object").to_numpy(),
        documents=documents,
        has_text=np.array([bool(d) for d in documents], dtype=bool),
        _fields=fields,
    )
    _CACHE[key] = (weakref.ref(universe), index)
    weakref.finalize(universe, _CACHE.pop, key, None)
    return index


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
    >>> from npf_screen.similarity import similar_companies
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


def _theme_frame(result: ScreenResult, theme: str) -> pd.DataFrame:
    result.themes[theme]  # raises UnknownThemeError
    scores = result.scores
    return scores[(scores["theme"] == theme) & scores["qualified"]].sort_values("rank")


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
    >>> from npf_screen.similarity import theme_similarity
    >>> result = screen(load_sample(), lines=["choke_point"])
    >>> sims = theme_similarity(result, "cp_lithography", k=5)
    >>> bool(sims["seed"].sum() <= 5)
    True
    """
    chosen = _theme_frame(result, theme)
    index = text_index(result.universe)
    n = len(index.codes)
    positions = pd.Series(np.arange(n), index=index.codes)
    rows = positions.reindex(chosen["code"]).dropna().astype("int64").to_numpy()
    seeds = [r for r in rows if index.has_text[r]][:k]
    score = np.zeros(n)
    score[positions.reindex(chosen["code"]).to_numpy(dtype="int64")] = chosen["score"].to_numpy()
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
    >>> from npf_screen.similarity import suggest_keywords
    >>> result = screen(load_sample(), lines=["choke_point"])
    >>> suggest_keywords(result, "cp_lithography", n=5).columns.tolist()
    ['term', 'z', 'in_top', 'top_share', 'in_rest', 'example']
    """
    chosen = _theme_frame(result, theme)
    index = text_index(result.universe)
    columns = ["term", "z", "in_top", "top_share", "in_rest", "example"]
    positions = pd.Series(np.arange(len(index.codes)), index=index.codes)
    rows = positions.reindex(chosen["code"]).dropna().astype("int64").to_numpy()
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
