"""Scheduled screen runs: universe → filters → screen → stable membership → watchlists → history.

:func:`run_screen` executes one :class:`~npf_screen.definitions.ScreenDefinition` for one date,
under a lock, and records the run in the screen's append-only :class:`RunHistory`:

* **Universe.** ``live`` refreshes stale data (served from the cache with ``offline``), ``latest``
  reads the newest (or a pinned) snapshot, ``file`` and ``sample`` read a table. The loader is a
  parameter (:data:`UniverseLoader`), so callers and tests can supply their own.
* **Filters** (:func:`apply_filters`): ST / *ST names, days listed before the run date, market cap
  range (亿元), boards; unknown values pass or fail as the definition says.
* **Membership with a stability buffer** (:func:`select_members`): each theme keeps ``top``
  members. An incumbent (a member of the previous run) whose rank is within ``buffer × top``
  competes with its rank divided by ``buffer``; everyone else with their rank. The ``top`` best
  by that effective rank are members. So with ``top = 10, buffer = 1.2`` an incumbent ranked 12th
  stays unless newcomers ranked 10th or better fill the list, and one ranked 13th leaves.
  ``since`` is the date a member entered and has stayed since (gaps between runs count as stayed).
* **Watchlists** are written all-or-nothing (:func:`npf_screen.watchlists.commit`), then the run
  record is saved. Re-running a date replaces that date's record; a date before the latest run is
  refused, so the history stays in order.

History layout (``<history>/``)::

    .lock                                  held while a run writes (filelock)
    index.json                             one entry per run: the record without members
    runs/<YYYY-MM-DD>.json                 the run: date, definition hash, snapshot id, members
    runs/<YYYY-MM-DD>.<token>.parquet      every candidate of that run (score, rank per theme)

Every file is written atomically; the JSON record is written after the Parquet it names, so a
crash leaves at most an unreferenced Parquet file (removed by the next run of that date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ._atomic import atomic_path, atomic_write_text
from .definitions import Filters, ScreenDefinition, UniverseSpec
from .errors import DefinitionError, RunError, RunLockedError, UnknownRunError, UnknownThemeError
from .rules import ThemeSet

__all__ = [
    "EXIT_DEFINITION", "EXIT_FAILURE", "EXIT_LOCKED", "EXIT_OK", "EXIT_STALE",
    "MEMBER_COLUMNS", "RunDiff", "RunHistory", "RunOutcome", "RunRecord", "UniverseData", "UniverseLoader",
    "apply_filters", "default_history_dir", "diff_runs", "load_universe_data", "run_screen", "select_members",
]  # fmt: skip

#: ``npf-screen run`` exit codes: success; failure; bad definition; ran on stale or partial data
#: under ``--strict`` (watchlists and history were still written); another run holds the lock.
EXIT_OK, EXIT_FAILURE, EXIT_DEFINITION, EXIT_STALE, EXIT_LOCKED = 0, 1, 2, 3, 4
MEMBER_COLUMNS = ["code", "name", "theme", "theme_name", "line", "rank", "score", "since", "evidence_summary"]
_ST = re.compile(r"^\s*(?:S\s*)?\*?\s*ST(?![A-Za-z])", re.IGNORECASE)  # ST, *ST, S*ST; not STAR


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

    ``live`` and ``latest`` use :mod:`npf_screen.fetch`; data quality is read from the frame's
    ``attrs`` that it sets from the snapshot manifest: ``stale`` (bool), ``partial`` (bool) or
    ``snapshot_status`` other than ``"complete"``, ``notes`` (lines for the summary), ``snapshot_id``.
    ``file`` and ``sample`` get the id ``file:<name>:<digest>`` / ``sample:<digest>``.
    """
    from . import universe as universe_module

    if spec.source == "file":
        frame = universe_module.load_universe(spec.path)  # type: ignore[arg-type]
        return UniverseData(frame, f"file:{Path(spec.path).name}:{_frame_digest(frame)}")  # type: ignore[arg-type]
    if spec.source == "sample":
        frame = universe_module.load_sample()
        return UniverseData(frame, f"sample:{_frame_digest(frame)}")
    from . import fetch  # type: ignore[attr-defined]

    if spec.source == "live":
        frame = fetch.fetch_universe(cache_dir, offline=offline)
        snapshot_id = frame.attrs.get("snapshot_id") or fetch.load_snapshot(None, cache_dir)[1]
    else:
        frame, snapshot_id = fetch.load_snapshot(spec.snapshot, cache_dir)
    attrs = frame.attrs
    notes = tuple(str(n) for n in attrs.get("notes", ()))
    partial = bool(attrs.get("partial")) or attrs.get("snapshot_status", "complete") != "complete"
    return UniverseData(frame, str(snapshot_id), bool(attrs.get("stale")), partial, notes)


