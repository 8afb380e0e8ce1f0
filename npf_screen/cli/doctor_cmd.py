"""``npf-screen doctor``: check the data layer; ``--live`` probes each akshare endpoint once.

Without ``--live`` nothing touches the network: it reports the installed akshare, whether the
JavaScript engine cninfo needs is importable, and the cache (latest snapshot, dataset ages). With
``--live`` it makes one cheap call per endpoint (about 40 requests in all) and reports which answer
and whether their columns, dtypes and values still match the reference the adapter was built on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from typing import Any

from npf_screen.core.exit_codes import ExitCode

__all__ = ["AKSHARE_RANGE", "TESTED_AKSHARE", "akshare_verdict", "register", "run_doctor", "run_probes"]

#: The akshare versions the endpoint reference, the adapter and the HTTP-level tests (akshare's own
#: parsers fed canned upstream answers) were run against. Keep in step with pyproject.toml.
TESTED_AKSHARE: tuple[str, ...] = ("1.19.5",)
#: The range pyproject.toml allows: the tested minor series.
AKSHARE_RANGE = (">=1.19.5", "<1.20")


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def akshare_verdict(version: str) -> str:
    """How an installed akshare version relates to the tested ones, in one line.

    Examples
    --------
    >>> akshare_verdict("1.19.5")
    'tested'
    >>> akshare_verdict("1.19.9")
    'inside the pinned range >=1.19.5,<1.20 but not tested (tested: 1.19.5); run doctor --live'
    >>> akshare_verdict("1.20.1").startswith("outside")
    True
    """
    if version in TESTED_AKSHARE:
        return "tested"
    low, high = (_version_key(b.lstrip("<>=")) for b in AKSHARE_RANGE)
    tested = ", ".join(TESTED_AKSHARE)
    if low <= _version_key(version) < high:
        pinned = ",".join(AKSHARE_RANGE)
        return f"inside the pinned range {pinned} but not tested (tested: {tested}); run doctor --live"
    return (
        f"outside the tested range {','.join(AKSHARE_RANGE)} (tested: {tested}); column maps may not "
        "match, run doctor --live before pulling"
    )


def _probes(source: Any) -> list[tuple[str, str, Callable[[], Any]]]:
    """(endpoint, cost, thunk) for each probe; thunks return a note or raise."""
    from npf_screen.fetch.datasets import report_quarters
    from npf_screen.sources import transform as tf
    from npf_screen.sources.aliases import CLIST_PARAMS, CLIST_URL

    quarter = report_quarters(dt.date.today())[1]
    state: dict[str, Any] = {}

    def clist() -> str:
        params = {**CLIST_PARAMS, "fs": "m:0 t:81 s:2048"}  # BSE only: a few pages
        frame = source.call("fetch_paginated_data", CLIST_URL, base_params=params, min_rows=50)
        table, notes = tf.clist_quotes(frame)
        province = table["province"].notna().mean()
        concepts = table["concepts"].str.contains(",", regex=False).mean()
        industry = table["industry_em_l1"].notna().mean()
        return (
            f"f100 industry {industry:.0%}, f102 province {province:.0%}, f103 lists {concepts:.0%} {notes}"
        )

    def sw_classes() -> str:
        state["sw"] = tf.sw_classes(source.call("stock_industry_clf_hist_sw"))
        return f"{len(state['sw'])} stocks"

    def sw_names() -> str:
        frame = source.call("stock_industry_category_cninfo", symbol="申银万国行业分类标准")
        names = tf.sw_name_table(frame)
        if "sw" not in state:
            return f"{len(names)} names"
        matched = state["sw"]["sw_code"].str[:6].isin(set(names)).mean()
        return f"{len(names)} names; {matched:.0%} of SW class codes found (low means another code format)"

    def call(endpoint: str, *args: Any, **kwargs: Any) -> Callable[[], str]:
        return lambda: f"{len(source.call(endpoint, *args, **kwargs))} rows"

    return [
        ("stock_info_sh_name_code", "1", call("stock_info_sh_name_code", symbol="科创板", min_rows=300)),
        ("stock_info_sz_name_code", "1", call("stock_info_sz_name_code", symbol="A股列表")),
        ("stock_info_bj_name_code", "~17", call("stock_info_bj_name_code")),
        ("clist f100/f102/f103", "~3", clist),
        ("stock_zh_a_spot_em", "~3", call("stock_zh_a_spot_em", via="stock_bj_a_spot_em", min_rows=50)),
        ("stock_yjbb_em", "~13", call("stock_yjbb_em", date=quarter)),
        ("stock_zcfz_bj_em", "~2", call("stock_zcfz_bj_em", date=quarter)),
        ("stock_industry_clf_hist_sw", "1", sw_classes),
        ("stock_industry_category_cninfo", "1", sw_names),
        ("stock_board_industry_name_em", "1", call("stock_board_industry_name_em")),
        ("stock_zyjs_ths", "1", call("stock_zyjs_ths", symbol="000001")),
        ("stock_profile_cninfo", "1", call("stock_profile_cninfo", symbol="000001")),
        ("stock_zygc_em", "1", call("stock_zygc_em", symbol="SZ000001")),
    ]


def run_probes(source: Any) -> Any:
    """Run every live probe through ``source`` (an AkshareSource); one row per endpoint.

    Columns: endpoint, ok, requests (expected), seconds, columns (match / how they differ), note.
    """
    import pandas as pd

    rows = []
    for endpoint, cost, probe in _probes(source):
        before = len(source.calls)
        started = time.monotonic()
        try:
            note, ok = probe(), True
        except Exception as exc:
            note, ok = f"{type(exc).__name__}: {str(exc).splitlines()[0]}", False
        drift = [n for c in source.calls[before:] for n in c.notes]
        rows.append(
            {
                "endpoint": endpoint,
                "ok": ok,
                "requests": cost,
                "seconds": round(time.monotonic() - started, 1),
                "columns": ("differ: " + "; ".join(drift)) if drift else ("match" if ok else "?"),
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def _local_report(cache_dir: str | None) -> list[str]:
    import importlib.metadata
    import importlib.util

    from npf_screen.fetch.cache_policy import FRESHNESS, resolve_cache_dir
    from npf_screen.fetch.snapshots import SnapshotStore

    lines = []
    try:  # read the installed version without importing akshare (only the adapter imports it)
        version = importlib.metadata.version("akshare")
        lines.append(f"akshare {version} ({akshare_verdict(version)})")
    except importlib.metadata.PackageNotFoundError:
        lines.append("akshare: not installed; pip install akshare")
    racer = importlib.util.find_spec("py_mini_racer") is not None
    lines.append(
        f"py_mini_racer: {'importable' if racer else 'missing'} (needed by the cninfo text fallback)"
    )
    store = SnapshotStore(resolve_cache_dir(cache_dir))
    lines.append(f"cache: {store.root}")
    latest = store.latest_id()
    if latest is None:
        lines.append("snapshots: none yet (run `npf-screen pull`)")
    else:
        m = store.manifest(latest)
        companies = (m.get("rows") or {}).get("universe")
        lines.append(f"latest snapshot: {latest} ({m.get('status')}, {companies} companies)")
    now = dt.datetime.now(dt.UTC)
    for name in FRESHNESS:
        meta = store.dataset_meta(name)
        if meta and meta.get("fetched_at"):
            age = now - dt.datetime.fromisoformat(meta["fetched_at"])
            state = "fresh" if store.is_fresh(name, now, meta.get("key")) else "stale"
            lines.append(f"  dataset {name}: {state}, {age.days} d old, via {meta.get('endpoint')}")
    return lines


def run_doctor(args: argparse.Namespace) -> int:
    """Print the local report; with --live, probe every endpoint. 0 when all is well, else 1."""
    print("\n".join(_local_report(args.cache_dir)))
    if not args.live:
        return ExitCode.OK
    from npf_screen.sources.akshare_source import AkshareSource
    from npf_screen.sources.network import NoNetworkError

    source = AkshareSource.default()
    try:
        source.check_network()
    except NoNetworkError as exc:
        print(f"\n{exc}\nNo endpoint was probed.", file=sys.stderr)
        return ExitCode.FAILURE
    table = run_probes(source)
    sys.stdout.write("\n" + table.to_string(index=False) + "\n")
    drifted = table[table["columns"].str.startswith("differ") | table["note"].str.contains("SchemaDrift")]
    failed = table[~table["ok"] & ~table.index.isin(drifted.index)]
    if len(drifted):
        print(
            f"\n{len(drifted)} endpoint(s) drifted from the reference columns; upgrade akshare "
            "(pip install -U akshare) and check the tested range.",
            file=sys.stderr,
        )
    if len(failed):
        print(
            f"\n{len(failed)} endpoint(s) failed (refused, timed out or unreadable); see the notes. "
            "That is the site, not akshare: retry later; pulls fall back or keep the last good data.",
            file=sys.stderr,
        )
    return ExitCode.OK if failed.empty and drifted.empty else ExitCode.FAILURE


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``doctor`` to the CLI."""
    p = subparsers.add_parser("doctor", help="check akshare, the cache and (with --live) every endpoint")
    p.add_argument("--live", action="store_true", help="one cheap call per endpoint (about 40 requests)")
    p.add_argument(
        "--cache-dir", metavar="DIR", help="cache directory (default: $NPF_SCREEN_CACHE or the user cache)"
    )
    p.set_defaults(handler=run_doctor)
