"""Revenue exposure on hand-made compositions: matching, units, report choice, evidence invariant."""

from __future__ import annotations

import inspect
import math
from pathlib import Path

import pandas as pd
import pytest

from npf_screen import screen
from npf_screen.screening.exposed import attach_exposure
from npf_screen.screening.exposure import revenue_exposure

from .helpers import THEME_HEADER, rule_themes, universe

RULES = (
    THEME_HEADER.format(id="t_litho", line="choke_point")
    + """
[[theme.keywords]]
weight = 40
terms = ["光刻机", "EDA"]
[[theme.keywords]]
weight = 20
terms = ["光刻胶"]
[[theme.keywords]]
weight = 20
terms = ["lithography"]
fields = ["summary_en"]
[[theme.exclude]]
terms = ["代理"]
penalty = 10
"""
    + THEME_HEADER.format(id="t_region", line="regional")
    + """
[[theme.keywords]]
weight = 30
terms = ["整车"]
[theme.region]
provinces = ["广西"]
"""
)


@pytest.fixture
def themes(tmp_path: Path):
    return rule_themes(tmp_path, RULES)


def mix(rows: list[tuple], columns: str = "code report_date product revenue share") -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


def exposure_of(composition: pd.DataFrame, themes, code: str = "688001", **kw) -> float:
    return revenue_exposure(composition, themes, **kw).of(code, "t_litho")


def test_matching_products_sum_their_shares(themes) -> None:
    comp = mix(
        [
            ("688001", "2024-12-31", "光刻机", 3e8, 0.30),
            ("688001", "2024-12-31", "ArF光刻胶", 1e8, 0.10),
            ("688001", "2024-12-31", "其他业务", 6e8, 0.60),
        ]
    )
    result = revenue_exposure(comp, themes)
    row = result.table.set_index(["code", "theme"]).loc[("688001", "t_litho")]
    assert row["exposure"] == pytest.approx(0.40)
    assert row["products"] == "光刻机 (30%), ArF光刻胶 (10%)"
    assert set(row["terms"].split(", ")) == {"光刻机", "光刻胶"}


def test_share_units_are_explicit(themes) -> None:
    comp = mix([("688001", "2024-12-31", "光刻机", 3e8, 30.0), ("688001", "2024-12-31", "其他", 7e8, 70.0)])
    with pytest.raises(ValueError, match="share_unit='percent'"):
        revenue_exposure(comp, themes)
    assert exposure_of(comp, themes, share_unit="percent") == pytest.approx(0.30)
    assert exposure_of(comp, themes, share_unit="auto") == pytest.approx(0.30)
    as_text = comp.assign(share=["30%", "70%"])
    assert exposure_of(as_text, themes, share_unit="percent") == pytest.approx(0.30)
    with pytest.raises(ValueError, match="share_unit must be"):
        revenue_exposure(comp, themes, share_unit="ratio")  # type: ignore[arg-type]


def test_missing_share_is_derived_from_revenue(themes) -> None:
    comp = mix([("688001", "2024-12-31", "光刻机", 1.0, None), ("688001", "2024-12-31", "其他", 3.0, None)])
    assert exposure_of(comp, themes) == pytest.approx(0.25)
    no_share_column = comp.drop(columns="share")
    assert exposure_of(no_share_column, themes) == pytest.approx(0.25)


def test_latest_report_and_product_breakdown_win(themes) -> None:
    comp = mix(
        [
            ("688001", "2023-12-31", "光刻机", 9.0, 0.9, "按产品分类"),
            ("688001", "2023-12-31", "其他", 1.0, 0.1, "按产品分类"),
            ("688001", "2024-12-31", "光刻机", 2.0, 0.2, "按产品分类"),
            ("688001", "2024-12-31", "其他", 8.0, 0.8, "按产品分类"),
            ("688001", "2024-12-31", "光刻机行业", 10.0, 1.0, "按行业分类"),
            ("688001", "2024-12-31", "光刻机华东", 10.0, 1.0, "按地区分类"),
            ("688002", "2024-06-30", "光刻机制造业", 5.0, 0.5, "按行业分类"),
            ("688002", "2024-06-30", "境内", 10.0, 1.0, "按地区分类"),
        ],
        columns="code report_date product revenue share breakdown",
    )
    result = revenue_exposure(comp, themes)
    assert result.of("688001", "t_litho") == pytest.approx(0.2)
    assert result.of("688002", "t_litho") == pytest.approx(0.5)  # no product rows: industry rows
    assert result.reports["688001"] == pd.Timestamp("2024-12-31")


def test_matching_follows_the_screen_rules(themes) -> None:
    comp = mix(
        [
            ("688001", "2024", "schedule software", 1.0, 0.5),  # EDA only as a whole word
            ("688001", "2024", "lithography tools", 1.0, 0.3),  # group not searched in products
            ("688001", "2024", "ＥＤＡ工具", 1.0, 0.2),  # full-width folds to eda
            ("688002", "2024", "光刻机代理", 1.0, 0.6),  # exclusion term: not a matching product
            ("688002", "2024", "光刻机", 1.0, 0.4),
        ]
    )
    result = revenue_exposure(comp, themes)
    assert result.of("688001", "t_litho") == pytest.approx(0.2)
    assert result.of("688002", "t_litho") == pytest.approx(0.4)
    assert math.isnan(result.of("600000", "t_litho"))  # unknown composition
    assert result.of("688001", "t_region") == 0.0  # known, nothing matches


