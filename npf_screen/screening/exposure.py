"""Revenue exposure: the share of a company's revenue that comes from products matching a theme.

Index providers (CSI, MSCI) weigh a company's exposure to a theme by where its revenue comes from;
a company that names a technology in its profile but earns 2% of revenue from it is a weaker
candidate than one that earns 60%. Where revenue composition by product is known (Eastmoney's
主营构成, stored by :mod:`npf_screen.sources` as ``revenue_composition.parquet``), this module
computes that share per (company, theme) and shows it beside the score:

- a product matches a theme when its name contains one of the theme's keyword terms that apply to
  the ``products`` field (the same matching as the screen: NFKC, case-insensitive, ASCII terms only
  as whole words) and none of the theme's exclusion terms;
- exposure = the sum of the revenue shares of the matching products in the company's latest report
  (product breakdown rows; the industry breakdown when a report has no product rows), capped at 1;
- it is a signal of its own and never changes a score: it appears as an ``exposure`` column
  (``NaN`` = composition unknown, ``0`` = known and nothing matches) and as evidence rows of kind
  ``exposure`` worth 0 points, so evidence rows still add up to the score.

The composition table is long: one row per (code, report_date, product) with ``revenue`` (CNY)
and ``share`` — a fraction in [0, 1] by default (``share_unit="fraction"``, what npf-screen stores),
or percent (``share_unit="percent"``); ``"auto"`` decides per company and report. A ``share`` that is
missing is computed as revenue / total revenue of the report. An optional ``breakdown`` column
(akshare's 分类类型: 按产品分类 / 按行业分类 / 按地区分类) selects product rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from npf_screen.rules.model import ThemeSet
from npf_screen.screening.codes import EvidenceKind
from npf_screen.screening.matching import FIELD_INDEX
from npf_screen.screening.pipeline import score_table
from npf_screen.screening.scoring import term_text
from npf_screen.universe.schema import to_canonical

__all__ = [
    "EXPOSURE_COLUMNS",
    "Exposure",
    "exposure_evidence",
    "exposure_scores",
    "merge_evidence",
    "revenue_exposure",
]

#: Columns of :attr:`Exposure.table`.
EXPOSURE_COLUMNS = ["code", "theme", "report_date", "exposure", "products", "terms"]
_PRODUCT_BREAKDOWN, _INDUSTRY_BREAKDOWN = "按产品分类", "按行业分类"
_EVIDENCE_COLUMNS = ["code", "theme", "field", "term", "points", "kind", "note", "snippet"]


@dataclass(frozen=True)
class Exposure:
    """Revenue exposure of companies to themes.

    Attributes
    ----------
    table : DataFrame
        One row per (code, theme) with exposure > 0: code, theme, report_date, exposure (0-1),
        products (``"光刻机 (30%), 光刻胶 (8%)"``), terms (the theme terms that matched).
    reports : Series
        The report date used per code, for every code with a usable composition (exposure is 0,
        not unknown, for these codes and the themes missing from ``table``).
    """

    table: pd.DataFrame
    reports: pd.Series

    def of(self, code: str, theme: str) -> float:
        """Exposure of one pair: NaN when the company's composition is unknown."""
        if code not in self.reports.index:
            return float("nan")
        hit = self.table[(self.table["code"] == code) & (self.table["theme"] == theme)]
        return float(hit["exposure"].iloc[0]) if len(hit) else 0.0


def _latest_rows(composition: pd.DataFrame, share_unit: str) -> pd.DataFrame:
    missing = [c for c in ("code", "product") if c not in composition.columns]
    if missing or not {"share", "revenue"} & set(composition.columns):
        raise ValueError(
            "revenue composition needs columns code, product and share and/or revenue "
            f"(optional: report_date, breakdown); got {', '.join(map(str, composition.columns))}"
        )
    if share_unit not in ("fraction", "percent", "auto"):
        raise ValueError(f"share_unit must be 'fraction', 'percent' or 'auto', not {share_unit!r}")

    def column(name: str, default: object) -> pd.Series:
        if name in composition.columns:
            return composition[name]
        return pd.Series(default, index=composition.index, dtype="object")

    def number(name: str) -> pd.Series:
        values = column(name, np.nan)
        if not pd.api.types.is_numeric_dtype(values):
            values = values.astype("string").str.replace(r"[%,\s]", "", regex=True)
        return pd.to_numeric(values, errors="coerce").astype("float64")

    frame = pd.DataFrame(
        {
            "code": composition["code"].astype("string").str.strip().str.zfill(6),
            "report_date": pd.to_datetime(column("report_date", None), errors="coerce"),
            "breakdown": column("breakdown", "").fillna("").astype("string"),
            "product": composition["product"].astype("string").str.strip(),
            "revenue": number("revenue"),
            "share": number("share"),
        }
    ).reset_index(drop=True)
    frame = frame[frame["product"].notna() & (frame["product"] != "") & frame["code"].notna()]
    if not len(frame):
        return frame.assign(share=pd.Series(dtype="float64"))
    frame["report_date"] = frame["report_date"].fillna(pd.Timestamp(0))
    latest = frame.groupby("code")["report_date"].transform("max")
    frame = frame[frame["report_date"] == latest]
    # product rows if the report has them, else industry rows, else whatever it has
    rank = np.select(
        [
            frame["breakdown"] == _PRODUCT_BREAKDOWN,
            frame["breakdown"] == _INDUSTRY_BREAKDOWN,
            frame["breakdown"] == "",
        ],
        [0, 1, 0],
        default=2,
    )
    frame = frame.assign(_rank=rank)
    frame = frame[frame["_rank"] == frame.groupby("code")["_rank"].transform("min")].drop(columns="_rank")
    total = frame["revenue"].clip(lower=0).groupby(frame["code"]).transform("sum")
    derived = frame["revenue"] / total.where(total > 0)
    share = frame["share"].astype("float64")
    peak = share.groupby(frame["code"]).transform("max")
    if share_unit == "percent":
        share = share / 100
    elif share_unit == "auto":
        share = share.where(peak <= 1.5, share / 100)
    elif (peak > 1.0 + 1e-6).any():
        bad = frame.loc[peak > 1.0 + 1e-6, "code"].iloc[0]
        raise ValueError(
            f"revenue composition: share of {bad} exceeds 1 with share_unit='fraction'; "
            "pass share_unit='percent' (or 'auto') when shares are percentages"
        )
    frame["share"] = share.fillna(derived).clip(lower=0.0)
    return frame.reset_index(drop=True)


