"""The canonical company table: one row per listed company, the same columns from every source.

Every loader and data source maps its input onto these columns in one place; nothing downstream
knows where a column came from. Missing values are allowed everywhere except ``code`` and ``name``
and stay visible as ``<NA>`` / ``NaN``.

========================  ========  ===========================================================
column                    dtype     meaning
========================  ========  ===========================================================
code                      string    6-digit stock code, text with leading zeros (``"000001"``)
exchange                  string    ``SH`` / ``SZ`` / ``BJ`` (derived from the code if absent)
name                      string    short name as listed (may carry ST / *ST)
board                     string    主板 / 创业板 / 科创板 / 北交所 (derived from the code if absent)
list_date                 datetime  listing date
province                  string    province-level region, canonical short name (see ``regions``)
city                      string    city of registration
controller_type           string    actual controller's type (中央企业, 地方国有企业, 民营企业 …)
industry_sw_l1..l3        string    Shenwan 2021 industry, levels 1-3
industry_em_l1..l3        string    Eastmoney industry, levels 1-3
industry_csrc             string    CSRC industry division (大类)
industry_tushare          string    tushare's ~110 industries
concepts                  string    comma-separated concept labels (source-dependent taxonomy)
main_business             string    主营业务 text
business_scope            string    经营范围 text
products                  string    product names / types text (产品名称 …)
summary_en                string    English business summary
text_source               string    where ``main_business`` came from (e.g. ``cninfo_2026``)
market_cap_yi             float     total market cap, 100M CNY (亿元)
pe, pb                    float     valuation ratios
rev_yoy, profit_yoy       float     revenue / net profit growth, %
gross_margin, net_margin  float     margins, %
roe                       float     return on equity, %
rd_intensity              float     R&D expense / revenue, %
total_assets_yi           float     total assets, 100M CNY
total_share_yi            float     total shares, 100M
employees                 float     headcount
========================  ========  ===========================================================
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd

from npf_screen.core.errors import UniverseError
from npf_screen.universe.regions import normalize_province

__all__ = [
    "BUSINESS_TEXT_FIELDS",
    "CANONICAL_COLUMNS",
    "INDUSTRY_COLUMNS",
    "NUMERIC_COLUMNS",
    "REQUIRED_COLUMNS",
    "TEXT_COLUMNS",
    "board_of",
    "code_problems",
    "exchange_of",
    "to_canonical",
]

INDUSTRY_COLUMNS: tuple[str, ...] = (
    "industry_sw_l1", "industry_sw_l2", "industry_sw_l3",
    "industry_em_l1", "industry_em_l2", "industry_em_l3",
    "industry_csrc", "industry_tushare",
)  # fmt: skip
TEXT_COLUMNS: tuple[str, ...] = (
    "code", "exchange", "name", "board", "province", "city", "controller_type",
    *INDUSTRY_COLUMNS,
    "concepts", "main_business", "business_scope", "products", "summary_en", "text_source",
)  # fmt: skip
#: The business-text columns (what a company says it does), in the order text coverage lists them.
BUSINESS_TEXT_FIELDS: tuple[str, ...] = ("main_business", "products", "business_scope", "summary_en")
NUMERIC_COLUMNS: tuple[str, ...] = (
    "market_cap_yi", "pe", "pb", "rev_yoy", "profit_yoy", "gross_margin", "net_margin",
    "roe", "rd_intensity", "total_assets_yi", "total_share_yi", "employees",
)  # fmt: skip
CANONICAL_COLUMNS: tuple[str, ...] = (*TEXT_COLUMNS[:4], "list_date", *TEXT_COLUMNS[4:], *NUMERIC_COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = ("code", "name")

#: Other spellings of canonical columns that loaders recognise out of the box (the reference
#: ``companies.csv`` layout and common English/Chinese headers). Source adapters keep their own.
COLUMN_ALIASES: Mapping[str, str] = {
    "symbol": "code",
    "ts_code": "code",
    "股票代码": "code",
    "证券代码": "code",
    "股票简称": "name",
    "证券简称": "name",
    "market": "board",
    "concepts_ths_2021": "concepts",
    "main_business_source": "text_source",
    "主营业务": "main_business",
    "经营范围": "business_scope",
    "industry": "industry_tushare",
    "area": "province",
    "省份": "province",
    "城市": "city",
}

_CODE = re.compile(r"^[0-9]{6}$")
#: Only Shenzhen main-board codes (000-003) start with zeros a spreadsheet can drop; ``60051`` is
#: not ``060051`` (no such code) but a digit lost from ``600051`` or similar, so it is refused.
_PADDED_PREFIXES = ("000", "001", "002", "003")
_BOARD_BY_PREFIX = (
    (("688", "689"), "科创板"),
    (("300", "301", "302"), "创业板"),
    (("4", "8", "92"), "北交所"),
)


def exchange_of(code: str) -> str | None:
    """Return ``SH``, ``SZ`` or ``BJ`` for a 6-digit A-share code, else ``None``.

    Examples
    --------
    >>> exchange_of("600519"), exchange_of("000001"), exchange_of("920001"), exchange_of("12345")
    ('SH', 'SZ', 'BJ', None)
    """
    if not _CODE.match(code):
        return None
    if code.startswith(("4", "8", "92")):
        return "BJ"
    if code.startswith(("6", "9")):
        return "SH"
    if code.startswith(("0", "2", "3")):
        return "SZ"
    return None


def board_of(code: str) -> str | None:
    """Return the listing board of a 6-digit A-share code, else ``None``.

    Examples
    --------
    >>> board_of("688981"), board_of("300750"), board_of("600519"), board_of("830799")
    ('科创板', '创业板', '主板', '北交所')
    """
    if exchange_of(code) is None:
        return None
    for prefixes, board in _BOARD_BY_PREFIX:
        if code.startswith(prefixes):
            return board
    return "主板"


def _normalize_code(value: object) -> object:
    """Strip exchange decorations (``SH600519``, ``600519.SH``) and restore zero padding."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()  # full-width digits → ASCII
    text = re.sub(r"^(SH|SZ|BJ)\.?", "", text)
    text = re.sub(r"\.(SH|SZ|BJ|SS)$", "", text)
    if text.isascii() and text.isdigit() and len(text) < 6 and text.zfill(6)[:3] in _PADDED_PREFIXES:
        text = text.zfill(6)  # leading zeros a spreadsheet dropped; other short codes stay malformed
    return text


