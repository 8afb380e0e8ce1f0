"""Revenue exposure attached to an existing screen result's tables (scores unchanged).

:func:`npf_screen.screen` with ``revenue=`` does the same inside the result; this is for a result
that already exists and a composition that arrived later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from npf_screen.screening.exposure import (
    Exposure,
    exposure_evidence,
    exposure_scores,
    merge_evidence,
    revenue_exposure,
)
from npf_screen.screening.results import ScreenResult

__all__ = ["ExposedTables", "attach_exposure"]


@dataclass(frozen=True)
class ExposedTables:
    """A screen's tables with revenue exposure attached (see :func:`attach_exposure`)."""

    scores: pd.DataFrame
    candidates: pd.DataFrame
    evidence: pd.DataFrame
    exposure: Exposure


def attach_exposure(
    result: ScreenResult,
    composition: pd.DataFrame,
    *,
    share_unit: Literal["fraction", "percent", "auto"] = "fraction",
) -> ExposedTables:
    """A screen's scores, candidates and evidence with revenue exposure shown beside the scores.

    Scores are unchanged: ``scores`` and ``candidates`` gain an ``exposure`` column (NaN where the
    composition is unknown) and ``evidence`` gains rows of kind ``exposure`` worth 0 points, so
    per (code, theme) the evidence still adds up to the score.

    Examples
    --------
    >>> import pandas as pd
    >>> from npf_screen import load_sample, screen
    >>> from npf_screen.screening.exposed import attach_exposure
    >>> result = screen(load_sample(), lines=["choke_point"])
    >>> mix = pd.DataFrame({"code": ["688630"] * 2, "report_date": ["2024-12-31"] * 2,
    ...                     "product": ["直写光刻设备", "维保服务"], "share": [0.9, 0.1]})
    >>> tables = attach_exposure(result, mix)
    >>> tables.candidates.query("code == '688630' and theme == 'cp_lithography'")["exposure"].tolist()
    [0.9]
    """
    exposure = revenue_exposure(composition, result.themes, share_unit=share_unit)
    regional = {t.id for t in result.themes if t.region is not None}
    names = result.universe.set_index("code")["name"]
    scores = exposure_scores(
        result.scores, exposure, names=names, no_extra=regional, theme_ids=result.themes.ids
    )
    evidence = merge_evidence(
        result.evidence, exposure_evidence(scores, exposure), result.universe["code"], result.themes.ids
    )
    candidates = result.candidates.merge(
        scores[["code", "theme", "exposure"]], on=["code", "theme"], how="left"
    )
    # a share of revenue from the theme's products ranks above any text evidence
    order = {t: i for i, t in enumerate(result.themes.ids)}
    candidates = candidates.assign(_t=candidates["theme"].map(order), _e=candidates["exposure"].fillna(0.0))
    candidates = candidates.sort_values(["_t", "_e", "rank"], ascending=[True, False, True], kind="stable")
    candidates["rank"] = candidates.groupby("_t").cumcount() + 1
    candidates = candidates.drop(columns=["_t", "_e"]).reset_index(drop=True)
    return ExposedTables(scores, candidates, evidence, exposure)
