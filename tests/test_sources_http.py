"""Pulls through akshare's *own* functions: the HTTP transport under them answers with canned payloads.

:mod:`tests.fakes.upstream` replaces ``requests``' transport (inside each test only) with answers
shaped as akshare 1.19.5's parsers expect (provenance in :mod:`tests.fakes.payloads`), and injects
each service's failure modes: a 403 block page, a CAPTCHA page with 200, an empty Eastmoney list,
a JSON error object, a connection reset, a socket that never answers or drips. Each test states what
the pull must do and checks nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import akshare.utils.func
import pandas as pd
import pytest

from npf_screen.core.errors import SourceError
from npf_screen.fetch.api import load_snapshot, pull
from npf_screen.fetch.snapshots import SnapshotStore
from npf_screen.sources.network import NoNetworkError, check_network
from npf_screen.sources.politeness import Politeness, PolitenessPolicy
from npf_screen.sources.transport import HttpGuard, TransportPolicy

from .fakes.market import make_market
from .fakes.upstream import CannedUpstream, closed_port, http_source, no_page_sleep

N = 160  # companies of the canned market: 2 pages of every Eastmoney list, 2 BSE pages
START = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
MARKET = make_market(N)
#: Every akshare function a default pull calls (primary chains; fallbacks have their own tests).
PULL_FUNCTIONS = {
    "stock_info_sh_name_code",
    "stock_info_sz_name_code",
    "stock_info_bj_name_code",
    "fetch_paginated_data",
    "stock_yjbb_em",
    "stock_zcfz_em",
    "stock_zcfz_bj_em",
    "stock_industry_clf_hist_sw",
    "stock_industry_category_cninfo",
    "stock_zyjs_ths",
    "stock_profile_cninfo",
    "stock_zygc_em",
}


@pytest.fixture(autouse=True)
def _no_page_pause(monkeypatch: pytest.MonkeyPatch) -> Any:
    pause = no_page_sleep()
    monkeypatch.setattr(akshare.utils.func, "time", pause)
    return pause


def clock(days: float = 0) -> Any:
    return lambda: START + dt.timedelta(days=days)


def run(cache: Path, upstream: CannedUpstream, source: Any = None, **options: Any) -> Any:
    source = source or http_source(N)
    options = {"texts": "none", "now": clock(), "progress": False, **options}
    with upstream.installed():
        return pull(cache, source=source, **options), source


@pytest.fixture(scope="module")
def good_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """One healthy full pull (texts and revenue mix for every company), reused as a starting point."""
    import akshare.utils.func as func

    saved, func.time = func.time, no_page_sleep()
    try:
        cache = tmp_path_factory.mktemp("good")
        upstream = CannedUpstream(MARKET)
        report, source = run(cache, upstream, texts="all")
    finally:
        func.time = saved
    return cache, (report, source, upstream)


def copy_of(good_cache: tuple[Path, Any], tmp_path: Path) -> Path:
    target = tmp_path / "cache"
    shutil.copytree(good_cache[0], target)
    return target


def test_full_pull_runs_akshares_own_parsers(good_cache) -> None:
    cache, (report, source, upstream) = good_cache
    assert report.status == "complete", report.failures
    assert report.companies == N
    assert {c.function for c in source.calls} == PULL_FUNCTIONS
    coverage = report.manifest["coverage"]
    for field in ("market_cap_yi", "concepts", "province", "roe", "total_assets_yi", "industry_sw_l1"):
        assert coverage[field] > 0.9, field
    assert coverage["main_business"] == 1.0  # the whole market has text after the first run
    stage = report.manifest["company_stage"]["texts"]["routes"]
    assert stage["ths"]["fetched"] > 0 and stage["cninfo"]["fetched"] > 0  # spread over both services
    # the guard counted every request the transport received, per real service
    sent = {k: v["sent"] for k, v in source.transport.counts().items()}
    assert sent == dict(upstream.received) and report.requests == sum(sent.values())
    assert report.manifest["transport"]["em-push2"]["sent"] == 2  # 160 rows, 100 per page
    universe = report.universe.set_index("code")
    row = MARKET.iloc[0]
    assert universe.loc[row["code"], "name"] == row["name"]
    assert universe.loc[row["code"], "market_cap_yi"] == pytest.approx(
        row["price"] * row["total_share"] / 1e8
    )
    warm_upstream = CannedUpstream(MARKET)
    warm, _ = run(cache, warm_upstream, texts="all")
    assert sum(warm_upstream.received.values()) == 0 and warm.requests == 0 and not warm.created


def test_fallback_parsers_when_eastmoney_lists_come_back_empty(good_cache, tmp_path: Path) -> None:
    """An empty ``diff`` (akshare divides by zero) on push2: quotes fall back to Sina; a partial snapshot."""
    upstream = CannedUpstream(MARKET)
    upstream.fault("em-push2", "empty_diff")
    report, _ = run(tmp_path, upstream)
    quotes = report.manifest["datasets"]["quotes"]
    assert quotes["endpoint"] == "stock_zh_a_spot" and report.status == "partial"
    assert any("ZeroDivisionError" in f for f in quotes["fallback_failures"])
    szse = report.universe[report.universe["exchange"] == "SZ"]
    assert len(report.universe) == N and szse["market_cap_yi"].notna().all()  # price (Sina) × shares (SZSE)
    spot = http_source(N)
    with CannedUpstream(MARKET).installed():
        frame = spot.call("stock_zh_a_spot_em")  # the second link of the chain parses too
    assert len(frame) == N and frame["总市值"].notna().all()


def test_board_codes_are_named_through_akshares_board_lists(tmp_path: Path) -> None:
    upstream = CannedUpstream(MARKET, board_codes=True)
    report, source = run(tmp_path, upstream)
    functions = {c.function for c in source.calls}
    assert {"stock_board_industry_name_em", "stock_board_concept_name_em"} <= functions
    assert not report.universe["industry_em_l1"].str.startswith("BK").any()
    assert report.universe["concepts"].str.contains("国产芯片|锂电池|人工智能").any()


# (service, fault, what the refresh must do with the datasets that service serves)
CASES = [
    ("sse", "403", {"list_sh": "stale"}),
    ("szse", "captcha", {"list_sz": "stale"}),
    ("szse", "odd_json", {"list_sz": "stale"}),  # akshare's Excel reader: ValueError
    ("bse", "reset", {"list_bj": "stale"}),
    ("em-push2", "403", {"quotes": "fetched"}),  # served by the Sina fallback
    ("em-datacenter", "captcha", {"financials": "stale", "balance": "stale"}),
    ("em-datacenter", "hang", {"financials": "stale", "balance": "stale"}),
    ("swsresearch", "odd_json", {"industry_sw": "stale"}),
    ("cninfo", "reset", {"sw_names": "stale"}),
]


@pytest.mark.parametrize(("service", "fault", "expected"), CASES, ids=[f"{s}-{f}" for s, f, _ in CASES])
def test_failure_payloads_never_crash_a_pull_and_lose_nothing(
    good_cache, tmp_path: Path, service: str, fault: str, expected: dict[str, str]
) -> None:
    """The refresh completes; the service's datasets fall back or carry the last good copy forward,
    with the cause named; other services are untouched; no snapshot gets worse."""
    cache = copy_of(good_cache, tmp_path)
    before, before_id = load_snapshot(None, cache)
    upstream = CannedUpstream(MARKET)
    upstream.fault(service, fault)
    report, source = run(cache, upstream, refresh=True, now=clock(1))
    states = {k: v["state"] for k, v in report.this_run["datasets"].items()}
    for dataset, state in expected.items():
        assert states[dataset] == state, (dataset, report.failures)
    others = {k for k in states if k not in expected}
    assert all(states[k] == "fetched" for k in others), states
    assert any(service in f or "akshare." in f for f in report.failures)
    assert report.this_run["status"] == "partial"
    latest, _ = load_snapshot(None, cache)
    if not report.created:  # the new universe would have been worse: the latest is kept
        assert any(f.startswith("kept snapshot") for f in report.failures)
    assert len(latest) == len(before)  # nothing lost
    for field in ("market_cap_yi", "roe", "industry_sw_l1", "main_business", "concepts"):
        assert latest[field].notna().sum() >= before[field].notna().sum() * 0.95, field
    pd.testing.assert_frame_equal(load_snapshot(before_id, cache)[0], before)  # the old one is untouched
    counts = source.transport.counts()[service]
    if fault in ("403", "captcha", "reset"):  # refusals: blocked after 3, one probe after the pause
        assert counts["sent"] <= 4 and counts["blocked"]
        assert upstream.received[service] == counts["sent"]


def test_first_pull_marks_an_optional_dataset_missing_and_goes_on(tmp_path: Path) -> None:
    upstream = CannedUpstream(MARKET)
    upstream.fault("swsresearch", "captcha")
    report, _ = run(tmp_path, upstream)
    assert report.created and report.status == "partial"
    assert report.manifest["missing_datasets"] == ["industry_sw"]
    assert any("industry_sw: missing" in f and "HTML page" in f for f in report.failures)


def test_required_datasets_failing_name_their_endpoints_and_write_nothing(tmp_path: Path) -> None:
    upstream = CannedUpstream(MARKET)
    for service in ("sse", "szse", "bse", "em-push2", "sina"):
        upstream.fault(service, "403")
    with pytest.raises(SourceError, match=r"no universe.*stock_info_sh_name_code"):
        run(tmp_path, upstream)
    assert SnapshotStore(tmp_path).latest_id() is None


def test_per_company_services_refusing_degrade_to_the_other_route(tmp_path: Path) -> None:
    """THS serves CAPTCHAs: texts come from cninfo; Eastmoney F10 refuses: the revenue mix stops politely."""
    from npf_screen.fetch.companies import fetch_business_text, fetch_revenue_composition

    codes = list(MARKET["code"][:20])
    upstream = CannedUpstream(MARKET)
    upstream.fault("ths", "captcha")
    upstream.fault("em-emweb", "403")
    source = http_source(N)
    with upstream.installed():
        texts = fetch_business_text(codes, tmp_path, source=source, now=clock(), progress=False)
        mix = fetch_revenue_composition(codes, tmp_path, source=source, now=clock(), progress=False)
    assert set(texts["code"]) == set(codes) and texts["text_source"].str.startswith("cninfo").all()
    assert mix.empty  # nothing made up; the companies are marked failed for a day, then retried
    assert upstream.received["em-emweb"] <= 4 and upstream.received["ths"] <= 4
    counts = source.transport.counts()
    assert counts["ths"]["refused"] >= 3 and counts["em-emweb"]["blocked"]  # the CAPTCHA counted as refusal


def test_a_hung_socket_is_bounded_by_real_timeouts(tmp_path: Path) -> None:
    """akshare's SSE call passes no timeout; the socket never answers; the call ends on the read timeout."""
    guard = HttpGuard(TransportPolicy.impatient(connect_timeout=0.5, read_timeout=0.5))
    policy = PolitenessPolicy.impatient()
    source = http_source(N, transport=guard, politeness=Politeness(policy, sleep=lambda s: None))
    upstream = CannedUpstream(MARKET)
    upstream.fault("sse", "hang")
    threads = threading.active_count()
    started = time.monotonic()
    with upstream.installed(), pytest.raises(SourceError, match="timed out"):
        source.call("stock_info_sh_name_code", symbol="科创板")
    elapsed = time.monotonic() - started
    assert elapsed < 3 * 0.5 + 1.0  # 3 attempts of one read timeout each, then the service is silent
    assert guard.counts()["sse"]["longest_seconds"] < 0.5 + 0.3
    assert threading.active_count() <= threads  # no watchdog thread, no request left running


