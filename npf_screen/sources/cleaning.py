"""Value cleaning shared by the transforms: akshare's missing-value markers, codes, text, dates.

Each helper takes a column as akshare returns it and gives canonical values: 6-digit codes,
stripped text with ``-``/``--``/``nan`` as missing, parsed dates, normalised province names.
"""

from __future__ import annotations

import pandas as pd

from npf_screen.sources.aliases import ENDPOINTS
from npf_screen.universe.regions import normalize_province

__all__ = [
    "MISSING_TEXT",
    "clean_code",
    "clean_province",
    "clean_text",
    "parse_dates",
    "raw_columns",
    "renamed",
]

#: Texts akshare uses for a missing value.
MISSING_TEXT = ("", "-", "--", "nan", "None", "null")


def renamed(frame: pd.DataFrame, endpoint: str) -> pd.DataFrame:
    """The columns of ``frame`` that the endpoint's alias map names, under their canonical names."""
    rename = ENDPOINTS[endpoint].rename
    return frame[[c for c in rename if c in frame.columns]].rename(columns=dict(rename))


def raw_columns(endpoint: str) -> dict[str, str]:
    """Canonical name → akshare column, per the endpoint's alias map."""
    return {canonical: raw for raw, canonical in ENDPOINTS[endpoint].rename.items()}


def clean_text(values: pd.Series) -> pd.Series:
    """Stripped strings; akshare's missing-value markers become missing."""
    text = values.astype("string").str.strip()
    return text.mask(text.isin(MISSING_TEXT))


def clean_code(values: pd.Series) -> pd.Series:
    """6-digit stock codes, without exchange prefixes or suffixes (``SH600000``, ``600000.SH``)."""
    text = values.astype("string").str.strip().str.upper()
    text = text.str.replace(r"^(SH|SZ|BJ)\.?", "", regex=True)
    text = text.str.replace(r"\.(SH|SZ|BJ|SS)$", "", regex=True)
    return text.str.zfill(6)


def clean_province(values: pd.Series) -> pd.Series:
    """Canonical province names (see :func:`npf_screen.universe.regions.normalize_province`)."""
    return clean_text(values).map(normalize_province, na_action="ignore").astype("string")


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates (missing where a value does not parse)."""
    return pd.to_datetime(values.astype("string"), errors="coerce")
