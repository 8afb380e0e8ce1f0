"""``benchmarks/quality.py`` end to end on the bundled sample, with labels made from the sample's own
theme hints (hand-made, not real boards), so the benchmark's code cannot rot unnoticed."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("quality_benchmark", ROOT / "benchmarks" / "quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_metrics_on_a_known_ranking(quality) -> None:
    m = quality.metrics(["a", "x", "b", "y"], {"a", "b", "c"})
    assert (m["tp"], m["precision"], m["recall"]) == (2, 0.5, 2 / 3)
    assert m["r_precision"] == pytest.approx(2 / 3)  # top 3: a, x, b
    assert m["ap"] == pytest.approx((1 / 1 + 2 / 3) / 3)
    assert m["p_at_20"] == pytest.approx(2 / 20)


def test_the_held_back_split_is_fixed(quality) -> None:
    """Positions i % 3 == 2 of the board mapping, chosen by the lead before any result was seen."""
    assert quality.HELD_BACK == (
        "cp_power_semiconductors", "cp_large_aircraft", "em_hydrogen", "em_commercial_aerospace",
        "em_data_economy", "fu_nuclear_fusion", "cp_industrial_software",
    )  # fmt: skip
    assert len(quality.MAPPING) - len(quality.HELD_BACK) == 15


@pytest.mark.slow
def test_benchmark_runs_on_the_sample(quality, tmp_path: Path, capsys) -> None:
    sample = resources.files("npf_screen.universe.data") / "sample_companies.csv"
    frame = pd.read_csv(str(sample), dtype=str)
    board_of = {theme: board for theme, (board, _) in quality.MAPPING.items()}
    labels = [
        (code, board_of[theme])
        for code, hints in zip(frame["code"], frame["theme_hint"].fillna(""), strict=True)
        for theme in hints.split("|")
        if theme in board_of
    ]
    labels_path = tmp_path / "labels.csv"
    pd.DataFrame(labels, columns=["code", "board"]).to_csv(labels_path, index=False)
    out_path = tmp_path / "quality.json"
    argv = ["--reference", str(sample), "--labels", str(labels_path), "--json", str(out_path)]
    assert quality.main(argv) == 0
    printed = capsys.readouterr().out
    assert "HELD-BACK themes (headline)" in printed and "TUNING themes" in printed
    assert "Targets on the held-back themes" in printed
    assert "Analyst verdicts" in printed  # benchmarks/judged.py, on the sample's (unjudged) lists
    out = json.loads(out_path.read_text(encoding="utf-8"))
    assert out["themes_mapped"] >= 15
    assert out["evidence"]["without_positive_evidence"] == 0
    assert set(out["judged"]) == {"A", "B"}
    assert out["expanded"]["companies"] > 0 and out["expanded"]["without_drivers"] == 0
    assert out["expanded"]["with_rule_score"] == 0
    for name in ("tuning", "held_back"):
        means = out["means"][name]
        # Every sample company was chosen for its hinted theme, so the screen finds nearly all of them.
        assert means["screen"]["recall"] > 0.9
        # The full ranking puts the candidates first and then ranks every other company.
        assert means["ranking"]["recall"] == pytest.approx(1.0)
        assert set(means) >= {"screen", "ranking", "baseline", "supervised", "heads"}
    assert {r["set"] for r in out["rows"]} == {"tuning", "held_back"}
    for row in out["rows"]:
        assert set(row) >= {"screen", "ranking", "baseline", "supervised", "heads"}
        assert set(row["ranking"]) >= {"r_precision", "ap", "p_at_20"}
