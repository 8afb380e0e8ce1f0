"""The fast paths give the same answers as the slow ones, and the first screen fits a terminal.

Snippets built vectorised equal the one-text builder; prepared texts, compiled rules and parsed
universes are reused only while their content is unchanged; the CLI overview stays within 100
columns and one screen.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import npf_screen as npf
from npf_screen.cli.main import main
from npf_screen.outputs.terminal import WIDTH, display_width
from npf_screen.screening.rule_cache import load_compiled_themes
from npf_screen.screening.snippets import snippet, snippets
from npf_screen.screening.texts import prepared_texts
from npf_screen.screening.universe_cache import load_universe_cached

from .helpers import THEME_HEADER, universe, write_rules


def test_vectorised_snippets_equal_the_one_text_builder() -> None:
    rng = random.Random(7)
    alphabet = "光刻机半导体设备AbC 12，。（）é×𠀀"  # 1-, 2-, 3- and 4-byte UTF-8
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(40)]
    joined = "\x00".join(texts)
    starts = np.cumsum([0, *[len(t) + 1 for t in texts[:-1]]])
    rows = []
    for i, text in enumerate(texts):
        for _ in range(5):
            if not text:
                rows.append((i, -1, 0))
                continue
            start = rng.randrange(len(text))
            rows.append((i, start, rng.randint(1, len(text) - start)))
    rows.append((3, -1, 2))  # a row pointing into no text
    which, start, length = (np.array(c) for c in zip(*rows, strict=True))
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.array([len(t) for t in texts])
    for context in (0, 3, 14):
        got = snippets(codes, starts[which], lengths[which], start, length, context).to_pylist()
        want = [snippet(texts[w], s, n, context) if s >= 0 else "" for w, s, n in rows]
        assert got == want


def test_prepared_texts_are_reused_only_while_the_text_is_unchanged() -> None:
    sample = npf.load_sample()
    first = prepared_texts(sample)
    assert prepared_texts(sample.copy()) is first  # same content, other frame
    changed = sample.copy()
    changed.loc[0, "main_business"] = "光刻机整机制造"
    again = prepared_texts(changed)
    assert again is not first and "光刻机整机制造" in again.display["main_business"][0]
    themes = npf.load_themes()
    result = npf.screen(changed, themes, theme_ids=["cp_lithography"])
    assert "【光刻机】整机制造" in "".join(result.evidence["snippet"])


def test_values_kept_with_the_texts_follow_codes_names_and_locations() -> None:
    sample = npf.load_sample()
    themes = npf.load_themes()
    before = npf.screen(sample, themes)
    row = before.candidates.iloc[0]
    at = int(np.flatnonzero(sample["code"].to_numpy() == row["code"])[0])
    changed = sample.copy()
    changed.loc[at, ["code", "province"]] = ["920999", "西藏"]  # texts and name unchanged
    after = npf.screen(changed, themes)
    assert prepared_texts(changed) is not prepared_texts(sample)
    mine = after.candidates[after.candidates["code"] == "920999"]
    assert len(mine) and set(mine["province"]) == {"西藏"}
    assert row["code"] not in set(after.scores["code"])
    assert after.text_coverage.loc[at, "code"] == "920999"


def _rule(term: str) -> str:
    head = THEME_HEADER.format(id="demo", line="emerging")
    return head + f'[[theme.keywords]]\nweight = 40\nterms = ["{term}"]\n'


def test_compiled_rules_come_back_from_disk_and_follow_edits(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, _rule("光刻机"), "mine.toml")
    cache = tmp_path / "cache"
    companies = universe(
        [{"code": "600001", "name": "甲", "main_business": "光刻机"}, {"code": "600002", "name": "乙"}]
    )
    first = load_compiled_themes(rules, cache_dir=cache)
    assert len(list(cache.glob("*.pickle"))) == 1
    again = load_compiled_themes(rules, cache_dir=cache)
    assert again.ids == first.ids and again is not first
    pd.testing.assert_frame_equal(
        npf.screen(companies, again).evidence, npf.screen(companies, first).evidence
    )
    rules.write_text(_rule("光刻胶"), encoding="utf-8")
    edited = load_compiled_themes(rules, cache_dir=cache)
    assert "光刻胶" in edited["demo"].keywords[0].terms
    assert len(list(cache.glob("*.pickle"))) == 2


def test_universe_files_come_back_from_disk_identical_and_follow_edits(tmp_path: Path) -> None:
    file = tmp_path / "companies.csv"
    npf.load_sample().to_csv(file, index=False)
    themes = npf.load_themes()
    first = load_universe_cached(file, cache_dir=tmp_path / "cache")
    again = load_universe_cached(file, cache_dir=tmp_path / "cache")
    pd.testing.assert_frame_equal(first, npf.load_universe(file))
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(npf.screen(again, themes).evidence, npf.screen(first, themes).evidence)
    frame = pd.read_csv(file, dtype=str)
    frame.loc[0, "name"] = "改名科技"
    frame.to_csv(file, index=False)
    assert load_universe_cached(file, cache_dir=tmp_path / "cache")["name"].iloc[0] == "改名科技"


def test_the_first_command_prints_one_screen_within_100_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--sample", "--top", "5"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) <= 45
    assert max(display_width(line) for line in out) <= WIDTH
    assert any("more themes: npf-screen screen --sample --line regional" in line for line in out)
    assert any("--theme" in line for line in out) and any("--full" in line for line in out)
    assert main(["screen", "--sample", "--theme", "cp_lithography"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert max(display_width(line) for line in table) <= WIDTH
    assert table[1].split()[:3] == ["cp_lithography", "1", "300331"]
    assert main(["screen", "--sample", "--line", "future"]) == 0
    assert "fu_quantum" in capsys.readouterr().out
    assert main(["screen", "--sample", "--top", "2", "--full"]) == 0
    assert "evidence_summary" in capsys.readouterr().out


def test_a_screen_without_candidates_says_why_instead_of_a_table_of_zeros(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A table with names only (no business text) qualifies nobody: the overview says how much
    text the universe had and where to look, in a few lines, not 112 rows of zeros."""
    table = tmp_path / "names_only.csv"
    table.write_text("code,name\n600000,浦发银行\n000001,平安银行\n", encoding="utf-8")
    assert main(["screen", "--universe", str(table)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2 companies × 112 themes: no candidates."
    assert "0 of 2 companies have business text" in out
    assert f"npf-screen explain CODE --universe {table}" in out
    assert len(out.splitlines()) <= 8
    assert all(display_width(row) <= WIDTH for row in out.splitlines() if "npf-screen" not in row)
