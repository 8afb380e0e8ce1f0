"""Arrival checks: drift fails loudly, naming the endpoint and expected versus received columns."""

from __future__ import annotations

import pandas as pd
import pytest

from npf_screen.core.errors import SchemaDriftError
from npf_screen.sources.aliases import CLIST_PARAMS, CLIST_URL, ENDPOINTS
from npf_screen.sources.checks import check_frame, to_number

from .fakes import FakeAkshare


@pytest.fixture(scope="module")
def fake() -> FakeAkshare:
    return FakeAkshare()


def test_frames_as_akshare_returns_them_pass(fake: FakeAkshare) -> None:
    assert check_frame(ENDPOINTS["stock_zh_a_spot_em"], fake.stock_zh_a_spot_em()) == []
    assert check_frame(ENDPOINTS["stock_yjbb_em"], fake.stock_yjbb_em("20260930")) == []
    clist = fake.fetch_paginated_data(CLIST_URL, dict(CLIST_PARAMS))
    assert check_frame(ENDPOINTS["fetch_paginated_data"], clist) == []


def test_missing_column_names_endpoint_expected_and_received(fake: FakeAkshare) -> None:
    frame = fake.stock_yjbb_em("20260930").rename(columns={"销售毛利率": "毛利率"})
    with pytest.raises(SchemaDriftError) as info:
        check_frame(ENDPOINTS["stock_yjbb_em"], frame, "akshare.stock_yjbb_em('20260930')")
    message = str(info.value)
    assert "akshare.stock_yjbb_em('20260930')" in message
    assert "['销售毛利率'] are missing" in message
    assert "expected columns:" in message and "received columns:" in message and "'毛利率'" in message
    assert info.value.endpoint.startswith("akshare.stock_yjbb_em")
    assert "销售毛利率" in info.value.expected and "毛利率" in info.value.received
    assert isinstance(info.value, ValueError)


def test_silently_swapped_columns_are_caught_by_ranges(fake: FakeAkshare) -> None:
    spot = fake.stock_zh_a_spot_em()
    swapped = spot.assign(总市值=spot["市盈率-动态"].to_numpy(), **{"市盈率-动态": spot["总市值"].to_numpy()})
    with pytest.raises(SchemaDriftError, match=r"'总市值': median .* outside the plausible range"):
        check_frame(ENDPOINTS["stock_zh_a_spot_em"], swapped)


def test_code_column_that_lost_its_zeros_is_drift(fake: FakeAkshare) -> None:
    frame = fake.stock_info_sz_name_code("A股列表").copy()
    frame["A股代码"] = frame["A股代码"].astype(int)
    with pytest.raises(SchemaDriftError, match="'A股代码'"):
        check_frame(ENDPOINTS["stock_info_sz_name_code"], frame)


def test_numeric_column_holding_text_is_drift(fake: FakeAkshare) -> None:
    frame = fake.stock_yjbb_em("20260930").copy()
    frame["净资产收益率"] = frame["所处行业"]
    with pytest.raises(SchemaDriftError, match="'净资产收益率' should be numeric"):
        check_frame(ENDPOINTS["stock_yjbb_em"], frame)


def test_too_few_rows_and_not_a_frame() -> None:
    spec = ENDPOINTS["stock_info_bj_name_code"]
    few = pd.DataFrame({c: ["1"] for c in spec.columns})
    with pytest.raises(SchemaDriftError, match="returned 1 rows, fewer than the plausible minimum"):
        check_frame(spec, few)
    with pytest.raises(SchemaDriftError, match="returned NoneType, not a DataFrame"):
        check_frame(spec, None)


def test_extra_columns_are_tolerated_but_reported(fake: FakeAkshare) -> None:
    frame = fake.stock_yjbb_em("20260930").assign(新字段=1.0)
    notes = check_frame(ENDPOINTS["stock_yjbb_em"], frame)
    assert notes and "new ['新字段']" in notes[0]


def test_per_company_endpoints_allow_empty_results() -> None:
    assert check_frame(ENDPOINTS["stock_zygc_em"], pd.DataFrame()) == []


def test_to_number_reads_thousands_separators_and_dashes() -> None:
    values = to_number(pd.Series(["19,405,918,198", "-", None, "3.5"], dtype="str"))
    assert values.tolist()[0] == 19405918198.0 and pd.isna(values[1]) and values[3] == 3.5
