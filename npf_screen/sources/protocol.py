"""What a pull needs from a data source: the :class:`Source` protocol and the records it returns.

A source names the bulk datasets it provides (:attr:`Source.datasets`, each a :class:`DatasetSpec`),
fetches one of them on request (:meth:`Source.fetch`), fetches one company's business text or revenue
composition, and keeps a record of every call. The pull (:mod:`npf_screen.fetch`) is driven by
these alone; :class:`~.akshare_source.AkshareSource` is the implementation over akshare.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pandas as pd

__all__ = ["CallRecord", "DatasetResult", "DatasetSpec", "Source"]


@dataclass(frozen=True)
class DatasetSpec:
    """One bulk dataset a source provides.

    Attributes
    ----------
    name : str
        The dataset's name in caches and manifests (``quotes``).
    description : str
        What it holds, for people.
    by_quarter : bool
        Whether it is fetched for a report quarter (its cache is keyed by the newest quarter asked).
    rows : bool
        Whether its codes make the universe's rows (without any such dataset there is no snapshot).
    """

    name: str
    description: str
    by_quarter: bool = False
    rows: bool = False


@dataclass
class DatasetResult:
    """A canonical partial table and how it was obtained."""

    frame: pd.DataFrame
    endpoint: str
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CallRecord:
    """One upstream call as the manifest records it (``requests``: HTTP requests it sent)."""

    label: str
    function: str
    host: str
    ok: bool
    attempts: int
    seconds: float
    rows: int | None = None
    requests: int = 0
    error: str = ""
    notes: tuple[str, ...] = ()


@runtime_checkable
class Source(Protocol):
    """A data source a pull can be driven by.

    Attributes
    ----------
    name : str
        Short name recorded in manifests.
    datasets : mapping of str to DatasetSpec
        The bulk datasets it provides, in the order a pull fetches them.
    text_routes : sequence of str
        The services that provide business text; a full-market backfill spreads companies across them.
    calls : list of CallRecord
        Every call made so far.
    """

    name: str
    datasets: Mapping[str, DatasetSpec]
    text_routes: Sequence[str]
    calls: list[CallRecord]

    @property
    def version(self) -> str:
        """Version of the underlying library or data (recorded in manifests)."""
        ...

    @property
    def module(self) -> Any:
        """The object behind the source (recorded by type name in manifests)."""
        ...

    def fetch(self, dataset: str, quarters: Sequence[str]) -> DatasetResult:
        """Fetch one dataset of :attr:`datasets` (``quarters``: newest first, for quarterly ones)."""
        ...

    def business_text(self, code: str, route: str | None = None) -> dict[str, Any]:
        """One company's business text, trying ``route`` (one of :attr:`text_routes`) first."""
        ...

    def revenue_composition(self, code: str) -> pd.DataFrame:
        """One company's latest revenue composition by product."""
        ...

    def requests_made(self) -> int:
        """HTTP requests sent so far."""
        ...

    def check_network(self) -> None:
        """Raise :class:`~.network.NoNetworkError` quickly when no service can be reached."""
        ...
