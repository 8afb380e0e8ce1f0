"""Arrival checks: every akshare frame is validated before anything reads a value from it.

akshare renames most upstream columns by position, so an upstream field added, dropped or moved
either fails inside akshare or, worse, shifts values silently into the wrong column. These checks
catch both: required columns, dtypes, row counts and value ranges (a market cap median of 30 means
the column now holds something else). Failures raise :class:`SchemaDriftError` naming the endpoint
and the expected versus received columns.
"""

from __future__ import annotations

import pandas as pd

from npf_screen.core.errors import SchemaDriftError
from npf_screen.sources.endpoint_spec import EndpointSpec, RangeCheck

__all__ = ["check_frame", "column_drift", "looks_like_board_codes", "to_number"]


def to_number(values: pd.Series) -> pd.Series:
    """Parse a column as float64: numbers stay, text like ``"19,405,918,198"`` or ``"-"`` is parsed or NaN."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.replace(",", "", regex=False).str.strip()
    return pd.to_numeric(text, errors="coerce").astype("float64")


def column_drift(spec: EndpointSpec, received: list[str]) -> str | None:
    """Describe how ``received`` differs from the reference columns, or ``None`` when it matches.

    Extra, missing or reordered columns that we do not read are reported but tolerated: values are
    read by name, and the range checks guard against mislabeled ones.
    """
    expected = list(spec.columns)
    if received == expected or (not spec.ordered and set(spec.required) <= set(received)):
        return None
    missing = [c for c in expected if c not in received]
    extra = [c for c in received if c not in expected]
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"new {extra}")
    if not missing and not extra:
        parts.append("same columns in another order")
    return f"akshare.{spec.function}: columns differ from the reference ({'; '.join(parts)})"


def _drift(spec: EndpointSpec, label: str, problem: str, received: list[str]) -> SchemaDriftError:
    message = (
        f"{label}: {problem}.\n  expected columns: {list(spec.columns)}\n  received columns: {received}\n"
        "  The upstream site or akshare changed its output; upgrade akshare (pip install -U akshare) "
        "and run `npf-screen doctor --live`. Nothing was read from this frame."
    )
    return SchemaDriftError(message, endpoint=label, expected=spec.columns, received=tuple(received))


def _range_problem(check: RangeCheck, values: pd.Series) -> str | None:
    present = values.dropna()
    if present.empty:
        return None
    if check.pattern is not None:
        text = present.astype("string")
        share = float(text.str.fullmatch(check.pattern).mean())
        if share < 0.95:
            sample = list(text[~text.str.fullmatch(check.pattern)].head(3))
            return f"column {check.column!r}: {share:.0%} of values match {check.pattern!r} (e.g. {sample})"
        return None
    numbers = to_number(present).dropna()
    if numbers.empty:
        return f"column {check.column!r}: no value parses as a number (e.g. {list(present.head(3))})"
    if check.median is not None:
        low, high = check.median
        median = float(numbers.median())
        if not low <= median <= high:
            return (
                f"column {check.column!r}: median {median:g} is outside the plausible range "
                f"[{low:g}, {high:g}]; values may have shifted into the wrong column"
            )
    if check.inside is not None:
        low, high, wanted = check.inside
        share = float(numbers.between(low, high).mean())
        if share < wanted:
            return f"column {check.column!r}: only {share:.0%} of values lie in [{low:g}, {high:g}]"
    return None


def check_frame(
    spec: EndpointSpec,
    frame: object,
    label: str | None = None,
    *,
    min_rows: int | None = None,
    check_ranges: bool = True,
) -> list[str]:
    """Validate one frame as it arrives from ``spec``'s endpoint.

    Parameters
    ----------
    spec : EndpointSpec
        What the endpoint should return.
    frame : object
        What it returned.
    label : str, optional
        The call as shown in messages (``akshare.stock_yjbb_em('20260930')``).
    min_rows : int, optional
        Override the spec's row floor (e.g. for a cheap probe on a subset).
    check_ranges : bool, default True
        Run the value-range checks (skipped for tiny probe frames).

    Returns
    -------
    list of str
        Tolerated differences worth recording (extra or reordered columns).

    Raises
    ------
    SchemaDriftError
        Not a DataFrame, a required column missing or duplicated, a numeric column holding text,
        too few rows, or values outside their plausible range.
    """
    label = label or f"akshare.{spec.function}"
    if not isinstance(frame, pd.DataFrame):
        raise _drift(spec, label, f"returned {type(frame).__name__}, not a DataFrame", [])
    received = [str(c) for c in frame.columns]
    floor = spec.min_rows if min_rows is None else min_rows
    if len(frame) == 0 and floor == 0:
        return []
    missing = [c for c in spec.required if c not in received]
    if missing:
        raise _drift(spec, label, f"required column(s) {missing} are missing", received)
    duplicated = sorted({c for c in spec.required if received.count(c) > 1})
    if duplicated:
        raise _drift(spec, label, f"column(s) {duplicated} appear more than once", received)
    if len(frame) < floor:
        raise _drift(
            spec, label, f"returned {len(frame)} rows, fewer than the plausible minimum of {floor}", received
        )
    problems = []
    for column in spec.numeric:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            continue
        present = values.dropna().astype("string").str.strip()
        present = present[~present.isin(["", "-", "--", "nan", "None"])]
        parsed = to_number(present)
        if len(present) and parsed.notna().mean() < 0.9:
            problems.append(
                f"column {column!r} should be numeric but holds text "
                f"(dtype {values.dtype}, e.g. {list(present.head(3))})"
            )
    if check_ranges and floor > 0:
        for check in spec.ranges:
            if check.column in frame.columns and (problem := _range_problem(check, frame[check.column])):
                problems.append(problem)
    if problems:
        raise _drift(spec, label, "; ".join(problems), received)
    drift = column_drift(spec, received)
    return [drift] if drift else []


def looks_like_board_codes(values: pd.Series) -> bool:
    """Whether a label column holds Eastmoney board codes (``BK1036``) rather than names."""
    present = values.dropna().astype("string")
    present = present[present.str.len() > 0]
    if present.empty:
        return False
    first = present.str.split(",").str[0].str.strip()
    return bool(first.str.fullmatch(r"BK\d{4}").mean() > 0.5)