def test_a_dripping_body_is_cut_at_the_call_deadline(tmp_path: Path) -> None:
    guard = HttpGuard(TransportPolicy.impatient(connect_timeout=0.5, read_timeout=0.5, request_cap=5.0))
    politeness = Politeness(PolitenessPolicy.impatient(timeout=1.0, attempts=1), sleep=lambda s: None)
    source = http_source(N, transport=guard, politeness=politeness)
    upstream = CannedUpstream(MARKET)
    upstream.fault("em-datacenter", "drip")
    started = time.monotonic()
    with upstream.installed(), pytest.raises(SourceError, match="still sending"):
        source.call("stock_yjbb_em", date="20260930")
    assert time.monotonic() - started < 1.0 + 0.5 + 0.3  # the deadline plus at most one read


def test_a_refusing_service_gets_a_bounded_number_of_requests(tmp_path: Path) -> None:
    """akshare's pager retries 3 times per page; the guard still sends push2 at most 4 requests a run,
    and the data centre (another Eastmoney service) is not affected."""
    upstream = CannedUpstream(MARKET)
    upstream.fault("em-push2", "reset")
    report, source = run(tmp_path, upstream)
    assert upstream.received["em-push2"] <= 4
    assert source.transport.counts()["em-push2"]["blocked"]
    assert report.manifest["datasets"]["financials"]["state"] == "fetched"
    assert report.manifest["datasets"]["quotes"]["endpoint"] == "stock_zh_a_spot"


