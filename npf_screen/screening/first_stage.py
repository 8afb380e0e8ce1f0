"""The cheap first stage of a live pull: theme candidates judged on names, industries and concepts only.

A pull (:func:`npf_screen.fetch.api.pull`) fetches business text for every company by default; its fast
mode fetches it only for the candidates a *selector* picks. The fetch layer never imports the screen:
the caller passes :func:`first_stage_selector`'s result as ``select=``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from npf_screen.rules.loader import load_themes
from npf_screen.rules.model import ThemeSet
from npf_screen.screening.engine import screen

__all__ = ["first_stage_selector"]


def first_stage_selector(
    themes: ThemeSet | None = None, *, max_per_theme: int | None = 60
) -> Callable[[pd.DataFrame], list[str]]:
    """A selector for ``pull(texts="candidates", select=...)``: codes of the cheap screen's candidates.

    The returned callable screens a universe whose business text is blank (so the result does not
    depend on what is cached) and returns codes, best ranks first, at most ``max_per_theme`` per theme.

    Examples
    --------
    >>> import npf_screen as npf
    >>> select = first_stage_selector(max_per_theme=5)
    >>> codes = select(npf.load_sample())
    >>> 0 < len(codes) <= 5 * len(npf.load_themes())
    True
    """

    def select(universe: pd.DataFrame) -> list[str]:
        blank = pd.Series(pd.NA, index=universe.index, dtype="string")
        cheap = universe.assign(main_business=blank, business_scope=blank, products=blank, summary_en=blank)
        candidates = screen(cheap, themes if themes is not None else load_themes()).candidates
        if max_per_theme is not None:
            candidates = candidates[candidates["rank"] <= max_per_theme]
        return list(dict.fromkeys(candidates.sort_values("rank", kind="stable")["code"].astype(str)))

    return select
