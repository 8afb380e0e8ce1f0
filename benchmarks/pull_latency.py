"""Pull figures: HTTP requests (counted at the transport, through akshare's own parsers), refusals,
no-network detection, request lifetimes, and the full-text backfill at the default polite pace.

Part 1 runs the real akshare functions over a canned upstream (``tests/fakes/upstream.py``: the HTTP
transport replaced by payloads shaped as akshare 1.19.5 parses them) for a whole simulated market:

- requests per cold bulk pull and per warm re-run, per real service, as the HTTP guard counts them;
- per-company requests (business text spread over THS and cninfo, revenue mix on Eastmoney F10),
  measured on ``--sample`` companies;
- requests a refusing service receives in one run (push2 answering 403 to everything);
- the longest a request lived against a socket that never answers and one that drips bytes, with
  short timeouts, against the bound the policy gives (``request_cap + read_timeout``);
- the time to decide "no network" when every connection is refused and when every host is silent.

Part 2 simulates the full-text backfill at the **default** pacing (``PolitenessPolicy()``: 1 s ±50%
between requests per service, burst rests) with ``--latency`` seconds per request, on a virtual clock
(each worker is a lane: THS texts, cninfo texts, Eastmoney revenue mix), and a daily refresh after it.
The baseline in the same run is the naive alternative: one worker fetching text then revenue mix
company after company on the same pacing.

Run: ``python benchmarks/pull_latency.py [--companies 5450] [--latency 0.3] [--sample 200]``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import akshare.utils.func  # noqa: E402

from npf_screen.core.errors import SourceError  # noqa: E402
from npf_screen.fetch.api import pull  # noqa: E402
from npf_screen.fetch.companies import (  # noqa: E402
    company_stage,
    fetch_business_text,
    fetch_revenue_composition,
)
from npf_screen.fetch.context import ProgressSink  # noqa: E402
from npf_screen.fetch.snapshots import SnapshotStore  # noqa: E402
from npf_screen.sources.akshare_source import AkshareSource  # noqa: E402
from npf_screen.sources.network import NoNetworkError, check_network  # noqa: E402
from npf_screen.sources.politeness import Politeness, PolitenessPolicy  # noqa: E402
from npf_screen.sources.transport import HttpGuard, TransportPolicy  # noqa: E402
from tests.fakes import FakeAkshare  # noqa: E402
from tests.fakes.market import make_market  # noqa: E402
from tests.fakes.upstream import CannedUpstream, closed_port, http_source, no_page_sleep  # noqa: E402

START = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)


def at(days: float) -> Any:
    return lambda: START + dt.timedelta(days=days)


# ------------------------------------------------------------------ part 1: HTTP level
def http_figures(companies: int, sample: int) -> dict[str, Any]:
    akshare.utils.func.time = no_page_sleep()  # akshare's own page pause: the guard paces instead
    market = make_market(companies)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as cache:
        upstream = CannedUpstream(market)
        source = http_source(companies)
        started = time.perf_counter()
        with upstream.installed():
            report = pull(cache, source=source, texts="none", now=at(0), progress=False)
        out["cold_seconds"] = time.perf_counter() - started
        out["cold"] = {k: v["sent"] for k, v in source.transport.counts().items()}
        out["cold_status"] = report.status
        assert sum(upstream.received.values()) == report.requests
        warm_up = CannedUpstream(market)
        with warm_up.installed():
            warm = pull(cache, source=http_source(companies), texts="none", now=at(0.5), progress=False)
        out["warm"] = warm.requests
        day = CannedUpstream(market)
        with day.installed():
            pull(cache, source=http_source(companies), texts="none", now=at(1.1), progress=False)
        out["daily_bulk"] = dict(day.received)
    with tempfile.TemporaryDirectory() as cache:
        codes = list(market["code"][:sample])
        upstream = CannedUpstream(market)
        source = http_source(companies)
        with upstream.installed():
            fetch_business_text(codes, cache, source=source, now=at(0), progress=False)
            fetch_revenue_composition(codes, cache, source=source, now=at(0), progress=False)
        out["per_company"] = dict(upstream.received)
    with tempfile.TemporaryDirectory() as cache:
        upstream = CannedUpstream(market)
        upstream.fault("em-push2", "403")
        with upstream.installed():
            report = pull(cache, source=http_source(companies), texts="none", now=at(0), progress=False)
        out["refusing_push2"] = upstream.received["em-push2"]
        out["refusing_quotes_endpoint"] = report.manifest["datasets"]["quotes"]["endpoint"]
    out["lifetimes"] = lifetimes(market)
    out["no_network"] = no_network()
    return out


def lifetimes(market: Any) -> dict[str, float]:
    policy = TransportPolicy.impatient(connect_timeout=0.5, read_timeout=0.5, request_cap=1.0)
    found = {}
    for fault, endpoint, kwargs in (
        ("hang", "stock_info_sh_name_code", {"symbol": "科创板"}),
        ("drip", "stock_yjbb_em", {"date": "20260930"}),
    ):
        guard = HttpGuard(policy)
        source = http_source(len(market), transport=guard)
        upstream = CannedUpstream(market)
        upstream.fault(_service(endpoint), fault)
        with upstream.installed(), contextlib.suppress(SourceError):
            source.call(endpoint, **kwargs)
        found[fault] = max(v["longest_seconds"] for v in guard.counts().values())
    found["bound"] = policy.request_cap + policy.read_timeout
    defaults = TransportPolicy()
    found["default_bound"] = defaults.request_cap + defaults.read_timeout
    return found


def _service(endpoint: str) -> str:
    from npf_screen.sources.aliases import ENDPOINTS

    return ENDPOINTS[endpoint].host


def no_network() -> dict[str, float]:
    def refused(host: str, port: int, timeout: float) -> None:
        import socket

        with socket.create_connection(("127.0.0.1", closed_port()), timeout=timeout):
            pass

    def silent(host: str, port: int, timeout: float) -> None:
        time.sleep(timeout)
        raise TimeoutError("timed out")

    found = {}
    for name, connector in (("refused", refused), ("silent", silent)):
        started = time.perf_counter()
        with contextlib.suppress(NoNetworkError):
            check_network(connector=connector)
        found[name] = time.perf_counter() - started
    return found


# ------------------------------------------------------------------ part 2: backfill at the polite pace
class VirtualTime:
    """Per-thread virtual clocks: every sleep (pacing, latency) advances the sleeping worker's lane."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self.longest = 0.0

    def clock(self) -> float:
        return getattr(self._local, "t", 0.0)

    def sleep(self, seconds: float) -> None:
        self._local.t = self.clock() + max(0.0, seconds)
        with self._lock:
            self.longest = max(self.longest, self._local.t)


