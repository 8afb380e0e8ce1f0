"""Learned expansion and text coverage on a small hand-made universe (no reference data)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from npf_screen import UnknownThemeError, expand
from npf_screen.cli.main import main
from npf_screen.ml.text_features import text_index

from .helpers import THEME_HEADER, screen_rules, universe, write_rules

RULES = (
    THEME_HEADER.format(id="t_h2", line="emerging")
    + """
[[theme.keywords]]
weight = 40
terms = ["氢燃料电池"]

[[theme.exclude]]
terms = ["贸易代理"]
veto = true
reason = "trading, not making"
"""
    + THEME_HEADER.format(id="rg_h2", line="regional")
    + """
[[theme.keywords]]
weight = 40
terms = ["氢燃料电池"]

[theme.region]
provinces = ["广东"]
"""
)

H2 = "氢燃料电池电堆、膜电极与双极板的研发制造，燃料电池系统集成"
LIKE = "燃料电池电堆、膜电极与双极板的生产"


def _row(code, name, text, province="江苏", industry=None, concepts=None, products=None):
    return dict(
        code=code, name=name, main_business=text, province=province, industry_sw_l2=industry,
        concepts=concepts, products=products,
    )  # fmt: skip


ROWS = [
    *[_row(f"68800{i}", f"氢{i}", H2, "广东" if i < 4 else "江苏", "电池", "氢能源") for i in range(1, 9)],
    # Says what the candidates make without the keyword: the rules miss it, the expansion should not.
    _row("688100", "膜电", LIKE, "江苏", None, "氢能源"),
    _row("688102", "粤膜", LIKE, "广东", None, "氢能源"),
    # Looks the same but the theme's own exclusion vetoes it: never expanded.
    _row("688103", "贸氢", LIKE + "，贸易代理", "江苏", None, "氢能源"),
    # No business text at all: screened on name and labels only, and counted as such.
    _row("688101", "无文", None, "江苏", "电池", "氢能源"),
    *[
        _row(f"60000{i}", f"银行{i}", "商业银行存贷款业务，零售银行与公司银行服务", "北京", "股份制银行")
        for i in range(5)
    ],
    *[_row(f"60002{i}", f"港口{i}", "集装箱码头装卸与港口物流服务", "广东", "港口") for i in range(6)],
]


@pytest.fixture
def result(tmp_path: Path):
    return screen_rules(tmp_path, RULES, ROWS)


def test_expansion_adds_lookalikes_after_the_candidates(result) -> None:
    ex = expand(result, n=2, folds=4)
    r = ex.ranking[ex.ranking["theme"] == "t_h2"]
    assert r["candidate"].sum() == 8 and r["expanded"].sum() == 2
    assert r["position"].tolist() == list(range(1, len(r) + 1))
    assert r["candidate"].tolist() == sorted(r["candidate"].tolist(), reverse=True)  # candidates first
    expanded = r[r["expanded"]]
    assert set(expanded["code"]) <= {"688100", "688102", "688101"}
    assert "688103" not in set(ex.ranking["code"]) - set(result.candidates["code"])  # vetoed
    assert (expanded["score"] == 0).all() and (expanded["rank"] == 0).all()
    # Drivers read as words and labels, never as character fragments.
    for drivers in expanded["drivers"]:
        named = [d.split(" (+")[0] for d in drivers.split(", ")]
        assert named and all(n.split(":")[0] in {"words", "concept", "industry", "summary_en"} for n in named)


def test_expansion_never_touches_rule_scores_or_evidence(result) -> None:
    before_scores = result.scores.copy()
    before_evidence = result.evidence.copy()
    expand(result, n=3, folds=4)
    pd.testing.assert_frame_equal(result.scores, before_scores)
    pd.testing.assert_frame_equal(result.evidence, before_evidence)
    sums = result.evidence.groupby(["code", "theme"])["points"].sum()
    scores = result.scores.set_index(["code", "theme"])["score"]
    np.testing.assert_allclose(sums.reindex(scores.index).to_numpy(), scores.to_numpy(), atol=1e-9)


def test_regional_expansion_stays_in_the_region(result) -> None:
    ex = expand(result, n=5, folds=3)
    expanded = ex.expanded[ex.expanded["theme"] == "rg_h2"]
    provinces = result.universe.set_index("code")["province"]
    assert len(expanded) and set(expanded["code"].map(provinces)) == {"广东"}
    assert "688102" in set(expanded["code"])


def test_table_and_watchlist_rows(result) -> None:
    ex = expand(result, n=2, folds=4)
    table = ex.table()
    assert list(table.columns[: len(result.candidates.columns)]) == list(result.candidates.columns)
    assert {"expanded", "affinity", "drivers"} <= set(table.columns)
    assert table["expanded"].sum() == ex.ranking["expanded"].sum()
    only = ex.table(expanded=False)
    assert not only["expanded"].any() and len(only) == len(result.candidates)


def test_explain_shows_rules_and_expansion_apart(result) -> None:
    ex = expand(result, n=2, folds=4)
    code = ex.expanded[ex.expanded["theme"] == "t_h2"]["code"].iloc[0]
    why = ex.explain(code)
    row = why.expansion.set_index("theme").loc["t_h2"]
    assert row["expanded"] and not row["candidate"] and row["drivers"]
    c = why.contributions[why.contributions["theme"] == "t_h2"]
    logit = c["contribution"].sum()
    assert 1 / (1 + math.exp(-logit)) == pytest.approx(row["affinity"], abs=1e-6)
    text = str(why)
    assert "EXPANDED" in text and "not a rule score" in text and "text:" in text
    with pytest.raises(UnknownThemeError):
        expand(result, theme_ids=["nope"])
    with pytest.raises(ValueError, match="n=-1"):
        expand(result, n=-1)


def test_text_coverage_is_exposed_and_counted(result) -> None:
    cov = result.text_coverage.set_index("code")
    assert cov.loc["688101", "text_fields"] == "" and cov.loc["688101", "n_text_fields"] == 0
    assert cov.loc["688001", "text_fields"] == "main_business"
    assert "text_fields" in result.candidates.columns
    summary = result.summary().set_index("theme")
    no_text = result.candidates.merge(cov.reset_index(), on="code")
    expected = int((no_text[no_text["theme"] == "t_h2"]["n_text_fields"] == 0).sum())
    assert summary.loc["t_h2", "without_text"] == expected
    assert "text: none (name and labels only)" in str(result.explain("688101"))


def test_word_features_name_words() -> None:
    texts = [
        "光刻胶及谐波减速器研发",
        "光刻胶销售与谐波减速器",
        "商业银行存贷款",
        "港口物流服务",
        "白酒生产销售",
    ]
    frame = universe([_row(f"00000{i}", f"公司{i}", t) for i, t in enumerate(texts)])
    _, names = text_index(frame).words
    assert {"words:光刻胶", "words:减速器"} <= set(names)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_expand_explain_review_and_watchlists(capsys, tmp_path: Path) -> None:
    rules = write_rules(tmp_path, RULES)
    data = tmp_path / "u.csv"
    universe(ROWS).to_csv(data, index=False)
    base = ("--universe", str(data), "--rules", str(rules))
    code, out, err = _run(capsys, "screen", *base, "--theme", "t_h2", "--expand", "2", "--format", "csv")
    assert code == 0, err
    frame = pd.read_csv(pd.io.common.StringIO(out), dtype={"code": str})
    assert frame["expanded"].sum() == 2
    code, out, _ = _run(capsys, "screen", *base, "--theme", "t_h2", "--expand", "0", "--format", "csv")
    assert "expanded" not in out.splitlines()[0]
    for flag, n in (((), 8), (("--watchlist-expanded",), 10)):
        path = tmp_path / f"w{n}.txt"
        code, _, err = _run(capsys, "screen", *base, "--theme", "t_h2", "--expand", "2", "--format", "em",
                            "-o", str(path), *flag)  # fmt: skip
        assert code == 0, err
        assert len(path.read_text().split()) == n
    expanded = frame.loc[frame["expanded"], "code"].iloc[0]
    code, out, _ = _run(capsys, "explain", expanded, *base, "--theme", "t_h2", "--expand", "2")
    assert code == 0 and "EXPANDED" in out and "drivers:" in out
    code, out, _ = _run(capsys, "review", "t_h2", *base, "--top", "2")
    assert code == 0 and "drivers" in out and expanded in out
    code, _, err = _run(capsys, "screen", *base, "--expand", "-1")
    assert code == 2 and "--expand -1" in err
