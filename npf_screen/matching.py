"""Finding rule terms in company texts: one Aho-Corasick automaton over every term of every theme.

:func:`compile_rules` turns a :class:`~npf_screen.rules.ThemeSet` into flat tables (which term earns
which theme how many points in which field) plus the automaton; :func:`find_hits` scans each text
once and reports the first occurrence of every term per (company, field).
"""

from __future__ import annotations

import functools
import re
import unicodedata
import weakref
from dataclasses import dataclass

import ahocorasick
import numpy as np
import pandas as pd

from .rules import FIELDS, ThemeSet, normalize_term
from .schema import INDUSTRY_COLUMNS

__all__ = [
    "CompiledRules",
    "PreparedTexts",
    "compile_rules",
    "find_hits",
    "label_hits",
    "normalize_label",
    "prepare_texts",
]

FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}
_LEVEL_MARK = re.compile(r"(?<=[^\x00-\x7f])(iii|ii)$")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_LABEL_SPLIT = re.compile(r"[,，;；|]")


@functools.lru_cache(maxsize=65536)
def normalize_label(label: str) -> str:
    """Fold an industry or concept label: NFKC, lower case, no trailing level mark (Ⅱ, Ⅲ).

    Examples
    --------
    >>> normalize_label("半导体设备Ⅲ"), normalize_label("银行Ⅱ")
    ('半导体设备', '银行')
    """
    return _LEVEL_MARK.sub("", normalize_term(label))


@dataclass(frozen=True)
class CompiledRules:
    """A theme set flattened for fast matching. Built once per :class:`ThemeSet` and cached."""

    theme_ids: tuple[str, ...]
    terms: tuple[str, ...]  # keyword terms first, then industry/concept labels (one key space)
    n_keyword_terms: int
    automaton: ahocorasick.Automaton
    keyword_rows: pd.DataFrame  # term, theme, field, raw, label
    exclusion_rows: pd.DataFrame  # term, theme, field, exclusion, penalty, veto, reason
    region_rows: pd.DataFrame  # term, theme, field
    label_rows: (
        pd.DataFrame
    )  # term (label key), kind (industry|concept|exclusion), theme, raw, exclusion, penalty, veto
    label_ids: dict[str, int]  # normalised label → key in ``terms``
    max_per_field: np.ndarray  # per theme
    min_score: np.ndarray  # per theme


_CACHE: weakref.WeakKeyDictionary[ThemeSet, CompiledRules] = weakref.WeakKeyDictionary()


def compile_rules(themes: ThemeSet) -> CompiledRules:
    """Flatten ``themes`` into match tables and an automaton (cached per ThemeSet object)."""
    cached = _CACHE.get(themes)
    if cached is not None:
        return cached
    term_ids: dict[str, int] = {}

    def tid(term: str) -> int:
        return term_ids.setdefault(normalize_term(term), len(term_ids))

    keyword, exclusion, region, labels = [], [], [], []
    n_exclusions = 0
    for t_idx, theme in enumerate(themes):
        for group in theme.keywords:
            for term in group.terms:
                for field in group.fields:
                    raw = group.weight * theme.field_weight(field)
                    keyword.append((tid(term), t_idx, FIELD_INDEX[field], raw, group.label))
        for label in theme.industries:
            labels.append((normalize_label(label), "industry", t_idx, theme.industry_weight, -1, 0.0, False))
        for label in theme.concepts:
            labels.append((normalize_label(label), "concept", t_idx, theme.concept_weight, -1, 0.0, False))
        for excl in theme.exclusions:
            for term in excl.terms:
                for field in excl.fields:
                    row = (tid(term), t_idx, FIELD_INDEX[field], n_exclusions, excl.penalty, excl.veto)
                    exclusion.append((*row, excl.reason))
            for label in excl.industries:
                row = (normalize_label(label), "exclusion", t_idx, 0.0, n_exclusions, excl.penalty, excl.veto)
                labels.append(row)
            n_exclusions += 1
        if theme.region is not None:
            for term in theme.region.terms:
                for field in theme.region.text_fields:
                    region.append((tid(term), t_idx, FIELD_INDEX[field]))
    n_keyword_terms = len(term_ids)
    label_ids: dict[str, int] = {}
    for label in dict.fromkeys(row[0] for row in labels):
        label_ids[label] = n_keyword_terms + len(label_ids)
    labels = [(label_ids[row[0]], *row[1:]) for row in labels]
    automaton = ahocorasick.Automaton()
    for term, i in term_ids.items():
        bound_left = term[0] in _ASCII_ALNUM
        bound_right = term[-1] in _ASCII_ALNUM
        automaton.add_word(term, (i, len(term), bound_left, bound_right))
    if term_ids:
        automaton.make_automaton()
    compiled = CompiledRules(
        theme_ids=tuple(themes.ids),
        terms=(*term_ids, *label_ids),
        n_keyword_terms=n_keyword_terms,
        automaton=automaton,
        keyword_rows=pd.DataFrame(keyword, columns=["term", "theme", "field", "raw", "label"]),
        exclusion_rows=pd.DataFrame(
            exclusion, columns=["term", "theme", "field", "exclusion", "penalty", "veto", "reason"]
        ),
        region_rows=pd.DataFrame(region, columns=["term", "theme", "field"]),
        label_rows=pd.DataFrame(
            labels, columns=["term", "kind", "theme", "raw", "exclusion", "penalty", "veto"]
        ),
        label_ids=label_ids,
        max_per_field=np.array([t.max_per_field for t in themes], dtype="float64"),
        min_score=np.array([t.min_score for t in themes], dtype="float64"),
    )
    _CACHE[themes] = compiled
    return compiled


