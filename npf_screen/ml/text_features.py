"""Business-text features of a universe: the documents, their TF-IDF and term-count matrices, cached.

Company documents are the business text of the canonical table (``main_business``, ``products``,
``business_scope``, ``summary_en``). They are turned into two kinds of features: Chinese words
(:attr:`TextIndex.words`, segmented by rjieba, :mod:`npf_screen.ml.segment`) and
character n-grams inside runs of Chinese characters (``光刻机`` → ``光刻``, ``刻机``, ``光刻机``) and
whole lower-case words for Latin text (``igbt``, ``lithography``; English stop words dropped). A
TF-IDF matrix of those features (sublinear tf) gives cosine similarities; the short Chinese 主营业务,
the formulaic 经营范围 and the long English summary are separate blocks of the matrix (see
:data:`BLOCKS`), each normalised on its own, so one long text does not drown the others.

scikit-learn is imported only when an index is first built. Fitted indexes are cached per universe
object (the cache assumes the frame is not modified in place; :func:`clear_cache` empties it).
What the features are used for: :mod:`npf_screen.ml.similarity` and :mod:`npf_screen.ml.keyword_suggestions`.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from npf_screen.core.errors import UnknownCompanyError
from npf_screen.rules.model import normalize_term
from npf_screen.screening.snippets import snippet
from npf_screen.screening.texts import company_labels
from npf_screen.universe.schema import BUSINESS_TEXT_FIELDS, INDUSTRY_COLUMNS

if TYPE_CHECKING:
    from npf_screen.screening.results import ScreenResult

__all__ = [
    "BLOCKS",
    "SUGGESTION_FIELDS",
    "TEXT_FIELDS",
    "WORD_BLOCKS",
    "TextIndex",
    "candidate_scores",
    "clear_cache",
    "text_index",
    "theme_candidates",
    "unit_rows",
]

#: Canonical columns joined into a company's document.
TEXT_FIELDS: tuple[str, ...] = BUSINESS_TEXT_FIELDS
#: Fields of the texts that keyword suggestions are drawn from (经营范围 is too formulaic).
SUGGESTION_FIELDS: tuple[str, ...] = ("main_business", "products", "summary_en")
#: The TF-IDF blocks: (fields joined into one text, weight of the block before the final normalisation).
BLOCKS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("main_business", "products"), 1.0),
    (("business_scope",), 0.5),
    (("summary_en",), 1.0),
)
#: The word blocks (Chinese texts only; the English summary's words are in :data:`BLOCKS` already):
#: (fields joined, weight, feature-name prefix).
WORD_BLOCKS: tuple[tuple[tuple[str, ...], float, str], ...] = (
    (("main_business", "products"), 1.0, "words"),
    (("business_scope",), 0.5, "scope_words"),
)
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
_LETTER = re.compile(r"[a-z]")


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


def unit_rows(matrix: Any) -> Any:
    """Rows scaled to unit L2 length (all-zero rows stay zero); a matrix without rows or columns is
    returned as it is (scikit-learn's ``normalize`` refuses it: a universe with no text or labels)."""
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        return matrix
    from sklearn.preprocessing import normalize

    return normalize(matrix)


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
    _label_pairs: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _labels: tuple[Any, np.ndarray] | None = field(default=None, repr=False)
    _words: tuple[Any, np.ndarray] | None = field(default=None, repr=False)

    @property
    def tfidf(self) -> tuple[Any, np.ndarray]:
        """(unit-length TF-IDF matrix, feature names), one block per group of :data:`BLOCKS`.

        Each block (e.g. the short Chinese 主营业务 and the long English summary) is fitted and
        normalised on its own, weighted, and the rows normalised again, so that one long text
        does not drown the others. Feature names carry their block, e.g. ``main_business:光刻``.
        """
        if self._tfidf is None:
            groups = tuple((fields, weight, fields[0]) for fields, weight in BLOCKS)
            self._tfidf = self._blocks(groups, _Analyzer(2, 3, _stop_words()))
        return self._tfidf

    @property
    def words(self) -> tuple[Any, np.ndarray]:
        """(unit-length TF-IDF matrix of Chinese words, feature names), one block per Chinese group of
        :data:`WORD_BLOCKS`, segmented by :func:`npf_screen.ml.segment.words` (rjieba).

        Names read as vocabulary: ``words:光刻胶`` (主营业务 and products), ``scope_words:减速器``
        (经营范围). Built like :attr:`tfidf` (sublinear tf, ``min_df=2``, ``max_df=0.5``, blocks weighted
        and the rows normalised again); rows without Chinese text are all zero.
        """
        if self._words is None:
            from npf_screen.ml.segment import words

            self._words = self._blocks(WORD_BLOCKS, words)
        return self._words

    def _blocks(
        self, groups: tuple[tuple[tuple[str, ...], float, str], ...], analyzer: Any
    ) -> tuple[Any, np.ndarray]:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        blocks, names = [], []
        for fields, weight, prefix in groups:
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
            names.extend(f"{prefix}:{x}" for x in vectorizer.get_feature_names_out())
        if blocks:
            return unit_rows(sparse.hstack(blocks, format="csr")), np.array(names, dtype=object)
        return sparse.csr_matrix((len(self.codes), 0)), np.array(names, dtype=object)

    @property
    def labels(self) -> tuple[Any, np.ndarray]:
        """(unit-length binary matrix of industry and concept labels, feature names).

        One column per label a company carries (every industry classification level and every
        concept label), named ``industry:<label>`` / ``concept:<label>`` as the rules fold them.
        Rows without any label are all zero. Companies without business text usually still have
        labels, so this block describes them when the TF-IDF block cannot.
        """
        if self._labels is None:
            from scipy import sparse

            company, key = self._label_pairs if self._label_pairs is not None else ([], [])
            codes, names = pd.factorize(pd.Series(key, dtype=object))
            matrix = sparse.csr_matrix(
                (np.ones(len(codes)), (np.asarray(company, dtype="int64"), codes)),
                shape=(len(self.codes), len(names)),
            )
            matrix.data[:] = 1.0  # a label named by two classifications counts once
            self._labels = (unit_rows(matrix), np.asarray(names, dtype=object))
        return self._labels

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
        """Row of ``code``; raises :class:`~npf_screen.core.errors.UnknownCompanyError`."""
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
        return snippet(text, start, len(term)) if start >= 0 else ""


_CACHE: dict[int, tuple[weakref.ReferenceType[pd.DataFrame], TextIndex]] = {}


def clear_cache() -> None:
    """Forget every fitted index (e.g. after modifying a universe in place)."""
    _CACHE.clear()


def text_index(universe: pd.DataFrame) -> TextIndex:
    """The (cached) text index of a canonical universe; features are fitted on first use.

    Examples
    --------
    >>> from npf_screen.ml.text_features import text_index
    >>> from npf_screen.universe.schema import to_canonical
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
        _label_pairs=company_labels(universe) if _has_label_columns(universe) else None,
    )
    _CACHE[key] = (weakref.ref(universe), index)
    weakref.finalize(universe, _CACHE.pop, key, None)
    return index


def _has_label_columns(universe: pd.DataFrame) -> bool:
    return "concepts" in universe.columns and all(c in universe.columns for c in INDUSTRY_COLUMNS)


def theme_candidates(
    result: ScreenResult, theme: str
) -> tuple[pd.DataFrame, TextIndex, pd.Series, np.ndarray]:
    """A theme's qualified candidates, best rank first, and where they are in the text index.

    Returns
    -------
    tuple
        (the candidates' score rows, the index of ``result.universe``, each code's row in the
        index as a Series indexed by code, the candidates' rows in rank order).

    Raises
    ------
    UnknownThemeError
        When ``theme`` is not in the result.
    """
    result.themes[theme]  # raises UnknownThemeError
    scores = result.scores
    chosen = scores[(scores["theme"] == theme) & scores["qualified"]].sort_values("rank")
    index = text_index(result.universe)
    positions = pd.Series(np.arange(len(index.codes)), index=index.codes)
    rows = positions.reindex(chosen["code"]).dropna().astype("int64").to_numpy()
    return chosen, index, positions, rows


def candidate_scores(chosen: pd.DataFrame, positions: pd.Series) -> np.ndarray:
    """Each company's rule score for the theme of ``chosen`` (0 for non-candidates), in index order;
    ``chosen`` and ``positions`` as returned by :func:`theme_candidates`."""
    score = np.zeros(len(positions))
    score[positions.reindex(chosen["code"]).to_numpy(dtype="int64")] = chosen["score"].to_numpy()
    return score
