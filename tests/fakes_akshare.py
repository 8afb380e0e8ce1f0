"""A fake akshare: the same callables, frames shaped exactly as akshare 1.19.5 returns them.

Each function builds its frame the way akshare's own code does (raw records → DataFrame → rename
→ select → ``to_numeric`` / ``.dt.date``), so column names, order and dtypes under pandas 3 match
the endpoint reference (``str`` for text, ``float64`` for numbers, ``datetime.date`` objects for
dates). A deterministic synthetic market stands behind them.

Knobs: ``requests`` counts simulated HTTP requests (pages included), ``latency`` sleeps per
request, :meth:`FakeAkshare.inject` queues faults per function (timeouts, connection resets, HTTP
403, empty frames, ``None`` payloads, renamed/missing/swapped columns, akshare's ``Length
mismatch``, blocking) and :meth:`FakeAkshare.ban` makes a host refuse everything after N requests.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.client
import math
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import requests
import urllib3

HOSTS: dict[str, str] = {
    "stock_info_sh_name_code": "sse",
    "stock_info_sz_name_code": "szse",
    "stock_info_bj_name_code": "bse",
    "fetch_paginated_data": "eastmoney",
    "stock_zh_a_spot_em": "eastmoney",
    "stock_bj_a_spot_em": "eastmoney",
    "stock_yjbb_em": "eastmoney",
    "stock_zcfz_em": "eastmoney",
    "stock_zcfz_bj_em": "eastmoney",
    "stock_zygc_em": "eastmoney",
    "stock_board_industry_name_em": "eastmoney",
    "stock_board_concept_name_em": "eastmoney",
    "stock_zh_a_spot": "sina",
    "stock_industry_clf_hist_sw": "swsresearch",
    "stock_industry_category_cninfo": "cninfo",
    "stock_profile_cninfo": "cninfo",
    "stock_zyjs_ths": "ths",
    "stock_individual_info_em": "eastmoney",
    "stock_financial_analysis_indicator_em": "eastmoney",
}

# (EM industry, SW code, products, concepts)
INDUSTRIES: list[tuple[str, str, list[str], list[str]]] = [
    ("半导体", "270108", ["集成电路", "功率芯片", "晶圆制造"], ["国产芯片", "半导体概念"]),
    ("电池", "630701", ["锂电池", "储能电池", "正极材料"], ["锂电池", "储能"]),
    ("通用设备", "640601", ["工业机器人", "精密减速器", "数控机床"], ["机器人概念", "工业母机"]),
    ("软件开发", "710402", ["操作系统", "数据库", "大模型平台"], ["人工智能", "信创"]),
    ("航天航空", "650101", ["卫星载荷", "火箭发动机", "无人机"], ["商业航天", "低空经济"]),
    ("医疗器械", "370401", ["医学影像设备", "体外诊断试剂"], ["医疗器械概念"]),
    ("化学制药", "370101", ["原料药", "创新药"], ["创新药"]),
    ("光伏设备", "630501", ["光伏组件", "逆变器"], ["光伏概念"]),
    ("汽车整车", "280201", ["新能源汽车", "乘用车"], ["新能源车"]),
    ("银行", "480301", ["存贷款业务", "结算业务"], ["银行"]),
    ("酿酒行业", "340501", ["白酒", "啤酒"], ["白酒"]),
    ("房地产开发", "430101", ["住宅开发", "商业地产"], ["房地产"]),
    ("电力行业", "410101", ["火力发电", "水力发电"], ["绿色电力"]),
    ("食品饮料", "340702", ["乳制品", "调味品"], ["乳业"]),
]
SW_NAMES = {
    "27": "电子",
    "2701": "半导体",
    "270108": "集成电路制造",
    "63": "电力设备",
    "6307": "电池",
    "630701": "锂电池",
    "64": "机械设备",
    "6406": "自动化设备",
    "640601": "机器人",
    "71": "计算机",
    "7104": "软件开发",
    "710402": "横向通用软件",
    "65": "国防军工",
    "6501": "航天装备Ⅱ",
    "650101": "航天装备Ⅲ",
    "37": "医药生物",
    "3704": "医疗器械",
    "370401": "医疗设备",
    "3701": "化学制药",
    "370101": "原料药",
    "6305": "光伏设备",
    "630501": "光伏电池组件",
    "28": "汽车",
    "2802": "乘用车",
    "280201": "电动乘用车",
    "48": "银行",
    "4803": "股份制银行Ⅱ",
    "480301": "股份制银行Ⅲ",
    "34": "食品饮料",
    "3405": "白酒Ⅱ",
    "340501": "白酒Ⅲ",
    "43": "房地产",
    "4301": "房地产开发",
    "430101": "住宅开发",
    "41": "公用事业",
    "4101": "电力",
    "410101": "火力发电",
    "3407": "饮料乳品",
    "340702": "乳品",
}
PROVINCES = {
    "广东": ("广东省", ["深圳市", "广州市", "东莞市"]),
    "江苏": ("江苏省", ["苏州市", "南京市", "无锡市"]),
    "浙江": ("浙江省", ["杭州市", "宁波市"]),
    "北京": ("北京市", ["北京市"]),
    "上海": ("上海市", ["上海市"]),
    "山东": ("山东省", ["青岛市", "济南市"]),
    "四川": ("四川省", ["成都市"]),
    "湖北": ("湖北省", ["武汉市"]),
    "广西": ("广西壮族自治区", ["柳州市", "南宁市"]),
    "安徽": ("安徽省", ["合肥市"]),
}
SYLLABLES = "华中天海金瑞恒新宏兴国光通达盛泰安康德润鑫隆科远信源合嘉"
CLIST_FS_BJ = "m:0 t:81 s:2048"


@dataclass
class Fault:
    """One injected failure: ``kind`` plus options, applied ``times`` times after ``skip`` calls."""

    kind: str
    times: int = 1
    skip: int = 0
    options: dict[str, Any] = field(default_factory=dict)


def _split(n: int) -> dict[str, int]:
    shares = {"sh_main": 0.312, "star": 0.108, "sz_main": 0.275, "chinext": 0.25, "bj": 0.055}
    counts = {k: max(2, round(n * v)) for k, v in shares.items()}
    counts["sz_main"] += n - sum(counts.values())
    return counts


def make_market(n: int = 5450, seed: int = 7) -> pd.DataFrame:
    """The synthetic market behind the fake: one row per company with every fact any endpoint shows."""
    rng = random.Random(seed)
    starts = {"sh_main": 600000, "star": 688000, "sz_main": 1, "chinext": 300001, "bj": 920001}
    rows = []
    for board, count in _split(n).items():
        for i in range(count):
            code = f"{starts[board] + i:06d}"
            industry, sw_code, products, concepts = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
            province = rng.choice(list(PROVINCES))
            full_province, cities = PROVINCES[province]
            city = rng.choice(cities)
            name = "".join(rng.sample(SYLLABLES, 2)) + rng.choice(["科技", "股份", "电子", "智能", "集团"])
            if rng.random() < 0.04:
                name = "ST" + name
            revenue = math.exp(rng.gauss(math.log(2.5e9), 1.2))
            rows.append(
                {
                    "code": code,
                    "board": board,
                    "name": name,
                    "industry": industry,
                    "sw_code": sw_code,
                    "products": products,
                    "concepts": concepts,
                    "province": province,
                    "full_province": full_province,
                    "city": city,
                    "address": f"{'' if full_province == city else full_province}{city}科技路{i % 300 + 1}号",
                    "list_date": dt.date(1991, 1, 1) + dt.timedelta(days=rng.randrange(12500)),
                    "total_share": float(rng.randrange(50, 5000) * 1_000_000),
                    "price": round(math.exp(rng.gauss(math.log(15), 0.7)), 2),
                    "pe": round(rng.gauss(35, 40), 2),
                    "pb": round(abs(rng.gauss(3, 2)) + 0.3, 2),
                    "pct": round(rng.gauss(0.2, 2.5), 2),
                    "revenue": revenue,
                    "rev_yoy": round(rng.gauss(8, 25), 2),
                    "net_profit": revenue * rng.gauss(0.07, 0.08),
                    "profit_yoy": round(rng.gauss(5, 40), 2),
                    "roe": round(rng.gauss(7, 8), 2),
                    "gross_margin": round(min(95, abs(rng.gauss(27, 15))), 2),
                    "total_assets": revenue * rng.uniform(1.0, 3.0),
                    "suspended": rng.random() < 0.01,
                }
            )
    return pd.DataFrame(rows)


def _refusal() -> Exception:
    cause = urllib3.exceptions.ProtocolError(
        "Connection aborted.", http.client.RemoteDisconnected("Remote end closed connection without response")
    )
    return requests.exceptions.ConnectionError(cause)


def _http_error(status: int) -> Exception:
    response = requests.Response()
    response.status_code = status
    return requests.exceptions.HTTPError(f"{status} Client Error: Forbidden", response=response)


class FakeAkshare:
    """Stands in for the ``akshare`` module behind :class:`npf_screen.sources.AkshareSource`.

    Parameters
    ----------
    n_companies : int
        Size of the synthetic market (about 5,450 A-shares today).
    seed : int
        Seed of the synthetic market.
    latency : float
        Seconds slept per simulated HTTP request (for benchmarks).
    published_quarters : tuple of str
        Quarters ``stock_yjbb_em`` / ``stock_zcfz_em`` have data for; others raise akshare's TypeError.
    """

    __version__ = "1.19.5"

    def __init__(
        self,
        n_companies: int = 5450,
        seed: int = 7,
        latency: float = 0.0,
        published_quarters: tuple[str, ...] = ("20260630", "20260930"),
    ) -> None:
        self.market = make_market(n_companies, seed)
        self.latency = latency
        self.published_quarters = published_quarters
        self.requests = 0
        self.requests_by_function: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.release = threading.Event()
        self._faults: dict[str, list[Fault]] = defaultdict(list)
        self._ban: dict[str, int] = {}
        self._lock = threading.Lock()
        # akshare lru_caches the exchange lists: the same object on every call, no request after the first
        self.stock_info_sh_name_code = functools.lru_cache(self._stock_info_sh_name_code)
        self.stock_info_sz_name_code = functools.lru_cache(self._stock_info_sz_name_code)
        self.stock_info_bj_name_code = functools.lru_cache(self._stock_info_bj_name_code)

    # ------------------------------------------------------------------ knobs
    def inject(self, function: str, kind: str, *, times: int = 1, skip: int = 0, **options: Any) -> None:
        """Queue a fault for ``function``: it hits calls ``skip+1 … skip+times`` of it."""
        self._faults[function].append(Fault(kind, times, self.calls[function] + skip, options))

    def ban(self, host: str = "eastmoney", after_requests: int = 0) -> None:
        """Make ``host`` refuse every call once the fake has served ``after_requests`` requests in total."""
        self._ban[host] = after_requests

    def _take_fault(self, function: str) -> Fault | None:
        for fault in self._faults[function]:
            if fault.times > 0 and self.calls[function] > fault.skip:
                fault.times -= 1
                return fault
        return None

    def _serve(self, function: str, pages: int, build: Any) -> Any:
        with self._lock:
            self.calls[function] += 1
            host = HOSTS[function]
            if host in self._ban and self.requests >= self._ban[host]:
                self.requests += 1
                self.requests_by_function[function] += 1
                raise _refusal()
            fault = self._take_fault(function)
            served = (
                1 if fault and fault.kind in {"reset", "http403", "none", "mismatch", "timeout"} else pages
            )
            self.requests += served
            self.requests_by_function[function] += served
        if self.latency:
            time.sleep(self.latency * served)
        if fault is None:
            return build()
        return self._apply(fault, build)

    def _apply(self, fault: Fault, build: Any) -> Any:
        kind, opts = fault.kind, fault.options
        if kind == "timeout":
            self.release.wait(opts.get("hold", 5.0))
            raise requests.exceptions.ReadTimeout("Read timed out. (read timeout=15)")
        if kind == "block":
            Path(opts["signal"]).write_text("blocked")
            while True:
                time.sleep(0.05)
        if kind == "reset":
            raise _refusal()
        if kind == "http403":
            raise _http_error(403)
        if kind == "none":
            raise TypeError("'NoneType' object is not subscriptable")
        if kind == "mismatch":
            raise ValueError("Length mismatch: Expected axis has 39 elements, new values have 38 elements")
        frame = build()
        if kind == "empty":
            return pd.DataFrame()
        if kind == "rename":
            return frame.rename(columns={opts["column"]: opts["to"]})
        if kind == "drop":
            return frame.drop(columns=[opts["column"]])
        if kind == "swap":
            a, b = opts["columns"]
            return frame.assign(**{a: frame[b].to_numpy(), b: frame[a].to_numpy()})
        raise ValueError(f"unknown fault kind {kind!r}")

    def _board(self, *boards: str) -> pd.DataFrame:
        return self.market[self.market["board"].isin(boards)].reset_index(drop=True)

    # ------------------------------------------------------------------ exchange lists
    def _sh(self, symbol: str) -> pd.DataFrame:
        boards = {"主板A股": ("sh_main",), "科创板": ("star",)}[symbol]
        market = self._board(*boards)
        records = [
            {
                "COMPANY_ABBR": n,
                "A_STOCK_CODE": c,
                "SEC_NAME_CN": n,
                "CSRC_CODE": "C",
                "LIST_DATE": d.strftime("%Y%m%d"),
                "SEC_NAME_FULL": n + "股份有限公司",
                "FULL_NAME": n + "股份有限公司",
                "B_STOCK_CODE": "-",
                "COMPANY_CODE": c,
            }
            for c, n, d in zip(market["code"], market["name"], market["list_date"], strict=True)
        ]
        temp_df = pd.DataFrame(records)
        temp_df = temp_df.rename(
            columns={
                "A_STOCK_CODE": "证券代码",
                "SEC_NAME_CN": "证券简称",
                "SEC_NAME_FULL": "证券全称",
                "COMPANY_ABBR": "公司简称",
                "FULL_NAME": "公司全称",
                "LIST_DATE": "上市日期",
            },
        )
        temp_df = temp_df[["证券代码", "证券简称", "证券全称", "公司简称", "公司全称", "上市日期"]]
        temp_df["上市日期"] = pd.to_datetime(temp_df["上市日期"], errors="coerce").dt.date
        return temp_df

    def _stock_info_sh_name_code(self, symbol: str = "主板A股") -> pd.DataFrame:
        """SSE list: 1 request; lru_cached like akshare (the same object on every call)."""
        return self._serve("stock_info_sh_name_code", 1, lambda: self._sh(symbol))

    def _sz(self) -> pd.DataFrame:
        market = self._board("sz_main", "chinext")
        raw = pd.DataFrame(
            {
                "板块": ["创业板" if c.startswith("3") else "主板" for c in market["code"]],
                "公司全称": market["name"] + "股份有限公司",
                "英文名称": "Fake Co., Ltd.",
                "注册地址": market["address"],
                "A股代码": market["code"].astype(int),  # Excel reads codes as numbers
                "A股简称": [n[:2] + "  " + n[2:] if i % 7 == 0 else n for i, n in enumerate(market["name"])],
                "A股上市日期": [d.isoformat() for d in market["list_date"]],
                "A股总股本": [f"{int(s):,}" for s in market["total_share"]],
                "A股流通股本": [f"{int(s * 0.8):,}" for s in market["total_share"]],
                "地区": "华南",
                "省份": market["province"],
                "城市": market["city"],
                "所属行业": "C 制造业",
                "公司网址": "www.example.com",
            }
        )
        temp_df = raw
        temp_df["A股代码"] = (
            temp_df["A股代码"]
            .astype(str)
            .str.split(".", expand=True)
            .iloc[:, 0]
            .str.zfill(6)
            .str.replace("000nan", "")
        )
        return temp_df[["板块", "A股代码", "A股简称", "A股上市日期", "A股总股本", "A股流通股本", "所属行业"]]

    def _stock_info_sz_name_code(self, symbol: str = "A股列表") -> pd.DataFrame:
        """SZSE list (xlsx): 1 request; lru_cached."""
        return self._serve("stock_info_sz_name_code", 1, self._sz)

    def _bj(self) -> pd.DataFrame:
        market = self._board("bj")
        records = []
        for row in market.itertuples():
            values: list[Any] = ["-"] * 48
            values[0] = row.list_date.strftime("%Y%m%d")
            values[11] = int(row.total_share * 0.6)
            values[17] = "计算机、通信和其他电子设备制造业"
            values[22] = "20260930"
            values[29] = row.full_province
            values[35] = "某证券"
            values[36] = int(row.total_share)
            values[38] = row.code
            values[40] = row.name
            records.append({f"k{i:02d}": v for i, v in enumerate(values)})
        big_df = pd.DataFrame(records)
        big_df.columns = [
            "上市日期",
            *["-"] * 10,
            "流通股本",
            *["-"] * 5,
            "所属行业",
            *["-"] * 4,
            "报告日期",
            *["-"] * 6,
            "地区",
            *["-"] * 5,
            "券商",
            "总股本",
            "-",
            "证券代码",
            "-",
            "证券简称",
            *["-"] * 7,
        ]
        big_df = big_df[
            ["证券代码", "证券简称", "总股本", "流通股本", "上市日期", "所属行业", "地区", "报告日期"]
        ]
        big_df["报告日期"] = pd.to_datetime(big_df["报告日期"], errors="coerce").dt.date
        big_df["上市日期"] = pd.to_datetime(big_df["上市日期"], errors="coerce").dt.date
        return big_df

    def _stock_info_bj_name_code(self) -> pd.DataFrame:
        """BSE list: 1 + pages of 20 requests (page 0 twice); lru_cached."""
        pages = 1 + math.ceil(len(self._board("bj")) / 20)
        return self._serve("stock_info_bj_name_code", pages, self._bj)

    # ------------------------------------------------------------------ Eastmoney quotes
    def _clist_records(self, market: pd.DataFrame, fields: list[str]) -> list[dict[str, Any]]:
        records = []
        for row in market.itertuples():
            dead = row.suspended
            full = {
                "f2": "-" if dead else row.price,
                "f3": "-" if dead else row.pct,
                "f9": "-" if dead else row.pe,
                "f12": row.code,
                "f13": 1 if row.code.startswith("6") else 0,
                "f14": row.name,
                "f20": "-" if dead else round(row.price * row.total_share, 0),
                "f21": "-" if dead else round(row.price * row.total_share * 0.8, 0),
                "f23": "-" if dead else row.pb,
                "f100": row.industry,
                "f102": f"{row.province}板块",
                "f103": ",".join(row.concepts),
            }
            records.append({k: full.get(k, 0.0) for k in sorted(fields, key=lambda f: int(f[1:]))})
        return records

    def fetch_paginated_data(self, url: str, base_params: dict, timeout: int = 15) -> pd.DataFrame:
        """akshare.utils.func.fetch_paginated_data: ceil(n/100) requests; sorted by f3, plus ``index``."""
        fs = base_params.get("fs", "")
        market = self._board("bj") if fs == CLIST_FS_BJ else self.market
        fields = base_params["fields"].split(",")

        def build() -> pd.DataFrame:
            records = self._clist_records(market, fields)
            pages = [pd.DataFrame(records[i : i + 100]) for i in range(0, len(records), 100)]
            temp_df = pd.concat(pages, ignore_index=True)
            temp_df["f3"] = pd.to_numeric(temp_df["f3"], errors="coerce")
            temp_df = temp_df.sort_values(by=["f3"], ascending=False, ignore_index=True)
            temp_df = temp_df.reset_index()
            temp_df["index"] = temp_df["index"].astype(int) + 1
            return temp_df

        return self._serve("fetch_paginated_data", max(1, math.ceil(len(market) / 100)), build)

    def _spot_em(self, market: pd.DataFrame) -> pd.DataFrame:
        dead = market["suspended"]
        cap = (market["price"] * market["total_share"]).where(~dead)
        frame = pd.DataFrame(
            {
                "序号": range(1, len(market) + 1),
                "代码": market["code"].astype("str"),
                "名称": market["name"].astype("str"),
                "最新价": market["price"].where(~dead),
                "涨跌幅": market["pct"].where(~dead),
                "涨跌额": 0.1,
                "成交量": 1e5,
                "成交额": 1e8,
                "振幅": 2.0,
                "最高": market["price"],
                "最低": market["price"],
                "今开": market["price"],
                "昨收": market["price"],
                "量比": 1.0,
                "换手率": 1.5,
                "市盈率-动态": market["pe"].where(~dead),
                "市净率": market["pb"].where(~dead),
                "总市值": cap,
                "流通市值": cap * 0.8,
                "涨速": 0.0,
                "5分钟涨跌": 0.0,
                "60日涨跌幅": 3.0,
                "年初至今涨跌幅": 5.0,
            }
        )
        numeric = [c for c in frame.columns if c not in ("序号", "代码", "名称")]
        frame[numeric] = frame[numeric].astype("float64")
        return frame.sort_values("涨跌幅", ascending=False, ignore_index=True).assign(
            序号=range(1, len(frame) + 1)
        )

    def stock_zh_a_spot_em(self) -> pd.DataFrame:
        """Eastmoney spot: about 55 requests."""
        pages = math.ceil(len(self.market) / 100)
        return self._serve("stock_zh_a_spot_em", pages, lambda: self._spot_em(self.market))

    def stock_bj_a_spot_em(self) -> pd.DataFrame:
        """BSE spot (same code path, same columns): a few requests."""
        market = self._board("bj")
        return self._serve("stock_bj_a_spot_em", math.ceil(len(market) / 100), lambda: self._spot_em(market))

    def stock_zh_a_spot(self) -> pd.DataFrame:
        """Sina spot: 1 count request + pages of 80; prefixed codes, no market cap."""
        market = self.market

        def build() -> pd.DataFrame:
            prefix = market["code"].map(
                lambda c: "bj" if c.startswith("92") else "sh" if c[0] == "6" else "sz"
            )
            frame = pd.DataFrame(
                {
                    "代码": (prefix + market["code"]).astype("str"),
                    "名称": market["name"].astype("str"),
                    "最新价": market["price"],
                    "涨跌额": 0.1,
                    "涨跌幅": market["pct"],
                    "买入": market["price"],
                    "卖出": market["price"],
                    "昨收": market["price"],
                    "今开": market["price"],
                    "最高": market["price"],
                    "最低": market["price"],
                    "成交量": 1e5,
                    "成交额": 1e8,
                    "时间戳": "15:00:00",
                }
            )
            return frame.astype({c: "float64" for c in frame.columns if c not in ("代码", "名称", "时间戳")})

        return self._serve("stock_zh_a_spot", 1 + math.ceil(len(market) / 80), build)

    # ------------------------------------------------------------------ Eastmoney datacenter
    def _no_data_unless_published(self, date: str) -> None:
        if date not in self.published_quarters:
            raise TypeError("'NoneType' object is not subscriptable")

    def _yjbb(self, date: str) -> pd.DataFrame:
        self._no_data_unless_published(date)
        market = self.market
        neeq = pd.DataFrame({"code": [f"{870000 + i:06d}" for i in range(max(1, len(market) // 18))]})
        rows = pd.concat([market, neeq], ignore_index=True)
        frame = pd.DataFrame(
            {
                "序号": range(1, len(rows) + 1),
                "股票代码": rows["code"].astype("str"),
                "股票简称": rows["name"].fillna("新三板公司").astype("str"),
                "每股收益": (rows["net_profit"] / rows["total_share"]).round(4),
                "营业总收入-营业总收入": rows["revenue"],
                "营业总收入-同比增长": rows["rev_yoy"],
                "营业总收入-季度环比增长": 1.0,
                "净利润-净利润": rows["net_profit"],
                "净利润-同比增长": rows["profit_yoy"],
                "净利润-季度环比增长": 1.0,
                "每股净资产": 5.0,
                "净资产收益率": rows["roe"],
                "每股经营现金流量": 0.5,
                "销售毛利率": rows["gross_margin"],
                "所处行业": rows["industry"].astype("str").where(rows["industry"].notna()),
                "最新公告日期": pd.to_datetime("2026-10-28").date(),
            }
        )
        numeric = [
            c for c in frame.columns if c not in ("序号", "股票代码", "股票简称", "所处行业", "最新公告日期")
        ]
        frame[numeric] = frame[numeric].astype("float64")
        frame["所处行业"] = frame["所处行业"].astype("str").where(frame["所处行业"].notna())
        return frame

    def stock_yjbb_em(self, date: str = "20200331") -> pd.DataFrame:
        """Earnings table: 1 + ceil(n/500) requests (page 1 twice); TypeError for unpublished dates."""
        pages = 1 + math.ceil(len(self.market) * 1.06 / 500)
        if date not in self.published_quarters:
            pages = 1
        return self._serve("stock_yjbb_em", pages, lambda: self._yjbb(date))

    def _zcfz(self, market: pd.DataFrame, date: str) -> pd.DataFrame:
        self._no_data_unless_published(date)
        assets = market["total_assets"]
        frame = pd.DataFrame(
            {
                "序号": range(1, len(market) + 1),
                "股票代码": market["code"].astype("str"),
                "股票简称": market["name"].astype("str"),
                "资产-货币资金": assets * 0.1,
                "资产-应收账款": assets * 0.1,
                "资产-存货": assets * 0.15,
                "资产-总资产": assets,
                "资产-总资产同比": 5.0,
                "负债-应付账款": assets * 0.1,
                "负债-预收账款": 0.0,
                "负债-总负债": assets * 0.45,
                "负债-总负债同比": 4.0,
                "资产负债率": 45.0,
                "股东权益合计": assets * 0.55,
                "公告日期": pd.to_datetime("2026-10-28").date(),
            }
        )
        numeric = [c for c in frame.columns if c not in ("序号", "股票代码", "股票简称", "公告日期")]
        frame[numeric] = frame[numeric].astype("float64")
        return frame

    def stock_zcfz_em(self, date: str = "20240331") -> pd.DataFrame:
        """Balance sheets without BSE: 1 + ceil(n/500) requests."""
        market = self.market[self.market["board"] != "bj"]
        pages = 1 + math.ceil(len(market) / 500) if date in self.published_quarters else 1
        return self._serve("stock_zcfz_em", pages, lambda: self._zcfz(market, date))

    def stock_zcfz_bj_em(self, date: str = "20240331") -> pd.DataFrame:
        """BSE balance sheets: 1 + ceil(n/500) requests."""
        market = self._board("bj")
        pages = 1 + math.ceil(len(market) / 500) if date in self.published_quarters else 1
        return self._serve("stock_zcfz_bj_em", pages, lambda: self._zcfz(market, date))

    # ------------------------------------------------------------------ Shenwan, cninfo, boards
    def stock_industry_clf_hist_sw(self) -> pd.DataFrame:
        """SW class history (xls): 1 request; older rows carry pre-2021 codes."""

        def build() -> pd.DataFrame:
            market = self.market
            old = market.iloc[::3]
            temp_df = pd.DataFrame(
                {
                    "股票代码": pd.concat([old["code"], market["code"]], ignore_index=True).astype("str"),
                    "计入日期": ["2014-01-01 00:00:00"] * len(old) + ["2021-07-30 00:00:00"] * len(market),
                    "行业代码": ["440101"] * len(old) + list(market["sw_code"]),
                    "更新日期": "2021-07-31 16:18:00",
                }
            )
            temp_df = temp_df.rename(
                columns={
                    "股票代码": "symbol",
                    "计入日期": "start_date",
                    "行业代码": "industry_code",
                    "更新日期": "update_time",
                },
            )
            temp_df["start_date"] = pd.to_datetime(temp_df["start_date"], errors="coerce").dt.date
            temp_df["update_time"] = pd.to_datetime(temp_df["update_time"], errors="coerce").dt.date
            return temp_df

        return self._serve("stock_industry_clf_hist_sw", 1, build)

    def stock_industry_category_cninfo(self, symbol: str = "巨潮行业分类标准") -> pd.DataFrame:
        """cninfo category tree: 1 request. Shenwan codes carry an ``S`` prefix (unverified live)."""

        def build() -> pd.DataFrame:
            records = [
                {
                    "PARENTCODE": f"S{k[:-2]}" if len(k) > 2 else "S",
                    "SORTCODE": f"S{k}",
                    "SORTNAME": v,
                    "F001V": "",
                    "F002D": None,
                    "F003V": "008003",
                    "F004V": "申银万国行业分类标准",
                }
                for k, v in SW_NAMES.items()
            ]
            temp_df = pd.DataFrame(records)
            temp_df = temp_df.rename(
                columns={
                    "PARENTCODE": "父类编码",
                    "SORTCODE": "类目编码",
                    "SORTNAME": "类目名称",
                    "F001V": "类目名称英文",
                    "F002D": "终止日期",
                    "F003V": "行业类型编码",
                    "F004V": "行业类型",
                },
            )
            temp_df["分级"] = temp_df["类目编码"].str.len().rank(method="dense").astype(int) - 1
            temp_df["终止日期"] = pd.to_datetime(temp_df["终止日期"], errors="coerce").dt.date
            return temp_df

        return self._serve("stock_industry_category_cninfo", 1, build)

    def _boards(self, labels: list[str], prefix: int) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "排名": range(1, len(labels) + 1),
                "板块名称": labels,
                "板块代码": [f"BK{prefix + i:04d}" for i in range(len(labels))],
                "最新价": 1000.0,
                "涨跌额": 1.0,
                "涨跌幅": 0.1,
                "总市值": 1e11,
                "换手率": 1.0,
                "上涨家数": 10.0,
                "下跌家数": 5.0,
                "领涨股票": "某股",
                "领涨股票-涨跌幅": 3.0,
            }
        )
        return frame.astype({"板块名称": "str", "板块代码": "str", "领涨股票": "str"})

    def stock_board_industry_name_em(self) -> pd.DataFrame:
        """EM industry boards: 1 request."""
        labels = [i[0] for i in INDUSTRIES] + [f"其他行业{i}" for i in range(86 - len(INDUSTRIES))]
        return self._serve("stock_board_industry_name_em", 1, lambda: self._boards(labels, 400))

    def stock_board_concept_name_em(self) -> pd.DataFrame:
        """EM concept boards: ceil(n/100) requests."""
        labels = sorted({c for i in INDUSTRIES for c in i[3]})
        labels += [f"其他概念{i}" for i in range(460 - len(labels))]
        pages = math.ceil(len(labels) / 100)
        return self._serve("stock_board_concept_name_em", pages, lambda: self._boards(labels, 1000))

    # ------------------------------------------------------------------ per company
    def _company(self, code: str) -> Any:
        if not hasattr(self, "_by_code"):
            self._by_code = {row["code"]: row for row in self.market.to_dict("records")}
        if code not in self._by_code:
            raise AttributeError("'NoneType' object has no attribute 'find_all'")
        return self._by_code[code]

    def stock_zyjs_ths(self, symbol: str = "000066") -> pd.DataFrame:
        """THS main-business page: 1 request; labels become columns; 3% of pages lack the list."""

        def build() -> pd.DataFrame:
            row = self._company(symbol)
            if int(symbol) % 33 == 0:
                raise AttributeError("'NoneType' object has no attribute 'find_all'")
            products = row["products"]
            content = {
                "主营业务": f"{products[0]}及{products[-1]}的研发、生产和销售。",
                "产品类型": "、".join(products[:2]),
                "产品名称": " 、".join(products),
                "经营范围": f"一般项目：{products[0]}制造；技术服务、技术开发；货物进出口。",
            }
            temp_df = pd.DataFrame(list(content.values()), index=list(content)).T
            temp_df.insert(0, "股票代码", symbol)
            return temp_df

        return self._serve("stock_zyjs_ths", 1, build)

    def stock_profile_cninfo(self, symbol: str = "600030") -> pd.DataFrame:
        """cninfo profile: 1 request; one row of 26 object columns (positional in akshare)."""
        columns = [
            "公司名称",
            "英文名称",
            "曾用简称",
            "A股代码",
            "A股简称",
            "B股代码",
            "B股简称",
            "H股代码",
            "H股简称",
            "入选指数",
            "所属市场",
            "所属行业",
            "法人代表",
            "注册资金",
            "成立日期",
            "上市日期",
            "官方网站",
            "电子邮箱",
            "联系电话",
            "传真",
            "注册地址",
            "办公地址",
            "邮政编码",
            "主营业务",
            "经营范围",
            "机构简介",
        ]

        def build() -> pd.DataFrame:
            row = self._company(symbol)
            values: list[Any] = [None] * len(columns)
            values[columns.index("公司名称")] = row["name"] + "股份有限公司"
            values[columns.index("A股代码")] = symbol
            values[columns.index("A股简称")] = row["name"]
            values[columns.index("注册资金")] = 12345.6
            values[columns.index("注册地址")] = row["address"]
            values[columns.index("办公地址")] = row["address"]
            values[columns.index("主营业务")] = f"从事{row['products'][0]}的研发与制造。"
            values[columns.index("经营范围")] = f"{row['products'][0]}的生产、销售。"
            temp_df = pd.Series(dict(zip([f"F{i:03d}" for i in range(len(columns))], values, strict=True)))
            temp_df = temp_df.to_frame().T
            temp_df.columns = columns
            return temp_df

        return self._serve("stock_profile_cninfo", 1, build)

    def stock_zygc_em(self, symbol: str = "SH688041") -> pd.DataFrame:
        """Revenue composition (F10): 1 request; two reports × by industry / product / region."""

        def build() -> pd.DataFrame:
            code = symbol[2:]
            row = self._company(code)
            records = []
            for report, scale in (("2026-06-30 00:00:00", 0.5), ("2025-12-31 00:00:00", 1.0)):
                revenue = row["revenue"] * scale
                parts = [("1", row["industry"], 1.0)]
                shares = [0.6, 0.3, 0.1][: len(row["products"])]
                parts += [("2", p, s / sum(shares)) for p, s in zip(row["products"], shares, strict=False)]
                parts += [("3", "境内", 0.8), ("3", "境外", 0.2)]
                for rank, (kind, item, share) in enumerate(parts, start=1):
                    records.append(
                        {
                            "SECUCODE": f"{code}.{symbol[:2]}",
                            "SECURITY_CODE": code,
                            "REPORT_DATE": report,
                            "MAINOP_TYPE": kind,
                            "ITEM_NAME": item,
                            "MAIN_BUSINESS_INCOME": revenue * share,
                            "MBI_RATIO": share,
                            "MAIN_BUSINESS_COST": revenue * share * 0.7,
                            "MBC_RATIO": share,
                            "MAIN_BUSINESS_RPOFIT": revenue * share * 0.3,
                            "MBR_RATIO": share,
                            "GROSS_RPOFIT_RATIO": 0.3,
                            "RANK": rank,
                        }
                    )
            temp_df = pd.DataFrame(records)
            temp_df = temp_df.rename(
                columns={
                    "SECUCODE": "-",
                    "SECURITY_CODE": "股票代码",
                    "REPORT_DATE": "报告日期",
                    "MAINOP_TYPE": "分类类型",
                    "ITEM_NAME": "主营构成",
                    "MAIN_BUSINESS_INCOME": "主营收入",
                    "MBI_RATIO": "收入比例",
                    "MAIN_BUSINESS_COST": "主营成本",
                    "MBC_RATIO": "成本比例",
                    "MAIN_BUSINESS_RPOFIT": "主营利润",
                    "MBR_RATIO": "利润比例",
                    "GROSS_RPOFIT_RATIO": "毛利率",
                    "RANK": "-",
                },
            )
            temp_df = temp_df[
                [
                    "股票代码",
                    "报告日期",
                    "分类类型",
                    "主营构成",
                    "主营收入",
                    "收入比例",
                    "主营成本",
                    "成本比例",
                    "主营利润",
                    "利润比例",
                    "毛利率",
                ]
            ]
            temp_df["报告日期"] = pd.to_datetime(temp_df["报告日期"], errors="coerce").dt.date
            temp_df["分类类型"] = temp_df["分类类型"].map(
                {"1": "按行业分类", "2": "按产品分类", "3": "按地区分类"}
            )
            return temp_df

        return self._serve("stock_zygc_em", 1, build)

    # ------------------------------------------------------------------ per company, for the naive baseline
    def stock_individual_info_em(self, symbol: str = "603777", timeout: float | None = None) -> pd.DataFrame:
        """One stock's facts (long item/value format): 1 request."""

        def build() -> pd.DataFrame:
            row = self._company(symbol)
            items = {
                "最新": row["price"],
                "股票代码": symbol,
                "股票简称": row["name"],
                "总股本": row["total_share"],
                "流通股": row["total_share"] * 0.8,
                "总市值": row["price"] * row["total_share"],
                "流通市值": row["price"] * row["total_share"] * 0.8,
                "行业": row["industry"],
                "上市时间": int(row["list_date"].strftime("%Y%m%d")),
            }
            return pd.DataFrame({"item": list(items), "value": list(items.values())})

        return self._serve("stock_individual_info_em", 1, build)

    def stock_financial_analysis_indicator_em(self, symbol: str = "301389.SZ", indicator: str = "按报告期"):
        """One stock's main indicators by report (raw Eastmoney columns): 1 request."""

        def build() -> pd.DataFrame:
            row = self._company(symbol[:6])
            return pd.DataFrame(
                {
                    "SECUCODE": [symbol] * 4,
                    "REPORT_DATE": ["2026-09-30", "2026-06-30", "2026-03-31", "2025-12-31"],
                    "TOTALOPERATEREVE": row["revenue"],
                    "PARENTNETPROFIT": row["net_profit"],
                    "ROEJQ": row["roe"],
                    "XSMLL": row["gross_margin"],
                    "TOTALOPERATEREVETZ": row["rev_yoy"],
                }
            )

        return self._serve("stock_financial_analysis_indicator_em", 1, build)


