"""The one writer of tables: terminal text, CSV, JSON and Parquet — for ``screen``/``explain``/``run``
output and for the tabular watchlists alike, always atomically when writing a file.

The frame is written as given: its columns in order, one row per row. ``code`` stays text, with its
leading zeros.

CSV
    UTF-8, header row, CRLF line ends, minimal quoting (RFC 4180). Missing values are empty; floats
    use Python's shortest round-trip form (``85.5``, ``12.0``); dates ``YYYY-MM-DD``. **Files start
    with a UTF-8 byte-order mark** (Excel and the Windows trading terminals need it to read Chinese);
    CSV printed to standard output has none (a BOM would become part of the first column's name in a
    pipe).
JSON
    A list of row objects (``[{column: value}, …]``), UTF-8 (Chinese as is), two-space indent, a final
    newline, missing values as ``null``; ``pandas.read_json(path)`` reads it back.
Parquet
    The frame via pyarrow, without the index (:func:`pandas.read_parquet` reads it back).
table
    Plain text for a terminal (pandas' layout, Chinese-width aware).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd

from npf_screen.core.atomic import atomic_write_bytes, atomic_write_parquet
from npf_screen.core.errors import OutputError
from npf_screen.core.records import plain_value, records

__all__ = [
    "BOM",
    "TABLE_FORMATS",
    "csv_bytes",
    "json_bytes",
    "render_table",
    "write_parquet",
    "write_table",
]

#: Formats every command that prints a table accepts.
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "json", "parquet")
#: What a CSV file starts with.
BOM = "\ufeff"


def _text(value: object) -> str:
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_bytes(frame: pd.DataFrame, *, bom: bool = True) -> bytes:
    """The bytes of a CSV table: UTF-8 (with a BOM unless ``bom=False``), header, CRLF.

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"code": ["000001"], "score": [85.5]}))
    b'\\xef\\xbb\\xbfcode,score\\r\\n000001,85.5\\r\\n'
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow([_text(v) for v in row])
    return ((BOM if bom else "") + buffer.getvalue()).encode("utf-8")


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_bytes(frame: pd.DataFrame) -> bytes:
    """The bytes of a JSON table: a list of row objects, UTF-8, two-space indent, final newline.

    Examples
    --------
    >>> print(json_bytes(pd.DataFrame({"code": ["000001"], "score": [None]})).decode())
    [
      {
        "code": "000001",
        "score": null
      }
    ]
    <BLANKLINE>
    """
    text = json.dumps(records(frame), ensure_ascii=False, indent=2, default=_json_default, allow_nan=False)
    return (text + "\n").encode("utf-8")


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """Write the frame to ``path`` as Parquet (no index); not atomic (see :func:`write_table`)."""
    frame.reset_index(drop=True).to_parquet(path, index=False)


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


def write_table(frame: pd.DataFrame, fmt: str, path: str | Path | None = None) -> str | None:
    """Write ``frame`` as ``fmt``; to ``path`` atomically, or return the text when ``path`` is None.

    Parameters
    ----------
    frame : DataFrame
    fmt : {"table", "csv", "json", "parquet"}
    path : path, optional
        Required for parquet. CSV files get a BOM, CSV text returned for stdout none.

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
    if fmt == "table":
        text = render_table(frame)
        data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    elif fmt == "csv":
        data = csv_bytes(frame, bom=path is not None)
    else:
        data = json_bytes(frame)
    if path is None:
        return data.decode("utf-8")
    atomic_write_bytes(path, data)
    return None
