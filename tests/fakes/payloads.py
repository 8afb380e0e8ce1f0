"""Raw upstream answers, shaped exactly as akshare 1.19.5's own parsers expect them.

Each builder turns the synthetic market (:mod:`.market`) into the bytes one upstream service sends,
so that akshare's real functions parse them. Where each shape comes from (all paths under
``site-packages/akshare/`` of akshare 1.19.5):

- SSE list, ``stock/stock_info.py:stock_info_sh_name_code``: JSON ``{"result": [...]}``; keys read by
  name (``A_STOCK_CODE``, ``SEC_NAME_CN``, ``SEC_NAME_FULL``, ``COMPANY_ABBR``, ``FULL_NAME``, ``LIST_DATE``).
- SZSE list, same file, ``stock_info_sz_name_code``: an xlsx read by ``pd.read_excel``; columns by name
  (``板块``, ``A股代码`` as an Excel number that akshare zero-pads, ``A股简称``, ``A股上市日期``,
  ``A股总股本`` with thousands separators, ``A股流通股本``, ``所属行业``). The other columns of the real file
  (公司全称, 省份 …) are from the endpoint reference [3p] and only shape the sheet.
- BSE list, same file, ``stock_info_bj_name_code``: POST; the body is cut at ``text[text.find("[") : -1]``,
  so it is ``callback([...])``; ``[0]["totalPages"]`` and ``[0]["content"]`` records of **48 keys**
  renamed by position (上市日期 0, 流通股本 11, 所属行业 17, 报告日期 22, 地区 29, 券商 35, 总股本 36,
  证券代码 38, 证券简称 40). Page 0 is asked twice.
- Eastmoney clist (``utils/func.py:fetch_paginated_data``): ``{"data": {"total": N, "diff": [...]}}``;
  pages of ``pz`` rows; ``f3`` must be present (sorted on).
  ``stock_feature/stock_hist_em.py:stock_zh_a_spot_em``, ``stock/stock_board_industry_em.py`` and
  ``stock/stock_board_concept_em.py`` rename by position (32, 42 and 27 columns). All three maps
  are met by records whose keys are the requested fields in numeric order plus ``f140``/``f141``
  whenever ``f128`` is asked (the leader fields). That rule is derived from akshare's positional
  lists; the live key order is unverified.
- Eastmoney data centre (``stock_feature/stock_yjbb_em.py``, ``stock_feature/stock_report_em.py``):
  ``{"result": {"pages": P, "data": [...]}}`` with ``pageSize`` 500; akshare prepends an index
  column, then renames by position: yjbb records have **37 keys** (code 0, name 1, notice date 6, EPS 8,
  revenue 10, net profit 11, ROE 12, revenue YoY 13, profit YoY 14, BPS 15, OCF/share 16, gross margin 17,
  revenue QoQ 18, profit QoQ 19, industry 22), zcfz **57 keys** (code 1, name 4, notice date 12, total
  assets 14, cash 16, receivables 18, inventory 20, liabilities 22, payables 23, advances 25, equity 27,
  assets YoY 29, liabilities YoY 30, debt ratio 32). An unpublished quarter is ``"result": null``.
  Key names are placeholders where akshare discards the column.
- Shenwan, ``stock/stock_industry_sw.py``: a spreadsheet with 股票代码, 计入日期, 行业代码, 更新日期.
  The real file is ``.xls``; pandas picks the reader from the bytes, so an xlsx exercises the same code
  except xlrd (no xls writer is installed).
- cninfo categories, ``stock/stock_industry_cninfo.py:stock_industry_category_cninfo``:
  ``{"records": [{PARENTCODE, SORTCODE, SORTNAME, F001V, F002D, F003V, F004V}]}``. The ``S`` prefix of
  Shenwan codes is unverified live (as in the function-level fake).
- cninfo profile, ``stock/stock_profile_cninfo.py``: POST; ``{"count": 1, "records": [30 keys]}``, the
  last 4 dropped and the first 26 renamed by position; ``count`` 0 gives an empty frame.
- THS, ``stock_fundamental/stock_zyjs_ths.py``: gb2312 HTML; ``ul.main_intro_list`` ``li`` texts split at
  the first ``：`` into label and value. A page without the list makes akshare raise AttributeError.
- Eastmoney F10, ``stock_fundamental/stock_zygc.py``: ``{"zygcfx": [...]}`` with keys by name.
- Sina, ``stock/stock_zh_a_sina.py:stock_zh_a_spot``: a count page whose first number is the total,
  then pages of 80 JSON records of 20 keys renamed by position (symbol … turnoverratio).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .market import INDUSTRIES, PROVINCES, SW_NAMES

#: Eastmoney board names (industry, concept) with the codes the canned board lists give them.
INDUSTRY_BOARDS = sorted({i[0] for i in INDUSTRIES})
CONCEPT_BOARDS = sorted({c for i in INDUSTRIES for c in i[3]})


def no_ths_page(code: str) -> bool:
    """Companies whose THS page lacks the intro list (akshare raises AttributeError on them)."""
    return int(code) % 33 == 0


def _market_id(code: str) -> int:
    return 1 if code.startswith("6") else 0


def _ymd(value: Any) -> str:
    return value.strftime("%Y%m%d")


# ---------------------------------------------------------------- exchanges
def sse_list(market: pd.DataFrame, stock_type: str) -> bytes:
    board = "star" if stock_type == "8" else "sh_main"
    rows = market[market["board"] == board]
    result = [
        {
            "A_STOCK_CODE": r.code,
            "B_STOCK_CODE": "-",
            "SEC_NAME_CN": r.name,
            "SEC_NAME_FULL": r.name + "股份有限公司",
            "COMPANY_ABBR": r.name,
            "FULL_NAME": r.name + "股份有限公司",
            "LIST_DATE": _ymd(r.list_date),
            "CSRC_CODE": "C",
            "CSRC_CODE_DESC": "制造业",
        }
        for r in rows.itertuples()
    ]
    return json.dumps({"result": result, "pageHelp": {"total": len(result)}}, ensure_ascii=False).encode()


def szse_list(market: pd.DataFrame) -> bytes:
    rows = market[market["board"].isin(["sz_main", "chinext"])]
    sheet = pd.DataFrame(
        {
            "板块": rows["board"].map({"sz_main": "主板", "chinext": "创业板"}),
            "公司全称": rows["name"] + "股份有限公司",
            "英文名称": "Company Ltd.",
            "注册地址": rows["address"],
            "A股代码": rows["code"].astype(int),
            "A股简称": rows["name"],
            "A股上市日期": rows["list_date"].map(lambda d: d.isoformat()),
            "A股总股本": rows["total_share"].map(lambda v: f"{v:,.0f}"),
            "A股流通股本": (rows["total_share"] * 0.8).map(lambda v: f"{v:,.0f}"),
            "B股代码": None,
            "B股简称": None,
            "地      区": "华南",
            "省    份": rows["full_province"],
            "城     市": rows["city"],
            "所属行业": "C 制造业",
            "公司网址": "www.example.cn",
        }
    )
    return _xlsx(sheet)


_BSE_KEYS = 48
_BSE_AT = {"list": 0, "float": 11, "industry": 17, "report": 22, "region": 29, "broker": 35,
           "total": 36, "code": 38, "name": 40}  # fmt: skip


def bse_page(market: pd.DataFrame, page: int, size: int = 20) -> bytes:
    rows = market[market["board"] == "bj"].reset_index(drop=True)
    pages = max(1, math.ceil(len(rows) / size))
    content = []
    for r in rows.iloc[page * size : (page + 1) * size].itertuples():
        values = {
            "list": _ymd(r.list_date),
            "float": r.total_share * 0.7,
            "industry": "计算机、通信和其他电子设备制造业",
            "report": "20260930",
            "region": r.province,
            "broker": "某证券",
            "total": r.total_share,
            "code": r.code,
            "name": r.name,
        }
        content.append(_positional(_BSE_KEYS, {_BSE_AT[k]: v for k, v in values.items()}, prefix="xx"))
    body = [{"content": content, "totalPages": pages, "totalElements": len(rows), "number": page}]
    return ("null(" + json.dumps(body, ensure_ascii=False) + ")").encode()


# ---------------------------------------------------------------- Eastmoney clist
def _f_fields(r: Any, board_codes: bool) -> dict[str, Any]:
    concepts = ",".join(f"BK{1000 + CONCEPT_BOARDS.index(c)}" if board_codes else c for c in r.concepts)
    industry = f"BK{500 + INDUSTRY_BOARDS.index(r.industry):04d}" if board_codes else r.industry
    return {
        "f1": 2, "f2": r.price, "f3": r.pct, "f4": round(r.price * r.pct / 100, 2), "f5": 12345, "f6": 1.2e8,
        "f7": 3.1, "f8": 1.5, "f9": r.pe, "f10": 1.0, "f11": 0.1, "f12": r.code, "f13": _market_id(r.code),
        "f14": r.name, "f15": r.price * 1.02, "f16": r.price * 0.98, "f17": r.price, "f18": r.price,
        "f20": r.price * r.total_share, "f21": r.price * r.total_share * 0.8, "f22": 0.0, "f23": r.pb,
        "f24": 5.0, "f25": 9.0, "f62": 1.0e6, "f100": industry, "f102": f"{r.province}板块",
        "f103": concepts, "f115": r.pe, "f128": "-", "f136": "-", "f140": "-", "f141": "-", "f152": 2,
    }  # fmt: skip


def _record(fields: Sequence[str], values: Mapping[str, Any]) -> dict[str, Any]:
    wanted = set(fields) | ({"f140", "f141"} if "f128" in fields else set())
    return {k: values.get(k, "-") for k in sorted(wanted, key=lambda f: int(f[1:]))}


def clist_page(market: pd.DataFrame, params: Mapping[str, str], board_codes: bool = False) -> bytes:
    fields = params["fields"].split(",")
    fs = params["fs"]
    if fs.startswith("m:90 t:2"):
        values = [
            {
                "f12": f"BK{500 + i:04d}",
                "f14": name,
                "f2": 1000.0,
                "f3": 0.5,
                "f20": 1e11,
                "f104": 10,
                "f105": 5,
            }
            for i, name in enumerate(INDUSTRY_BOARDS)
        ]
    elif fs.startswith("m:90 t:3"):
        values = [
            {"f12": f"BK{1000 + i}", "f14": name, "f2": 1000.0, "f3": 0.5, "f20": 1e11, "f104": 10, "f105": 5}
            for i, name in enumerate(CONCEPT_BOARDS)
        ]
    else:
        rows = market if "m:1 t:2" in fs else market[market["board"] == "bj"]
        values = [_f_fields(r, board_codes) for r in rows.itertuples()]
    size, page = int(params.get("pz", 100)), int(params.get("pn", 1))
    chunk = values[(page - 1) * size : page * size]
    diff = [_record(fields, v) for v in chunk]
    return json.dumps({"rc": 0, "data": {"total": len(values), "diff": diff}}, ensure_ascii=False).encode()


EMPTY_DIFF = json.dumps({"rc": 0, "data": {"total": 0, "diff": []}}).encode()
#: A JSON error object where data was expected (busy server, changed API): no ``result``/``data``,
#: ``count`` 2 (cninfo's profile raises a bare Exception on it).
ODD_JSON = json.dumps(
    {"rc": 102, "result": None, "data": None, "count": 2, "records": [], "msg": "busy"}
).encode()


# ---------------------------------------------------------------- Eastmoney data centre
_YJBB_AT = {"code": 0, "name": 1, "notice": 6, "eps": 8, "revenue": 10, "profit": 11, "roe": 12,
            "rev_yoy": 13, "profit_yoy": 14, "bps": 15, "ocf": 16, "gross": 17, "rev_qoq": 18,
            "profit_qoq": 19, "industry": 22}  # fmt: skip
_ZCFZ_AT = {"code": 1, "name": 4, "notice": 12, "assets": 14, "cash": 16, "receivables": 18,
            "inventory": 20, "liabilities": 22, "payables": 23, "advances": 25, "equity": 27,
            "assets_yoy": 29, "liabilities_yoy": 30, "debt_ratio": 32}  # fmt: skip
UNPUBLISHED = json.dumps(
    {"version": None, "result": None, "success": False, "message": "返回数据为空", "code": 9201}
)


def datacenter_page(market: pd.DataFrame, params: Mapping[str, str], quarters: Sequence[str]) -> bytes:
    report, flt = params["reportName"], params["filter"]
    date = flt.split("DATE='")[1][:10].replace("-", "")
    if date not in quarters:
        return UNPUBLISHED.encode()
    if report == "RPT_LICO_FN_CPD":
        rows, keys, at = market, 37, _YJBB_AT
    else:
        bj = 'TRADE_MARKET_CODE="069001017"' in flt
        rows, keys, at = market[(market["board"] == "bj") == bj], 57, _ZCFZ_AT
    records = []
    for r in rows.itertuples():
        values = {
            "code": r.code, "name": r.name, "notice": "2026-10-28 00:00:00", "eps": 0.5,
            "revenue": r.revenue, "profit": r.net_profit, "roe": r.roe, "rev_yoy": r.rev_yoy,
            "profit_yoy": r.profit_yoy, "bps": 5.0, "ocf": 0.3, "gross": r.gross_margin, "rev_qoq": 1.0,
            "profit_qoq": 1.0, "industry": r.industry, "assets": r.total_assets, "cash": r.total_assets * 0.1,
            "receivables": 1e8, "inventory": 1e8, "liabilities": r.total_assets * 0.45, "payables": 1e8,
            "advances": 0.0, "equity": r.total_assets * 0.55, "assets_yoy": 5.0, "liabilities_yoy": 4.0,
            "debt_ratio": 45.0,
        }  # fmt: skip
        records.append(_positional(keys, {at[k]: v for k, v in values.items() if k in at}, prefix="K"))
    size, page = int(params.get("pageSize", 500)), int(params.get("pageNumber", 1))
    pages = max(1, math.ceil(len(records) / size))
    data = records[(page - 1) * size : page * size]
    result = {"pages": pages, "data": data, "count": len(records)}
    return json.dumps(
        {"version": "x", "result": result, "success": True, "code": 0}, ensure_ascii=False
    ).encode()


# ---------------------------------------------------------------- Shenwan, cninfo
def sw_file(market: pd.DataFrame) -> bytes:
    sheet = pd.DataFrame(
        {
            "股票代码": market["code"],
            "计入日期": pd.Timestamp("2021-07-30"),
            "行业代码": market["sw_code"],
            "更新日期": pd.Timestamp("2026-06-30"),
        }
    )
    return _xlsx(sheet)


def cninfo_categories() -> bytes:
    records = [
        {"PARENTCODE": f"S{k[:-2]}" if len(k) > 2 else "S", "SORTCODE": f"S{k}", "SORTNAME": v, "F001V": "",
         "F002D": None, "F003V": "008003", "F004V": "申银万国行业分类标准"}
        for k, v in SW_NAMES.items()
    ]  # fmt: skip
    return json.dumps(
        {"records": records, "count": len(records), "resultcode": 200}, ensure_ascii=False
    ).encode()


_PROFILE_KEYS = 26


def cninfo_profile(row: Mapping[str, Any] | None) -> bytes:
    if row is None:
        return json.dumps({"records": [], "count": 0, "resultcode": 200}).encode()
    product = row["products"][0]
    at = {0: row["name"] + "股份有限公司", 3: row["code"], 4: row["name"], 13: "12345.6", 20: row["address"],
          21: row["address"], 23: f"从事{product}的研发与制造。", 24: f"{product}的生产、销售。"}  # fmt: skip
    record = _positional(_PROFILE_KEYS, at, prefix="ORG")
    record.update({"F040V": None, "F041V": None, "F042V": None, "F043V": None})  # the 4 keys akshare drops
    return json.dumps({"records": [record], "count": 1, "resultcode": 200}, ensure_ascii=False).encode()


# ---------------------------------------------------------------- per company
def ths_items(products: Sequence[str]) -> dict[str, str]:
    """The labelled items of a THS main-business page for a company making ``products``."""
    return {
        "主营业务": f"{products[0]}及{products[-1]}的研发、生产和销售。",
        "产品类型": "、".join(products[:2]),
        "产品名称": " 、".join(products),
        "经营范围": f"一般项目：{products[0]}制造；技术服务、技术开发；货物进出口。",
    }


def ths_page(row: Mapping[str, Any] | None) -> bytes:
    body = "<div class='m_box'>暂无数据</div>"
    if row is not None and not no_ths_page(row["code"]):
        items = ths_items(row["products"])
        lis = "".join(f"<li><span>{k}：</span>\n\t<p>{v}</p></li>" for k, v in items.items())
        body = f'<ul class="main_intro_list">{lis}</ul>'
    html = f'<html><head><meta charset="gb2312"><title>主营介绍</title></head><body>{body}</body></html>'
    return html.encode("gb2312")


def zygc(row: Mapping[str, Any] | None, symbol: str) -> bytes:
    records = []
    if row is not None:
        code = row["code"]
        for report, scale in (("2026-06-30 00:00:00", 0.5), ("2025-12-31 00:00:00", 1.0)):
            revenue = row["revenue"] * scale
            shares = [0.6, 0.3, 0.1][: len(row["products"])]
            parts = [("1", row["industry"], 1.0)]
            parts += [("2", p, s / sum(shares)) for p, s in zip(row["products"], shares, strict=False)]
            parts += [("3", "境内", 0.8), ("3", "境外", 0.2)]
            for rank, (kind, item, share) in enumerate(parts, start=1):
                records.append(
                    {"SECUCODE": f"{code}.{symbol[:2]}", "SECURITY_CODE": code, "REPORT_DATE": report,
                     "MAINOP_TYPE": kind, "ITEM_NAME": item, "MAIN_BUSINESS_INCOME": revenue * share,
                     "MBI_RATIO": share, "MAIN_BUSINESS_COST": revenue * share * 0.7, "MBC_RATIO": share,
                     "MAIN_BUSINESS_RPOFIT": revenue * share * 0.3, "MBR_RATIO": share,
                     "GROSS_RPOFIT_RATIO": 0.3, "RANK": rank}
                )  # fmt: skip
    return json.dumps({"zygcfx": records}, ensure_ascii=False).encode()


# ---------------------------------------------------------------- Sina
def sina_count(market: pd.DataFrame) -> bytes:
    return f'(new String("{len(market)}"))'.encode()


def sina_page(market: pd.DataFrame, page: int, size: int = 80) -> bytes:
    out = []
    for r in market.iloc[(page - 1) * size : page * size].itertuples():
        prefix = {"6": "sh", "9": "bj"}.get(r.code[0], "sz")
        out.append(
            {"symbol": f"{prefix}{r.code}", "code": r.code, "name": r.name, "trade": str(r.price),
             "pricechange": "0.1", "changepercent": str(r.pct), "buy": str(r.price), "sell": str(r.price),
             "settlement": str(r.price), "open": str(r.price), "high": str(r.price), "low": str(r.price),
             "volume": 1000, "amount": 1e6, "ticktime": "15:00:00", "per": r.pe, "pb": r.pb,
             "mktcap": r.price * r.total_share / 1e4, "nmc": 1.0, "turnoverratio": 1.0}
        )  # fmt: skip
    return json.dumps(out, ensure_ascii=False).encode()


# ---------------------------------------------------------------- block pages
BLOCK_PAGE = (
    b"<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><hr>nginx</body></html>"
)
CAPTCHA_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>安全验证</title></head><body>"
    "<div id='captcha'>请拖动滑块完成验证</div><script src='/captcha.js'></script></body></html>"
).encode()


def _positional(n: int, at: Mapping[int, Any], prefix: str) -> dict[str, Any]:
    return {f"{prefix}{i:02d}": at.get(i) for i in range(n)}


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


__all__ = [
    "BLOCK_PAGE",
    "CAPTCHA_PAGE",
    "CONCEPT_BOARDS",
    "EMPTY_DIFF",
    "INDUSTRY_BOARDS",
    "ODD_JSON",
    "PROVINCES",
    "bse_page",
    "clist_page",
    "cninfo_categories",
    "cninfo_profile",
    "datacenter_page",
    "no_ths_page",
    "sina_count",
    "sina_page",
    "sse_list",
    "sw_file",
    "szse_list",
    "ths_items",
    "ths_page",
    "zygc",
]
