"""Turning term hits into scores whose evidence rows add up to them, for every (company, theme).

The steps (see ``seeds/README.md``): keyword and label points → once per term → cap per field →
region gate or bonus → cap at 100 → gates, filters, vetoes and penalties. Each step writes its effect
into the evidence rows themselves, so ``evidence.groupby(pair).points.sum() == score`` always.
All steps are vectorised over the whole universe.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .matching import FIELD_INDEX, CompiledRules, PreparedTexts, label_hits
from .rules import FIELDS, ThemeSet

__all__ = ["EVIDENCE_COLUMNS", "score_pairs"]

#: Columns of the internal evidence table: company and theme are positions, term a key into
#: ``CompiledRules.terms`` (-1 for region/filter rows, whose words are in ``text``).
EVIDENCE_COLUMNS = [
    "company",
    "theme",
    "field",
    "term",
    "text",
    "start",
    "kind",
    "label",
    "raw",
    "points",
    "note",
]
MAX_SCORE = 100.0
_PAIR = ["company", "theme"]
_FIELD_NAMES = np.array([*FIELDS, "region", "filter"], dtype=object)
_REGION_FIELD, _FILTER_FIELD = len(FIELDS), len(FIELDS) + 1


_DTYPES = {
    "company": "int64",
    "theme": "int64",
    "field": "int64",
    "term": "int64",
    "text": "object",
    "start": "int64",
    "kind": "object",
    "label": "object",
    "raw": "float64",
    "points": "float64",
    "note": "object",
}


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in EVIDENCE_COLUMNS})


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate evidence-shaped frames, keeping dtypes when some (or all) are empty."""
    kept = [f for f in frames if len(f)]
    if not kept:
        return _empty_rows().assign(
            **{c: pd.Series(dtype="object") for c in frames[0].columns if c not in _DTYPES}
        )
    out = pd.concat(kept, ignore_index=True)
    return out.astype({c: t for c, t in _DTYPES.items() if c in out.columns and t != "object"})


def _capped(frame: pd.DataFrame, keys: list[str], value: str, cap: np.ndarray | float) -> np.ndarray:
    """Allocate ``cap`` to rows in their current order within each group: a running-sum cut-off."""
    cum = frame.groupby(keys, sort=False)[value].cumsum().to_numpy()
    amount = frame[value].to_numpy()
    return np.clip(cap - (cum - amount), 0.0, amount)


