"""The screen: score every company of a universe against every theme, with evidence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pandas as pd

from npf_screen.core.errors import UniverseError
from npf_screen.rules.model import Theme, ThemeSet
from npf_screen.screening.exposure import revenue_exposure
from npf_screen.screening.pipeline import score_table
from npf_screen.screening.results import ScreenResult
from npf_screen.universe.schema import CANONICAL_COLUMNS, code_problems, to_canonical

__all__ = ["screen"]


def screen(
    universe: pd.DataFrame,
    themes: ThemeSet | None = None,
    *,
    theme_ids: Iterable[str] | None = None,
    lines: Iterable[str] | None = None,
    snapshot_id: str | None = None,
    revenue: pd.DataFrame | None = None,
    share_unit: Literal["fraction", "percent", "auto"] = "fraction",
) -> ScreenResult:
    """Score every company in ``universe`` against every theme and collect the evidence.

    Parameters
    ----------
    universe : pandas.DataFrame
        A canonical company table (:func:`load_sample`, :func:`load_universe`, a snapshot). Other
        layouts are mapped with :func:`npf_screen.universe.schema.to_canonical` first.
    themes : ThemeSet, optional
        The themes to screen; default :func:`load_themes` (the bundled seeds).
    theme_ids, lines : iterable of str, optional
        Narrow ``themes`` to these ids and/or investment lines.
    snapshot_id : str, optional
        The data snapshot the universe came from, recorded in the result.
    revenue : pandas.DataFrame, optional
        Revenue composition (code, report_date, product, revenue, share); adds an ``exposure``
        column and 0-point ``exposure`` evidence rows, scores unchanged
        (:mod:`npf_screen.screening.exposure`).
    share_unit : {"fraction", "percent", "auto"}
        Unit of ``revenue["share"]``.

    Returns
    -------
    ScreenResult
        Candidates, scores, evidence, explanations.

    Examples
    --------
    >>> from npf_screen import load_sample, screen
    >>> result = screen(load_sample(), lines=["choke_point"])
    >>> top = result.top(3, theme="cp_lithography")
    >>> list(top.columns[:5])
    ['code', 'name', 'theme', 'score', 'rank']
    """
    if themes is None:
        from npf_screen.rules.loader import load_themes

        themes = load_themes()
    elif not isinstance(themes, ThemeSet):  # a list of Theme objects (from iterating a ThemeSet) is fine
        given = list(themes) if isinstance(themes, Iterable) and not isinstance(themes, str) else [themes]
        if not given or not all(isinstance(t, Theme) for t in given):
            raise TypeError(
                f"themes must be a ThemeSet (npf.load_themes()) or Theme objects, not "
                f"{type(themes).__name__}; to screen some themes by id, pass theme_ids=[...]"
            )
        themes = ThemeSet(given)
    if theme_ids or lines:
        themes = themes.select(theme_ids, lines)
    if list(universe.columns) != list(CANONICAL_COLUMNS):
        universe = to_canonical(universe)
    elif problems := code_problems(universe, "<frame>"):  # canonical already: its codes still count
        raise UniverseError(problems)
    if not universe.index.equals(pd.RangeIndex(len(universe))):  # positions are the company keys
        universe = universe.reset_index(drop=True)
    rules, texts, scored = score_table(universe, themes, remember=True)
    exposure = None if revenue is None else revenue_exposure(revenue, themes, share_unit=share_unit)
    return ScreenResult(universe, themes, scored, rules, texts, snapshot_id=snapshot_id, exposure=exposure)
