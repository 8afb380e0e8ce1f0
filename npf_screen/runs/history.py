"""The run history of a screen: one record per run date, in an append-only folder.

Layout (``<history>/``)::

    .lock                                  held while a run writes (filelock)
    index.json                             one entry per run: the record without members
    runs/<YYYY-MM-DD>.json                 the run: date, definition hash, snapshot id, members
    runs/<YYYY-MM-DD>.<token>.parquet      every candidate of that run (score, rank per theme)

Every file is written atomically; the JSON record is written after the Parquet it names, so a
crash leaves at most an unreferenced Parquet file (removed by the next run of that date).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from npf_screen.core.atomic import atomic_write_parquet, atomic_write_text
from npf_screen.core.errors import RunError, RunLockedError, UnknownRunError
from npf_screen.core.records import records

__all__ = ["MEMBER_COLUMNS", "RunHistory", "RunRecord", "default_history_dir"]

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
        """Read one run record (members included)."""
        run_id = self.resolve(run_id)
        data = json.loads((self.runs_dir / f"{run_id}.json").read_text(encoding="utf-8"))
        members = pd.DataFrame(data.pop("members"), columns=MEMBER_COLUMNS)
        members["code"] = members["code"].astype("string")
        data.pop("n_members", None)
        return RunRecord(**data, members=members)

    def candidates(self, run_id: str) -> pd.DataFrame:
        """Every candidate of a run (code, theme, score, rank, ...), as screened."""
        record = self.load(run_id)
        return pd.read_parquet(self.runs_dir / record.candidates_file)

    def latest_before(self, date: dt.date, *, inclusive: bool = False) -> RunRecord | None:
        """The latest run dated before ``date`` (or on it, with ``inclusive``)."""
        key = date.isoformat()
        ids = [i for i in self.run_ids() if i < key or (inclusive and i == key)]
        return self.load(ids[-1]) if ids else None

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
        except (OSError, ValueError, KeyError, TypeError):
            entries, stale = [], True
        if stale:
            entries = [self.load(i).meta() for i in ids]
        if ids and (stale or update is not None):
            atomic_write_text(path, json.dumps(entries, ensure_ascii=False, indent=1) + "\n")
        columns = ["run_id", "snapshot_id", "definition_hash", "n_members", "stale", "partial", "created_at"]
        return pd.DataFrame(entries, columns=columns) if entries else pd.DataFrame(columns=columns)

    def save(self, record: RunRecord, candidates: pd.DataFrame) -> None:
        """Record a run, replacing a run of the same date; refuses a date before the latest run."""
        later = [i for i in self.run_ids() if i > record.run_id]
        if later:
            raise RunError(
                f"the history in {self.root} already has a later run ({later[-1]}); runs must go forward."
            )
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        record.candidates_file = f"{record.run_id}.{uuid.uuid4().hex[:12]}.parquet"
        atomic_write_parquet(self.runs_dir / record.candidates_file, candidates.reset_index(drop=True))
        payload = {**record.meta(), "members": records(record.members)}
        text = json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n"
        atomic_write_text(self.runs_dir / f"{record.run_id}.json", text)
        for orphan in self.runs_dir.glob(f"{record.run_id}.*.parquet"):
            if orphan.name != record.candidates_file:
                orphan.unlink(missing_ok=True)
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
