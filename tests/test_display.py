"""Rich displays: results, explanations and themes as escaped, compact HTML tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import npf_screen as npf
from npf_screen.outputs.display import (
    HTML,
    STYLE,
    explanation_html,
    highlight,
    result_html,
    table,
    table_html,
)

from .helpers import universe, write_rules

EVIL = '<img src=x onerror="alert(1)">'

RULES = """
[[theme]]
id = "t_lidar"
name = "激光雷达<测试>"
line = "emerging"
rationale = "A theme written for a test."
source = "tests"
min_score = 20

[[theme.keywords]]
weight = 40
terms = ["激光雷达", "lidar"]

[[theme.keywords]]
weight = 10
terms = ["传感器"]
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> npf.ScreenResult:
    rules = write_rules(tmp_path_factory.mktemp("rules"), RULES)
    themes = npf.load_themes(rules, bundled=False)
    frame = universe(
        [
            {"code": "000001", "name": EVIL, "main_business": "研发激光雷达与<传感器>&模组"},
            {"code": "000002", "name": "甲公司", "main_business": "汽车传感器"},
            {"code": "000003", "name": "乙银行", "main_business": "商业银行业务"},
        ]
    )
    return npf.screen(frame, themes)


def test_highlight_escapes_then_marks() -> None:
    assert highlight("a<b>【激光&雷达】c") == "a&lt;b&gt;<mark>激光&amp;雷达</mark>c"
    assert highlight("【x】 and 【y】") == "<mark>x</mark> and <mark>y</mark>"
    assert highlight(float("nan")) == "" and highlight(pd.NA) == ""


def test_table_escapes_every_cell_and_formats_numbers() -> None:
    frame = pd.DataFrame(
        {
            "code": ["000001", "000002"],
            "name": [EVIL, None],
            "points": [12.5, -3.0],
            "qualified": [True, False],
            "snippet": ["…【<激光雷达>】…", ""],
        }
    )
    text = table_html(frame)
    assert "<img" not in text and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text
    assert "<mark>&lt;激光雷达&gt;</mark>" in text
    assert 'class="num pos">+12.50<' in text and 'class="num neg">-3.00<' in text
    assert "✓" in text and "✗" in text and 'class="zero">–<' in text


def test_table_caps_rows_and_wraps_for_jupyter() -> None:
    frame = pd.DataFrame({"x": range(30)})
    text = table_html(frame, max_rows=10, caption="<c>")
    assert text.count("<tr>") == 11 and "20 more rows not shown" in text and "&lt;c&gt;" in text
    shown = table(frame)
    assert isinstance(shown, HTML) and shown._repr_html_() == str(shown) and STYLE in shown
    assert "(no rows)" in table_html(frame.head(0))


def test_result_renders_summary_with_top_candidates(result: npf.ScreenResult) -> None:
    text = result._repr_html_()
    assert text == result_html(result)
    assert "3 companies × 1 themes → " in text and "t_lidar" in text
    assert "激光雷达&lt;测试&gt;" in text and "新兴产业" in text
    assert "&lt;img src=x" in text and "<img" not in text
    assert repr(result).startswith("ScreenResult(")  # the terminal form is unchanged


def test_explanation_marks_terms_and_folds_zero_rows(result: npf.ScreenResult) -> None:
    explanation = result.explain("000001")
    text = explanation._repr_html_()
    assert text == explanation_html(explanation)
    assert "<mark>激光雷达</mark>" in text and "&lt;<mark>传感器</mark>&gt;&amp;模组" in text
    assert "npf-verdict ok" in text and "qualifies" in text and "<img" not in text
    assert str(explanation).startswith("000001 ")  # plain text stays readable in a terminal


def test_explanation_of_a_company_that_matched_nothing(result: npf.ScreenResult) -> None:
    text = result.explain("000003")._repr_html_()
    assert "乙银行" in text and "matched no theme" in text
    text = result.explain("000003", theme="t_lidar")._repr_html_()
    assert "npf-verdict no" in text and "does not qualify" in text


def test_explanation_folds_zero_point_rows() -> None:
    result = npf.screen(npf.load_sample(), theme_ids=["cp_lithography"])
    best = result.top(1, theme="cp_lithography")["code"].iloc[0]
    explanation = result.explain(best, theme="cp_lithography")
    if (explanation.evidence["points"] == 0).any():
        assert "<details><summary>" in explanation._repr_html_()


def test_themes_render_as_a_table(tmp_path: Path) -> None:
    themes = npf.load_themes()
    text = themes._repr_html_()
    assert f"ThemeSet: {len(themes)} themes" in text and "卡脖子" in text
    assert text.count("<tr>") == len(themes) + 1
    assert "cp_lithography" in text and "choke_point.toml" in text
    assert repr(themes).startswith("ThemeSet(")
