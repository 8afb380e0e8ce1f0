"""The scoring arithmetic on hand-made companies and rules: points, caps, gates, exclusions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from npf_screen import load_themes, screen

from .helpers import THEME_HEADER, rule_themes, screen_rules, universe, write_rules

RULES = (
    THEME_HEADER.format(id="t_litho", line="choke_point")
    + """
max_per_field = 50
industries = ["半导体设备"]
industry_weight = 25
[[theme.keywords]]
weight = 40
terms = ["光刻机", "EDA"]
[[theme.keywords]]
weight = 20
terms = ["光刻胶", "掩膜版"]
fields = ["main_business", "business_scope"]
[[theme.exclude]]
terms = ["代理销售"]
penalty = 30
reason = "distribution"
[[theme.exclude]]
industries = ["银行"]
veto = true
"""
    + THEME_HEADER.format(id="t_region", line="regional")
    + """
[[theme.keywords]]
weight = 30
terms = ["整车"]
[theme.region]
provinces = ["广西"]
cities = ["柳州市"]
terms = ["柳州"]
weight = 20
[theme.filters]
gross_margin = { min = 5 }
"""
)

COMPANIES = [
    {
        "code": "600001",
        "name": "甲光电",
        "main_business": "光刻机整机研发。光刻机、光刻机！",
        "industry_sw_l3": "半导体设备Ⅲ",
    },
    {"code": "600002", "name": "乙材料", "main_business": "光刻胶和掩膜版", "business_scope": "光刻胶销售"},
    {"code": "600003", "name": "丙贸易", "main_business": "光刻胶代理销售"},
    {"code": "600004", "name": "丁银行", "main_business": "光刻机融资租赁", "industry_sw_l1": "银行"},
    {
        "code": "600005",
        "name": "戊汽车",
        "main_business": "整车制造",
        "province": "广西壮族自治区",
        "gross_margin": "12",
    },
    {
        "code": "600006",
        "name": "己汽车",
        "main_business": "整车制造，柳州基地投产",
        "province": "上海",
        "gross_margin": "12",
    },
    {
        "code": "600007",
        "name": "庚汽车",
        "main_business": "整车制造",
        "province": "吉林",
        "gross_margin": "12",
    },
    {
        "code": "600008",
        "name": "辛汽车",
        "main_business": "整车制造",
        "province": "广西",
        "gross_margin": "2",
    },
    {
        "code": "600009",
        "name": "壬软件",
        "main_business": "Schedule planning tools",
        "summary_en": "Provides EDA tools.",
    },
    {"code": "600010", "name": "癸白酒", "main_business": "白酒生产与销售"},
]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    rules = write_rules(tmp_path_factory.mktemp("rules"), RULES)
    return screen(universe(COMPANIES), load_themes(rules, bundled=False))


def score(result, code: str, theme: str) -> float:
    s = result.scores
    row = s[(s["code"] == code) & (s["theme"] == theme)]
    return float(row["score"].iloc[0]) if len(row) else 0.0


def test_evidence_rows_add_up_to_every_score(result) -> None:
    sums = result.evidence.groupby(["code", "theme"])["points"].sum().round(2)
    scores = result.scores.set_index(["code", "theme"])["score"]
    assert (sums - scores.reindex(sums.index)).abs().max() < 1e-9


def test_repetition_saturates_and_field_cap_applies(result) -> None:
    # 光刻机 three times in one text counts once (40); name has none; industry label adds 25 (Ⅲ dropped)
    assert score(result, "600001", "t_litho") == 65.0
    rows = result.evidence[(result.evidence["code"] == "600001")]
    assert set(rows["term"]) == {"光刻机", "半导体设备"}


def test_field_weights_and_per_term_best_field(result) -> None:
    # 光刻胶 20 in main_business (best) + 0 in business_scope; 掩膜版 20 → 40, under the 50 cap
    assert score(result, "600002", "t_litho") == 40.0
    rows = result.evidence[(result.evidence["code"] == "600002") & (result.evidence["term"] == "光刻胶")]
    assert sorted(rows["points"]) == [0.0, 20.0]
    assert "better field" in rows[rows["points"] == 0]["note"].iloc[0]


def test_penalty_subtracts_but_never_below_zero(result) -> None:
    assert score(result, "600003", "t_litho") == 0.0
    rows = result.evidence[result.evidence["code"] == "600003"]
    assert rows[rows["kind"] == "penalty"]["points"].iloc[0] == -20.0  # only what there was
    assert (result.dropped["code"] == "600003").any()


def test_veto_by_industry_cancels(result) -> None:
    assert score(result, "600004", "t_litho") == 0.0
    explanation = result.explain("600004", "t_litho")
    assert "veto" in explanation.verdicts["verdict"].iloc[0]


def test_regional_gate_bonus_and_text(result) -> None:
    assert score(result, "600005", "t_region") == 50.0  # 30 + 20 located in 广西 (province normalised)
    assert score(result, "600006", "t_region") == 50.0  # elsewhere, but its text names 柳州
    text_row = result.evidence[(result.evidence["code"] == "600006") & (result.evidence["kind"] == "region")]
    assert "【柳州】" in text_row["snippet"].iloc[0]
    assert score(result, "600007", "t_region") == 0.0  # elsewhere: gated
    assert (
        "outside the region (located in 吉林)" in result.explain("600007", "t_region").verdicts["verdict"][0]
    )


def test_filter_drops_and_accounts(result) -> None:
    assert score(result, "600008", "t_region") == 0.0
    dropped = result.dropped.set_index(["code", "theme"])
    assert "gross_margin = 2 fails gross_margin >= 5" in dropped.loc[("600008", "t_region"), "reason"]


def test_ascii_terms_match_whole_words_only(result) -> None:
    rows = result.evidence[result.evidence["code"] == "600009"]
    assert list(rows["field"]) == ["summary_en"]  # not inside "Schedule"
    assert score(result, "600009", "t_litho") == 32.0  # 40 × summary_en weight 0.8


def test_unrelated_company_matches_nothing(result) -> None:
    assert "600010" not in set(result.scores["code"])
    explanation = result.explain("600010", "t_litho")
    assert explanation.verdicts["verdict"][0].startswith("does not qualify: no rule matched")


def test_ranks_candidates_and_reverse_lookup(result) -> None:
    top = result.top(2, theme="t_litho")
    assert list(top["code"]) == ["600001", "600002"]
    assert list(top["rank"]) == [1, 2]
    assert list(result.themes_of("600001")["theme"]) == ["t_litho"]


CAP_RULES = (
    THEME_HEADER.format(id="t_cap", line="emerging")
    + """
