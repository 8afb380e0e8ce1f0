"""The local cache: dated universe snapshots, per-dataset caches and per-company caches.

Layout of a cache directory (argument > ``NPF_SCREEN_CACHE`` > the per-user cache dir)::

    snapshots/20261128T093000Z/      one pull: universe.parquet, revenue_composition.parquet,
                                     manifest.json (written last; a dir without it is not a snapshot)
    datasets/quotes.parquet + .json  the last good frame of each bulk dataset and when it came
    companies/texts.parquet          per-company caches (business text, revenue composition) with
    companies/texts.index.parquet    one index row per company: when fetched and whether it worked
    backfill.json                    the code list of an interrupted full-market text backfill
    pulls.jsonl                      one line per pull, failed ones included
    .pull.lock                       held by the running pull

A snapshot is written into a hidden staging directory and renamed into place in one step, so a
failed or killed pull never replaces or damages the last good snapshot, and readers never see half
of one. Dataset and company caches are replaced file by file with atomic renames.

This module holds :class:`SnapshotStore` (snapshots, dataset caches, the pull lock and log); the
cache location and freshness windows are in :mod:`.cache_policy`, the per-company caches in
:mod:`.company_cache`, and their public names are importable from here too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from npf_screen.core.atomic import atomic_write_parquet, atomic_write_text
from npf_screen.core.cache_dir import ENV_VAR
from npf_screen.core.errors import SnapshotError, UniverseError
from npf_screen.fetch.cache_policy import FRESHNESS
from npf_screen.universe.schema import to_canonical

__all__ = [
    "SnapshotStore",
]

UNIVERSE_FILE, COMPOSITION_FILE, MANIFEST_FILE = (
    "universe.parquet",
    "revenue_composition.parquet",
    "manifest.json",
)
_STAGING_PREFIX = ".staging-"


def _utc(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class SnapshotStore:
    """One cache directory: snapshots, dataset caches and the pull lock.

    Parameters
    ----------
    root : path
        The cache directory (see :func:`resolve_cache_dir`); created on first write.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.snapshots_dir = self.root / "snapshots"
        self.datasets_dir = self.root / "datasets"
        self.companies_dir = self.root / "companies"

    # ------------------------------------------------------------------ locking
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the pull lock; a second pull on the same cache fails fast instead of interleaving."""
        import filelock

        self.root.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.root / ".pull.lock"))
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            raise SnapshotError(
                f"another pull holds {self.root / '.pull.lock'}; wait for it to finish "
                "(a crashed pull releases the lock when its process ends)"
            ) from None
        try:
            yield
        finally:
            lock.release()

    # ------------------------------------------------------------------ datasets
    def _dataset_paths(self, name: str) -> tuple[Path, Path]:
        return self.datasets_dir / f"{name}.parquet", self.datasets_dir / f"{name}.json"

    def dataset_meta(self, name: str) -> dict[str, Any] | None:
        """The metadata of a cached dataset (fetched_at, endpoint, key, rows, version), or ``None``."""
        frame_path, meta_path = self._dataset_paths(name)
        if not (frame_path.is_file() and meta_path.is_file()):
            return None
        try:
            return json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def load_dataset(self, name: str) -> tuple[pd.DataFrame, dict[str, Any]] | None:
        """The last good frame of a dataset and its metadata, or ``None`` when never fetched."""
        meta = self.dataset_meta(name)
        if meta is None:
            return None
        try:
            return pd.read_parquet(self._dataset_paths(name)[0]), meta
        except Exception:  # a damaged cache file is as good as none
            return None

    def save_dataset(self, name: str, frame: pd.DataFrame, meta: Mapping[str, Any]) -> dict[str, Any]:
        """Store a freshly fetched dataset (frame first, then its metadata) and return the metadata."""
        frame_path, meta_path = self._dataset_paths(name)
        record = {**meta, "dataset": name, "rows": len(frame), "version": uuid.uuid4().hex[:12]}
        atomic_write_parquet(frame_path, frame)
        atomic_write_text(meta_path, json.dumps(record, ensure_ascii=False, indent=1, default=str))
        return record

    def is_fresh(self, name: str, now: dt.datetime, key: str | None = None) -> bool:
        """Whether the cached dataset is younger than its :data:`FRESHNESS` and has the same ``key``.

        A dataset a fallback served is never fresh: the next pull tries the primary endpoint again.
        """
        meta = self.dataset_meta(name)
        fetched = _utc(meta.get("fetched_at")) if meta else None
        if meta is None or fetched is None or meta.get("fallback"):
            return False
        if key is not None and meta.get("key") != key:
            return False
        return now - fetched < FRESHNESS[name]

    def log_pull(self, record: Mapping[str, Any]) -> None:
        """Append one line to ``pulls.jsonl``: every pull, including failed ones that wrote no snapshot."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "pulls.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(dict(record), ensure_ascii=False, default=str) + "\n")

    # ------------------------------------------------------------------ snapshots
    def snapshot_ids(self) -> list[str]:
        """Ids of complete snapshot directories (with a manifest), oldest first."""
        if not self.snapshots_dir.is_dir():
            return []
        return sorted(
            p.name
            for p in self.snapshots_dir.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST_FILE).is_file()
        )

    def manifest(self, snapshot_id: str) -> dict[str, Any]:
        """The manifest of one snapshot."""
        path = self.snapshots_dir / snapshot_id / MANIFEST_FILE
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SnapshotError(self._unknown(snapshot_id)) from None
        except (OSError, ValueError) as exc:
            raise SnapshotError(
                f"{path}: unreadable manifest ({exc}); delete that snapshot directory"
            ) from exc
        if not isinstance(manifest, dict):
            raise SnapshotError(
                f"{path}: the manifest is a JSON {type(manifest).__name__}, not an object; "
                "delete that snapshot directory"
            )
        return manifest

    def damage(self, snapshot_id: str) -> str | None:
        """Why a snapshot cannot be used (manifest, universe or composition unreadable), or ``None``.

        The universe is read in full and mapped onto the canonical schema, so a truncated file,
        garbage, a missing file or one with the wrong columns all count as damage.
        """
        try:
            self.manifest(snapshot_id)
            self._read_universe(snapshot_id)
            if self.has_composition(snapshot_id):
                self.load_composition(snapshot_id)
        except (SnapshotError, UniverseError) as exc:
            return str(exc)
        return None

    def intact_ids(self) -> list[str]:
        """Ids of snapshots that can be read (see :meth:`damage`), oldest first."""
        return [i for i in self.snapshot_ids() if self.damage(i) is None]

    def _unknown(self, snapshot_id: str) -> str:
        ids = self.snapshot_ids()
        shown = ", ".join(ids[-5:]) if ids else "none"
        return f"no snapshot {snapshot_id!r} in {self.snapshots_dir}; available (latest): {shown}"

    def latest_id(self) -> str | None:
        """The newest snapshot (complete or partial, possibly damaged), or ``None``."""
        ids = self.snapshot_ids()
        return ids[-1] if ids else None

    def latest_intact_id(self) -> str | None:
        """The newest snapshot that can be read, or ``None``."""
        return next((i for i in reversed(self.snapshot_ids()) if self.damage(i) is None), None)

    def new_snapshot_id(self, now: dt.datetime) -> str:
        """A sortable id from the UTC time (``20261128T093000Z``), suffixed when taken."""
        base = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        taken = set(self.snapshot_ids())
        candidate, n = base, 1
        while candidate in taken or (self.snapshots_dir / candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def clean_staging(self) -> list[str]:
        """Remove staging directories left by killed pulls (call while holding the lock)."""
        if not self.snapshots_dir.is_dir():
            return []
        stale = [p for p in self.snapshots_dir.iterdir() if p.name.startswith(_STAGING_PREFIX)]
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)
        return [p.name for p in stale]

    def write_snapshot(
        self,
        snapshot_id: str,
        universe: pd.DataFrame,
        composition: pd.DataFrame,
        manifest: Mapping[str, Any],
        on_file: Callable[[str], object] | None = None,
    ) -> Path:
        """Write a snapshot into a staging directory, then rename it into place atomically.

        ``on_file`` is called after each file is written (for progress). If anything fails or the
        process dies before the rename, no snapshot appears and the previous ones are untouched.
        """
        final = self.snapshots_dir / snapshot_id
        if final.exists():
            raise SnapshotError(f"{final} already exists; snapshot ids are never reused")
        staging = self.snapshots_dir / f"{_STAGING_PREFIX}{snapshot_id}-{os.getpid()}"
        staging.mkdir(parents=True)
        try:
            for name, frame in ((UNIVERSE_FILE, universe), (COMPOSITION_FILE, composition)):
                frame.to_parquet(staging / name, index=False)
                with open(staging / name, "rb") as handle:
                    os.fsync(handle.fileno())
                if on_file:
                    on_file(name)
            text = json.dumps(dict(manifest), ensure_ascii=False, indent=1, default=str)
            atomic_write_text(staging / MANIFEST_FILE, text)
            if on_file:
                on_file(MANIFEST_FILE)
            _fsync_dir(staging)
            os.rename(staging, final)
            _fsync_dir(self.snapshots_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return final

    def load(self, snapshot_id: str | None = None) -> tuple[pd.DataFrame, str, dict[str, Any]]:
        """A snapshot's canonical universe, its id and manifest (the latest when ``snapshot_id`` is None)."""
        if snapshot_id is None:
            for candidate in reversed(self.snapshot_ids()):  # the newest readable one
                problem = self.damage(candidate)
                if problem is None:
                    snapshot_id = candidate
                    break
                warnings.warn(
                    f"skipping damaged snapshot {candidate}: {problem}", RuntimeWarning, stacklevel=2
                )
            if snapshot_id is None:
                raise SnapshotError(
                    f"no readable snapshot in {self.snapshots_dir}; run `npf-screen pull` once with internet "
                    f"access (or point --cache-dir / ${ENV_VAR} at a cache that has one)"
                )
        manifest = self.manifest(snapshot_id)
        try:
            universe = self._read_universe(snapshot_id)
        except UniverseError as exc:
            raise SnapshotError(f"{exc}\ndelete snapshot {snapshot_id} or pull again") from exc
        universe.attrs.update(snapshot_id=snapshot_id, snapshot_status=manifest.get("status", "unknown"))
        return universe, snapshot_id, manifest

    def _read_universe(self, snapshot_id: str) -> pd.DataFrame:
        path = self.snapshots_dir / snapshot_id / UNIVERSE_FILE
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several unrelated types for damaged files
            raise SnapshotError(
                f"{path}: unreadable ({type(exc).__name__}: {str(exc)[:200]}); "
                f"delete snapshot {snapshot_id} or pull again"
            ) from None
        return to_canonical(frame, source=str(path), strict=False)  # checked on arrival (sources.checks)

    def has_composition(self, snapshot_id: str) -> bool:
        """Whether the snapshot was pulled with a revenue-composition table."""
        return (self.snapshots_dir / snapshot_id / COMPOSITION_FILE).is_file()

    def load_composition(self, snapshot_id: str) -> pd.DataFrame:
        """The revenue-composition table stored beside a snapshot's universe."""
        path = self.snapshots_dir / snapshot_id / COMPOSITION_FILE
        if not path.is_file():
            raise SnapshotError(self._unknown(snapshot_id))
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several unrelated types for damaged files
            raise SnapshotError(
                f"{path}: unreadable ({type(exc).__name__}: {str(exc)[:200]}); "
                f"delete snapshot {snapshot_id} or pull again"
            ) from None

    def prune(self, keep: int) -> list[str]:
        """Delete all but the ``keep`` newest readable snapshots and every damaged one.

        The newest readable complete snapshot is always kept, and so is the last readable one: a
        damaged snapshot never counts as "the newest", and pruning never removes the only
        snapshot that can still be read.
        """
        if keep < 1:
            raise SnapshotError(f"retention must keep at least 1 snapshot, not {keep}")
        ids = self.snapshot_ids()
        intact = [i for i in ids if self.damage(i) is None]
        complete = [i for i in intact if self._status(i) == "complete"]
        protected = set(intact[-keep:]) | set(complete[-1:])
        removed = [i for i in ids if i not in protected]
        for snapshot_id in removed:
            shutil.rmtree(self.snapshots_dir / snapshot_id, ignore_errors=True)
        return removed

    def _status(self, snapshot_id: str) -> str:
        try:
            return str(self.manifest(snapshot_id).get("status", "unknown"))
        except SnapshotError:
            return "unreadable"

    def list(self) -> pd.DataFrame:
        """One row per snapshot, newest first: id, created_at, status, companies, requests, failures."""
        rows = []
        for snapshot_id in reversed(self.snapshot_ids()):
            try:
                m = self.manifest(snapshot_id)
            except SnapshotError:
                m = {"status": "unreadable"}
            rows.append(
                {
                    "snapshot_id": snapshot_id,
                    "created_at": m.get("created_at"),
                    "status": m.get("status"),
                    "companies": (m.get("rows") or {}).get("universe"),
                    "requests": m.get("requests"),
                    "failures": len(m.get("failures") or []),
                    "akshare_version": m.get("akshare_version"),
                    "path": str(self.snapshots_dir / snapshot_id),
                }
            )
        columns = [
            "snapshot_id",
            "created_at",
            "status",
            "companies",
            "requests",
            "failures",
            "akshare_version",
            "path",
        ]
        return pd.DataFrame(rows, columns=columns)
