"""Pull wall time and requests against a naive per-company loop, with simulated upstream latency.

The fake akshare (tests/fakes/) sleeps ``--latency`` seconds per simulated HTTP request.
Both contenders run without politeness pauses, so the comparison is about request counts and
concurrency across hosts only:

- **pull**: ``npf_screen.fetch.api.pull`` on an empty cache: about 105 bulk requests (paged lists of
  the whole market, several hosts in parallel), then business text and revenue mix for the
  candidates of the cheap screen; then a warm re-run (0 requests).
- **naive**: the exchange code list, then for every company ``stock_individual_info_em`` (cap,
  industry), ``stock_financial_analysis_indicator_em`` (financials), ``stock_zyjs_ths`` (text) and
  ``stock_zygc_em`` (revenue mix), one after another. It is timed on ``--naive-sample`` companies
  and extrapolated to the whole market (it is linear in the company count).

Run: ``python benchmarks/pull_latency.py [--companies 5450] [--latency 0.005]``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from npf_screen.fetch.api import pull  # noqa: E402
from npf_screen.sources.akshare_source import exchange_symbol  # noqa: E402
from tests.fakes import FakeAkshare, make_source  # noqa: E402


def run_pull(companies: int, latency: float, max_per_theme: int) -> dict[str, float]:
    fake = FakeAkshare(n_companies=companies, latency=latency)
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        report = pull(cache, source=make_source(fake), max_per_theme=max_per_theme, progress=False)
        seconds = time.perf_counter() - started
        candidates = report.manifest["company_stage"].get("texts", {}).get("targets", 0)
        bulk = fake.requests - sum(
            fake.requests_by_function[f] for f in ("stock_zyjs_ths", "stock_profile_cninfo", "stock_zygc_em")
        )
        warm = FakeAkshare(n_companies=companies, latency=latency)
        started = time.perf_counter()
        pull(cache, source=make_source(warm), max_per_theme=max_per_theme, progress=False)
        warm_seconds = time.perf_counter() - started
    bulk_only = FakeAkshare(n_companies=companies, latency=latency)
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        pull(cache, source=make_source(bulk_only), texts="none", progress=False)
        bulk_seconds = time.perf_counter() - started
    return {
        "bulk_seconds": bulk_seconds,
        "seconds": seconds,
        "requests": fake.requests,
        "bulk": bulk,
        "candidates": candidates,
        "warm_seconds": warm_seconds,
        "warm_requests": warm.requests,
    }


def run_naive(companies: int, latency: float, sample: int) -> dict[str, float]:
    fake = FakeAkshare(n_companies=companies, latency=latency)
    started = time.perf_counter()
    codes = [
        *fake.stock_info_sh_name_code("主板A股")["证券代码"],
        *fake.stock_info_sh_name_code("科创板")["证券代码"],
        *fake.stock_info_sz_name_code("A股列表")["A股代码"],
        *fake.stock_info_bj_name_code()["证券代码"],
    ]
    list_requests = fake.requests
    for code in codes[:sample]:
        fake.stock_individual_info_em(code)
        fake.stock_financial_analysis_indicator_em(f"{code}.{exchange_symbol(code)[:2]}")
        with contextlib.suppress(AttributeError):  # a page without the intro list, as akshare raises it
            fake.stock_zyjs_ths(code)
        fake.stock_zygc_em(exchange_symbol(code))
    seconds = time.perf_counter() - started
    per_company = (fake.requests - list_requests) / sample
    scale = len(codes) / sample
    return {
        "seconds": seconds * scale,
        "requests": list_requests + per_company * len(codes),
        "sample": sample,
        "sample_seconds": seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=5450, help="size of the simulated market (5450)")
    parser.add_argument("--latency", type=float, default=0.005, help="seconds per simulated request (0.005)")
    parser.add_argument(
        "--naive-sample", type=int, default=400, help="companies the naive loop is timed on (400)"
    )
    parser.add_argument("--max-per-theme", type=int, default=150, help="text candidates per theme (150)")
    args = parser.parse_args()

    ours = run_pull(args.companies, args.latency, args.max_per_theme)
    naive = run_naive(args.companies, args.latency, min(args.naive_sample, args.companies))
    full_backfill = ours["bulk"] + 2 * args.companies
    print(f"simulated market: {args.companies} companies, {args.latency * 1000:g} ms per request")
    print(
        f"pull (cold):  {ours['seconds']:8.1f} s  {ours['requests']:7.0f} requests "
        f"({ours['bulk']:.0f} bulk + text and revenue mix for {ours['candidates']:.0f} candidates)"
    )
    print(f"pull (bulk only, --texts none): {ours['bulk_seconds']:.1f} s  {ours['bulk']:.0f} requests")
    print(f"pull (warm):  {ours['warm_seconds']:8.1f} s  {ours['warm_requests']:7.0f} requests")
    print(
        f"naive loop:   {naive['seconds']:8.1f} s  {naive['requests']:7.0f} requests "
        f"(timed on {naive['sample']} companies: {naive['sample_seconds']:.1f} s, extrapolated)"
    )
    print(
        f"ratio naive/pull: {naive['seconds'] / ours['seconds']:.1f}x wall time, "
        f"{naive['requests'] / ours['requests']:.1f}x requests"
    )
    print(
        f"with a full text backfill the pull would make {full_backfill:.0f} requests "
        f"({naive['requests'] / full_backfill:.1f}x fewer than naive), spread over days by design"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
