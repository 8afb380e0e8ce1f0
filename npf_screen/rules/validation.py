"""Validating one parsed theme table into a :class:`~npf_screen.rules.model.Theme`, collecting problems.

Every check appends a problem ``file:line: theme 'id': field: message`` to a :class:`Problems`
collector instead of raising, so one load can report every mistake in every file at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from npf_screen.core.toml_checks import Problems, control_characters, did_you_mean
from npf_screen.rules.model import (
    DEFAULT_FIELD_WEIGHTS,
    DEFAULT_KEYWORD_FIELDS,
    FIELDS,
    LINES,
    Exclusion,
    KeywordGroup,
    RangeFilter,
    Region,
    Theme,
    normalize_term,
)
from npf_screen.universe.regions import PROVINCES
from npf_screen.universe.schema import NUMERIC_COLUMNS

__all__ = ["unknown_keys", "validate_theme"]

_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_THEME_KEYS = {
    "id", "name", "line", "rationale", "source", "keywords", "industries", "industry_weight",
    "concepts", "concept_weight", "exclude", "region", "filters", "field_weights", "max_per_field",
    "min_score", "unconfirmed_cap",
}  # fmt: skip
_KEYWORD_KEYS = {
    "weight", "terms", "fields", "label", "require_near", "forbid_near", "near_window", "max_points",
}  # fmt: skip
_EXCLUDE_KEYS = {"terms", "industries", "fields", "penalty", "veto", "reason"}
_REGION_KEYS = {"provinces", "cities", "terms", "weight", "text_fields", "tie_window"}
_FILTER_KEYS = {"min", "max", "missing"}


def _weight(p: Problems, tid: object, where: str, value: Any, *, upper: float = 100.0) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        p.about(tid, where, f"{value!r} is not a number; write a number in (0, {upper:g}].")
        return None
    if not 0 < value <= upper:
        p.about(tid, where, f"{value!r} is out of range; use a number in (0, {upper:g}].")
        return None
    return float(value)


def _strings(
    p: Problems, tid: object, where: str, value: Any, *, allow_empty: bool = True
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        p.about(tid, where, f'{value!r} must be a list of strings, e.g. ["a", "b"].')
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            p.about(tid, f"{where}[{i}]", f"{item!r} is empty or not a string; remove it or write the term.")
            continue
        bad = control_characters(item)
        if bad:
            p.about(
                tid, f"{where}[{i}]", f"{item!r} holds control character(s) {', '.join(bad)}; remove them."
            )
            continue
        out.append(item.strip())
    if not out and not allow_empty:
        p.about(tid, where, "is empty; list at least one term.")
    return tuple(out)


def _text(p: Problems, tid: object, where: str, value: Any, *, prose: bool = False) -> str:
    """An optional free-text field: a string without control characters (``""`` when absent)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        p.about(tid, where, f"{value!r} must be a string (quoted text), not {type(value).__name__}.")
        return ""
    bad = control_characters(value, prose=prose)
    if bad:
        p.about(tid, where, f"{value!r} holds control character(s) {', '.join(bad)}; remove them.")
        return ""
    return value.strip()