[[theme.keywords]]
weight = 60
terms = ["氢能", "燃料电池", "电解槽"]
fields = ["main_business", "name", "products"]
"""
)


def test_total_is_capped_at_100(tmp_path: Path) -> None:
    data = universe([{"code": "000001", "name": "氢能", "main_business": "燃料电池", "products": "电解槽"}])
    result = screen_rules(tmp_path, CAP_RULES, data)
    assert result.scores["score"].tolist() == [100.0]
    assert result.evidence["points"].sum() == 100.0
    assert (result.evidence["note"] == "score cap 100 reached").any()


def test_ties_at_the_cap_are_ordered_by_support(tmp_path: Path) -> None:
    data = universe(
        [
            {"code": "000001", "name": "氢能甲", "main_business": "燃料电池"},  # 120 points before the cap
            {"code": "000002", "name": "氢能乙", "main_business": "燃料电池", "products": "电解槽"},  # 180
        ]
    )
    result = screen_rules(tmp_path, CAP_RULES, data)
    scores = result.scores.set_index("code")
    assert scores["score"].tolist() == [100.0, 100.0]
    assert scores.loc["000002", "support"] > scores.loc["000001", "support"]
    assert result.top(2, theme="t_cap")["code"].tolist() == ["000002", "000001"]  # not by code


def test_industry_rules_match_industry_labels_only(tmp_path: Path) -> None:
    rules = (
        THEME_HEADER.format(id="t_labels", line="emerging")
        + """
