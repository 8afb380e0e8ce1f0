"""Pure transforms: checked akshare frames → canonical partial tables → one canonical universe.

Every function here takes frames exactly as akshare returns them (after :mod:`.checks`), reads
columns by name through the single map in :mod:`.aliases`, and returns canonical column names.
Nothing here does I/O, so each transform is tested on recorded frames. This module holds the
market-wide tables and their assembly into a universe; the per-company transforms (business text,
revenue composition) are in :mod:`.company_transform` and importable from here too, the shared
value cleaning in :mod:`.cleaning`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from npf_screen.sources.aliases import SW_LEVEL1_BY_PREFIX
from npf_screen.sources.checks import to_number
from npf_screen.sources.cleaning import clean_code, clean_province, clean_text, parse_dates, renamed
from npf_screen.universe.schema import CANONICAL_COLUMNS, exchange_of, to_canonical

__all__ = [
    "ASSEMBLY_ORDER",
    "assemble_universe",
    "bj_list",
    "clist_quotes",
    "coverage",
    "em_industry_levels",
    "is_a_share",
    "sh_list",
    "sina_quotes",
    "spot_em_quotes",
    "sw_classes",
    "sw_levels",
    "sw_name_table",
    "sz_list",
    "yjbb_financials",
    "zcfz_balance",
]


def is_a_share(codes: pd.Series) -> pd.Series:
    """Whether each code can be an A-share of SSE, SZSE or BSE (not B-shares 200/900, not NEEQ 400/420).

    NEEQ companies outside the BSE share 43/83/87 codes with legacy BSE listings; rows are finally
    limited to the codes of the exchange lists and quote tables when the universe is assembled.
    """
    codes = codes.astype("string")
    known = codes.map(lambda c: isinstance(c, str) and exchange_of(c) is not None).astype(bool)
    other = codes.str.match(r"^(200|201|900|400|420)").fillna(False).astype(bool)
    return known & ~other


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[frame["code"].notna() & frame["code"].str.fullmatch(r"\d{6}").fillna(False)]
    return frame.drop_duplicates("code", keep="first").reset_index(drop=True)


def sh_list(frame: pd.DataFrame) -> pd.DataFrame:
    """SSE list (``stock_info_sh_name_code``) → code, name, list_date."""
    out = renamed(frame, "stock_info_sh_name_code")
    out = out.assign(
        code=clean_code(out["code"]), name=clean_text(out["name"]), list_date=parse_dates(out["list_date"])
    )
    return _finish(out)


def sz_list(frame: pd.DataFrame) -> pd.DataFrame:
    """SZSE list → code, name, list_date, total_share_yi, industry_csrc (the CSRC 门类 without its letter)."""
    out = renamed(frame, "stock_info_sz_name_code")
    industry = clean_text(out["industry_csrc"]).str.replace(r"^[A-Z]\s*", "", regex=True)
    return _finish(
        pd.DataFrame(
            {
                "code": clean_code(out["code"]),
                "name": clean_text(out["name"]).str.replace(r"\s+", "", regex=True),
                "list_date": parse_dates(out["list_date"]),
                "total_share_yi": to_number(out["total_share"]) / 1e8,
                "industry_csrc": industry,
            }
        )
    )


def bj_list(frame: pd.DataFrame) -> pd.DataFrame:
    """BSE list → code, name, list_date, total_share_yi, industry_csrc (大类), province."""
    out = renamed(frame, "stock_info_bj_name_code")
    return _finish(
        pd.DataFrame(
            {
                "code": clean_code(out["code"]),
                "name": clean_text(out["name"]),
                "list_date": parse_dates(out["list_date"]),
                "total_share_yi": to_number(out["total_share"]) / 1e8,
                "industry_csrc": clean_text(out["industry_csrc"]),
                "province": clean_province(out["province"]),
            }
        )
    )


def em_industry_levels(labels: pd.Series) -> pd.DataFrame:
    """Place Eastmoney industry labels at their level: ``…Ⅲ`` level 3, ``…Ⅱ`` level 2, else level 1."""
    labels = clean_text(labels)
    level3 = labels.str.endswith("Ⅲ").fillna(False).astype(bool)
    level2 = labels.str.endswith("Ⅱ").fillna(False).astype(bool) & ~level3
    return pd.DataFrame(
        {
            "industry_em_l1": labels.where(~level2 & ~level3),
            "industry_em_l2": labels.where(level2),
            "industry_em_l3": labels.where(level3),
        }
    )


def _concepts(values: pd.Series) -> pd.Series:
    text = clean_text(values).str.replace(r"\s*[,，;；]\s*", ",", regex=True).str.strip(",")
    return text.mask(text == "")


def _quote_table(out: pd.DataFrame) -> pd.DataFrame:
    """code, name, price, market_cap_yi, pe, pb of a renamed Eastmoney quote frame."""
    return pd.DataFrame(
        {
            "code": clean_code(out["code"]),
            "name": clean_text(out["name"]),
            "price": to_number(out["price"]),
            "market_cap_yi": to_number(out["market_cap"]) / 1e8,
            "pe": to_number(out["pe"]),
            "pb": to_number(out["pb"]),
        }
    )


def clist_quotes(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Eastmoney clist with f100/f102/f103 → quotes, EM industry, province, concepts.

    Returns the table and notes on fields that were dropped because their values did not look
    right (e.g. f102 not holding region boards), so the caller records them instead of guessing.
    """
    out = renamed(frame, "fetch_paginated_data")
    notes: list[str] = []
    table = pd.concat([_quote_table(out), em_industry_levels(out["industry_em"])], axis=1)
    region = clean_text(out["region_board"])
    province = clean_province(region)
    if region.notna().any() and province.notna().sum() < 0.5 * region.notna().sum():
        sample = list(region.dropna().head(3))
        notes.append(f"clist f102 does not hold region boards (e.g. {sample}); province left out")
        province = pd.Series(pd.NA, index=out.index, dtype="string")
    table["province"] = province
    table["concepts"] = _concepts(out["concepts"])
    return _finish(table[is_a_share(table["code"])]), notes


