"""Fake exchange lists: SSE, SZSE and BSE, built the way akshare builds them (and lru_cached like it)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .server import FakeServer


class ExchangeListsMixin(FakeServer):
    """``stock_info_{sh,sz,bj}_name_code`` (``FakeAkshare`` wraps them in ``lru_cache``)."""

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
