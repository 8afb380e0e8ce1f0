"""``npf-screen pull``, ``snapshots`` and ``doctor`` end to end, with a fake akshare named by
``$NPF_SCREEN_SOURCE``; plus the live probe, which only runs with ``-m network``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from npf_screen.cli.main import main

FAKE = "tests.fakes_akshare:small_source"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NPF_SCREEN_SOURCE", FAKE)
    monkeypatch.delenv("NPF_SCREEN_CACHE", raising=False)
    return tmp_path / "cache"


def test_pull_then_list_reuse_and_prune(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pull", "--cache-dir", str(cache), "--quiet", "--texts", "none"]) == 0
    assert capsys.readouterr().out == ""  # quiet and complete: nothing to say
    assert main(["pull", "--cache-dir", str(cache), "--texts", "none"]) == 0
    out = capsys.readouterr().out
    assert "reused (nothing changed)" in out and "0 requests" in out
    assert main(["snapshots", "--cache-dir", str(cache), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 1 and records[0]["status"] == "complete" and records[0]["companies"] == 600
    assert main(["pull", "--cache-dir", str(cache), "--texts", "none", "--refresh"]) == 0
    assert "wrote snapshot" in capsys.readouterr().out
    assert main(["snapshots", "--cache-dir", str(cache), "--prune", "1"]) == 0
    captured = capsys.readouterr()
    assert "removed 1 snapshot(s)" in captured.err and captured.out.count("complete") == 1


def test_partial_pull_exits_3_and_names_the_drift(cache: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NPF_SCREEN_SOURCE", "tests.fakes_akshare:drifting_source")
    assert main(["pull", "--cache-dir", str(cache), "--quiet", "--texts", "none"]) == 3
    err = capsys.readouterr().err
    assert "partial" in err and "fetch_paginated_data" in err and "['f20'] are missing" in err


def test_doctor_offline_and_live_with_a_fake(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("akshare ") and "snapshots: none yet" in out
    assert main(["doctor", "--live", "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert out.count("match") >= 12 and "False" not in out


def test_unloadable_source_is_a_clear_error(cache: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NPF_SCREEN_SOURCE", "no_such_module:thing")
    assert main(["pull", "--cache-dir", str(cache), "--quiet"]) == 1
    assert "NPF_SCREEN_SOURCE" in capsys.readouterr().err


@pytest.mark.network
def test_live_probe_every_endpoint_answers_with_the_expected_columns() -> None:
    """Needs internet access to akshare's upstream sites; run with ``pytest -m network``."""
    from npf_screen.cli.doctor_cmd import run_probes
    from npf_screen.sources.akshare_source import AkshareSource

    table = run_probes(AkshareSource())
    failed = table[~table["ok"] | table["columns"].str.startswith("differ")]
    assert failed.empty, failed.to_string()
