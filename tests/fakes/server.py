"""How the fake akshare serves a call: request counting, latency, injected faults and host bans.

:class:`FakeServer` is the base of :class:`tests.fakes.akshare.FakeAkshare`: each endpoint builds its
frame through :meth:`FakeServer._serve`, which counts the simulated HTTP requests and applies the
next fault queued for that function (:meth:`FakeServer.inject`) or a host ban (:meth:`FakeServer.ban`).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import requests
import urllib3

HOSTS: dict[str, str] = {
    "stock_info_sh_name_code": "sse",
    "stock_info_sz_name_code": "szse",
    "stock_info_bj_name_code": "bse",
    "fetch_paginated_data": "em-push2",
    "stock_zh_a_spot_em": "em-push2",
    "stock_bj_a_spot_em": "em-push2",
    "stock_yjbb_em": "em-datacenter",
    "stock_zcfz_em": "em-datacenter",
    "stock_zcfz_bj_em": "em-datacenter",
    "stock_zygc_em": "em-emweb",
    "stock_board_industry_name_em": "em-push2",
    "stock_board_concept_name_em": "em-push2",
    "stock_zh_a_spot": "sina",
    "stock_industry_clf_hist_sw": "swsresearch",
    "stock_industry_category_cninfo": "cninfo",
    "stock_profile_cninfo": "cninfo",
    "stock_zyjs_ths": "ths",
    "stock_individual_info_em": "em-push2",
    "stock_financial_analysis_indicator_em": "em-datacenter",
}


@dataclass
class Fault:
    """One injected failure: ``kind`` plus options, applied ``times`` times after ``skip`` calls."""

    kind: str
    times: int = 1
    skip: int = 0
    options: dict[str, Any] = field(default_factory=dict)


def refusal() -> Exception:
    cause = urllib3.exceptions.ProtocolError(
        "Connection aborted.", http.client.RemoteDisconnected("Remote end closed connection without response")
    )
    return requests.exceptions.ConnectionError(cause)


def http_error(status: int) -> Exception:
    response = requests.Response()
    response.status_code = status
    return requests.exceptions.HTTPError(f"{status} Client Error: Forbidden", response=response)


class FakeServer:
    """Request bookkeeping and fault injection shared by every fake endpoint.

    Parameters
    ----------
    market : pandas.DataFrame
        The synthetic market (:func:`tests.fakes.market.make_market`).
    latency : float
        Seconds slept per simulated HTTP request (for benchmarks).
    """

    def __init__(self, market: pd.DataFrame, latency: float = 0.0) -> None:
        self.market = market
        self.latency = latency
        self.sleep = time.sleep  # how latency passes (a virtual clock in the benchmark)
        self.requests = 0
        self.requests_by_function: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.release = threading.Event()
        self._faults: dict[str, list[Fault]] = defaultdict(list)
        self._ban: dict[str, int] = {}
        self._lock = threading.Lock()

    def inject(self, function: str, kind: str, *, times: int = 1, skip: int = 0, **options: Any) -> None:
        """Queue a fault for ``function``: it hits calls ``skip+1 … skip+times`` of it."""
        self._faults[function].append(Fault(kind, times, self.calls[function] + skip, options))

    def ban(self, host: str = "eastmoney", after_requests: int = 0) -> None:
        """Make ``host`` refuse every call once the fake has served ``after_requests`` requests in total.

        ``host`` is a service key (``em-push2``, ``ths`` …) or ``eastmoney`` for all of Eastmoney's.
        """
        self._ban[host] = after_requests

    def _banned(self, service: str) -> bool:
        for host, after in self._ban.items():
            if (
                host == service or (host == "eastmoney" and service.startswith("em-"))
            ) and self.requests >= after:
                return True
        return False

    def _take_fault(self, function: str) -> Fault | None:
        for fault in self._faults[function]:
            if fault.times > 0 and self.calls[function] > fault.skip:
                fault.times -= 1
                return fault
        return None

    def _serve(self, function: str, pages: int, build: Any) -> Any:
        with self._lock:
            self.calls[function] += 1
            host = HOSTS[function]
            if self._banned(host):
                self.requests += 1
                self.requests_by_function[function] += 1
                raise refusal()
            fault = self._take_fault(function)
            served = (
                1 if fault and fault.kind in {"reset", "http403", "none", "mismatch", "timeout"} else pages
            )
            self.requests += served
            self.requests_by_function[function] += served
        if self.latency:
            self.sleep(self.latency * served)
        if fault is None:
            return build()
        return self._apply(fault, build)

    def _apply(self, fault: Fault, build: Any) -> Any:
        kind, opts = fault.kind, fault.options
        if kind == "timeout":  # what the HTTP guard's read timeout turns a hung request into
            raise requests.exceptions.ReadTimeout("Read timed out. (read timeout=15)")
        if kind == "block":
            Path(opts["signal"]).write_text("blocked")
            while True:
                time.sleep(0.05)
        if kind == "reset":
            raise refusal()
        if kind == "http403":
            raise http_error(403)
        if kind == "none":
            raise TypeError("'NoneType' object is not subscriptable")
        if kind == "mismatch":
            raise ValueError("Length mismatch: Expected axis has 39 elements, new values have 38 elements")
        frame = build()
        if kind == "empty":
            return pd.DataFrame()
        if kind == "rename":
            return frame.rename(columns={opts["column"]: opts["to"]})
        if kind == "drop":
            return frame.drop(columns=[opts["column"]])
        if kind == "swap":
            a, b = opts["columns"]
            return frame.assign(**{a: frame[b].to_numpy(), b: frame[a].to_numpy()})
        raise ValueError(f"unknown fault kind {kind!r}")

    def _board(self, *boards: str) -> pd.DataFrame:
        return self.market[self.market["board"].isin(boards)].reset_index(drop=True)
