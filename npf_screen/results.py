"""What a screen returns: candidates, scores, evidence and explanations, all as DataFrames."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .errors import UnknownCompanyError
from .matching import PreparedTexts
from .rules import ThemeSet

__all__ = ["Explanation", "ScreenResult"]

CANDIDATE_COLUMNS = [
    "code",
    "name",
    "theme",
    "score",
    "rank",
    "theme_name",
    "line",
    "province",
    "evidence_summary",
]
EVIDENCE_COLUMNS = ["code", "theme", "field", "term", "points", "kind", "note", "snippet"]
_SNIPPET_CONTEXT = 14


def _snippet(text: str, start: int, length: int) -> str:
    left = max(0, start - _SNIPPET_CONTEXT)
    right = min(len(text), start + length + _SNIPPET_CONTEXT)
    return (
        ("…" if left else "")
        + text[left:start]
        + "【"
        + text[start : start + length]
        + "】"
        + text[start + length : right]
        + ("…" if right < len(text) else "")
    )


@dataclass(frozen=True)
class Explanation:
    """Why one company did or did not qualify for each theme, with the evidence rows.

    ``verdicts`` has one row per theme asked about (theme, theme_name, score, rank, qualified,
    verdict); ``evidence`` the rows behind the scores, which add up to them.
    """

    code: str
    name: str
    verdicts: pd.DataFrame
    evidence: pd.DataFrame

    def __str__(self) -> str:
        lines = [f"{self.code} {self.name}"]
        for row in self.verdicts.itertuples(index=False):
            lines.append(f"\n[{row.theme}] {row.theme_name}: {row.verdict}")
            rows = self.evidence[self.evidence["theme"] == row.theme]
            for ev in rows.itertuples(index=False):
                text = f"    {ev.points:+7.2f}  {ev.field:<14} {ev.term}"
                detail = "; ".join(x for x in (ev.note, ev.snippet) if x)
                lines.append(text + (f"  ({detail})" if detail else ""))
        return "\n".join(lines)

    __repr__ = __str__


class ScreenResult:
    """The outcome of :func:`npf_screen.screen`. Every table is a plain pandas DataFrame.

    Attributes
    ----------
    universe : DataFrame
        The canonical company table that was screened.
    themes : ThemeSet
        The themes screened.
    snapshot_id : str or None
        The data snapshot the universe came from, when known.
    """

    def __init__(
        self,
        universe: pd.DataFrame,
        themes: ThemeSet,
        evidence: pd.DataFrame,
        scores: pd.DataFrame,
        texts: PreparedTexts,
        snapshot_id: str | None = None,
    ) -> None:
        self.universe = universe
        self.themes = themes
        self.snapshot_id = snapshot_id
        self._evidence = evidence
        self._scores = scores
        self._texts = texts
        self._codes = universe["code"].to_numpy(dtype=object)
        self._theme_ids = np.array(themes.ids, dtype=object)

    # ----------------------------------------------------------------- tables
    @cached_property
    def scores(self) -> pd.DataFrame:
        """Every (company, theme) pair with any evidence: code, name, theme, score, positive,
        qualified, rank (among the qualified of the theme, 1 = best; 0 when not qualified)."""
        s = self._scores
        out = pd.DataFrame(
            {
                "code": self._codes[s["company"].to_numpy()],
                "name": self.universe["name"].to_numpy(dtype=object)[s["company"].to_numpy()],
                "theme": self._theme_ids[s["theme"].to_numpy()],
                "score": s["score"].to_numpy(),
                "positive": s["positive"].to_numpy().round(2),
                "qualified": s["qualified"].to_numpy(),
                "_theme_pos": s["theme"].to_numpy(),
            }
        )
        out = out.sort_values(
            ["_theme_pos", "qualified", "score", "code"], ascending=[True, False, False, True]
        )
        out["rank"] = out.groupby("_theme_pos").cumcount() + 1
        out.loc[~out["qualified"], "rank"] = 0
        return out.drop(columns="_theme_pos").reset_index(drop=True)

    @cached_property
    def evidence(self) -> pd.DataFrame:
        """Evidence rows: code, theme, field, term, points, kind, note, snippet.

        For every (code, theme) the points add up to its score. ``kind`` is keyword, industry,
        concept, region, gate, filter, veto or penalty.
        """
        e = self._evidence
        display = self._texts.display
        snippets = [
            _snippet(display[f][c], s, len(t)) if s >= 0 and f in display else ""
            for c, f, s, t in zip(
                e["company"].tolist(),
                e["field"].tolist(),
                e["start"].tolist(),
                e["term"].tolist(),
                strict=True,
            )
        ]
        return pd.DataFrame(
            {
                "code": self._codes[e["company"].to_numpy(dtype="int64")],
                "theme": self._theme_ids[e["theme"].to_numpy(dtype="int64")],
                "field": e["field"].to_numpy(),
                "term": e["term"].to_numpy(),
                "points": e["points"].to_numpy(),
                "kind": e["kind"].to_numpy(),
                "note": e["note"].fillna("").to_numpy(),
                "snippet": snippets,
            },
            columns=EVIDENCE_COLUMNS,
        )

    @cached_property
    def candidates(self) -> pd.DataFrame:
        """One row per qualified (company, theme), ranked within each theme."""
        s = self.scores[self.scores["qualified"]]
        meta = self.themes.to_frame().set_index("id")
        out = s[["code", "name", "theme", "score", "rank"]].copy()
        out["theme_name"] = out["theme"].map(meta["name"])
        out["line"] = out["theme"].map(meta["line"])
        out["province"] = out["code"].map(self.universe.set_index("code")["province"])
        out["evidence_summary"] = self._summaries(s)
        return out[CANDIDATE_COLUMNS].reset_index(drop=True)

    def _summaries(self, qualified: pd.DataFrame) -> list[str]:
        e = self._evidence
        best = e[e["points"] > 0]
        best = best.assign(
            code=self._codes[best["company"].to_numpy()], theme=self._theme_ids[best["theme"].to_numpy()]
        )
        best = best.sort_values("points", ascending=False, kind="stable").groupby(["code", "theme"]).head(3)
        text = best["term"] + "[" + best["field"] + " +" + best["points"].map("{:g}".format) + "]"
        joined = text.groupby([best["code"], best["theme"]]).agg("; ".join)
        return [joined.get((c, t), "") for c, t in zip(qualified["code"], qualified["theme"], strict=True)]

    @cached_property
    def dropped(self) -> pd.DataFrame:
        """Every company that matched a theme but was removed, and why: code, name, theme,
        positive (points before removal), score, reason (region gate, filter, veto, min_score)."""
        s = self.scores
        out = s[(s["positive"] > 0) & ~s["qualified"]][["code", "name", "theme", "positive", "score"]].copy()
        e = self.evidence
        negative = e[e["points"] < 0].drop_duplicates(["code", "theme"]).set_index(["code", "theme"])["note"]
        keys = list(zip(out["code"], out["theme"], strict=True))
        reasons = []
        for (code, theme), score in zip(keys, out["score"], strict=True):
            if score > 0:
                reasons.append(f"score {score:g} below min_score {self.themes[theme].min_score:g}")
            else:
                reasons.append(str(negative.get((code, theme), "cancelled")))
        out["reason"] = reasons
        return out.reset_index(drop=True)

    # ----------------------------------------------------------------- queries
    def top(self, n: int = 10, theme: str | None = None) -> pd.DataFrame:
        """The ``n`` best candidates per theme (or of one theme)."""
        c = self.candidates
        if theme is not None:
            self.themes[theme]  # raises UnknownThemeError
            c = c[c["theme"] == theme]
        return c[c["rank"] <= n].reset_index(drop=True)

    def themes_of(self, code: str) -> pd.DataFrame:
        """All themes one company qualifies for, best first (reverse lookup)."""
        self._position(code)
        c = self.candidates
        return c[c["code"] == code].sort_values("score", ascending=False).reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Per theme: name, line, number of candidates, best score and best company."""
        meta = self.themes.to_frame()[["id", "name", "line"]].rename(
            columns={"id": "theme", "name": "theme_name"}
        )
        c = self.candidates
        counts = c.groupby("theme").size().rename("candidates")
        best = c[c["rank"] == 1].set_index("theme")
        out = meta.set_index("theme").join(counts).join(best[["score", "code", "name"]])
        out["candidates"] = out["candidates"].fillna(0).astype("int64")
        return out.rename(
            columns={"score": "top_score", "code": "top_code", "name": "top_name"}
        ).reset_index()

    def _position(self, code: str) -> int:
        matches = np.flatnonzero(self._codes == str(code))
        if not len(matches):
            raise UnknownCompanyError(
                f"stock code {code!r} is not in the screened universe ({len(self._codes)} companies)"
            )
        return int(matches[0])

    def explain(self, code: str, theme: str | None = None) -> Explanation:
        """Why ``code`` did or did not qualify for ``theme`` (or for every theme it touched).

        Raises
        ------
        UnknownCompanyError, UnknownThemeError
        """
        pos = self._position(code)
        asked = [self.themes[theme]] if theme is not None else None
        s = self.scores[self.scores["code"] == code].set_index("theme")
        if asked is None:
            asked = [self.themes[t] for t in s.index]
        e = self.evidence[self.evidence["code"] == code]
        rows = []
        for t in asked:
            if t.id in s.index:
                row = s.loc[t.id]
                verdict = self._verdict(t.id, row, e[e["theme"] == t.id])
                rows.append(
                    (t.id, t.name, float(row["score"]), int(row["rank"]), bool(row["qualified"]), verdict)
                )
            else:
                rows.append((t.id, t.name, 0.0, 0, False, self._no_match(t.id, pos)))
        verdicts = pd.DataFrame(
            rows, columns=["theme", "theme_name", "score", "rank", "qualified", "verdict"]
        )
        verdicts = verdicts.sort_values(["qualified", "score"], ascending=False, kind="stable").reset_index(
            drop=True
        )
        evidence = e[e["theme"].isin(verdicts["theme"])].reset_index(drop=True)
        return Explanation(str(code), str(self.universe["name"].iloc[pos]), verdicts, evidence)

    def _verdict(self, theme_id: str, row: pd.Series, rows: pd.DataFrame) -> str:
        n = int((self.scores["theme"] == theme_id).mul(self.scores["qualified"]).sum())
        if row["qualified"]:
            return f"qualifies: score {row['score']:g}, rank {row['rank']} of {n}"
        cancel = rows[rows["points"] < 0]
        if row["score"] > 0:
            floor = self.themes[theme_id].min_score
            return f"does not qualify: score {row['score']:g} is below min_score {floor:g}"
        reason = cancel["note"].iloc[0] if len(cancel) else "no points"
        return f"does not qualify: matched for {row['positive']:g} points, then {reason}"

    def _no_match(self, theme_id: str, pos: int) -> str:
        t = self.themes[theme_id]
        n_terms = sum(len(g.terms) for g in t.keywords)
        where = ""
        if t.region is not None:
            where = f"; located in {self.universe['province'].iloc[pos]}"
        searched = f"{n_terms} keyword terms, {len(t.industries)} industry labels, {len(t.concepts)} concept labels"
        return f"does not qualify: no rule matched ({searched} searched){where}"

    def __repr__(self) -> str:
        return (
            f"ScreenResult({len(self.universe)} companies × {len(self.themes)} themes: "
            f"{len(self.candidates)} candidates"
            + (f", snapshot {self.snapshot_id}" if self.snapshot_id else "")
            + ")"
        )
