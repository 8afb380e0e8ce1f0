"""Live data: pull the A-share universe through akshare into dated local snapshots.

The public API follows scikit-learn's ``fetch_*`` functions: the first call downloads into a cache,
later calls read the cache until it goes stale::

    from npf_screen.fetch import fetch_universe, load_snapshot, list_snapshots
    universe = fetch_universe()                 # pull (about 105 requests), or reuse fresh data
    universe.attrs["snapshot_id"]               # which snapshot a screen used
    universe = fetch_universe(offline=True)     # the latest snapshot, no network
    universe, snapshot_id = load_snapshot("20261128T093000Z")

A pull fetches each bulk dataset whose cache is stale (exchange lists, quotes with market cap,
industries, province and concepts, financials, Shenwan classes), falls back along each dataset's
chain, reuses the last good copy of a dataset that failed (recorded as stale), then fetches
business text and revenue composition for the candidates of a cheap first-stage screen (names,
industries, concepts only), and writes one snapshot atomically with a manifest.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import pandas as pd

from .errors import SchemaDriftError, SourceError, UpstreamRefusedError
from .snapshots import CompanyCache, SnapshotStore, resolve_cache_dir
from .sources import AkshareSource
from .sources import transform as tf

__all__ = [
    "DEFAULT_KEEP",
    "EXPECTED_FIELDS",
    "ProgressSink",
    "PullReport",
    "TqdmProgress",
    "backfill_business_text",
    "fetch_business_text",
    "fetch_revenue_composition",
    "fetch_universe",
    "list_snapshots",
    "load_snapshot",
    "make_progress",
    "pull",
    "report_quarters",
    "select_text_candidates",
]

#: Snapshots kept by a pull's retention (the newest complete one is always kept too).
DEFAULT_KEEP = 14
_SOURCE_ERRORS = (SourceError, SchemaDriftError)
_PER_COMPANY = {"stock_zyjs_ths", "stock_profile_cninfo", "stock_zygc_em"}
_COMPOSITION_COLUMNS = list(tf.COMPOSITION_COLUMNS)
_TEXT_COLUMNS = list(tf.TEXT_CACHE_COLUMNS)
_ROW_DATASETS = ("list_sh", "list_sz", "list_bj", "quotes")
#: Fields the bulk datasets should fill; coverage under 50% marks a snapshot partial.
EXPECTED_FIELDS: tuple[str, ...] = (
    "name",
    "list_date",
    "province",
    "industry_sw_l1",
    "industry_em_l1",
    "concepts",
    "market_cap_yi",
    "pe",
    "pb",
    "rev_yoy",
    "profit_yoy",
    "gross_margin",
    "net_margin",
    "roe",
    "total_assets_yi",
)


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


# name → (fetch, freshness key); the key invalidates a cache whose arguments changed
_DATASETS: dict[str, tuple[Callable[[AkshareSource, list[str]], Any], Callable[[list[str]], str | None]]] = {
    "list_sh": (lambda s, q: s.list_sh(), lambda q: None),
    "list_sz": (lambda s, q: s.list_sz(), lambda q: None),
    "list_bj": (lambda s, q: s.list_bj(), lambda q: None),
    "quotes": (lambda s, q: s.quotes(), lambda q: None),
    "financials": (lambda s, q: s.financials(q), lambda q: q[0]),
    "balance": (lambda s, q: s.balance(q), lambda q: q[0]),
    "industry_sw": (lambda s, q: s.industry_sw(), lambda q: None),
    "sw_names": (lambda s, q: s.sw_names(), lambda q: None),
}


@dataclass
class PullReport:
    """What a pull did: the snapshot it wrote or reused, requests made, and what failed."""

    snapshot_id: str
    status: str
    created: bool
    requests: int
    companies: int
    manifest: dict[str, Any] = field(default_factory=dict)
    universe: pd.DataFrame | None = field(default=None, repr=False)
    failures: list[str] = field(default_factory=list)


class ProgressSink:
    """Receives progress of long steps; the base class ignores it (``--quiet``, not a terminal).

    Subclass it, or pass any object with these three methods as ``progress=``.
    """

    def start(self, task: str, total: int) -> None:
        """A step with ``total`` units begins."""

    def advance(self, task: str, n: int = 1) -> None:
        """``n`` more units of ``task`` are done."""

    def finish(self, task: str) -> None:
        """The step ended (completed, stopped or failed)."""


class TqdmProgress(ProgressSink):
    """One tqdm bar per step on stderr."""

    _LABELS: ClassVar[dict[str, str]] = {
        "datasets": "bulk datasets",
        "texts": "business text",
        "composition": "revenue mix",
        "snapshot": "writing snapshot",
    }

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}
        self._lock = threading.Lock()

    def start(self, task: str, total: int) -> None:
        from tqdm import tqdm

        with self._lock:
            self._bars[task] = tqdm(total=total, desc=self._LABELS.get(task, task), unit="", leave=True)

    def advance(self, task: str, n: int = 1) -> None:
        with self._lock:
            if task in self._bars:
                self._bars[task].update(n)

    def finish(self, task: str) -> None:
        with self._lock:
            bar = self._bars.pop(task, None)
        if bar is not None:
            bar.close()


def make_progress(progress: ProgressSink | bool | None) -> ProgressSink:
    """``None``: bars when stderr is a terminal; ``True``/``False``: always/never; or a sink as is."""
    if isinstance(progress, bool) or progress is None:
        show = sys.stderr.isatty() if progress is None else progress
        return TqdmProgress() if show else ProgressSink()
    return progress


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_source(source: Any) -> AkshareSource:
    if source is None:
        return AkshareSource.default()
    return source if isinstance(source, AkshareSource) else AkshareSource(source)


def select_text_candidates(
    universe: pd.DataFrame, themes: Any = None, *, max_per_theme: int | None = 150
) -> list[str]:
    """The cheap first-stage screen: theme candidates judged on name, industries and concepts only.

    Business text is blanked before screening, so the result does not depend on what is cached.
    Returns codes, best ranks first, at most ``max_per_theme`` per theme.
    """
    from . import load_themes, screen

    blank = pd.Series(pd.NA, index=universe.index, dtype="string")
    cheap = universe.assign(main_business=blank, business_scope=blank, products=blank, summary_en=blank)
    candidates = screen(cheap, themes if themes is not None else load_themes()).candidates
    if max_per_theme is not None:
        candidates = candidates[candidates["rank"] <= max_per_theme]
    return list(dict.fromkeys(candidates.sort_values("rank", kind="stable")["code"].astype(str)))


# ---------------------------------------------------------------------- per-company stage
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
            except _SOURCE_ERRORS as exc:
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
        return pd.DataFrame([record]).reindex(columns=_TEXT_COLUMNS).astype("string")

    return one


def _company_stage(
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
    """
    jobs: dict[str, tuple[CompanyCache, Callable[[str], pd.DataFrame]]] = {}
    if texts:
        jobs["texts"] = (CompanyCache(store, "texts", _TEXT_COLUMNS), _text_fetcher(src, now))
    if composition:
        jobs["composition"] = (
            CompanyCache(store, "composition", _COMPOSITION_COLUMNS),
            src.revenue_composition,
        )
    reports: dict[str, dict[str, Any]] = {}
    stop = threading.Event()  # set on Ctrl-C: loops flush what they have and end after the current call
    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        futures = {}
        for kind, (cache, fetch_one) in jobs.items():
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