def refused_connector(host: str, port: int, timeout: float) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", closed_port()), timeout=timeout):
        pass


def offline_source() -> Any:
    """For ``NPF_SCREEN_SOURCE``: real akshare on a machine whose every connection is refused."""
    return http_source(N, network_check=lambda: check_network(connector=refused_connector))


def test_no_network_is_detected_within_seconds_and_said(tmp_path: Path) -> None:
    upstream = CannedUpstream(MARKET)
    started = time.monotonic()
    with pytest.raises(SourceError, match="no network: none of the 10 data services"):
        run(tmp_path, upstream, source=offline_source())
    assert time.monotonic() - started < 10
    assert sum(upstream.received.values()) == 0  # not a single request was tried


def test_no_network_with_a_cache_reuses_the_snapshot(good_cache, tmp_path: Path) -> None:
    cache = copy_of(good_cache, tmp_path)
    before_id = SnapshotStore(cache).latest_id()
    report, _ = run(cache, CannedUpstream(MARKET), source=offline_source(), refresh=True, texts="all")
    assert not report.created and report.snapshot_id == before_id
    assert any("no network" in f for f in report.failures)


def test_doctor_live_says_no_network_fast_without_upgrade_advice(monkeypatch, capsys, tmp_path) -> None:
    from npf_screen.cli.main import main

    monkeypatch.setenv("NPF_SCREEN_SOURCE", "tests.test_sources_http:offline_source")
    started = time.monotonic()
    assert main(["doctor", "--live", "--cache-dir", str(tmp_path)]) == 1
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert "no network" in err and "upgrade" not in err


