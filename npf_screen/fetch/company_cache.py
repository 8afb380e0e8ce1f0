"""Per-company caches (business text, revenue composition): a base file plus small appended parts.

Each cache lives in the cache directory's ``companies/`` folder (layout in
:mod:`npf_screen.fetch.snapshots`): ``<name>.parquet`` with the rows and ``<name>.index.parquet`` with
one row per company saying when it was fetched and whether that worked, plus, while a stage runs,
``<name>.parts/NNNNNN.data.parquet`` and ``NNNNNN.index.parquet``: each :meth:`CompanyCache.flush`
writes only the outcomes since the previous flush (its index part last, atomically), so a backfill
writes in proportion to what it fetched, not the whole file every 25 companies. :meth:`CompanyCache.compact`
folds the parts into the base files once, at the end of a stage; parts left by a killed run are read
back (in order; a data part without its index part is ignored) and folded in by the next one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from npf_screen.core.atomic import atomic_write_parquet
from npf_screen.fetch.cache_policy import FRESHNESS

__all__ = ["CompanyCache"]

_INDEX_COLUMNS = ["code", "fetched_at", "status"]


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if path.is_file():
        with contextlib.suppress(Exception):
            return pd.read_parquet(path)
    return pd.DataFrame(
        {c: pd.Series(dtype="string" if c in ("code", "status") else "object") for c in columns}
    )


def _stagger(code: str) -> float:
    """A fixed factor in [0.75, 1.25) per company code."""
    digits = int(code) if code.isdigit() else sum(map(ord, code))
    return 0.75 + ((digits * 2654435761) % 1000) / 2000


class CompanyCache:
    """A per-company cache (business text, revenue composition), appended in parts and compacted once.

    ``index`` holds one row per company: ``code``, ``fetched_at`` (UTC), ``status`` (``ok`` or
    ``failed: …``); the rows (any number per company) are replaced whole by a newer ``ok`` outcome.
    """

    def __init__(self, directory: Path, name: str, columns: Iterable[str]) -> None:
        self.name = name
        self.columns = list(columns)
        self._data_path = Path(directory) / f"{name}.parquet"
        self._index_path = Path(directory) / f"{name}.index.parquet"
        self._parts_dir = Path(directory) / f"{name}.parts"
        base_index = _read(self._index_path, _INDEX_COLUMNS)
        self._index: dict[str, tuple[str, str]] = {
            str(c): (str(f), str(s))
            for c, f, s in base_index[_INDEX_COLUMNS].itertuples(index=False, name=None)
        }
        self._frames: list[pd.DataFrame] = [_read(self._data_path, self.columns).assign(_part=0)]
        self._owner: dict[str, int] = {}  # code → the part whose rows are current (0: the base file)
        self._next_part = 1
        self._pending: list[pd.DataFrame] = []
        self._pending_index: list[tuple[str, str, str]] = []
        self.writes = 0  # parquet files written, for tests and benchmarks
        self._lock = threading.RLock()  # workers of one kind share the cache
        self._load_parts()

    def _load_parts(self) -> None:
        if not self._parts_dir.is_dir():
            return
        for index_path in sorted(self._parts_dir.glob("*.index.parquet")):
            number = int(index_path.name.split(".")[0])
            data_path = self._parts_dir / f"{number:06d}.data.parquet"
            index = _read(index_path, _INDEX_COLUMNS)
            self._apply(number, _read(data_path, self.columns), index)
            self._next_part = max(self._next_part, number + 1)

    def _apply(self, number: int, data: pd.DataFrame, index: pd.DataFrame) -> None:
        for code, fetched, status in index[_INDEX_COLUMNS].itertuples(index=False, name=None):
            self._index[str(code)] = (str(fetched), str(status))
            if status == "ok":
                self._owner[str(code)] = number
        if len(data):
            self._frames.append(data.assign(_part=number))

    @property
    def index(self) -> pd.DataFrame:
        """One row per company: code, fetched_at, status."""
        rows = [(c, f, s) for c, (f, s) in self._index.items()]
        frame = pd.DataFrame(rows, columns=_INDEX_COLUMNS)
        return frame.astype({"code": "string", "status": "string"})

    @property
    def data(self) -> pd.DataFrame:
        """The current rows of every company (materialised on demand)."""
        frames = [f for f in self._frames if len(f)]
        if not frames:
            return self._frames[0].drop(columns="_part").reindex(columns=self.columns)
        merged = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        owner = merged["code"].astype(str).map(self._owner).fillna(0).astype(int)
        known = merged["code"].astype(str).isin(set(self._index))
        current = merged[(merged["_part"] == owner) & known]
        return current.drop(columns="_part").reindex(columns=self.columns).reset_index(drop=True)

    def fresh_codes(self, now: dt.datetime) -> set[str]:
        """Codes whose entry is still fresh: ok within the dataset's window, failed within a day.

        The window of an ok entry is staggered per company between 75% and 125% of the dataset's
        freshness (a fixed fraction from the code), so a market backfilled in one day does not go
        stale in one day: refreshes spread over weeks.
        """
        fresh = set()
        for code, (fetched, status) in self._index.items():
            try:
                when = dt.datetime.fromisoformat(fetched)
            except ValueError:
                continue
            when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            window = FRESHNESS[self.name] * _stagger(code) if status == "ok" else FRESHNESS["failed"]
            if now - when < window:
                fresh.add(code)
        return fresh

    def put(self, code: str, rows: pd.DataFrame | None, now: dt.datetime, status: str = "ok") -> None:
        """Record the outcome for one company (rows replace its previous rows when status is ok)."""
        with self._lock:
            if rows is not None and status == "ok":
                self._pending.append(rows.reindex(columns=self.columns).assign(code=code))
            self._pending_index.append((code, now.isoformat(), status))

    def flush(self) -> None:
        """Write the outcomes since the last flush as one new part (data first, then its index)."""
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        if not self._pending_index:
            return
        number = self._next_part
        self._next_part += 1
        data = pd.concat(self._pending, ignore_index=True) if self._pending else _read(Path(), self.columns)
        data = data.reindex(columns=self.columns)
        index = pd.DataFrame(self._pending_index, columns=_INDEX_COLUMNS).drop_duplicates("code", keep="last")
        index = index.astype({"code": "string", "status": "string"})
        self._pending, self._pending_index = [], []
        self._parts_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_parquet(self._parts_dir / f"{number:06d}.data.parquet", data)
        atomic_write_parquet(self._parts_dir / f"{number:06d}.index.parquet", index)
        self.writes += 2
        self._apply(number, data, index)

    def compact(self) -> None:
        """Flush, then fold every part into the base files and delete the parts (once per stage)."""
        with self._lock:
            self._compact()

    def _compact(self) -> None:
        self._flush()
        if not self._parts_dir.is_dir():
            return
        data, index = self.data, self.index
        atomic_write_parquet(self._data_path, data)
        atomic_write_parquet(self._index_path, index)
        self.writes += 2
        self._frames = [data.assign(_part=0)]
        self._owner = {}
        for path in sorted(self._parts_dir.glob("*.parquet")):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._parts_dir.rmdir()
        self._next_part = 1

    def rows_for(self, codes: Iterable[str]) -> pd.DataFrame:
        """The cached rows of these companies (whatever their age)."""
        data = self.data
        return data[data["code"].isin(set(codes))].reset_index(drop=True)

    def version(self) -> str:
        """A fingerprint of the cache content: changes whenever a flush adds outcomes."""
        latest = max((f for f, _ in self._index.values()), default="")
        return f"{len(self._index)}:{latest}"

    def stats(self) -> dict[str, Any]:
        """Companies known, ok and failed."""
        ok = sum(1 for _, s in self._index.values() if s == "ok")
        return {"companies": len(self._index), "ok": ok, "failed": len(self._index) - ok}