def revenue_exposure(
    composition: pd.DataFrame,
    themes: ThemeSet,
    *,
    share_unit: Literal["fraction", "percent", "auto"] = "fraction",
) -> Exposure:
    """Per (company, theme): the share of the latest report's revenue from matching products.

    Parameters
    ----------
    composition : DataFrame
        Long table: code, report_date, product, revenue, share (+ optional breakdown).
    themes : ThemeSet
        The themes whose terms define matching products.
    share_unit : {"fraction", "percent", "auto"}
        Unit of ``share``: fractions in [0, 1] (default; a share above 1 raises ``ValueError``),
        percentages, or decided per company (percent when its largest share exceeds 1.5).

    Returns
    -------
    Exposure

    Examples
    --------
    >>> import pandas as pd
    >>> from npf_screen import load_themes
    >>> from npf_screen.screening.exposure import revenue_exposure
    >>> mix = pd.DataFrame({"code": ["688001"] * 2, "report_date": ["2024-12-31"] * 2,
    ...                     "product": ["光刻机", "其他"], "revenue": [3e8, 7e8], "share": [0.3, 0.7]})
    >>> revenue_exposure(mix, load_themes()).of("688001", "cp_lithography")
    0.3
    """
    rows = _latest_rows(composition, share_unit)
    reports = rows.drop_duplicates("code").set_index("code")["report_date"]
    table = pd.DataFrame(columns=EXPOSURE_COLUMNS)
    if not len(rows) or not len(themes):
        return Exposure(table, reports)
    matched = _product_matches(rows["product"], themes)
    if matched.empty:
        return Exposure(table, reports)
    per_product = matched.groupby(["row", "theme"], as_index=False, sort=False).agg(
        terms=("term", lambda s: list(dict.fromkeys(s)))
    )
    per_product = per_product.join(rows[["code", "report_date", "product", "share"]], on="row")
    order = {t: i for i, t in enumerate(themes.ids)}
    per_product = per_product.assign(_t=per_product["theme"].map(order))
    per_product = per_product.sort_values(["code", "_t", "share"], ascending=[True, True, False])
    out = []
    for (code, theme), group in per_product.groupby(["code", "theme"], sort=False):
        shares = group["share"].fillna(0.0)
        listed = ", ".join(f"{p} ({s:.0%})" for p, s in zip(group["product"], shares, strict=True))
        terms = ", ".join(dict.fromkeys(t for ts in group["terms"] for t in ts))
        date = group["report_date"].iloc[0]
        out.append((code, theme, date, round(min(1.0, float(shares.sum())), 4), listed, terms))
    table = pd.DataFrame(out, columns=EXPOSURE_COLUMNS)
    return Exposure(table[table["exposure"] > 0].reset_index(drop=True), reports)


