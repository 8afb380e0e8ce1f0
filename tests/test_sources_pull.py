"""Pulls against the fake akshare: request budget, freshness, fallbacks, faults, partial snapshots."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from npf_screen.core.cache_dir import ENV_VAR
from npf_screen.core.errors import SnapshotError, SourceError
from npf_screen.fetch.api import fetch_universe, list_snapshots, load_snapshot, pull
from npf_screen.fetch.cache_policy import resolve_cache_dir
from npf_screen.fetch.companies import fetch_business_text, fetch_revenue_composition
from npf_screen.fetch.snapshots import SnapshotStore
from npf_screen.screening.first_stage import first_stage_selector
from npf_screen.sources.akshare_source import AkshareSource
from npf_screen.sources.politeness import Politeness, PolitenessPolicy
from npf_screen.universe.schema import CANONICAL_COLUMNS

from .fakes import FakeAkshare, make_source, test_themes

START = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
BULK_BUDGET = 130
SELECT = first_stage_selector(test_themes(), max_per_theme=30)
PER_COMPANY = ("stock_zyjs_ths", "stock_profile_cninfo", "stock_zygc_em")


class Clock:
    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def bulk_requests(fake: FakeAkshare) -> int:
    return sum(n for f, n in fake.requests_by_function.items() if f not in PER_COMPANY)


@pytest.fixture(scope="module")
def full_pull(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FakeAkshare, object]:
    """One full-size pull (5,450 companies) with candidate texts, shared by the budget tests."""
    cache = tmp_path_factory.mktemp("cache")
    fake = FakeAkshare()
    report = pull(
        cache, source=make_source(fake), texts="candidates", select=SELECT, now=Clock(), progress=False
    )
    return cache, fake, report


def test_full_bulk_pull_stays_within_the_request_budget(full_pull) -> None:
    _, fake, report = full_pull
    assert report.status == "complete", report.failures
    assert report.companies == 5450
    assert bulk_requests(fake) <= BULK_BUDGET
    assert report.requests == fake.requests  # the manifest's estimate matches the fake's counter
    manifest = report.manifest
    assert manifest["akshare_version"] == "1.19.5"
    assert {d["state"] for d in manifest["datasets"].values()} == {"fetched"}
    assert manifest["coverage"]["market_cap_yi"] > 0.95 and manifest["coverage"]["concepts"] == 1.0
    assert {c["function"] for c in manifest["calls"]} >= {"fetch_paginated_data", "stock_yjbb_em"}


def test_candidate_text_costs_one_request_per_company(full_pull) -> None:
    _, fake, report = full_pull
    stage = report.manifest["company_stage"]
    candidates = stage["texts"]["targets"]
    assert 0 < candidates <= 60 and stage["texts"]["fetched"] == candidates
    ths, cninfo = (
        fake.requests_by_function["stock_zyjs_ths"],
        fake.requests_by_function["stock_profile_cninfo"],
    )
    routes = stage["texts"]["routes"]
    assert routes["ths"]["fetched"] > 0 and routes["cninfo"]["fetched"] > 0  # spread over both services
    with_text = report.universe[report.universe["text_source"].notna()]
    no_ths_page = int(with_text["code"].astype(int).mod(33).eq(0).sum())  # the fake's THS lacks these
    assert candidates <= ths + cninfo <= candidates + no_ths_page  # one request each, plus fallbacks
    assert fake.requests_by_function["stock_zygc_em"] == stage["composition"]["targets"] == candidates
    universe = report.universe
    with_text = universe[universe["main_business"].notna()]
    assert len(with_text) == candidates and with_text["text_source"].str.match(r"(ths|cninfo)_2026-11").all()


def test_warm_rerun_makes_no_request_and_reuses_the_snapshot(full_pull) -> None:
    cache, _, first = full_pull
    fake = FakeAkshare()
    again = pull(
        cache, source=make_source(fake), texts="candidates", select=SELECT, now=Clock(), progress=False
    )
    assert fake.requests == 0 and again.requests == 0
    assert again.created is False and again.snapshot_id == first.snapshot_id
    pd.testing.assert_frame_equal(again.universe, first.universe, check_like=False)


def test_offline_load_and_listing(full_pull) -> None:
    cache, _, first = full_pull
    universe = fetch_universe(cache, offline=True)
    assert list(universe.columns) == list(CANONICAL_COLUMNS)
    assert universe.attrs["snapshot_id"] == first.snapshot_id
    same, snapshot_id = load_snapshot(first.snapshot_id, cache)
    assert snapshot_id == first.snapshot_id and len(same) == 5450
    listing = list_snapshots(cache)
    assert listing.loc[0, "snapshot_id"] == first.snapshot_id and listing.loc[0, "status"] == "complete"
    composition = SnapshotStore(cache).load_composition(first.snapshot_id)
    assert list(composition.columns) == ["code", "report_date", "product", "revenue", "share"]
    with pytest.raises(SnapshotError, match="no snapshot 'nope'"):
        load_snapshot("nope", cache)


def test_freshness_refetches_only_what_went_stale(tmp_path: Path) -> None:
    clock = Clock()
    pull(tmp_path, source=make_source(n_companies=600), texts="none", now=clock, progress=False)
    clock.advance(days=2)  # lists and quotes (daily) are stale; financials (weekly), SW (monthly) are not
    fake = FakeAkshare(n_companies=600)
    report = pull(tmp_path, source=make_source(fake), texts="none", now=clock, progress=False)
    assert set(fake.requests_by_function) == {
        "stock_info_sh_name_code",
        "stock_info_sz_name_code",
        "stock_info_bj_name_code",
        "fetch_paginated_data",
    }
    states = {k: v["state"] for k, v in report.manifest["datasets"].items()}
    assert (
        states["quotes"] == "fetched" and states["financials"] == "fresh" and states["industry_sw"] == "fresh"
    )
    assert report.created and len(list_snapshots(tmp_path)) == 2


def test_drifted_primary_falls_back_and_is_recorded(tmp_path: Path) -> None:
    fake = FakeAkshare(n_companies=600)
    fake.inject("fetch_paginated_data", "rename", column="f20", to="f20_total_cap")
    report = pull(tmp_path, source=make_source(fake), texts="none", now=Clock(), progress=False)
    quotes = report.manifest["datasets"]["quotes"]
    assert quotes["endpoint"] == "stock_zh_a_spot_em"
    assert (
        "SchemaDriftError" in quotes["fallback_failures"][0]
        and "['f20'] are missing" in quotes["fallback_failures"][0]
    )
    assert report.status == "partial"
    assert "concepts" in report.manifest["missing_fields"]  # spot_em has no concept lists
    assert report.universe["market_cap_yi"].notna().mean() > 0.95  # ... but the cap still came
    healthy = FakeAkshare(n_companies=600)
    again = pull(tmp_path, source=make_source(healthy), texts="none", now=Clock(), progress=False)
    assert set(healthy.requests_by_function) == {"fetch_paginated_data"}  # only the fallback-served dataset
    assert again.status == "complete" and again.universe["concepts"].notna().all()


def test_swapped_columns_never_reach_the_snapshot(tmp_path: Path) -> None:
    fake = FakeAkshare(n_companies=600)
    fake.inject("stock_zh_a_spot_em", "swap", columns=("总市值", "市盈率-动态"))
    fake.inject("fetch_paginated_data", "drop", column="f9")  # push the chain to the swapped fallback
    report = pull(tmp_path, source=make_source(fake), texts="none", now=Clock(), progress=False)
    quotes = report.manifest["datasets"]["quotes"]
    assert quotes["endpoint"] == "stock_zh_a_spot"  # the swapped frame was refused, sina served
    assert any("'总市值': median" in f for f in quotes["fallback_failures"])


def test_unpublished_quarter_falls_back_to_the_previous_one(tmp_path: Path) -> None:
    fake = FakeAkshare(n_companies=600, published_quarters=("20260630",))
    report = pull(tmp_path, source=make_source(fake), texts="none", now=Clock(), progress=False)
    assert report.manifest["datasets"]["financials"]["endpoint"] == "stock_yjbb_em(20260630)"
    assert report.universe["roe"].notna().all()


def test_empty_frame_and_timeouts_make_a_partial_snapshot(tmp_path: Path) -> None:
    fake = FakeAkshare(n_companies=600)
    fake.inject("stock_info_sz_name_code", "empty")
    fake.inject("stock_industry_clf_hist_sw", "timeout", times=3)
    policy = PolitenessPolicy(backoff=0, min_interval={}, default_interval=0)
    politeness = Politeness(policy, sleep=lambda s: None)
    source = AkshareSource(fake, politeness=politeness, row_floor_scale=0.1, quiet=True)
    report = pull(tmp_path, source=source, texts="none", now=Clock(), progress=False)
    manifest = report.manifest
    assert report.status == "partial"
    assert set(manifest["missing_datasets"]) == {"list_sz", "industry_sw"}
    assert any("failed after 3 attempt(s), last ReadTimeout" in f for f in manifest["failures"])
    assert any("required column(s)" in f for f in manifest["failures"])
    assert "industry_sw_l1" in manifest["missing_fields"]
    szse = report.universe[report.universe["exchange"] == "SZ"]
    assert len(szse) > 200  # Shenzhen companies still come from the quote table


def test_ban_halfway_keeps_the_last_good_data_and_records_it(tmp_path: Path) -> None:
    clock = Clock()
    good = pull(tmp_path, source=make_source(n_companies=600), texts="none", now=clock, progress=False)
    clock.advance(days=8)  # every daily and weekly dataset is stale now
    fake = FakeAkshare(n_companies=600)
    fake.ban("eastmoney", after_requests=10)
    source = make_source(fake)
    report = pull(tmp_path, source=source, texts="none", now=clock, progress=False)
    states = {k: v["state"] for k, v in report.manifest["datasets"].items()}
    eastmoney = [
        states[k] for k in ("quotes", "financials", "balance")
    ]  # which one the ban hits first varies
    assert "stale" in eastmoney or report.manifest["datasets"]["quotes"]["endpoint"] == "stock_zh_a_spot"
    assert "missing" not in states.values()
    assert any(h.startswith("em-") for h in source.politeness.banned_hosts())
    assert report.status == "partial" and report.created
    assert any("em-" in f for f in report.failures)
    for column in ("roe", "total_assets_yi"):  # fetched before the ban, or carried forward
        assert report.universe[column].notna().mean() > 0.9
    assert load_snapshot(good.snapshot_id, tmp_path)[0].equals(good.universe)  # untouched


def test_no_universe_at_all_writes_nothing(tmp_path: Path) -> None:
    fake = FakeAkshare(n_companies=600)
    for host in ("sse", "szse", "bse", "eastmoney", "sina"):
        fake.ban(host)
    with pytest.raises(SourceError, match="no universe"):
        pull(tmp_path, source=make_source(fake), texts="none", now=Clock(), progress=False)
    assert list_snapshots(tmp_path).empty
    assert "failed" in (tmp_path / "pulls.jsonl").read_text()


def test_texts_fall_back_to_the_other_service_with_city(tmp_path: Path) -> None:
    fake = FakeAkshare(n_companies=600)
    source = make_source(fake)
    fallback = source.business_text("000033", "ths")  # 000033: THS page without the intro list
    assert fallback["text_source"] == "cninfo"
    assert fallback["city"] == fake.market.set_index("code").loc["000033", "city"]
    direct = source.business_text("000034", "ths")
    assert direct["text_source"] == "ths" and direct["products"]
    assert source.business_text("000034", "cninfo")["text_source"] == "cninfo"  # the other route first
    codes = ["000033", "000034"]
    text = fetch_business_text(codes, tmp_path, source=make_source(fake), now=Clock(), progress=False)
    assert set(text["code"]) == set(codes) and text["text_source"].str.match(r"(ths|cninfo)_2026-11").all()
    again = FakeAkshare(n_companies=600)
    fetch_business_text(codes, tmp_path, source=make_source(again), now=Clock(), progress=False)
    assert again.requests == 0  # cached for months


def test_revenue_composition_api(tmp_path: Path) -> None:
    fake = FakeAkshare(n_companies=600)
    table = fetch_revenue_composition(
        ["600001", "300001"], tmp_path, source=make_source(fake), now=Clock(), progress=False
    )
    assert set(table["code"]) == {"600001", "300001"}
    assert table.groupby("code")["share"].sum().round(6).eq(1.0).all()
    assert fake.requests == 2


def test_backfill_stops_on_a_ban_and_resumes_where_it_left_off(tmp_path: Path) -> None:
    clock = Clock()
    fake = FakeAkshare(n_companies=300)
    fake.ban("ths", after_requests=150)  # bulk takes ~45; then ~100 texts before THS refuses
    fake.ban("cninfo", after_requests=150)
    first = pull(
        tmp_path, source=make_source(fake), texts="all", composition=False, now=clock, progress=False
    )
    stage = first.manifest["company_stage"]["texts"]
    assert stage["stopped"] and 0 < stage["fetched"] < 300
    assert first.status == "partial" and (tmp_path / "backfill.json").is_file()
    resumed_fake = FakeAkshare(n_companies=300)
    second = pull(
        tmp_path,
        source=make_source(resumed_fake),
        texts="none",
        resume=True,
        composition=False,
        now=clock,
        progress=False,
    )
    assert bulk_requests(resumed_fake) == 0
    again = second.manifest["company_stage"]["texts"]
    assert again["targets"] == again["fetched"] == 300 - stage["fetched"] - stage["failed"]  # only the rest
    assert second.universe["main_business"].notna().all()
    assert not (tmp_path / "backfill.json").exists()


def test_retention_keeps_the_newest_and_the_newest_complete(tmp_path: Path) -> None:
    clock = Clock()
    for _ in range(3):
        pull(
            tmp_path,
            source=make_source(n_companies=300),
            texts="none",
            refresh=True,
            keep=2,
            now=clock,
            progress=False,
        )
        clock.advance(hours=1)
    listing = list_snapshots(tmp_path)
    assert len(listing) == 2 and listing["snapshot_id"].is_monotonic_decreasing


def test_second_pull_on_the_same_cache_is_refused(tmp_path: Path) -> None:
    with SnapshotStore(tmp_path).lock(), pytest.raises(SnapshotError, match="another pull holds"):
        pull(tmp_path, source=make_source(n_companies=300), texts="none", now=Clock(), progress=False)


def test_cache_dir_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert resolve_cache_dir(tmp_path / "arg") == tmp_path / "arg"
    assert resolve_cache_dir() == tmp_path / "env"
    monkeypatch.delenv(ENV_VAR)
    assert "npf-screen" in str(resolve_cache_dir())


def test_frames_are_private_copies_despite_akshare_lru_cache() -> None:
    source = make_source(n_companies=300)
    first = source.call("stock_info_sh_name_code", symbol="主板A股", min_rows=1)
    first.loc[:, "证券简称"] = "changed"
    second = source.call("stock_info_sh_name_code", symbol="主板A股", min_rows=1)
    assert (second["证券简称"] != "changed").all()
