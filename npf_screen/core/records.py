"""Frames as plain Python data (for JSON files and run records): no numpy scalars, missing as None.

Examples
--------
>>> import pandas as pd
>>> from npf_screen.core.records import records
>>> records(pd.DataFrame({"code": ["000001"], "score": [85.5], "exposure": [float("nan")]}))
[{'code': '000001', 'score': 85.5, 'exposure': None}]
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["plain_value", "records"]


def plain_value(value: object) -> object:
    """A plain Python value for one cell: None for missing, no numpy scalars, dates as date/datetime."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        value = value.item()
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows as plain-Python dicts (missing values ``None``, no numpy scalars)."""
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, map(plain_value, row), strict=True)) for row in frame.itertuples(index=False)]