# ---------------------------------------------------------------------- bulk stage
def _bulk_stage(
    src: AkshareSource,
    store: SnapshotStore,
    quarters: list[str],
    *,
    refresh: bool,
    now: Callable[[], dt.datetime],
    sink: ProgressSink,
) -> dict[str, dict[str, Any]]:
    """Fetch every stale dataset (in parallel across hosts); reuse fresh or last good copies."""
    states: dict[str, dict[str, Any]] = {}
    todo = []
    for name, (_, key_of) in _DATASETS.items():
        key = key_of(quarters)
        if not refresh and store.is_fresh(name, now(), key):
            cached = store.load_dataset(name)
            if cached is not None:
                states[name] = {"state": "fresh", "frame": cached[0], "meta": cached[1]}
                continue
        todo.append((name, key))

    def run(name: str, key: str | None) -> dict[str, Any]:
        fetch, _ = _DATASETS[name]
        try:
            result = fetch(src, quarters)
        except _SOURCE_ERRORS as exc:
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


def _parts(states: dict[str, dict[str, Any]]) -> dict[str, pd.DataFrame | None]:
    parts = {name: s["frame"] for name, s in states.items() if name not in ("industry_sw", "sw_names")}
    classes = states.get("industry_sw", {}).get("frame")
    names_frame = states.get("sw_names", {}).get("frame")
    names = (
        dict(zip(names_frame["prefix"], names_frame["name"], strict=True)) if names_frame is not None else {}
    )
    parts["industry_sw"] = tf.sw_levels(classes, names) if classes is not None else None
    return parts