def test_network_check_passes_when_one_service_answers() -> None:
    def one_answers(host: str, port: int, timeout: float) -> None:
        if host != "www.szse.cn":
            raise OSError("unreachable")

    problems = check_network(connector=one_answers, timeout=2.0)
    assert "szse" not in problems
    with pytest.raises(NoNetworkError):
        check_network(connector=refused_connector, timeout=2.0)


def test_requests_are_paced_and_counted_per_real_service() -> None:
    """push2's numbered mirrors are one service; the data centre is another with its own pace."""
    import random

    import requests

    now = {"t": 0.0}
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now["t"] += seconds

    policy = TransportPolicy(
        min_interval={"em-push2": 1.0}, default_interval=0.0, burst={"em-push2": (3, 60.0)}
    )
    guard = HttpGuard(policy, sleep=sleep, clock=lambda: now["t"], rng=random.Random(3))
    with CannedUpstream(MARKET).installed(), guard.calling("akshare.test()", None):
        for host in ("17.push2", "82.push2", "push2", "datacenter-web", "79.push2"):
            requests.get(f"https://{host}.eastmoney.com/nothing")
    counts = guard.counts()
    assert counts["em-push2"]["sent"] == 4 and counts["em-datacenter"]["sent"] == 1
    assert len(sleeps) == 3 and all(0.5 <= s <= 1.5 for s in sleeps[:2]) and sleeps[2] >= 60.0  # burst rest
