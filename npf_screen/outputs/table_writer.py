"""Writing candidate tables: terminal table, CSV, JSON and Parquet, always atomically."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from npf_screen.core.atomic import atomic_write_parquet, atomic_write_text
from npf_screen.core.errors import OutputError

__all__ = ["TABLE_FORMATS", "render_table", "write_table"]

#: Formats every command that prints a table accepts.
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "json", "parquet")


def render_table(frame: pd.DataFrame, max_colwidth: int = 60) -> str:
    """A plain-text table for the terminal (full width, long cells shortened)."""
    if frame.empty:
        return "(no rows)"
    with pd.option_context(
        "display.max_rows",
        None,
        "display.max_columns",
        None,
        "display.width",
        250,
        "display.max_colwidth",
        max_colwidth,
        "display.unicode.east_asian_width",
        True,
    ):
        return frame.to_string(index=False)


def _json_records(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_json(buffer, orient="records", force_ascii=False, indent=1, date_format="iso")
    return json.dumps(json.loads(buffer.getvalue()), ensure_ascii=False, indent=1) + "\n"


def write_table(frame: pd.DataFrame, fmt: str, path: str | Path | None = None) -> str | None:
    """Write ``frame`` as ``fmt``; to ``path`` atomically, or return the text when ``path`` is None.

    Parameters
    ----------
    frame : DataFrame
    fmt : {"table", "csv", "json", "parquet"}
    path : path, optional
        Required for parquet.

    Returns
    -------
    str or None
        The rendered text when no path is given.

    Raises
    ------
    OutputError
        Unknown format, or parquet without a path.
    """
    if fmt not in TABLE_FORMATS:
        raise OutputError(f"unknown output format {fmt!r}; choose from {', '.join(TABLE_FORMATS)}")
    if fmt == "parquet":
        if path is None:
            raise OutputError("--format parquet writes a binary file: give it a path with -o PATH")
        atomic_write_parquet(path, frame)
        return None
    text = {"table": render_table, "csv": lambda f: f.to_csv(index=False), "json": _json_records}[fmt](frame)
    if fmt == "table" and not text.endswith("\n"):
        text += "\n"
    if path is None:
        return text
    atomic_write_text(path, text)
    return None