industries = ["燃料电池"]
concepts = ["氢能源"]
"""
    )
    data = universe(
        [
            {"code": "000001", "name": "甲", "concepts": "燃料电池,其他"},  # a concept, not an industry
            {"code": "000002", "name": "乙", "industry_em_l3": "燃料电池", "concepts": "氢能源"},
        ]
    )
    result = screen_rules(tmp_path, rules, data)
    assert result.candidates["code"].tolist() == ["000002"]
    assert sorted(result.evidence["kind"]) == ["concept", "industry"]


def test_regional_gate_with_unknown_province(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, RULES)
    data = universe([{"code": "600011", "name": "无省份汽车", "main_business": "整车制造"}])
    result = screen(data, load_themes(rules, bundled=False))
    assert result.scores["score"].tolist() == [0.0]
    assert "located in unknown province" in result.dropped["reason"].iloc[0]


def test_codes_are_normalised_and_validated() -> None:
    import pytest as _pytest

    from npf_screen import UniverseError

    frame = universe(
        [
            {"code": "６００５１９", "name": "全角"},
            {"code": "SZ000001", "name": "前缀"},
            {"code": "2", "name": "短"},
        ]
    )
    assert frame["code"].tolist() == ["600519", "000001", "000002"]
    assert frame["exchange"].tolist() == ["SH", "SZ", "SZ"]
    with _pytest.raises(UniverseError, match="duplicate code"):
        universe([{"code": "000001", "name": "a"}, {"code": "1", "name": "b"}])
    with _pytest.raises(UniverseError, match="malformed code"):
        universe([{"code": "60051x", "name": "a"}])


def test_screen_restores_the_garbage_collector(tmp_path: Path) -> None:
    import gc

    rules = write_rules(tmp_path, RULES)
    assert gc.isenabled()
    assert len(screen(universe(COMPANIES), load_themes(rules, bundled=False)).evidence) > 0
    assert gc.isenabled()
    gc.disable()
    try:
        screen(universe(COMPANIES), load_themes(rules, bundled=False))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_screen_accepts_a_universe_with_any_index(tmp_path: Path) -> None:
    rules = rule_themes(tmp_path, RULES)
    shuffled = universe(COMPANIES).iloc[::-1]  # index 9..0
    by_code = screen(shuffled, rules).scores.set_index(["code", "theme"])["score"].sort_index()
    expected = screen(universe(COMPANIES), rules).scores.set_index(["code", "theme"])["score"].sort_index()
    assert by_code.equals(expected)


def test_evidence_order_is_the_same_by_merge_or_by_full_sort(monkeypatch) -> None:
    """The evidence is ordered by a linear merge when its two parts are already ordered; the full
    sort it stands in for gives the same rows in the same order (bundled sample, every theme)."""
    from npf_screen import load_sample
    from npf_screen.screening import scoring

    sample, themes = load_sample(), load_themes()
    merged = screen(sample, themes).evidence
    monkeypatch.setattr(scoring, "_merge_ready", lambda *_: False)
    sorted_fully = screen(sample, load_themes()).evidence
    assert len(merged) > 1000
    pd.testing.assert_frame_equal(merged, sorted_fully)


def test_merge_is_refused_when_the_parts_are_not_ordered() -> None:
    from npf_screen.screening.scoring import _merge_ready

    pair, points = np.array([1, 1, 2]), np.array([5.0, 3.0, 1.0])
    assert _merge_ready(pair, points, np.array([-2.0, 0.0]))
    assert not _merge_ready(pair, np.array([3.0, 5.0, 1.0]), np.array([-2.0]))  # points rise in pair 1
    assert not _merge_ready(np.array([2, 1, 1]), points, np.array([-2.0]))  # pairs out of order
    assert not _merge_ready(pair, points, np.array([0.5]))  # a "negative" row with points


def test_text_pieces_cut_at_company_starts_and_hits_do_not_depend_on_them() -> None:
    from npf_screen import load_sample
    from npf_screen.rules.model import FIELDS
    from npf_screen.screening.matching import compile_rules, find_hits
    from npf_screen.screening.texts import prepare_texts

    sample = load_sample()
    sample = pd.concat([sample] * 15, ignore_index=True)  # over 500,000 characters: matched on threads
    texts = prepare_texts(sample)
    assert sum(len(t) for t in texts.folded.values()) > 500_000
    rules = compile_rules(load_themes())
    for count in (1, 2, 7, 50, 10_000):
        pieces = texts.pieces(count)
        assert [len(p[2]) for p in pieces] == sorted((len(p[2]) for p in pieces), reverse=True)
        for f_idx, field in enumerate(FIELDS):
            own = sorted((lo, piece) for f, lo, piece in pieces if f == f_idx)
            assert "".join(piece for _, piece in own) == texts.folded[field]
            assert {lo for lo, _ in own} <= set(texts.offsets[field].tolist())
    one = find_hits(rules, texts, pieces=1)
    assert len(one) > 15_000
    for count in (3, 50, 10_000):
        pd.testing.assert_frame_equal(find_hits(rules, texts, pieces=count), one)
    small = prepare_texts(sample.iloc[:285])  # matched on the calling thread: the same hits
    pd.testing.assert_frame_equal(find_hits(rules, small), one[one["company"] < 285].reset_index(drop=True))
    naive = []  # one scan of each whole field, first occurrence per (company, term)
    for f_idx, field in enumerate(FIELDS):
        for c in range(len(sample)):
            text = texts.text_of(field, c)
            for term, start, end in rules.matcher.find_matches_as_indexes(text, overlapping=True):
                glued = (
                    start > 0
                    and rules.bound_left[term]
                    and text[start - 1].isascii()
                    and text[start - 1].isalnum()
                ) or (
                    end < len(text)
                    and rules.bound_right[term]
                    and text[end].isascii()
                    and text[end].isalnum()
                )
                if not glued:
                    naive.append((c, f_idx, term, start))
    expected = pd.DataFrame(naive, columns=["company", "field", "term", "start"])
    expected = expected.sort_values(["field", "company", "term", "start"]).drop_duplicates(
        ["field", "company", "term"]
    )
    pd.testing.assert_frame_equal(one, expected.reset_index(drop=True).astype("int64"))
