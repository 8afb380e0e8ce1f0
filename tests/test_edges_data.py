"""Issue 13, universes, outputs, options and snapshots: every user error exits 2 naming the file,
field or value; a damaged snapshot is never the newest good one and pruning never loses the last
readable snapshot."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from npf_screen.cli.main import main
from npf_screen.core.errors import OutputError, SnapshotError, UniverseError
from npf_screen.fetch.api import pull
from npf_screen.fetch.companies import BACKFILL_FILE, text_targets
from npf_screen.fetch.snapshots import COMPOSITION_FILE, MANIFEST_FILE, UNIVERSE_FILE, SnapshotStore
from npf_screen.outputs.watchlists.writer import write_candidates, write_watchlist
from npf_screen.runs.definitions import Filters
from npf_screen.runs.universe_filters import apply_filters
from npf_screen.universe.loader import load_universe

from .fakes import make_source

HEADER = "code,name,main_business,market_cap_yi\n"


def _csv(tmp_path: Path, text: str, name: str = "u.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ universes
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "the file is empty"),
        (HEADER, "holds no companies"),
        (HEADER + "60051,甲,光刻机,10\n", "'60051'"),
        (HEADER + "600051,,光刻机,10\n", "column 'name' has 1 blank value(s)"),
        (HEADER + "600051,   ,光刻机,10\n", "column 'name'"),
        (HEADER + "600051,甲,光刻机,abc\n", "column 'market_cap_yi' has 1 non-numeric or infinite value(s)"),
        (HEADER + "600051,甲,光刻机,inf\n", "record 1: 'inf'"),
        (HEADER + "600051,甲,光刻机,-Infinity\n", "market_cap_yi"),
    ],
)
def test_bad_universes_exit_2_naming_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture, body: str, expected: str
) -> None:
    path = _csv(tmp_path, body)
    with pytest.raises(UniverseError, match=r"u\.csv") as info:
        load_universe(path)
    assert expected in str(info.value)
    assert main(["screen", "--universe", str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_dropped_leading_zeros_are_still_restored(tmp_path: Path) -> None:
    frame = load_universe(_csv(tmp_path, HEADER + "1,平安,银行,10\n2594,比亚迪,汽车,10\n"))
    assert frame["code"].tolist() == ["000001", "002594"]


def test_the_st_filter_is_linear_on_long_names() -> None:
    names = ["*ST 甲", "  ST乙", "S*ST丙", "STAR科技", " " * 40_000 + "x", " " * 40_000 + "ST"]
    frame = pd.DataFrame(
        {"code": [f"60000{i}" for i in range(6)], "name": names, "list_date": pd.NaT, "market_cap_yi": 1.0}
    )
    frame["board"] = "主板"
    started = time.perf_counter()
    kept, removed = apply_filters(frame, Filters(), dt.date(2026, 1, 1))
    assert time.perf_counter() - started < 2.0  # was 15 s for one 40,000-space name
    assert kept["name"].str.len().tolist() == [6, 40_001] and removed["ST"] == 4


# ------------------------------------------------------------------ outputs
def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"code": ["600519"], "name": ["贵州茅台"], "theme": ["t"], "score": [50.0], "rank": [1]}
    )


def test_output_paths_that_cannot_be_written_are_output_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    for path in ("", "   ", str(tmp_path / "file" / "under.csv"), str(tmp_path / ("n" * 300 + ".csv"))):
        with pytest.raises(OutputError):
            write_watchlist(_frame(), "csv", path)
    bad = _frame().assign(name=["贵州\x01茅台"])
    with pytest.raises(OutputError, match=r"row 2, column 'name' holds a control character"):
        write_candidates(bad, "xlsx", tmp_path / "a.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_an_output_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="nothing was replaced"):
            write_watchlist(_frame(), "csv", folder / "a.csv")
        assert main(["screen", "--sample", "--format", "csv", "-o", str(folder / "b.csv")]) == 2
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(
    "output",
    ["", "{tmp}/file/under.csv", "{tmp}/" + "n" * 300 + ".csv", "{tmp}/file/under.tdx.blk"],
)
def test_cli_output_path_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture, output: str) -> None:
    (tmp_path / "file").write_text("x")
    path = output.format(tmp=tmp_path)
    fmt = "tdx" if path.endswith(".blk") else "csv"
    with pytest.raises(SystemExit) as info:
        if not path:
            main(["screen", "--sample", "--format", fmt, "-o", path])
        raise SystemExit(main(["screen", "--sample", "--top", "2", "--format", fmt, "-o", path]))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("-o" in err or "--output" in err or "refusing" in err or path in err)


@pytest.mark.parametrize(
    "argv",
    [
        ["screen", "--sample", "--top", "-5"],
        ["screen", "--sample", "--top", "0"],
        ["screen", "--sample", "--min-score", "nan"],
        ["screen", "--sample", "--min-score", "-1"],
        ["review", "cp_lithography", "--top", "0"],
        ["pull", "--max-per-theme", "-3"],
        ["pull", "--keep", "0"],
        ["snapshots", "--prune", "0"],
        ["diff", "latest", "previous", "--limit", "-1"],
        ["screen", "--sample", "--cache-dir", ""],
    ],
)
def test_bad_option_values_are_usage_errors_before_any_work(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert argv[-1] in capsys.readouterr().err


# ------------------------------------------------------------------ snapshots
UNIVERSE = pd.DataFrame({"code": ["600001", "000002"], "name": ["甲", "乙"], "main_business": ["a", "b"]})
COMPOSITION = pd.DataFrame({"code": ["600001"], "product": ["x"], "revenue": [1.0], "share": [1.0]})


def _store(tmp_path: Path, n: int = 2) -> tuple[SnapshotStore, list[str]]:
    store = SnapshotStore(tmp_path / "cache")
    ids = []
    for i in range(n):
        snapshot_id = f"2026112{i}T000000Z"
        store.write_snapshot(
            snapshot_id, UNIVERSE, COMPOSITION, {"status": "complete", "snapshot_id": snapshot_id}
        )
        ids.append(snapshot_id)
    return store, ids


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


DAMAGE = {
    "universe truncated": lambda d: _truncate(d / UNIVERSE_FILE),
    "universe garbage": lambda d: (d / UNIVERSE_FILE).write_bytes(b"garbage" * 50),
    "universe missing": lambda d: (d / UNIVERSE_FILE).unlink(),
    "universe wrong schema": lambda d: pd.DataFrame({"x": [1]}).to_parquet(d / UNIVERSE_FILE),
    "composition corrupt": lambda d: (d / COMPOSITION_FILE).write_bytes(b"PAR1 not really"),
    "manifest a list": lambda d: (d / MANIFEST_FILE).write_text("[]"),
    "manifest truncated": lambda d: (d / MANIFEST_FILE).write_text('{"status": "comp'),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_pruning_never_keeps_a_damaged_snapshot_over_the_last_readable_one(
    tmp_path: Path, capsys: pytest.CaptureFixture, damage: str
) -> None:
    store, (good, newest) = _store(tmp_path)
    DAMAGE[damage](store.snapshots_dir / newest)
    assert store.damage(newest) is not None and store.damage(good) is None
    with pytest.warns(RuntimeWarning, match=f"skipping damaged snapshot {newest}"):
        assert store.load()[1] == good
    assert main(["snapshots", "--prune", "1", "--cache-dir", str(store.root)]) == 0
    assert store.snapshot_ids() == [good]
    assert f"removed 1 snapshot(s): {newest}" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["manifest a list", "composition corrupt", "universe truncated"])
def test_a_damaged_snapshot_asked_for_by_id_is_an_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture, damage: str
) -> None:
    store, (_, newest) = _store(tmp_path)
    DAMAGE[damage](store.snapshots_dir / newest)
    argv = ["screen", "--snapshot", newest, "--cache-dir", str(store.root)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert newest in err and "Traceback" not in err


def test_a_truncated_backfill_record_is_named(tmp_path: Path) -> None:
    store, _ = _store(tmp_path, 1)
    (store.root / BACKFILL_FILE).write_text('{"started_at": "2026", "codes": ["6000')
    with pytest.raises(SnapshotError, match=r"backfill\.json: the recorded backfill cannot be read"):
        text_targets(store, UNIVERSE, "all", True, None)


def test_pull_after_damage_reuses_the_last_readable_snapshot(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    start = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)
    first = pull(cache, source=make_source(n_companies=60), texts="none", now=lambda: start, progress=False)
    store = SnapshotStore(cache)
    damaged = "20991231T000000Z"  # newer than anything, and broken
    (store.snapshots_dir / damaged).mkdir()
    (store.snapshots_dir / damaged / MANIFEST_FILE).write_text(
        json.dumps(store.manifest(first.snapshot_id)), encoding="utf-8"
    )
    (store.snapshots_dir / damaged / UNIVERSE_FILE).write_bytes(b"garbage")
    later = start + dt.timedelta(minutes=5)
    for _ in range(2):  # never stuck on the damaged snapshot
        again = pull(
            cache, source=make_source(n_companies=60), texts="none", now=lambda: later, progress=False
        )
        assert again.snapshot_id == first.snapshot_id


def test_a_read_only_file_system_is_an_output_error_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import errno

    from npf_screen.outputs import table_writer
    from npf_screen.outputs.watchlists.writer import PlannedWrite, commit

    def read_only(path: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    with pytest.raises(OutputError, match="Read-only file system; nothing was replaced"):
        commit([PlannedWrite(tmp_path / "a.csv", render=read_only)])
    monkeypatch.setattr(table_writer, "atomic_write_bytes", read_only)
    assert main(["screen", "--sample", "--top", "1", "--format", "csv", "-o", str(tmp_path / "b.csv")]) == 2
    assert "b.csv: Read-only file system" in capsys.readouterr().err
