"""What a screen returns: candidates, scores, evidence and explanations, all as DataFrames."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npf_screen.core.errors import UnknownCompanyError
from npf_screen.core.html_repr import HtmlRepr
from npf_screen.core.ordering import lex_order, run_starts
from npf_screen.core.strings import string_column, string_values, take_strings
from npf_screen.rules.model import ThemeSet
from npf_screen.screening.codes import EVIDENCE_KINDS
from npf_screen.screening.explanation import Explanation
from npf_screen.screening.matching import CompiledRules
from npf_screen.screening.scoring import EVIDENCE_FIELDS, Scored, term_text
from npf_screen.screening.snippets import snippets
from npf_screen.screening.texts import PreparedTexts
from npf_screen.universe.schema import BUSINESS_TEXT_FIELDS

if TYPE_CHECKING:
    from npf_screen.screening.exposure import Exposure

__all__ = ["ScreenResult"]

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
    "text_fields",
]
EVIDENCE_COLUMNS = ["code", "theme", "field", "term", "points", "kind", "group", "note", "snippet"]


class ScreenResult(HtmlRepr):
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
        scored: Scored,
        rules: CompiledRules,
        texts: PreparedTexts,
        snapshot_id: str | None = None,
        exposure: Exposure | None = None,
    ) -> None:
        self.universe = universe
        self.exposure = exposure
        self.themes = themes
        self.snapshot_id = snapshot_id
        self._scored = scored
        self._scores = scored.scores
        self._rules = rules
        self._texts = texts
        self._theme_ids = np.array(themes.ids, dtype=object)

    # ----------------------------------------------------------------- tables
    @cached_property
    def _ranked(self) -> pd.DataFrame:
        """The numeric score table sorted by theme, qualified first, revenue exposure desc (when a
        revenue composition was given: a share of revenue from the theme's products ranks above any
        text evidence), score desc, then support desc (the evidence before the 100 cap, so that of two
        companies at 100 the better-evidenced comes first), then code; with ranks."""
        s = self._scores
        company, theme = s["company"].to_numpy(), s["theme"].to_numpy()
        qualified = s["qualified"].to_numpy()
        support = s["support"].to_numpy()
        share = np.zeros(len(s))
        if self.exposure is not None and len(self.exposure.table):
            known = self.exposure.table.set_index(["code", "theme"])["exposure"]
            index = pd.MultiIndex.from_arrays([self._codes[company], self._theme_ids[theme]])
            share = known.reindex(index).fillna(0.0).to_numpy(dtype="float64")
        keys = (self._code_rank[company], -support, -s["score"].to_numpy(), -share, ~qualified, theme)
        order = lex_order(keys)
        ranked = s.iloc[order].reset_index(drop=True)
        theme = ranked["theme"].to_numpy()
        first = run_starts(theme)
        rank = np.arange(len(theme)) - np.repeat(first, np.diff(np.r_[first, len(theme)])) + 1
        ranked["rank"] = np.where(ranked["qualified"].to_numpy(), rank, 0)
        return ranked

    # Values of the universe alone, kept with its prepared texts: the same for every screen of it.
    @property
    def _codes(self) -> np.ndarray:
        return self._texts.remembered("codes", lambda: self.universe["code"].to_numpy(dtype=object))

    @property
    def _names(self) -> np.ndarray:
        return self._texts.remembered("names", lambda: self.universe["name"].to_numpy(dtype=object))

    @property
    def _code_values(self) -> pa.Array:
        return self._texts.remembered("code_values", lambda: string_values(self._codes))

    @property
    def _name_values(self) -> pa.Array:
        return self._texts.remembered("name_values", lambda: string_values(self._names))

    @property
    def _province_values(self) -> pa.Array:
        return self._texts.remembered("province_values", lambda: string_values(self.universe["province"]))

    @property
    def _code_rank(self) -> np.ndarray:
        def rank_by_code() -> np.ndarray:
            order = np.argsort(self._codes.astype(str), kind="stable")
            rank = np.empty(len(order), dtype="int64")
            rank[order] = np.arange(len(order))  # the inverse permutation: each company's place by code
            return rank

        return self._texts.remembered("code_rank", rank_by_code)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Every (company, theme) pair with any evidence: code, name, theme, score, positive,
        support (positive points before the cap of 100; orders ties of score), qualified, rank (among
        the qualified of the theme, 1 = best; 0 when not qualified)."""
        r = self._ranked
        company = r["company"].to_numpy()
        out = pd.DataFrame(
            {
                "code": take_strings(self._code_values, company),
                "name": take_strings(self._name_values, company),
                "theme": take_strings(self._theme_ids, r["theme"].to_numpy()),
                "score": r["score"].to_numpy(),
                "positive": r["positive"].to_numpy(),
                "support": r["support"].to_numpy(),
                "qualified": r["qualified"].to_numpy(),
                "rank": r["rank"].to_numpy(),
            }
        )
        if self.exposure is None:
            return out
        from npf_screen.screening.exposure import exposure_scores

        regional = {t.id for t in self.themes if t.region is not None}
        names = pd.Series(self._names, index=self._codes)
        return exposure_scores(out, self.exposure, names=names, no_extra=regional, theme_ids=self.themes.ids)

    def _term_text(self, term: np.ndarray, word: np.ndarray) -> np.ndarray:
        """The words of evidence rows: the rule term (as spelled) for a term key, else the interned word."""
        return term_text(self._rules, self._scored, term, word)

    def _term_column(self, term: np.ndarray, word: np.ndarray) -> object:
        """:meth:`_term_text` as a text column, through codes."""
        labels = self._rules.term_labels
        return take_strings(
            [*labels, *self._scored.words.values], np.where(term >= 0, term, len(labels) + word)
        )

    @cached_property
    def _decoded(self) -> pd.DataFrame:
        """Evidence rows with their strings decoded, without snippets (cheap)."""
        e = self._scored.evidence
        return pd.DataFrame(
            {
                "code": take_strings(self._code_values, e["company"].to_numpy()),
                "theme": take_strings(self._theme_ids, e["theme"].to_numpy()),
                "field": take_strings(EVIDENCE_FIELDS, e["field"].to_numpy()),
                "term": self._term_column(e["term"].to_numpy(), e["word"].to_numpy()),
                "points": e["points"].to_numpy(),
                "kind": take_strings(EVIDENCE_KINDS, e["kind"].to_numpy()),
                "group": take_strings(self._rules.strings.values, e["group"].to_numpy()),
                "note": take_strings(self._scored.notes.values, e["note"].to_numpy()),
            }
        )

    @cached_property
    def evidence(self) -> pd.DataFrame:
        """Evidence rows: code, theme, field, term, points, kind, group, note, snippet.

        For every (code, theme) the points add up to its score. ``kind`` is keyword, industry,
        concept, region, gate, filter, veto or penalty; ``group`` the keyword group's label; the
        snippet shows the matched term as 【term】 in its text.
        """
        out = self._decoded.assign(snippet=self._snippets())[EVIDENCE_COLUMNS]
        if self.exposure is None:
            return out
        from npf_screen.screening.exposure import exposure_evidence, merge_evidence

        rows = exposure_evidence(self.scores, self.exposure)
        return merge_evidence(out, rows, self.universe["code"], self.themes.ids)

    def _snippets(self) -> object:
        """The snippet of every evidence row that points into a text (else ""), vectorised."""
        e = self._scored.evidence
        codes, bases = self._texts.display_codes()
        offsets = self._texts.offsets
        field, company = e["field"].to_numpy(), e["company"].to_numpy()
        start = e["start"].to_numpy()
        in_text = (start >= 0) & (field < len(bases))
        field = np.where(in_text, field, 0)
        begin = np.zeros(len(e), dtype="int64")
        length = np.zeros(len(e), dtype="int64")
        for f, name in enumerate(EVIDENCE_FIELDS[: len(bases)]):
            rows = np.flatnonzero(in_text & (field == f))
            begin[rows] = bases[f] + offsets[name][company[rows]]
            length[rows] = offsets[name][company[rows] + 1] - offsets[name][company[rows]] - 1
        term_length = np.array([len(t) for t in self._rules.terms], dtype="int64")  # folded, as matched
        term = e["term"].to_numpy()
        size = np.where(in_text & (term >= 0), term_length[np.maximum(term, 0)], 0)
        return string_column(snippets(codes, begin, length, np.where(in_text, start, -1), size))

    @cached_property
    def candidates(self) -> pd.DataFrame:
        """One row per qualified (company, theme), ranked within each theme: code, name, theme, score,
        rank, theme_name, line, province, evidence_summary."""
        r = self._ranked[self._ranked["qualified"].to_numpy()]
        company, theme = r["company"].to_numpy(), r["theme"].to_numpy()
        themes = list(self.themes)
        out = pd.DataFrame(
            {
                "code": take_strings(self._code_values, company),
                "name": take_strings(self._name_values, company),
                "theme": take_strings(self._theme_ids, theme),
                "score": r["score"].to_numpy(),
                "rank": r["rank"].to_numpy(),
                "theme_name": take_strings([t.name for t in themes], theme),
                "line": take_strings([t.line for t in themes], theme),
                "province": take_strings(self._province_values, company),
                "evidence_summary": self._summaries(company, theme),
                "text_fields": take_strings(self._coverage[1], self._coverage[0][company]),
            },
            columns=CANDIDATE_COLUMNS,
        )
        if self.exposure is None:
            return out
        return out.merge(self.scores[["code", "theme", "exposure"]], on=["code", "theme"], how="left")

    @property
    def _coverage(self) -> tuple[np.ndarray, list[str]]:
        """(per company: which business-text fields it has, as bits; the text of each bit set)."""

        def coverage() -> tuple[np.ndarray, list[str]]:
            grid = np.column_stack([self._texts.nonblank(f) for f in BUSINESS_TEXT_FIELDS])
            mask = grid @ (1 << np.arange(len(BUSINESS_TEXT_FIELDS)))
            spelled = [
                ",".join(f for i, f in enumerate(BUSINESS_TEXT_FIELDS) if m >> i & 1)
                for m in range(1 << len(BUSINESS_TEXT_FIELDS))
            ]
            return mask, spelled

        return self._texts.remembered("coverage", coverage)

    @cached_property
    def text_coverage(self) -> pd.DataFrame:
        """Which business-text fields each company had: code, name, text_fields (e.g.
        ``main_business,products``; ``""`` when it had none, so it was screened on its name,
        industry and concept labels only), n_text_fields. One row per company, universe order."""
        mask, spelled = self._coverage
        return pd.DataFrame(
            {
                "code": self._codes,
                "name": self._names,
                "text_fields": np.array(spelled, dtype=object)[mask],
                "n_text_fields": sum((mask >> i) & 1 for i in range(len(BUSINESS_TEXT_FIELDS))),
            }
        )

    def _summaries(self, company: np.ndarray, theme: np.ndarray) -> object:
        """'term[field +points]; …' of the three best rows of each given (company, theme) pair, as a
        text column built from codes (one Python string per distinct term, field and points)."""
        e = self._scored.evidence
        n = len(self._theme_ids)
        wanted = company * n + theme
        pair = e["company"].to_numpy() * n + e["theme"].to_numpy()
        points = e["points"].to_numpy()
        rows = np.flatnonzero(np.isin(pair, wanted, kind="table") & (points > 0))
        rows = rows[lex_order((-points[rows], pair[rows]))]  # stable: ties keep the evidence order
        pair = pair[rows]
        starts = run_starts(pair)
        rank = np.arange(len(pair)) - np.repeat(starts, np.diff(np.r_[starts, len(pair)]))
        rows, pair, rank = rows[rank < 3], pair[rank < 3], rank[rank < 3]
        term, word = e["term"].to_numpy()[rows], e["word"].to_numpy()[rows]
        labels = self._rules.term_labels
        words = pa.array(
            take_strings([*labels, *self._scored.words.values], np.where(term >= 0, term, len(labels) + word))
        )
        fields = pa.array(take_strings(EVIDENCE_FIELDS, e["field"].to_numpy()[rows]))
        shown, codes = np.unique(points[rows], return_inverse=True)
        amounts = pa.array(take_strings([f"{p:g}" for p in shown.tolist()], codes.reshape(-1)))

        def text(value: str) -> pa.Scalar:
            return pa.scalar(value, pa.large_string())

        parts = pc.binary_join_element_wise(
            words, text("["), fields, text(" +"), amounts, text("]"), text("")
        )
        # The k-th part of every wanted pair (null when it has fewer), then "; "-joined.
        unique = pair[np.r_[rank == 0]] if len(pair) else pair
        at = np.searchsorted(unique, wanted)
        found = (at < len(unique)) & (unique[np.minimum(at, max(len(unique) - 1, 0))] == wanted)
        first = np.flatnonzero(rank == 0)
        columns = []
        for k in range(3):
            index = (
                np.where(found, first[np.minimum(at, max(len(first) - 1, 0))] + k, -1) if len(first) else at
            )
            ok = found & (index < len(pair)) & (index >= 0)
            ok[ok] &= (pair[index[ok]] == wanted[ok]) & (rank[index[ok]] == k)
            columns.append(parts.take(pa.array(np.where(ok, index, 0), mask=~ok)))
        joined = pc.binary_join_element_wise(*columns, text("; "), null_handling="skip")
        return string_column(pc.fill_null(joined, text("")))

    @cached_property
    def dropped(self) -> pd.DataFrame:
        """Every company that matched a theme but was removed, and why: code, name, theme,
        positive (points before removal), score, reason (region gate, filter, veto, min_score)."""
        s = self.scores
        out = s[(s["positive"] > 0) & ~s["qualified"]][["code", "name", "theme", "positive", "score"]].copy()
        e = self._decoded
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
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ValueError(f"n={n!r}: give how many candidates to keep per theme, a whole number >= 1")
        c = self.candidates
        if theme is not None:
            self.themes[theme]  # raises UnknownThemeError
            c = c[c["theme"] == theme]
        return c[c["rank"] <= n].reset_index(drop=True)

    def themes_of(self, code: str | int) -> pd.DataFrame:
        """All themes one company qualifies for, best first (reverse lookup)."""
        _, code = self._position(code)
        c = self.candidates
        return c[c["code"] == code].sort_values("score", ascending=False).reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Per theme: name, line, number of candidates, best score and best company, and how many
        candidates had no business text (``without_text``: screened on name and labels only) or only
        one text field (``one_text_field``)."""
        meta = self.themes.to_frame()[["id", "name", "line"]].rename(
            columns={"id": "theme", "name": "theme_name"}
        )
        c = self.candidates
        counts = c.groupby("theme").size().rename("candidates")
        best = c[c["rank"] == 1].set_index("theme")
        out = meta.set_index("theme").join(counts).join(best[["score", "code", "name"]])
        out["candidates"] = out["candidates"].fillna(0).astype("int64")
        n_fields = self.text_coverage.set_index("code")["n_text_fields"].reindex(c["code"]).to_numpy()
        for column, hit in (("without_text", n_fields == 0), ("one_text_field", n_fields == 1)):
            counted = c.loc[hit, "theme"].value_counts()
            out[column] = counted.reindex(out.index, fill_value=0).astype("int64")
        return out.rename(
            columns={"score": "top_score", "code": "top_code", "name": "top_name"}
        ).reset_index()

    def _position(self, code: str | int) -> tuple[int, str]:
        """(row position, 6-digit code) of ``code``; an int is read as a zero-padded code."""
        if isinstance(code, int) and not isinstance(code, bool) and 0 <= code <= 999_999:
            code = f"{code:06d}"
        elif not isinstance(code, str):
            raise UnknownCompanyError(
                f"stock code {code!r}: give the 6-digit code as text, e.g. '000001' (or an int like 1)"
            )
        matches = np.flatnonzero(self._codes == code)
        if not len(matches):
            raise UnknownCompanyError(
                f"stock code {code!r} is not in the screened universe ({len(self._codes)} companies)"
            )
        return int(matches[0]), code

    def explain(self, code: str | int, theme: str | None = None) -> Explanation:
        """Why ``code`` did or did not qualify for ``theme`` (or for every theme it touched).

        Raises
        ------
        UnknownCompanyError, UnknownThemeError
        """
        pos, code = self._position(code)
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
        fields = str(self.text_coverage["text_fields"].iloc[pos])
        return Explanation(str(code), str(self.universe["name"].iloc[pos]), verdicts, evidence, fields)

    def _verdict(self, theme_id: str, row: pd.Series, rows: pd.DataFrame) -> str:
        n = int((self.scores["theme"] == theme_id).mul(self.scores["qualified"]).sum())
        if row["qualified"]:
            return f"qualifies: score {row['score']:g}, rank {row['rank']} of {n}"
        cancel = rows[rows["points"] < 0]
        if row["score"] > 0:
            floor = self.themes[theme_id].min_score
            return f"does not qualify: score {row['score']:g} is below min_score {floor:g}"
        if row["positive"] == 0 and row.get("exposure", 0) > 0:
            share = f"{row['exposure']:.0%} of revenue from products matching the theme"
            return f"does not qualify: no rule matched its texts ({share})"
        reason = cancel["note"].iloc[0] if len(cancel) else "no points"
        return f"does not qualify: matched for {row['positive']:g} points, then {reason}"

    def _no_match(self, theme_id: str, pos: int) -> str:
        t = self.themes[theme_id]
        n_terms = sum(len(g.terms) for g in t.keywords)
        where = ""
        if t.region is not None:
            where = f"; located in {self.universe['province'].iloc[pos]}"
        labels = f"{len(t.industries)} industry labels, {len(t.concepts)} concept labels"
        searched = f"{n_terms} keyword terms, {labels}"
        return f"does not qualify: no rule matched ({searched} searched){where}"

    def __repr__(self) -> str:
        return (
            f"ScreenResult({len(self.universe)} companies × {len(self.themes)} themes: "
            f"{len(self.candidates)} candidates"
            + (f", snapshot {self.snapshot_id}" if self.snapshot_id else "")
            + ")"
        )
