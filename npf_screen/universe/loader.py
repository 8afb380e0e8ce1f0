"""Loading company tables (universes) into the canonical schema."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from npf_screen.core.errors import UniverseError
from npf_screen.universe.schema import to_canonical

__all__ = ["SAMPLE_FILE", "load_sample", "load_universe"]

#: The bundled sample universe inside the installed package.
SAMPLE_FILE = "sample_companies.csv"


def _read_csv(path: Path | str, source: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise UniverseError(
            [f"{source}: the file is empty; write a header row and one row per company."]
        ) from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UniverseError([f"{source}: cannot be read as UTF-8 CSV: {exc}"]) from exc


def load_universe(path: str | Path) -> pd.DataFrame:
    """Read a company table from a CSV or Parquet file into the canonical schema.

    The reference ``companies.csv`` layout and snapshots written by npf-screen are recognised out of
    the box; see :mod:`npf_screen.universe.schema` for the columns and their accepted aliases.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv`` (UTF-8, with header) or ``.parquet`` file.

    Returns
    -------
    pandas.DataFrame
        The canonical company table.

    Raises
    ------
    UniverseError
        If the file is missing, unreadable, lacks required columns or holds malformed codes.
    """
    file = Path(path)
    if not file.is_file():
        raise UniverseError([f"{file}: no such file; pass a CSV or Parquet company table."])
    suffix = file.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(file)
        except Exception as exc:  # pyarrow raises several unrelated types
            raise UniverseError([f"{file}: cannot be read as Parquet: {exc}"]) from exc
    elif suffix in {".csv", ".txt"}:
        frame = _read_csv(file, str(file))
    else:
        raise UniverseError([f"{file}: unknown file type {suffix!r}; use .csv or .parquet."])
    if frame.empty:
        raise UniverseError([f"{file}: holds no companies (only a header?); add one row per company."])
    return to_canonical(frame, source=str(file))


def load_sample() -> pd.DataFrame:
    """Load the bundled sample universe (offline).

    About two hundred real listed companies: makers for every bundled theme, companies in the
    report's four example regions, and unrelated businesses (banks, liquor, property) that should
    match nothing. Identity facts are real; business descriptions are written in the project's own
    words.

    Returns
    -------
    pandas.DataFrame
        The canonical company table.

    Examples
    --------
    >>> from npf_screen import load_sample
    >>> sample = load_sample()
    >>> 150 <= len(sample) <= 300
    True
    >>> sample["code"].str.fullmatch(r"\\d{6}").all()
    np.True_
    """
    ref = resources.files("npf_screen.universe.data").joinpath(SAMPLE_FILE)
    with resources.as_file(ref) as file:
        return to_canonical(_read_csv(file, f"<bundled {SAMPLE_FILE}>"), source=f"<bundled {SAMPLE_FILE}>")
