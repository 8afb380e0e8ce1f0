"""Learned expansion: the rule candidates of every theme, then the best non-candidates by affinity.

The rules find the companies whose texts and labels *say* a theme; :func:`expand` adds, per theme,
the ``n`` companies that look most like those candidates without saying it, each flagged
``expanded`` with its learned affinity and the words and labels behind it. It is the screen's
default ranking in notebooks and on the command line (``npf-screen screen --expand N``).

- **Rule scores are untouched.** An expanded company keeps score 0 and no evidence rows; its
  affinity, flag and drivers are separate columns, and :meth:`Expansion.explain` shows the rule
  evidence and the expansion apart.
- **One feature matrix for every theme** (:func:`npf_screen.ml.affinity.feature_matrix`: Chinese
  words, character n-grams, English words, industry and concept labels), built once per universe.
- **Per theme**: an L2 logistic regression with the theme's candidates as positives, cross-fitted in
  ``folds`` folds (each company scored by a model that never saw it), BLAS pinned to one thread.
- **Who may be expanded**: not a candidate, not vetoed or filtered out by the theme's own rules
  (a penalty only lowers a score), and for a regional theme located in its provinces; a company
  needs at least one named driver (a word or label with a positive contribution).
- **Order**: candidates by ``score / 100 + affinity`` (rule score first, affinity as a second
  opinion; the rule ``rank`` is kept), then the expanded companies by affinity.

``benchmarks/quality.py`` measures the ranking on held-back themes; the default ``n`` is justified
there (precision of the expanded heads against the boards).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from npf_screen.ml.affinity import MIN_POSITIVES, AffinityModel, _drivers, cross_fit, feature_matrix
from npf_screen.ml.defaults import DEFAULT_EXPAND, FOLDS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from npf_screen.screening.explanation import Explanation
    from npf_screen.screening.results import ScreenResult

__all__ = ["Expansion", "ExpansionExplanation", "expand"]

RANKING_COLUMNS = [
    "theme", "position", "code", "name", "candidate", "expanded", "rank", "score", "affinity",
    "order", "drivers", "text_fields",
]  # fmt: skip


@dataclass(frozen=True)
class ExpansionExplanation:
    """Why a company is where it is: the rule explanation and, apart, the learned expansion.

    ``rules`` is the :class:`~npf_screen.Explanation` of the rule scores (evidence adds up to
    them); ``expansion`` has one row per theme asked about (theme, candidate, expanded, position,
    affinity, drivers) and ``contributions`` the features behind each affinity (theme, feature,
    value, contribution; with the ``(other features)`` and ``(intercept)`` rows they add up to the
    affinity's logit).
    """

    rules: Explanation
    expansion: pd.DataFrame
    contributions: pd.DataFrame

    def __str__(self) -> str:
        lines = [str(self.rules), "", "learned expansion (affinity, not a rule score):"]
        if self.expansion.empty:
            lines.append("    no theme with a fitted model")
        for row in self.expansion.itertuples(index=False):
            if row.expanded:
                status = f"EXPANDED, position {row.position}: proposed although no rule qualified it"
            elif row.candidate:
                status = f"rule candidate, position {row.position}"
            else:
                status = "not proposed"
            lines.append(f"  [{row.theme}] {status}; affinity {row.affinity:.3f}")
            if row.drivers:
                lines.append(f"      drivers: {row.drivers}")
            if row.expanded:
                c = self.contributions[self.contributions["theme"] == row.theme]
                for ev in c.itertuples(index=False):
                    lines.append(f"      {ev.contribution:+7.3f}  {ev.feature}")
        return "\n".join(lines)

    __repr__ = __str__


@dataclass
class Expansion:
    """Every theme's candidates followed by its expanded companies. Built by :func:`expand`.

    Attributes
    ----------
    result : ScreenResult
        The screen (rule scores and evidence, unchanged).
    n : int
        Expanded companies asked for per theme.
    ranking : DataFrame
        theme, position (1 = best), code, name, candidate, expanded, rank (the rule rank; 0 for an
        expanded company), score (the rule score; 0 when expanded), affinity (0-1, NaN when the
        theme has too few candidates to learn from), order, drivers, text_fields.
    models : dict
        Theme id → its cross-fitted :class:`~npf_screen.ml.affinity.AffinityModel`.
    seconds : float
        Time spent fitting (the shared feature matrix included).
    """

    result: ScreenResult
    n: int
    ranking: pd.DataFrame
    models: dict[str, AffinityModel] = field(repr=False)
    eligible: dict[str, np.ndarray] = field(repr=False)
    seconds: float = 0.0

    @property
    def expanded(self) -> pd.DataFrame:
        """Only the expanded rows of :attr:`ranking`."""
        return self.ranking[self.ranking["expanded"]].reset_index(drop=True)

    def table(self, top: int | None = None, *, expanded: bool = True) -> pd.DataFrame:
        """The candidates table of the screen with the expansion appended, one row per (company,
        theme): the columns of ``result.candidates`` plus ``expanded``, ``affinity``, ``drivers``.

        ``top`` keeps the ``top`` best candidates per theme (by rule rank); ``expanded=False`` drops
        the expanded rows (what watchlists carry unless asked).
        """
        cands = self.result.top(top) if top else self.result.candidates
        r = self.ranking
        extra = r[["theme", "code", "affinity", "drivers"]]
        out = cands.merge(extra, on=["theme", "code"], how="left").assign(expanded=False)
        if expanded:
            meta = self.result.themes.to_frame().set_index("id")
            province = self.result.universe.set_index("code")["province"]
            e = r[r["expanded"]]
            rows = pd.DataFrame(
                {
                    "code": e["code"],
                    "name": e["name"],
                    "theme": e["theme"],
                    "score": 0.0,
                    "rank": 0,
                    "theme_name": e["theme"].map(meta["name"]),
                    "line": e["theme"].map(meta["line"]),
                    "province": e["code"].map(province),
                    "evidence_summary": "",
                    "text_fields": e["text_fields"],
                    "affinity": e["affinity"],
                    "drivers": e["drivers"],
                    "expanded": True,
                }
            )
            out = pd.concat([out, rows.reindex(columns=out.columns)], ignore_index=True)
            order = {t: i for i, t in enumerate(self.result.themes.ids)}
            out = out.assign(_t=out["theme"].map(order)).sort_values(["_t", "expanded"], kind="stable")
            out = out.drop(columns="_t")
        return out.reset_index(drop=True)

    def market_ranking(self, theme: str) -> pd.DataFrame:
        """Every company for one theme: the candidates, then every eligible non-candidate by affinity,
        then the rest (code, candidate, affinity). What the benchmark scores as the full ranking."""
        r = self.ranking[self.ranking["theme"] == theme]
        model = self.models.get(theme)
        codes = self.result.universe["code"].to_numpy(dtype=object)
        if model is None:
            rest = codes[~np.isin(codes, r["code"])]
            return pd.concat(
                [r[["code", "candidate", "affinity"]], pd.DataFrame({"code": rest, "candidate": False})],
                ignore_index=True,
            )
        cands = r[r["candidate"]][["code", "candidate", "affinity"]]
        affinity = np.where(self.eligible[theme], model.affinity, -1.0)
        others = np.flatnonzero(~model.candidate)
        others = others[np.lexsort((codes[others], -np.nan_to_num(affinity[others], nan=-1.0)))]
        tail = pd.DataFrame({"code": codes[others], "candidate": False, "affinity": model.affinity[others]})
        return pd.concat([cands, tail], ignore_index=True)

    def explain(self, code: str, theme: str | None = None, *, n: int = 8) -> ExpansionExplanation:
        """The rule explanation of ``code`` (every theme it touched, or ``theme``) and, apart, its
        expansion: for every such theme and every theme it was expanded into, its affinity, position
        and drivers; for an expanded company the ``n`` largest feature contributions."""
        rules = self.result.explain(code, theme)
        asked = [theme] if theme is not None else list(rules.verdicts["theme"])
        r = self.ranking[self.ranking["code"] == str(code)]
        if theme is None:
            asked += [t for t in r.loc[r["expanded"], "theme"] if t not in asked]
        row_of = self.result.text_coverage.index[self.result.text_coverage["code"] == str(code)]
        rows, parts = [], []
        for t in asked:
            model = self.models.get(t)
            if model is None or not len(row_of):
                continue
            i = int(row_of[0])
            hit = r[r["theme"] == t]
            position = int(hit["position"].iloc[0]) if len(hit) else 0
            expanded = bool(hit["expanded"].iloc[0]) if len(hit) else False
            drivers = str(hit["drivers"].iloc[0]) if len(hit) else str(_drivers(model, 3, np.array([i]))[i])
            rows.append((t, bool(model.candidate[i]), expanded, position, float(model.affinity[i]), drivers))
            if expanded:
                parts.append(model.explained(i, n).assign(theme=t))
        expansion = pd.DataFrame(
            rows, columns=["theme", "candidate", "expanded", "position", "affinity", "drivers"]
        )
        columns = ["theme", "feature", "value", "contribution"]
        contributions = (
            pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
        )
        return ExpansionExplanation(rules, expansion, contributions)

    def summary(self) -> pd.DataFrame:
        """``result.summary()`` plus, per theme, how many companies were expanded and whether a model
        could be fitted (``expanded``; NaN when the theme has too few candidates)."""
        out = self.result.summary()
        counts = self.ranking[self.ranking["expanded"]].groupby("theme").size()
        out["expanded"] = [counts.get(t, 0) if t in self.models else np.nan for t in out["theme"]]
        return out

    def __repr__(self) -> str:
        return (
            f"Expansion({len(self.models)} themes fitted, {int(self.ranking['expanded'].sum())} companies "
            f"expanded, n={self.n}, {self.seconds:.1f} s)"
        )


def _eligible(result: ScreenResult, theme: str, candidate: np.ndarray, removed: pd.Series) -> np.ndarray:
    """Non-candidates that may be expanded: not vetoed or filtered out by the theme's own rules (a
    penalty only lowers a score, it does not forbid) and, for a regional theme, in its provinces."""
    u = result.universe
    ok = ~candidate.copy()
    ok &= ~u["code"].isin(removed[removed.index == theme]).to_numpy()
    region = result.themes[theme].region
    if region is not None:
        ok &= u["province"].isin(list(region.provinces)).to_numpy()
    return ok


def expand(
    result: ScreenResult,
    n: int = DEFAULT_EXPAND,
    *,
    theme_ids: Iterable[str] | None = None,
    folds: int = FOLDS,
    C: float = 1.0,
    random_state: int = 0,
    drivers: int = 3,
) -> Expansion:
    """Learned expansion of a screen: per theme, its candidates, then the ``n`` best non-candidates.

    Parameters
    ----------
    result : ScreenResult
        A screen (:func:`npf_screen.screen`).
    n : int
        Expanded companies per theme (0: affinities and candidate order only).
    theme_ids : iterable of str, optional
        Only these themes (default: every theme of the result).
    folds, C, random_state
        Cross-fitting folds (at least 2), regularisation and seed, see
        :func:`npf_screen.ml.affinity.cross_fit`.
    drivers : int
        Words or labels named per company as its drivers.

    Returns
    -------
    Expansion
        ``.ranking`` (candidates then expanded, per theme), ``.table()``, ``.explain()``.

    Examples
    --------
    >>> import npf_screen as npf
    >>> ex = npf.expand(npf.screen(npf.load_sample(), theme_ids=["em_hydrogen"]), n=5)
    >>> int(ex.ranking["expanded"].sum())
    5
    >>> bool((ex.expanded["drivers"] != "").all()) and bool((ex.expanded["score"] == 0).all())
    True
    """
    if n < 0:
        raise ValueError(f"n={n}: give how many companies to expand per theme, e.g. n={DEFAULT_EXPAND}")
    if folds < 2:
        raise ValueError(f"folds={folds}: need at least 2 folds to cross-fit; pass folds={FOLDS}")
    if drivers < 1:
        raise ValueError(f"drivers={drivers}: an expanded company needs named drivers; pass drivers=3")
    started = time.perf_counter()
    ids = list(theme_ids) if theme_ids is not None else list(result.themes.ids)
    for t in ids:
        result.themes[t]  # raises UnknownThemeError
    u = result.universe
    codes = u["code"].to_numpy(dtype=object)
    names = u["name"].to_numpy(dtype=object)
    fields = result.text_coverage["text_fields"].to_numpy(dtype=object)
    position = pd.Series(np.arange(len(codes)), index=codes)
    matrix, features = feature_matrix(result)
    e = result._decoded  # the evidence rows without snippets (cheap)
    removed = e.loc[e["kind"].isin(("veto", "filter")), ["theme", "code"]].set_index("theme")["code"]
    cands = result.candidates
    by_theme = dict(list(cands.groupby("theme", sort=False)))
    frames, models, eligible = [], {}, {}
    for theme in ids:
        chosen = by_theme.get(theme, cands.iloc[:0])
        rows = position.reindex(chosen["code"]).to_numpy(dtype="int64")
        y = np.zeros(len(codes), dtype=np.int8)
        y[rows] = 1
        affinity, fold, coefficients, intercepts = cross_fit(
            matrix, y, folds=folds, C=C, random_state=random_state, min_positives=MIN_POSITIVES
        )
        model = AffinityModel(
            theme, codes, y.astype(bool), affinity, fold, coefficients, intercepts, features, matrix
        )
        fitted = len(intercepts) > 0
        score = chosen["score"].to_numpy(dtype=float)
        order = score / 100 + np.nan_to_num(affinity[rows], nan=0.0)
        keep = np.lexsort((chosen["rank"].to_numpy(), -order))
        picked = np.zeros(0, dtype="int64")
        if fitted:
            models[theme] = model
            ok = _eligible(result, theme, model.candidate, removed) & ~np.isnan(affinity)
            eligible[theme] = ok
            pool = np.flatnonzero(ok)
            pool = pool[np.lexsort((codes[pool], -affinity[pool]))]
            named = _drivers(model, drivers, np.concatenate([rows, pool[: 3 * n]]))
            picked = np.array([i for i in pool[: 3 * n] if named[i]][:n], dtype="int64")
        else:
            named = np.full(len(codes), "", dtype=object)
        c_rows = rows[keep]
        frame = pd.DataFrame(
            {
                "theme": theme,
                "code": codes[np.r_[c_rows, picked]],
                "name": names[np.r_[c_rows, picked]],
                "candidate": np.r_[np.ones(len(c_rows), bool), np.zeros(len(picked), bool)],
                "expanded": np.r_[np.zeros(len(c_rows), bool), np.ones(len(picked), bool)],
                "rank": np.r_[chosen["rank"].to_numpy()[keep], np.zeros(len(picked), "int64")],
                "score": np.r_[score[keep], np.zeros(len(picked))],
                "affinity": np.round(affinity[np.r_[c_rows, picked]], 4),
                "order": np.round(np.r_[order[keep], affinity[picked]], 4),
                "drivers": named[np.r_[c_rows, picked]],
                "text_fields": fields[np.r_[c_rows, picked]],
            }
        )
        frame.insert(1, "position", np.arange(1, len(frame) + 1))
        frames.append(frame)
    ranking = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RANKING_COLUMNS)
    return Expansion(result, n, ranking[RANKING_COLUMNS], models, eligible, time.perf_counter() - started)
