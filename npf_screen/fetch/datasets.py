"""The bulk stage of a pull: the market-wide datasets, each fetched only when its cache is stale.

The datasets are the ones the source lists (:attr:`~npf_screen.sources.protocol.Source.datasets`: for
akshare the exchange lists, quotes with market cap, financials, balance sheets and the Shenwan classes
with their names). :func:`bulk_stage` fetches the stale ones in parallel across services (each dataset
walks its own fallback chain in the source), reuses fresh copies, and falls back to the last good
copy of a dataset that failed (recorded as stale). Before the first request it checks, within
seconds, that the network is there at all; without one no dataset is requested. :func:`universe_parts`
turns the outcome into the partial tables a universe is assembled from.
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
from npf_screen.sources.network import NoNetworkError
from npf_screen.sources.protocol import Source

__all__ = ["bulk_stage", "report_quarters", "row_datasets", "universe_parts"]


def row_datasets(src: Source) -> tuple[str, ...]:
    """The source's datasets whose codes make the universe: without any of them there is no snapshot."""
    return tuple(name for name, spec in src.datasets.items() if spec.rows)


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
    src: Source,
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
    for name, spec in src.datasets.items():
        key = quarters[0] if spec.by_quarter else None
        if not refresh and store.is_fresh(name, now(), key):
            cached = store.load_dataset(name)
            if cached is not None:
                states[name] = {"state": "fresh", "frame": cached[0], "meta": cached[1]}
                continue
        todo.append((name, key))

    offline = ""
    if todo:
        try:
            src.check_network()
        except NoNetworkError as exc:
            offline = f"{type(exc).__name__}: {exc}"

    def fallback(name: str, error: str) -> dict[str, Any]:
        cached = store.load_dataset(name)
        if cached is None:
            return {"state": "missing", "frame": None, "meta": {}, "error": error}
        return {"state": "stale", "frame": cached[0], "meta": cached[1], "error": error}

    def run(name: str, key: str | None) -> dict[str, Any]:
        if offline:
            return fallback(name, offline)
        try:
            result = src.fetch(name, quarters)
        except SOURCE_ERRORS as exc:
            return fallback(name, f"{type(exc).__name__}: {exc}")
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
