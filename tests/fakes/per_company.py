"""Fake per-company endpoints: business text (THS, cninfo), revenue composition, and the naive baseline's."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .payloads import ths_items
from .server import FakeServer


class PerCompanyMixin(FakeServer):
    """One request per company; an unknown code fails the way akshare's page parsing does."""

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
            content = ths_items(row["products"])
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