def _positive_rows(rules: CompiledRules, labelled: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    keyword = hits.merge(rules.keyword_rows, on=["term", "field"])
    keyword["kind"] = "keyword"
    label_rules = rules.label_rows[rules.label_rows["kind"] != "exclusion"]
    labels = labelled.merge(label_rules[["term", "kind", "theme", "raw"]], on="term")
    labels["field"] = np.where(labels["kind"] == "industry", FIELD_INDEX["industry"], FIELD_INDEX["concepts"])
    labels["start"] = -1
    labels["label"] = labels["kind"] + " label"
    rows = pd.concat([keyword, labels], ignore_index=True)[
        ["company", "theme", "field", "term", "start", "kind", "label", "raw"]
    ].astype(
        {
            "company": "int64",
            "theme": "int64",
            "field": "int64",
            "term": "int64",
            "start": "int64",
            "raw": "float64",
        }
    )
    rows["text"] = ""
    rows["note"] = ""
    # 1. a term counts once per (company, theme): in its best field
    rows = rows.sort_values([*_PAIR, "term", "raw", "field"], ascending=[True, True, True, False, True])
    repeated = rows.duplicated([*_PAIR, "term"]).to_numpy()
    rows["points"] = np.where(repeated, 0.0, rows["raw"].to_numpy())
    rows.loc[repeated, "note"] = "term already counted in a better field"
    # 2. one field gives at most max_per_field points
    rows = rows.sort_values([*_PAIR, "field", "points"], ascending=[True, True, True, False], kind="stable")
    capped = _capped(rows, [*_PAIR, "field"], "points", rules.max_per_field[rows["theme"].to_numpy()])
    cut = capped < rows["points"].to_numpy()
    rows.loc[cut, "note"] = "field cap reached"
    rows["points"] = capped
    return rows


def _region_rows(
    themes: ThemeSet, rules: CompiledRules, universe: pd.DataFrame, hits: pd.DataFrame, pairs: pd.DataFrame
) -> pd.DataFrame:
    regional = {i: t.region for i, t in enumerate(themes) if t.region is not None}
    pairs = pairs[pairs["theme"].isin(list(regional))]
    if pairs.empty:
        return _empty_rows()
    province = universe["province"].astype("object").to_numpy()
    city = universe["city"].astype("object").fillna("").str.removesuffix("市").to_numpy()
    inside = np.zeros((len(rules.theme_ids), len(universe)), dtype=bool)
    for i, region in regional.items():
        cities = {c.removesuffix("市") for c in region.cities}
        inside[i] = (
            pd.Series(province).isin(region.provinces).to_numpy() | pd.Series(city).isin(cities).to_numpy()
        )
    company, theme = pairs["company"].to_numpy(), pairs["theme"].to_numpy()
    located = inside[theme, company]
    named = hits.merge(rules.region_rows, on=["term", "field"]).drop_duplicates(_PAIR)
    named = pairs[~located].merge(named, on=_PAIR, how="left")
    weights = np.array([regional[t].weight for t in named["theme"]], dtype="float64")
    by_text = named["term"].notna().to_numpy()
    city_names = universe["city"].astype("object").to_numpy()[company[located]]
    where = [
        f"{p if isinstance(p, str) else '?'}{' ' + c if isinstance(c, str) else ''}"
        for p, c in zip(province[company[located]], city_names, strict=True)
    ]
    inside_rows = pd.DataFrame(
        {
            "company": company[located],
            "theme": theme[located],
            "field": _REGION_FIELD,
            "term": -1,
            "text": [w.split(" ")[0] for w in where],
            "start": -1,
            "kind": "region",
            "label": "region",
            "raw": [regional[t].weight for t in theme[located]],
            "note": [f"located in {w}" for w in where],
        }
    )
    text_rows = named[by_text].assign(
        term=lambda f: f["term"].astype("int64"),
        text="",
        start=lambda f: f["start"].astype("int64"),
        field=lambda f: f["field"].astype("int64"),
        kind="region",
        label="region",
        raw=weights[by_text],
        note="company elsewhere; its text names the region",
    )
    gated = named[~by_text][_PAIR]
    home = np.where(pd.isna(province), "unknown province", province)[gated["company"].to_numpy()]
    gate_rows = gated.assign(
        field=_REGION_FIELD,
        term=-1,
        text="",
        start=-1,
        kind="gate",
        label="region",
        raw=np.inf,
        note=[f"outside the region (located in {h}); no text names it" for h in home],
    )
    rows = _concat([inside_rows, text_rows, gate_rows])
    rows["points"] = rows["raw"]
    return rows[EVIDENCE_COLUMNS]


def _filter_rows(themes: ThemeSet, universe: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for t_idx, theme in enumerate(themes):
        for rule in theme.filters:
            values = universe[rule.column].to_numpy(dtype="float64")
            ok = np.isnan(values) if rule.missing == "pass" else np.zeros(len(values), dtype=bool)
            within = np.ones(len(values), dtype=bool)
            if rule.min is not None:
                within &= values >= rule.min
            if rule.max is not None:
                within &= values <= rule.max
            failing = np.flatnonzero(~(ok | within))
            chosen = pairs[(pairs["theme"] == t_idx) & pairs["company"].isin(failing)]
            if chosen.empty:
                continue
            shown = [
                f"{rule.column} = {values[c]:g}" if not np.isnan(values[c]) else f"{rule.column} unknown"
                for c in chosen["company"]
            ]
            parts.append(
                chosen[_PAIR].assign(
                    field=_FILTER_FIELD,
                    term=-1,
                    text=rule.describe(),
                    start=-1,
                    kind="filter",
                    label="filter",
                    raw=np.inf,
                    note=[f"filtered out: {s} fails {rule.describe()}" for s in shown],
                )
            )
    return _concat(parts) if parts else _empty_rows()


def _exclusion_rows(
    rules: CompiledRules, labelled: pd.DataFrame, hits: pd.DataFrame, pairs: pd.DataFrame
) -> pd.DataFrame:
    by_text = hits.merge(rules.exclusion_rows, on=["term", "field"])
    label_rules = rules.label_rows[rules.label_rows["kind"] == "exclusion"]
    by_label = labelled.merge(label_rules[["term", "theme", "exclusion", "penalty", "veto"]], on="term")
    by_label = by_label.assign(field=FIELD_INDEX["industry"], start=-1, reason="")
    rows = pd.concat([by_text, by_label], ignore_index=True).merge(pairs[_PAIR], on=_PAIR)
    rows = rows.astype({"veto": bool, "penalty": "float64"})
    rows = rows.sort_values([*_PAIR, "exclusion", "start"]).drop_duplicates([*_PAIR, "exclusion"])
    veto = rows["veto"].to_numpy(dtype=bool)
    reason = rows["reason"].fillna("").to_numpy()
    return rows.assign(
        kind=np.where(veto, "veto", "penalty"),
        label="exclusion",
        text="",
        raw=np.where(veto, np.inf, rows["penalty"].to_numpy(dtype="float64")),
        note=[
            f"{'veto' if v else 'penalty'}{': ' + r if r else ''}" for v, r in zip(veto, reason, strict=True)
        ],
    )[[c for c in EVIDENCE_COLUMNS if c != "points"]]


def score_pairs(
    themes: ThemeSet, rules: CompiledRules, texts: PreparedTexts, universe: pd.DataFrame, hits: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every (company, theme) pair with any match.

    Returns
    -------
    evidence : DataFrame
        :data:`EVIDENCE_COLUMNS`; ``field`` as a name, ``company``/``theme`` as positions.
    scores : DataFrame
        company, theme, score, positive (points before negatives), qualified.
    """
    labelled = label_hits(rules, texts)
    positive = _positive_rows(rules, labelled, hits)
    before = positive.groupby(_PAIR, as_index=False)["points"].sum()
    region = _region_rows(themes, rules, universe, hits, before[before["points"] > 0])
    gates = region[region["kind"] == "gate"]
    positive = _concat([positive, region[region["kind"] != "gate"]])
    # 6. the positive total is capped at 100, best rows first
    positive = positive.sort_values([*_PAIR, "points"], ascending=[True, True, False], kind="stable")
    capped = _capped(positive, _PAIR, "points", MAX_SCORE)
    positive.loc[capped < positive["points"].to_numpy(), "note"] = "score cap 100 reached"
    positive["points"] = capped
    total = positive.groupby(_PAIR, as_index=False)["points"].sum().rename(columns={"points": "positive"})
    live = total[total["positive"] > 0]
    # 7. gates and filters cancel everything; vetoes too; penalties subtract, never below zero
    negative = _concat(
        [
            gates.drop(columns="points").assign(order=0),
            _filter_rows(themes, universe, live).assign(order=1),
            _exclusion_rows(rules, labelled, hits, live).assign(
                order=lambda f: np.where(f["kind"] == "veto", 2, 3)
            ),
        ]
    ).merge(live, on=_PAIR)
    negative = negative.sort_values([*_PAIR, "order", "start"], kind="stable")
    amount = np.minimum(negative["raw"].to_numpy(dtype="float64"), negative["positive"].to_numpy())
    negative["raw"] = amount
    negative["points"] = -_capped(negative, _PAIR, "raw", negative["positive"].to_numpy())
    evidence = _concat([positive, negative[EVIDENCE_COLUMNS]])
    evidence["points"] = evidence["points"].astype("float64").round(2)
    evidence["raw"] = evidence["raw"].astype("float64").round(2)
    evidence["field"] = _FIELD_NAMES[evidence["field"].to_numpy(dtype="int64")]
    key = evidence["term"].to_numpy(dtype="int64")
    words = np.asarray(rules.terms, dtype=object)[np.maximum(key, 0)] if rules.terms else evidence["text"]
    evidence["term"] = np.where(key >= 0, words, evidence["text"].to_numpy(dtype=object))
    evidence = evidence.drop(columns="text")
    evidence = evidence.sort_values([*_PAIR, "points"], ascending=[True, True, False], kind="stable")
    evidence["gain"] = evidence["points"].clip(lower=0.0)
    scores = evidence.groupby(_PAIR, as_index=False).agg(score=("points", "sum"), positive=("gain", "sum"))
    evidence = evidence.drop(columns="gain")
    scores["score"] = scores["score"].round(2).clip(lower=0.0)
    min_score = rules.min_score[scores["theme"].to_numpy(dtype="int64")]
    scores["qualified"] = (scores["score"] > 0) & (scores["score"] >= min_score)
    return evidence.reset_index(drop=True), scores
