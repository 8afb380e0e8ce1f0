"""Drafting a theme from a policy text: the API, the rule file it writes, the CLI and its bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

import npf_screen as npf
from npf_screen.cli.main import main
from npf_screen.core.errors import DraftError
from npf_screen.ml.draft import draft_theme
from npf_screen.ml.draft_corpus import company_corpus
from npf_screen.rules.loader import load_themes, parse_rule_text
from npf_screen.rules.model import normalize_term

# A made-up provincial plan, written for these tests.
PLAN = """# 某省智能装备产业行动方案（测试文本）

## 一、总体要求
坚持整机牵引、部件突破，推动产业链协同。

## 二、重点方向
### 2.1 核心零部件
突破谐波减速器、RV减速器、行星滚柱丝杠等精密传动部件，提升伺服电机、伺服驱动器和运动控制器的可靠性。

### 2.2 整机
支持人形机器人和工业机器人整机研发，推动在焊接、装配场景应用。

## 三、保障措施
加大保险补偿支持力度，鼓励金融机构开发信贷产品。
"""

RETAIL = """连锁超市和便利店加快数字化改造，百货商场向购物中心转型，发展社区团购和即时零售，
扩大生鲜、日用百货和家居用品的消费，鼓励老字号餐饮门店和商业综合体开展促销活动。"""


@pytest.fixture(scope="module")
def sample():
    return npf.load_sample()


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("policy") / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def draft(sample, plan_file: Path):
    return draft_theme(plan_file, sample, section="重点方向", theme_id="test_robots")


def test_draft_is_a_valid_theme_with_justified_terms(draft, sample) -> None:
    themes, problems = parse_rule_text(draft.toml)
    assert problems == [] and [t.id for t in themes] == ["test_robots"]
    named = draft.terms[draft.terms["kind"] == "named"]
    assert {"谐波减速器", "伺服电机", "人形机器人"} <= set(named["term"])
    corpus = company_corpus(sample)
    for row in draft.terms.itertuples():
        assert row.companies == int(corpus.users(row.term).sum()) >= 2
        assert row.companies <= 0.05 * corpus.n or row.companies <= 2
    for row in named.itertuples():
        assert normalize_term(row.term) in normalize_term(row.sentence)  # the sentence it came from
        assert row.sentence in PLAN  # verbatim
    assert "谐波减速器" in draft.theme.rationale  # quotes the text's own words
    assert "保险补偿" not in " ".join(draft.terms["term"])  # another section


def test_draft_terms_never_name_a_listed_company(draft, sample) -> None:
    names = {normalize_term(n) for n in sample["name"]}
    assert not set(draft.terms["term"]) & names


def test_preview_and_overlaps_point_at_robot_themes(draft) -> None:
    assert len(draft.preview) and (draft.preview["theme"] == "test_robots").all()
    assert set(draft.overlaps["theme"].head(2)) & {"cp_robot_components", "fu_humanoid_robots"}


def test_written_draft_loads_and_screens(draft, sample, tmp_path: Path) -> None:
    path = draft.write(tmp_path / "rules" / "robots.toml")
    themes = load_themes(path)
    assert "test_robots" in themes and "cp_lithography" in themes
    result = npf.screen(sample, themes, theme_ids=["test_robots"])
    assert len(result.top(5, theme="test_robots")) == 5


def test_without_drops_a_term_and_revalidates(draft) -> None:
    edited = draft.without("伺服电机")
    assert "伺服电机" not in set(edited.terms["term"]) and '"伺服电机"' not in edited.toml
    assert parse_rule_text(edited.toml)[1] == []
    with pytest.raises(DraftError, match="not terms of this draft"):
        draft.without("光刻机")


def test_focus_keeps_only_the_clauses_naming_it(sample) -> None:
    d = draft_theme(PLAN, sample, focus="谐波减速器")
    assert set(d.terms.loc[d.terms["kind"] == "named", "term"]) == {"谐波减速器"}
    with pytest.raises(DraftError, match="no clause names '量子计算'"):
        draft_theme(PLAN, sample, focus="量子计算")


def test_a_province_makes_a_regional_draft(sample) -> None:
    d = draft_theme("广东省支持伺服电机和谐波减速器企业扩大产能。", sample)
    assert d.theme.line == "regional" and d.theme.region is not None
    assert d.theme.region.provinces == ("广东",)
    assert "广东" not in set(d.terms["term"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"section": "不存在的章节"}, "no section heading contains '不存在的章节'"),
        ({"section": "保障措施"}, "section '保障措施': no usable terms"),
        ({"theme_id": "Bad Id"}, "theme id 'Bad Id'"),
        ({"line": "sideways"}, "line 'sideways'"),
    ],
)
def test_bad_requests_name_what_is_wrong(sample, kwargs, message) -> None:
    with pytest.raises(DraftError, match=message):
        draft_theme(PLAN, sample, **kwargs)


def test_unrelated_retail_text_gives_no_high_tech_draft(reference_universe) -> None:
    d = draft_theme(RETAIL, reference_universe, theme_id="retail")
    high_tech = load_themes().select(lines=["choke_point", "emerging", "future"])
    vocabulary = {normalize_term(x) for t in high_tech for g in t.keywords for x in g.terms}
    drafted = set(d.terms["term"])
    assert len(drafted & vocabulary) <= 0.1 * len(drafted), drafted & vocabulary
    tech = d.overlaps[d.overlaps["line"].isin(["choke_point", "emerging", "future"])]
    assert tech.empty or tech["share"].max() <= 0.2, tech
    assert any("超市" in t or "百货" in t for t in drafted), drafted


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_a_draft_that_screen_loads(capsys, plan_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "draft.toml"
    code, out, err = run(
        capsys,
        "draft",
        "--from",
        str(plan_file),
        "--section",
        "核心零部件",
        "--id",
        "my_parts",
        "-o",
        str(target),
    )
    assert code == 0, err
    assert "谐波减速器" in out and "top 10 companies" in out
    code, out, err = run(capsys, "screen", "--rules", str(target), "--theme", "my_parts", "--format", "csv")
    assert code == 0, err
    assert "my_parts" in out


def test_cli_without_output_prints_the_toml(capsys, plan_file: Path) -> None:
    code, out, err = run(capsys, "draft", "--from", str(plan_file), "--focus", "人形机器人")
    assert code == 0, err
    assert parse_rule_text(out)[1] == [] and "人形机器人" in out
    assert "terms (kind" in err


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (b"", (), "the file is empty"),
        (b"  \n\n", (), "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", (), "binary file"),
        ("发展伺服电机".encode("gbk"), (), "not UTF-8 text"),
        ("今天天气很好，我们去公园散步吧。".encode(), (), "no usable terms"),
        (PLAN.encode(), ("--section", "不存在"), "no section heading contains '不存在'"),
    ],
)
def test_cli_bad_input_exits_2_naming_it(capsys, tmp_path: Path, content, extra, message) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, "draft", "--from", str(path), *extra)
    assert code == 2 and out == ""
    assert str(path) in err and message in err


def test_cli_missing_file_exits_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "draft", "--from", str(tmp_path / "nope.md"))
    assert code == 2 and "nope.md: no such file" in err


def _toy_universe():
    """60 hand-made companies: retail chains, chip-material makers and machinery makers."""
    from .helpers import universe

    retail = ["连锁超市", "便利店", "百货商场", "购物中心", "生鲜超市"]
    chips = ["光刻胶", "电子特气", "刻蚀设备", "晶圆代工", "抛光液"]
    machines = ["挖掘机", "起重机", "叉车", "农机", "压缩机"]
    rows = []
    for i in range(60):
        group, words, industry = [
            ("retail", retail, "商贸零售"),
            ("chips", chips, "电子"),
            ("machines", machines, "机械设备"),
        ][i % 3]
        a, b = words[i % 5], words[(i // 3 + 1) % 5]
        rows.append(
            {
                "code": f"{600000 + i:06d}",
                "name": f"样例{group}{i}号",
                "main_business": f"公司主要从事{a}及{b}的经营与服务。",
                "industry_sw_l1": industry,
            }
        )
    return universe(rows)


def test_retail_text_on_a_hand_made_market_drafts_retail_not_chips() -> None:
    toy = _toy_universe()
    retail = draft_theme(RETAIL, toy, theme_id="toy_retail", max_share=0.5)
    assert set(retail.terms["term"]) & {"连锁超市", "便利店", "百货商场", "购物中心"}
    assert retail.preview["code"].map(lambda c: int(c) % 3 == 0).all()  # only the retailers
    chips = draft_theme("支持光刻胶和电子特气国产化。", toy, theme_id="toy_chips", max_share=0.5)
    assert chips.preview["code"].map(lambda c: int(c) % 3 == 1).all()
    assert not set(retail.terms["term"]) & set(chips.terms["term"])


def test_regional_line_needs_a_province(sample) -> None:
    with pytest.raises(DraftError, match="line 'regional' needs a province"):
        draft_theme(PLAN, sample, section="重点方向", line="regional")