def _summarise_calls(calls: Iterable[Any]) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    bulk, summary = [], {}
    for call in calls:
        if call.function in _PER_COMPANY:
            entry = summary.setdefault(call.function, {"calls": 0, "ok": 0, "failed": 0, "requests": 0})
            entry["calls"] += 1
            entry["ok" if call.ok else "failed"] += 1
            entry["requests"] += call.requests
        else:
            bulk.append(asdict(call))
    return bulk, summary


def pull(
    cache_dir: Any = None,
    *,
    source: Any = None,
    refresh: bool = False,
    texts: str = "candidates",
    composition: bool = True,
    themes: Any = None,
    max_per_theme: int | None = 150,
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
    texts : {"candidates", "all", "none"}
        Business text and revenue composition for the cheap-screen candidates, for every company
        (a backfill that can be stopped and resumed), or not at all.
    composition : bool
        Also fetch revenue composition (主营构成) for the same companies.
    themes : ThemeSet, optional
        Themes of the cheap screen; default the bundled ones.
    max_per_theme : int, optional
        Candidates per theme whose text is fetched.
    resume : bool
        Continue the interrupted ``texts="all"`` backfill recorded in the cache.
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
        raise ValueError(f"texts must be 'candidates', 'all' or 'none', not {texts!r}")
    clock = now or _now
    store = SnapshotStore(resolve_cache_dir(cache_dir))
    src = _as_source(source)
    sink = make_progress(progress)
    first_call, requests_before = len(src.calls), src.requests_made()
    with store.lock():
        store.clean_staging()
        states = _bulk_stage(
            src, store, report_quarters(clock().date()), refresh=refresh, now=clock, sink=sink
        )
        parts = _parts(states)
        base = tf.assemble_universe({k: v for k, v in parts.items() if k != "texts"})
        if base.empty:
            errors = {n: str(s.get("error", s["state"])).splitlines()[0] for n, s in states.items()}
            store.log_pull({"at": clock().isoformat(), "status": "failed", "errors": errors})
            shown = "; ".join(f"{n}: {errors[n][:160]}" for n in _ROW_DATASETS if n in errors)
            raise SourceError(
                f"no universe: the exchange lists and the quotes all failed and none is cached ({shown}). "
                "Check the internet connection; `npf-screen doctor --live` probes each endpoint."
            )
        codes = _text_targets(store, base, texts, resume, themes, max_per_theme)
        stage = {}
        if codes:
            with_text = texts != "none" or resume
            stage = _company_stage(
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
            (store.root / "backfill.json").unlink(missing_ok=True)
        text_cache = CompanyCache(store, "texts", _TEXT_COLUMNS)
        comp_cache = CompanyCache(store, "composition", _COMPOSITION_COLUMNS)
        parts["texts"] = text_cache.rows_for(base["code"])  # fills only what bulk data lacks
        universe = tf.assemble_universe(parts)
        mix = comp_cache.rows_for(universe["code"]).reindex(columns=_COMPOSITION_COLUMNS)
        inputs = {n: s["meta"].get("version") for n, s in states.items()}
        inputs.update(texts=text_cache.version(), composition=comp_cache.version())
        requests = src.requests_made() - requests_before
        manifest = _manifest(
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
        latest = store.latest_id()
        if latest and not refresh and store.manifest(latest).get("inputs") == inputs:
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
    )


def _text_targets(
    store: SnapshotStore, base: pd.DataFrame, texts: str, resume: bool, themes: Any, max_per_theme: int | None
) -> list[str]:
    state_file = store.root / "backfill.json"
    if resume and state_file.is_file():
        return [str(c) for c in json.loads(state_file.read_text(encoding="utf-8"))["codes"]]
    if texts == "none":
        return []
    if texts == "all":
        codes = [str(c) for c in base["code"]]
        from ._atomic import atomic_write_text

        atomic_write_text(state_file, json.dumps({"started_at": _now().isoformat(), "codes": codes}))
        return codes
    return select_text_candidates(base, themes, max_per_theme=max_per_theme)


def _manifest(
    src: AkshareSource,
    states: dict[str, dict[str, Any]],
    stage: dict[str, dict[str, Any]],
    universe: pd.DataFrame,
    mix: pd.DataFrame,
    inputs: dict[str, Any],
    created: dt.datetime,
    texts: str,
    calls: Sequence[Any],
    requests: int,
) -> dict[str, Any]:
    failures = [f"{name}: {s['state']}: {s['error']}" for name, s in states.items() if s.get("error")]
    for name, s in states.items():
        if s["state"] == "fetched" and s["meta"].get("fallback_failures"):
            failures.append(
                f"{name}: served by {s['meta'].get('endpoint')} after: "
                + " | ".join(s["meta"]["fallback_failures"])
            )
    failures += [f"{kind}: stopped: {r['stopped']}" for kind, r in stage.items() if r.get("stopped")]
    coverage = tf.coverage(universe)
    missing_fields = [f for f in EXPECTED_FIELDS if coverage.get(f, 0.0) < 0.5]
    bulk_calls, per_company = _summarise_calls(calls)
    datasets = {}
    for name, s in states.items():
        datasets[name] = {"state": s["state"], **{k: v for k, v in s["meta"].items() if k != "dataset"}}
        if s.get("error"):
            datasets[name]["error"] = s["error"]
    from . import __version__

    return {
        "snapshot_id": None,
        "created_at": created.isoformat(),
        "status": "partial" if failures or missing_fields else "complete",
        "npf_screen_version": __version__,
        "akshare_version": src.version,
        "source": type(src.module).__name__,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "requests": requests,
        "rows": {"universe": len(universe), "revenue_composition": len(mix)},
        "coverage": coverage,
        "missing_fields": missing_fields,
        "failures": failures,
        "missing_datasets": [name for name, s in states.items() if s["state"] == "missing"],
        "datasets": datasets,
        "texts_mode": texts,
        "company_stage": stage,
        "calls": bulk_calls,
        "per_company_calls": per_company,
        "inputs": inputs,
    }


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
    Other keyword arguments go to :func:`pull` (``texts``, ``themes``, ``keep`` …).

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
        _company_stage(
            _as_source(source),
            store,
            codes,
            texts=kind == "texts",
            composition=kind == "composition",
            refresh=refresh,
            now=now or _now,
            sink=make_progress(progress),
        )
    columns = _TEXT_COLUMNS if kind == "texts" else _COMPOSITION_COLUMNS
    return CompanyCache(store, kind, columns).rows_for(codes)


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


def backfill_business_text(
    cache_dir: Any = None,
    *,
    source: Any = None,
    resume: bool = False,
    composition: bool = True,
    progress: ProgressSink | bool | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> PullReport:
    """Fetch business text for every company: a pull with ``texts="all"`` (about 5,400 requests).

    Stop it any time (Ctrl-C, a ban, a crash): finished companies are flushed every 25, and a rerun,
    or ``resume=True`` (which keeps the interrupted run's company list), continues where it left off.
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
