"""The run history of a screen: one record per run date, in an append-only folder.

Layout (``<history>/``)::

    .lock                                  held while a run writes (filelock)
    index.json                             one entry per run: the record without members
    switch-journal.json                    only while a run switches its files (completed after a kill)
    runs/<YYYY-MM-DD>.json                 the run: date, definition hash, snapshot id, members
    runs/<YYYY-MM-DD>.<token>.parquet      every candidate of that run (score, rank per theme)
    runs/<YYYY-MM-DD>.json.corrupt         a record that could not be read, moved aside by a run

Every file is written atomically; the JSON record is written after the Parquet it names, so a
crash leaves at most an unreferenced Parquet file (removed by the next run of that date).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from npf_screen.core.atomic import atomic_path, atomic_write_parquet, atomic_write_text
from npf_screen.core.errors import HistoryRecordError, RunError, RunLockedError, UnknownRunError
from npf_screen.core.records import records

__all__ = [
    "JOURNAL_NAME",
    "MEMBER_COLUMNS",
    "QUARANTINE_SUFFIX",
    "RunHistory",
    "RunRecord",
    "default_history_dir",
]

#: A run's switch journal in the history folder (present only while a run switches, or after a kill).
JOURNAL_NAME = "switch-journal.json"
#: Suffix of a run record moved aside because it could not be read.
QUARANTINE_SUFFIX = ".corrupt"

#: Columns of a run's members: one row per theme and member.
MEMBER_COLUMNS = ["code", "name", "theme", "theme_name", "line", "rank", "score", "since", "evidence_summary"]


@dataclass
class RunRecord:
    """One recorded run of a screen (``run_id`` is its ISO date)."""

    run_id: str
    screen: str
    definition_hash: str
    snapshot_id: str
    created_at: str
    themes: list[str]
    top: int
    buffer: float
    universe_size: int
    screened_size: int
    stale: bool = False
    partial: bool = False
    notes: list[str] = field(default_factory=list)
    filtered_out: dict[str, int] = field(default_factory=dict)
    candidates_file: str = ""
    members: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MEMBER_COLUMNS))

    @property
    def date(self) -> dt.date:
        """The run date."""
        return dt.date.fromisoformat(self.run_id)

    def meta(self) -> dict[str, Any]:
        """Everything but the members, as JSON-ready values."""
        out = asdict(self)
        out.pop("members")
        out["n_members"] = len(self.members)
        return out


class RunHistory:
    """The append-only run history of one screen, in a folder (layout in the module docs)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()
        self.runs_dir = self.root / "runs"

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the history lock, or raise :class:`RunLockedError` at once if another run holds it."""
        from filelock import FileLock, Timeout

        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.root / ".lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise RunLockedError(f"another run holds {self.root / '.lock'}; nothing was changed.") from None
        try:
            yield
        finally:
            lock.release()

    def run_ids(self) -> list[str]:
        """Recorded run ids, oldest first."""
        return sorted(p.stem for p in self.runs_dir.glob("????-??-??.json"))

    def resolve(self, run_id: str) -> str:
        """A run id from an ISO date, ``latest`` or ``previous`` (the one before latest)."""
        ids = self.run_ids()
        if run_id in ("latest", "previous") and len(ids) >= (1 if run_id == "latest" else 2):
            return ids[-1] if run_id == "latest" else ids[-2]
        if run_id in ids:
            return run_id
        shown = ", ".join(ids[-5:]) or "none yet"
        raise UnknownRunError(f"no run {run_id!r} in {self.root}; recorded runs (latest 5): {shown}")

    def load(self, run_id: str) -> RunRecord:
        """Read one run record (members included).

        Raises
        ------
        HistoryRecordError
            If the record is truncated or was edited into something else (the file is named).
        """
        run_id = self.resolve(run_id)
        path = self.runs_dir / f"{run_id}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            members = pd.DataFrame(data.pop("members"), columns=MEMBER_COLUMNS)
            members["code"] = members["code"].astype("string")
            data.pop("n_members", None)
            return RunRecord(**data, members=members)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise HistoryRecordError(
                f"{path}: unreadable run record ({type(exc).__name__}: {str(exc)[:200]}); the next "
                f"`npf-screen run` moves it aside to {path.name}{QUARANTINE_SUFFIX}, or delete it."
            ) from None

    def readable(self, run_ids: list[str]) -> list[RunRecord]:
        """The records of ``run_ids`` that can be read; each unreadable one is named in a warning."""
        out = []
        for run_id in run_ids:
            try:
                out.append(self.load(run_id))
            except HistoryRecordError as exc:
                warnings.warn(str(exc), RuntimeWarning, stacklevel=2)
        return out

    def quarantine(self) -> list[Path]:
        """Move unreadable records aside (``DATE.json`` → ``DATE.json.corrupt``); return the new paths.

        Called by a run under the lock, so one damaged record never blocks later runs.
        """
        moved = []
        for run_id in self.run_ids():
            try:
                self.load(run_id)
            except HistoryRecordError:
                path = self.runs_dir / f"{run_id}.json"
                target = path.with_name(path.name + QUARANTINE_SUFFIX)
                os.replace(path, target)
                moved.append(target)
        return moved

    @property
    def journal(self) -> Path:
        """The journal of a run's switch of watchlists and record (see :mod:`npf_screen.core.transaction`)."""
        return self.root / JOURNAL_NAME

    def candidates(self, run_id: str) -> pd.DataFrame:
        """Every candidate of a run (code, theme, score, rank, ...), as screened."""
        record = self.load(run_id)
        return pd.read_parquet(self.runs_dir / record.candidates_file)

    def latest_before(self, date: dt.date, *, inclusive: bool = False) -> RunRecord | None:
        """The latest run dated before ``date`` (or on it, with ``inclusive``)."""
        key = date.isoformat()
        ids = [i for i in self.run_ids() if i < key or (inclusive and i == key)]
        for run_id in reversed(ids):  # a damaged record is named and skipped
            found = self.readable([run_id])
            if found:
                return found[0]
        return None

    def index(self, update: RunRecord | None = None) -> pd.DataFrame:
        """One row per run (no members), oldest first; rebuilt from the records if out of date.

        ``update`` (used by :meth:`save`) replaces or adds that run's entry without re-reading
        every record.
        """
        path = self.root / "index.json"
        ids = self.run_ids()
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
            if update is not None:
                entries = [e for e in entries if e["run_id"] != update.run_id] + [update.meta()]
                entries.sort(key=lambda e: e["run_id"])
            stale = [e["run_id"] for e in entries] != ids
            if stale and update is not None:  # entries of unreadable records are not stale
                stale = [e["run_id"] for e in entries] != [r.run_id for r in self.readable(ids)]
        except (OSError, ValueError, KeyError, TypeError):
            entries, stale = [], True
        if stale:
            entries = [r.meta() for r in self.readable(ids)]
        if ids and (stale or update is not None):
            atomic_write_text(path, json.dumps(entries, ensure_ascii=False, indent=1) + "\n")
        columns = ["run_id", "snapshot_id", "definition_hash", "n_members", "stale", "partial", "created_at"]
        return pd.DataFrame(entries, columns=columns) if entries else pd.DataFrame(columns=columns)

    def save(self, record: RunRecord, candidates: pd.DataFrame) -> None:
        """Record a run, replacing a run of the same date; refuses a date before the latest run."""
        path, render = self.stage(record, candidates)
        with atomic_path(path) as tmp:
            render(tmp)
        self.finish(record)

    def stage(self, record: RunRecord, candidates: pd.DataFrame) -> tuple[Path, Callable[[Path], None]]:
        """Write the run's candidates and return its record file and a writer for it, not yet in place.

        A run switches the record together with its watchlists
        (:func:`npf_screen.core.transaction.commit_files`), then calls :meth:`finish`. Until the
        record is in place the candidates file is an orphan, removed by the next save of that date.
        """
        later = [i for i in self.run_ids() if i > record.run_id]
        if later:
            raise RunError(
                f"the history in {self.root} already has a later run ({later[-1]}); runs must go forward."
            )
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        record.candidates_file = f"{record.run_id}.{uuid.uuid4().hex[:12]}.parquet"
        atomic_write_parquet(self.runs_dir / record.candidates_file, candidates.reset_index(drop=True))
        payload = {**record.meta(), "members": records(record.members)}
        data = (json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")
        return self.runs_dir / f"{record.run_id}.json", lambda tmp: tmp.write_bytes(data)

    def finish(self, record: RunRecord) -> None:
        """After the record is in place: remove the date's orphan candidates and update the index."""
        for orphan in self.runs_dir.glob(f"{record.run_id}.*.parquet"):
            if orphan.name != record.candidates_file:
                orphan.unlink(missing_ok=True)
        for leftover in self.runs_dir.glob(".*.tmp"):  # temporary files of a killed run (under the lock)
            leftover.unlink(missing_ok=True)
        self.index(update=record)

    def members_as_of(self, date: dt.date, theme: str | None = None) -> pd.DataFrame:
        """Who was in each theme (or one) on ``date``, and since when, per the latest run on or before it."""
        record = self.latest_before(date, inclusive=True)
        if record is None:
            raise UnknownRunError(f"no run on or before {date.isoformat()} in {self.root}")
        members = record.members
        if theme is not None:
            members = members[members["theme"] == theme]
        return members.assign(run_id=record.run_id).reset_index(drop=True)


def default_history_dir(screen_name: str) -> Path:
    """``<user data dir>/npf-screen/runs/<screen name>`` (platformdirs)."""
    import platformdirs

    return platformdirs.user_data_path("npf-screen") / "runs" / screen_name
