"""Fake market-wide tables: Eastmoney earnings and balance sheets, Shenwan, cninfo categories, boards."""

from __future__ import annotations

import math

import pandas as pd

from .market import INDUSTRIES, SW_NAMES
from .server import FakeServer


class DatacenterMixin(FakeServer):
    """Eastmoney datacenter reports (for ``published_quarters`` only), Shenwan, cninfo and board lists."""

    published_quarters: tuple[str, ...]

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
