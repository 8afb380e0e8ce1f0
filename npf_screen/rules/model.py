"""The theme rule model: what a theme is made of, as plain frozen dataclasses.

Rules are written in TOML files (``seeds/*.toml``, specified field by field in ``seeds/README.md``)
and parsed by :mod:`npf_screen.rules.loader`. A :class:`ThemeSet` is the ordered collection the
screen runs on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from npf_screen.core.errors import RuleError, UnknownThemeError
from npf_screen.core.html_repr import HtmlRepr

__all__ = [
    "DEFAULT_FIELD_WEIGHTS",
    "DEFAULT_KEYWORD_FIELDS",
    "FIELDS",
    "LINES",
    "Exclusion",
    "KeywordGroup",
    "RangeFilter",
    "Region",
    "Theme",
    "ThemeSet",
    "normalize_term",
]

#: The investment lines a theme belongs to.
#: The investment lines, in the order displays and reports show them.
LINES: tuple[str, ...] = ("choke_point", "emerging", "future", "regional")

#: Text fields rules can match, in the order evidence lists them. ``industry`` is the text of all
#: industry classifications joined; ``concepts`` the concept labels joined.
FIELDS: tuple[str, ...] = (
    "name", "main_business", "products", "business_scope", "summary_en", "concepts", "industry",
)  # fmt: skip

#: How much a keyword counts in each field, before a theme's own ``field_weights`` override it.
DEFAULT_FIELD_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "name": 1.0,
        "main_business": 1.0,
        "products": 1.0,
        "business_scope": 0.5,
        "summary_en": 0.8,
        "concepts": 0.6,
        "industry": 0.8,
    }
)

#: The fields a keyword group searches when it names none.
DEFAULT_KEYWORD_FIELDS: tuple[str, ...] = (
    "name",
    "main_business",
    "products",
    "business_scope",
    "summary_en",
)


def normalize_term(text: str) -> str:
    """Fold a term or a text for matching: NFKC (full-width → half-width), lower case, trimmed.

    Examples
    --------
    >>> normalize_term("  ＥＤＡ软件 ")
    'eda软件'
    """
    return unicodedata.normalize("NFKC", text).lower().strip()


@dataclass(frozen=True)
class KeywordGroup:
    """Terms that earn ``weight`` points each (times the field weight) when found in ``fields``."""

    weight: float
    terms: tuple[str, ...]
    fields: tuple[str, ...] = DEFAULT_KEYWORD_FIELDS
    label: str = ""
    #: Sense rule: a hit counts only when one of these words is within ``near_window`` characters.
    require_near: tuple[str, ...] = ()
    #: Sense rule: a hit does not count when one of these words is within ``near_window`` characters
    #: (a word that contains the term, e.g. ``掩膜版制版`` for ``掩膜版``, always overlaps the hit).
    forbid_near: tuple[str, ...] = ()
    near_window: int = 12
    #: Most points the group's terms give one company together (synonyms of one business do not
    #: stack: 封装测试, 半导体封装 and 封测 all name one conventional packaging line); ``None`` = no cap.
    max_points: float | None = None

    @property
    def has_sense(self) -> bool:
        """Whether the group carries a sense rule (words required or forbidden near a hit)."""
        return bool(self.require_near or self.forbid_near)


@dataclass(frozen=True)
class Exclusion:
    """Negative evidence: terms in ``fields`` or exact ``industries`` that subtract or veto."""

    terms: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    fields: tuple[str, ...] = ("name", "main_business", "products")
    penalty: float = 0.0
    veto: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Region:
    """Where a regional theme's companies sit, and the text that names the region."""

    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    weight: float = 20.0
    text_fields: tuple[str, ...] = ("main_business", "products", "business_scope")
    #: A company elsewhere qualifies through text only when a region term lies within this many
    #: characters of one of the theme's keyword hits in the same field (the text ties the business
    #: to the region, not just any mention).
    tie_window: int = 30


