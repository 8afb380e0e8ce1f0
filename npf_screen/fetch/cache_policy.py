"""Where the local cache lives and how long each kind of cached data stays fresh.

The cache directory is the argument given, else ``$NPF_SCREEN_CACHE``, else the per-user cache dir
(:func:`resolve_cache_dir`); :data:`FRESHNESS` holds the window within which a pull reuses a cached
dataset or company entry without a request. The cache itself: :mod:`npf_screen.fetch.snapshots`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from npf_screen.core.cache_dir import cache_root

__all__ = ["FRESHNESS", "resolve_cache_dir"]

#: How long each dataset stays fresh: a pull inside this window reuses it without a request.
FRESHNESS: Mapping[str, dt.timedelta] = MappingProxyType(
    {
        "list_sh": dt.timedelta(days=1),
        "list_sz": dt.timedelta(days=1),
        "list_bj": dt.timedelta(days=1),
        "quotes": dt.timedelta(days=1),
        "financials": dt.timedelta(days=7),
        "balance": dt.timedelta(days=7),
        "industry_sw": dt.timedelta(days=30),
        "sw_names": dt.timedelta(days=30),
        "texts": dt.timedelta(days=90),
        "composition": dt.timedelta(days=90),
        "failed": dt.timedelta(days=1),  # a company whose fetch failed is retried after this
    }
)


def resolve_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory: ``cache_dir`` if given, else ``$NPF_SCREEN_CACHE``, else the user cache dir."""
    if cache_dir is not None and str(cache_dir):
        return Path(cache_dir).expanduser()
    return cache_root()
