"""The shape of an endpoint description: what an akshare callable returns and how to check it.

:class:`EndpointSpec` and :class:`RangeCheck` are filled in, one per endpoint, by the map in
:mod:`.aliases` (the only place that spells akshare's column names) and read by :mod:`.checks`
(arrival checks), :mod:`.akshare_source` (host, timeout, request estimates) and :mod:`.transform`
(renames).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["EndpointSpec", "RangeCheck", "Service", "column_names", "paged_requests"]


@dataclass(frozen=True)
class RangeCheck:
    """A plausibility check on one column, to catch values shifted into the wrong column.

    ``median`` bounds the column's median; ``inside`` is ``(low, high, share)``: at least ``share`` of
    the non-missing values must lie in ``[low, high]``. ``pattern`` is a regex that at least 95% of
    the non-missing values must fully match (codes).
    """

    column: str
    median: tuple[float, float] | None = None
    inside: tuple[float, float, float] | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Service:
    """One real upstream service: the unit of pacing, request counting and refusal bookkeeping.

    Attributes
    ----------
    key : str
        Short name used everywhere else (``em-push2``, ``em-datacenter``, ``sse`` …).
    hosts : str
        Regular expression matching the network locations (``host`` or ``host:port``) that belong to
        it, e.g. push2 and its numbered mirrors, which are one backend.
    expects : {"json", "excel", "jsonp", "text", "html"}
        What a good answer looks like; an HTML page where anything but HTML is expected is a block or
        CAPTCHA page and counts as a refusal.
    probe_host : str
        The host name a no-network check resolves and connects to.
    """

    key: str
    hosts: str
    expects: str
    probe_host: str


@dataclass(frozen=True)
class EndpointSpec:
    """One akshare callable as npf-screen uses it.

    Attributes
    ----------
    function : str
        The akshare attribute called on the source object (``stock_yjbb_em``).
    host : str
        The :class:`Service` key it calls (``em-push2``, ``sse`` …): one call in flight per service.
    columns : tuple of str
        The output columns in akshare's order, per the endpoint reference.
    required : tuple of str
        Columns we read; a frame without any of them fails with :class:`SchemaDriftError`.
    numeric : tuple of str
        Required columns that must hold numbers (numeric dtype, or text that parses as numbers).
    ranges : tuple of RangeCheck
        Plausibility checks run on every full-size frame.
    min_rows : int
        Fewest rows a full call may return (``0`` allows empty results, e.g. per-company endpoints).
    ordered : bool
        Whether akshare fixes the column order (``False`` when it follows the raw JSON or page).
    timeout : float
        Seconds one call may take, including akshare's own paging and sleeps.
    requests : callable
        Estimated HTTP requests a call made, from the number of rows it returned.
    rename : mapping
        akshare column → canonical (or intermediate) column name, used by :mod:`.transform`.
    """

    function: str
    host: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    ranges: tuple[RangeCheck, ...] = ()
    min_rows: int = 1
    ordered: bool = True
    timeout: float = 60.0
    requests: Callable[[int], int] = lambda rows: 1
    rename: Mapping[str, str] = field(default_factory=dict)


def column_names(names: str) -> tuple[str, ...]:
    """Column names written space-separated, in order."""
    return tuple(names.split())


def paged_requests(size: int, extra: int = 0) -> Callable[[int], int]:
    """Requests of a paged endpoint: ``extra`` plus one per page of ``size`` rows (at least one)."""
    return lambda rows: extra + max(1, math.ceil(rows / size))