def _product_matches(products: pd.Series, themes: ThemeSet) -> pd.DataFrame:
    """(row, theme, term) for every product name matching a theme's keyword terms in the
    ``products`` field and none of its exclusion terms. Runs the screen itself on a table of
    product names, so the matching is exactly the screen's (folding, word boundaries, fields)."""
    names = products.astype("object").tolist()
    position = {n: i for i, n in enumerate(dict.fromkeys(names))}  # screen each distinct name once
    unique = list(position)
    table = to_canonical(
        pd.DataFrame({"code": [f"{i:06d}" for i in range(len(unique))], "name": pd.NA, "products": unique}),
        source="<revenue composition>",
        strict=False,
    )
    rules, _, scored = score_table(table, themes)
    e = scored.evidence
    e = e[e["field"].to_numpy() == FIELD_INDEX["products"]]
    name_id = table["code"].to_numpy()[e["company"].to_numpy()].astype("int64")
    theme = np.asarray(themes.ids, dtype=object)[e["theme"].to_numpy()]
    kind = e["kind"].to_numpy()
    negative = np.isin(kind, [EvidenceKind.PENALTY, EvidenceKind.VETO])
    excluded = set(zip(name_id[negative], theme[negative], strict=True))
    is_keyword = kind == EvidenceKind.KEYWORD
    keyword = pd.DataFrame(
        {
            "name_id": name_id[is_keyword],
            "theme": theme[is_keyword],
            "term": term_text(
                rules, scored, e["term"].to_numpy()[is_keyword], e["word"].to_numpy()[is_keyword]
            ),
        }
    )
    keep = [(n, t) not in excluded for n, t in zip(keyword["name_id"], keyword["theme"], strict=True)]
    keyword = keyword.loc[keep]
    rows = pd.DataFrame({"row": range(len(names)), "name_id": [position[n] for n in names]})
    return rows.merge(keyword, on="name_id")[["row", "theme", "term"]]


def _note(exposure: float, date: pd.Timestamp, products: str) -> str:
    when = f"{date:%Y-%m-%d} report" if pd.notna(date) and date.year > 1970 else "latest report"
    if exposure <= 0:
        return f"0% of revenue ({when}) from products matching the theme's terms"
    return f"{exposure:.0%} of revenue ({when}) from matching products: {products}"


def exposure_scores(
    scores: pd.DataFrame,
    exposure: Exposure,
    *,
    names: pd.Series | None = None,
    no_extra: frozenset[str] | set[str] = frozenset(),
    theme_ids: list[str] | None = None,
) -> pd.DataFrame:
    """``scores`` with an ``exposure`` column, plus a 0-score row for pairs known only by exposure.

    ``names`` (code → name) names the companies of those extra rows. Themes in ``no_extra``
    (regional ones: a product share says nothing about the region) get no extra rows. With
    ``theme_ids`` the rows are re-sorted as :attr:`ScreenResult.scores` sorts them.
    """
    key = ["code", "theme"]
    table = exposure.table[[*key, "exposure"]]
    extra = table[~table["theme"].isin(no_extra)].merge(scores[key], on=key, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge")
    if len(extra):
        extra = extra.assign(score=0.0, positive=0.0, qualified=False, rank=0)
        scores = pd.concat([scores, extra.drop(columns="exposure")], ignore_index=True)
        if "name" in scores.columns and names is not None:
            scores["name"] = scores["name"].fillna(scores["code"].map(names))
        if theme_ids is not None:
            position = scores["theme"].map({t: i for i, t in enumerate(theme_ids)})
            scores = scores.assign(_t=position).sort_values(
                ["_t", "qualified", "score", "code"], ascending=[True, False, False, True]
            )
            scores = scores.drop(columns="_t").reset_index(drop=True)
    out = scores.merge(table, on=key, how="left")
    known = out["code"].isin(exposure.reports.index)
    out["exposure"] = out["exposure"].where(~known | out["exposure"].notna(), 0.0).astype("float64")
    return out


def exposure_evidence(scores: pd.DataFrame, exposure: Exposure) -> pd.DataFrame:
    """Evidence rows of kind ``exposure``, worth 0 points: one per pair with exposure > 0, and a
    "0% of revenue" row per qualified pair whose composition is known but matches nothing.

    ``scores`` is the output of :func:`exposure_scores`.
    """
    shown = scores["exposure"].gt(0) | (scores["exposure"].notna() & scores["qualified"].astype(bool))
    known = scores[shown][["code", "theme", "exposure"]]
    detail = exposure.table.set_index(["code", "theme"])
    rows = []
    for code, theme, share in known.itertuples(index=False):
        if (code, theme) in detail.index:
            d = detail.loc[(code, theme)]
            note = _note(share, d["report_date"], d["products"])
            rows.append((code, theme, "revenue", d["terms"], 0.0, "exposure", note, ""))
        else:
            note = _note(0.0, exposure.reports.get(code, pd.NaT), "")
            rows.append((code, theme, "revenue", "", 0.0, "exposure", note, ""))
    return pd.DataFrame(rows, columns=_EVIDENCE_COLUMNS)


def merge_evidence(
    evidence: pd.DataFrame, rows: pd.DataFrame, codes: pd.Series, theme_ids: list[str]
) -> pd.DataFrame:
    """Insert exposure rows after each pair's own rows (universe order, then theme order).

    The result has ``evidence``'s columns; text columns the exposure rows lack are ``""``.
    """
    rows = rows.reindex(columns=evidence.columns)
    for column in evidence.columns:
        if column not in _EVIDENCE_COLUMNS:
            rows[column] = ""
    companies = pd.Series(range(len(codes)), index=codes.astype("object").to_numpy())
    themes = {t: i for i, t in enumerate(theme_ids)}
    out = pd.concat([evidence, rows], ignore_index=True) if len(rows) else evidence
    out = out.assign(_c=out["code"].map(companies), _t=out["theme"].map(themes))
    out = out.sort_values(["_c", "_t"], kind="stable").drop(columns=["_c", "_t"])
    return out.reset_index(drop=True)
