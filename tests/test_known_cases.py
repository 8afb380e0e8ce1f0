"""Known cases on real companies: the bundled sample and the full reference market."""

from __future__ import annotations

import pandas as pd
import pytest

import npf_screen as npf

LITHOGRAPHY_MAKER = "688630"  # a STAR-board maker of direct-write lithography equipment


@pytest.fixture(scope="module")
def sample_result():
    return npf.screen(npf.load_sample())


@pytest.fixture(scope="module")
def reference_result(reference_universe):
    return npf.screen(reference_universe)


def _hints() -> pd.DataFrame:
    from importlib import resources

    with resources.as_file(resources.files("npf_screen.universe.data") / "sample_companies.csv") as path:
        return pd.read_csv(path, dtype=str, keep_default_na=False)[["code", "theme_hint"]]


def test_lithography_maker_ranks_high_in_sample(sample_result) -> None:
    top = sample_result.top(3, theme="cp_lithography")
    assert LITHOGRAPHY_MAKER in set(top["code"])


def test_lithography_maker_ranks_high_in_real_market(reference_result) -> None:
    top = reference_result.top(5, theme="cp_lithography")
    assert LITHOGRAPHY_MAKER in set(top["code"])


def test_unrelated_sample_companies_match_nothing(sample_result) -> None:
    hints = _hints()
    unrelated = set(hints.loc[hints["theme_hint"] == "", "code"])
    assert len(unrelated) >= 15
    matched = sample_result.candidates[sample_result.candidates["code"].isin(unrelated)]
    assert matched.empty, matched[["code", "name", "theme", "evidence_summary"]].to_string()


def test_sample_companies_match_their_intended_themes(sample_result) -> None:
    hints = _hints()
    intended = {
        (c, t) for c, h in zip(hints["code"], hints["theme_hint"], strict=True) for t in h.split("|") if t
    }
    got = set(zip(sample_result.candidates["code"], sample_result.candidates["theme"], strict=True))
    missing = sorted(intended - got)
    assert len(missing) <= 0.1 * len(intended), missing


def test_every_required_theme_has_sample_candidates(sample_result) -> None:
    counts = sample_result.candidates.groupby("theme").size()
    empty = [t for t in npf.load_themes().ids if t[:3] != "rg_" and counts.get(t, 0) == 0]
    assert not empty


def test_banks_match_no_theme_in_real_market(reference_result, reference_universe) -> None:
    banks = set(reference_universe.loc[reference_universe["industry_sw_l1"] == "银行", "code"])
    assert len(banks) > 30
    hits = reference_result.candidates[reference_result.candidates["code"].isin(banks)]
    assert len(hits) <= 0.05 * len(banks), hits[["code", "name", "theme", "evidence_summary"]].to_string()
    assert "000001" not in set(hits["code"])


def test_regional_examples_favour_their_regions(reference_result) -> None:
    provinces = {"rg_gx_autos": "广西", "rg_gx_steel": "广西", "rg_yn_green_aluminium": "云南",
                 "rg_cq_vehicles": "重庆", "rg_cq_wafer_fabs": "重庆", "rg_gz_digital": "贵州"}  # fmt: skip
    c = reference_result.candidates
    for theme, province in provinces.items():
        rows = c[c["theme"] == theme]
        assert len(rows) >= 1, theme  # 广西 has a single listed steelmaker
        assert (rows.head(5)["province"] == province).mean() >= 0.6, (theme, rows.head(5).to_string())


def test_every_candidate_carries_positive_evidence(reference_result) -> None:
    e = reference_result.evidence
    positive = set(zip(e.loc[e["points"] > 0, "code"], e.loc[e["points"] > 0, "theme"], strict=True))
    c = reference_result.candidates
    assert set(zip(c["code"], c["theme"], strict=True)) <= positive