def to_canonical(frame: pd.DataFrame, source: str = "<frame>", *, strict: bool = True) -> pd.DataFrame:
    """Map a company table onto the canonical schema and validate it.

    Recognised alias columns are renamed, canonical columns that are absent are added as missing,
    unknown columns are dropped, codes are normalised to 6-digit text, and exchange and board are
    derived from the code where the input lacks them.

    Parameters
    ----------
    frame : pandas.DataFrame
        A company table, e.g. ``companies.csv`` from the reference data or a snapshot.
    source : str
        Where the table came from, used in error messages.
    strict : bool, default True
        Also refuse blank names and non-numeric or infinite numbers (a user's company table).
        ``False`` for tables npf-screen wrote or checked itself (snapshots, product texts).

    Returns
    -------
    pandas.DataFrame
        A new frame with exactly :data:`CANONICAL_COLUMNS`, indexed 0..n-1.

    Raises
    ------
    UniverseError
        Listing every problem: missing required columns, malformed or duplicate codes.
    """
    renames = {c: COLUMN_ALIASES[c] for c in frame.columns if c in COLUMN_ALIASES}
    renames = {k: v for k, v in renames.items() if v not in frame.columns}
    data = frame.rename(columns=renames)
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise UniverseError(
            [
                f"{source}: missing required column {c!r}; present columns: "
                f"{', '.join(map(str, frame.columns[:40]))}. Add it or rename the column that holds it."
                for c in missing
            ]
        )
    out = pd.DataFrame(index=pd.RangeIndex(len(data)))
    for column in TEXT_COLUMNS:
        values = data[column] if column in data.columns else None
        out[column] = (
            pd.Series(pd.NA, index=out.index, dtype="string")
            if values is None
            else (values.reset_index(drop=True).astype("string").str.strip().replace("", pd.NA))
        )
    out["code"] = data["code"].reset_index(drop=True).map(_normalize_code).astype("string")
    problems = code_problems(out, source)
    if strict:
        problems += _records(source, "name", out.index[out["name"].isna()], out)
    if problems:
        raise UniverseError(problems)
    out["exchange"] = out["exchange"].fillna(out["code"].map(exchange_of).astype("string"))
    out["board"] = out["board"].fillna(out["code"].map(board_of).astype("string"))
    out["province"] = out["province"].map(normalize_province, na_action="ignore").astype("string")
    list_date = data["list_date"].reset_index(drop=True) if "list_date" in data.columns else None
    out["list_date"] = pd.to_datetime(list_date, errors="coerce") if list_date is not None else pd.NaT
    for column in NUMERIC_COLUMNS:
        values = data[column].reset_index(drop=True) if column in data.columns else None
        out[column] = pd.to_numeric(values, errors="coerce") if values is not None else float("nan")
        out[column] = out[column].astype("float64")
        if values is not None and strict:
            given = values.notna() & (values.astype("string").str.strip() != "").fillna(False)
            bad = out.index[(given & out[column].isna()) | np.isinf(out[column])]
            problems += _records(source, column, bad, values, what="non-numeric or infinite value(s)")
    if problems:
        raise UniverseError(problems)
    return out[list(CANONICAL_COLUMNS)]


