"""Pure transforms of the per-company endpoints: business text and revenue composition.

The THS main-business page and the cninfo profile give one company's 主营业务, 经营范围, products
and (cninfo) its city; the Eastmoney F10 主营构成 gives its revenue by product. Like
:mod:`.transform`, nothing here does I/O; the names are importable from :mod:`.transform` too.
"""

from __future__ import annotations

import re

import pandas as pd

from npf_screen.sources.aliases import COMPOSITION_KINDS
from npf_screen.sources.cleaning import MISSING_TEXT, raw_columns
from npf_screen.universe.regions import normalize_province

__all__ = [
    "COMPOSITION_COLUMNS",
    "TEXT_CACHE_COLUMNS",
    "city_from_address",
    "cninfo_text",
    "ths_text",
    "zygc_composition",
]

#: Columns of the per-company business-text cache (beside ``fetched_at``).
TEXT_CACHE_COLUMNS: tuple[str, ...] = (
    "code",
    "main_business",
    "business_scope",
    "products",
    "city",
    "province",
    "text_source",
)
#: Columns of the revenue-composition table stored beside each snapshot's universe.
COMPOSITION_COLUMNS: tuple[str, ...] = ("code", "report_date", "product", "revenue", "share")


def _cell(frame: pd.DataFrame, column: str) -> str | None:
    if column not in frame.columns or frame.empty:
        return None
    value = frame[column].iloc[0]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return None if text in MISSING_TEXT else text


def ths_text(frame: pd.DataFrame) -> dict[str, str | None]:
    """THS main-business page (``stock_zyjs_ths``) → main_business, business_scope, products."""
    inverse = raw_columns("stock_zyjs_ths")
    kinds = [_cell(frame, inverse["product_types"]), _cell(frame, inverse["product_names"])]
    products = "；".join(dict.fromkeys(k for k in kinds if k)) or None
    return {
        "main_business": _cell(frame, inverse["main_business"]),
        "business_scope": _cell(frame, inverse["business_scope"]),
        "products": products,
    }


_CITY = re.compile(
    r"^(?:中国)?(?:[^省市区]{2,8}?(?:省|自治区)|北京市|天津市|上海市|重庆市)?\s*"
    r"([^省市县区]{2,9}?(?:市|自治州|地区|盟))"
)
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")


def city_from_address(address: object) -> str | None:
    """The prefecture-level city of a Chinese address, e.g. ``广西柳州市…`` → ``柳州市``.

    Municipalities give themselves (``上海市…`` → ``上海市``).

    Examples
    --------
    >>> city_from_address("广东省深圳市罗湖区深南东路5047号")
    '深圳市'
    >>> city_from_address("上海市浦东新区张江路1号")
    '上海市'
    >>> city_from_address(None) is None
    True
    """
    if not isinstance(address, str) or not address.strip():
        return None
    text = address.strip()
    for name in _MUNICIPALITIES:
        if text.startswith((name + "市", name)):
            return name + "市"
    match = _CITY.match(text)
    return match.group(1) if match else None


def cninfo_text(frame: pd.DataFrame) -> dict[str, str | None]:
    """cninfo profile (``stock_profile_cninfo``) → main_business, business_scope, city, province."""
    inverse = raw_columns("stock_profile_cninfo")
    address = _cell(frame, inverse["address"])
    return {
        "main_business": _cell(frame, inverse["main_business"]),
        "business_scope": _cell(frame, inverse["business_scope"]),
        "products": None,
        "city": city_from_address(address),
        "province": normalize_province(address[:3]) or normalize_province(address[:2]) if address else None,
    }


def _empty_composition() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": pd.Series(dtype="string"),
            "report_date": pd.Series(dtype="datetime64[ns]"),
            "product": pd.Series(dtype="string"),
            "revenue": pd.Series(dtype="float64"),
            "share": pd.Series(dtype="float64"),
        }
    )


def zygc_composition(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """Revenue composition (``stock_zygc_em``) → the latest report's rows by product.

    Falls back to the by-industry breakdown when a report has no by-product rows. ``share`` is a
    fraction of revenue in [0, 1] (percentages are divided by 100). Tiny frames are walked in plain
    Python, which is several times faster than pandas for a dozen rows.
    """
    if frame.empty:
        return _empty_composition()
    raw = raw_columns("stock_zygc_em")
    fields = ("report_date", "breakdown", "product", "revenue", "share")
    rows = []
    dates: dict[object, pd.Timestamp] = {}
    for date, breakdown, product, revenue, share in frame[[raw[f] for f in fields]].itertuples(
        index=False, name=None
    ):
        if date not in dates:
            dates[date] = pd.to_datetime(str(date), errors="coerce") if date is not None else pd.NaT
        when = dates[date]
        name = str(product).strip() if isinstance(product, str) else ""
        if pd.isna(when) or not name or name in MISSING_TEXT:
            continue
        rows.append((when, str(breakdown), name, _float(revenue), _float(share)))
    if not rows:
        return _empty_composition()
    latest = max(r[0] for r in rows)
    rows = [r for r in rows if r[0] == latest]
    for kind in COMPOSITION_KINDS:
        chosen = [r for r in rows if r[1] == kind]
        if chosen:
            break
    else:
        chosen = rows
    scale = 100.0 if max((r[4] for r in chosen if r[4] == r[4]), default=0.0) > 1.5 else 1.0
    out = pd.DataFrame(
        {
            "code": pd.Series([code] * len(chosen), dtype="string"),
            "report_date": pd.Series([r[0] for r in chosen], dtype="datetime64[ns]"),
            "product": pd.Series([r[2] for r in chosen], dtype="string"),
            "revenue": pd.Series([r[3] for r in chosen], dtype="float64"),
            "share": pd.Series([r[4] / scale for r in chosen], dtype="float64"),
        }
    )
    return out


def _float(value: object) -> float:
    try:
        return float(str(value).replace(",", "")) if value is not None else float("nan")
    except ValueError:
        return float("nan")
