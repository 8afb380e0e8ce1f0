"""Scheduled runs: filters, the stability buffer, history, diff, membership, locking and the CLI.

Runs get their universe from an injected loader and their candidates from an injected screener
(both parameters of ``run_screen``), so the membership arithmetic is tested on exact ranks; the
CLI tests run the real engine on a file universe.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock

from npf_screen.cli.main import main
from npf_screen.core.errors import DefinitionError, RunError, RunLockedError, UnknownRunError
from npf_screen.core.exit_codes import ExitCode
from npf_screen.rules.model import Theme, ThemeSet
from npf_screen.runs.definitions import Filters, parse_definition
from npf_screen.runs.history import RunHistory
from npf_screen.runs.membership import diff_runs, select_members
from npf_screen.runs.runner import run_screen
from npf_screen.runs.universe_filters import UniverseData, apply_filters

from .helpers import THEME_HEADER, universe, write_rules

D1, D2, D3 = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)
THEMES = ThemeSet(
    [
        Theme(id="t_a", name="主题甲", line="choke_point", rationale="", source=""),
        Theme(id="t_b", name="主题乙", line="emerging", rationale="", source=""),
    ]
)
COMPANIES = ["600001", "600002", "000003", "300004", "920005"]


class FakeScreener:
    """Candidates from a score table: {theme: {code: score}}, ranked by score then code."""

    def __init__(self) -> None:
        self.scores: dict[str, dict[str, float]] = {}

    def __call__(self, frame: pd.DataFrame, themes: ThemeSet, snapshot_id: str) -> object:
        rows = [
            {"code": c, "name": f"公司{c}", "theme": t.id, "score": s, "theme_name": t.name, "line": t.line}
            for t in themes
            for c, s in self.scores.get(t.id, {}).items()
            if c in set(frame["code"])
        ]
        cand = pd.DataFrame(rows, columns=["code", "name", "theme", "score", "theme_name", "line"])
        cand = cand.sort_values(["theme", "score", "code"], ascending=[True, False, True])
        cand["rank"] = cand.groupby("theme").cumcount() + 1
        cand["evidence_summary"] = "x"
        return type("Result", (), {"candidates": cand.reset_index(drop=True), "evidence": None})()


def loader(stale: bool = False):
    frame = universe([{"code": c, "name": f"公司{c}", "market_cap_yi": 100} for c in COMPANIES])

    def load(spec, offline):
        return UniverseData(frame, "snap-1", stale=stale, notes=("cache is 3 days old",) if stale else ())

    return load


def definition(tmp_path: Path, body: str = "", top: int = 2, buffer: float = 2.0):
    text = f'[screen]\nname = "s"\ntop = {top}\nbuffer = {buffer}\noutput_dir = "out"\n' + body
    return parse_definition(text, tmp_path / "s.toml")


def go(tmp_path: Path, screener: FakeScreener, date: dt.date, body: str = "", **kw):
    d = definition(tmp_path, body, **{k: kw.pop(k) for k in ("top", "buffer") if k in kw})
    return run_screen(
        d, run_date=date, history_dir=tmp_path / "hist", loader=kw.pop("load", loader()),
        themes=THEMES, screener=screener, **kw,
    )  # fmt: skip


def members_of(outcome, theme: str = "t_a") -> list[str]:
    m = outcome.record.members
    return m[m["theme"] == theme]["code"].tolist()


# --------------------------------------------------------------------------- filters
def test_filters() -> None:
    frame = universe(
        [
            {"code": "600001", "name": "*ST甲", "list_date": "2020-01-01", "market_cap_yi": 50},
            {"code": "600002", "name": "ST乙", "list_date": "2020-01-01", "market_cap_yi": 50},
            {"code": "000003", "name": "丙", "list_date": "2026-02-20", "market_cap_yi": 50},
            {"code": "300004", "name": "丁", "list_date": None, "market_cap_yi": None},
            {"code": "688005", "name": "戊", "list_date": "2020-01-01", "market_cap_yi": 5},
            {"code": "920006", "name": "STAR己", "list_date": "2020-01-01", "market_cap_yi": 5000},
            {"code": "600007", "name": "庚", "list_date": "2020-01-01", "market_cap_yi": 60},
        ]
    )
    f = Filters(min_days_listed=30, market_cap_min=10, market_cap_max=1000, boards=("主板", "创业板"))
    kept, removed = apply_filters(frame, f, D1)
    assert kept["code"].tolist() == ["300004", "600007"]  # unknown date / cap pass by default
    assert removed == {"ST": 2, "days listed": 1, "market cap min": 1, "market cap max": 1, "board": 0}
    kept, _ = apply_filters(frame, Filters(exclude_st=False, min_days_listed=30, missing="fail"), D1)
    assert kept["code"].tolist() == ["600001", "600002", "688005", "920006", "600007"]


# --------------------------------------------------------------------------- stability buffer
def cands(ranks: dict[str, int], theme: str = "t_a") -> pd.DataFrame:
    return pd.DataFrame(
        [{"code": c, "name": c, "theme": theme, "score": 100.0 - r, "rank": r} for c, r in ranks.items()]
    )


def prev(*codes: str, since: str = "2026-03-01") -> pd.DataFrame:
    return pd.DataFrame({"theme": "t_a", "code": list(codes), "since": since})


def test_buffer_keeps_an_incumbent_within_buffer_times_top() -> None:
    m = select_members(cands({"A": 1, "C": 2, "B": 3}), prev("A", "B"), top=2, buffer=2.0, as_of=D1)
    assert m["code"].tolist() == ["A", "B"] and m["since"].tolist() == ["2026-03-01"] * 2


def test_incumbent_beyond_the_buffer_leaves() -> None:
    m = select_members(
        cands({"A": 1, "C": 2, "D": 3, "E": 4, "B": 5}), prev("A", "B"), top=2, buffer=2.0, as_of=D1
    )
    assert m["code"].tolist() == ["A", "C"] and m["since"].tolist() == ["2026-03-01", "2026-03-02"]


def test_a_much_better_newcomer_displaces_the_weakest_incumbent() -> None:
    m = select_members(cands({"C": 1, "A": 2, "B": 3}), prev("A", "B"), top=2, buffer=2.0, as_of=D1)
    assert m["code"].tolist() == ["C", "A"]


def test_no_buffer_is_plain_top_n_and_themes_are_separate() -> None:
    both = pd.concat([cands({"A": 1, "C": 2, "B": 3}), cands({"B": 1}, theme="t_b")], ignore_index=True)
    m = select_members(both, prev("A", "B"), top=2, buffer=1.0, as_of=D1)
    assert list(zip(m["theme"], m["code"], strict=True)) == [("t_a", "A"), ("t_a", "C"), ("t_b", "B")]
    assert m["since"].tolist() == ["2026-03-01", "2026-03-02", "2026-03-02"]  # B is new in t_b


# --------------------------------------------------------------------------- runs and history
BODY = """
[[watchlist]]
format = "tdx"
path = "tdx/NPF_{theme}.blk"
name = "新质{theme_name}"
register = true
[[watchlist]]
format = "ebk"
path = "all.ebk"
[[watchlist]]
format = "json"
path = "all.json"
"""


def test_run_writes_watchlists_and_records_history(tmp_path: Path) -> None:
    s = FakeScreener()
    s.scores = {"t_a": {"600001": 90, "000003": 80, "920005": 70}, "t_b": {"300004": 50}}
    outcome = go(tmp_path, s, D1, BODY)
    out = tmp_path / "out"
    assert (out / "tdx" / "NPF_t_a.blk").read_bytes() == b"1600001\r\n0000003\r\n"
    assert (out / "tdx" / "NPF_t_b.blk").read_bytes() == b"0300004\r\n"
    cfg = (out / "tdx" / "blocknew.cfg").read_bytes()
    assert cfg == b"".join(
        name.encode("gbk").ljust(50, b"\x00") + stem.ljust(70, b"\x00")
        for name, stem in (("新质主题甲", b"NPF_t_a"), ("新质主题乙", b"NPF_t_b"))
    )
    assert (out / "all.ebk").read_bytes() == b"\r\n1600001\r\n0000003\r\n0300004\r\n"
    items = json.loads((out / "all.json").read_text(encoding="utf-8"))
    assert [(i["theme"], i["code"], i["rank"], i["since"]) for i in items] == [
        ("t_a", "600001", 1, "2026-03-02"),
        ("t_a", "000003", 2, "2026-03-02"),
        ("t_b", "300004", 1, "2026-03-02"),
    ]
    r = outcome.record
    assert (r.run_id, r.snapshot_id, r.universe_size, r.screened_size) == ("2026-03-02", "snap-1", 5, 5)
    assert outcome.exit_code(strict=True) == 0 and not outcome.replaced
    history = RunHistory(tmp_path / "hist")
    assert history.index()["run_id"].tolist() == ["2026-03-02"]
    back = history.load("latest")
    assert back.members["code"].tolist() == ["600001", "000003", "300004"]
    assert back.definition_hash == outcome.record.definition_hash
    assert len(history.candidates("2026-03-02")) == 4
    assert "3 entered, 0 exited" in outcome.summary()
    s.scores = {"t_a": {"600001": 90}}  # t_b has no candidate any more: its block is emptied, not left stale
    go(tmp_path, s, D2, BODY)
    assert (out / "tdx" / "NPF_t_b.blk").read_bytes() == b""
    assert (out / "all.ebk").read_bytes() == b"\r\n1600001\r\n"


def test_history_diff_and_membership_since(tmp_path: Path) -> None:
    s = FakeScreener()
    s.scores = {"t_a": {"600001": 90, "600002": 80, "000003": 70}}
    go(tmp_path, s, D1)
    s.scores = {"t_a": {"000003": 95, "600001": 85, "600002": 20, "300004": 10}}
    outcome = go(tmp_path, s, D3, buffer=1.0)
    assert members_of(outcome) == ["000003", "600001"]
    d = outcome.diff
    assert (d.a, d.b) == ("2026-03-02", "2026-03-04")
    assert d.entered[["code", "rank"]].values.tolist() == [["000003", 1]]
    assert d.exited[["code", "rank", "rank_b"]].values.tolist() == [["600002", 2, 3]]
    assert d.moves[["code", "score_a", "score_b", "delta"]].values.tolist() == [["600001", 90.0, 85.0, -5.0]]
    assert d.entered["rank"].dtype == "Int64"  # ranks stay integers through the outer merge
    assert "(rank 1, 95)" in "\n".join(d.lines()) and "(now rank 3)" in "\n".join(d.lines())
    history = RunHistory(tmp_path / "hist")
    as_of = history.members_as_of(D2, "t_a")  # between the runs: the first run's members
    assert as_of[["code", "since", "run_id"]].values.tolist() == [
        ["600001", "2026-03-02", "2026-03-02"], ["600002", "2026-03-02", "2026-03-02"],
    ]  # fmt: skip
    now = history.members_as_of(D3)
    assert dict(zip(now["code"], now["since"], strict=True)) == {
        "000003": "2026-03-04",
        "600001": "2026-03-02",
    }
    with pytest.raises(UnknownRunError):
        history.members_as_of(dt.date(2026, 3, 1))
    again = diff_runs(history.load("previous"), history.load("latest"))
    assert again.exited["rank_b"].isna().all()  # without b's candidates, unknown


def test_same_day_rerun_replaces_cleanly_and_uses_the_previous_day(tmp_path: Path) -> None:
    s = FakeScreener()
    s.scores = {"t_a": {"600001": 90, "600002": 80}}
    go(tmp_path, s, D1)
    s.scores = {"t_a": {"000003": 90, "600001": 80}}
    first = go(tmp_path, s, D2)
    s.scores = {"t_a": {"300004": 90, "600001": 80}}
    second = go(tmp_path, s, D2)
    assert second.replaced and not first.replaced
    assert second.diff.a == "2026-03-02"  # compared with the day before, not the replaced run
    history = RunHistory(tmp_path / "hist")
    assert history.run_ids() == ["2026-03-02", "2026-03-03"]
    assert history.load("2026-03-03").members["code"].tolist() == ["300004", "600001"]
    assert history.index()["run_id"].tolist() == ["2026-03-02", "2026-03-03"]
    files = sorted(p.name for p in (tmp_path / "hist" / "runs").iterdir())
    day = [f for f in files if f.startswith("2026-03-03")]
    assert len(day) == 2 and day[1] == "2026-03-03.json" and day[0].endswith(".parquet")
    assert history.load("2026-03-03").candidates_file == day[0]
    assert len(files) == 4  # two runs, each a record and its candidates; no temporaries
    (tmp_path / "hist" / "index.json").write_text("{broken")  # the index is derived: rebuilt
    assert history.index()["n_members"].tolist() == [2, 2]
    assert json.loads((tmp_path / "hist" / "index.json").read_text())[1]["run_id"] == "2026-03-03"


def test_runs_cannot_go_back_in_time(tmp_path: Path) -> None:
    s = FakeScreener()
    s.scores = {"t_a": {"600001": 90}}
    go(tmp_path, s, D2)
    with pytest.raises(RunError, match="runs must go forward"):
        go(tmp_path, s, D1)
    assert RunHistory(tmp_path / "hist").run_ids() == ["2026-03-03"]


def test_a_failing_watchlist_leaves_no_run_and_no_partial_files(tmp_path: Path) -> None:
    s = FakeScreener()
    s.scores = {"t_a": {"600001": 90}}
    body = (
        '[[watchlist]]\nformat = "em"\npath = "a.txt"\n'
        '[[watchlist]]\nformat = "csv"\npath = "blocked/b.csv"\n'
    )
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.txt").write_bytes(b"old\r\n")
    (tmp_path / "out" / "blocked").write_text("a file where a folder should be")
    with pytest.raises(DefinitionError, match="blocked is a file, not a folder"):  # refused at load now
        go(tmp_path, s, D1, body)
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"old\r\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "blocked"]
    assert RunHistory(tmp_path / "hist").run_ids() == []


def test_lock_held_changes_nothing(tmp_path: Path) -> None:
    s = FakeScreener()
    (tmp_path / "hist").mkdir()
    with FileLock(tmp_path / "hist" / ".lock"), pytest.raises(RunLockedError):
        go(tmp_path, s, D1, BODY)
    assert not (tmp_path / "out").exists() and RunHistory(tmp_path / "hist").run_ids() == []


def test_stale_data_is_recorded_and_exits_3_only_under_strict(tmp_path: Path) -> None:
    s = FakeScreener()
    outcome = go(tmp_path, s, D1, load=loader(stale=True))
    assert outcome.record.stale and outcome.record.notes == ["cache is 3 days old"]
    assert outcome.exit_code(strict=True) == ExitCode.PARTIAL == 3 and outcome.exit_code() == 0
    assert "STALE" in outcome.summary() and RunHistory(tmp_path / "hist").load("latest").stale


def test_unknown_themes_are_definition_errors(tmp_path: Path) -> None:
    d = parse_definition('[screen]\nthemes = ["nope"]\n', tmp_path / "s.toml")
    with pytest.raises(DefinitionError, match=r"\[screen\].themes: unknown theme 'nope'"):
        run_screen(d, history_dir=tmp_path / "h", loader=loader(), themes=THEMES, screener=FakeScreener())
    body = '[[watchlist]]\nformat = "csv"\npath = "x.csv"\nthemes = ["t_b"]\n'
    d = parse_definition('[screen]\nthemes = ["t_a"]\n' + body, tmp_path / "s.toml")
    with pytest.raises(DefinitionError, match="not among the screened themes"):
        run_screen(d, history_dir=tmp_path / "h", loader=loader(), themes=THEMES, screener=FakeScreener())


def test_watchlist_refuses_escaping_theme_paths(tmp_path: Path) -> None:
    s = FakeScreener()
    s.scores = {"t_a": {"600001": 90}}
    body = '[[watchlist]]\nformat = "tdx"\npath = "ZXG.blk"\n'
    with pytest.raises(DefinitionError, match="main 自选股"):  # refused when the definition loads
        go(tmp_path, s, D1, body)


# --------------------------------------------------------------------------- CLI (real engine)
RULES = (
    THEME_HEADER.format(id="t_litho", line="choke_point")
    + '[[theme.keywords]]\nweight = 40\nterms = ["光刻", "光刻机"]\n'
)


def cli_setup(tmp_path: Path, companies: list[tuple[str, str, str]]) -> Path:
    write_rules(tmp_path, RULES)
    rows = "code,name,main_business,list_date,market_cap_yi\n" + "".join(
        f"{c},{n},{b},2010-01-01,100\n" for c, n, b in companies
    )
    (tmp_path / "companies.csv").write_text(rows, encoding="utf-8")
    definition = tmp_path / "screen.toml"
    definition.write_text(
        '[screen]\nname = "cli"\nthemes = ["t_litho"]\nrules = ["rules.toml"]\nbundled_rules = false\n'
        'top = 2\noutput_dir = "out"\nhistory_dir = "hist"\n'
        '[universe]\nsource = "file"\npath = "companies.csv"\n'
        '[[watchlist]]\nformat = "tdx"\npath = "T.blk"\nname = "光刻"\nregister = true\n',
        encoding="utf-8",
    )
    return definition


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_run_history_diff_members(tmp_path: Path, capsys) -> None:
    companies = [("688001", "甲", "光刻机"), ("600002", "乙", "光刻胶"), ("000003", "丙", "白酒")]
    definition = cli_setup(tmp_path, companies)
    code, out, err = run(capsys, "run", str(definition), "--date", "2026-03-02")
    assert code == 0, err
    assert "cli 2026-03-02" in out and "2 entered" in out
    assert (tmp_path / "out" / "T.blk").read_bytes() == b"1688001\r\n1600002\r\n"
    companies[1] = ("600002", "乙", "白酒")  # leaves; 000003 enters
    companies[2] = ("000003", "丙", "光刻设备")
    cli_setup(tmp_path, companies)
    code, _, err = run(capsys, "run", str(definition), "--date", "2026-03-03", "--strict", "-q")
    assert code == 0, err
    code, out, _ = run(capsys, "history", "--screen", str(definition), "--format", "csv")
    assert code == 0 and pd.read_csv(pd.io.common.StringIO(out))["run_id"].tolist() == [
        "2026-03-02",
        "2026-03-03",
    ]
    code, out, _ = run(capsys, "diff", "previous", "latest", "--history-dir", str(tmp_path / "hist"))
    assert code == 0 and "+ t_litho 000003" in out and "- t_litho 600002" in out
    code, out, _ = run(
        capsys, "members", "--date", "2026-03-03", "--screen", str(definition), "--format", "json"
    )
    got = {m["code"]: m["since"] for m in json.loads(out)}
    assert code == 0 and got == {"688001": "2026-03-02", "000003": "2026-03-03"}
    code, _, err = run(capsys, "diff", "2026-01-01", "latest", "--history-dir", str(tmp_path / "hist"))
    assert code == 2 and "no run '2026-01-01'" in err


def test_cli_exit_codes(tmp_path: Path, capsys) -> None:
    definition = cli_setup(tmp_path, [("688001", "甲", "光刻机")])
    bad = tmp_path / "bad.toml"
    bad.write_text("[screen]\ntop = 0\nfoo = 1\n", encoding="utf-8")
    code, _, err = run(capsys, "run", str(bad))
    assert code == 2 and "[screen].top" in err and "[screen].foo" in err and str(bad) in err
    (tmp_path / "hist").mkdir()
    with FileLock(tmp_path / "hist" / ".lock"):
        code, _, err = run(capsys, "run", str(definition))
    assert code == 4 and "another run holds" in err
    (tmp_path / "companies.csv").unlink()
    code, _, err = run(capsys, "run", str(definition))
    assert code == 2 and "companies.csv" in err  # a missing universe file is a user error
    assert not (tmp_path / "out").exists()


def test_default_loader_for_files_and_the_sample(tmp_path: Path) -> None:
    from npf_screen.runs.definitions import UniverseSpec
    from npf_screen.runs.universe_filters import load_universe_data

    path = tmp_path / "companies.csv"
    path.write_text("code,name\n600519,贵州茅台\n000001,平安银行\n", encoding="utf-8")
    first = load_universe_data(UniverseSpec("file", path))
    assert first.frame["code"].tolist() == ["600519", "000001"] and not (first.stale or first.partial)
    assert first.snapshot_id.startswith("file:companies.csv:") and len(first.snapshot_id) == 31
    assert load_universe_data(UniverseSpec("file", path)).snapshot_id == first.snapshot_id
    path.write_text("code,name\n600519,贵州茅台\n", encoding="utf-8")
    assert load_universe_data(UniverseSpec("file", path)).snapshot_id != first.snapshot_id
    assert load_universe_data(UniverseSpec("sample")).snapshot_id.startswith("sample:")


# ------------------------------------------------------------------ the offline example definitions
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "screens"


def test_the_sample_example_runs_offline_with_history_diff_and_members(tmp_path: Path, capsys) -> None:
    definition = tmp_path / "sample_choke_points.toml"
    definition.write_text((EXAMPLES / definition.name).read_text(encoding="utf-8"), encoding="utf-8")
    for day in ("2026-03-02", "2026-03-03"):
        # three choke-point theme names exceed 49 GBK bytes: each run says how it shortened them
        with pytest.warns(UserWarning, match="registered as '新质·") as said:
            assert main(["run", str(definition), "--date", day]) == 0
        assert any("registered as '新质·高端芯片与先进制造'" in str(w.message) for w in said)
    out = capsys.readouterr().out
    assert "vs nothing: 74 entered" in out and "… 64 more entered" in out
    assert "vs 2026-03-02: 0 entered, 0 exited, 0 moved" in out
    assert (tmp_path / "out" / "sample_choke_points" / "tdx" / "blocknew.cfg").is_file()
    assert main(["history", "--screen", str(definition), "--format", "json"]) == 0
    assert [r["run_id"] for r in json.loads(capsys.readouterr().out)] == ["2026-03-02", "2026-03-03"]
    assert main(["diff", "previous", "latest", "--screen", str(definition)]) == 0
    assert "0 entered" in capsys.readouterr().out
    assert main(["members", "--screen", str(definition), "--theme", "cp_eda", "--format", "csv"]) == 0
    members = capsys.readouterr().out.splitlines()
    assert {"theme", "code", "since"} <= set(members[0].split(",")) and len(members) > 1


def test_the_file_example_runs_offline_and_says_which_filter_had_no_effect(tmp_path: Path, capsys) -> None:
    import npf_screen as npf

    definition = tmp_path / "file_regional.toml"
    definition.write_text((EXAMPLES / definition.name).read_text(encoding="utf-8"), encoding="utf-8")
    npf.load_sample().to_csv(tmp_path / "companies.csv", index=False)  # a table without market caps
    assert main(["run", str(definition), "--date", "2026-03-02"]) == 0
    out = capsys.readouterr().out
    assert "note: filter market_cap_min = 30 has no effect: the universe has no market_cap_yi values" in out
    assert (tmp_path / "out" / "file_regional" / "eastmoney" / "npf_regional.ebk").is_file()


def test_diff_lines_count_what_they_leave_out() -> None:
    members = pd.DataFrame(
        {"theme": "t_a", "code": [f"60000{i}" for i in range(5)], "name": "x", "rank": range(1, 6),
         "score": 50.0, "since": D1}
    )  # fmt: skip
    record = RunHistory  # only for the type of the records below
    assert record is not None
    from npf_screen.runs.history import RunRecord

    empty = members.iloc[:0]
    a = RunRecord(run_id="2026-03-02", screen="s", definition_hash="h", snapshot_id="x", created_at="",
                  themes=["t_a"], top=5, buffer=1.0, universe_size=5, screened_size=5, stale=False,
                  partial=False, notes=[], filtered_out={}, members=empty)  # fmt: skip
    b = RunRecord(run_id="2026-03-03", screen="s", definition_hash="h", snapshot_id="x", created_at="",
                  themes=["t_a"], top=5, buffer=1.0, universe_size=5, screened_size=5, stale=False,
                  partial=False, notes=[], filtered_out={}, members=members)  # fmt: skip
    lines = diff_runs(a, b).lines(limit=2)
    assert lines[0].endswith("5 entered, 0 exited, 0 moved")
    assert lines[-1] == "  … 3 more entered" and len(lines) == 4


def test_history_of_an_unknown_screen_name_or_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    """A --screen name that never ran, or a --history-dir that does not exist, names what was looked
    for (it used to print "(no rows)" and exit 0, as if the screen had simply not changed)."""
    code, _, err = run(capsys, "history", "--screen", "never_ran_anywhere")
    assert code == 2 and "never_ran_anywhere" in err and "screens with runs" in err
    missing = tmp_path / "no_such_history"
    for command in (["history"], ["members"], ["diff", "previous", "latest"]):
        code, _, err = run(capsys, *command, "--history-dir", str(missing))
        assert code == 2 and str(missing) in err, (command, err)
