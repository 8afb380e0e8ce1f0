"""A fake akshare: the same callables, frames shaped exactly as akshare 1.19.5 returns them.

Each function builds its frame the way akshare's own code does (raw records → DataFrame → rename
→ select → ``to_numeric`` / ``.dt.date``), so column names, order and dtypes under pandas 3 match
the endpoint reference (``str`` for text, ``float64`` for numbers, ``datetime.date`` objects for
dates). A deterministic synthetic market stands behind them (:mod:`.market`).

Knobs (:mod:`.server`): ``requests`` counts simulated HTTP requests (pages included), ``latency``
sleeps per request, :meth:`FakeAkshare.inject` queues faults per function (timeouts, connection
resets, HTTP 403, empty frames, ``None`` payloads, renamed/missing/swapped columns, akshare's
``Length mismatch``, blocking) and :meth:`FakeAkshare.ban` makes a host refuse everything after N
requests. The endpoints are grouped by kind: :mod:`.exchange_lists`, :mod:`.quotes`,
:mod:`.datacenter` and :mod:`.per_company`; :mod:`.akshare` puts them together.
"""

from __future__ import annotations

from .akshare import FakeAkshare, drifting_source, make_source, small_source
from .market import make_market
from .server import HOSTS, Fault, http_error, refusal
from .themes import THEMES_TOML, test_themes

__all__ = [
    "HOSTS",
    "THEMES_TOML",
    "FakeAkshare",
    "Fault",
    "drifting_source",
    "http_error",
    "make_market",
    "make_source",
    "refusal",
    "small_source",
    "test_themes",
]
