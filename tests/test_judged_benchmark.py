"""``benchmarks/judged.py``: the figures on hand-made verdicts, the verdict file checks, and a run
on the bundled sample (its companies are not judged: everything in its top lists is unjudged)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

import npf_screen as npf

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def judged():
    spec = importlib.util.spec_from_file_location("judged_benchmark", ROOT / "benchmarks" / "judged.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_figures_of_a_hand_judged_list(judged) -> None:
    ranked = [f"{i:06d}" for i in range(12)]
    verdicts = {c: "core" for c in ranked[:8]} | {ranked[8]: "no", ranked[9]: "peripheral", ranked[10]: "no"}
    f = judged.theme_figures(ranked, verdicts)
    assert f["core@10"] == 0.8 and f["listed"] == 12 and f["unjudged"] == 1
    assert f["core@30"] == pytest.approx(8 / 12) and f["no@30"] == pytest.approx(2 / 12)


def test_the_stored_verdicts_are_valid(judged) -> None:
    table = judged.load_verdicts()
    assert set(table["verdict"]) <= {"core", "peripheral", "no"}
    assert set(table["theme"]) == set(judged.SETS["A"]) | set(judged.SETS["B"])
    assert (table["reason"].str.len() > 10).all()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("000001", "t", "maybe", "x")], "not one of"),
        ([("000001", "t", "core", "x"), ("000001", "t", "no", "y")], "judged twice"),
    ],
)
def test_bad_verdict_files_name_the_problem(judged, tmp_path: Path, rows, message) -> None:
    path = tmp_path / "v.csv"
    pd.DataFrame(rows, columns=["code", "theme", "verdict", "reason"]).to_csv(path, index=False)
    with pytest.raises(ValueError, match=message):
        judged.load_verdicts(path)


def test_judged_figures_on_the_sample_count_unjudged(judged) -> None:
    result = npf.screen(npf.load_sample(), theme_ids=["cp_lithography"])
    figures = judged.judged_figures(result, judged.load_verdicts())
    block = figures["B"]["themes"]["cp_lithography"]
    assert block["listed"] == len(result.top(30, theme="cp_lithography"))
    assert block["unjudged"] + round(block["core@30"] * block["listed"]) <= block["listed"]
    assert "cp_lithography" in judged.report(figures)
