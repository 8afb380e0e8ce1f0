"""Learned theme affinity on a small hand-made universe (no reference data)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from npf_screen import UnknownCompanyError, UnknownThemeError
from npf_screen.cli.main import main
from npf_screen.ml.affinity import affinity_ranking, explain_affinity, fit_affinity, theme_affinity

from .helpers import THEME_HEADER, screen_rules, universe, write_rules

RULES = (
    THEME_HEADER.format(id="t_h2", line="emerging")
    + """
[[theme.keywords]]
weight = 40
terms = ["氢燃料电池"]
"""
    + THEME_HEADER.format(id="t_rare", line="emerging")
    + """
[[theme.keywords]]
weight = 40
terms = ["量子计算机"]
"""
)

H2 = "氢燃料电池电堆、膜电极与双极板的研发制造，燃料电池系统集成"


def _row(code: str, name: str, text: str | None, industry: str | None = None, concepts: str | None = None):
    return dict(code=code, name=name, main_business=text, industry_sw_l2=industry, concepts=concepts)


ROWS = [
    *[_row(f"68800{i}", f"氢{i}", H2, "电池", "氢能源") for i in range(1, 9)],
    # Says what the candidates make without the keyword: the rules miss it, the affinity should not.
    _row("688100", "膜电", "燃料电池电堆、膜电极与双极板", None, "氢能源"),
    # No business text at all, but the candidates' concept and industry labels.
    _row("688101", "无文", None, "电池", "氢能源"),
    _row("600005", "戊银行", "商业银行存贷款业务，零售银行与公司银行服务", "股份制银行"),
    _row("600006", "己银行", "商业银行业务，公司银行、零售银行与金融市场业务", "股份制银行"),
    _row("600007", "庚酒业", "白酒的生产与销售，浓香型白酒系列产品", "白酒"),
    _row("600008", "辛酒业", "酱香型白酒生产销售，白酒系列酒", "白酒"),
    _row("600009", "壬地产", "住宅地产开发与物业管理服务", "房地产开发"),
    _row("600010", "癸地产", "商业地产开发与运营", "房地产开发"),
    _row("600011", "甲量子", "量子计算机研发"),
    *[_row(f"60002{i}", f"港口{i}", "集装箱码头装卸与港口物流服务", "港口") for i in range(6)],
]


@pytest.fixture
def result(tmp_path: Path):
    return screen_rules(tmp_path, RULES, ROWS)


def test_affinity_finds_what_the_rules_missed(result) -> None:
    aff = theme_affinity(result, "t_h2", folds=4).set_index("code")
    assert aff["candidate"].sum() == 8
    assert not aff.loc["688100", "candidate"] and not aff.loc["688101", "candidate"]
    unrelated = aff.loc[["600005", "600006", "600007", "600008", "600009", "600010"], "affinity"]
    assert aff.loc["688100", "affinity"] > unrelated.max()
    assert aff.loc["688101", "affinity"] > unrelated.max()  # labels describe a company without text
    assert "concept:氢能源" in aff.loc["688101", "drivers"]


def test_affinity_is_reproducible_and_cross_fitted(result) -> None:
    a = fit_affinity(result, "t_h2", folds=4, random_state=1)
    b = fit_affinity(result, "t_h2", folds=4, random_state=1)
    np.testing.assert_array_equal(a.affinity, b.affinity)
    assert sorted(set(a.fold.tolist())) == [0, 1, 2, 3]
    # Every candidate is scored by a model that did not see it: refitting on that fold's training
    # rows gives the same probability.
    from sklearn.linear_model import LogisticRegression

    row = int(np.flatnonzero(a.candidate)[0])
    train = a.fold != a.fold[row]
    model = LogisticRegression(
        C=1.0, class_weight="balanced", solver="liblinear", dual=True, max_iter=2000, random_state=1
    )
    model.fit(a.matrix[train], a.candidate[train].astype(int))
    assert model.predict_proba(a.matrix[row])[0, 1] == pytest.approx(a.affinity[row])


def test_explanation_rows_add_up_to_the_logit(result) -> None:
    rows = explain_affinity(result, "t_h2", "688100", n=3, folds=4)
    assert list(rows.columns) == ["feature", "value", "contribution"]
    assert rows["feature"].iloc[-1] == "(intercept)" and "(other features)" in set(rows["feature"])
    assert rows["contribution"].sum() == pytest.approx(rows.attrs["logit"])
    assert 1 / (1 + math.exp(-rows.attrs["logit"])) == pytest.approx(rows.attrs["affinity"])
    # Only the fold scoring the company is fitted, and it gives the full fit's value.
    full = theme_affinity(result, "t_h2", folds=4).set_index("code")
    assert rows.attrs["affinity"] == pytest.approx(full.loc["688100", "affinity"], abs=1e-4)
    partial = fit_affinity(result, "t_h2", folds=4, only=np.array([8]))
    assert np.isnan(partial.affinity).any() and not np.isnan(partial.affinity[8])
    with pytest.raises(UnknownCompanyError, match="999999"):
        explain_affinity(result, "t_h2", "999999")


def test_ranking_keeps_candidates_first_and_flags_review(result) -> None:
    ranking = affinity_ranking(result, "t_h2", review=2, folds=4)
    assert list(ranking.columns) == [
        "position", "code", "name", "candidate", "score", "affinity", "order", "review", "drivers",
    ]  # fmt: skip
    cands = ranking[ranking["candidate"]]
    assert (cands["order"] == (cands["score"] / 100 + cands["affinity"]).round(4)).all()
    assert cands["order"].is_monotonic_decreasing
    assert ranking["candidate"].iloc[:8].all() and not ranking["candidate"].iloc[8:].any()
    assert ranking["position"].tolist() == list(range(1, len(ranking) + 1))
    assert set(ranking.loc[ranking["review"], "code"]) == {"688100", "688101"}


def test_too_few_candidates_give_nan_not_a_model(result) -> None:
    aff = theme_affinity(result, "t_rare")
    assert aff["candidate"].sum() == 1 and aff["affinity"].isna().all()
    assert (aff["drivers"] == "").all()
    assert not affinity_ranking(result, "t_rare")["review"].any()


def test_bad_arguments_name_the_fix(result) -> None:
    with pytest.raises(ValueError, match="folds=1"):
        fit_affinity(result, "t_h2", folds=1)
    with pytest.raises(ValueError, match="C=0"):
        fit_affinity(result, "t_h2", C=0)
    with pytest.raises(UnknownThemeError):
        theme_affinity(result, "nope")
    with pytest.raises(ValueError, match="drivers=-1"):
        theme_affinity(result, "t_h2", drivers=-1)
    with pytest.raises(ValueError, match="review=-1"):
        affinity_ranking(result, "t_h2", review=-1)


def test_cli_review_lists_the_missed_companies(tmp_path: Path, capsys) -> None:
    path = tmp_path / "u.csv"
    universe(ROWS).to_csv(path, index=False)
    rules = write_rules(tmp_path, RULES, "extra.toml")
    args = ["review", "t_h2", "--universe", str(path), "--rules", str(rules), "--folds", "4"]
    assert main([*args, "--top", "2", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "688100" in out and "688101" in out and "688001" not in out
    assert main([*args, "--top", "3", "--ranking", "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") == 4  # header + 3 rows
    assert main(["review", "t_rare", "--universe", str(path), "--rules", str(rules)]) == 2
    assert "too few candidates" in capsys.readouterr().err
    assert main([*args[:-2], "--folds", "1"]) == 2
    assert "--folds 1" in capsys.readouterr().err
