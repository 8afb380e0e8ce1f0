"""The fake akshare under its original name, for ``NPF_SCREEN_SOURCE=tests.fakes_akshare:small_source``.

Everything lives in :mod:`tests.fakes`; this module re-exports it (with the old private names of
the error factories) so existing references keep working.
"""

from __future__ import annotations

from .fakes import (
    HOSTS,
    THEMES_TOML,
    FakeAkshare,
    Fault,
    drifting_source,
    http_error,
    make_market,
    make_source,
    refusal,
    small_source,
    test_themes,
)
from .fakes.market import INDUSTRIES, PROVINCES, SW_NAMES, SYLLABLES
from .fakes.quotes import CLIST_FS_BJ

_refusal, _http_error = refusal, http_error

__all__ = [
    "CLIST_FS_BJ",
    "HOSTS",
    "INDUSTRIES",
    "PROVINCES",
    "SW_NAMES",
    "SYLLABLES",
    "THEMES_TOML",
    "FakeAkshare",
    "Fault",
    "drifting_source",
    "make_market",
    "make_source",
    "small_source",
    "test_themes",
]
