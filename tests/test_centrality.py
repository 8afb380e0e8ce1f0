"""Centrality and sense: each class of wrong answer an analyst found, on a small hand-made universe.

Every company below is invented; the texts are written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from npf_screen import load_themes, screen
from npf_screen.core.errors import RuleError
from npf_screen.screening.exposed import attach_exposure

from .helpers import THEME_HEADER, universe, write_rules


def _themes(tmp_path: Path, text: str):
    return load_themes(write_rules(tmp_path, text), bundled=False)


def _sums_match(result) -> None:
    """Evidence rows add up to the score of every pair."""
    sums = result.evidence.groupby(["code", "theme"])["points"].sum().round(2)
    scores = result.scores.set_index(["code", "theme"])["score"]
    assert (sums.reindex(scores.index).fillna(0).round(2) - scores).abs().max() < 0.011


QUANTUM = (
    THEME_HEADER.format(id="t_quantum", line="future")
    + """
min_score = 15
concepts = ["量子通信"]
concept_weight = 15
[[theme.keywords]]
weight = 45
terms = ["量子密钥分发", "量子计算机"]
"""
)


def test_a_concept_tag_alone_is_at_most_a_bottom_candidate(tmp_path: Path) -> None:
    """Class "a concept tag alone qualifies": weighted at min_score, the tag makes a bottom candidate."""
    data = universe(
        [
            {
                "code": "000001",
                "name": "燃气表甲",
                "main_business": "智能燃气表",
                "concepts": "量子通信,物联网",
            },
            {"code": "000002", "name": "量子乙", "main_business": "量子密钥分发设备", "concepts": "量子通信"},
        ]
    )
    result = screen(data, _themes(tmp_path, QUANTUM))
    top = result.top(5, theme="t_quantum")
    assert top["code"].tolist() == ["000002", "000001"]
    assert top.set_index("code").loc["000001", "score"] == 15  # the cap: min_score
    _sums_match(result)


def test_a_theme_can_keep_tag_only_companies_out(tmp_path: Path) -> None:
    """With unconfirmed_cap below min_score, the tag alone does not make a candidate at all."""
    rules = QUANTUM.replace("concept_weight = 15", "concept_weight = 15\nunconfirmed_cap = 10")
    data = universe(
        [
            {"code": "000001", "name": "燃气表甲", "main_business": "智能燃气表", "concepts": "量子通信"},
            {"code": "000002", "name": "量子乙", "main_business": "量子密钥分发设备", "concepts": "量子通信"},
        ]
    )
    result = screen(data, _themes(tmp_path, rules))
    assert result.candidates["code"].tolist() == ["000002"]
    row = result.evidence.query("code == '000001'")
    assert row["points"].sum() == 10 and row["note"].str.contains("unconfirmed").any()


SPACE = (
    THEME_HEADER.format(id="t_space", line="emerging")
    + """
min_score = 15
field_weights = { business_scope = 0.3 }
[[theme.keywords]]
weight = 45
terms = ["运载火箭", "卫星制造"]
"""
)


def test_business_scope_alone_is_capped(tmp_path: Path) -> None:
    """Class "business scope as the only evidence": registered scope names rockets, the business does not."""
    data = universe(
        [
            {
                "code": "000001",
                "name": "汽配甲",
                "main_business": "汽车零部件的生产和销售",
                "business_scope": "运载火箭、卫星制造及相关技术服务；汽车配件",
            },
            {"code": "000002", "name": "星箭乙", "main_business": "卫星制造与总装集成"},
        ]
    )
    result = screen(data, _themes(tmp_path, SPACE))
    scores = result.scores.set_index("code")["score"]
    assert scores["000002"] == 45
    assert scores["000001"] == 15  # 2 scope terms (27 points) capped at min_score
    assert result.top(2, theme="t_space")["code"].tolist() == ["000002", "000001"]
    _sums_match(result)


ROBOT = (
    THEME_HEADER.format(id="t_robot", line="choke_point")
    + """
