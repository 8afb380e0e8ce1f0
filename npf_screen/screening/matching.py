"""Finding rule terms in company texts: one Aho-Corasick automaton over every term of every theme.

:func:`compile_rules` turns a :class:`~npf_screen.rules.model.ThemeSet` into flat numeric tables
(which term earns which theme how many points in which field) plus the automaton; on the texts
:func:`~npf_screen.screening.texts.prepare_texts` folds, :func:`find_hits` scans each field once
(in Rust, via ``ahocorasick_rs``) and reports the first occurrence of every term per (company,
field), and :func:`label_hits` finds the companies carrying a label some rule names.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import ahocorasick_rs
import numpy as np
import pandas as pd

from npf_screen.rules.model import FIELDS, ThemeSet, normalize_term
from npf_screen.screening.codes import LabelKind
from npf_screen.screening.texts import PreparedTexts, label_key

__all__ = [
    "CompiledRules",
    "JoinTable",
    "SenseRule",
    "StringTable",
    "compile_rules",
    "find_hits",
    "hit_key",
    "label_hits",
    "remember_compiled",
    "sense_ok",
]

FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}
_ASCII_ALNUM = np.zeros(128, dtype=bool)
for _c in "abcdefghijklmnopqrstuvwxyz0123456789":
    _ASCII_ALNUM[ord(_c)] = True


class StringTable:
    """Interns strings as small integer codes, so scoring tables stay numeric."""

    def __init__(self, initial: tuple[str, ...] = ("",)) -> None:
        self.values: list[str] = list(initial)
        self._codes = {v: i for i, v in enumerate(self.values)}

    def code(self, value: str) -> int:
        """The code of ``value``, adding it when new."""
        found = self._codes.get(value)
        if found is None:
            found = self._codes[value] = len(self.values)
            self.values.append(value)
        return found

    def codes_by(self, keys: np.ndarray, text: Callable[[int], str]) -> np.ndarray:
        """Codes for rows whose string depends only on an integer key: ``text(key)`` is formatted and
        interned once per distinct key, however many rows share it."""
        distinct, inverse = np.unique(np.asarray(keys, dtype="int64"), return_inverse=True)
        return np.array([self.code(text(int(k))) for k in distinct], dtype="int64")[inverse.reshape(-1)]

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """Object array of the strings behind ``codes``."""
        return np.asarray(self.values, dtype=object)[codes]


@dataclass(frozen=True)
class JoinTable:
    """Rule rows sorted by an integer key, for fast many-to-many joins against hit keys."""

    keys: np.ndarray
    columns: dict[str, np.ndarray]

    @classmethod
    def build(
        cls, rows: list[tuple], names: list[str], key: Callable[[dict[str, np.ndarray]], np.ndarray]
    ) -> JoinTable:
        """Rows (tuples in ``names`` order) keyed by ``key(columns)``; floats for raw/penalty, else int."""
        data = np.array(rows, dtype="float64").reshape(-1, len(names))
        columns = {
            n: data[:, i] if n in ("raw", "penalty") else data[:, i].astype("int64")
            for i, n in enumerate(names)
        }
        keys = key(columns)
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], {n: v[order] for n, v in columns.items()})

    @functools.cached_property
    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Per key value 0 … max + 1: where its rows start and end (a gather instead of a binary
        search per hit; the last slot is empty and takes every key outside the table)."""
        slots = np.arange(int(self.keys.max()) + 2 if len(self.keys) else 1)
        return np.searchsorted(self.keys, slots, "left"), np.searchsorted(self.keys, slots, "right")

    def join(self, left_keys: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Every (left row, rule row) with equal keys: the left row indices and the rule columns."""
        first, end = self._bounds
        slot = np.where((left_keys < 0) | (left_keys >= len(first)), len(first) - 1, left_keys)
        lo = first[slot]
        counts = end[slot] - lo
        left = np.repeat(np.arange(len(left_keys)), counts)
        offset = np.arange(len(left)) - np.repeat(np.cumsum(counts) - counts, counts)
        right = np.repeat(lo, counts) + offset
        return left, {n: v[right] for n, v in self.columns.items()}


@dataclass(frozen=True)
class SenseRule:
    """Words required (any one) or forbidden (none) within ``window`` characters of a hit, folded."""

    require: tuple[str, ...]
    forbid: tuple[str, ...]
    window: int

    def describe(self) -> str:
        """Human text of the rule, e.g. ``needs 机器人/伺服 nearby; not with 风电``."""
        parts = []
        if self.require:
            parts.append("needs " + "/".join(self.require) + " nearby")
        if self.forbid:
            parts.append("not with " + "/".join(self.forbid))
        return "; ".join(parts)


def sense_ok(text: str, term: str, rule: SenseRule) -> bool:
    """Whether some occurrence of ``term`` in ``text`` (both folded) passes the sense rule: a word
    is *near* an occurrence when it overlaps the occurrence or the ``window`` characters either side
    (so a longer word containing the term, ``掩膜版制版`` around ``掩膜版``, is always near).

    Examples
    --------
    >>> rule = SenseRule(require=(), forbid=("掩膜版制版",), window=0)
    >>> sense_ok("掩膜版制版设备", "掩膜版", rule), sense_ok("掩膜版制版设备；石英掩膜版", "掩膜版", rule)
    (False, True)
    """

    def near(word: str, start: int, end: int) -> bool:
        return word in text[max(0, start - rule.window - len(word) + 1) : end + rule.window + len(word) - 1]

    start = text.find(term)
    while start >= 0:
        end = start + len(term)
        if not any(near(w, start, end) for w in rule.forbid) and (
            not rule.require or any(near(w, start, end) for w in rule.require)
        ):
            return True
        start = text.find(term, start + 1)
    return False


def hit_key(term: np.ndarray, field: np.ndarray) -> np.ndarray:
    """The join key of a (term, field) hit."""
    return term * len(FIELDS) + field


@dataclass(frozen=True)
class CompiledRules:
    """A theme set flattened for fast matching. Built once per :class:`ThemeSet` and cached."""

    theme_ids: tuple[str, ...]
    terms: tuple[str, ...]  # keyword terms first, then industry/concept labels (one key space), folded
    term_labels: tuple[str, ...]  # the same keys as first spelled in the rules, for display
    n_keyword_terms: int
    matcher: ahocorasick_rs.AhoCorasick | None
    bound_left: np.ndarray  # per keyword term: its first character is ASCII alphanumeric
    bound_right: np.ndarray
    keyword_rows: JoinTable  # by (term, field): theme, raw, group, sense (index into ``senses``), slot
    exclusion_rows: JoinTable  # by (term, field): theme, exclusion, penalty, veto, reason (code)
    region_rows: JoinTable  # by (term, field): theme
    label_rows: JoinTable  # by label key: kind (LabelKind), theme, raw, exclusion, …
    label_ids: dict[str, int]  # "industry:<label>" / "concept:<label>" → key in ``terms``
    strings: StringTable  # group labels and exclusion reasons
    max_per_field: np.ndarray  # per theme
    min_score: np.ndarray  # per theme
    confirm_cap: np.ndarray  # per theme: most points without a keyword in the company's own text
    cap_labels: np.ndarray  # per theme: the cap also applies to labels alone (unconfirmed_cap set)
    senses: tuple[SenseRule | None, ...] = (None,)  # sense rules of keyword groups; 0 = none
    #: per keyword group (``slot`` of its rows): the most points its terms give a company together
    group_caps: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))


_CACHE: weakref.WeakKeyDictionary[ThemeSet, CompiledRules] = weakref.WeakKeyDictionary()


def _by_hit(columns: dict[str, np.ndarray]) -> np.ndarray:
    return hit_key(columns["term"], columns["field"])


def compile_rules(themes: ThemeSet) -> CompiledRules:
    """Flatten ``themes`` into numeric match tables and an automaton (cached per ThemeSet object)."""
    cached = _CACHE.get(themes)
    if cached is not None:
        return cached
    term_ids: dict[str, int] = {}
    spelling: dict[str, str] = {}
    strings = StringTable()

    def tid(term: str) -> int:
        key = normalize_term(term)
        spelling.setdefault(key, term.strip())
        return term_ids.setdefault(key, len(term_ids))

    keyword, exclusion, region, labels = [], [], [], []
    senses: list[SenseRule | None] = [None]
    group_caps: list[float] = []
    n_exclusions = 0
    for t_idx, theme in enumerate(themes):
        for group in theme.keywords:
            group_code = strings.code(group.label)
            sense = 0
            if group.has_sense:
                sense = len(senses)
                senses.append(
                    SenseRule(
                        tuple(normalize_term(w) for w in group.require_near),
                        tuple(normalize_term(w) for w in group.forbid_near),
                        group.near_window,
                    )
                )
            slot = len(group_caps)
            group_caps.append(np.inf if group.max_points is None else group.max_points)
            for term in group.terms:
                for name in group.fields:
                    raw = group.weight * theme.field_weight(name)
                    keyword.append((tid(term), FIELD_INDEX[name], t_idx, raw, group_code, sense, slot))
        for label in theme.industries:
            key = label_key("industry", label)
            labels.append((key, LabelKind.INDUSTRY, t_idx, theme.industry_weight, -1, 0.0, 0))
        for label in theme.concepts:
            key = label_key("concept", label)
            labels.append((key, LabelKind.CONCEPT, t_idx, theme.concept_weight, -1, 0.0, 0))
        for excl in theme.exclusions:
            reason = strings.code(excl.reason)
            for term in excl.terms:
                for field in excl.fields:
                    row = (tid(term), FIELD_INDEX[field], t_idx, n_exclusions, excl.penalty, int(excl.veto))
                    exclusion.append((*row, reason))
            for label in excl.industries:
                key = label_key("industry", label)
                labels.append(
                    (key, LabelKind.EXCLUSION, t_idx, 0.0, n_exclusions, excl.penalty, int(excl.veto))
                )
            n_exclusions += 1
        if theme.region is not None:
            for term in theme.region.terms:
                for field in theme.region.text_fields:
                    region.append((tid(term), FIELD_INDEX[field], t_idx))
    n_keyword_terms = len(term_ids)
    label_ids: dict[str, int] = {}
    for key in dict.fromkeys(row[0] for row in labels):
        label_ids[key] = n_keyword_terms + len(label_ids)
    keyword_terms = list(term_ids)
    compiled = CompiledRules(
        theme_ids=tuple(themes.ids),
        terms=(*keyword_terms, *(key.split(":", 1)[1] for key in label_ids)),
        term_labels=(*(spelling[t] for t in keyword_terms), *(key.split(":", 1)[1] for key in label_ids)),
        n_keyword_terms=n_keyword_terms,
        matcher=ahocorasick_rs.AhoCorasick(keyword_terms) if keyword_terms else None,
        bound_left=np.array([_is_alnum(t[0]) for t in keyword_terms], dtype=bool),
        bound_right=np.array([_is_alnum(t[-1]) for t in keyword_terms], dtype=bool),
        keyword_rows=JoinTable.build(
            keyword, ["term", "field", "theme", "raw", "group", "sense", "slot"], _by_hit
        ),
        exclusion_rows=JoinTable.build(
            exclusion, ["term", "field", "theme", "exclusion", "penalty", "veto", "reason"], _by_hit
        ),
        region_rows=JoinTable.build(region, ["term", "field", "theme"], _by_hit),
        label_rows=JoinTable.build(
            [(label_ids[r[0]], *r[1:]) for r in labels],
            ["term", "kind", "theme", "raw", "exclusion", "penalty", "veto"],
            lambda c: c["term"],
        ),
        label_ids=label_ids,
        strings=strings,
        max_per_field=np.array([t.max_per_field for t in themes], dtype="float64"),
        min_score=np.array([t.min_score for t in themes], dtype="float64"),
        confirm_cap=np.array([t.confirm_cap for t in themes], dtype="float64"),
        cap_labels=np.array([t.unconfirmed_cap is not None for t in themes], dtype=bool),
        senses=tuple(senses),
        group_caps=np.array(group_caps, dtype="float64"),
    )
    _CACHE[themes] = compiled
    return compiled


def remember_compiled(themes: ThemeSet, compiled: CompiledRules) -> CompiledRules:
    """Make ``compiled`` (e.g. read back from disk) what :func:`compile_rules` returns for ``themes``;
    rebuilds its automaton when it has none (automata do not pickle)."""
    if compiled.matcher is None and compiled.n_keyword_terms:
        matcher = ahocorasick_rs.AhoCorasick(list(compiled.terms[: compiled.n_keyword_terms]))
        compiled = dataclasses.replace(compiled, matcher=matcher)
    _CACHE[themes] = compiled
    return compiled


def _is_alnum(char: str) -> bool:
    return ord(char) < 128 and bool(_ASCII_ALNUM[ord(char)])


def label_hits(rules: CompiledRules, texts: PreparedTexts) -> tuple[np.ndarray, np.ndarray]:
    """Companies carrying a label some rule names: (company, term: the label's key), one row per
    distinct pair, in the order of the texts' (company, label) pairs."""
    lookup = np.array([rules.label_ids.get(v, -1) for v in texts.label_values], dtype="int64")
    keys = lookup[texts.label_code] if len(lookup) else np.zeros(0, dtype="int64")
    found = np.flatnonzero(keys >= 0)
    company, term = texts.label_company[found].astype("int64"), keys[found]
    # a company can carry a label twice (two classifications name it): the first one counts
    _, first = np.unique(company * len(rules.terms) + term, return_index=True)
    first.sort()
    return company[first], term[first]


#: Below this many characters of text, :func:`find_hits` matches on the calling thread alone.
_THREADED_CHARS = 500_000


def find_hits(rules: CompiledRules, texts: PreparedTexts, *, pieces: int = 8) -> pd.DataFrame:
    """Every term's first occurrence per (company, field): columns company, field, term, start.

    ASCII-alphanumeric term edges only match at word boundaries (``eda`` not in ``schedule``).
    Rows are ordered by field, company, term. ``pieces``: how many pieces the texts are cut into
    for the two threads (a few per thread balance them; the hits do not depend on it).
    """
    if rules.matcher is None:
        return _no_hits()
    # The Rust matcher releases the GIL: pieces of about equal size (cut at company starts, so a
    # company's hits all fall in one piece) keep both threads busy until the end. Small texts (a
    # sample, a watchlist) are matched here: starting threads would cost more than they save.
    work = texts.pieces(pieces)
    if sum(len(piece) for *_, piece in work) < _THREADED_CHARS:
        found = [_piece_hits(rules, texts, *piece) for piece in work]
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            found = list(pool.map(lambda piece: _piece_hits(rules, texts, *piece), work))
    at = sorted(range(len(work)), key=lambda i: work[i][:2])  # back in field, then text order
    parts = [found[i] for i in at]
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _no_hits()
    columns = [np.concatenate(c) for c in zip(*parts, strict=True)]
    return pd.DataFrame(dict(zip(("company", "field", "term", "start"), columns, strict=True)))


def _piece_hits(
    rules: CompiledRules, texts: PreparedTexts, f_idx: int, base: int, piece: str
) -> tuple[np.ndarray, ...]:
    """(company, field, term, start) of each term's first occurrence per company in one piece of a
    field's folded text that starts at ``base``, ordered by company, then term."""
    matches = rules.matcher.find_matches_as_indexes(piece, overlapping=True)  # type: ignore[union-attr]
    flat = np.fromiter(itertools.chain.from_iterable(matches), dtype=np.int64, count=3 * len(matches))
    term, start, end = flat.reshape(-1, 3).T
    start, end = start + base, end + base
    field = FIELDS[f_idx]
    if rules.bound_left[term].any() or rules.bound_right[term].any():
        codes = texts.folded_codes(field)
        before = np.where(start > 0, codes[np.maximum(start - 1, 0)], 0)
        after = np.where(end < len(codes), codes[np.minimum(end, len(codes) - 1)], 0)
        glued_left = rules.bound_left[term] & (before < 128) & _ASCII_ALNUM[before & 127]
        glued_right = rules.bound_right[term] & (after < 128) & _ASCII_ALNUM[after & 127]
        keep = ~(glued_left | glued_right)
        term, start, end = term[keep], start[keep], end[keep]
    offsets = texts.offsets[field]
    company = np.searchsorted(offsets, start, side="right") - 1
    # A match must end inside its own company's text: never across the separator.
    inside = end < offsets[company + 1]
    company, term, start = company[inside], term[inside], start[inside]
    n_terms = len(rules.terms) + 1
    span = int(offsets[-1]) + 1
    if (len(offsets) * n_terms) * span < 2**62:  # one int64 sort key: (company, term, start)
        pair = company * n_terms + term
        order = np.argsort(pair * span + start)
        pair = pair[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = pair[1:] != pair[:-1]
    else:
        order = np.lexsort((start, term, company))
        first = np.ones(len(order), dtype=bool)
        first[1:] = (company[order][1:] != company[order][:-1]) | (term[order][1:] != term[order][:-1])
    keep = order[first]
    company, term, start = company[keep], term[keep], start[keep]
    return company, np.full(len(keep), f_idx, dtype=np.int64), term, start - offsets[company]


def _no_hits() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64") for c in ("company", "field", "term", "start")})
