"""Per-company caches (business text, revenue composition): in memory, flushed to Parquet atomically.

Each cache is two files in the cache directory's ``companies/`` folder (layout in
:mod:`npf_screen.fetch.snapshots`): ``<name>.parquet`` with the rows and ``<name>.index.parquet`` with one
row per company saying when it was fetched and whether that worked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from npf_screen.core.atomic import atomic_write_parquet
from npf_screen.fetch.cache_policy import FRESHNESS

__all__ = ["CompanyCache"]


class CompanyCache:
    """A per-company cache (business text, revenue composition) kept in memory and flushed atomically.

    ``data`` holds the rows (any number per company); ``index`` one row per company: ``code``,
    ``fetched_at`` (UTC), ``status`` (``ok`` or ``failed: …``). Rows of a company are replaced whole.
    """

    def __init__(self, directory: Path, name: str, columns: Iterable[str]) -> None:
        self.name = name
        self.columns = list(columns)
        self._data_path = Path(directory) / f"{name}.parquet"
        self._index_path = Path(directory) / f"{name}.index.parquet"
        self.index = self._read(self._index_path, ["code", "fetched_at", "status"])
        self.data = self._read(self._data_path, self.columns)
        self.data = self.data[self.data["code"].isin(set(self.index["code"]))]
        self._pending: list[pd.DataFrame] = []
        self._pending_index: list[dict[str, Any]] = []

    @staticmethod
    def _read(path: Path, columns: list[str]) -> pd.DataFrame:
        if path.is_file():
            with contextlib.suppress(Exception):
                return pd.read_parquet(path)
        return pd.DataFrame(
            {c: pd.Series(dtype="string" if c in ("code", "status") else "object") for c in columns}
        )

    def fresh_codes(self, now: dt.datetime) -> set[str]:
        """Codes whose entry is still fresh: ok within the dataset's window, failed within a day."""
        if self.index.empty:
            return set()
        fetched = pd.to_datetime(self.index["fetched_at"], utc=True, errors="coerce")
        ok = self.index["status"].astype("string").eq("ok").fillna(False).to_numpy(dtype=bool)
        window = pd.Series(
            [FRESHNESS[self.name] if is_ok else FRESHNESS["failed"] for is_ok in ok], index=self.index.index
        )
        fresh = (now - fetched) < window
        return set(self.index.loc[fresh.fillna(False).to_numpy(dtype=bool), "code"].astype(str))

    def put(self, code: str, rows: pd.DataFrame | None, now: dt.datetime, status: str = "ok") -> None:
        """Record the outcome for one company (rows replace its previous rows when status is ok)."""
        if rows is not None and status == "ok":
            self._pending.append(rows.reindex(columns=self.columns))
        self._pending_index.append({"code": code, "fetched_at": now.isoformat(), "status": status})

    def flush(self) -> None:
        """Merge pending outcomes and write both files atomically (data first, then the index)."""
        if not self._pending_index:
            return
        index = pd.DataFrame(self._pending_index)
        ok_codes = set(index.loc[index["status"] == "ok", "code"])
        kept = self.data[~self.data["code"].isin(ok_codes)]
        frames = [f for f in (kept, *self._pending) if len(f)]
        self.data = pd.concat(frames, ignore_index=True) if frames else kept
        self.index = pd.concat([self.index, index], ignore_index=True).drop_duplicates("code", keep="last")
        self.index = self.index.reset_index(drop=True).astype({"code": "string", "status": "string"})
        self._pending, self._pending_index = [], []
        atomic_write_parquet(self._data_path, self.data.reset_index(drop=True))
        atomic_write_parquet(self._index_path, self.index)

    def rows_for(self, codes: Iterable[str]) -> pd.DataFrame:
        """The cached rows of these companies (whatever their age)."""
        return self.data[self.data["code"].isin(set(codes))].reset_index(drop=True)

    def version(self) -> str:
        """A fingerprint of the cache content: changes whenever a flush adds outcomes."""
        return f"{len(self.index)}:{self.index['fetched_at'].astype(str).max() if len(self.index) else ''}"