min_score = 15
[[theme.keywords]]
weight = 40
terms = ["运动控制器"]
require_near = ["机器人", "伺服"]
forbid_near = ["电动自行车"]
near_window = 10
[[theme.keywords]]
weight = 40
terms = ["谐波减速器"]
"""
)


def test_a_word_in_another_sense_earns_nothing(tmp_path: Path) -> None:
    """Class "a word in another sense": motion controllers for e-bikes are not robot components."""
    data = universe(
        [
            {"code": "000001", "name": "电驱甲", "main_business": "电动自行车运动控制器"},
            {"code": "000002", "name": "伺服乙", "main_business": "机器人运动控制器与伺服驱动"},
            {"code": "000003", "name": "控制丙", "main_business": "运动控制器"},  # no context: not counted
        ]
    )
    result = screen(data, _themes(tmp_path, ROBOT))
    assert result.candidates["code"].tolist() == ["000002"]
    other = result.evidence.query("code == '000001'")
    assert other["points"].sum() == 0 and other["note"].str.startswith("other sense").all()
    _sums_match(result)


def test_a_term_inside_a_longer_word_is_another_sense(tmp_path: Path) -> None:
    """Issue 11: 掩膜版 inside 掩膜版制版 (equipment that makes masks) is not a mask maker."""
    rules = (
        THEME_HEADER.format(id="t_materials", line="choke_point")
        + """
[[theme.keywords]]
weight = 40
terms = ["掩膜版"]
forbid_near = ["掩膜版制版"]
near_window = 0
"""
    )
    data = universe(
        [
            {"code": "000001", "name": "制版设备甲", "main_business": "掩膜版制版设备的研发与销售"},
            {"code": "000002", "name": "掩膜乙", "main_business": "石英掩膜版"},
            {"code": "000003", "name": "两者丙", "main_business": "掩膜版制版设备；半导体掩膜版"},
        ]
    )
    result = screen(data, _themes(tmp_path, rules))
    assert sorted(result.candidates["code"]) == ["000002", "000003"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('require_near = "机器人"', "must be a list of strings"),
        ('forbid_near = ["机器人"]\nrequire_near = ["机器人"]', "both required and forbidden"),
        ('forbid_near = ["风电"]\nnear_window = 500', "near_window"),
        ("near_window = 5", "no require_near/forbid_near"),
    ],
)
def test_sense_rules_are_validated(tmp_path: Path, extra: str, message: str) -> None:
    rules = (
        THEME_HEADER.format(id="t_bad", line="future")
        + f"[[theme.keywords]]\nweight = 10\nterms = ['x']\n{extra}\n"
    )
    with pytest.raises(RuleError, match=message):
        _themes(tmp_path, rules)


def test_unconfirmed_cap_is_validated(tmp_path: Path) -> None:
    rules = (
        THEME_HEADER.format(id="t_bad", line="future")
        + "unconfirmed_cap = 150\n[[theme.keywords]]\nweight = 10\nterms = ['x']\n"
    )
    with pytest.raises(RuleError, match="unconfirmed_cap"):
        _themes(tmp_path, rules)


PACKAGING = (
    THEME_HEADER.format(id="t_pack", line="choke_point")
    + """
min_score = 15
industries = ["集成电路封测"]
industry_weight = 15
[[theme.keywords]]
weight = 45
terms = ["晶圆级封装", "Chiplet"]
"""
)


def test_an_industry_label_alone_ranks_below_the_theme_business(tmp_path: Path) -> None:
    """Class "an industry label pulls in a whole class": a test-only house with the packaging label."""
    data = universe(
        [
            {
                "code": "000001",
                "name": "测试甲",
                "main_business": "集成电路成品测试服务",
                "industry_em_l3": "集成电路封测",
            },
            {
                "code": "000002",
                "name": "封装乙",
                "main_business": "晶圆级封装和Chiplet",
                "industry_em_l3": "集成电路封测",
            },
        ]
    )
    result = screen(data, _themes(tmp_path, PACKAGING))
    top = result.top(2, theme="t_pack").set_index("code")["score"]
    assert top.index.tolist() == ["000002", "000001"] and top["000001"] == 15


LIST_THEME = (
    THEME_HEADER.format(id="t_tyre", line="choke_point")
    + """
