"""Turning term hits into scores whose evidence rows add up to them, for every (company, theme).

The steps (see ``seeds/README.md``): keyword and label points → once per term → cap per field →
region bonus or gate → cap at 100 → gates, filters, vetoes and penalties. Each step writes its effect
into the evidence rows themselves, so the points of a pair's rows always sum to its score.

Everything is vectorised over the whole universe with numpy: rows are dicts of equal-length arrays
(:data:`Rows`), grouped by an integer *pair key* ``company × n_themes + theme`` and processed with
sorts and segment sums. Strings are interned in :class:`~npf_screen.screening.matching.StringTable` objects
and decoded only when a user asks for evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from npf_screen.core.ordering import lex_order, run_starts
from npf_screen.rules.model import FIELDS, ThemeSet
from npf_screen.screening.centrality import (
    CONFIRM_SHARE,
    confirmed_pairs,
    listed_points,
    position_factor,
    position_notes,
    sense_mask,
    tied_to_business,
)
from npf_screen.screening.codes import FIXED_NOTES, EvidenceKind, LabelKind, Note
from npf_screen.screening.matching import FIELD_INDEX, CompiledRules, StringTable, hit_key, label_hits
from npf_screen.screening.texts import PreparedTexts

__all__ = ["EVIDENCE_FIELDS", "Scored", "score_pairs", "term_text"]

KEYWORD, INDUSTRY, CONCEPT, REGION, GATE, FILTER, VETO, PENALTY = EvidenceKind
#: Field names of evidence rows: the text fields, then the pseudo-fields region and filter.
EVIDENCE_FIELDS: tuple[str, ...] = (*FIELDS, "region", "filter")
_REGION_FIELD, _FILTER_FIELD = len(FIELDS), len(FIELDS) + 1
_COLUMNS = ("company", "theme", "field", "term", "word", "start", "kind", "group", "raw", "points", "note")
_FLOATS = ("raw", "points")
MAX_SCORE = 100.0

#: Evidence rows as columns: each of :data:`_COLUMNS` → an array, all of one length.
Rows = dict[str, np.ndarray]


@dataclass(frozen=True)
class Scored:
    """Scoring output: numeric evidence and score tables plus the strings their codes refer to.

    ``evidence`` columns: company, theme (positions), field (index into :data:`EVIDENCE_FIELDS`), term
    (key into ``CompiledRules.terms``, -1 when the row's words are in ``words``), word, start, kind
    (:class:`~npf_screen.screening.codes.EvidenceKind`), group (keyword group label code), raw, points,
    note (code into ``notes``: a :class:`~npf_screen.screening.codes.Note`, then per-screen texts).
    Rows are ordered by company, theme, then points (best first). ``scores`` columns: company, theme,
    score, positive, support (the positive points before the total cap of 100: orders ties), qualified.
    """

    evidence: pd.DataFrame
    scores: pd.DataFrame
    notes: StringTable
    words: StringTable


def _rows(**columns: object) -> Rows:
    """Evidence rows; scalars broadcast, missing columns default to 0 (term and start: -1)."""
    n = next((len(v) for v in columns.values() if isinstance(v, np.ndarray | list)), 0)
    out: Rows = {}
    for name in _COLUMNS:
        value = columns.get(name, -1 if name in ("term", "start") else 0)
        dtype = "float64" if name in _FLOATS else "int64"
        out[name] = np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()
    return out


def _concat(parts: list[Rows]) -> Rows:
    return {name: np.concatenate([p[name] for p in parts]) for name in _COLUMNS}


def _take(rows: Rows, index: np.ndarray) -> Rows:
    return {name: values[index] for name, values in rows.items()}


def _reorder(rows: Rows, index: np.ndarray) -> Rows:
    """:func:`_take` in place, a column at a time: each old column is released before the next is
    gathered, so the rows never exist twice (less memory to fault in on every screen)."""
    for name in list(rows):
        rows[name] = rows[name][index]
    return rows


def _append(rows: Rows, more: Rows) -> Rows:
    """``more`` appended to ``rows`` in place, a column at a time (see :func:`_reorder`)."""
    for name in _COLUMNS:
        rows[name] = np.concatenate([rows[name], more[name]])
    return rows


def _capped(amount: np.ndarray, group: np.ndarray, cap: np.ndarray | float) -> np.ndarray:
    """Allocate ``cap`` to rows in order within runs of equal ``group``: a running-sum cut-off."""
    if not len(amount):
        return amount.copy()
    starts = run_starts(group)
    running = np.cumsum(amount)
    before = np.repeat(running[starts] - amount[starts], np.diff(np.r_[starts, len(amount)]))
    return np.clip(cap - (running - before - amount), 0.0, amount)


def _member(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``np.isin`` for integer keys through a lookup table over their range (at most companies ×
    themes × fields): no sort, no hashing."""
    return np.isin(values, np.asarray(keys, dtype="int64"), kind="table")


def _first_per(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """Indices of the first row of each distinct key tuple, rows ordered by the keys (last = major)."""
    order = lex_order(keys)
    major = [k[order] for k in keys[1:]]
    first = np.ones(len(order), dtype=bool)
    if len(order):
        first[1:] = np.any([m[1:] != m[:-1] for m in major], axis=0)
    return order[first]


class _Scorer:
    """One screen's scoring state: the hits, the pair keys and the interned strings."""

    def __init__(self, themes: ThemeSet, rules: CompiledRules, texts: PreparedTexts, universe: pd.DataFrame):
        self.themes, self.rules, self.universe, self.texts = themes, rules, universe, texts
        self.themes_list = list(themes)
        self.n_themes = len(rules.theme_ids)
        self.notes, self.words = StringTable(FIXED_NOTES), StringTable()
        self.label_company, self.label_term = label_hits(rules, texts)
        #: every (company label, rule row naming it): positive labels and exclusions take their part
        self.label_left, self.label_rows = rules.label_rows.join(self.label_term)

    def pair(self, rows: Rows) -> np.ndarray:
        return rows["company"] * self.n_themes + rows["theme"]

    # 1-2. keywords and labels, once per term, capped per field --------------------------------
    def positive(self, hits: dict[str, np.ndarray]) -> Rows:
        rules = self.rules
        left, kw = rules.keyword_rows.join(hits["key"])
        company, field, term = hits["company"][left], hits["field"][left], hits["term"][left]
        start = hits["start"][left]
        # centrality: a term far down a list counts less; a hit in another sense counts nothing
        factor, item = position_notes(self.texts, company, field, start)
        in_sense = sense_mask(rules, self.texts, company, field, term, kw["sense"])
        notes = np.zeros(len(left), dtype="int64")
        down = np.flatnonzero(factor < 1)
        notes[down] = self.notes.codes_by(
            item[down], lambda at: f"list item {at + 1} of its text: x{position_factor(np.array([at]))[0]:g}"
        )
        other = np.flatnonzero(~in_sense)
        notes[other] = self.notes.codes_by(
            kw["sense"][other], lambda k: f"other sense: {_describe(rules, k)}"
        )
        raw = np.where(in_sense, listed_points(kw["raw"], factor, rules.min_score[kw["theme"]]), 0.0)
        capped = self._group_capped(company * self.n_themes + kw["theme"], term, kw["slot"], raw)
        at_cap = np.flatnonzero(capped < raw)
        notes[at_cap] = self.notes.codes_by(
            kw["slot"][at_cap],
            lambda slot: f"group cap {rules.group_caps[slot]:g} reached: its synonyms name one business",
        )
        keyword = _rows(
            company=company,
            theme=kw["theme"],
            field=field,
            term=term,
            start=start,
            kind=KEYWORD,
            group=kw["group"],
            raw=capped,
            note=notes,
        )
        left, lb = self.label_left, self.label_rows
        keep = lb["kind"] != LabelKind.EXCLUSION
        kind = np.where(lb["kind"][keep] == LabelKind.INDUSTRY, INDUSTRY, CONCEPT)
        labels = _rows(
            company=self.label_company[left][keep],
            theme=lb["theme"][keep],
            term=self.label_term[left][keep],
            kind=kind,
            raw=lb["raw"][keep],
            field=np.where(kind == INDUSTRY, FIELD_INDEX["industry"], FIELD_INDEX["concepts"]),
        )
        rows = _append(keyword, labels)
        del keyword, labels
        pair = self.pair(rows)
        # 1. a term counts once per (company, theme): in its best field
        rows = _reorder(rows, lex_order((rows["field"], -rows["raw"], rows["term"], pair)))
        pair = self.pair(rows)
        repeated = np.r_[False, (pair[1:] == pair[:-1]) & (rows["term"][1:] == rows["term"][:-1])]
        rows["points"] = np.where(repeated, 0.0, rows["raw"])
        rows["note"] = np.where(repeated & (rows["raw"] > 0), Note.BETTER_FIELD, rows["note"])
        # 2. one field gives at most max_per_field points
        rows = _reorder(rows, lex_order((-rows["points"], rows["field"], pair)))
        pair = self.pair(rows)
        capped = _capped(
            rows["points"],
            pair * len(EVIDENCE_FIELDS) + rows["field"],
            self.rules.max_per_field[rows["theme"]],
        )
        rows["note"] = np.where(capped < rows["points"], Note.FIELD_CAP, rows["note"])
        rows["points"] = capped
        return rows

    def _group_capped(
        self, pair: np.ndarray, term: np.ndarray, slot: np.ndarray, raw: np.ndarray
    ) -> np.ndarray:
        """Keyword points after the groups' ``max_points``: each term's best hit takes its share of
        the cap in order of points; every hit of the term is bounded by that share."""
        caps = self.rules.group_caps[slot] if len(slot) else np.zeros(0)
        idx = np.flatnonzero(np.isfinite(caps) & (raw > 0))
        out = raw.copy()
        if not len(idx):
            return out
        n_terms = len(self.rules.terms)
        key = pair[idx] * n_terms + term[idx]
        best = idx[_first_per((-raw[idx], key))]  # the best hit of each (pair, term)
        best = best[lex_order((-raw[best], slot[best], pair[best]))]
        share = _capped(raw[best], pair[best] * len(self.rules.group_caps) + slot[best], caps[best])
        best_key = pair[best] * n_terms + term[best]
        order = np.argsort(best_key)
        at = order[np.searchsorted(best_key[order], key)]
        out[idx] = np.minimum(raw[idx], share[at])
        return out

    # 5. regional themes: bonus in the region, through text naming it, or a gate ----------------
    def region(self, hits: dict[str, np.ndarray], pairs: np.ndarray, positive: Rows) -> Rows:
        regional = {i: t.region for i, t in enumerate(self.themes) if t.region is not None}
        pairs = pairs[np.isin(pairs % self.n_themes, list(regional))]
        if not len(pairs):
            return _rows()
        company, theme = pairs // self.n_themes, pairs % self.n_themes
        province_code, provinces, city_code, cities = self.texts.remembered("locations", self._locations)
        in_province = np.zeros((self.n_themes, len(provinces) + 1), dtype=bool)
        in_city = np.zeros((self.n_themes, len(cities) + 1), dtype=bool)
        weight = np.zeros(self.n_themes)
        province_slot = {str(p): i for i, p in enumerate(provinces)}
        city_slot = {str(c): i for i, c in enumerate(cities)}
        for i, region in regional.items():
            in_province[i, [province_slot[p] for p in region.provinces if p in province_slot]] = True
            towns = (c.removesuffix("市") for c in region.cities)
            in_city[i, [city_slot[c] for c in towns if c in city_slot]] = True
            weight[i] = region.weight
        located = in_province[theme, province_code[company]] | in_city[theme, city_code[company]]
        home = [*map(str, provinces), "unknown province"]
        town = [*map(str, cities), ""]
        inside = company[located]
        inside_rows = _rows(
            company=inside,
            theme=theme[located],
            field=_REGION_FIELD,
            kind=REGION,
            word=self.words.codes_by(province_code[inside], lambda at: home[at]),
            raw=weight[theme[located]],
            points=weight[theme[located]],
            note=self.notes.codes_by(
                province_code[inside] * len(town) + city_code[inside],
                lambda key: f"located in {home[key // len(town)]} {town[key % len(town)]}".strip(),
            ),
        )
        outside = pairs[~located]
        left, rg = self.rules.region_rows.join(hits["key"])
        named_pair = hits["company"][left] * self.n_themes + rg["theme"]
        tied = self._tied(hits, left, named_pair, _member(named_pair, outside), positive)
        left, named_pair = left[tied], named_pair[tied]
        first = _first_per((hits["start"][left], named_pair))
        named_pair, named_hit = named_pair[first], left[first]
        at = np.minimum(np.searchsorted(named_pair, outside), max(len(named_pair) - 1, 0))
        by_text = (named_pair[at] == outside) if len(named_pair) else np.zeros(len(outside), dtype=bool)
        hit = named_hit[at[by_text]]
        text_theme = outside[by_text] % self.n_themes
        text_rows = _rows(
            company=hits["company"][hit],
            theme=text_theme,
            field=hits["field"][hit],
            term=hits["term"][hit],
            start=hits["start"][hit],
            kind=REGION,
            raw=weight[text_theme],
            points=weight[text_theme],
            note=Note.NAMES_REGION,
        )
        gated = outside[~by_text] // self.n_themes
        gate_notes = np.array(
            [
                self.notes.code(f"outside the region (located in {h}); no text ties the business to it")
                for h in home
            ],
            dtype="int64",
        )
        gate_rows = _rows(
            company=gated,
            theme=outside[~by_text] % self.n_themes,
            field=_REGION_FIELD,
            kind=GATE,
            raw=np.inf,
            note=gate_notes[province_code[gated]],
        )
        return _concat([inside_rows, text_rows, gate_rows])

    def _locations(self) -> tuple[np.ndarray, pd.Index, np.ndarray, pd.Index]:
        """(province code of each company, the provinces, city code, the cities without 市); an
        unknown province or city has the code one past the last."""
        province_code, provinces = pd.factorize(self.universe["province"])
        city_code, cities = pd.factorize(self.universe["city"].str.removesuffix("市"))
        province_code = np.where(province_code < 0, len(provinces), province_code)
        city_code = np.where(city_code < 0, len(cities), city_code)
        return province_code, provinces, city_code, cities

    def _tied(
        self,
        hits: dict[str, np.ndarray],
        left: np.ndarray,
        named_pair: np.ndarray,
        wanted: np.ndarray,
        positive: Rows,
    ) -> np.ndarray:
        """Which region-term hits (``left``, of pairs ``named_pair``) lie near the theme's own keyword
        hits in the same text; only the ``wanted`` ones are checked, the others are False."""
        wanted_key = named_pair[wanted] * len(FIELDS) + hits["field"][left[wanted]]
        key = self.pair(positive) * len(FIELDS) + positive["field"]
        scoring = (positive["kind"] == KEYWORD) & (positive["raw"] > 0) & _member(key, wanted_key)
        found: dict[int, list[str]] = {}
        for k, t in zip(key[scoring].tolist(), positive["term"][scoring].tolist(), strict=True):
            found.setdefault(k, []).append(self.rules.terms[t])
        tied = np.zeros(len(left), dtype=bool)
        for i in np.flatnonzero(wanted):
            hit, pair = left[i], named_pair[i]
            field = int(hits["field"][hit])
            terms = found.get(int(pair) * len(FIELDS) + field)
            region = self.themes_list[int(pair % self.n_themes)].region
            if terms and region is not None:
                word = [self.rules.terms[int(hits["term"][hit])]]
                company = int(hits["company"][hit])
                tied[i] = tied_to_business(self.texts, company, field, word, terms, region.tie_window)
        return tied

    # 7. filters, vetoes and penalties ---------------------------------------------------------
    def filters(self, live: np.ndarray) -> Rows:
        parts = [_rows()]
        for t_idx, theme in enumerate(self.themes):
            for rule in theme.filters:
                values = self.universe[rule.column].to_numpy(dtype="float64")
                ok = np.isnan(values) if rule.missing == "pass" else np.zeros(len(values), dtype=bool)
                within = np.ones(len(values), dtype=bool)
                if rule.min is not None:
                    within &= values >= rule.min
                if rule.max is not None:
                    within &= values <= rule.max
                company = live[live % self.n_themes == t_idx] // self.n_themes
                company = company[~(ok | within)[company]]
                shown = [
                    f"{rule.column} = {values[c]:g}" if not np.isnan(values[c]) else f"{rule.column} unknown"
                    for c in company
                ]
                notes = [self.notes.code(f"filtered out: {s} fails {rule.describe()}") for s in shown]
                parts.append(
                    _rows(
                        company=company,
                        theme=t_idx,
                        field=_FILTER_FIELD,
                        kind=FILTER,
                        raw=np.inf,
                        word=self.words.code(rule.describe()),
                        note=np.array(notes, dtype="int64"),
                    )
                )
        return _concat(parts)

    def exclusions(self, hits: dict[str, np.ndarray], live: np.ndarray) -> Rows:
        left, ex = self.rules.exclusion_rows.join(hits["key"])
        by_text = {
            "company": hits["company"][left],
            "field": hits["field"][left],
            "term": hits["term"][left],
            "start": hits["start"][left],
            **ex,
        }
        left, lb = self.label_left, self.label_rows
        keep = lb["kind"] == LabelKind.EXCLUSION
        n = int(keep.sum())
        by_label = {
            "company": self.label_company[left][keep],
            "field": np.full(n, FIELD_INDEX["industry"]),
            "term": self.label_term[left][keep],
            "start": np.full(n, -1),
            "reason": np.zeros(n, "int64"),
            **{k: lb[k][keep] for k in ("theme", "exclusion", "penalty", "veto")},
        }
        rows = {k: np.concatenate([by_text[k], by_label[k]]) for k in by_label}
        pair = rows["company"] * self.n_themes + rows["theme"]
        in_live = _member(pair, live)
        rows = {k: v[in_live] for k, v in rows.items()}
        first = _first_per(
            (rows["start"], rows["exclusion"], rows["company"] * self.n_themes + rows["theme"])
        )
        rows = {k: v[first] for k, v in rows.items()}
        veto = rows["veto"] == 1
        reasons = self.rules.strings.values

        def note(key: int) -> str:  # key: reason code × 2 + veto
            reason = reasons[key // 2]
            return f"{'veto' if key % 2 else 'penalty'}{': ' + reason if reason else ''}"

        notes = self.notes.codes_by(rows["reason"] * 2 + veto, note)
        return _rows(
            company=rows["company"],
            theme=rows["theme"],
            field=rows["field"],
            term=rows["term"],
            start=rows["start"],
            kind=np.where(veto, VETO, PENALTY),
            raw=np.where(veto, np.inf, rows["penalty"]),
            note=notes,
        )


def _merge_ready(pair: np.ndarray, points: np.ndarray, negative_points: np.ndarray) -> bool:
    """Whether positive rows (``pair``, ``points``) are already ordered by pair, then points desc,
    and no negative row outranks a positive one: then merging by pair orders the evidence."""
    ordered = np.all((pair[1:] > pair[:-1]) | ((pair[1:] == pair[:-1]) & (points[1:] <= points[:-1])))
    return bool(ordered and points.min(initial=0.0) >= 0.0 and negative_points.max(initial=0.0) <= 0.0)


def _describe(rules: CompiledRules, sense: int) -> str:
    rule = rules.senses[sense]
    return rule.describe() if rule else ""


def _sums(pair: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct pair keys, sum of values per key) for rows sorted by pair."""
    starts = run_starts(pair)
    return pair[starts], (np.add.reduceat(values, starts) if len(starts) else np.zeros(0))


def _sums_at(starts: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sum of points, sum of the positive points) of each run of rows beginning at ``starts``."""
    if not len(starts):
        return np.zeros(0), np.zeros(0)
    return np.add.reduceat(points, starts), np.add.reduceat(np.clip(points, 0.0, None), starts)


def _owed(early: Rows, pair_of, pair: np.ndarray) -> np.ndarray:
    """Per row of ``pair``: the penalty points its pair will pay (vetoes aside)."""
    penalty = early["kind"] == PENALTY
    keys = pair_of(early)[penalty]
    order = np.argsort(keys, kind="stable")
    keys, sums = _sums(keys[order], early["raw"][penalty][order])
    if not len(keys):
        return np.zeros(len(pair))
    at = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
    return np.where(keys[at] == pair, sums[at], 0.0)


def score_pairs(
    themes: ThemeSet, rules: CompiledRules, texts: PreparedTexts, universe: pd.DataFrame, hits: pd.DataFrame
) -> Scored:
    """Score every (company, theme) pair with any match; see :class:`Scored` for the tables."""
    scorer = _Scorer(themes, rules, texts, universe)
    hit = {c: hits[c].to_numpy(dtype="int64") for c in ("company", "field", "term", "start")}
    hit["key"] = hit_key(hit["term"], hit["field"])  # the join key of every rule table, computed once
    positive = scorer.positive(hit)
    pair_keys, before = _sums(scorer.pair(positive), positive["points"])  # rows are sorted by pair
    region = scorer.region(hit, pair_keys[before > 0], positive)
    is_gate = region["kind"] == GATE
    positive = _append(positive, _take(region, np.flatnonzero(~is_gate)))
    # 6. the positive total is capped at 100, best rows first; without a theme term in the
    # company's own text (labels and scope alone) at the theme's unconfirmed cap
    positive = _reorder(positive, lex_order((-positive["points"], scorer.pair(positive))))
    pair = scorer.pair(positive)
    needed = CONFIRM_SHARE * rules.min_score[positive["theme"]]
    confirmed = confirmed_pairs(
        pair, positive["field"], positive["kind"] == KEYWORD, positive["points"], needed
    )
    # by default only scope-backed pairs are capped (labels alone are weighted in the rules); a theme
    # with its own unconfirmed_cap caps labels alone too
    scope = (positive["kind"] == KEYWORD) & (positive["field"] == FIELD_INDEX["business_scope"])
    scoped = _member(pair, pair[scope & (positive["points"] > 0)])
    unconfirmed = ~_member(pair, confirmed) & (scoped | rules.cap_labels[positive["theme"]])
    # the cap bounds the final score: penalties the pair will pay are added to it here
    support_keys, support = _sums(pair, positive["points"])
    scored_pairs = support_keys[support > 0]
    # computed once: the live pairs below are among these (capping lowers points, never raises them)
    excluded = scorer.exclusions(hit, scored_pairs)
    owed = _owed(excluded, scorer.pair, pair)
    limit = np.minimum(rules.confirm_cap[positive["theme"]] + owed, MAX_SCORE)
    cap = np.where(unconfirmed, limit, MAX_SCORE)
    # support orders ties of score: an unconfirmed company's support is its capped total, never more
    if len(pair):
        first = run_starts(pair)
        support = np.where(unconfirmed[first], np.minimum(support, cap[first]), support)
    capped = _capped(positive["points"], pair, cap)
    cut = capped < positive["points"]
    positive["note"] = np.where(
        cut, np.where(unconfirmed & (cap < MAX_SCORE), Note.UNCONFIRMED, Note.SCORE_CAP), positive["note"]
    )
    positive["points"] = capped
    pair_keys, totals = _sums(scorer.pair(positive), positive["points"])
    live, live_total = pair_keys[totals > 0], totals[totals > 0]
    # 7. gates and filters cancel everything; vetoes too; penalties subtract, never below zero
    negative = _concat(
        [
            _take(region, np.flatnonzero(is_gate)),
            scorer.filters(live),
            _take(excluded, np.flatnonzero(_member(scorer.pair(excluded), live))),
        ]
    )
    order = np.select(
        [negative["kind"] == GATE, negative["kind"] == FILTER, negative["kind"] == VETO], [0, 1, 2], 3
    )
    negative = _reorder(negative, lex_order((negative["start"], order, scorer.pair(negative))))
    pair = scorer.pair(negative)
    total = live_total[np.searchsorted(live, pair)] if len(pair) else np.zeros(0)
    negative["raw"] = np.minimum(negative["raw"], total)
    negative["points"] = -_capped(negative["raw"], pair, total)
    for part in (positive, negative):
        part["points"], part["raw"] = part["points"].round(2), part["raw"].round(2)
    negative = _reorder(negative, lex_order((-negative["points"], scorer.pair(negative))))
    pair = np.concatenate([scorer.pair(positive), scorer.pair(negative)])
    if _merge_ready(pair[: len(positive["points"])], positive["points"], negative["points"]):
        order = np.argsort(pair, kind="stable")  # two ordered runs: a linear merge
    else:
        order = lex_order((-np.concatenate([positive["points"], negative["points"]]), pair))
    # by pair, then points desc (ties keep their order); built a column at a time (see _reorder)
    evidence = {name: np.concatenate([positive.pop(name), negative.pop(name)])[order] for name in _COLUMNS}
    pair = scorer.pair(evidence)
    starts = run_starts(pair)
    pair_keys, score, gain = pair[starts], *_sums_at(starts, evidence["points"])
    score = score.round(2).clip(min=0.0)
    theme = pair_keys % scorer.n_themes
    scores = pd.DataFrame(
        {
            "company": pair_keys // scorer.n_themes,
            "theme": theme,
            "score": score,
            "positive": gain.round(2),
            "support": support[np.searchsorted(support_keys, pair_keys)].round(2)
            if len(pair_keys)
            else np.zeros(0),
            "qualified": (score > 0) & (score >= rules.min_score[theme]),
        }
    )
    return Scored(pd.DataFrame(evidence, copy=False), scores, scorer.notes, scorer.words)


def term_text(rules: CompiledRules, scored: Scored, term: np.ndarray, word: np.ndarray) -> np.ndarray:
    """The words of evidence rows: the rule term (as spelled) for a term key, else the interned word."""
    labels = np.asarray([*rules.term_labels, ""], dtype=object)  # key -1 → the trailing ""
    return np.where(term >= 0, labels[term], scored.words.decode(word))
