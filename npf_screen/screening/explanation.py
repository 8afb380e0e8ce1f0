"""Why one company did or did not qualify for themes: :class:`Explanation`, plain data with reprs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from npf_screen.core.html_repr import HtmlRepr

__all__ = ["Explanation"]


@dataclass(frozen=True)
class Explanation(HtmlRepr):
    """Why one company did or did not qualify for each theme, with the evidence rows.

    ``verdicts`` has one row per theme asked about (theme, theme_name, score, rank, qualified,
    verdict); ``evidence`` the rows behind the scores, which add up to them; ``text_fields`` the
    business-text fields the company had (``""``: none, screened on name and labels only).
    """

    code: str
    name: str
    verdicts: pd.DataFrame
    evidence: pd.DataFrame
    text_fields: str = ""

    def __str__(self) -> str:
        lines = [f"{self.code} {self.name}", f"text: {self.text_fields or 'none (name and labels only)'}"]
        for row in self.verdicts.itertuples(index=False):
            lines.append(f"\n[{row.theme}] {row.theme_name}: {row.verdict}")
            rows = self.evidence[self.evidence["theme"] == row.theme]
            folded = (rows["points"] == 0) & rows["kind"].isin(("keyword", "industry", "concept"))
            for ev in rows[~folded].itertuples(index=False):
                text = f"    {ev.points:+7.2f}  {ev.field:<14} {ev.term}"
                detail = "; ".join(x for x in (ev.note, ev.snippet) if x)
                lines.append(text + (f"  ({detail})" if detail else ""))
            if folded.any():
                lines.append(f"    (+{int(folded.sum())} hits worth 0: repeated terms and capped fields)")
        return "\n".join(lines)

    __repr__ = __str__
