"""Excel watchlists (XLSX); CSV, JSON and Parquet watchlists are written by the one table writer,
:mod:`npf_screen.outputs.table_writer` (its module docs describe those layouts).

XLSX
    One sheet per theme (sheet named by theme id, at most 31 characters) holding that theme's
    rows, plus an ``evidence`` sheet with the evidence rows of the listed (code, theme) pairs, in
    watchlist order, when evidence is given; a frame without a ``theme`` column goes to a single
    ``watchlist`` sheet. Codes are text cells; cells hold plain values
    (:func:`~npf_screen.core.records.plain_value`). Zip timestamps make the bytes vary from
    write to write, so tests read the content back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from npf_screen.core.errors import OutputError
from npf_screen.core.records import plain_value

__all__ = ["write_xlsx"]

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _text(value: object) -> str:
    value = plain_value(value)
    return "" if value is None else str(value)


_XLSX_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl ILLEGAL_CHARACTERS_RE


def _sheet_title(raw: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", raw).strip("'")[:31] or "sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _fill(sheet: object, frame: pd.DataFrame) -> None:
    columns = [str(c) for c in frame.columns]
    sheet.append(columns)  # type: ignore[attr-defined]
    from openpyxl.utils.exceptions import IllegalCharacterError

    for number, row in enumerate(frame.itertuples(index=False), start=2):
        values = [plain_value(v) for v in row]
        try:
            sheet.append(values)  # type: ignore[attr-defined]
        except IllegalCharacterError:
            bad = next(
                c for c, v in zip(columns, values, strict=True) if isinstance(v, str) and _XLSX_BAD.search(v)
            )
            raise OutputError(
                f"xlsx sheet {sheet.title!r}, row {number}, column {bad!r} holds a control character "  # type: ignore[attr-defined]
                "Excel cannot store; clean the value or choose csv or json."
            ) from None
    if "code" in columns:
        letter = sheet.cell(row=1, column=columns.index("code") + 1).column_letter  # type: ignore[attr-defined]
        for cell in sheet[letter][1:]:  # type: ignore[index]
            cell.number_format = "@"
    sheet.freeze_panes = "A2"  # type: ignore[attr-defined]


def write_xlsx(frame: pd.DataFrame, path: Path, *, evidence: pd.DataFrame | None = None) -> None:
    """Write an Excel workbook: a sheet per theme and an ``evidence`` sheet (see module docs)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    if "theme" in frame.columns and len(frame):
        for theme, rows in frame.groupby("theme", sort=False, dropna=False):
            _fill(workbook.create_sheet(_sheet_title(_text(theme) or "unknown", used)), rows)
    else:
        _fill(workbook.create_sheet(_sheet_title("watchlist", used)), frame)
    if evidence is not None:
        keys = [k for k in ("code", "theme") if k in frame.columns and k in evidence.columns]
        if keys:
            wanted = frame[keys].drop_duplicates().assign(_order=lambda f: range(len(f)))
            evidence = evidence.merge(wanted, on=keys, how="inner").sort_values("_order", kind="stable")
            evidence = evidence.drop(columns="_order")
        _fill(workbook.create_sheet(_sheet_title("evidence", used)), evidence)
    workbook.save(path)