def _fields(p: Problems, tid: object, where: str, value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    names = _strings(p, tid, where, value, allow_empty=False)
    for name in names:
        if name not in FIELDS:
            p.about(
                tid,
                where,
                f"unknown field {name!r}{did_you_mean(name, FIELDS)}; choose from {', '.join(FIELDS)}.",
            )
    return tuple(n for n in names if n in FIELDS) or default


def unknown_keys(p: Problems, tid: object, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            hint = did_you_mean(key, allowed)
            p.about(tid, f"{where}{key}", f"unknown field{hint}; allowed here: {', '.join(sorted(allowed))}.")


def _keywords(p: Problems, tid: object, value: Any) -> tuple[KeywordGroup, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        p.about(tid, "keywords", "must be an array of tables ([[theme.keywords]]).")
        return ()
    groups: list[KeywordGroup] = []
    for i, raw in enumerate(value):
        where = f"keywords[{i}]"
        if not isinstance(raw, dict):
            p.about(tid, where, "must be a table with weight and terms.")
            continue
        unknown_keys(p, tid, f"{where}.", raw, _KEYWORD_KEYS)
        weight = _weight(p, tid, f"{where}.weight", raw.get("weight"))
        terms = _strings(p, tid, f"{where}.terms", raw.get("terms"), allow_empty=False)
        fields = _fields(p, tid, f"{where}.fields", raw.get("fields"), DEFAULT_KEYWORD_FIELDS)
        require = _strings(p, tid, f"{where}.require_near", raw.get("require_near"))
        forbid = _strings(p, tid, f"{where}.forbid_near", raw.get("forbid_near"))
        window = _window(p, tid, f"{where}.near_window", raw.get("near_window", KeywordGroup.near_window))
        if "near_window" in raw and not (require or forbid):
            p.about(
                tid, f"{where}.near_window", "is set but the group has no require_near/forbid_near words."
            )
        both = {normalize_term(w) for w in require} & {normalize_term(w) for w in forbid}
        if both:
            p.about(
                tid, where, f"{sorted(both)[0]!r} is both required and forbidden near the terms; keep one."
            )
        most = raw.get("max_points")
        number = isinstance(most, int | float) and not isinstance(most, bool)
        if most is not None and not (number and 0 < most <= 100):
            p.about(tid, f"{where}.max_points", f"{most!r} must be a number in (0, 100].")
            most = None
        if weight is not None and terms:
            label = _text(p, tid, f"{where}.label", raw.get("label"))
            cap = None if most is None else float(most)
            groups.append(KeywordGroup(weight, terms, fields, label, require, forbid, window, cap))
    return tuple(groups)


def _window(p: Problems, tid: object, where: str, value: Any) -> int:
    """A context window in characters: an integer in [0, 200]."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 200:
        p.about(tid, where, f"{value!r} must be a whole number of characters in [0, 200].")
        return KeywordGroup.near_window
    return value


def _exclusions(p: Problems, tid: object, value: Any) -> tuple[Exclusion, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        p.about(tid, "exclude", "must be an array of tables ([[theme.exclude]]).")
        return ()
    out: list[Exclusion] = []
    for i, raw in enumerate(value):
        where = f"exclude[{i}]"
        if not isinstance(raw, dict):
            p.about(tid, where, "must be a table with terms or industries, and penalty or veto.")
            continue
        unknown_keys(p, tid, f"{where}.", raw, _EXCLUDE_KEYS)
        terms = _strings(p, tid, f"{where}.terms", raw.get("terms"))
        industries = _strings(p, tid, f"{where}.industries", raw.get("industries"))
        fields = _fields(p, tid, f"{where}.fields", raw.get("fields"), Exclusion.fields)
        veto = raw.get("veto", False)
        if not isinstance(veto, bool):
            p.about(tid, f"{where}.veto", f"{veto!r} must be true or false.")
            veto = False
        penalty = 0.0
        if "penalty" in raw:
            penalty = _weight(p, tid, f"{where}.penalty", raw["penalty"]) or 0.0
        if not terms and not industries:
            p.about(tid, where, "names no terms and no industries; add one or remove the exclusion.")
        if not veto and not penalty:
            p.about(tid, where, "has neither penalty nor veto = true; set one of them.")
        out.append(
            Exclusion(
                terms,
                industries,
                fields,
                penalty,
                veto,
                _text(p, tid, f"{where}.reason", raw.get("reason"), prose=True),
            )
        )
    return tuple(out)


def _region(p: Problems, tid: object, value: Any) -> Region | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        p.about(tid, "region", "must be a table ([theme.region]).")
        return None
    unknown_keys(p, tid, "region.", value, _REGION_KEYS)
    provinces = _strings(p, tid, "region.provinces", value.get("provinces"))
    for name in provinces:
        if name not in PROVINCES:
            p.about(
                tid,
                "region.provinces",
                f"unknown province {name!r}; use a short name such as {PROVINCES[:4]}.",
            )
    cities = _strings(p, tid, "region.cities", value.get("cities"))
    terms = _strings(p, tid, "region.terms", value.get("terms"))
    weight = _weight(p, tid, "region.weight", value.get("weight", Region.weight)) or Region.weight
    text_fields = _fields(p, tid, "region.text_fields", value.get("text_fields"), Region.text_fields)
    tie = _window(p, tid, "region.tie_window", value.get("tie_window", Region.tie_window))
    if not provinces and not cities:
        p.about(tid, "region", "names no provinces and no cities; a regional theme needs at least one.")
    return Region(provinces, cities, terms, weight, text_fields, tie)


def _filters(p: Problems, tid: object, value: Any) -> tuple[RangeFilter, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        p.about(tid, "filters", "must be a table of column = { min = …, max = … }.")
        return ()
    out: list[RangeFilter] = []
    for column, spec in value.items():
        where = f"filters.{column}"
        if column not in NUMERIC_COLUMNS:
            p.about(tid, where, f"unknown numeric column; choose from {', '.join(NUMERIC_COLUMNS)}.")
            continue
        if not isinstance(spec, dict):
            p.about(tid, where, "must be a table such as { min = 10 }.")
            continue
        unknown_keys(p, tid, f"{where}.", spec, _FILTER_KEYS)
        bounds: dict[str, float | None] = {}
        for key in ("min", "max"):
            bound = spec.get(key)
            if bound is not None and (
                isinstance(bound, bool) or not isinstance(bound, int | float) or not math.isfinite(bound)
            ):
                p.about(tid, f"{where}.{key}", f"{bound!r} is not a finite number.")
                bound = None
            bounds[key] = None if bound is None else float(bound)
        low, high = bounds["min"], bounds["max"]
        if low is None and high is None and not any(k in spec for k in ("min", "max")):
            p.about(tid, where, "sets neither min nor max.")
        if low is not None and high is not None and low > high:
            p.about(tid, where, f"min {low:g} is above max {high:g}; no company could pass. Swap them.")
        missing = spec.get("missing", "pass")
        if missing not in ("pass", "fail"):
            p.about(tid, f"{where}.missing", f'{missing!r} must be "pass" or "fail".')
            missing = "pass"
        out.append(RangeFilter(column, bounds["min"], bounds["max"], missing))
    return tuple(out)


def _field_weights(p: Problems, tid: object, value: Any) -> Mapping[str, float]:
    if value is None:
        return DEFAULT_FIELD_WEIGHTS
    if not isinstance(value, dict):
        p.about(tid, "field_weights", "must be a table such as { business_scope = 0.5 }.")
        return DEFAULT_FIELD_WEIGHTS
    weights = dict(DEFAULT_FIELD_WEIGHTS)
    for name, w in value.items():
        if name not in FIELDS:
            hint = did_you_mean(name, FIELDS)
            p.about(tid, f"field_weights.{name}", f"unknown field{hint}; choose from {', '.join(FIELDS)}.")
            continue
        checked = _weight(p, tid, f"field_weights.{name}", w, upper=2.0)
        if checked is not None:
            weights[name] = checked
    return weights


def _duplicate_terms(p: Problems, tid: object, groups: tuple[KeywordGroup, ...]) -> None:
    seen: dict[str, str] = {}
    for i, group in enumerate(groups):
        for term in group.terms:
            key = normalize_term(term)
            where = f"keywords[{i}].terms"
            if key in seen:
                p.about(tid, where, f"duplicate keyword {term!r} (also in {seen[key]}); keep it once.")
            else:
                seen[key] = where


def validate_theme(p: Problems, raw: Any, index: int) -> Theme | None:
    if not isinstance(raw, dict):
        p.about(None, f"theme[{index}]", "must be a table ([[theme]]).")
        return None
    tid = raw.get("id")
    if not isinstance(tid, str) or not _ID.fullmatch(tid):
        p.about(None, f"theme[{index}].id", f"{tid!r} is not a valid id; use lower-case letters, digits, _.")
        tid = None
    unknown_keys(p, tid, "", raw, _THEME_KEYS)
    texts = {}
    for key in ("name", "rationale", "source"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            p.about(tid, key, f"{value!r} is missing or empty; write the theme's {key}.")
            value = None
        texts[key] = _text(p, tid, key, value, prose=key != "name")
    line = raw.get("line")
    if line not in LINES:
        p.about(tid, "line", f"unknown line {line!r}; choose from {', '.join(LINES)}.")
    keywords = _keywords(p, tid, raw.get("keywords"))
    _duplicate_terms(p, tid, keywords)
    industries = _strings(p, tid, "industries", raw.get("industries"))
    concepts = _strings(p, tid, "concepts", raw.get("concepts"))
    if not keywords and not industries and not concepts:
        p.about(tid, "keywords", "the theme has no keywords, industries or concepts; it could match nothing.")
    region = _region(p, tid, raw.get("region"))
    if line == "regional" and region is None:
        p.about(tid, "region", "a regional theme needs [theme.region] with provinces or cities.")
    numbers = {}
    for key, default, upper in (
        ("industry_weight", Theme.industry_weight, 100.0),
        ("concept_weight", Theme.concept_weight, 100.0),
        ("max_per_field", Theme.max_per_field, 100.0),
    ):
        numbers[key] = _weight(p, tid, key, raw[key], upper=upper) if key in raw else default
    min_score = raw.get("min_score", 0.0)
    if isinstance(min_score, bool) or not isinstance(min_score, int | float) or not 0 <= min_score < 100:
        p.about(tid, "min_score", f"{min_score!r} must be a number in [0, 100).")
        min_score = 0.0
    cap = raw.get("unconfirmed_cap")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int | float) or not 0 <= cap <= 100):
        p.about(tid, "unconfirmed_cap", f"{cap!r} must be a number in [0, 100].")
        cap = None
    if tid is None or line not in LINES:
        return None
    return Theme(
        id=tid,
        name=texts["name"],
        line=line,
        rationale=texts["rationale"],
        source=texts["source"],
        keywords=keywords,
        industries=industries,
        industry_weight=numbers["industry_weight"] or Theme.industry_weight,
        concepts=concepts,
        concept_weight=numbers["concept_weight"] or Theme.concept_weight,
        exclusions=_exclusions(p, tid, raw.get("exclude")),
        region=region,
        filters=_filters(p, tid, raw.get("filters")),
        field_weights=_field_weights(p, tid, raw.get("field_weights")),
        max_per_field=numbers["max_per_field"] or Theme.max_per_field,
        min_score=float(min_score),
        unconfirmed_cap=None if cap is None else float(cap),
        origin=p.origin,
    )
