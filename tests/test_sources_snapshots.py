"""Snapshots survive crashes: a pull killed mid-write or mid-fetch never damages the last good one."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from npf_screen.fetch.api import list_snapshots, load_snapshot, pull
from npf_screen.fetch.snapshots import SnapshotStore

from .fakes import make_source

ROOT = Path(__file__).resolve().parents[1]
START = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)

# A second pull in a child process; it blocks at a chosen point and the test kills it with SIGKILL.
CHILD = """
import datetime as dt, sys, time
from pathlib import Path
from npf_screen.fetch.api import pull
from npf_screen.fetch.context import ProgressSink
from tests.fakes import FakeAkshare, make_source

cache, signal_file, where = sys.argv[1], sys.argv[2], sys.argv[3]
fake = FakeAkshare(n_companies=300)
if where == "fetch":
    fake.inject("stock_yjbb_em", "block", signal=signal_file)

class BlockMidWrite(ProgressSink):
    def advance(self, task, n=1):
        if task == "snapshot":  # universe.parquet is written, the manifest is not
            Path(signal_file).write_text("mid-write")
            while True:
                time.sleep(0.05)

pull(cache, source=make_source(fake), texts="none", refresh=True, progress=BlockMidWrite(),
     now=lambda: dt.datetime(2026, 11, 29, tzinfo=dt.UTC))
"""


def _good_snapshot(cache: Path) -> str:
    report = pull(cache, source=make_source(n_companies=300), texts="none", now=lambda: START, progress=False)
    assert report.status == "complete"
    return report.snapshot_id


def _kill_child_at(cache: Path, where: str, tmp_path: Path) -> None:
    signal_file = tmp_path / "reached"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(cache), str(signal_file), where],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not signal_file.exists():
            if child.poll() is not None:
                pytest.fail(f"child ended early: {child.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("child never reached the blocking point")
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]


@pytest.mark.parametrize("where", ["write", "fetch"])
def test_pull_killed_midway_leaves_the_last_good_snapshot_latest(tmp_path: Path, where: str) -> None:
    cache = tmp_path / "cache"
    good_id = _good_snapshot(cache)
    before, _ = load_snapshot(None, cache)
    _kill_child_at(cache, where, tmp_path)

    leftovers = [p.name for p in (cache / "snapshots").iterdir()]
    if where == "write":
        assert any(name.startswith(".staging-") for name in leftovers)  # the half-written one is there ...
    assert list(list_snapshots(cache)["snapshot_id"]) == [good_id]  # ... but it is not a snapshot
    after, latest = load_snapshot(None, cache)
    assert latest == good_id
    pd.testing.assert_frame_equal(after, before)

    report = pull(
        cache,
        source=make_source(n_companies=300),
        texts="none",
        refresh=True,
        now=lambda: START + dt.timedelta(days=1),
        progress=False,
    )
    assert report.created  # the dead child's lock was released by the OS; staging is cleaned
    assert not any(p.name.startswith(".staging-") for p in (cache / "snapshots").iterdir())
    assert list(list_snapshots(cache)["snapshot_id"]) == [report.snapshot_id, good_id]


def test_write_failure_removes_staging_and_keeps_previous(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    good = pd.DataFrame({"code": ["600000"], "name": ["甲"]})
    store.write_snapshot("20261128T000000Z", good, pd.DataFrame({"code": []}), {"status": "complete"})

    def explode(name: str) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        store.write_snapshot(
            "20261129T000000Z", good, pd.DataFrame({"code": []}), {"status": "complete"}, explode
        )
    assert store.snapshot_ids() == ["20261128T000000Z"]
    assert not [p for p in store.snapshots_dir.iterdir() if p.name.startswith(".")]


def test_prune_never_removes_the_newest_complete(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    frame = pd.DataFrame({"code": ["600000"], "name": ["甲"]})
    for i, status in enumerate(["complete", "partial", "partial"]):
        store.write_snapshot(f"2026112{i}T000000Z", frame, frame.iloc[0:0], {"status": status})
    removed = store.prune(1)
    assert removed == ["20261121T000000Z"]
    assert store.snapshot_ids() == ["20261120T000000Z", "20261122T000000Z"]
