"""Membership of a scheduled run: who is in each theme (with the stability buffer) and what changed.

:func:`select_members` picks each theme's ``top`` members. An incumbent (a member of the previous
run) whose rank is within ``buffer × top`` competes with its rank divided by ``buffer``; everyone
else with their rank. The ``top`` best by that effective rank are members. So with ``top = 10,
buffer = 1.2`` an incumbent ranked 12th stays unless newcomers ranked 10th or better fill the list,
and one ranked 13th leaves. ``since`` is the date a member entered and has stayed since (gaps
between runs count as stayed). :func:`diff_runs` compares the members of two runs.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from npf_screen.runs.history import MEMBER_COLUMNS, RunRecord

__all__ = ["RunDiff", "diff_runs", "select_members"]

#: Columns holding ranks; ranks are integers (nullable where a company has none).
_RANK_COLUMNS = ("rank", "rank_a", "rank_b")


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
        """Short human summary lines: at most ``limit`` per section, then "… N more entered" etc."""
        moved = self.moves[self.moves["delta"].abs() > 1e-9].sort_values("delta", key=abs, ascending=False)
        counts = f"{len(self.entered)} entered, {len(self.exited)} exited, {len(moved)} moved"
        out = [f"vs {self.a or 'nothing'}: {counts}"]

        def more(frame: pd.DataFrame, what: str) -> list[str]:
            left = len(frame) - limit
            return [f"  … {left} more {what}"] if left > 0 else []

        out += [
            f"  + {r.theme} {r.code} {r.name} (rank {r.rank}, {r.score:g})"
            for r in self.entered.head(limit).itertuples()
        ]
        out += more(self.entered, "entered")
        for r in self.exited.head(limit).itertuples():
            now = "no longer a candidate" if pd.isna(r.rank_b) else f"now rank {int(r.rank_b)}"
            out.append(f"  - {r.theme} {r.code} {r.name} ({now})")
        out += more(self.exited, "exited")
        out += [
            f"  ~ {r.theme} {r.code} {r.name} {r.score_a:g} → {r.score_b:g}"
            for r in moved.head(limit).itertuples()
        ]
        out += more(moved, "moved")
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
        frame = frame[columns].reset_index(drop=True)
        ranks = {c: pd.to_numeric(frame[c]).astype("Int64") for c in _RANK_COLUMNS if c in frame.columns}
        return frame.assign(**ranks)  # an outer merge turns integer ranks into floats

    return RunDiff(
        a.run_id if a is not None else None,
        b.run_id,
        tidy(entered, [*keys, "name", "rank", "score"], "rank"),
        tidy(exited, [*keys, "name", "rank", "score", "rank_b", "score_b"], "rank"),
        tidy(moves, [*keys, "name", "score_a", "score_b", "delta", "rank_a", "rank_b"], "rank_b"),
    )