def apply_filters(
    universe: pd.DataFrame, filters: Filters, as_of: dt.date
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Apply a definition's filters; return the kept companies and how many each filter removed."""
    keep_missing = filters.missing == "pass"
    masks: dict[str, pd.Series] = {}
    if filters.exclude_st:
        masks["ST"] = ~universe["name"].fillna("").str.match(_ST)
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


def select_members(
    candidates: pd.DataFrame, previous: pd.DataFrame | None, top: int, buffer: float, as_of: dt.date
) -> pd.DataFrame:
    """Pick each theme's members with the stability buffer described in the module docs.

    Parameters
    ----------
    candidates : pandas.DataFrame
        ``ScreenResult.candidates`` (code, name, theme, theme_name, line, score, rank, evidence_summary).
    previous : pandas.DataFrame, optional
        The previous run's members (theme, code, since); ``None`` for a first run.
    top : int
        Members per theme.
    buffer : float
        ``>= 1``; 1 disables the buffer.
    as_of : datetime.date
        The run date, the ``since`` of new members.

    Returns
    -------
    pandas.DataFrame
        :data:`MEMBER_COLUMNS`, themes in candidate order, best rank first.
    """
    since: dict[tuple[str, str], str] = {}
    if previous is not None and len(previous):
        since = dict(
            zip(zip(previous["theme"], previous["code"], strict=True), previous["since"], strict=True)
        )
    cutoff = math.floor(buffer * top + 1e-9)
    frame = candidates.copy()
    incumbent = pd.Series(
        [(t, c) in since for t, c in zip(frame["theme"], frame["code"], strict=True)], frame.index
    )
    protected = incumbent & (frame["rank"] <= cutoff)
    frame["_effective"] = frame["rank"].where(~protected, frame["rank"] / buffer)
    frame["_order"] = frame["theme"].map({t: i for i, t in enumerate(dict.fromkeys(frame["theme"]))})
    frame = frame.sort_values(["_order", "_effective", "rank", "code"], kind="stable")
    members = frame.groupby("theme", sort=False).head(top)
    members = members.sort_values(["_order", "rank", "code"], kind="stable")
    members = members.assign(
        since=[
            since.get((t, c), as_of.isoformat())
            for t, c in zip(members["theme"], members["code"], strict=True)
        ]
    )
    for column in MEMBER_COLUMNS:
        if column not in members.columns:
            members[column] = pd.NA
    return members[MEMBER_COLUMNS].reset_index(drop=True)


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
        with atomic_path(self.runs_dir / record.candidates_file) as tmp:
            candidates.reset_index(drop=True).to_parquet(tmp, index=False)
        from .watchlists.tables import records

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


@dataclass(frozen=True)
class RunDiff:
    """Membership changes from run ``a`` to run ``b``.

    ``entered``/``exited``: theme, code, name, rank, score (``exited`` has b's candidate rank/score
    when known, else missing); ``moves``: continuing members with score_a, score_b, delta, rank_a, rank_b.
    """

    a: str | None
    b: str
    entered: pd.DataFrame
    exited: pd.DataFrame
    moves: pd.DataFrame

    def lines(self, limit: int = 10) -> list[str]:
        """Short human summary lines."""
        moved = self.moves[self.moves["delta"].abs() > 1e-9].sort_values("delta", key=abs, ascending=False)
        counts = f"{len(self.entered)} entered, {len(self.exited)} exited, {len(moved)} moved"
        out = [f"vs {self.a or 'nothing'}: {counts}"]
        out += [
            f"  + {r.theme} {r.code} {r.name} (rank {r.rank}, {r.score:g})"
            for r in self.entered.head(limit).itertuples()
        ]
        for r in self.exited.head(limit).itertuples():
            now = "no longer a candidate" if pd.isna(r.rank_b) else f"now rank {int(r.rank_b)}"
            out.append(f"  - {r.theme} {r.code} {r.name} ({now})")
        out += [
            f"  ~ {r.theme} {r.code} {r.name} {r.score_a:g} → {r.score_b:g}"
            for r in moved.head(limit).itertuples()
        ]
        return out


def diff_runs(a: RunRecord | None, b: RunRecord, b_candidates: pd.DataFrame | None = None) -> RunDiff:
    """Compare members of two runs (``a`` may be ``None`` for a first run)."""
    keys = ["theme", "code"]
    new = b.members
    old = a.members if a is not None else pd.DataFrame(columns=MEMBER_COLUMNS)
    both = old.merge(new, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    entered = both[both["_merge"] == "right_only"]
    entered = entered.rename(columns={"name_b": "name", "rank_b": "rank", "score_b": "score"})
    exited = both[both["_merge"] == "left_only"].rename(
        columns={"name_a": "name", "rank_a": "rank", "score_a": "score"}
    )
    exited = exited[[*keys, "name", "rank", "score"]]
    if b_candidates is not None and len(b_candidates):
        now = b_candidates[[*keys, "rank", "score"]].rename(columns={"rank": "rank_b", "score": "score_b"})
        exited = exited.merge(now, on=keys, how="left")
    else:
        exited = exited.assign(rank_b=pd.NA, score_b=pd.NA)
    moves = both[both["_merge"] == "both"].rename(columns={"name_b": "name"})
    moves = moves.assign(delta=moves["score_b"].astype(float) - moves["score_a"].astype(float))
    order = {t: i for i, t in enumerate(dict.fromkeys([*new["theme"], *old["theme"]]))}

    def tidy(frame: pd.DataFrame, columns: list[str], rank: str) -> pd.DataFrame:
        frame = frame.assign(_o=frame["theme"].map(order)).sort_values(["_o", rank, "code"], kind="stable")
        return frame[columns].reset_index(drop=True)

    return RunDiff(
        a.run_id if a is not None else None,
        b.run_id,
        tidy(entered, [*keys, "name", "rank", "score"], "rank"),
        tidy(exited, [*keys, "name", "rank", "score", "rank_b", "score_b"], "rank"),
        tidy(moves, [*keys, "name", "score_a", "score_b", "delta", "rank_a", "rank_b"], "rank_b"),
    )


def default_history_dir(screen_name: str) -> Path:
    """``<user data dir>/npf-screen/runs/<screen name>`` (platformdirs)."""
    import platformdirs

    return platformdirs.user_data_path("npf-screen") / "runs" / screen_name


@dataclass(frozen=True)
class RunOutcome:
    """What :func:`run_screen` did: the record saved, the diff to the previous run, files written."""

    record: RunRecord
    diff: RunDiff
    written: list[Path]
    replaced: bool
    history_dir: Path

    def exit_code(self, strict: bool = False) -> int:
        """:data:`EXIT_STALE` under ``strict`` when the data was stale or partial, else :data:`EXIT_OK`."""
        return EXIT_STALE if strict and (self.record.stale or self.record.partial) else EXIT_OK

    def summary(self) -> str:
        """A few lines for the log: counts, data quality, diff, files."""
        r = self.record
        quality = ", ".join(x for x, on in (("STALE data", r.stale), ("PARTIAL data", r.partial)) if on)
        head = (
            f"{r.screen} {r.run_id}{' (replaced)' if self.replaced else ''}: {len(r.themes)} themes, "
            f"{len(r.members)} members from {r.screened_size}/{r.universe_size} companies, "
            f"snapshot {r.snapshot_id}"
        )
        lines = [head + (f" [{quality}]" if quality else ""), *(f"  note: {n}" for n in r.notes)]
        lines += self.diff.lines()
        lines.append(f"wrote {len(self.written)} file(s); history {self.history_dir}")
        return "\n".join(lines)


def _themes(definition: ScreenDefinition, themes: ThemeSet | None) -> ThemeSet:
    if themes is None:
        from .rules_loader import load_themes

        themes = load_themes(list(definition.rules) or None, bundled=definition.bundled_rules)
    origin = definition.origin
    problems = [
        f"{origin}: [screen].themes: unknown theme {t!r}." for t in definition.themes if t not in themes
    ]
    if problems:
        raise DefinitionError(problems)
    try:
        chosen = themes.select(definition.themes or None, definition.lines or None)
    except UnknownThemeError as exc:  # pragma: no cover - ids and lines are checked above / on load
        raise DefinitionError([f"{origin}: [screen]: {exc}"]) from exc
    for i, spec in enumerate(definition.watchlists):
        problems += [
            f"{origin}: [[watchlist]][{i}].themes: {t!r} is not among the screened themes."
            for t in spec.themes
            if t not in chosen
        ]
    if not len(chosen):
        problems.append(f"{origin}: [screen]: the themes and lines select no theme.")
    if problems:
        raise DefinitionError(problems)
    return chosen


def _plans(
    definition: ScreenDefinition, themes: ThemeSet, members: pd.DataFrame, evidence: pd.DataFrame | None
) -> list[Any]:
    """Every watchlist write; a per-theme watchlist gets a file for every theme, empty or not."""
    from .watchlists import plan_watchlist

    plans: list[Any] = []
    for spec in definition.watchlists:
        ids = list(spec.themes or themes.ids)
        chosen = members[members["theme"].isin(ids)]
        groups = [(t, chosen[chosen["theme"] == t]) for t in ids] if spec.per_theme else [(None, chosen)]
        for theme, frame in groups:
            fill = {"theme": theme or "", "theme_name": themes[theme].name if theme else ""}
            plans += plan_watchlist(
                frame, spec.format, spec.path.format(**fill),
                name=spec.name.format(**fill) if spec.name else None, base_dir=definition.output_dir,
                evidence=evidence, register=spec.register, overwrite_main=spec.overwrite_main,
            )  # fmt: skip
    return plans


def _default_screener(universe: pd.DataFrame, themes: ThemeSet, snapshot_id: str) -> Any:
    from .engine import screen

    return screen(universe, themes, snapshot_id=snapshot_id)


def run_screen(
    definition: ScreenDefinition,
    *,
    offline: bool = False,
    run_date: dt.date | None = None,
    history_dir: str | Path | None = None,
    loader: UniverseLoader | None = None,
    themes: ThemeSet | None = None,
    screener: Callable[[pd.DataFrame, ThemeSet, str], Any] | None = None,
) -> RunOutcome:
    """Run a screen definition once and record it (see the module docs for every step).

    Parameters
    ----------
    definition : ScreenDefinition
        From :func:`npf_screen.definitions.load_definition`.
    offline : bool, default False
        Serve cached data instead of refreshing (``live`` source).
    run_date : datetime.date, optional
        The date of the run; default today (local time).
    history_dir : str or pathlib.Path, optional
        Overrides the definition's ``history_dir`` and the default per-user folder.
    loader : callable, optional
        ``loader(spec, offline) -> UniverseData``; default :func:`load_universe_data`.
    themes : ThemeSet, optional
        The loaded themes to select from; default ``load_themes(definition.rules)`` (without the
        bundled themes when the definition says ``bundled_rules = false``).
    screener : callable, optional
        ``screener(universe, themes, snapshot_id)`` returning an object with ``candidates`` (and
        optionally ``evidence``); default :func:`npf_screen.screen`.

    Returns
    -------
    RunOutcome

    Raises
    ------
    DefinitionError
        Unknown theme ids, or watchlist themes not screened.
    RunLockedError
        Another run of this screen is in progress.
    RunError
        ``run_date`` precedes the latest recorded run.
    OutputError
        A watchlist cannot be written (nothing is replaced and no run is recorded).
    """
    date = run_date or dt.date.today()
    root = Path(history_dir or definition.history_dir or default_history_dir(definition.name)).expanduser()
    history = RunHistory(root)
    with history.lock():
        later = [i for i in history.run_ids() if i > date.isoformat()]
        if later:
            raise RunError(
                f"{root} already has a run dated {later[-1]}, after {date.isoformat()}; runs must go forward."
            )
        chosen = _themes(definition, themes)
        data = (loader or load_universe_data)(definition.universe, offline)
        universe, removed = apply_filters(data.frame, definition.filters, date)
        result = (screener or _default_screener)(universe, chosen, data.snapshot_id)
        candidates = result.candidates
        previous = history.latest_before(date)
        members = select_members(
            candidates, previous.members if previous else None, definition.top, definition.buffer, date
        )
        from .watchlists import commit

        written = commit(_plans(definition, chosen, members, getattr(result, "evidence", None)))
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        record = RunRecord(
            run_id=date.isoformat(), screen=definition.name, definition_hash=definition.digest,
            snapshot_id=data.snapshot_id, created_at=now, themes=list(chosen.ids), top=definition.top,
            buffer=definition.buffer, universe_size=len(data.frame), screened_size=len(universe),
            stale=data.stale, partial=data.partial, notes=list(data.notes), filtered_out=removed,
            members=members,
        )  # fmt: skip
        replaced = date.isoformat() in history.run_ids()
        history.save(record, candidates)
    return RunOutcome(record, diff_runs(previous, record, candidates), written, replaced, root)
