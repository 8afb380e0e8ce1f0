"""The CLI: exit codes, messages on stderr, output formats."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from npf_screen.cli.main import main

from .helpers import THEME_HEADER, write_rules


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_themes_lists_ids(capsys) -> None:
    code, out, _ = run(capsys, "themes", "--format", "csv")
    assert code == 0
    frame = pd.read_csv(pd.io.common.StringIO(out))
    assert {"id", "name", "line", "n_terms"} <= set(frame.columns)
    assert "cp_lithography" in set(frame["id"])


def test_screen_sample_to_every_table_format(capsys, tmp_path: Path) -> None:
    for fmt in ("csv", "json", "parquet"):
        target = tmp_path / f"out.{fmt}"
        code, _, err = run(
            capsys, "screen", "--sample", "--line", "choke_point", "--format", fmt, "-o", str(target)
        )
        assert code == 0, err
        frame = {"csv": pd.read_csv, "parquet": pd.read_parquet}.get(
            fmt, lambda p: pd.DataFrame(json.loads(Path(p).read_text()))
        )(target)
        assert {"code", "name", "theme", "score", "rank", "evidence_summary"} <= set(frame.columns)
        expanded = frame["expanded"].astype(bool)
        assert (frame.loc[~expanded, "score"] > 0).all()
        # The learned expansion follows the candidates: score 0, flagged, with named drivers.
        assert expanded.any() and (frame.loc[expanded, "score"] == 0).all()
        assert (frame.loc[expanded, "drivers"].fillna("") != "").all()
        assert set(frame["theme"].str[:3]) == {"cp_"}


def test_screen_table_to_stdout(capsys) -> None:
    code, out, _ = run(capsys, "screen", "--sample", "--theme", "cp_lithography", "--top", "3")
    assert code == 0
    assert "cp_lithography" in out


def test_unknown_theme_is_a_usage_error(capsys) -> None:
    code, _, err = run(capsys, "screen", "--sample", "--theme", "cp_nope")
    assert code == 2
    assert "unknown theme 'cp_nope'" in err


def test_bad_universe_is_a_usage_error(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "u.csv"
    bad.write_text("code,name\n12345x,坏代码\n600000,好\n", encoding="utf-8")
    code, _, err = run(capsys, "screen", "--universe", str(bad))
    assert code == 2
    assert "malformed code" in err and "'12345X'" in err
    code, _, err = run(capsys, "screen", "--universe", str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in err
    nameless = tmp_path / "n.csv"
    nameless.write_text("code\n600000\n", encoding="utf-8")
    code, _, err = run(capsys, "screen", "--universe", str(nameless))
    assert code == 2 and "missing required column 'name'" in err


def test_bad_rules_are_a_usage_error(capsys, tmp_path: Path) -> None:
    rules = write_rules(tmp_path, THEME_HEADER.format(id="x_bad", line="nowhere"))
    code, _, err = run(capsys, "themes", "--rules", str(rules))
    assert code == 2
    assert "unknown line 'nowhere'" in err and str(rules) in err


def test_explain_unknown_code(capsys) -> None:
    code, _, err = run(capsys, "explain", "999999", "--sample")
    assert code == 2 and "999999" in err


def test_parquet_to_stdout_is_refused(capsys) -> None:
    code, _, err = run(capsys, "screen", "--sample", "--format", "parquet")
    assert code == 2 and "-o PATH" in err


def test_usage_errors_exit_2_from_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "npf_screen.cli", "screen", "--top", "x"], capture_output=True
    )
    assert done.returncode == 2
    assert b"--top: 'x' is not a whole number" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "npf_screen.cli", "explain", "600000", "--sample"], capture_output=True
    )
    assert done.returncode in (0, 2)


def test_screen_a_pulled_snapshot_offline(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NPF_SCREEN_SOURCE", "tests.fakes_akshare:small_source")
    cache = tmp_path / "cache"
    assert main(["pull", "--cache-dir", str(cache), "--quiet"]) in (0, 3)
    capsys.readouterr()
    code, out, err = run(capsys, "screen", "--offline", "--cache-dir", str(cache), "--format", "csv")
    assert code == 0, err
    assert "screened snapshot " in err
    frame = pd.read_csv(pd.io.common.StringIO(out), dtype={"code": str})
    assert {"code", "theme", "score", "rank"} <= set(frame.columns)


def test_revenue_file_adds_exposure_evidence(tmp_path: Path, capsys) -> None:
    revenue = tmp_path / "revenue.csv"
    revenue.write_text(
        "code,report_date,product,revenue,share\n688630,2024-12-31,直写光刻设备,9e8,0.9\n"
        "688630,2024-12-31,技术服务,1e8,0.1\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "explain", "688630", "--sample", "--theme", "cp_lithography", "--revenue", str(revenue)
    )
    assert code == 0, err
    assert "90% of revenue" in out and "直写光刻设备" in out


def test_conflicting_universe_options_exit_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "screen", "--sample", "--offline")
    assert code == 2 and "drop --sample/--universe" in err
    code, _, err = run(capsys, "screen", "--offline", "--cache-dir", str(tmp_path / "empty"))
    assert code == 2 and "npf-screen pull" in err
    code, _, err = run(capsys, "screen", "--sample", "--revenue", str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv" in err


def test_screen_writes_a_registered_tdx_block(capsys, tmp_path: Path) -> None:
    target = tmp_path / "NPFLITHO.blk"
    argv = [
        "screen",
        "--sample",
        "--theme",
        "cp_lithography",
        "--top",
        "2",
        "--format",
        "tdx",
        "-o",
        str(target),
    ]
    code, _, err = run(capsys, *argv, "--register", "--block-name", "光刻机链")
    assert code == 0, err
    assert target.read_bytes() == b"0300331\r\n1688630\r\n"
    record = (tmp_path / "blocknew.cfg").read_bytes()
    assert record == "光刻机链".encode("gbk").ljust(50, b"\0") + b"NPFLITHO".ljust(70, b"\0")
    code, _, err = run(capsys, "screen", "--sample", "--format", "tdx", "-o", str(tmp_path / "ZXG.blk"))
    assert code == 2 and "ZXG.blk" in err


def test_command_table_matches_what_the_modules_register() -> None:
    """COMMANDS (which module a command's run imports) names every subcommand, in --help order."""
    from npf_screen.cli.main import COMMANDS, build_parser

    def commands(parser: argparse.ArgumentParser) -> list[str]:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return list(sub.choices)

    assert commands(build_parser()) == list(COMMANDS)
    for command, module in COMMANDS.items():
        assert command in commands(build_parser(command)), (command, module)
    assert commands(build_parser("screen")) == ["themes", "screen", "explain"]


def test_a_command_imports_only_its_own_module() -> None:
    """`npf-screen screen` builds its parser from screen_cmd alone, and its --expand default without
    importing the models (start-up time)."""
    code = (
        "import sys; from npf_screen.cli.main import build_parser; build_parser('screen'); "
        "print(sorted(m for m in sys.modules if m.endswith('_cmd') or m.startswith('npf_screen.ml.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['npf_screen.cli.screen_cmd', 'npf_screen.ml.defaults']"  # no model code


def test_a_missing_rules_path_is_a_usage_error_even_with_a_warm_rule_cache(capsys, tmp_path: Path) -> None:
    """The compiled-rules cache must not hide a --rules path that does not exist (it once served the
    bundled themes and exited 0)."""
    assert run(capsys, "screen", "--sample", "--top", "1")[0] == 0  # warms the cache for bundled rules
    for missing in (tmp_path / "nope.toml", tmp_path / "empty_folder"):
        if missing.suffix == "":
            missing.mkdir()
        code, _, err = run(capsys, "screen", "--sample", "--rules", str(missing))
        assert code == 2, err
        assert str(missing) in err