def test_exposure_is_capped_and_negative_rows_ignored(themes) -> None:
    comp = mix(
        [
            ("688001", "2024", "光刻机", 1.0, 0.8),
            ("688001", "2024", "光刻胶", 1.0, 0.4),
            ("688001", "2024", "光刻机内部抵消", -1.0, -0.2),
        ]
    )
    assert exposure_of(comp, themes) == 1.0


def test_codes_are_normalised_and_bad_input_is_named(themes) -> None:
    comp = mix([(1, "2024", "光刻机", 1.0, 0.5)])
    assert revenue_exposure(comp, themes).of("000001", "t_litho") == 0.5
    with pytest.raises(ValueError, match="needs columns code, product"):
        revenue_exposure(pd.DataFrame({"code": ["000001"], "product": ["光刻机"]}), themes)
    empty = revenue_exposure(mix([]), themes)
    assert empty.table.empty and empty.reports.empty


def company_universe():
    return universe(
        [
            {"code": "688001", "name": "甲光电", "main_business": "光刻机研发制造", "province": "上海"},
            {"code": "688002", "name": "乙材料", "main_business": "光刻胶", "province": "江苏"},
            {"code": "000003", "name": "丙汽车", "main_business": "整车制造", "province": "广东"},
            {"code": "600004", "name": "丁银行", "main_business": "商业银行", "province": "北京"},
        ]
    )


def test_attach_exposure_keeps_scores_and_the_evidence_invariant(themes) -> None:
    result = screen(company_universe(), themes)
    comp = mix(
        [
            ("688001", "2024-12-31", "光刻机", 3.0, 0.3),
            ("688001", "2024-12-31", "服务", 7.0, 0.7),
            ("688002", "2024-12-31", "显示材料", 1.0, 1.0),
            ("000003", "2024-12-31", "整车", 1.0, 1.0),
            ("600004", "2024-12-31", "EDA软件", 1.0, 0.1),
        ]
    )
    tables = attach_exposure(result, comp)
    scores = tables.scores.set_index(["code", "theme"])
    before = result.scores.set_index(["code", "theme"])["score"]
    assert scores["score"].reindex(before.index).equals(before)  # scores unchanged
    total = tables.evidence.groupby(["code", "theme"])["points"].sum()
    assert (total.reindex(scores.index).fillna(0) - scores["score"]).abs().max() < 1e-9
    cands = tables.candidates.set_index(["code", "theme"])["exposure"]
    assert cands[("688001", "t_litho")] == pytest.approx(0.3)
    assert cands[("688002", "t_litho")] == 0.0  # known composition, no matching product
    assert list(tables.candidates.columns[-1:]) == ["exposure"]
    assert list(tables.evidence.columns) == list(result.evidence.columns)
    rows = tables.evidence[tables.evidence["kind"] == "exposure"]
    assert (rows["points"] == 0).all() and not rows.isna().any().any()
    note = rows.set_index(["code", "theme"]).loc[("688001", "t_litho"), "note"]
    assert note == "30% of revenue (2024-12-31 report) from matching products: 光刻机 (30%)"
    zero = rows.set_index(["code", "theme"]).loc[("688002", "t_litho"), "note"]
    assert zero.startswith("0% of revenue")
    # a pair known only from revenue is listed (score 0, not a candidate) with its evidence row
    assert scores.loc[("600004", "t_litho"), "score"] == 0.0
    assert not scores.loc[("600004", "t_litho"), "qualified"]
    assert scores.loc[("600004", "t_litho"), "name"] == "丁银行"
    # regional themes get no extra pairs: a product share says nothing about the region
    assert ("000003", "t_region") in before.index  # gated (outside 广西) but scored
    assert scores.loc[("000003", "t_region"), "exposure"] == 1.0
    assert not tables.scores.duplicated(["code", "theme"]).any()


def test_attach_exposure_unknown_composition_stays_nan(themes) -> None:
    result = screen(company_universe(), themes)
    tables = attach_exposure(result, mix([("688002", "2024", "光刻胶", 1.0, 1.0)]))
    cands = tables.candidates.set_index(["code", "theme"])["exposure"]
    assert math.isnan(cands[("688001", "t_litho")])
    assert cands[("688002", "t_litho")] == 1.0


@pytest.mark.skipif(
    "revenue" not in inspect.signature(screen).parameters, reason="screen(revenue=...) not wired in yet"
)
def test_screen_with_revenue_shows_exposure_without_changing_scores(themes) -> None:
    comp = mix([("688001", "2024-12-31", "光刻机", 3.0, 0.3), ("600004", "2024-12-31", "EDA软件", 1.0, 0.1)])
    plain = screen(company_universe(), themes)
    result = screen(company_universe(), themes, revenue=comp)
    assert list(result.candidates.columns) == [*plain.candidates.columns, "exposure"]
    assert result.candidates.drop(columns="exposure").equals(plain.candidates)
    assert list(result.evidence.columns) == list(plain.evidence.columns)
    total = result.evidence.groupby(["code", "theme"])["points"].sum()
    scores = result.scores.set_index(["code", "theme"])["score"]
    assert (total.reindex(scores.index).fillna(0) - scores).abs().max() < 1e-9
    assert "10% of revenue" in result.explain("600004", theme="t_litho").verdicts["verdict"].iloc[0]
