"""The akshare adapter: every akshare call goes through :class:`AkshareSource`.

:class:`AkshareSource` implements the :class:`~.protocol.Source` protocol over any object exposing
akshare's function names: by default the real ``akshare`` module (plus its pager
``akshare.utils.func.fetch_paginated_data``, both imported on first use by :mod:`.real_akshare`, the
only module that imports akshare), in tests a fake. Every call goes through
:class:`~.politeness.Politeness` (deadline, retries, one call in flight per service, ban handling),
every HTTP request under real akshare through the :class:`~.transport.HttpGuard` (timeouts, pacing,
counting, refusals), and every frame through :func:`~.checks.check_frame` (columns, dtypes, rows,
ranges) before :mod:`.transform` maps it onto canonical names. Each dataset walks the fallback chain of
the endpoint reference and reports which endpoint served it and what failed on the way.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pandas as pd

from npf_screen.core.errors import SchemaDriftError, SourceError, UpstreamRefusedError
from npf_screen.sources import company_transform as ct
from npf_screen.sources import transform as tf
from npf_screen.sources.aliases import (
    CLIST_PARAMS,
    CLIST_URL,
    ENDPOINTS,
    SH_LIST_SYMBOLS,
    SW_STANDARD_SYMBOL,
    SZ_LIST_SYMBOL,
)
from npf_screen.sources.checks import check_frame, looks_like_board_codes
from npf_screen.sources.cleaning import raw_columns, renamed
from npf_screen.sources.network import check_network
from npf_screen.sources.politeness import Politeness
from npf_screen.sources.protocol import CallRecord, DatasetResult, DatasetSpec
from npf_screen.sources.real_akshare import RealAkshare, silence
from npf_screen.sources.transport import HttpGuard

__all__ = [
    "DATASETS",
    "SOURCE_ENV_VAR",
    "AkshareSource",
    "exchange_symbol",
]

#: Environment variable naming a replacement for akshare (``package.module:name``).
SOURCE_ENV_VAR = "NPF_SCREEN_SOURCE"

#: Failures a fallback chain moves past; anything else is a bug and propagates.
FALLBACK_ERRORS = (SourceError, SchemaDriftError)

#: The bulk datasets akshare provides, in the order a pull fetches them.
DATASETS: Mapping[str, DatasetSpec] = MappingProxyType(
    {
        "list_sh": DatasetSpec("list_sh", "SSE main board and STAR lists (2 requests)", rows=True),
        "list_sz": DatasetSpec("list_sz", "SZSE A-share list (1 request)", rows=True),
        "list_bj": DatasetSpec("list_bj", "BSE list with province (about 17 requests)", rows=True),
        "quotes": DatasetSpec("quotes", "cap, valuation, EM industry, province, concepts (~55)", rows=True),
        "financials": DatasetSpec("financials", "growth, margins, ROE (about 13 requests)", by_quarter=True),
        "balance": DatasetSpec("balance", "total assets (about 14 requests)", by_quarter=True),
        "industry_sw": DatasetSpec("industry_sw", "Shenwan 2021 class per stock (1 request)"),
        "sw_names": DatasetSpec("sw_names", "Shenwan code to name tree (1 request)"),
    }
)


def _board_namer(boards: pd.DataFrame, endpoint: str) -> Callable[[str], str]:
    table = renamed(boards, endpoint)
    names = dict(zip(table["board_code"], table["board_name"], strict=False))
    return lambda value: ",".join(names.get(p.strip(), p.strip()) for p in value.split(","))


def exchange_symbol(code: str) -> str:
    """``SH600519`` / ``SZ000001`` / ``BJ920001``: the prefixed symbol Eastmoney F10 pages expect."""
    if code.startswith(("4", "8", "92")):
        return f"BJ{code}"
    return f"SH{code}" if code.startswith(("6", "9")) else f"SZ{code}"


class AkshareSource:
    """akshare, politely, with every frame checked and mapped to canonical names.

    Parameters
    ----------
    module : object, optional
        Anything with akshare's function names (``stock_yjbb_em`` …) and ``fetch_paginated_data``;
        default the real akshare, imported on first use. Tests pass a fake here.
    politeness : Politeness, optional
        Shared timeouts, retries and per-host state; default :class:`Politeness` with real sleeps.
    quiet : bool, optional
        Hide akshare's own progress bars; default: hide them unless stderr is a terminal.
    row_floor_scale : float, default 1.0
        Multiplies every plausible-row-count floor; lower it for a small fake market or a probe.
    transport : HttpGuard, optional
        The HTTP guard for real akshare (timeouts, pacing, counting, refusals per real service);
        default a new :class:`~.transport.HttpGuard`. Not used for an injected akshare-like object.
    network_check : callable, optional
        Raises :class:`~.network.NoNetworkError` when offline; default :func:`~.network.check_network`
        for real akshare, nothing for an injected object.
    """

    name = "akshare"
    datasets: Mapping[str, DatasetSpec] = DATASETS
    text_routes: tuple[str, ...] = ("ths", "cninfo")

    def __init__(
        self,
        module: Any = None,
        *,
        politeness: Politeness | None = None,
        quiet: bool | None = None,
        row_floor_scale: float = 1.0,
        transport: HttpGuard | None = None,
        network_check: Callable[[], object] | None = None,
    ) -> None:
        self._module = module
        self.politeness = politeness or Politeness()
        self._quiet = quiet
        self.row_floor_scale = row_floor_scale
        self.transport = transport
        self._network_check = network_check
        self.calls: list[CallRecord] = []
        self._lock = threading.Lock()
        if module is None or isinstance(module, RealAkshare):
            self.transport = transport or HttpGuard()
            self.politeness.guard = self.transport

    @property
    def module(self) -> Any:
        """The object whose functions are called (the real akshare is imported here, once)."""
        if self._module is None:
            self._module = RealAkshare()
        return self._module

    def check_network(self) -> None:
        """Raise :class:`~.network.NoNetworkError` within seconds when offline (real akshare only)."""
        if self._network_check is not None:
            self._network_check()
        elif self.transport is not None:
            check_network()

    def fetch(self, dataset: str, quarters: Sequence[str]) -> DatasetResult:
        """Fetch one dataset of :data:`DATASETS` (``quarters``, newest first, for the quarterly ones)."""
        if dataset not in self.datasets:
            raise KeyError(f"{dataset!r} is not a dataset of this source; known: {', '.join(self.datasets)}")
        method = getattr(self, dataset)
        return method(list(quarters)) if self.datasets[dataset].by_quarter else method()

    @classmethod
    def default(cls) -> AkshareSource:
        """The source a pull uses when given none: real akshare, or ``$NPF_SCREEN_SOURCE``.

        ``NPF_SCREEN_SOURCE=package.module:name`` names an akshare-like object, or a callable
        returning one or returning a ready :class:`AkshareSource` (a mirror, a recorded replay, a fake).
        """
        spec = os.environ.get(SOURCE_ENV_VAR, "").strip()
        if not spec:
            return cls()
        module_name, _, attr = spec.partition(":")
        if not module_name or not attr:
            raise SourceError(f"${SOURCE_ENV_VAR}={spec!r}: write it as package.module:name")
        try:
            target = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise SourceError(f"${SOURCE_ENV_VAR}={spec!r}: cannot load it ({exc})") from exc
        made = target() if callable(target) and not hasattr(target, "stock_info_sh_name_code") else target
        return made if isinstance(made, AkshareSource) else cls(made)

    @property
    def version(self) -> str:
        """The akshare version (or the fake's)."""
        return str(getattr(self.module, "__version__", "unknown"))

    def requests_made(self) -> int:
        """HTTP requests sent so far: counted by the guard, else estimated from each call's rows."""
        if self.transport is not None:
            return self.transport.sent()
        with self._lock:
            return sum(c.requests for c in self.calls)

    def _record(self, record: CallRecord) -> None:
        with self._lock:
            self.calls.append(record)

    def call(
        self,
        endpoint: str,
        *args: Any,
        min_rows: int | None = None,
        check_ranges: bool = True,
        via: str | None = None,
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Call one akshare endpoint politely and return its checked frame (a private copy).

        ``via`` names a sibling function with the same output (``stock_bj_a_spot_em`` for
        ``stock_zh_a_spot_em``), for cheap probes.

        Raises
        ------
        SourceError, UpstreamRefusedError
            The call failed after retries, or the host refuses us.
        SchemaDriftError
            The frame's columns, dtypes, row count or values are not what the reference says.
        """
        spec = ENDPOINTS[endpoint]
        shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items() if k != "base_params"]
        function = via or spec.function
        label = f"akshare.{function}({', '.join(shown)})"
        fn = getattr(self.module, function)
        if callable(getattr(fn, "cache_clear", None)):
            fn.cache_clear()  # akshare lru_caches some lists for the process's life; we cache ourselves
        quiet = self._quiet if self._quiet is not None else not sys.stderr.isatty()
        silent = quiet and isinstance(self.module, RealAkshare)
        try:
            with silence() if silent else contextlib.nullcontext():
                outcome = self.politeness.call(spec.host, label, fn, *args, timeout=spec.timeout, **kwargs)
        except BaseException as exc:
            attempts = int(getattr(exc, "attempts", 1))
            sent = int(getattr(exc, "requests", attempts))
            error = f"{type(exc).__name__}: {exc}"[:500]
            failed = CallRecord(label, function, spec.host, False, attempts, 0.0, None, sent, error)
            self._record(failed)
            raise
        frame = outcome.value
        rows = len(frame) if isinstance(frame, pd.DataFrame) else None
        floor = spec.min_rows if min_rows is None else min_rows
        min_rows = max(min(floor, 1), int(floor * self.row_floor_scale))
        requests = outcome.requests
        if requests is None:  # no HTTP underneath: estimate from the rows, as the reference counts pages
            requests = spec.requests(rows or 0) + outcome.attempts - 1

        def arrived(ok: bool, error: str = "", notes: Sequence[str] = ()) -> CallRecord:
            seconds = outcome.seconds
            return CallRecord(
                label, function, spec.host, ok, outcome.attempts, seconds, rows, requests, error, tuple(notes)
            )

        try:
            notes = check_frame(spec, frame, label, min_rows=min_rows, check_ranges=check_ranges)
        except SchemaDriftError as exc:
            self._record(arrived(False, str(exc).splitlines()[0][:500]))
            raise
        self._record(arrived(True, notes=notes))
        return frame.copy()  # akshare lru_caches some frames and mutates them; never share

    # ---------------------------------------------------------------- fallback chains
    def _chain(
        self, dataset: str, options: Sequence[tuple[str, Callable[[], Any]]]
    ) -> tuple[Any, str, list[str]]:
        failures: list[str] = []
        for name, attempt in options:
            try:
                return attempt(), name, failures
            except FALLBACK_ERRORS as exc:
                failures.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        refused = all("UpstreamRefusedError" in f for f in failures)
        message = f"{dataset}: every source failed:\n  " + "\n  ".join(failures)
        raise (UpstreamRefusedError(message) if refused else SourceError(message))

    def _dataset_chain(
        self, dataset: str, options: Sequence[tuple[str, Callable[[], DatasetResult]]]
    ) -> DatasetResult:
        """The first option that works, with the failures of those tried before it."""
        result, _, failures = self._chain(dataset, options)
        result.failures = failures
        return result

    def list_sh(self) -> DatasetResult:
        """SSE main board and STAR market lists (2 requests)."""
        main_board, star_market = SH_LIST_SYMBOLS
        main = tf.sh_list(self.call("stock_info_sh_name_code", symbol=main_board, min_rows=1200))
        star = tf.sh_list(self.call("stock_info_sh_name_code", symbol=star_market, min_rows=300))
        return DatasetResult(pd.concat([main, star], ignore_index=True), "stock_info_sh_name_code")

    def list_sz(self) -> DatasetResult:
        """SZSE A-share list (1 request)."""
        frame = self.call("stock_info_sz_name_code", symbol=SZ_LIST_SYMBOL)
        return DatasetResult(tf.sz_list(frame), "stock_info_sz_name_code")

    def list_bj(self) -> DatasetResult:
        """BSE list with province (about 17 requests)."""
        return DatasetResult(tf.bj_list(self.call("stock_info_bj_name_code")), "stock_info_bj_name_code")

    def quotes(self) -> DatasetResult:
        """Market cap, PE, PB, EM industry, province and concepts for every A-share.

        Chain: Eastmoney clist with f100/f102/f103 (about 55 requests) → ``stock_zh_a_spot_em``
        (cap and valuation only) → sina ``stock_zh_a_spot`` (price only; cap from shares × price).
        """

        def clist() -> DatasetResult:
            frame = self.call("fetch_paginated_data", CLIST_URL, base_params=dict(CLIST_PARAMS))
            table, notes = tf.clist_quotes(frame)
            self._resolve_board_codes(table, notes)
            return DatasetResult(table, "clist", notes)

        options = [
            ("akshare.fetch_paginated_data(clist f100/f102/f103)", clist),
            (
                "akshare.stock_zh_a_spot_em",
                lambda: DatasetResult(
                    tf.spot_em_quotes(self.call("stock_zh_a_spot_em")), "stock_zh_a_spot_em"
                ),
            ),
            (
                "akshare.stock_zh_a_spot",
                lambda: DatasetResult(tf.sina_quotes(self.call("stock_zh_a_spot")), "stock_zh_a_spot"),
            ),
        ]
        return self._dataset_chain("quotes", options)

    def _resolve_board_codes(self, table: pd.DataFrame, notes: list[str]) -> None:
        """If f100/f103 carry board codes (BK1036) rather than names, map them through the board lists."""
        for column, endpoint in (
            ("industry_em_l1", "stock_board_industry_name_em"),
            ("concepts", "stock_board_concept_name_em"),
        ):
            if not looks_like_board_codes(table[column]):
                continue
            try:
                boards = self.call(endpoint)
            except FALLBACK_ERRORS as exc:
                table[column] = pd.NA
                notes.append(f"{column}: clist gave board codes and {endpoint} failed ({exc}); left out")
                continue
            table[column] = table[column].map(_board_namer(boards, endpoint), na_action="ignore")
            notes.append(f"{column}: clist gave board codes; mapped through {endpoint}")

    def financials(self, quarters: Sequence[str]) -> DatasetResult:
        """Growth, margins, ROE from ``stock_yjbb_em``, first quarter with data (about 13 requests)."""

        def one(quarter: str) -> DatasetResult:
            frame = self.call("stock_yjbb_em", date=quarter)
            return DatasetResult(tf.yjbb_financials(frame), f"stock_yjbb_em({quarter})")

        options = [(f"akshare.stock_yjbb_em({q!r})", lambda q=q: one(q)) for q in quarters]
        return self._dataset_chain("financials", options)

    def balance(self, quarters: Sequence[str]) -> DatasetResult:
        """Total assets from ``stock_zcfz_em`` + ``stock_zcfz_bj_em`` (about 14 requests)."""

        def one(quarter: str) -> DatasetResult:
            main = self.call("stock_zcfz_em", date=quarter)
            notes: list[str] = []
            try:
                bj = self.call("stock_zcfz_bj_em", date=quarter)
            except FALLBACK_ERRORS as exc:
                bj = main.iloc[0:0]
                notes.append(f"BSE balance sheets missing: {str(exc).splitlines()[0]}")
            return DatasetResult(tf.zcfz_balance(main, bj), f"stock_zcfz_em({quarter})", notes)

        options = [(f"akshare.stock_zcfz_em({q!r})", lambda q=q: one(q)) for q in quarters]
        return self._dataset_chain("balance", options)

    def industry_sw(self) -> DatasetResult:
        """Shenwan 2021 class per stock (1 request): code, sw_code."""
        frame = self.call("stock_industry_clf_hist_sw")
        return DatasetResult(tf.sw_classes(frame), "stock_industry_clf_hist_sw")

    def sw_names(self) -> DatasetResult:
        """Shenwan code → name tree from cninfo (1 request): prefix, name."""
        frame = self.call("stock_industry_category_cninfo", symbol=SW_STANDARD_SYMBOL)
        names = tf.sw_name_table(frame)
        if not names:
            codes = frame[raw_columns("stock_industry_category_cninfo")["category_code"]]
            raise SchemaDriftError(
                f"akshare.stock_industry_category_cninfo({SW_STANDARD_SYMBOL!r}): no category code reads as "
                f"a Shenwan code (e.g. {list(codes.head(3))})",
                endpoint="stock_industry_category_cninfo",
            )
        table = pd.DataFrame({"prefix": list(names), "name": list(names.values())}, dtype="string")
        return DatasetResult(table, "stock_industry_category_cninfo")

    # ---------------------------------------------------------------- per company
    def business_text(self, code: str, route: str | None = None) -> dict[str, Any]:
        """主营业务, 经营范围 and products of one company (1 request; THS, else cninfo).

        ``route`` (``"ths"`` or ``"cninfo"``) is tried first, the other one after it. Returns a record
        with ``text_source`` naming where it came from (``ths`` / ``cninfo``).
        """

        def ths() -> dict[str, Any]:
            record = ct.ths_text(self.call("stock_zyjs_ths", symbol=code))
            if not record["main_business"]:
                raise SourceError(f"akshare.stock_zyjs_ths({code!r}): the page has no 主营业务")
            return {**record, "city": None, "province": None, "text_source": "ths"}

        def cninfo() -> dict[str, Any]:
            frame = self.call("stock_profile_cninfo", symbol=code)
            if frame.empty:
                raise SourceError(f"akshare.stock_profile_cninfo({code!r}): cninfo has no profile for {code}")
            return {**ct.cninfo_text(frame), "text_source": "cninfo"}

        options = [("ths", ths), ("cninfo", cninfo)]
        if route == "cninfo":
            options.reverse()
        record, _, _ = self._chain(f"business text of {code}", options)
        return {"code": code, **record}

    def revenue_composition(self, code: str) -> pd.DataFrame:
        """主营构成 of one company (1 request): its latest report's revenue by product."""
        return ct.zygc_composition(self.call("stock_zygc_em", symbol=exchange_symbol(code)), code)