def _records(
    source: str, column: str, bad: pd.Index, values: pd.DataFrame | pd.Series, what: str = "blank value(s)"
) -> list[str]:
    """One problem naming the records of ``column`` listed in ``bad`` (the first ten shown)."""
    if not len(bad):
        return []
    column_values = values[column] if isinstance(values, pd.DataFrame) else values
    shown = ", ".join(f"record {i + 1}: {column_values.iloc[i]!r}" for i in bad[:10])
    more = f" (+{len(bad) - 10} more)" if len(bad) > 10 else ""
    fix = "write the short name" if column == "name" else "write a number or leave the cell empty"
    return [f"{source}: column {column!r} has {len(bad)} {what} ({shown}{more}); {fix}."]


def code_problems(out: pd.DataFrame, source: str) -> list[str]:
    """Problems with the ``code`` column of a table with canonical columns: malformed codes (not six
    digits) and duplicates, each naming the records; empty when the codes are fine."""
    codes = out["code"]
    plain = codes.to_numpy(dtype=object, na_value=None)
    if len(set(plain)) == len(plain) and all(  # the usual case, checked without pandas' string machinery
        isinstance(c, str) and len(c) == 6 and c.isascii() and c.isdigit() for c in plain
    ):
        return []
    problems: list[str] = []
    bad = out.index[codes.isna() | ~codes.fillna("").str.fullmatch(r"[0-9]{6}")]
    if len(bad):
        shown = ", ".join(f"record {i + 1}: {codes.iloc[i]!r}" for i in bad[:10])
        more = f" (+{len(bad) - 10} more)" if len(bad) > 10 else ""
        problems.append(
            f"{source}: column 'code' has {len(bad)} malformed code(s) ({shown}{more}); "
            "codes must be 6 digits as text, e.g. '000001' (read the file with dtype=str)."
        )
    dupes = codes[codes.duplicated(keep=False) & codes.notna()].unique()
    if len(dupes):
        problems.append(
            f"{source}: column 'code' has {len(dupes)} duplicate code(s): {', '.join(map(str, dupes[:10]))}; "
            "keep one row per company."
        )
    return problems
