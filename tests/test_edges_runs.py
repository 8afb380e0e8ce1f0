"""Issue 13, scheduled runs: watchlists and the run record switch all at once, even when the run is
killed (SIGKILL) at any moment; a kill leaves nothing the next run does not clean; an empty result
never silently empties watchlists; a damaged run record never blocks later runs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from npf_screen.cli.main import main
from npf_screen.core.errors import EmptyRunError
from npf_screen.core.transaction import STAGE_SUFFIX, commit_files, recover
from npf_screen.runs.definitions import load_definition
from npf_screen.runs.history import JOURNAL_NAME, RunHistory
from npf_screen.runs.runner import run_screen

ROOT = Path(__file__).resolve().parents[1]

COMMON = """
output_dir = "out"
history_dir = "hist"
[universe]
source = "sample"
[filters]
min_days_listed = {days}
[[watchlist]]
format = "ths"
path = "ths/{{theme}}.txt"
"""
# 112 bundled themes x 3 per-theme formats + blocknew.cfg: several hundred files per run.
DEFINITION = (
    "[screen]\ntop = {top}\n"
    + COMMON
    + """[[watchlist]]
format = "tdx"
path = "tdx/NPF_{{theme}}.blk"
name = "新质{{theme_name}}"
register = true
[[watchlist]]
format = "csv"
path = "csv/{{theme}}.csv"
"""
)
SMALL = '[screen]\nthemes = ["cp_lithography", "cp_eda"]\ntop = 3\n' + COMMON


def _setup(folder: Path, top: int, days: int = 0, *, small: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    definition = folder / "screen.toml"
    text = SMALL.format(days=days) if small else DEFINITION.format(top=top, days=days)
    definition.write_text(text, encoding="utf-8")
    return definition


def _state(folder: Path) -> dict[str, bytes]:
    out = folder / "out"
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _leftovers(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name == JOURNAL_NAME]


def _visible(state: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in state.items() if not Path(k).name.startswith(".")}


def _command(definition: Path, date: str) -> list[str]:
    return [sys.executable, "-m", "npf_screen.cli", "run", str(definition), "--date", date, "-q"]


def _run_cli(definition: Path, date: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        _command(definition, date), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _kill_when(process: subprocess.Popen, folder: Path, moment: str, limit: float = 60.0) -> bool:
    """SIGKILL the run at ``moment``; return whether it was still running when killed."""
    started = time.monotonic()
    out, journal = folder / "out", folder / "hist" / JOURNAL_NAME
    while process.poll() is None and time.monotonic() - started < limit:
        if moment.startswith("after:"):
            hit = time.monotonic() - started >= float(moment[6:])
        elif moment.startswith("staged:"):
            hit = out.is_dir() and sum(1 for _ in out.rglob(f"*{STAGE_SUFFIX}")) >= int(moment[7:])
        else:  # "journal": the switch has begun
            hit = journal.exists()
        if hit:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    process.wait()
    return False


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An old state (run of day 1, top 3) and the state a complete new run (day 2, top 5) leaves."""
    import warnings

    base = tmp_path_factory.mktemp("kill")
    old = base / "old"
    new = base / "new"
    with warnings.catch_warnings():  # long theme titles are registered under shortened 通达信 names
        warnings.filterwarnings("ignore", "通达信 block name .* registered as", UserWarning)
        run_screen(load_definition(_setup(old, 3)), run_date=_date("2026-03-02"))
        shutil.copytree(old, new)
        _setup(new, 5)
        run_screen(load_definition(new / "screen.toml"), run_date=_date("2026-03-03"))
    return {"base": base, "old": old, "new": new}


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


# While starting and screening, at the first staged file, midway through staging, and in the switch.
MOMENTS = ["after:0.5", "staged:1", "staged:200", "journal"]


@pytest.mark.slow
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_run_killed_at_any_moment_leaves_all_old_or_all_new(runs: dict[str, Path], moment: str) -> None:
    old, new = _visible(_state(runs["old"])), _visible(_state(runs["new"]))
    assert old != new and len(old) > 300
    work = runs["base"] / f"work-{moment.replace(':', '-')}"
    shutil.copytree(runs["old"], work)
    _setup(work, 5)
    assert _kill_when(_run_cli(work / "screen.toml", "2026-03-03"), work, moment), "finished before the kill"
    # What a reader (a trading terminal) sees once the next run has started: its first step
    # completes a switch the kill interrupted.
    recover(work / "hist" / JOURNAL_NAME)
    now = _visible(_state(work))
    recorded = RunHistory(work / "hist").run_ids()
    assert now in (old, new), f"a mix of old and new watchlists after a kill at {moment}"
    assert ("2026-03-03" in recorded) == (now == new), "watchlists and run record must switch together"
    # The next run completes normally and leaves no temporary file behind.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        _command(work / "screen.toml", "2026-03-03"), env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    assert _visible(_state(work)) == new
    assert _leftovers(work) == []
    assert RunHistory(work / "hist").run_ids() == ["2026-03-02", "2026-03-03"]


