"""The per-company stage of a pull: business text and revenue composition, one request per company.

Which companies: the candidates of a cheap first-stage screen (:func:`select_text_candidates`), or
every company in a full-market backfill, whose code list is kept in ``backfill.json`` until the
backfill completes so that a stopped one can resume (:func:`text_targets`, :func:`end_backfill`).
:func:`company_stage` fetches what is missing or stale into the per-company caches, business text
and revenue composition concurrently (they run on different hosts); :func:`fetch_business_text` and
:func:`fetch_revenue_composition` do the same outside a pull.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from npf_screen.core.errors import UpstreamRefusedError
from npf_screen.fetch.company_cache import CompanyCache
from npf_screen.fetch.context import SOURCE_ERRORS, ProgressSink, as_source, make_progress, utc_now
from npf_screen.fetch.snapshots import SnapshotStore, resolve_cache_dir
from npf_screen.sources import transform as tf
from npf_screen.sources.akshare_source import AkshareSource

__all__ = [
    "BACKFILL_FILE",
    "COMPANY_COLUMNS",
    "company_cache",
    "company_stage",
    "end_backfill",
    "fetch_business_text",
    "fetch_revenue_composition",
    "select_text_candidates",
    "text_targets",
]

#: Columns of each per-company cache: business text and revenue composition.
COMPANY_COLUMNS: dict[str, list[str]] = {
    "texts": list(tf.TEXT_CACHE_COLUMNS),
    "composition": list(tf.COMPOSITION_COLUMNS),
}
#: The code list of an interrupted full-market backfill, in the cache directory.
BACKFILL_FILE = "backfill.json"


def company_cache(store: SnapshotStore, kind: str) -> CompanyCache:
    """The per-company cache ``kind`` (``texts`` or ``composition``) of a cache directory."""
    return CompanyCache(store.companies_dir, kind, COMPANY_COLUMNS[kind])


def select_text_candidates(
    universe: pd.DataFrame, themes: Any = None, *, max_per_theme: int | None = 60
) -> list[str]:
    """The cheap first-stage screen: theme candidates judged on name, industries and concepts only.

    Business text is blanked before screening, so the result does not depend on what is cached.
    Returns codes, best ranks first, at most ``max_per_theme`` per theme.
    """
    from npf_screen import load_themes, screen

    blank = pd.Series(pd.NA, index=universe.index, dtype="string")
    cheap = universe.assign(main_business=blank, business_scope=blank, products=blank, summary_en=blank)
    candidates = screen(cheap, themes if themes is not None else load_themes()).candidates
    if max_per_theme is not None:
        candidates = candidates[candidates["rank"] <= max_per_theme]
    return list(dict.fromkeys(candidates.sort_values("rank", kind="stable")["code"].astype(str)))


def text_targets(
    store: SnapshotStore, base: pd.DataFrame, texts: str, resume: bool, themes: Any, max_per_theme: int | None
) -> list[str]:
    """The companies whose text a pull fetches (``texts`` as in :func:`npf_screen.fetch.api.pull`).

    ``resume`` continues a recorded backfill; ``texts="all"`` records a new one.
    """
    state_file = store.root / BACKFILL_FILE
    if resume and state_file.is_file():
        return [str(c) for c in json.loads(state_file.read_text(encoding="utf-8"))["codes"]]
    if texts == "none":
        return []
    if texts == "all":
        codes = [str(c) for c in base["code"]]
        from npf_screen.core.atomic import atomic_write_text

        atomic_write_text(state_file, json.dumps({"started_at": utc_now().isoformat(), "codes": codes}))
        return codes
    return select_text_candidates(base, themes, max_per_theme=max_per_theme)


def end_backfill(store: SnapshotStore) -> None:
    """Forget the recorded backfill (it completed)."""
    (store.root / BACKFILL_FILE).unlink(missing_ok=True)


def _company_loop(
    kind: str,
    codes: Sequence[str],
    fetch_one: Callable[[str], pd.DataFrame],
    cache: CompanyCache,
    now: Callable[[], dt.datetime],
    sink: ProgressSink,
    stop: threading.Event,
    flush_every: int = 25,
) -> dict[str, Any]:
    report: dict[str, Any] = {"targets": len(codes), "fetched": 0, "failed": 0, "stopped": ""}
    sink.start(kind, len(codes))
    odd_in_a_row = 0
    try:
        for i, code in enumerate(codes, start=1):
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
            except Exception as exc:  # akshare internals raising odd types must not end a backfill
                cache.put(code, None, now(), status=f"failed: {type(exc).__name__}: {str(exc)[:200]}")
                report["failed"] += 1
                odd_in_a_row += 1
                if odd_in_a_row >= 5:
                    report["stopped"] = f"5 unexpected errors in a row, last {type(exc).__name__}: {exc}"
                    break
            sink.advance(kind)
            if i % flush_every == 0:
                cache.flush()
    finally:
        cache.flush()
        sink.finish(kind)
    return report


def _text_fetcher(src: AkshareSource, now: Callable[[], dt.datetime]) -> Callable[[str], pd.DataFrame]:
    def one(code: str) -> pd.DataFrame:
        record = src.business_text(code)
        stamp = now().strftime("%Y-%m")
        record["text_source"] = f"{record['text_source']}_{stamp}"
        return pd.DataFrame([record]).reindex(columns=COMPANY_COLUMNS["texts"]).astype("string")

    return one


def company_stage(
    src: AkshareSource,
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

    The two run on different hosts (THS/cninfo and Eastmoney F10), each one request at a time.
    Returns a report per kind: targets, fetched, failed, stopped (why it ended early) and requested.
    """
    jobs: dict[str, Callable[[str], pd.DataFrame]] = {}
    if texts:
        jobs["texts"] = _text_fetcher(src, now)
    if composition:
        jobs["composition"] = src.revenue_composition
    caches = {kind: company_cache(store, kind) for kind in jobs}
    reports: dict[str, dict[str, Any]] = {}
    stop = threading.Event()  # set on Ctrl-C: loops flush what they have and end after the current call
    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        futures = {}
        for kind, fetch_one in jobs.items():
            cache = caches[kind]
            fresh = set() if refresh else cache.fresh_codes(now())
            todo = [c for c in dict.fromkeys(codes) if c not in fresh]
            futures[kind] = pool.submit(_company_loop, kind, todo, fetch_one, cache, now, sink, stop)
        try:
            for kind, future in futures.items():
                reports[kind] = {**future.result(), "requested": len(codes)}
        except BaseException:
            stop.set()
            raise
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
