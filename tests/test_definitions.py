"""Screen definition files: defaults, every value checked, every problem reported with file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from npf_screen.core.errors import DefinitionError
from npf_screen.runs.definitions import load_definition, parse_definition

ROOT = Path(__file__).resolve().parents[1]


def problems(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        parse_definition(text, tmp_path / "screen.toml")
    return info.value.problems


def test_minimal_definition_defaults(tmp_path: Path) -> None:
    d = parse_definition("[screen]\n", tmp_path / "daily.toml")
    assert d.name == "daily"
    assert (d.top, d.buffer, d.themes, d.lines) == (20, 1.0, (), ())
    assert d.universe.source == "live" and d.filters.exclude_st and d.filters.missing == "pass"
    assert d.output_dir == tmp_path.resolve() and d.history_dir is None and d.watchlists == ()


def test_full_definition(tmp_path: Path) -> None:
    d = parse_definition(
        """
        [screen]
        name = "cp"
        themes = ["cp_eda"]
        lines = ["choke_point"]
        rules = ["my_rules"]
        bundled_rules = false
        top = 5
        buffer = 1.5
        output_dir = "out"
        history_dir = "hist"
        [universe]
        source = "file"
        path = "companies.csv"
        [filters]
        exclude_st = false
        min_days_listed = 60
        market_cap_min = 10
        market_cap_max = 100.5
        boards = ["科创板", "北交所"]
        missing = "fail"
        [[watchlist]]
        format = "tdx"
        path = "T/NPF_{theme}.blk"
        name = "新质·{theme_name}"
        register = true
        themes = ["cp_eda"]
        """,
        tmp_path / "x.toml",
    )
    base = tmp_path.resolve()
    assert (d.name, d.themes, d.lines, d.top, d.buffer) == ("cp", ("cp_eda",), ("choke_point",), 5, 1.5)
    assert (
        d.rules == (base / "my_rules",)
        and not d.bundled_rules
        and d.output_dir == base / "out"
        and d.history_dir == base / "hist"
    )
    assert d.universe.path == base / "companies.csv"
    f = d.filters
    assert (f.exclude_st, f.min_days_listed, f.market_cap_min, f.market_cap_max) == (False, 60, 10.0, 100.5)
    assert (f.boards, f.missing) == (("科创板", "北交所"), "fail")
    (w,) = d.watchlists
    assert w.per_theme and w.register and w.themes == ("cp_eda",)


def test_every_problem_is_listed_with_file_key_and_reason(tmp_path: Path) -> None:
    found = problems(
        """
        colour = "red"
        [screen]
        top = 0
        buffer = 0.5
        lines = ["choke", "future"]
        speed = 3
        [universe]
        source = "ftp"
        [filters]
        min_days_listed = 1.5
        market_cap_min = 100
        market_cap_max = 10
        boards = ["主板", "Main"]
        exclude_st = "yes"
        missing = "skip"
        [[watchlist]]
        format = "tdx"
        path = "a.blk"
        colour = "red"
        [[watchlist]]
        format = "pdf"
        path = "a.pdf"
        """,
        tmp_path,
    )
    origin = str(tmp_path / "screen.toml")
    assert all(p.startswith(origin + ": ") for p in found)
    text = "\n".join(found)
    for key, reason in [
        ("colour", "unknown key"),
        ("[screen].speed", "unknown key"),
        ("[screen].top", "below the minimum 1"),
        ("[screen].buffer", "below the minimum 1"),
        ("[screen].lines", "'choke'"),
        ("[universe].source", "unknown source 'ftp'"),
        ("[filters].min_days_listed", "not an integer"),
        ("[filters].market_cap_min", "above market_cap_max"),
        ("[filters].boards", "'Main'"),
        ("[filters].exclude_st", "not true or false"),
        ("[filters].missing", '"pass" or "fail"'),
        ("[[watchlist]][0].colour", "unknown key"),
        ("[[watchlist]][1].format", "unknown format 'pdf'"),
    ]:
        assert f"{origin}: {key}: " in text and reason in text, (key, text)
    assert len(found) == 13


@pytest.mark.parametrize(
    ("body", "key", "reason"),
    [
        ('[universe]\nsource = "file"', "[universe].path", "required"),
        ('[universe]\nsource = "live"\npath = "x.csv"', "[universe].path", "only allowed"),
        ('[universe]\nsource = "file"\npath = "x.csv"\nsnapshot = "s"', "[universe].snapshot", "latest"),
        ('[[watchlist]]\nformat = "csv"\npath = "../x.csv"', "[[watchlist]][0].path", "outside the output"),
        ('[[watchlist]]\nformat = "csv"\npath = "/etc/x.csv"', "[[watchlist]][0].path", "outside the output"),
        ('[[watchlist]]\nformat = "tdx"\npath = "x.txt"', "[[watchlist]][0].path", "end in .blk"),
        ('[[watchlist]]\nformat = "csv"\npath = "{code}.csv"', "[[watchlist]][0].path", "placeholder"),
        ('[[watchlist]]\nformat = "csv"\npath = "{theme_name}.csv"', "[[watchlist]][0].path", "{theme}"),
        ('[[watchlist]]\nformat = "csv"\npath = "x.csv"\nregister = true', "[[watchlist]][0]", "tdx"),
        ('[[watchlist]]\nformat = "csv"', "[[watchlist]][0]", "needs format"),
        ('[screen]\nname = "../evil"', "[screen].name", "history folder"),
        ("[screen]\ntop = true", "[screen].top", "not an integer"),
        ('[screen]\nthemes = "cp_eda"', "[screen].themes", "list of non-empty strings"),
        ("screen = 3", "[screen]", "must be a table"),
    ],
)
def test_single_problems(tmp_path: Path, body: str, key: str, reason: str) -> None:
    found = problems(body, tmp_path)
    assert any(f": {key}: " in p and reason in p for p in found), found


def test_duplicate_watchlist_paths(tmp_path: Path) -> None:
    body = '[[watchlist]]\nformat = "csv"\npath = "a.csv"\n[[watchlist]]\nformat = "csv"\npath = "./a.csv"\n'
    assert "the same file as [[watchlist]][0]" in "\n".join(problems(body, tmp_path))


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    (found,) = problems("[screen\n", tmp_path)
    assert "screen.toml:1: not valid TOML" in found and "line 1" in found


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot be read"):
        load_definition(tmp_path / "nope.toml")


def test_digest_ignores_comments_and_layout(tmp_path: Path) -> None:
    a = parse_definition("[screen]\ntop = 5\n", tmp_path / "a.toml")
    b = parse_definition("# note\n[screen]\ntop    = 5 # five\n", tmp_path / "a.toml")
    c = parse_definition("[screen]\ntop = 6\n", tmp_path / "a.toml")
    assert a.digest == b.digest != c.digest


def test_the_example_definition_is_valid() -> None:
    d = load_definition(ROOT / "examples" / "screens" / "choke_points.toml")
    assert d.name == "choke_points" and d.lines == ("choke_point",) and (d.top, d.buffer) == (10, 1.2)
    assert {w.format for w in d.watchlists} >= {"tdx", "ebk", "xlsx", "csv"}
