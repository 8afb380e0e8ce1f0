"""The per-company stage of a pull: business text and revenue composition, one request per company.

Which companies: by default every listed company (:func:`text_targets`): a first run is a full-market
backfill, later runs fetch only new listings and stale texts; or the candidates of a cheap first-stage
screen, when the caller passes its selector (this package never imports the screen). A backfill's
code list is kept in ``backfill.json`` until it completes, so a stopped one resumes
(:func:`end_backfill`). :func:`company_stage` fetches what is missing or stale into the per-company
caches, spreading business text across the services that provide it (THS and cninfo, one worker each
taking the next company from a shared queue) while revenue composition runs on Eastmoney's F10
service; :func:`fetch_business_text` and :func:`fetch_revenue_composition` do the same outside a pull.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from npf_screen.core.atomic import atomic_write_text
from npf_screen.core.errors import SnapshotError, UpstreamRefusedError
from npf_screen.fetch.cache_policy import resolve_cache_dir
from npf_screen.fetch.company_cache import CompanyCache
from npf_screen.fetch.context import SOURCE_ERRORS, ProgressSink, as_source, make_progress, utc_now
from npf_screen.fetch.snapshots import SnapshotStore
from npf_screen.sources import company_transform as ct
from npf_screen.sources.protocol import Source

__all__ = [
    "BACKFILL_FILE",
    "COMPANY_COLUMNS",
    "Selector",
    "company_cache",
    "company_stage",
    "end_backfill",
    "fetch_business_text",
    "fetch_revenue_composition",
    "text_targets",
]

#: Columns of each per-company cache: business text and revenue composition.
COMPANY_COLUMNS: dict[str, list[str]] = {
    "texts": list(ct.TEXT_CACHE_COLUMNS),
    "composition": list(ct.COMPOSITION_COLUMNS),
}
#: The code list of an interrupted full-market backfill, in the cache directory.
BACKFILL_FILE = "backfill.json"
#: A first-stage selector: universe (without business text) → codes whose text to fetch, best first.
Selector = Callable[[pd.DataFrame], Sequence[str]]


def company_cache(store: SnapshotStore, kind: str) -> CompanyCache:
    """The per-company cache ``kind`` (``texts`` or ``composition``) of a cache directory."""
    return CompanyCache(store.companies_dir, kind, COMPANY_COLUMNS[kind])


def text_targets(
    store: SnapshotStore, base: pd.DataFrame, texts: str, resume: bool, select: Selector | None
) -> list[str]:
    """The companies whose text a pull fetches (``texts`` as in :func:`npf_screen.fetch.api.pull`).

    ``"all"``: every company (the stage skips fresh ones, so after the first backfill this is an
    incremental refresh of new listings and stale texts); ``"candidates"``: ``select(base)``;
    ``"none"``: nobody. ``resume`` continues a recorded backfill first.
    """
    state_file = store.root / BACKFILL_FILE
    if resume and state_file.is_file():
        try:
            codes = json.loads(state_file.read_text(encoding="utf-8"))["codes"]
            if not isinstance(codes, list):
                raise TypeError(f"codes is a {type(codes).__name__}")
            return [str(c) for c in codes]
        except (ValueError, KeyError, TypeError) as exc:
            raise SnapshotError(
                f"{state_file}: the recorded backfill cannot be read "
                f"({type(exc).__name__}: {str(exc)[:120]}); "
                "delete it and run `npf-screen pull --texts all` to start the backfill over."
            ) from None
    if texts == "none":
        return []
    if texts == "all":
        codes = [str(c) for c in base["code"]]
        atomic_write_text(state_file, json.dumps({"started_at": utc_now().isoformat(), "codes": codes}))
        return codes
    if select is None:
        raise ValueError('texts="candidates" needs a first-stage selector (select=...)')
    blank = pd.Series(pd.NA, index=base.index, dtype="string")
    cheap = base.assign(main_business=blank, business_scope=blank, products=blank)
    return list(dict.fromkeys(str(c) for c in select(cheap)))


def end_backfill(store: SnapshotStore) -> None:
    """Forget the recorded backfill (it completed)."""
    (store.root / BACKFILL_FILE).unlink(missing_ok=True)


class _Queue:
    """Codes shared by the workers of one kind; each takes the next one."""

    def __init__(self, codes: Sequence[str]) -> None:
        self._codes = deque(codes)
        self._lock = threading.Lock()

    def take(self) -> str | None:
        with self._lock:
            return self._codes.popleft() if self._codes else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._codes)


def _company_loop(
    kind: str,
    queue: _Queue,
    fetch_one: Callable[[str], pd.DataFrame],
    cache: CompanyCache,
    now: Callable[[], dt.datetime],
    sink: ProgressSink,
    stop: threading.Event,
    flush_every: int = 25,
    flush_seconds: float = 30.0,
) -> dict[str, Any]:
    report: dict[str, Any] = {"fetched": 0, "failed": 0, "stopped": ""}
    odd_in_a_row, since_flush, last_flush = 0, 0, time.monotonic()
    while (code := queue.take()) is not None:
        if stop.is_set():
            report["stopped"] = "interrupted"
            break
        try:
            cache.put(code, fetch_one(code), now())
            report["fetched"] += 1
            odd_in_a_row = 0
        except UpstreamRefusedError as exc:
            report["stopped"] = str(exc).splitlines()[0]
            break
        except SOURCE_ERRORS as exc:
            cache.put(code, None, now(), status=f"failed: {str(exc).splitlines()[0][:200]}")
            report["failed"] += 1
        except Exception as exc:  # an injected akshare-like object raising odd types must not end a backfill
            cache.put(code, None, now(), status=f"failed: {type(exc).__name__}: {str(exc)[:200]}")
            report["failed"] += 1
            odd_in_a_row += 1
            if odd_in_a_row >= 5:
                report["stopped"] = f"5 unexpected errors in a row, last {type(exc).__name__}: {exc}"
                break
        sink.advance(kind)
        since_flush += 1
        if since_flush >= flush_every or time.monotonic() - last_flush > flush_seconds:
            cache.flush()
            since_flush, last_flush = 0, time.monotonic()
    return report


def _text_fetcher(src: Source, now: Callable[[], dt.datetime], route: str) -> Callable[[str], pd.DataFrame]:
    def one(code: str) -> pd.DataFrame:
        record = src.business_text(code, route)
        stamp = now().strftime("%Y-%m")
        record["text_source"] = f"{record['text_source']}_{stamp}"
        return pd.DataFrame([record]).reindex(columns=COMPANY_COLUMNS["texts"]).astype("string")

    return one


def company_stage(
    src: Source,
    store: SnapshotStore,
    codes: Sequence[str],
    *,
    texts: bool,
    composition: bool,
    refresh: bool,
    now: Callable[[], dt.datetime],
    sink: ProgressSink,
) -> dict[str, dict[str, Any]]:
    """Fetch business text and revenue composition for ``codes`` (stale or missing ones), concurrently.

    Business text is spread over the source's text routes (one worker per route, sharing the queue),
    revenue composition has its own worker; each service sees one request at a time. Returns a report
    per kind: targets, fetched, failed, stopped (why it ended early), requested, and per route.
    """
    jobs: dict[str, list[tuple[str, Callable[[str], pd.DataFrame]]]] = {}
    if texts:
        jobs["texts"] = [(route, _text_fetcher(src, now, route)) for route in src.text_routes]
    if composition:
        jobs["composition"] = [("em-emweb", src.revenue_composition)]
    caches = {kind: company_cache(store, kind) for kind in jobs}
    reports: dict[str, dict[str, Any]] = {}
    stop = threading.Event()  # set on Ctrl-C: loops flush what they have and end after the current call
    workers = sum(len(v) for v in jobs.values())
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures: dict[str, list[Any]] = {}
        targets: dict[str, int] = {}
        for kind, routes in jobs.items():
            cache = caches[kind]
            fresh = set() if refresh else cache.fresh_codes(now())
            todo = [c for c in dict.fromkeys(codes) if c not in fresh]
            targets[kind] = len(todo)
            sink.start(kind, len(todo))
            queue = _Queue(todo)
            futures[kind] = [
                (route, pool.submit(_company_loop, kind, queue, fetch, cache, now, sink, stop))
                for route, fetch in routes
            ]
        try:
            for kind, running in futures.items():
                parts = {route: future.result() for route, future in running}
                stopped = [r["stopped"] for r in parts.values() if r["stopped"]]
                reports[kind] = {
                    "targets": targets[kind],
                    "fetched": sum(r["fetched"] for r in parts.values()),
                    "failed": sum(r["failed"] for r in parts.values()),
                    "stopped": stopped[0] if len(stopped) == len(parts) else "",
                    "requested": len(codes),
                    "routes": {
                        r: {k: v[k] for k in ("fetched", "failed", "stopped")} for r, v in parts.items()
                    },
                }
        except BaseException:
            stop.set()
            raise
        finally:
            for kind, cache in caches.items():
                cache.compact()
                sink.finish(kind)
    return reports


def _per_company(
    kind: str,
    codes: Iterable[str],
    cache_dir: Any,
    source: Any,
    refresh: bool,
    progress: ProgressSink | bool | None,
    now: Callable[[], dt.datetime] | None,
) -> pd.DataFrame:
    store = SnapshotStore(resolve_cache_dir(cache_dir))
    codes = [str(c).zfill(6) for c in codes]
    with store.lock():
        company_stage(
            as_source(source),
            store,
            codes,
            texts=kind == "texts",
            composition=kind == "composition",
            refresh=refresh,
            now=now or utc_now,
            sink=make_progress(progress),
        )
    return company_cache(store, kind).rows_for(codes)


def fetch_business_text(
    codes: Iterable[str],
    cache_dir: Any = None,
    *,
    source: Any = None,
    refresh: bool = False,
    progress: ProgressSink | bool | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> pd.DataFrame:
    """主营业务, 经营范围, products (and city where cninfo served) for ``codes``, one request per company.

    Cached for months; only missing or stale companies are fetched. Returns one row per company
    that has text: code, main_business, business_scope, products, city, province, text_source.
    """
    return _per_company("texts", codes, cache_dir, source, refresh, progress, now)


def fetch_revenue_composition(
    codes: Iterable[str],
    cache_dir: Any = None,
    *,
    source: Any = None,
    refresh: bool = False,
    progress: ProgressSink | bool | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> pd.DataFrame:
    """Revenue by product (主营构成) of each company's latest report.

    Columns: code, report_date, product, revenue (CNY), share (of revenue, 0-1). Cached for months.
    """
    return _per_company("composition", codes, cache_dir, source, refresh, progress, now)