[[theme.keywords]]
weight = 30
terms = ["航空轮胎"]
"""
)


def test_a_side_line_far_down_a_list_counts_less_than_a_main_business(tmp_path: Path) -> None:
    """Class "a side line outranks a main business": the term's list position sets its weight."""
    data = universe(
        [
            {
                "code": "000001",
                "name": "轮胎甲",
                "main_business": "乘用车轮胎、卡车轮胎、农用轮胎、工程轮胎、摩托车轮胎、航空轮胎",
            },
            {"code": "000002", "name": "航胎乙", "main_business": "航空轮胎的研发、生产和销售"},
            {
                "code": "000003",
                "name": "综合丙",
                "main_business": "钢帘线、胶管、输送带、密封件、轮毂、内胎、外胎、胎圈、炭黑、垫带、航空轮胎",
            },
        ]
    )
    result = screen(data, _themes(tmp_path, LIST_THEME))
    scores = result.scores.set_index("code")["score"].to_dict()
    assert scores == {"000001": 27.0, "000002": 30.0, "000003": 24.0}  # item 6: x0.9; head: x1; item 11: x0.8
    notes = result.evidence.set_index("code")["note"]
    assert notes["000001"] == "list item 6 of its text: x0.9"
    _sums_match(result)


def test_revenue_share_ranks_above_everything_when_present(tmp_path: Path) -> None:
    """A company with revenue from matching products ranks before any text-only company."""
    data = universe(
        [
            {"code": "000001", "name": "航胎甲", "main_business": "航空轮胎的研发、生产和销售"},
            {
                "code": "000002",
                "name": "综合乙",
                "main_business": "卡车轮胎、农用轮胎、工程轮胎、内胎、外胎、航空轮胎",
            },
        ]
    )
    mix = pd.DataFrame(
        {"code": ["000002", "000002"], "report_date": ["2024-12-31"] * 2, "product": ["航空轮胎", "卡车轮胎"]}
    ).assign(share=[0.4, 0.6])
    result = screen(data, _themes(tmp_path, LIST_THEME), revenue=mix)
    assert result.top(2, theme="t_tyre")["code"].tolist() == ["000002", "000001"]
    assert (
        result.scores.set_index("code")["score"]["000002"]
        < result.scores.set_index("code")["score"]["000001"]
    )
    tables = attach_exposure(screen(data, _themes(tmp_path, LIST_THEME)), mix)
    assert tables.candidates.sort_values("rank")["code"].tolist() == ["000002", "000001"]


REGIONAL = (
    THEME_HEADER.format(id="t_gd_chips", line="regional")
    + """
min_score = 40
industries = ["半导体设备"]
industry_weight = 25
[[theme.keywords]]
weight = 40
terms = ["晶圆制造", "晶圆厂"]
[theme.region]
provinces = ["广东"]
terms = ["深圳", "广东"]
weight = 20
tie_window = 20
"""
)


def test_a_region_mention_qualifies_only_when_tied_to_the_business(tmp_path: Path) -> None:
    """Issue 11: a company elsewhere whose text mentions the region in passing is gated out; one whose
    theme business is in the region (the term near the business) qualifies."""
    data = universe(
        [
            {
                "code": "000001",
                "name": "沪芯甲",
                "province": "上海",
                "main_business": "晶圆制造与代工服务，产品销往全国。公司另在深圳设有销售办事处",
            },
            {
                "code": "000002",
                "name": "沪芯乙",
                "province": "上海",
                "main_business": "在深圳建设的12英寸晶圆厂",
            },
            {"code": "000003", "name": "粤芯丙", "province": "广东", "main_business": "晶圆制造"},
        ]
    )
    result = screen(data, _themes(tmp_path, REGIONAL))
    assert sorted(result.candidates["code"]) == ["000002", "000003"]
    gate = result.evidence.query("code == '000001' and kind == 'gate'")
    assert "no text ties the business" in gate["note"].iloc[0]
    _sums_match(result)