def test_a_switch_killed_after_its_journal_is_completed_by_the_next_commit(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    journal = tmp_path / "j.json"
    commit_files({a: lambda p: p.write_text("old a"), b: lambda p: p.write_text("old b")}, journal)

    def render_then_die(path: Path) -> None:
        path.write_text("new b")

    # Simulate a kill between the journal and the renames: stage, write the journal, stop.
    (tmp_path / f".a.txt{STAGE_SUFFIX}").write_text("new a")
    (tmp_path / "sub" / f".b.txt{STAGE_SUFFIX}").write_text("new b")
    pairs = [[str(a), str(tmp_path / f".a.txt{STAGE_SUFFIX}")]]
    pairs.append([str(b), str(tmp_path / "sub" / f".b.txt{STAGE_SUFFIX}")])
    journal.write_text(json.dumps({"files": pairs}))
    assert sorted(recover(journal)) == sorted([a, b])
    assert (a.read_text(), b.read_text()) == ("new a", "new b") and not journal.exists()
    # A kill before the journal: targets untouched, and the next commit removes the staged files.
    (tmp_path / f".a.txt{STAGE_SUFFIX}").write_text("half")
    (tmp_path / ".a.txt.x1y2.tmp").write_text("half")
    commit_files({a: lambda p: p.write_text("newer a"), b: render_then_die}, journal)
    assert a.read_text() == "newer a" and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "sub"]


# ------------------------------------------------------------------ empty results
def test_an_empty_result_never_silently_empties_watchlists(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    definition = _setup(tmp_path, 3, small=True)
    history = tmp_path / "hist"
    assert main(["run", str(definition), "--date", "2026-03-02", "-q"]) == 0
    before = _state(tmp_path)
    _setup(tmp_path, 3, days=36_000, small=True)  # a filter that leaves no company
    assert main(["run", str(definition), "--date", "2026-03-03", "-q"]) == 2
    err = capsys.readouterr().err
    assert "refusing to empty the watchlists" in err and "--allow-empty" in err and "days listed" in err
    assert _state(tmp_path) == before and RunHistory(history).run_ids() == ["2026-03-02"]
    with pytest.raises(EmptyRunError):
        run_screen(load_definition(definition), run_date=_date("2026-03-03"))
    assert main(["run", str(definition), "--date", "2026-03-03", "-q", "--allow-empty"]) == 0
    assert (tmp_path / "out" / "ths" / "cp_lithography.txt").read_bytes() == b""


# ------------------------------------------------------------------ damaged run records
@pytest.mark.parametrize("damage", [b'{"run_id": "2026-03-02", "memb', b'{"run_id": 5}'])
def test_a_damaged_run_record_is_named_and_never_blocks_new_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture, damage: bytes
) -> None:
    definition = _setup(tmp_path, 3, small=True)
    assert main(["run", str(definition), "--date", "2026-03-01", "-q"]) == 0
    assert main(["run", str(definition), "--date", "2026-03-02", "-q"]) == 0
    record = tmp_path / "hist" / "runs" / "2026-03-02.json"
    record.write_bytes(damage)
    hist = ["--history-dir", str(tmp_path / "hist")]
    capsys.readouterr()
    assert main(["diff", "2026-03-01", "2026-03-02", *hist]) == 2
    assert "2026-03-02.json: unreadable run record" in capsys.readouterr().err
    with pytest.warns(RuntimeWarning, match="2026-03-02.json"):
        assert main(["members", "--date", "2026-03-02", *hist]) == 0  # falls back to 2026-03-01
    assert main(["run", str(definition), "--date", "2026-03-03"]) == 0
    out = capsys.readouterr().out
    assert "moved aside an unreadable run record" in out and "2026-03-02.json.corrupt" in out
    assert record.with_name("2026-03-02.json.corrupt").read_bytes() == damage
    assert RunHistory(tmp_path / "hist").run_ids() == ["2026-03-01", "2026-03-03"]
    assert main(["history", *hist]) == 0