def backfill(companies: int, latency: float, spread: bool) -> dict[str, float]:
    virtual = VirtualTime()
    fake = FakeAkshare(n_companies=companies, latency=latency)
    fake.sleep = virtual.sleep
    politeness = Politeness(PolitenessPolicy(), sleep=virtual.sleep, clock=virtual.clock)
    source = AkshareSource(fake, politeness=politeness, quiet=True)
    if not spread:
        source.text_routes = ("ths",)
    codes = list(fake.market["code"])
    with tempfile.TemporaryDirectory() as cache:
        store = SnapshotStore(cache)
        started = time.perf_counter()
        if spread:
            company_stage(source, store, codes, texts=True, composition=True, refresh=False, now=at(0),
                          sink=ProgressSink())  # fmt: skip
        else:  # one worker: text, then revenue mix, company after company
            company_stage(source, store, codes, texts=True, composition=False, refresh=False, now=at(0),
                          sink=ProgressSink())  # fmt: skip
            lane = virtual.longest
            company_stage(source, store, codes, texts=False, composition=True, refresh=False, now=at(0),
                          sink=ProgressSink())  # fmt: skip
            virtual.longest += lane
        wall = time.perf_counter() - started
        requests = fake.requests
        refresh_fake = FakeAkshare(n_companies=companies)
        refresh_source = AkshareSource(refresh_fake, politeness=Politeness(PolitenessPolicy.impatient(),
                                       sleep=lambda s: None), quiet=True)  # fmt: skip
        per_day = []
        for day in range(60, 121, 1):
            before = refresh_fake.requests
            company_stage(refresh_source, store, codes, texts=True, composition=True, refresh=False,
                          now=at(day), sink=ProgressSink())  # fmt: skip
            per_day.append(refresh_fake.requests - before)
    return {"virtual_seconds": virtual.longest, "requests": requests, "wall": wall,
            "refresh_max_day": max(per_day), "refresh_mean_day": sum(per_day) / len(per_day)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=5450, help="size of the simulated market (5450)")
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per simulated request (0.3)")
    parser.add_argument("--sample", type=int, default=200, help="companies for the per-company HTTP run")
    args = parser.parse_args()

    h = http_figures(args.companies, args.sample)
    cold = sum(h["cold"].values())
    daily = h["daily_bulk"]
    pc, n = h["per_company"], args.sample
    life, nn = h["lifetimes"], h["no_network"]
    lines = [
        f"simulated market: {args.companies} companies; akshare's own parsers over canned HTTP answers",
        f"cold bulk pull: {cold} HTTP requests ({h['cold_status']}, {h['cold_seconds']:.1f} s unpaced)",
        "  per service: " + ", ".join(f"{k} {v}" for k, v in sorted(h["cold"].items())),
        f"warm re-run: {h['warm']} requests; next day (lists and quotes stale): {sum(daily.values())} "
        "requests (" + ", ".join(f"{k} {v}" for k, v in sorted(daily.items())) + ")",
        f"per company ({n} sampled): text {(pc.get('ths', 0) + pc.get('cninfo', 0)) / n:.2f} requests "
        f"(THS {pc.get('ths', 0)}, cninfo {pc.get('cninfo', 0)}, fallbacks included), "
        f"revenue mix {pc.get('em-emweb', 0) / n:.2f}",
        f"refusing service (push2 answers 403): {h['refusing_push2']} requests sent to it in the run; "
        f"quotes served by {h['refusing_quotes_endpoint']}",
        f"longest request (connect/read 0.5 s, cap 1 s): hung socket {life['hang']:.2f} s, dripping "
        f"body {life['drip']:.2f} s, bound {life['bound']:.1f} s; default policy bound "
        f"{life['default_bound']:.0f} s",
        f"no network detected in {nn['refused']:.2f} s (every connection refused), {nn['silent']:.2f} s "
        "(every host silent)",
    ]
    print("\n".join(lines), flush=True)
    ours = backfill(args.companies, args.latency, spread=True)
    naive = backfill(args.companies, args.latency, spread=False)
    ratio = naive["virtual_seconds"] / ours["virtual_seconds"]
    lines = [
        f"full-text backfill at the default pace, {args.latency * 1000:g} ms per request (virtual clock): "
        f"{ours['virtual_seconds'] / 3600:.2f} h, {ours['requests']} requests (texts over THS and cninfo, "
        f"revenue mix on Eastmoney F10; {ours['wall']:.1f} s to simulate)",
        f"baseline, one worker company after company: {naive['virtual_seconds'] / 3600:.2f} h, "
        f"{naive['requests']} requests; ratio baseline/ours {ratio:.2f}x",
        f"refresh after it, days 60-120 (staggered 90-day freshness): mean {ours['refresh_mean_day']:.0f}, "
        f"max {ours['refresh_max_day']} per-company requests a day, plus the daily bulk above",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
