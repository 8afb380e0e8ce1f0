"""The universe of a scheduled run: where it comes from, its data quality, and the definition's filters.

:func:`load_universe_data` is the default :data:`UniverseLoader` of :func:`npf_screen.runs.runner.run_screen`;
:func:`apply_filters` applies a definition's ``[filters]`` (ST / *ST names, days listed, market cap
range in 亿元, boards; unknown values pass or fail as the definition says).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from npf_screen.runs.definitions import Filters, UniverseSpec

__all__ = ["UniverseData", "UniverseLoader", "apply_filters", "filter_notes", "load_universe_data"]

# ST, *ST, S*ST; not STAR. Its blanks backtrack quadratically on a long run of spaces (a
# 40,000-space name took 15 s), so it only ever sees a name's first 32 characters after lstrip.
_ST = re.compile(r"^\s*(?:S\s*)?\*?\s*ST(?![A-Za-z])", re.IGNORECASE)
_ST_HEAD = 32


@dataclass(frozen=True)
class UniverseData:
    """A universe to screen, where it came from, and whether it is complete and current."""

    frame: pd.DataFrame
    snapshot_id: str
    stale: bool = False
    partial: bool = False
    notes: tuple[str, ...] = ()


#: ``loader(spec, offline) -> UniverseData``; :func:`load_universe_data` is the default.
UniverseLoader = Callable[[UniverseSpec, bool], UniverseData]


def _frame_digest(frame: pd.DataFrame) -> str:
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(hashes.tobytes()).hexdigest()[:12]


def load_universe_data(
    spec: UniverseSpec, offline: bool = False, *, cache_dir: Path | None = None
) -> UniverseData:
    """The default :data:`UniverseLoader`.

    ``live`` and ``latest`` use :mod:`npf_screen.fetch.api`; data quality is read from the frame's
    ``attrs`` that it sets from the snapshot manifest: ``stale`` (bool), ``partial`` (bool) or
    ``snapshot_status`` other than ``"complete"``, ``notes`` (lines for the summary), ``snapshot_id``.
    ``file`` and ``sample`` get the id ``file:<name>:<digest>`` / ``sample:<digest>``.
    """
    from npf_screen.universe import loader as universe_module

    if spec.source == "file":
        frame = universe_module.load_universe(spec.path)  # type: ignore[arg-type]
        return UniverseData(frame, f"file:{Path(spec.path).name}:{_frame_digest(frame)}")  # type: ignore[arg-type]
    if spec.source == "sample":
        frame = universe_module.load_sample()
        return UniverseData(frame, f"sample:{_frame_digest(frame)}")
    from npf_screen.fetch import api as fetch

    if spec.source == "live":
        frame = fetch.fetch_universe(cache_dir, offline=offline)
        snapshot_id = frame.attrs.get("snapshot_id") or fetch.load_snapshot(None, cache_dir)[1]
    else:
        frame, snapshot_id = fetch.load_snapshot(spec.snapshot, cache_dir)
    attrs = frame.attrs
    notes = tuple(str(n) for n in attrs.get("notes", ()))
    partial = bool(attrs.get("partial")) or attrs.get("snapshot_status", "complete") != "complete"
    return UniverseData(frame, str(snapshot_id), bool(attrs.get("stale")), partial, notes)


#: The column each filter reads.
_FILTER_COLUMNS: dict[str, str] = {
    "min_days_listed": "list_date",
    "market_cap_min": "market_cap_yi",
    "market_cap_max": "market_cap_yi",
    "boards": "board",
}


def filter_notes(universe: pd.DataFrame, filters: Filters) -> list[str]:
    """A note for every filter that cannot work on this universe: its column holds no value at all.

    Such a filter passes every company (``missing = "pass"``) or removes every company
    (``missing = "fail"``) — either way not what it says; the run goes on and its summary carries the
    note (the bundled sample, for one, has no market capitalisation).

    Examples
    --------
    >>> import pandas as pd
    >>> from npf_screen.runs.definitions import Filters
    >>> [note] = filter_notes(pd.DataFrame({"market_cap_yi": [None, None]}), Filters(market_cap_min=30))
    >>> note.split(":")[0]
    'filter market_cap_min = 30 has no effect'
    >>> "no market_cap_yi values" in note
    True
    """
    notes = []
    for key, column in _FILTER_COLUMNS.items():
        value = getattr(filters, key)
        if value in (None, 0, ()) or (column in universe and universe[column].notna().any()):
            continue
        shown = list(value) if isinstance(value, tuple) else f"{value:g}"
        effect = (
            'missing = "pass" lets every company through'
            if filters.missing == "pass" and key != "boards"
            else 'missing = "fail" removes every company'
        )
        notes.append(f"filter {key} = {shown} has no effect: the universe has no {column} values ({effect})")
    return notes


def apply_filters(
    universe: pd.DataFrame, filters: Filters, as_of: dt.date
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Apply a definition's filters; return the kept companies and how many each filter removed."""
    keep_missing = filters.missing == "pass"
    masks: dict[str, pd.Series] = {}
    if filters.exclude_st:
        names = universe["name"].fillna("").str.lstrip().str.slice(0, _ST_HEAD)  # the marker leads
        masks["ST"] = ~names.str.match(_ST)
    if filters.min_days_listed:
        listed = pd.to_datetime(universe["list_date"], errors="coerce")
        days = (pd.Timestamp(as_of) - listed).dt.days
        masks["days listed"] = (days >= filters.min_days_listed) | (listed.isna() & keep_missing)
    cap = pd.to_numeric(universe["market_cap_yi"], errors="coerce")
    if filters.market_cap_min is not None:
        masks["market cap min"] = (cap >= filters.market_cap_min) | (cap.isna() & keep_missing)
    if filters.market_cap_max is not None:
        masks["market cap max"] = (cap <= filters.market_cap_max) | (cap.isna() & keep_missing)
    if filters.boards:
        masks["board"] = universe["board"].isin(filters.boards)
    keep = pd.Series(True, index=universe.index)
    removed: dict[str, int] = {}
    for reason, mask in masks.items():
        mask = mask.fillna(False).astype(bool)
        removed[reason] = int((keep & ~mask).sum())
        keep &= mask
    return universe[keep].reset_index(drop=True), removed
