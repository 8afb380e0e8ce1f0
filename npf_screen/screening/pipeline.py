"""Score one canonical table against a theme set: compile, prepare texts, match, score.

The three numeric steps behind :func:`npf_screen.screen`, without building a result, so that other
screening modules (revenue exposure scores product names with them) need not call the screen itself.
"""

from __future__ import annotations

import pandas as pd

from npf_screen.core.gc_pause import gc_paused
from npf_screen.rules.model import ThemeSet
from npf_screen.screening.matching import CompiledRules, compile_rules, find_hits
from npf_screen.screening.scoring import Scored, score_pairs
from npf_screen.screening.texts import PreparedTexts, prepare_texts, prepared_texts

__all__ = ["score_table"]


def score_table(
    universe: pd.DataFrame, themes: ThemeSet, *, remember: bool = False
) -> tuple[CompiledRules, PreparedTexts, Scored]:
    """The compiled rules, prepared texts and scored evidence of a canonical ``universe``.

    ``universe`` must have canonical columns and a 0..n-1 index (positions are the company keys).
    ``remember``: take the prepared texts from (and keep them in) the per-universe cache
    (:func:`~npf_screen.screening.texts.prepared_texts`) — for universes screened again and again,
    not for one-off tables such as product names.
    """
    rules = compile_rules(themes)
    with gc_paused():
        texts = prepared_texts(universe) if remember else prepare_texts(universe)
        hits = find_hits(rules, texts)
        scored = score_pairs(themes, rules, texts, universe, hits)
    return rules, texts, scored
