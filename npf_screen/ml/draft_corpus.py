"""The company text corpus a draft is measured against: who uses a term, in text and in labels.

Each company has a *text* (short name, 主营业务, products, 经营范围 and the English summary, folded
with :func:`~npf_screen.rules.model.normalize_term`), its *labels* (industry and concept labels) and
its segmented words (:func:`npf_screen.ml.segment.words` of the name, 主营业务 and products, English
stop words dropped): the vocabulary expansion is drawn from them. The formulaic 经营范围 is left out,
and so is the English summary (its single words, ``hydrogen`` → ``propane``, made the vocabulary of
the seed report's sectors less like the curated seeds' in ``benchmarks/draft_quality.py``).
Document frequencies of the words come from scikit-learn's ``CountVectorizer``; a phrase from a
policy text is looked up as a substring, because a segmenter cuts the same phrase differently in
different contexts.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from npf_screen.ml.segment import words
from npf_screen.rules.model import normalize_term
from npf_screen.universe.schema import INDUSTRY_COLUMNS

__all__ = ["CompanyCorpus", "company_corpus"]

_TEXT_FIELDS = ("name", "main_business", "products", "business_scope", "summary_en")
_WORD_FIELDS = ("name", "main_business", "products")
_NAME_SUFFIX = re.compile(r"(股份|集团|控股|-[a-z]+|[ab]$)+$")
_NAME_PREFIX = re.compile(r"^(\*?st|n|c)")
_LEVEL_MARK = re.compile(r"[ⅠⅡⅢⅣ]+$")
_ASCII = re.compile(r"^[a-z0-9][a-z0-9+\-]*$")


def _column(universe: pd.DataFrame, name: str) -> list[str]:
    if name not in universe.columns:
        return [""] * len(universe)
    return [normalize_term(v) if isinstance(v, str) else "" for v in universe[name].tolist()]


@dataclass
class CompanyCorpus:
    """Texts, labels and word counts of one universe (build with :func:`company_corpus`)."""

    codes: list[str]
    names: list[str]
    texts: list[str]
    labels: list[list[str]]
    industries: list[list[str]]
    concepts: list[list[str]]
    described: np.ndarray
    word_matrix: Any  # scipy CSR, companies x words, binary
    vocabulary: np.ndarray
    name_stems: frozenset[str]
    sectors: np.ndarray  # one broad industry per company ("" when unknown)

    def concentration(self, mask: np.ndarray) -> tuple[float, float]:
        """How much the companies of ``mask`` gather in one broad industry: (lift, share).

        ``share`` is the share of them in their most common industry, shrunk by two pseudo-companies
        elsewhere; ``lift`` is that share over the industry's share of the universe: about 1 for
        companies drawn at random, 3 and more for an industrial term.
        """
        chosen = self.sectors[mask & (self.sectors != "")]
        if not len(chosen):
            return 0.0, 0.0
        names, counts = np.unique(chosen, return_counts=True)
        top = int(np.argmax(counts))
        base = float((self.sectors == names[top]).sum()) / max(1, int((self.sectors != "").sum()))
        share = float(counts[top] / (len(chosen) + 2))
        return share / base, share

    @property
    def n(self) -> int:
        """Number of companies."""
        return len(self.codes)

    def users(self, term: str) -> np.ndarray:
        """Boolean mask of the companies whose text contains ``term`` (whole words for Latin terms)."""
        t = normalize_term(term)
        if _ASCII.match(t):
            pattern = re.compile(rf"(?<![a-z0-9]){re.escape(t)}(?![a-z0-9])")
            return np.array([pattern.search(x) is not None for x in self.texts], dtype=bool)
        return np.array([t in x for x in self.texts], dtype=bool)

    def label_users(self, term: str) -> np.ndarray:
        """Boolean mask of the companies with an industry or concept label containing ``term``."""
        t = normalize_term(term)
        return np.array([any(t in label for label in ls) for ls in self.labels], dtype=bool)

    def names_a_company(self, term: str) -> bool:
        """Whether ``term`` is a listed company's short name, or contains one (rules name businesses)."""
        t = normalize_term(term)
        return t in self.name_stems or any(len(s) >= 3 and s in t for s in self.name_stems)


@dataclass(frozen=True)
class _WordAnalyzer:
    """:func:`~npf_screen.ml.segment.words` without English stop words (picklable)."""

    stop: frozenset[str]

    def __call__(self, text: str) -> list[str]:
        return [w for w in words(text) if w not in self.stop]


_CACHE: dict[int, CompanyCorpus] = {}


def company_corpus(universe: pd.DataFrame) -> CompanyCorpus:
    """The corpus of ``universe``, built once per frame object (assumed not modified in place)."""
    key = id(universe)
    if key in _CACHE:
        return _CACHE[key]
    from sklearn.feature_extraction.text import CountVectorizer

    columns = {f: _column(universe, f) for f in _TEXT_FIELDS}
    texts = [" | ".join(x for x in parts if x) for parts in zip(*columns.values(), strict=True)]
    industry_cols = [c for c in INDUSTRY_COLUMNS if c in universe.columns]
    industries = [
        sorted({_LEVEL_MARK.sub("", v.strip()) for v in row if isinstance(v, str) and v.strip()})
        for row in zip(*(universe[c].tolist() for c in industry_cols), strict=True)
    ] or [[] for _ in range(len(universe))]
    raw_concepts = universe["concepts"].tolist() if "concepts" in universe.columns else [""] * len(universe)
    concepts = [
        [c.strip() for c in re.split(r"[,，;；]", v) if c.strip()] if isinstance(v, str) else []
        for v in raw_concepts
    ]
    word_docs = [" ".join(parts) for parts in zip(*(columns[f] for f in _WORD_FIELDS), strict=True)]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    vectorizer = CountVectorizer(
        analyzer=_WordAnalyzer(frozenset(ENGLISH_STOP_WORDS)), binary=True, min_df=2, dtype=np.int32
    )
    try:
        matrix = vectorizer.fit_transform(word_docs).tocsc()
        vocabulary = vectorizer.get_feature_names_out()
    except ValueError:  # no word occurs twice: a tiny or textless universe
        from scipy import sparse

        matrix, vocabulary = (
            sparse.csc_matrix((len(word_docs), 0), dtype=np.int32),
            np.array([], dtype=object),
        )
    names = columns["name"]
    stems = {_NAME_SUFFIX.sub("", _NAME_PREFIX.sub("", n.replace(" ", ""))) for n in names}
    sectors = np.array([""] * len(universe), dtype=object)
    for column in ("industry_tushare", "industry_em_l1", "industry_sw_l1"):  # the last one present wins
        if column in universe.columns:
            values = universe[column].tolist()
            sectors = np.array(
                [v if isinstance(v, str) and v else s for v, s in zip(values, sectors, strict=True)]
            )
    corpus = CompanyCorpus(
        codes=universe["code"].astype(str).tolist(),
        names=[v if isinstance(v, str) else "" for v in universe["name"].tolist()],
        texts=texts,
        labels=[[normalize_term(x) for x in (*i, *c)] for i, c in zip(industries, concepts, strict=True)],
        industries=industries,
        concepts=concepts,
        described=np.array([bool(x) for x in columns["main_business"]], dtype=bool),
        word_matrix=matrix,
        vocabulary=vocabulary,
        name_stems=frozenset(s for s in stems if len(s) >= 2),
        sectors=sectors.astype(str),
    )
    _CACHE[key] = corpus
    weakref.finalize(universe, _CACHE.pop, key, None)
    return corpus
