"""Pure transforms from akshare-shaped frames (recorded from the fake) to canonical tables."""

from __future__ import annotations

import pandas as pd
import pytest

from npf_screen.sources import company_transform as ct
from npf_screen.sources import transform as tf
from npf_screen.sources.aliases import CLIST_PARAMS, CLIST_URL
from npf_screen.universe.schema import CANONICAL_COLUMNS

from .fakes import FakeAkshare


@pytest.fixture(scope="module")
def fake() -> FakeAkshare:
    return FakeAkshare(n_companies=400)


def test_exchange_lists_map_codes_names_dates_and_units(fake: FakeAkshare) -> None:
    sh = tf.sh_list(fake.stock_info_sh_name_code("主板A股"))
    sz = tf.sz_list(fake.stock_info_sz_name_code("A股列表"))
    bj = tf.bj_list(fake.stock_info_bj_name_code())
    assert list(sh.columns) == ["code", "name", "list_date"]
    assert sh["code"].str.fullmatch(r"6\d{5}").all()
    assert pd.api.types.is_datetime64_any_dtype(sh["list_date"])
    truth = fake.market.set_index("code")
    first = sz.iloc[0]
    assert first["total_share_yi"] == pytest.approx(truth.loc[first["code"], "total_share"] / 1e8)
    assert first["industry_csrc"] == "制造业"  # "C 制造业" without its letter
    assert not sz["name"].str.contains(r"\s").any()  # "万  科Ａ" → "万科Ａ"
    assert set(bj["province"].dropna()) <= set(fake.market["province"])  # "广西壮族自治区" → "广西"


def test_clist_quotes_give_market_cap_in_yi_industry_province_concepts(fake: FakeAkshare) -> None:
    table, notes = tf.clist_quotes(fake.fetch_paginated_data(CLIST_URL, dict(CLIST_PARAMS)))
    assert notes == []
    truth = fake.market.set_index("code")
    live = table[table["market_cap_yi"].notna()].iloc[0]
    row = truth.loc[live["code"]]
    assert live["market_cap_yi"] == pytest.approx(row["price"] * row["total_share"] / 1e8, rel=1e-6)
    assert live["industry_em_l1"] == row["industry"]
    assert live["province"] == row["province"]
    assert live["concepts"] == ",".join(row["concepts"])
    suspended = truth.index[truth["suspended"]]
    assert table.set_index("code").loc[list(suspended), "market_cap_yi"].isna().all()  # "-" → NaN


def test_clist_region_column_that_is_not_regions_is_dropped_with_a_note(fake: FakeAkshare) -> None:
    frame = fake.fetch_paginated_data(CLIST_URL, dict(CLIST_PARAMS)).assign(f102="半导体")
    table, notes = tf.clist_quotes(frame)
    assert table["province"].isna().all()
    assert "f102" in notes[0]


def test_em_industry_labels_go_to_their_level() -> None:
    levels = tf.em_industry_levels(pd.Series(["银行", "银行Ⅱ", "股份制银行Ⅲ", "-"]))
    assert levels.iloc[0].tolist()[0] == "银行"
    assert levels.loc[1, "industry_em_l2"] == "银行Ⅱ"
    assert levels.loc[2, "industry_em_l3"] == "股份制银行Ⅲ"
    assert levels.loc[3].isna().all()


def test_financials_compute_net_margin(fake: FakeAkshare) -> None:
    table = tf.yjbb_financials(fake.stock_yjbb_em("20260930"))
    row = fake.market.iloc[5]
    got = table.set_index("code").loc[row["code"]]
    assert got["net_margin"] == pytest.approx(row["net_profit"] / row["revenue"] * 100, abs=1e-3)
    assert got["roe"] == row["roe"]


@pytest.mark.parametrize("codes", [["S27", "S2701", "S270108"], ["270000", "270100", "270108"]])
def test_sw_names_read_both_code_formats(codes: list[str]) -> None:
    tree = pd.DataFrame({"类目编码": codes, "类目名称": ["电子", "半导体", "集成电路制造"]})
    names = tf.sw_name_table(tree)
    classes = pd.DataFrame({"code": ["688981"], "sw_code": ["270108"]})
    levels = tf.sw_levels(classes, names).iloc[0]
    assert (levels["industry_sw_l1"], levels["industry_sw_l2"], levels["industry_sw_l3"]) == (
        "电子",
        "半导体",
        "集成电路制造",
    )