def spot_em_quotes(frame: pd.DataFrame) -> pd.DataFrame:
    """``stock_zh_a_spot_em`` → code, name, price, market_cap_yi, pe, pb (fallback 1 for quotes)."""
    table = _quote_table(renamed(frame, "stock_zh_a_spot_em"))
    return _finish(table[is_a_share(table["code"])])


def sina_quotes(frame: pd.DataFrame) -> pd.DataFrame:
    """Sina ``stock_zh_a_spot`` (``sh600000``) → code, name, price (fallback 2; no market cap)."""
    out = renamed(frame, "stock_zh_a_spot")
    table = pd.DataFrame(
        {"code": clean_code(out["code"]), "name": clean_text(out["name"]), "price": to_number(out["price"])}
    )
    return _finish(table[is_a_share(table["code"])])


def yjbb_financials(frame: pd.DataFrame) -> pd.DataFrame:
    """Earnings table (``stock_yjbb_em``) → growth, margins, ROE and the EM industry as a fallback.

    ``net_margin`` is parent net profit over total revenue, in %. NEEQ codes are dropped.
    """
    out = renamed(frame, "stock_yjbb_em")
    revenue = to_number(out["revenue"])
    net_margin = (to_number(out["net_profit"]) / revenue.where(revenue > 0) * 100).round(4)
    table = pd.DataFrame(
        {
            "code": clean_code(out["code"]),
            "rev_yoy": to_number(out["rev_yoy"]),
            "profit_yoy": to_number(out["profit_yoy"]),
            "gross_margin": to_number(out["gross_margin"]),
            "net_margin": net_margin,
            "roe": to_number(out["roe"]),
        }
    )
    table = pd.concat([table, em_industry_levels(out["industry_em"])], axis=1)
    return _finish(table[is_a_share(table["code"])])


def zcfz_balance(*frames: pd.DataFrame) -> pd.DataFrame:
    """Balance sheets (``stock_zcfz_em`` and ``stock_zcfz_bj_em``) → code, total_assets_yi."""
    parts = [renamed(f, "stock_zcfz_em") for f in frames if len(f)]
    if not parts:
        return pd.DataFrame({"code": pd.Series(dtype="string"), "total_assets_yi": pd.Series(dtype=float)})
    out = pd.concat(parts, ignore_index=True)
    assets = to_number(out["total_assets"]) / 1e8
    table = pd.DataFrame({"code": clean_code(out["code"]), "total_assets_yi": assets})
    return _finish(table[is_a_share(table["code"])])


