"""The manifest of a pull: what each dataset and stage did, coverage, and whether the snapshot is complete.

A snapshot is ``partial`` when any dataset failed or was served by a fallback, a per-company stage
stopped early, or the bulk datasets fill fewer than half of the companies for any of the
:data:`EXPECTED_FIELDS`; otherwise it is ``complete``.
"""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

import pandas as pd

from npf_screen.fetch.snapshots import SnapshotStore
from npf_screen.sources import transform as tf
from npf_screen.sources.protocol import Source

__all__ = ["EXPECTED_FIELDS", "PER_COMPANY_FUNCTIONS", "build_manifest", "summarise_calls", "worse_than"]

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
#: akshare functions called once per company: summarised in the manifest, not listed call by call.
PER_COMPANY_FUNCTIONS = frozenset({"stock_zyjs_ths", "stock_profile_cninfo", "stock_zygc_em"})


def summarise_calls(calls: Iterable[Any]) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """Bulk calls as records, per-company calls as counts per function (calls, ok, failed, requests)."""
    bulk, summary = [], {}
    for call in calls:
        if call.function in PER_COMPANY_FUNCTIONS:
            entry = summary.setdefault(call.function, {"calls": 0, "ok": 0, "failed": 0, "requests": 0})
            entry["calls"] += 1
            entry["ok" if call.ok else "failed"] += 1
            entry["requests"] += call.requests
        else:
            bulk.append(asdict(call))
    return bulk, summary


def build_manifest(
    src: Source,
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
    """The manifest of a pull (``snapshot_id`` is filled in when a snapshot is written).

    ``states`` is the bulk stage's outcome, ``stage`` the per-company stage's reports, ``inputs``
    the versions of every cache the universe was built from (equal inputs: nothing changed).
    """
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
    bulk_calls, per_company = summarise_calls(calls)
    datasets = {}
    for name, s in states.items():
        datasets[name] = {"state": s["state"], **{k: v for k, v in s["meta"].items() if k != "dataset"}}
        if s.get("error"):
            datasets[name]["error"] = s["error"]
    from npf_screen.core.version import __version__

    guard = getattr(src, "transport", None)
    transport = guard.counts() if guard is not None else {}

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
        "transport": transport,
        "inputs": inputs,
    }


def worse_than(store: SnapshotStore, latest: str, universe: pd.DataFrame, manifest: dict[str, Any]) -> str:
    """Why the new universe is worse than snapshot ``latest`` ('' when it is not).

    Worse: at least 5% fewer companies, or any expected field's coverage lower by more than
    5 percentage points. A pull then keeps the latest snapshot instead of writing a worse one.
    """
    try:
        previous = store.manifest(latest)
    except Exception:
        return ""
    before = int((previous.get("rows") or {}).get("universe") or 0)
    if before and len(universe) < 0.95 * before:
        return f"{len(universe)} companies, {before} before"
    old, new = previous.get("coverage") or {}, manifest.get("coverage") or {}
    thinner = [
        f"{f} {new.get(f, 0):.0%} < {old[f]:.0%}"
        for f in EXPECTED_FIELDS
        if f in old and new.get(f, 0) < old[f] - 0.05
    ]
    return "coverage " + ", ".join(thinner) if thinner else ""