def test_sw_classes_take_the_latest_class(fake: FakeAkshare) -> None:
    classes = tf.sw_classes(fake.stock_industry_clf_hist_sw()).set_index("code")
    first = fake.market.iloc[0]  # also has an older 440101 row
    assert classes.loc[first["code"], "sw_code"] == first["sw_code"]
    expected = {"27": "电子", "63": "电力设备", "64": "机械设备"}.get(first["sw_code"][:2])
    if expected:
        assert (
            tf.sw_levels(classes.reset_index()).set_index("code").loc[first["code"], "industry_sw_l1"]
            == expected
        )


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("广东省深圳市罗湖区深南东路5047号", "深圳市"),
        ("广西壮族自治区柳州市高新区", "柳州市"),
        ("北京市海淀区中关村", "北京市"),
        ("新疆维吾尔自治区乌鲁木齐市经开区", "乌鲁木齐市"),
        ("", None),
    ],
)
def test_city_from_address(address: str, city: str | None) -> None:
    assert ct.city_from_address(address) == city


def test_business_text_from_ths_and_cninfo(fake: FakeAkshare) -> None:
    ths = ct.ths_text(fake.stock_zyjs_ths("000001"))
    assert ths["main_business"].endswith("研发、生产和销售。")
    assert ths["products"] and "；" in ths["products"]
    cninfo = ct.cninfo_text(fake.stock_profile_cninfo("000001"))
    truth = fake.market.set_index("code").loc["000001"]
    assert cninfo["city"] == truth["city"]
    assert cninfo["province"] == truth["province"]


def test_revenue_composition_takes_latest_report_by_product(fake: FakeAkshare) -> None:
    table = ct.zygc_composition(fake.stock_zygc_em("SZ000001"), "000001")
    assert list(table.columns) == list(ct.COMPOSITION_COLUMNS)
    assert table["report_date"].nunique() == 1 and table["report_date"].iloc[0] == pd.Timestamp("2026-06-30")
    assert set(table["product"]) <= set(fake.market.set_index("code").loc["000001", "products"])
    assert table["share"].sum() == pytest.approx(1.0)
    empty = ct.zygc_composition(pd.DataFrame(), "000001")
    assert empty.empty and list(empty.columns) == list(ct.COMPOSITION_COLUMNS)


def test_assemble_prefers_lists_fills_gaps_and_derives_market_cap() -> None:
    lists = pd.DataFrame(
        {"code": ["600000", "000001"], "name": ["官方甲", "官方乙"], "total_share_yi": [10.0, 20.0]}
    )
    quotes = pd.DataFrame(
        {
            "code": ["600000", "000001", "920001", "900901"],
            "name": ["甲", "乙", "丙", "B股"],
            "price": [5.0, 2.0, 3.0, 1.0],
            "market_cap_yi": [None, 99.0, 7.0, 1.0],
        }
    )
    quotes = quotes[tf.is_a_share(quotes["code"])]
    financials = pd.DataFrame({"code": ["600000", "870001"], "roe": [12.5, 3.0]})
    universe = tf.assemble_universe({"list_sh": lists, "quotes": quotes, "financials": financials})
    assert list(universe.columns) == list(CANONICAL_COLUMNS)
    by_code = universe.set_index("code")
    assert list(by_code.index) == ["600000", "000001", "920001"]  # no B-share, no NEEQ row added
    assert by_code.loc["600000", "name"] == "官方甲"
    assert by_code.loc["600000", "market_cap_yi"] == 50.0  # price × shares where the cap is missing
    assert by_code.loc["000001", "market_cap_yi"] == 99.0
    assert by_code.loc["600000", "roe"] == 12.5
    coverage = tf.coverage(universe)
    assert coverage["roe"] == pytest.approx(1 / 3, abs=1e-3)
