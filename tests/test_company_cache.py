"""The per-company cache: writes proportional to the work, parts left by a killed run read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from npf_screen.fetch.company_cache import CompanyCache

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
COLUMNS = ["code", "main_business"]


def rows(code: str, text: str) -> pd.DataFrame:
    return pd.DataFrame({"code": [code], "main_business": [text]}, dtype="string")


def test_each_flush_writes_only_what_came_since_the_last_one(tmp_path: Path) -> None:
    cache = CompanyCache(tmp_path / "companies", "texts", COLUMNS)
    sizes = []
    for i in range(200):
        cache.put(f"{i:06d}", rows(f"{i:06d}", "文本" * 20), NOW)
        if (i + 1) % 25 == 0:
            cache.flush()
            parts = sorted((tmp_path / "companies" / "texts.parts").glob("*.data.parquet"))
            sizes.append(len(pd.read_parquet(parts[-1])))
    assert sizes == [25] * 8  # each part holds its 25 companies, not everything so far
    assert cache.writes == 16
    cache.compact()
    assert cache.writes == 18 and not (tmp_path / "companies" / "texts.parts").exists()
    again = CompanyCache(tmp_path / "companies", "texts", COLUMNS)
    assert len(again.data) == 200 and again.stats()["ok"] == 200


def test_parts_of_a_killed_run_are_read_back_in_order(tmp_path: Path) -> None:
    first = CompanyCache(tmp_path / "companies", "texts", COLUMNS)
    first.put("000001", rows("000001", "旧"), NOW)
    first.compact()
    killed = CompanyCache(tmp_path / "companies", "texts", COLUMNS)
    killed.put("000001", rows("000001", "新"), NOW + dt.timedelta(days=1))
    killed.put("000002", None, NOW, status="failed: HTTP 403")
    killed.flush()  # ... and the process dies before compacting
    orphan = tmp_path / "companies" / "texts.parts" / "000099.data.parquet"
    rows("000003", "half written").to_parquet(orphan)  # a data part whose index never came
    back = CompanyCache(tmp_path / "companies", "texts", COLUMNS)
    assert back.rows_for(["000001"])["main_business"].tolist() == ["新"]
    assert back.rows_for(["000003"]).empty
    assert dict(zip(back.index["code"], back.index["status"], strict=True))["000002"].startswith("failed")


def test_freshness_is_staggered_so_a_backfill_does_not_expire_in_one_day(tmp_path: Path) -> None:
    cache = CompanyCache(tmp_path / "companies", "texts", COLUMNS)
    codes = [f"{i:06d}" for i in range(1000)]
    for code in codes:
        cache.put(code, rows(code, "x"), NOW)
    cache.flush()
    stale_by_day = [1000 - len(cache.fresh_codes(NOW + dt.timedelta(days=d))) for d in (60, 80, 100, 120)]
    assert stale_by_day[0] == 0 and 0 < stale_by_day[1] < stale_by_day[2] < 1000 and stale_by_day[3] == 1000
