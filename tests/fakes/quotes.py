"""Fake quotes: Eastmoney's clist pager and spot tables, and Sina's spot table."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .server import FakeServer

#: The clist ``fs`` filter of the BSE board alone.
CLIST_FS_BJ = "m:0 t:81 s:2048"


class QuotesMixin(FakeServer):
    """The clist pager (``fetch_paginated_data``), Eastmoney spot (A-shares, BSE) and Sina spot."""

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
