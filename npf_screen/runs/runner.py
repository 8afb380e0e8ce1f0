"""Scheduled screen runs: universe → filters → screen → stable membership → watchlists → history.

:func:`run_screen` executes one :class:`~npf_screen.runs.definitions.ScreenDefinition` for one date,
under a lock, and records the run in the screen's append-only :class:`RunHistory`:

* **Universe.** ``live`` refreshes stale data (served from the cache with ``offline``), ``latest``
  reads the newest (or a pinned) snapshot, ``file`` and ``sample`` read a table. The loader is a
  parameter (:data:`UniverseLoader`), so callers and tests can supply their own.
* **Filters** (:func:`apply_filters`): ST / *ST names, days listed before the run date, market cap
  range (亿元), boards; unknown values pass or fail as the definition says.
* **Membership with a stability buffer** (:func:`select_members`): each theme keeps ``top``
  members; an incumbent ranked within ``buffer × top`` is preferred over newcomers ranked just
  above it (the rule is in :mod:`.run_membership`). ``since`` is the date a member entered and
  has stayed since.
* **Watchlists** are written all-or-nothing (:func:`~npf_screen.outputs.watchlists.writer.commit`),
  then the run
  record is saved. Re-running a date replaces that date's record; a date before the latest run is
  refused, so the history stays in order.

This module orchestrates a run; the pieces live beside it: :mod:`.run_universe` (loading and
filtering the universe), :mod:`.run_membership` (members and diffs) and :mod:`.run_history` (the
history folder and its layout). Their public names are importable from here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from npf_screen.core.errors import DefinitionError, EmptyRunError, RunError, UnknownThemeError
from npf_screen.core.exit_codes import ExitCode
from npf_screen.rules.model import ThemeSet
from npf_screen.runs.definitions import ScreenDefinition
from npf_screen.runs.history import RunHistory, RunRecord, default_history_dir
from npf_screen.runs.membership import RunDiff, diff_runs, select_members
from npf_screen.runs.universe_filters import UniverseLoader, apply_filters, filter_notes, load_universe_data

__all__ = [ "RunOutcome", "run_screen",
]  # fmt: skip


@dataclass(frozen=True)
class RunOutcome:
    """What :func:`run_screen` did: the record saved, the diff to the previous run, files written."""

    record: RunRecord
    diff: RunDiff
    written: list[Path]
    replaced: bool
    history_dir: Path

    def exit_code(self, strict: bool = False) -> ExitCode:
        """``PARTIAL`` under ``strict`` when the data was stale or partial (watchlists and history were
        still written), else ``OK``."""
        stale = self.record.stale or self.record.partial
        return ExitCode.PARTIAL if strict and stale else ExitCode.OK

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
        from npf_screen.rules.loader import load_themes

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
    from npf_screen.outputs.watchlists.writer import plan_watchlist

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
    from npf_screen.screening.engine import screen

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
    allow_empty: bool = False,
) -> RunOutcome:
    """Run a screen definition once and record it (see the module docs for every step).

    Parameters
    ----------
    definition : ScreenDefinition
        From :func:`npf_screen.runs.definitions.load_definition`.
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
    allow_empty : bool, default False
        Write empty watchlists even when the previous run had members (otherwise refused).

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
    EmptyRunError
        No member was selected while the previous run had some (see ``allow_empty``).
    OutputError
        A watchlist cannot be written (nothing is replaced and no run is recorded).
    """
    date = run_date or dt.date.today()
    root = Path(history_dir or definition.history_dir or default_history_dir(definition.name)).expanduser()
    history = RunHistory(root)
    with history.lock():
        from npf_screen.core.transaction import recover

        recover(history.journal)  # a run killed while switching its files is completed first
        notes = [f"moved aside an unreadable run record: {p}" for p in history.quarantine()]
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
        if not len(members) and previous is not None and len(previous.members) and not allow_empty:
            kept = ", ".join(f"{k}: -{v}" for k, v in removed.items() if v) or "no filter removed any"
            raise EmptyRunError(
                f"the run selected no member from {len(universe)}/{len(data.frame)} companies "
                f"(filters {kept}), while run {previous.run_id} had {len(previous.members)}; refusing to "
                "empty the watchlists, nothing was changed. Check [filters], or pass --allow-empty."
            )
        from npf_screen.outputs.watchlists.writer import PlannedWrite, commit

        plans = _plans(definition, chosen, members, getattr(result, "evidence", None))
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        record = RunRecord(
            run_id=date.isoformat(), screen=definition.name, definition_hash=definition.digest,
            snapshot_id=data.snapshot_id, created_at=now, themes=list(chosen.ids), top=definition.top,
            buffer=definition.buffer, universe_size=len(data.frame), screened_size=len(universe),
            stale=data.stale, partial=data.partial, filtered_out=removed,
            notes=[*data.notes, *filter_notes(data.frame, definition.filters), *notes],
            members=members,
        )  # fmt: skip
        replaced = date.isoformat() in history.run_ids()
        record_file, render = history.stage(record, candidates)
        # Watchlists and the run record switch together: all old or all new, even across a kill.
        switched = commit([*plans, PlannedWrite(record_file, render)], journal=history.journal)
        written = [path for path in switched if path != record_file]
        history.finish(record)
    return RunOutcome(record, diff_runs(previous, record, candidates), written, replaced, root)
