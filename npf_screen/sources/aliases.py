"""What each akshare endpoint returns, and the one map from its Chinese columns to canonical names.

This module is the only place that spells akshare's column names. Each :class:`EndpointSpec`
records, from the endpoint reference (akshare 1.19.5 source), the exact output columns in order,
the host it calls (for politeness), which columns we need, how they must look on arrival (numeric,
6-digit codes, value ranges) and how their values map onto the canonical schema.

Units: akshare reports money in CNY and shares in units; the canonical table uses 亿 (1e8).
The record types (:class:`EndpointSpec`, :class:`RangeCheck`) are defined in :mod:`.endpoint_spec`
and importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from npf_screen.sources.endpoint_spec import EndpointSpec, RangeCheck, Service
from npf_screen.sources.endpoint_spec import column_names as _cols
from npf_screen.sources.endpoint_spec import paged_requests as _pages

__all__ = [
    "CLIST_FIELDS",
    "CLIST_PARAMS",
    "CLIST_URL",
    "COMPOSITION_KINDS",
    "ENDPOINTS",
    "SERVICES",
    "SH_LIST_SYMBOLS",
    "SW_LEVEL1_BY_PREFIX",
    "SW_STANDARD_SYMBOL",
    "SZ_LIST_SYMBOL",
]

#: The real services behind the endpoints, keyed by what answers the request (not by brand): a 403
#: from Eastmoney's quote servers says nothing about its data centre or its F10 pages. Hosts and
#: answer formats as read in akshare 1.19.5 (the URL and the parser of each endpoint function).
SERVICES: tuple[Service, ...] = (
    Service("em-push2", r"(\d+\.)?push2\.eastmoney\.com", "json", "push2.eastmoney.com"),
    Service("em-datacenter", r"datacenter-web\.eastmoney\.com", "json", "datacenter-web.eastmoney.com"),
    Service("em-emweb", r"emweb\.securities\.eastmoney\.com", "json", "emweb.securities.eastmoney.com"),
    Service("sse", r"query\.sse\.com\.cn", "json", "query.sse.com.cn"),
    Service("szse", r"(www\.)?szse\.cn", "excel", "www.szse.cn"),
    Service("bse", r"(www\.)?bse\.cn", "jsonp", "www.bse.cn"),
    Service("sina", r"vip\.stock\.finance\.sina\.com\.cn", "text", "vip.stock.finance.sina.com.cn"),
    Service("swsresearch", r"(www\.)?swsresearch\.com", "excel", "www.swsresearch.com"),
    Service("cninfo", r"webapi\.cninfo\.com\.cn", "json", "webapi.cninfo.com.cn"),
    Service("ths", r"basic\.10jqka\.com\.cn", "html", "basic.10jqka.com.cn"),
)

#: Arguments naming the lists we read: the SSE main board and STAR market, the SZSE A-share list,
#: and cninfo's Shenwan classification standard.
SH_LIST_SYMBOLS: tuple[str, ...] = ("主板A股", "科创板")
SZ_LIST_SYMBOL = "A股列表"
SW_STANDARD_SYMBOL = "申银万国行业分类标准"
#: ``stock_zygc_em`` breakdowns in order of preference: by product, then by industry.
COMPOSITION_KINDS: tuple[str, ...] = ("按产品分类", "按行业分类")


_CODE = r"\d{6}"

#: Eastmoney's quote list (``clist``), read with akshare's own pager and extra fields: f100 is the
#: Eastmoney industry, f102 the region board ("广东板块"), f103 the concept names. f3 (% change)
#: must be requested because akshare's pager sorts by it.
CLIST_URL = "https://82.push2.eastmoney.com/api/qt/clist/get"
CLIST_FIELDS: tuple[str, ...] = _cols("f2 f3 f9 f12 f13 f14 f20 f21 f23 f100 f102 f103")
CLIST_PARAMS: Mapping[str, str] = MappingProxyType(
    {
        "pn": "1",
        "pz": "100",
        "po": "1",
        "np": "1",
        "ut": "bd1d9ddb04089700cf9c27f6f7426281",
        "fltt": "2",
        "invt": "2",
        "fid": "f12",
        "fs": "m:0 t:6,m:0 t:80,m:1 t:2,m:1 t:23,m:0 t:81 s:2048",
        "fields": ",".join(CLIST_FIELDS),
    }
)

_EM_SPOT_COLUMNS = _cols(
    "序号 代码 名称 最新价 涨跌幅 涨跌额 成交量 成交额 振幅 最高 最低 今开 昨收 量比 换手率 "
    "市盈率-动态 市净率 总市值 流通市值 涨速 5分钟涨跌 60日涨跌幅 年初至今涨跌幅"
)
_BOARD_NAME_COLUMNS = _cols(
    "排名 板块名称 板块代码 最新价 涨跌额 涨跌幅 总市值 换手率 上涨家数 下跌家数 领涨股票 领涨股票-涨跌幅"
)
_ZCFZ_COLUMNS = _cols(
    "序号 股票代码 股票简称 资产-货币资金 资产-应收账款 资产-存货 资产-总资产 资产-总资产同比 "
    "负债-应付账款 负债-预收账款 负债-总负债 负债-总负债同比 资产负债率 股东权益合计 公告日期"
)
_ZCFZ_RANGES = (
    RangeCheck("股票代码", pattern=_CODE),
    RangeCheck("资产-总资产", median=(1e8, 1e12)),
    RangeCheck("资产负债率", median=(5.0, 95.0)),
)

ENDPOINTS: Mapping[str, EndpointSpec] = MappingProxyType(
    {
        "stock_info_sh_name_code": EndpointSpec(
            function="stock_info_sh_name_code",
            host="sse",
            columns=("证券代码", "证券简称", "证券全称", "公司简称", "公司全称", "上市日期"),
            required=("证券代码", "证券简称", "上市日期"),
            ranges=(RangeCheck("证券代码", pattern=r"6\d{5}"),),
            min_rows=300,
            timeout=60.0,
            rename={"证券代码": "code", "证券简称": "name", "上市日期": "list_date"},
        ),
        "stock_info_sz_name_code": EndpointSpec(
            function="stock_info_sz_name_code",
            host="szse",
            columns=("板块", "A股代码", "A股简称", "A股上市日期", "A股总股本", "A股流通股本", "所属行业"),
            required=("A股代码", "A股简称", "A股上市日期", "A股总股本", "所属行业"),
            numeric=("A股总股本",),
            ranges=(RangeCheck("A股代码", pattern=r"[03]\d{5}"), RangeCheck("A股总股本", median=(1e7, 1e10))),
            min_rows=2000,
            timeout=60.0,
            rename={
                "A股代码": "code",
                "A股简称": "name",
                "A股上市日期": "list_date",
                "A股总股本": "total_share",
                "所属行业": "industry_csrc",
            },
        ),
        "stock_info_bj_name_code": EndpointSpec(
            function="stock_info_bj_name_code",
            host="bse",
            columns=_cols("证券代码 证券简称 总股本 流通股本 上市日期 所属行业 地区 报告日期"),
            required=("证券代码", "证券简称", "总股本", "上市日期", "所属行业", "地区"),
            numeric=("总股本",),
            ranges=(RangeCheck("证券代码", pattern=r"[489]\d{5}"), RangeCheck("总股本", median=(1e7, 1e10))),
            min_rows=150,
            timeout=180.0,
            requests=_pages(20, extra=1),
            rename={
                "证券代码": "code",
                "证券简称": "name",
                "上市日期": "list_date",
                "总股本": "total_share",
                "所属行业": "industry_csrc",
                "地区": "province",
            },
        ),
        "fetch_paginated_data": EndpointSpec(
            function="fetch_paginated_data",
            host="em-push2",
            columns=("index", *CLIST_FIELDS),
            required=CLIST_FIELDS,
            numeric=("f2", "f3", "f9", "f20", "f23"),
            ranges=(
                RangeCheck("f12", pattern=_CODE),
                RangeCheck("f20", median=(5e8, 5e11), inside=(1e7, 5e13, 0.95)),
                RangeCheck("f9", median=(-100.0, 500.0)),
                RangeCheck("f23", median=(0.1, 50.0)),
                RangeCheck("f3", median=(-11.0, 11.0)),
            ),
            min_rows=4500,
            timeout=300.0,
            requests=_pages(100),
            rename={
                "f12": "code",
                "f14": "name",
                "f2": "price",
                "f20": "market_cap",
                "f9": "pe",
                "f23": "pb",
                "f100": "industry_em",
                "f102": "region_board",
                "f103": "concepts",
            },
        ),
        "stock_zh_a_spot_em": EndpointSpec(
            function="stock_zh_a_spot_em",
            host="em-push2",
            columns=_EM_SPOT_COLUMNS,
            required=("代码", "名称", "最新价", "市盈率-动态", "市净率", "总市值"),
            numeric=("最新价", "市盈率-动态", "市净率", "总市值"),
            ranges=(
                RangeCheck("代码", pattern=_CODE),
                RangeCheck("总市值", median=(5e8, 5e11), inside=(1e7, 5e13, 0.95)),
                RangeCheck("市盈率-动态", median=(-100.0, 500.0)),
                RangeCheck("市净率", median=(0.1, 50.0)),
            ),
            min_rows=4500,
            timeout=300.0,
            requests=_pages(100),
            rename={
                "代码": "code",
                "名称": "name",
                "最新价": "price",
                "总市值": "market_cap",
                "市盈率-动态": "pe",
                "市净率": "pb",
            },
        ),
        "stock_zh_a_spot": EndpointSpec(
            function="stock_zh_a_spot",
            host="sina",
            columns=_cols(
                "代码 名称 最新价 涨跌额 涨跌幅 买入 卖出 昨收 今开 最高 最低 成交量 成交额 时间戳"
            ),
            required=("代码", "名称", "最新价"),
            numeric=("最新价",),
            ranges=(
                RangeCheck("代码", pattern=r"(sh|sz|bj)\d{6}"),
                RangeCheck("最新价", median=(1.0, 500.0)),
            ),
            min_rows=4500,
            timeout=300.0,
            requests=_pages(80, extra=1),
            rename={"代码": "code", "名称": "name", "最新价": "price"},
        ),
        "stock_yjbb_em": EndpointSpec(
            function="stock_yjbb_em",
            host="em-datacenter",
            columns=_cols(
                "序号 股票代码 股票简称 每股收益 营业总收入-营业总收入 营业总收入-同比增长 "
                "营业总收入-季度环比增长 净利润-净利润 净利润-同比增长 净利润-季度环比增长 "
                "每股净资产 净资产收益率 每股经营现金流量 销售毛利率 所处行业 最新公告日期"
            ),
            required=_cols(
                "股票代码 营业总收入-营业总收入 营业总收入-同比增长 净利润-净利润 净利润-同比增长 "
                "净资产收益率 销售毛利率 所处行业"
            ),
            numeric=_cols(
                "营业总收入-营业总收入 营业总收入-同比增长 净利润-净利润 净利润-同比增长 "
                "净资产收益率 销售毛利率"
            ),
            ranges=(
                RangeCheck("股票代码", pattern=_CODE),
                RangeCheck("营业总收入-营业总收入", median=(1e7, 1e11)),
                RangeCheck("营业总收入-同比增长", median=(-60.0, 100.0)),
                RangeCheck("净资产收益率", median=(-20.0, 40.0)),
                RangeCheck("销售毛利率", median=(0.0, 80.0)),
            ),
            min_rows=2500,
            timeout=240.0,
            requests=_pages(500, extra=1),
            rename={
                "股票代码": "code",
                "营业总收入-营业总收入": "revenue",
                "营业总收入-同比增长": "rev_yoy",
                "净利润-净利润": "net_profit",
                "净利润-同比增长": "profit_yoy",
                "净资产收益率": "roe",
                "销售毛利率": "gross_margin",
                "所处行业": "industry_em",
            },
        ),
        "stock_zcfz_em": EndpointSpec(
            function="stock_zcfz_em",
            host="em-datacenter",
            columns=_ZCFZ_COLUMNS,
            required=("股票代码", "资产-总资产", "资产负债率"),
            numeric=("资产-总资产", "资产负债率"),
            ranges=_ZCFZ_RANGES,
            min_rows=2500,
            timeout=240.0,
            requests=_pages(500, extra=1),
            rename={"股票代码": "code", "资产-总资产": "total_assets"},
        ),
        "stock_zcfz_bj_em": EndpointSpec(
            function="stock_zcfz_bj_em",
            host="em-datacenter",
            columns=_ZCFZ_COLUMNS,
            required=("股票代码", "资产-总资产", "资产负债率"),
            numeric=("资产-总资产", "资产负债率"),
            ranges=(RangeCheck("股票代码", pattern=_CODE),),
            min_rows=100,
            timeout=120.0,
            requests=_pages(500, extra=1),
            rename={"股票代码": "code", "资产-总资产": "total_assets"},
        ),
        "stock_industry_clf_hist_sw": EndpointSpec(
            function="stock_industry_clf_hist_sw",
            host="swsresearch",
            columns=("symbol", "start_date", "industry_code", "update_time"),
            required=("symbol", "start_date", "industry_code"),
            ranges=(RangeCheck("symbol", pattern=_CODE), RangeCheck("industry_code", pattern=_CODE)),
            min_rows=5000,
            timeout=120.0,
            rename={"symbol": "code", "start_date": "start_date", "industry_code": "sw_code"},
        ),
        "stock_industry_category_cninfo": EndpointSpec(
            function="stock_industry_category_cninfo",
            host="cninfo",
            columns=_cols("父类编码 类目编码 类目名称 类目名称英文 终止日期 行业类型编码 行业类型 分级"),
            required=("类目编码", "类目名称"),
            min_rows=30,
            ordered=False,
            timeout=60.0,
            rename={"类目编码": "category_code", "类目名称": "category_name"},
        ),
        "stock_board_industry_name_em": EndpointSpec(
            function="stock_board_industry_name_em",
            host="em-push2",
            columns=_BOARD_NAME_COLUMNS,
            required=("板块名称", "板块代码"),
            ranges=(RangeCheck("板块代码", pattern=r"BK\d{4}"),),
            min_rows=30,
            timeout=60.0,
            requests=_pages(100),
            rename={"板块名称": "board_name", "板块代码": "board_code"},
        ),
        "stock_board_concept_name_em": EndpointSpec(
            function="stock_board_concept_name_em",
            host="em-push2",
            columns=_BOARD_NAME_COLUMNS,
            required=("板块名称", "板块代码"),
            ranges=(RangeCheck("板块代码", pattern=r"BK\d{4}"),),
            min_rows=100,
            timeout=120.0,
            requests=_pages(100),
            rename={"板块名称": "board_name", "板块代码": "board_code"},
        ),
        "stock_zyjs_ths": EndpointSpec(
            function="stock_zyjs_ths",
            host="ths",
            columns=("股票代码", "主营业务", "产品类型", "产品名称", "经营范围"),
            required=("股票代码", "主营业务"),
            ordered=False,
            timeout=30.0,
            rename={
                "主营业务": "main_business",
                "产品类型": "product_types",
                "产品名称": "product_names",
                "经营范围": "business_scope",
            },
        ),
        "stock_profile_cninfo": EndpointSpec(
            function="stock_profile_cninfo",
            host="cninfo",
            columns=_cols(
                "公司名称 英文名称 曾用简称 A股代码 A股简称 B股代码 B股简称 H股代码 H股简称 "
                "入选指数 所属市场 所属行业 法人代表 注册资金 成立日期 上市日期 官方网站 电子邮箱 "
                "联系电话 传真 注册地址 办公地址 邮政编码 主营业务 经营范围 机构简介"
            ),
            required=("A股代码", "注册地址", "主营业务", "经营范围"),
            min_rows=0,
            timeout=30.0,
            rename={
                "A股代码": "code",
                "注册地址": "address",
                "主营业务": "main_business",
                "经营范围": "business_scope",
            },
        ),
        "stock_zygc_em": EndpointSpec(
            function="stock_zygc_em",
            host="em-emweb",
            columns=_cols(
                "股票代码 报告日期 分类类型 主营构成 主营收入 收入比例 主营成本 成本比例 主营利润 "
                "利润比例 毛利率"
            ),
            required=("股票代码", "报告日期", "分类类型", "主营构成", "主营收入", "收入比例"),
            numeric=("主营收入", "收入比例"),
            min_rows=0,
            timeout=30.0,
            rename={
                "股票代码": "code",
                "报告日期": "report_date",
                "分类类型": "breakdown",
                "主营构成": "product",
                "主营收入": "revenue",
                "收入比例": "share",
            },
        ),
    }
)

#: Shenwan 2021 level-1 industries by the first two digits of the 6-digit industry code.
SW_LEVEL1_BY_PREFIX: Mapping[str, str] = MappingProxyType(
    {
        "11": "农林牧渔",
        "22": "基础化工",
        "23": "钢铁",
        "24": "有色金属",
        "27": "电子",
        "28": "汽车",
        "33": "家用电器",
        "34": "食品饮料",
        "35": "纺织服饰",
        "36": "轻工制造",
        "37": "医药生物",
        "41": "公用事业",
        "42": "交通运输",
        "43": "房地产",
        "45": "商贸零售",
        "46": "社会服务",
        "48": "银行",
        "49": "非银金融",
        "51": "综合",
        "61": "建筑材料",
        "62": "建筑装饰",
        "63": "电力设备",
        "64": "机械设备",
        "65": "国防军工",
        "71": "计算机",
        "72": "传媒",
        "73": "通信",
        "74": "煤炭",
        "75": "石油石化",
        "76": "环保",
        "77": "美容护理",
    }
)
