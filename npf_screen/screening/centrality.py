"""How central a theme is to a company's business: the factors the score applies to keyword hits.

Three signals, each visible as a note on the evidence row it changes (so the rows still add up to
the score), all documented in ``seeds/README.md`` ("Centrality"):

- **list position**: in the list-like texts (main business, products, business scope) a term among
  the first items of its text is the company's business; the same term as item 12 of a list of
  twenty is a side line. Points are multiplied by :func:`position_factor` (x0.9 from item 6, x0.8
  from item 11), never below what the hit had up to ``min_score`` (:func:`listed_points`: a term
  that alone made a company a candidate still does).
- **sense rules**: a keyword group may require or forbid context words near a hit
  (:class:`~npf_screen.screening.matching.SenseRule`); a hit in another sense earns 0 points.
- **confirmation**: a company whose own business text (name, main business, products, English
  summary) gives the theme less than :data:`CONFIRM_SHARE` of ``min_score`` is unconfirmed. When
  its points lean on business scope, its final score is capped at the theme's ``unconfirmed_cap``
  (default ``min_score``): at most a low-ranked candidate. A theme that sets ``unconfirmed_cap``
  caps labels alone too (below ``min_score``: a tag alone is not a candidate).

Region ties (a company elsewhere qualifies for a regional theme only when its text ties the
theme's business to the region) live here too: :func:`tied_to_business`.
"""

from __future__ import annotations

import re

import numpy as np

from npf_screen.core.ordering import run_starts
from npf_screen.rules.model import FIELDS
from npf_screen.screening.matching import CompiledRules, sense_ok
from npf_screen.screening.texts import POSITIONED_FIELDS, PreparedTexts

__all__ = [
    "CONFIRMING_FIELDS",
    "CONFIRM_SHARE",
    "HEAD_ITEMS",
    "confirmed_pairs",
    "listed_points",
    "position_factor",
    "position_notes",
    "sense_mask",
    "tied_to_business",
]

#: Fields whose keyword hits confirm that the theme is the company's own business.
CONFIRMING_FIELDS: tuple[str, ...] = ("name", "main_business", "products", "summary_en")
#: Text confirms a theme when its keyword points in :data:`CONFIRMING_FIELDS` reach this share of
#: the theme's ``min_score`` (a generic context word alone does not confirm).
CONFIRM_SHARE = 0.5
#: A term among the first ``HEAD_ITEMS`` items of a list-like text counts in full.
HEAD_ITEMS = 5
#: (first item index, factor): items from the index on are multiplied by the factor.
_STEPS: tuple[tuple[int, float], ...] = ((HEAD_ITEMS, 0.9), (10, 0.8))
_SENTENCE_END = re.compile(r"[。;；!！?？]")
_POSITIONED = np.array([f in POSITIONED_FIELDS for f in FIELDS], dtype=bool)
_CONFIRMING = np.array([f in CONFIRMING_FIELDS for f in FIELDS], dtype=bool)


def position_factor(item: np.ndarray) -> np.ndarray:
    """Points factor for a hit that is list item ``item`` (0-based) of its text.

    Examples
    --------
    >>> position_factor(np.array([0, 4, 5, 9, 10, 30])).tolist()
    [1.0, 1.0, 0.9, 0.9, 0.8, 0.8]
    """
    factor = np.ones(len(item))
    for first, value in _STEPS:
        factor = np.where(item >= first, value, factor)
    return factor


def listed_points(raw: np.ndarray, factor: np.ndarray, min_score: np.ndarray) -> np.ndarray:
    """A hit's points after its list-position factor, never below what it had up to ``min_score``:
    a listed term counts less than a head term, but a term that alone made a company a candidate
    still does.

    Examples
    --------
    >>> listed_points(np.array([40.0, 40.0, 10.0]), np.array([0.6, 1.0, 0.6]), np.array([15.0] * 3)).tolist()
    [24.0, 40.0, 10.0]
    """
    return np.maximum(raw * factor, np.minimum(raw, min_score))


def position_notes(texts: PreparedTexts, company: np.ndarray, field: np.ndarray, start: np.ndarray) -> tuple:
    """(factor, item) per keyword hit: factor 1 outside the positioned fields and for head items."""
    factor = np.ones(len(company))
    item = np.zeros(len(company), dtype="int64")
    for name in POSITIONED_FIELDS:
        at = np.flatnonzero(field == FIELDS.index(name))
        if len(at):
            item[at] = texts.list_position(name, company[at], start[at])
            factor[at] = position_factor(item[at])
    return factor, item


def sense_mask(
    rules: CompiledRules,
    texts: PreparedTexts,
    company: np.ndarray,
    field: np.ndarray,
    term: np.ndarray,
    sense: np.ndarray,
) -> np.ndarray:
    """True for keyword hits whose group's sense rule (if any) the text satisfies."""
    ok = np.ones(len(company), dtype=bool)
    for i in np.flatnonzero(sense > 0):
        rule = rules.senses[int(sense[i])]
        if rule is None:
            continue
        text = texts.text_of(FIELDS[int(field[i])], int(company[i]))
        ok[i] = sense_ok(text, rules.terms[int(term[i])], rule)
    return ok


def confirmed_pairs(
    pair: np.ndarray, field: np.ndarray, keyword: np.ndarray, points: np.ndarray, needed: np.ndarray
) -> np.ndarray:
    """The distinct pair keys whose keyword points in confirming fields reach ``needed`` (per row:
    :data:`CONFIRM_SHARE` of the theme's ``min_score``) and are above 0; ascending."""
    in_text = np.zeros(len(field), dtype=bool)
    inside = field < len(FIELDS)
    in_text[inside] = _CONFIRMING[field[inside]]
    use = np.flatnonzero(keyword & (points > 0) & in_text)
    if not len(use):
        return np.zeros(0, dtype=pair.dtype)
    used = pair[use]
    if np.all(used[1:] >= used[:-1]):  # rows ordered by pair (as the scorer passes them): no sort
        first = run_starts(used)
        keys, sums = used[first], np.add.reduceat(points[use], first)
    else:
        keys, first, inverse = np.unique(used, return_index=True, return_inverse=True)
        sums = np.bincount(inverse.reshape(-1), weights=points[use], minlength=len(keys))
    return keys[sums >= needed[use][first]]


def tied_to_business(
    texts: PreparedTexts,
    company: int,
    field: int,
    region_terms: list[str],
    theme_terms: list[str],
    window: int,
) -> bool:
    """Whether a region term lies within ``window`` characters of a theme term in one text, in the
    same sentence (no 。；! ? between them)."""
    text = texts.text_of(FIELDS[field], company)
    spots = []
    for word in theme_terms:
        at = text.find(word)
        while at >= 0:
            spots.append((at, at + len(word)))
            at = text.find(word, at + 1)
    if not spots:
        return False
    for word in region_terms:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            for s_start, s_end in spots:
                between = text[min(end, s_end) : max(at, s_start)]
                if len(between) <= window and not _SENTENCE_END.search(between):
                    return True
            at = text.find(word, at + 1)
    return False