def sw_classes(frame: pd.DataFrame) -> pd.DataFrame:
    """Shenwan class history → code, sw_code: the class with the latest start date per stock."""
    out = renamed(frame, "stock_industry_clf_hist_sw")
    table = pd.DataFrame(
        {
            "code": clean_code(out["code"]),
            "start": parse_dates(out["start_date"]),
            "sw_code": clean_text(out["sw_code"]),
        }
    )
    table = table.sort_values(["code", "start"], ascending=[True, False], na_position="last", kind="stable")
    return _finish(table[["code", "sw_code"]])


def sw_name_table(frame: pd.DataFrame) -> dict[str, str]:
    """cninfo's Shenwan category tree → ``{code prefix: name}`` (``"27"``, ``"2701"``, ``"270101"``).

    Tree codes are read as digits only (a leading letter such as ``S`` is dropped) and trailing
    ``00`` pairs of 6-digit codes are removed, so both ``S2701`` and ``270100`` give ``"2701"``.
    """
    out = renamed(frame, "stock_industry_category_cninfo")
    names: dict[str, str] = {}
    for raw, name in zip(
        out["category_code"].astype("string"), clean_text(out["category_name"]), strict=True
    ):
        if pd.isna(raw) or pd.isna(name):
            continue
        digits = re.sub(r"\D", "", str(raw))
        while len(digits) > 2 and len(digits) % 2 == 0 and digits.endswith("00"):
            digits = digits[:-2]
        if len(digits) in (2, 4, 6):
            names.setdefault(digits, str(name))
    return names


def sw_levels(classes: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Shenwan codes → industry_sw_l1..l3; level 1 from the built-in prefix map, 2-3 from ``names``."""
    names = dict(names or {})
    level1 = {**SW_LEVEL1_BY_PREFIX, **{k: v for k, v in names.items() if len(k) == 2}}
    codes = classes["sw_code"].astype("string")
    return pd.DataFrame(
        {
            "code": classes["code"].astype("string"),
            "industry_sw_l1": codes.str[:2].map(level1).astype("string"),
            "industry_sw_l2": codes.str[:4].map(names).astype("string"),
            "industry_sw_l3": codes.str[:6].map(names).astype("string"),
        }
    )


#: The order in which datasets fill a column: the first that has a value wins. Lists are the
#: official names and dates; texts only fill what the bulk sources lack (city, business text).
ASSEMBLY_ORDER: tuple[str, ...] = (
    "list_sh",
    "list_sz",
    "list_bj",
    "quotes",
    "financials",
    "balance",
    "industry_sw",
    "texts",
)
_ROW_SOURCES = ("list_sh", "list_sz", "list_bj", "quotes")


def assemble_universe(parts: Mapping[str, pd.DataFrame | None], source: str = "akshare pull") -> pd.DataFrame:
    """Merge canonical partial tables into one canonical universe.

    Rows are the A-share codes of the exchange lists and the quote table; every other dataset only
    fills columns. Where market cap is missing but price and total shares are known (fallback
    quotes), it is computed from them.
    """
    frames = {k: v.set_index("code") for k, v in parts.items() if v is not None and len(v)}
    codes = pd.Index([], dtype="string")
    for name in _ROW_SOURCES:
        if name in frames:
            codes = codes.append(frames[name].index.astype("string")).drop_duplicates()
    universe = pd.DataFrame(index=codes)
    for name in ASSEMBLY_ORDER:
        if name in frames:
            part = frames[name][~frames[name].index.duplicated()].reindex(codes)
            universe = universe.combine_first(part) if len(universe.columns) else part.copy()
    if universe.empty and not len(codes):
        return to_canonical(pd.DataFrame(columns=["code", "name"]), source=source)
    if {"price", "total_share_yi"} <= set(universe.columns):
        derived = universe["price"] * universe["total_share_yi"]
        current = universe.get("market_cap_yi", pd.Series(float("nan"), index=universe.index))
        universe["market_cap_yi"] = current.fillna(derived)
    universe = universe.rename_axis("code").reset_index()
    return to_canonical(universe[[c for c in universe.columns if c in CANONICAL_COLUMNS]], source=source)


def coverage(universe: pd.DataFrame) -> dict[str, float]:
    """Share of companies with a value, per canonical column (0..1, rounded to 4 places)."""
    if universe.empty:
        return {c: 0.0 for c in CANONICAL_COLUMNS}
    present = [c for c in CANONICAL_COLUMNS if c in universe.columns]
    return {c: round(float(universe[c].notna().mean()), 4) for c in present}