@dataclass(frozen=True)
class RangeFilter:
    """A quantitative filter on a numeric canonical column; ``missing`` decides for unknown values."""

    column: str
    min: float | None = None
    max: float | None = None
    missing: str = "pass"

    def describe(self) -> str:
        """Human text of the bound, e.g. ``gross_margin >= 10``."""
        parts = []
        if self.min is not None:
            parts.append(f"{self.column} >= {self.min:g}")
        if self.max is not None:
            parts.append(f"{self.column} <= {self.max:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Theme:
    """One investment theme: identity, rationale and the rules that score companies against it."""

    id: str
    name: str
    line: str
    rationale: str
    source: str
    keywords: tuple[KeywordGroup, ...] = ()
    industries: tuple[str, ...] = ()
    industry_weight: float = 25.0
    concepts: tuple[str, ...] = ()
    concept_weight: float = 20.0
    exclusions: tuple[Exclusion, ...] = ()
    region: Region | None = None
    filters: tuple[RangeFilter, ...] = ()
    field_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_FIELD_WEIGHTS)
    max_per_field: float = 60.0
    min_score: float = 0.0
    #: Most points a company gets when no keyword is found in its own business text (name, main
    #: business, products, English summary): labels and scope alone. ``None`` = ``min_score``.
    unconfirmed_cap: float | None = None
    origin: str = ""

    @property
    def n_terms(self) -> int:
        """Number of keyword terms plus mapped industries and concepts."""
        return sum(len(g.terms) for g in self.keywords) + len(self.industries) + len(self.concepts)

    @property
    def confirm_cap(self) -> float:
        """The cap on a company's points without text confirmation (see ``unconfirmed_cap``);
        ``inf`` when the theme has neither ``unconfirmed_cap`` nor a ``min_score``."""
        if self.unconfirmed_cap is not None:
            return float(self.unconfirmed_cap)
        return float(self.min_score) if self.min_score > 0 else float("inf")

    def field_weight(self, name: str) -> float:
        """The weight of a field for this theme."""
        return float(self.field_weights.get(name, DEFAULT_FIELD_WEIGHTS[name]))


class ThemeSet(HtmlRepr):
    """An ordered, read-only collection of themes keyed by id.

    Parameters
    ----------
    themes : iterable of Theme
        The themes, in display order; ids must be unique.
    """

    def __init__(self, themes: Iterable[Theme]) -> None:
        self._themes: dict[str, Theme] = {}
        for theme in themes:
            if theme.id in self._themes:
                raise RuleError(
                    [
                        f"theme {theme.id!r}: id: appears twice in one ThemeSet; ids must be unique "
                        "(rename one; rule files passed to load_themes replace bundled themes of the same id)"
                    ]
                )
            self._themes[theme.id] = theme

    def __len__(self) -> int:
        return len(self._themes)

    def __iter__(self) -> Iterator[Theme]:
        return iter(self._themes.values())

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self._themes

    def __getitem__(self, theme_id: str) -> Theme:
        try:
            return self._themes[theme_id]
        except KeyError:
            raise UnknownThemeError(
                f"unknown theme {theme_id!r}; `npf-screen themes` lists the {len(self)} loaded ids"
            ) from None

    @property
    def ids(self) -> list[str]:
        """Theme ids in order."""
        return list(self._themes)

    def select(self, ids: Iterable[str] | None = None, lines: Iterable[str] | None = None) -> ThemeSet:
        """The themes with the given ids and/or lines (all when both are ``None``).

        Raises
        ------
        UnknownThemeError
            For an id that is not loaded or a line that does not exist.
        """
        chosen = list(self)
        ids = list(dict.fromkeys(ids)) if ids is not None else None  # iterables are read once
        lines = list(lines) if lines is not None else None
        if ids:
            chosen = [self[i] for i in ids]
        if lines:
            bad = [x for x in lines if x not in LINES]
            if bad:
                raise UnknownThemeError(f"unknown line {bad[0]!r}; choose from {', '.join(LINES)}")
            chosen = [t for t in chosen if t.line in set(lines)]
        return ThemeSet(chosen)

    def to_frame(self) -> pd.DataFrame:
        """One row per theme: id, name, line, n_terms, source file."""
        return pd.DataFrame(
            [
                {"id": t.id, "name": t.name, "line": t.line, "n_terms": t.n_terms, "origin": t.origin}
                for t in self
            ],
            columns=["id", "name", "line", "n_terms", "origin"],
        )

    def __repr__(self) -> str:
        counts = pd.Series([t.line for t in self], dtype="object").value_counts()
        return f"ThemeSet({len(self)} themes: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")"
