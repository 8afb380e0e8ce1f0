"""The bulk stage of a pull: the market-wide datasets, each fetched only when its cache is stale.

The datasets are the exchange lists, quotes with market cap, financials, balance sheets and the
Shenwan classes with their names (:data:`DATASETS`). :func:`bulk_stage` fetches the stale ones in
parallel across hosts (each dataset walks its own fallback chain in the source), reuses fresh
copies, and falls back to the last good copy of a dataset that failed (recorded as stale).
:func:`universe_parts` turns the outcome into the partial tables a universe is assembled from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from npf_screen.fetch.context import SOURCE_ERRORS, ProgressSink
from npf_screen.fetch.snapshots import SnapshotStore
from npf_screen.sources import transform as tf
from npf_screen.sources.akshare_source import AkshareSource

__all__ = ["DATASETS", "ROW_DATASETS", "bulk_stage", "report_quarters", "universe_parts"]

#: Datasets whose rows make the universe: without any of them there is no snapshot.
ROW_DATASETS = ("list_sh", "list_sz", "list_bj", "quotes")

#: name → (fetch, freshness key); the key invalidates a cache whose arguments changed.
DATASETS: dict[str, tuple[Callable[[AkshareSource, list[str]], Any], Callable[[list[str]], str | None]]] = {
    "list_sh": (lambda s, q: s.list_sh(), lambda q: None),
    "list_sz": (lambda s, q: s.list_sz(), lambda q: None),
    "list_bj": (lambda s, q: s.list_bj(), lambda q: None),
    "quotes": (lambda s, q: s.quotes(), lambda q: None),
    "financials": (lambda s, q: s.financials(q), lambda q: q[0]),
    "balance": (lambda s, q: s.balance(q), lambda q: q[0]),
    "industry_sw": (lambda s, q: s.industry_sw(), lambda q: None),
    "sw_names": (lambda s, q: s.sw_names(), lambda q: None),
}


def report_quarters(today: dt.date) -> list[str]:
    """The newest quarter whose reports should all be out by ``today``, then the one before.

    Deadlines: Q1 by 30 April, H1 by 31 August, Q3 by 31 October, annual by 30 April.

    Examples
    --------
    >>> report_quarters(dt.date(2026, 11, 28))
    ['20260930', '20260630']
    >>> report_quarters(dt.date(2026, 2, 1))
    ['20250930', '20250630']
    """
    y = today.year
    if today.month >= 11:
        return [f"{y}0930", f"{y}0630"]
    if today.month >= 9:
        return [f"{y}0630", f"{y}0331"]
    if today.month >= 5:
        return [f"{y}0331", f"{y - 1}1231"]
    return [f"{y - 1}0930", f"{y - 1}0630"]


def bulk_stage(
    src: AkshareSource,
    store: SnapshotStore,
    quarters: list[str],
    *,
    refresh: bool,
    now: Callable[[], dt.datetime],
    sink: ProgressSink,
) -> dict[str, dict[str, Any]]:
    """Fetch every stale dataset (in parallel across hosts); reuse fresh or last good copies.

    Returns
    -------
    dict
        Per dataset: ``state`` (``fresh``, ``fetched``, ``stale`` or ``missing``), ``frame``
        (``None`` when missing), ``meta`` (the cache metadata) and ``error`` when the fetch failed.
    """
    states: dict[str, dict[str, Any]] = {}
    todo = []
    for name, (_, key_of) in DATASETS.items():
        key = key_of(quarters)
        if not refresh and store.is_fresh(name, now(), key):
            cached = store.load_dataset(name)
            if cached is not None:
                states[name] = {"state": "fresh", "frame": cached[0], "meta": cached[1]}
                continue
        todo.append((name, key))

    def run(name: str, key: str | None) -> dict[str, Any]:
        fetch, _ = DATASETS[name]
        try:
            result = fetch(src, quarters)
        except SOURCE_ERRORS as exc:
            error = f"{type(exc).__name__}: {exc}"
            cached = store.load_dataset(name)
            if cached is None:
                return {"state": "missing", "frame": None, "meta": {}, "error": error}
            return {"state": "stale", "frame": cached[0], "meta": cached[1], "error": error}
        meta = {
            "fetched_at": now().isoformat(),
            "endpoint": result.endpoint,
            "key": key,
            "fallback": bool(result.failures),  # served by a fallback: try the primary again next run
            "notes": result.notes,
            "fallback_failures": result.failures,
        }
        meta = store.save_dataset(name, result.frame, meta)
        return {"state": "fetched", "frame": result.frame, "meta": meta}

    sink.start("datasets", len(todo))
    pool = ThreadPoolExecutor(max_workers=4)
    try:
        futures = {name: pool.submit(run, name, key) for name, key in todo}
        for name, future in futures.items():
            states[name] = future.result()
            sink.advance("datasets")
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: start nothing new
        raise
    finally:
        pool.shutdown(wait=True)
        sink.finish("datasets")
    return states


def universe_parts(states: dict[str, dict[str, Any]]) -> dict[str, pd.DataFrame | None]:
    """The canonical partial tables of :func:`bulk_stage`'s outcome (Shenwan classes named)."""
    parts = {name: s["frame"] for name, s in states.items() if name not in ("industry_sw", "sw_names")}
    classes = states.get("industry_sw", {}).get("frame")
    names_frame = states.get("sw_names", {}).get("frame")
    names = (
        dict(zip(names_frame["prefix"], names_frame["name"], strict=True)) if names_frame is not None else {}
    )
    parts["industry_sw"] = tf.sw_levels(classes, names) if classes is not None else None
    return parts
