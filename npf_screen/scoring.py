"""Turning term hits into scores whose evidence rows add up to them, for every (company, theme).

The steps (see ``seeds/README.md``): keyword and label points → once per term → cap per field →
region bonus or gate → cap at 100 → gates, filters, vetoes and penalties. Each step writes its effect
into the evidence rows themselves, so the points of a pair's rows always sum to its score.
Everything is vectorised over the whole universe; the tables stay numeric (strings are interned in
:class:`~npf_screen.matching.StringTable` objects and decoded only when a user asks for evidence).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .matching import FIELD_INDEX, CompiledRules, PreparedTexts, StringTable, label_hits
from .rules import FIELDS, ThemeSet

__all__ = ["EVIDENCE_FIELDS", "KINDS", "Scored", "score_pairs"]

#: What an evidence row records; ``kind`` codes index this tuple.
KINDS: tuple[str, ...] = ("keyword", "industry", "concept", "region", "gate", "filter", "veto", "penalty")
KEYWORD, INDUSTRY, CONCEPT, REGION, GATE, FILTER, VETO, PENALTY = range(len(KINDS))
#: Field names of evidence rows: the text fields, then the pseudo-fields region and filter.
EVIDENCE_FIELDS: tuple[str, ...] = (*FIELDS, "region", "filter")
_REGION_FIELD, _FILTER_FIELD = len(FIELDS), len(FIELDS) + 1
_PAIR = ["company", "theme"]
_COLUMNS = ["company", "theme", "field", "term", "word", "start", "kind", "group", "raw", "points", "note"]
_FLOATS = ("raw", "points")
MAX_SCORE = 100.0
BETTER_FIELD, FIELD_CAP, SCORE_CAP, NAMES_REGION = 1, 2, 3, 4


@dataclass(frozen=True)
class Scored:
    """Scoring output: numeric evidence and score tables plus the strings their codes refer to.

    ``evidence`` columns: company, theme (positions), field (index into :data:`EVIDENCE_FIELDS`), term
    (key into ``CompiledRules.terms``, -1 when the row's words are in ``words``), word, start, kind
    (index into :data:`KINDS`), group (keyword group label code), raw, points, note (code into ``notes``).
    ``scores`` columns: company, theme, score, positive, qualified.
    """

    evidence: pd.DataFrame
    scores: pd.DataFrame
    notes: StringTable
    words: StringTable


def _rows(**columns: object) -> pd.DataFrame:
    """An evidence-shaped frame; scalars broadcast, missing columns default to 0 / -1."""
    n = next((len(v) for v in columns.values() if isinstance(v, np.ndarray | list | pd.Series)), 0)
    data = {}
    for name in _COLUMNS:
        value = columns.get(name, -1 if name in ("term", "start") else 0)
        dtype = "float64" if name in _FLOATS else "int64"
        data[name] = np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy() if n else np.empty(0, dtype)
    return pd.DataFrame(data)


def _segments(keys: np.ndarray) -> np.ndarray:
    """Start index of each run of equal values in sorted ``keys``."""
    if not len(keys):
        return np.zeros(0, dtype="int64")
    return np.r_[0, np.flatnonzero(keys[1:] != keys[:-1]) + 1]


def _capped_runs(amount: np.ndarray, group: np.ndarray, cap: np.ndarray | float) -> np.ndarray:
    """Allocate ``cap`` to rows in order within runs of equal ``group``: a running-sum cut-off."""
    if not len(amount):
        return amount.copy()
    starts = _segments(group)
    running = np.cumsum(amount)
    offset = np.repeat(running[starts] - amount[starts], np.diff(np.r_[starts, len(amount)]))
    return np.clip(cap - (running - offset - amount), 0.0, amount)


def _capped(
    frame: pd.DataFrame, keys: list[str], cap: np.ndarray | float, value: str = "points"
) -> np.ndarray:
    """:func:`_capped_runs` for a frame already sorted by ``keys``."""
    group = frame.groupby(keys, sort=False).ngroup().to_numpy()
    return _capped_runs(frame[value].to_numpy(), group, cap)


def _positive_rows(rules: CompiledRules, labelled: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    keyword = hits.merge(rules.keyword_rows, on=["term", "field"])
    labels = labelled.merge(rules.label_rows[rules.label_rows["kind"] < 2], on="term")
    label_kind = np.where(labels["kind"].to_numpy() == 0, INDUSTRY, CONCEPT)
    rows = pd.concat(
        [
            _rows(
                company=keyword["company"],
                theme=keyword["theme"],
                field=keyword["field"],
                term=keyword["term"],
                start=keyword["start"],
                kind=KEYWORD,
                group=keyword["group"],
                raw=keyword["raw"],
            ),
            _rows(
                company=labels["company"],
                theme=labels["theme"],
                term=labels["term"],
                kind=label_kind,
                field=np.where(label_kind == INDUSTRY, FIELD_INDEX["industry"], FIELD_INDEX["concepts"]),
                raw=labels["raw"],
            ),
        ],
        ignore_index=True,
    )
    n_themes = len(rules.theme_ids)
    pair = rows["company"].to_numpy() * n_themes + rows["theme"].to_numpy()
    term, field, raw = rows["term"].to_numpy(), rows["field"].to_numpy(), rows["raw"].to_numpy()
    # 1. a term counts once per (company, theme): in its best field
    order = np.lexsort((field, -raw, term, pair))
    pair, term, field, raw = pair[order], term[order], field[order], raw[order]
    repeated = np.r_[False, (pair[1:] == pair[:-1]) & (term[1:] == term[:-1])]
    points = np.where(repeated, 0.0, raw)
    note = np.where(repeated, BETTER_FIELD, 0)
    # 2. one field gives at most max_per_field points
    order2 = np.lexsort((-points, field, pair))
    order, pair, field, points, note = (
        order[order2],
        pair[order2],
        field[order2],
        points[order2],
        note[order2],
    )
    group = pair * len(EVIDENCE_FIELDS) + field
    capped = _capped_runs(points, group, rules.max_per_field[pair % n_themes])
    rows = rows.iloc[order].reset_index(drop=True)
    rows["note"] = np.where(capped < points, FIELD_CAP, note)
    rows["points"] = capped
    return rows


def _region_rows(
    themes: ThemeSet,
    rules: CompiledRules,
    universe: pd.DataFrame,
    hits: pd.DataFrame,
    pairs: pd.DataFrame,
    notes: StringTable,
    words: StringTable,
) -> pd.DataFrame:
    regional = {i: t.region for i, t in enumerate(themes) if t.region is not None}
    pairs = pairs[pairs["theme"].isin(list(regional))]
    if pairs.empty:
        return _rows()
    province_code, provinces = pd.factorize(universe["province"])
    city_code, cities = pd.factorize(universe["city"].str.removesuffix("市"))
    province_code = np.where(province_code < 0, len(provinces), province_code)  # unknown: the last slot
    city_code = np.where(city_code < 0, len(cities), city_code)
    in_province = np.zeros((len(rules.theme_ids), len(provinces) + 1), dtype=bool)  # last column: unknown
    in_city = np.zeros((len(rules.theme_ids), len(cities) + 1), dtype=bool)
    weight = np.zeros(len(rules.theme_ids))
    for i, region in regional.items():
        in_province[i, :-1] = pd.Index(provinces).isin(region.provinces)
        in_city[i, :-1] = pd.Index(cities).isin([c.removesuffix("市") for c in region.cities])
        weight[i] = region.weight
    company, theme = pairs["company"].to_numpy(), pairs["theme"].to_numpy()
    located = in_province[theme, province_code[company]] | in_city[theme, city_code[company]]
    home = np.append(np.asarray(provinces, dtype=object), "unknown province")
    town = np.append(np.asarray(cities, dtype=object), "")
    place = {
        (p, c): f"{home[p]} {town[c]}".strip()
        for p, c in zip(province_code[company[located]], city_code[company[located]], strict=True)
    }
    located_notes = np.array(
        [
            notes.code(f"located in {place[p, c]}")
            for p, c in zip(province_code[company[located]], city_code[company[located]], strict=True)
        ],
        dtype="int64",
    )
    gate_note = {
        p: notes.code(f"outside the region (located in {home[p]}); no text names it")
        for p in range(len(home))
    }
    province_word = {p: words.code(home[p]) for p in range(len(home))}
    named = hits.merge(rules.region_rows, on=["term", "field"]).drop_duplicates(_PAIR)
    elsewhere = pairs[~located].merge(named, on=_PAIR, how="left")
    by_text = elsewhere["term"].notna().to_numpy()
    text = elsewhere[by_text].astype("int64")
    gated = elsewhere[~by_text]["company"].to_numpy()
    return pd.concat(
        [
            _rows(
                company=company[located],
                theme=theme[located],
                field=_REGION_FIELD,
                kind=REGION,
                word=np.array([province_word[p] for p in province_code[company[located]]], dtype="int64"),
                raw=weight[theme[located]],
                points=weight[theme[located]],
                note=located_notes,
            ),
            _rows(
                company=text["company"],
                theme=text["theme"],
                field=text["field"],
                term=text["term"],
                start=text["start"],
                kind=REGION,
                raw=weight[text["theme"]],
                points=weight[text["theme"]],
                note=NAMES_REGION,
            ),
            _rows(
                company=gated,
                theme=elsewhere[~by_text]["theme"],
                field=_REGION_FIELD,
                kind=GATE,
                raw=np.inf,
                note=np.array([gate_note[p] for p in province_code[gated]], dtype="int64"),
            ),
        ],
        ignore_index=True,
    )


def _filter_rows(
    themes: ThemeSet, universe: pd.DataFrame, pairs: pd.DataFrame, notes: StringTable, words: StringTable
) -> pd.DataFrame:
    parts = [_rows()]
    for t_idx, theme in enumerate(themes):
        for rule in theme.filters:
            values = universe[rule.column].to_numpy(dtype="float64")
            ok = np.isnan(values) if rule.missing == "pass" else np.zeros(len(values), dtype=bool)
            within = np.ones(len(values), dtype=bool)
            if rule.min is not None:
                within &= values >= rule.min
            if rule.max is not None:
                within &= values <= rule.max
            chosen = pairs[(pairs["theme"] == t_idx) & ~(ok | within)[pairs["company"].to_numpy()]]
            shown = [
                f"{rule.column} = {values[c]:g}" if not np.isnan(values[c]) else f"{rule.column} unknown"
                for c in chosen["company"]
            ]
            parts.append(
                _rows(
                    company=chosen["company"],
                    theme=t_idx,
                    field=_FILTER_FIELD,
                    kind=FILTER,
                    raw=np.inf,
                    word=words.code(rule.describe()),
                    note=np.array([notes.code(f"filtered out: {s} fails {rule.describe()}") for s in shown]),
                )
            )
    return pd.concat(parts, ignore_index=True)


def _exclusion_rows(
    rules: CompiledRules, labelled: pd.DataFrame, hits: pd.DataFrame, pairs: pd.DataFrame, notes: StringTable
) -> pd.DataFrame:
    by_text = hits.merge(rules.exclusion_rows, on=["term", "field"])
    by_label = labelled.merge(rules.label_rows[rules.label_rows["kind"] == 2], on="term")
    by_label = by_label.assign(field=FIELD_INDEX["industry"], start=-1, reason=0)
    columns = ["company", "theme", "field", "term", "start", "exclusion", "penalty", "veto", "reason"]
    rows = pd.concat([by_text[columns], by_label[columns]], ignore_index=True).merge(pairs[_PAIR], on=_PAIR)
    rows = rows.sort_values([*_PAIR, "exclusion", "start"]).drop_duplicates([*_PAIR, "exclusion"])
    veto = rows["veto"].to_numpy() == 1
    reasons = rules.strings.decode(rows["reason"].to_numpy())
    note = [
        notes.code(f"{'veto' if v else 'penalty'}{': ' + r if r else ''}")
        for v, r in zip(veto, reasons, strict=True)
    ]
    return _rows(
        company=rows["company"],
        theme=rows["theme"],
        field=rows["field"],
        term=rows["term"],
        start=rows["start"],
        kind=np.where(veto, VETO, PENALTY),
        raw=np.where(veto, np.inf, rows["penalty"].to_numpy()),
        note=np.array(note),
    )


def score_pairs(
    themes: ThemeSet, rules: CompiledRules, texts: PreparedTexts, universe: pd.DataFrame, hits: pd.DataFrame
) -> Scored:
    """Score every (company, theme) pair with any match; see :class:`Scored` for the tables."""
    notes = StringTable(
        (
            "",
            "term already counted in a better field",
            "field cap reached",
            "score cap 100 reached",
            "company elsewhere; its text names the region",
        )
    )
    words = StringTable()
    labelled = label_hits(rules, texts)
    positive = _positive_rows(rules, labelled, hits)
    before = positive.groupby(_PAIR, as_index=False)["points"].sum()
    region = _region_rows(themes, rules, universe, hits, before[before["points"] > 0], notes, words)
    is_gate = region["kind"].to_numpy() == GATE
    positive = pd.concat([positive, region[~is_gate]], ignore_index=True)
    # 6. the positive total is capped at 100, best rows first
    n_themes = len(rules.theme_ids)
    pair = positive["company"].to_numpy() * n_themes + positive["theme"].to_numpy()
    order = np.lexsort((-positive["points"].to_numpy(), pair))
    positive = positive.iloc[order].reset_index(drop=True)
    capped = _capped_runs(positive["points"].to_numpy(), pair[order], MAX_SCORE)
    positive["note"] = np.where(
        capped < positive["points"].to_numpy(), SCORE_CAP, positive["note"].to_numpy()
    )
    positive["points"] = capped
    total = positive.groupby(_PAIR, as_index=False)["points"].sum().rename(columns={"points": "positive"})
    live = total[total["positive"] > 0]
    # 7. gates and filters cancel everything; vetoes too; penalties subtract, never below zero
    negative = pd.concat(
        [
            region[is_gate],
            _filter_rows(themes, universe, live, notes, words),
            _exclusion_rows(rules, labelled, hits, live, notes),
        ],
        ignore_index=True,
    ).merge(live, on=_PAIR)
    order = np.select(
        [negative["kind"] == GATE, negative["kind"] == FILTER, negative["kind"] == VETO], [0, 1, 2], 3
    )
    negative = negative.assign(order=order).sort_values([*_PAIR, "order", "start"], kind="stable")
    negative["raw"] = np.minimum(negative["raw"].to_numpy(), negative["positive"].to_numpy())
    negative["points"] = -_capped(negative, _PAIR, negative["positive"].to_numpy(), value="raw")
    evidence = pd.concat([positive, negative[_COLUMNS]], ignore_index=True)
    evidence["points"] = evidence["points"].round(2)
    evidence["raw"] = evidence["raw"].round(2)
    evidence = evidence.sort_values([*_PAIR, "points"], ascending=[True, True, False], kind="stable")
    evidence["gain"] = evidence["points"].clip(lower=0.0)
    scores = evidence.groupby(_PAIR, as_index=False).agg(score=("points", "sum"), positive=("gain", "sum"))
    scores["score"] = scores["score"].round(2).clip(lower=0.0)
    scores["positive"] = scores["positive"].round(2)
    scores["qualified"] = (scores["score"] > 0) & (
        scores["score"] >= rules.min_score[scores["theme"].to_numpy()]
    )
    return Scored(evidence.drop(columns="gain").reset_index(drop=True), scores, notes, words)
