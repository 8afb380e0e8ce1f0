"""Building text columns from integer codes without a Python string per row.

A screen knows most of its text columns as codes into a few distinct values (company, theme,
field, kind, note). :func:`take_strings` turns (values, codes) into the column pandas would have
inferred from the equivalent object array — with the pyarrow string dtype, in one ``take`` — and
:func:`string_column` wraps ready-made UTF-8 buffers the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["default_string_dtype", "string_column", "string_values", "take_strings"]


@functools.cache
def default_string_dtype() -> object:
    """The dtype pandas infers for a column of Python strings (``str`` on pandas ≥ 3, else object)."""
    return pd.Series(np.array(["x"], dtype=object)).dtype


def _arrow() -> bool:
    dtype = default_string_dtype()
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def string_column(array: pa.Array) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """A pyarrow string array as the column pandas would infer for the same Python strings."""
    if _arrow():
        return pd.array(array, dtype=default_string_dtype())
    return np.asarray(array.to_pylist(), dtype=object)


def string_values(values: Sequence[object] | np.ndarray | pd.Series) -> pa.Array:
    """Distinct values as an arrow string array, to pass to :func:`take_strings` many times."""
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object)
    return pa.array([v if isinstance(v, str) else None for v in values], type=pa.large_string())


def take_strings(
    values: Sequence[object] | np.ndarray | pd.Series | pa.Array, codes: np.ndarray
) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """``values[codes]`` as a text column, without creating a Python string per row.

    Missing values (None, NaN) stay missing; ``values`` may come from :func:`string_values`.

    Examples
    --------
    >>> import numpy as np
    >>> list(take_strings(["a", "b", None], np.array([1, 1, 0, 2])))
    ['b', 'b', 'a', nan]
    """
    codes = np.asarray(codes, dtype="int64")
    if _arrow():
        dictionary = values if isinstance(values, pa.Array) else string_values(values)
        return string_column(dictionary.take(pa.array(codes)))
    if isinstance(values, pa.Array):
        values = values.to_pylist()
    return np.asarray(values, dtype=object)[codes]