def test_an_industry_label_alone_in_the_region_is_not_a_regional_candidate(tmp_path: Path) -> None:
    """Issue 11: an in-region company known only by a shared industry class (no text of the theme's
    business) stays below a regional theme's min_score."""
    data = universe(
        [
            {
                "code": "000001",
                "name": "航天甲",
                "province": "广东",
                "main_business": "航天器结构件",
                "industry_em_l3": "半导体设备",
            },
            {"code": "000002", "name": "粤芯乙", "province": "广东", "main_business": "晶圆制造"},
        ]
    )
    rules = REGIONAL.replace("min_score = 40", "min_score = 40\nunconfirmed_cap = 30")
    result = screen(data, _themes(tmp_path, rules))
    assert result.candidates["code"].tolist() == ["000002"]
    _sums_match(result)


SYNONYMS = (
    THEME_HEADER.format(id="t_stack", line="choke_point")
    + """
min_score = 15
[[theme.keywords]]
weight = 45
terms = ["扇出型封装", "凸块"]
[[theme.keywords]]
weight = 25
max_points = 25
terms = ["芯片封装", "封装测试", "封测"]
"""
)


def test_synonyms_of_one_conventional_line_do_not_stack(tmp_path: Path) -> None:
    """Class "an industry word pulls in a whole class": three names of one plain packaging line
    give the group's max_points once, and an advanced-packaging house ranks first."""
    data = universe(
        [
            {"code": "000001", "name": "传统甲", "main_business": "芯片封装和封装测试", "products": "封测"},
            {"code": "000002", "name": "先进乙", "main_business": "扇出型封装", "products": "凸块加工"},
        ]
    )
    result = screen(data, _themes(tmp_path, SYNONYMS))
    scores = result.top(5, theme="t_stack").set_index("code")["score"]
    assert scores.index.tolist() == ["000002", "000001"]
    assert scores["000001"] == 25  # not 75: the group gives its cap once
    rows = result.evidence[result.evidence["code"] == "000001"]
    assert rows["note"].str.contains("group cap 25").sum() == 2
    _sums_match(result)


def test_the_group_cap_holds_when_a_term_repeats_in_other_fields(tmp_path: Path) -> None:
    """A capped term found again in another field cannot slip past the cap through that field."""
    data = universe(
        [{"code": "000001", "name": "传统甲", "main_business": "封装测试", "products": "芯片封装;封装测试"}]
    )
    result = screen(data, _themes(tmp_path, SYNONYMS))
    assert result.scores.set_index("code").loc["000001", "score"] == 25
    _sums_match(result)


@pytest.mark.parametrize("value", ["0", "150", "true", "'many'"])
def test_max_points_is_validated(tmp_path: Path, value: str) -> None:
    rules = (
        THEME_HEADER.format(id="t_bad", line="future")
        + f"[[theme.keywords]]\nweight = 10\nmax_points = {value}\nterms = ['x']\n"
    )
    with pytest.raises(RuleError, match="max_points"):
        _themes(tmp_path, rules)


def test_confirmed_pairs_are_the_same_whatever_the_row_order() -> None:
    import numpy as np

    from npf_screen.screening.centrality import confirmed_pairs

    rng = np.random.default_rng(7)
    n = 400
    pair = np.sort(rng.integers(0, 60, n))
    field = rng.integers(0, 9, n)  # 7 and 8 are the region and filter pseudo-fields
    keyword = rng.random(n) < 0.8
    points = rng.choice([0.0, 2.5, 5.0, 10.0], n)
    needed = np.full(n, 12.0)
    ordered = confirmed_pairs(pair, field, keyword, points, needed)
    assert 0 < len(ordered) < len(np.unique(pair))
    shuffled = rng.permutation(n)
    got = confirmed_pairs(pair[shuffled], field[shuffled], keyword[shuffled], points[shuffled], needed)
    assert got.tolist() == ordered.tolist()
    empty = confirmed_pairs(pair, field, np.zeros(n, dtype=bool), points, needed)
    assert empty.tolist() == []
