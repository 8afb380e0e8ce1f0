"""Live data: pull the A-share universe through akshare into dated local snapshots.

The public API follows scikit-learn's ``fetch_*`` functions: the first call downloads into a cache,
later calls read the cache until it goes stale::

    from npf_screen.fetch.api import fetch_universe, load_snapshot, list_snapshots
    universe = fetch_universe()                 # pull (about 105 requests), or reuse fresh data
    universe.attrs["snapshot_id"]               # which snapshot a screen used
    universe = fetch_universe(offline=True)     # the latest snapshot, no network
    universe, snapshot_id = load_snapshot("20261128T093000Z")

A pull fetches each bulk dataset whose cache is stale (exchange lists, quotes with market cap,
industries, province and concepts, financials, Shenwan classes), falls back along each dataset's
chain, reuses the last good copy of a dataset that failed (recorded as stale), then fetches business
text and revenue composition for every listed company whose cached text is missing or stale (the
first run is a resumable full-market backfill, later ones refresh new listings and stale texts only)
or, given a first-stage selector, only for its candidates; and writes one snapshot atomically with a
manifest, unless the new universe would be worse than the latest snapshot (fewer companies or thinner
coverage), in which case the latest is kept and the failures are reported.

This module orchestrates a pull; the stages live beside it: :mod:`.datasets` (the bulk datasets),
:mod:`.companies` (business text and revenue composition per company, the backfill),
:mod:`.manifest` (the manifest and snapshot status) and :mod:`.context` (source, clock, progress).
Some of their public names are importable from here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from npf_screen.core.errors import SourceError
from npf_screen.fetch.cache_policy import resolve_cache_dir
from npf_screen.fetch.companies import (
    COMPANY_COLUMNS,
    Selector,
    company_cache,
    company_stage,
    end_backfill,
    text_targets,
)
from npf_screen.fetch.context import ProgressSink, as_source, make_progress, utc_now
from npf_screen.fetch.datasets import bulk_stage, report_quarters, row_datasets, universe_parts
from npf_screen.fetch.manifest import build_manifest, worse_than
from npf_screen.fetch.snapshots import SnapshotStore
from npf_screen.sources import transform as tf

__all__ = [
    "DEFAULT_KEEP",
    "PullReport",
    "backfill_business_text",
    "fetch_universe",
    "list_snapshots",
    "load_snapshot",
    "pull",
]

#: Snapshots kept by a pull's retention (the newest complete one is always kept too).
DEFAULT_KEEP = 14


@dataclass
class PullReport:
    """What a pull did: the snapshot it wrote or reused, requests made, and what failed.

    ``manifest`` is the manifest of the snapshot returned; ``this_run`` the manifest this run built
    (the same when a snapshot was written; when the latest was reused or kept, what this run saw).
    """

    snapshot_id: str
    status: str
    created: bool
    requests: int
    companies: int
    manifest: dict[str, Any] = field(default_factory=dict)
    universe: pd.DataFrame | None = field(default=None, repr=False)
    failures: list[str] = field(default_factory=list)
    this_run: dict[str, Any] = field(default_factory=dict, repr=False)


def pull(
    cache_dir: Any = None,
    *,
    source: Any = None,
    refresh: bool = False,
    texts: str = "all",
    composition: bool = True,
    select: Selector | None = None,
    resume: bool = False,
    keep: int = DEFAULT_KEEP,
    progress: ProgressSink | bool | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> PullReport:
    """Pull the universe into a new snapshot (or reuse the latest when nothing changed).

    Parameters
    ----------
    cache_dir : path, optional
        Cache directory; default ``$NPF_SCREEN_CACHE`` or the per-user cache dir.
    source : AkshareSource or akshare-like object, optional
        Default: the real akshare (or ``$NPF_SCREEN_SOURCE``). Tests pass a fake.
    refresh : bool
        Ignore freshness windows and fetch everything again.
    texts : {"all", "candidates", "none"}
        Business text and revenue composition for every company whose cached text is missing or
        stale (default; the first run is a backfill that can be stopped and resumed), for the
        candidates ``select`` picks, or not at all.
    composition : bool
        Also fetch revenue composition (主营构成) for the same companies.
    select : callable, optional
        The first-stage selector for ``texts="candidates"``: universe without business text → codes
        (e.g. :func:`npf_screen.screening.first_stage.first_stage_selector`).
    resume : bool
        Continue the interrupted backfill recorded in the cache first.
    keep : int
        Retention: snapshots kept after the pull.
    progress : ProgressSink or bool, optional
        Progress bars; default only when stderr is a terminal.
    now : callable, optional
        The clock (UTC datetimes); for tests.

    Returns
    -------
    PullReport
        ``created`` is False when nothing changed since the latest snapshot (it is returned as is);
        ``failures`` lists what went wrong in this run either way.

    Raises
    ------
    SourceError
        Neither the exchange lists nor the quotes could be had, fresh or cached: no snapshot.
    SnapshotError
        Another pull holds the cache lock.
    """
    if texts not in ("candidates", "all", "none"):
        raise ValueError(f"texts must be 'all', 'candidates' or 'none', not {texts!r}")
    if texts == "candidates" and select is None:
        raise ValueError('texts="candidates" needs a first-stage selector: pass select=...')
    clock = now or utc_now
    store = SnapshotStore(resolve_cache_dir(cache_dir))
    src = as_source(source)
    sink = make_progress(progress)
    first_call, requests_before = len(src.calls), src.requests_made()
    with store.lock():
        store.clean_staging()
        states = bulk_stage(
            src, store, report_quarters(clock().date()), refresh=refresh, now=clock, sink=sink
        )
        parts = universe_parts(states)
        base = tf.assemble_universe({k: v for k, v in parts.items() if k != "texts"})
        if base.empty:
            errors = {n: str(s.get("error", s["state"])).splitlines()[0] for n, s in states.items()}
            store.log_pull({"at": clock().isoformat(), "status": "failed", "errors": errors})
            by_cause: dict[str, list[str]] = {}  # one line per distinct cause (no network: one)
            for name in (n for n in row_datasets(src) if n in errors):
                by_cause.setdefault(errors[name][:160], []).append(name)
            shown = "; ".join(f"{', '.join(names)}: {cause}" for cause, names in by_cause.items())
            raise SourceError(
                f"no universe: the exchange lists and the quotes all failed and none is cached ({shown}). "
                "Check the internet connection (`npf-screen doctor --live` probes each endpoint); without "
                "one, `npf-screen screen --offline` screens the latest snapshot, `--sample` the bundled one."
            )
        offline = any("NoNetworkError" in str(s.get("error", "")) for s in states.values())
        codes = [] if offline else text_targets(store, base, texts, resume, select)
        stage = {}
        if codes:
            with_text = texts != "none" or resume
            stage = company_stage(
                src,
                store,
                codes,
                texts=with_text,
                composition=composition and with_text,
                refresh=refresh,
                now=clock,
                sink=sink,
            )
        if (texts == "all" or resume) and not any(r.get("stopped") for r in stage.values()):
            end_backfill(store)
        text_cache, comp_cache = company_cache(store, "texts"), company_cache(store, "composition")
        parts["texts"] = text_cache.rows_for(base["code"])  # fills only what bulk data lacks
        universe = tf.assemble_universe(parts)
        mix = comp_cache.rows_for(universe["code"]).reindex(columns=COMPANY_COLUMNS["composition"])
        inputs = {n: s["meta"].get("version") for n, s in states.items()}
        inputs.update(texts=text_cache.version(), composition=comp_cache.version())
        requests = src.requests_made() - requests_before
        manifest = build_manifest(
            src, states, stage, universe, mix, inputs, clock(), texts, src.calls[first_call:], requests
        )
        store.log_pull(
            {
                "at": clock().isoformat(),
                "status": manifest["status"],
                "requests": requests,
                "failures": manifest["failures"],
            }
        )
        latest = store.latest_intact_id()  # a damaged newest snapshot is never reused or compared
        worse = worse_than(store, latest, universe, manifest) if latest else ""
        if worse:
            manifest["failures"].append(f"kept snapshot {latest}: the new universe is worse ({worse})")
        fetched_nothing = all(s["state"] != "fetched" for s in states.values()) and not any(
            r.get("fetched") for r in stage.values()
        )
        unchanged = bool(latest) and store.manifest(latest).get("inputs") == inputs
        if latest and (worse or (unchanged and (not refresh or fetched_nothing))):
            universe, latest, previous = store.load(latest)
            return PullReport(
                latest,
                previous.get("status", "unknown"),
                False,
                requests,
                len(universe),
                previous,
                universe,
                manifest["failures"],
                manifest,
            )
        snapshot_id = manifest["snapshot_id"] = store.new_snapshot_id(clock())
        sink.start("snapshot", 3)
        try:
            store.write_snapshot(
                snapshot_id, universe, mix, manifest, on_file=lambda _: sink.advance("snapshot")
            )
        finally:
            sink.finish("snapshot")
        store.prune(keep)
    universe.attrs.update(snapshot_id=snapshot_id, snapshot_status=manifest["status"])
    return PullReport(
        snapshot_id,
        manifest["status"],
        True,
        requests,
        len(universe),
        manifest,
        universe,
        manifest["failures"],
        manifest,
    )


def fetch_universe(
    cache_dir: Any = None,
    *,
    source: Any = None,
    offline: bool = False,
    refresh: bool = False,
    progress: ProgressSink | bool | None = None,
    **pull_options: Any,
) -> pd.DataFrame:
    """The canonical A-share universe from a fresh pull, a fresh cache, or (``offline``) the latest snapshot.

    Returns a canonical company table whose ``attrs["snapshot_id"]`` names the snapshot it is.
    Other keyword arguments go to :func:`pull` (``texts``, ``select``, ``keep`` …).

    Raises
    ------
    SnapshotError
        ``offline`` and there is no snapshot yet.
    SourceError
        The pull could not build any universe (no snapshot is written).
    """
    if offline:
        universe, _ = load_snapshot(None, cache_dir)
        return universe
    report = pull(cache_dir, source=source, refresh=refresh, progress=progress, **pull_options)
    assert report.universe is not None
    return report.universe


def load_snapshot(snapshot_id: str | None = None, cache_dir: Any = None) -> tuple[pd.DataFrame, str]:
    """A snapshot's canonical universe and its id; the latest when ``snapshot_id`` is None."""
    universe, snapshot_id, _ = SnapshotStore(resolve_cache_dir(cache_dir)).load(snapshot_id)
    return universe, snapshot_id


def list_snapshots(cache_dir: Any = None) -> pd.DataFrame:
    """Snapshots in the cache, newest first (id, created_at, status, companies, requests, failures …)."""
    return SnapshotStore(resolve_cache_dir(cache_dir)).list()


def backfill_business_text(
    cache_dir: Any = None,
    *,
    source: Any = None,
    resume: bool = False,
    composition: bool = True,
    progress: ProgressSink | bool | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> PullReport:
    """Fetch business text for every company: a pull with ``texts="all"`` (one request per company
    and kind, spread over THS and cninfo; revenue mix on Eastmoney F10).

    Stop it any time (Ctrl-C, a ban, a crash): finished companies are written every 25 (or 30 s), and
    a rerun, or ``resume=True`` (which keeps the interrupted run's company list), continues where it
    left off.
    """
    return pull(
        cache_dir,
        source=source,
        texts="all",
        composition=composition,
        resume=resume,
        progress=progress,
        now=now,
    )