@dataclass(frozen=True)
class PreparedTexts:
    """A universe's searchable texts: NFKC-folded originals (for snippets) and their lower case,
    plus every company's industry and concept labels (normalised)."""

    display: dict[str, list[str]]
    folded: dict[str, list[str]]
    labels: list[tuple[int, str]]  # (company, normalised label)


def _fold(values: list[object]) -> list[str]:
    return [unicodedata.normalize("NFKC", v) if isinstance(v, str) else "" for v in values]


def prepare_texts(universe: pd.DataFrame) -> PreparedTexts:
    """Build the per-field texts of a canonical universe, in :data:`~npf_screen.rules.FIELDS` order."""
    industry_values = [universe[c].astype("object").tolist() for c in INDUSTRY_COLUMNS]
    display: dict[str, list[str]] = {}
    for field in FIELDS:
        if field == "industry":
            joined = [
                " / ".join(v for v in row if isinstance(v, str)) for row in zip(*industry_values, strict=True)
            ]
            display[field] = _fold(joined)
        else:
            display[field] = _fold(universe[field].astype("object").tolist())
    folded = {f: [v.lower() for v in texts] for f, texts in display.items()}
    labels: dict[tuple[int, str], None] = {}
    for column in industry_values:
        labels.update(((i, normalize_label(v)), None) for i, v in enumerate(column) if isinstance(v, str))
    for i, value in enumerate(universe["concepts"].astype("object").tolist()):
        if isinstance(value, str):
            parts = _LABEL_SPLIT.split(value)
            labels.update(((i, normalize_label(part)), None) for part in parts if part.strip())
    return PreparedTexts(display=display, folded=folded, labels=list(labels))


def label_hits(rules: CompiledRules, texts: PreparedTexts) -> pd.DataFrame:
    """Companies carrying a label some rule names: columns company, term (the label's key)."""
    ids = rules.label_ids
    pairs = [(c, ids[label]) for c, label in texts.labels if label in ids]
    return pd.DataFrame(pairs, columns=["company", "term"], dtype="int64")


def find_hits(rules: CompiledRules, texts: PreparedTexts) -> pd.DataFrame:
    """Every term's first occurrence per (company, field): columns company, field, term, start.

    ASCII-alphanumeric term edges only match at word boundaries (``eda`` not in ``schedule``).
    """
    companies: list[int] = []
    fields: list[int] = []
    term_ids: list[int] = []
    starts: list[int] = []
    automaton = rules.automaton
    if not rules.n_keyword_terms:
        return pd.DataFrame({"company": [], "field": [], "term": [], "start": []}, dtype="int64")
    alnum = _ASCII_ALNUM
    for f_idx, field in enumerate(FIELDS):
        for c_idx, text in enumerate(texts.folded[field]):
            if not text:
                continue
            seen: set[int] = set()
            last = len(text) - 1
            for end, (t_id, length, bound_left, bound_right) in automaton.iter(text):
                if t_id in seen:
                    continue
                start = end - length + 1
                if bound_left and start > 0 and text[start - 1] in alnum:
                    continue
                if bound_right and end < last and text[end + 1] in alnum:
                    continue
                seen.add(t_id)
                companies.append(c_idx)
                fields.append(f_idx)
                term_ids.append(t_id)
                starts.append(start)
    return pd.DataFrame(
        {
            "company": np.asarray(companies, dtype="int64"),
            "field": np.asarray(fields, dtype="int64"),
            "term": np.asarray(term_ids, dtype="int64"),
            "start": np.asarray(starts, dtype="int64"),
        }
    )
