"""The fake akshare module and ready-made sources over it."""

from __future__ import annotations

import functools
from typing import Any

from .datacenter import DatacenterMixin
from .exchange_lists import ExchangeListsMixin
from .market import make_market
from .per_company import PerCompanyMixin
from .quotes import QuotesMixin


class FakeAkshare(ExchangeListsMixin, QuotesMixin, DatacenterMixin, PerCompanyMixin):
    """Stands in for the ``akshare`` module behind :class:`npf_screen.sources.akshare_source.AkshareSource`.

    Parameters
    ----------
    n_companies : int
        Size of the synthetic market (about 5,450 A-shares today).
    seed : int
        Seed of the synthetic market.
    latency : float
        Seconds slept per simulated HTTP request (for benchmarks).
    published_quarters : tuple of str
        Quarters ``stock_yjbb_em`` / ``stock_zcfz_em`` have data for; others raise akshare's TypeError.
    """

    __version__ = "1.19.5"

    def __init__(
        self,
        n_companies: int = 5450,
        seed: int = 7,
        latency: float = 0.0,
        published_quarters: tuple[str, ...] = ("20260630", "20260930"),
    ) -> None:
        super().__init__(make_market(n_companies, seed), latency)
        self.published_quarters = published_quarters
        # akshare lru_caches the exchange lists: the same object on every call, no request after the first
        self.stock_info_sh_name_code = functools.lru_cache(self._stock_info_sh_name_code)
        self.stock_info_sz_name_code = functools.lru_cache(self._stock_info_sz_name_code)
        self.stock_info_bj_name_code = functools.lru_cache(self._stock_info_bj_name_code)


def make_source(fake: FakeAkshare | None = None, **fake_options: Any) -> Any:
    """An AkshareSource over a fake: no sleeping, row floors scaled to the fake market's size."""
    from npf_screen.sources.akshare_source import AkshareSource
    from npf_screen.sources.politeness import Politeness, PolitenessPolicy

    fake = fake if fake is not None else FakeAkshare(**fake_options)
    scale = min(1.0, len(fake.market) / 5450) * 0.9
    politeness = Politeness(PolitenessPolicy.impatient(), sleep=lambda seconds: None)
    return AkshareSource(fake, politeness=politeness, quiet=True, row_floor_scale=scale)


def small_source() -> Any:
    """For ``NPF_SCREEN_SOURCE=tests.fakes:small_source`` (or ``tests.fakes_akshare:``): 600 companies."""
    return make_source(n_companies=600)


def drifting_source() -> Any:
    """For CLI tests: a 600-company market whose clist lost its total-cap column (f20)."""
    fake = FakeAkshare(n_companies=600)
    fake.inject("fetch_paginated_data", "drop", column="f20", times=10)
    return make_source(fake)
