"""Text similarity and keyword suggestions on small hand-made universes (no reference data)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from npf_screen import UnknownCompanyError, load_sample, screen
from npf_screen.ml.keyword_suggestions import suggest_keywords
from npf_screen.ml.similarity import similar_companies, theme_similarity
from npf_screen.ml.text_features import _Analyzer, clear_cache, text_index

from .helpers import THEME_HEADER, screen_rules, universe

RULES = (
    THEME_HEADER.format(id="t_litho", line="choke_point")
    + """
[[theme.keywords]]
weight = 40
terms = ["光刻机"]
"""
)

ROWS = [
    ("688001", "甲光电", "光刻机整机研发制造，双工件台与曝光光学系统"),
    ("688002", "乙装备", "光刻机及曝光光学系统零部件，双工件台精密运动平台"),
    ("688003", "丙精密", "光刻机用曝光光学镜头和精密运动平台"),
    ("688004", "丁光学", "曝光光学系统与精密运动平台，用于半导体前道设备"),
    ("600005", "戊银行", "商业银行存贷款业务，零售银行与公司银行服务"),
    ("600006", "己银行", "商业银行业务，公司银行、零售银行与金融市场业务"),
    ("600007", "庚酒业", "白酒的生产与销售，浓香型白酒系列产品"),
    ("600008", "辛酒业", "酱香型白酒生产销售，白酒系列酒"),
    ("600009", "壬地产", "住宅地产开发与物业管理服务"),
    ("600010", "癸无文", None),
]


@pytest.fixture
def result(tmp_path: Path):
    companies = universe([{"code": c, "name": n, "main_business": t} for c, n, t in ROWS])
    return screen_rules(tmp_path, RULES, companies)


def test_analyzer_makes_chinese_ngrams_and_latin_words() -> None:
    features = _Analyzer(2, 3, frozenset({"the"}))("光刻机 the EUV lithography 5g 2024 x")
    assert {"光刻", "刻机", "光刻机", "euv", "lithography", "5g"} <= set(features)
    assert "the" not in features and "2024" not in features and "x" not in features


def test_similar_companies_ranks_the_same_business_first(result) -> None:
    similar = similar_companies(result.universe, "688001", n=3)
    assert list(similar.columns) == ["code", "name", "similarity", "shared"]
    assert set(similar["code"]) <= {"688002", "688003", "688004"}
    assert similar["similarity"].is_monotonic_decreasing
    assert (similar["similarity"] > 0).all() and (similar["similarity"] <= 1).all()
    assert "688001" not in set(similar["code"])
    assert any(word in similar["shared"].iloc[0] for word in ("曝光", "光学", "工件", "平台"))
    banks = similar_companies(result, "600005", n=1)  # a ScreenResult works too
    assert banks["code"].tolist() == ["600006"]


def test_similar_companies_edge_cases(result) -> None:
    with pytest.raises(UnknownCompanyError):
        similar_companies(result, "999999")
    assert similar_companies(result, "600010").empty  # no business text


def test_theme_similarity_is_explainable(result) -> None:
    sims = theme_similarity(result, "t_litho", k=2)
    assert sims["seed"].sum() == 2
    assert set(sims.loc[sims["seed"], "code"]) <= {"688001", "688002", "688003"}
    assert sims["candidate"].sum() == 3
    outside = sims[~sims["candidate"]].dropna(subset=["similarity"])
    assert outside["code"].iloc[0] == "688004"  # same business, no rule term: the closest non-candidate
    row = outside.iloc[0]
    assert row["closest_seed"].split()[0] in {"688001", "688002"} and row["closest_similarity"] > 0
    assert row["shared"]
    assert math.isnan(sims.set_index("code").loc["600010", "similarity"])
    bank = sims.set_index("code").loc["600005"]
    assert bank["similarity"] < row["similarity"]
    assert sims["similarity"].dropna().is_monotonic_decreasing


def test_theme_without_candidates_gives_nan(tmp_path: Path) -> None:
    companies = universe([{"code": c, "name": n, "main_business": t} for c, n, t in ROWS[4:]])
    empty = screen_rules(tmp_path, RULES, companies)
    sims = theme_similarity(empty, "t_litho")
    assert sims["similarity"].isna().all() and not sims["seed"].any()
    assert suggest_keywords(empty, "t_litho").empty


def test_suggest_keywords_leaves_out_rule_terms(result) -> None:
    suggestions = suggest_keywords(result, "t_litho", n=5, top_k=3)
    assert list(suggestions.columns) == ["term", "z", "in_top", "top_share", "in_rest", "example"]
    assert len(suggestions) >= 1
    for term in suggestions["term"]:
        assert "光刻机" not in term and term not in "光刻机"
    for a in suggestions["term"]:  # no nested or shifted duplicates
        assert not any(a != b and (a in b or b in a) for b in suggestions["term"])
    top = suggestions.iloc[0]
    assert top["in_top"] >= 2 and top["z"] > 0
    assert "【" + top["term"] + "】" in top["example"]
    assert any(t in set(suggestions["term"]) for t in ("曝光光学系统", "双工件台", "曝光光学"))


def test_index_is_cached_per_universe_object(result) -> None:
    first = text_index(result.universe)
    assert text_index(result.universe) is first
    assert text_index(result.universe.copy()) is not first
    clear_cache()
    assert text_index(result.universe) is not first


def test_sample_universe_neighbours_share_the_business() -> None:
    result = screen(load_sample(), lines=["choke_point"])
    sims = theme_similarity(result, "cp_lithography", k=5)
    top = sims.head(10)
    assert top["seed"].sum() == 5
    assert top["similarity"].notna().all()
    unrelated = sims.set_index("code")
    banks = result.universe.loc[result.universe["name"].str.contains("银行"), "code"]
    if len(banks):
        assert unrelated.loc[banks, "similarity"].fillna(0).max() < top["similarity"].iloc[-1]
    suggestions = suggest_keywords(result, "cp_lithography", n=10)
    assert len(suggestions) > 0 and (suggestions["z"] > 0).all()