# ---------------------------------------------------------------------- helpers for tests
THEMES_TOML = """
[[theme]]
id = "test_robotics"
name = "机器人"
line = "emerging"
rationale = "Robots and their core parts, for tests of the data layer."
source = "test"
industries = ["通用设备"]
concepts = ["机器人概念"]
[[theme.keywords]]
weight = 40
terms = ["机器人", "减速器"]

[[theme]]
id = "test_space"
name = "商业航天"
line = "future"
rationale = "Satellites and launchers, for tests of the data layer."
source = "test"
concepts = ["商业航天"]
[[theme.keywords]]
weight = 40
terms = ["卫星", "火箭"]
"""


def test_themes() -> Any:
    """Two small themes, independent of the bundled seeds."""
    from npf_screen.rules import ThemeSet
    from npf_screen.rules_loader import parse_rule_text

    themes, problems = parse_rule_text(THEMES_TOML, "<test themes>")
    assert not problems, problems
    return ThemeSet(themes)


test_themes.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def make_source(fake: FakeAkshare | None = None, **fake_options: Any) -> Any:
    """An AkshareSource over a fake: no sleeping, row floors scaled to the fake market's size."""
    from npf_screen.sources import AkshareSource, Politeness, PolitenessPolicy

    fake = fake if fake is not None else FakeAkshare(**fake_options)
    scale = min(1.0, len(fake.market) / 5450) * 0.9
    politeness = Politeness(PolitenessPolicy.impatient(), sleep=lambda seconds: None)
    return AkshareSource(fake, politeness=politeness, quiet=True, row_floor_scale=scale)


def small_source() -> Any:
    """For ``NPF_SCREEN_SOURCE=tests.fakes_akshare:small_source``: a 600-company fake market."""
    return make_source(n_companies=600)


def drifting_source() -> Any:
    """For CLI tests: a 600-company market whose clist lost its total-cap column (f20)."""
    fake = FakeAkshare(n_companies=600)
    fake.inject("fetch_paginated_data", "drop", column="f20", times=10)
    return make_source(fake)
