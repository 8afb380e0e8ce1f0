"""Edge cases of the public objects found while reading the code (each failed before its fix)."""

from __future__ import annotations

import os
import stat
import threading

import pytest

import npf_screen as npf
from npf_screen.core import atomic


@pytest.fixture(scope="module")
def sample_result() -> npf.ScreenResult:
    return npf.screen(npf.load_sample(), npf.load_themes(), lines=["choke_point"])


def test_select_reads_generators_once() -> None:
    themes = npf.load_themes()
    by_list = themes.select(lines=["choke_point"])
    by_generator = themes.select(lines=(x for x in ["choke_point"]))
    assert len(by_list) > 0 and by_generator.ids == by_list.ids
    ids = by_list.ids[:2]
    assert themes.select(ids=iter(ids)).ids == ids


def test_duplicate_theme_ids_are_refused() -> None:
    theme = next(iter(npf.load_themes()))
    with pytest.raises(npf.RuleError, match=rf"theme '{theme.id}'.*appears twice"):
        npf.ThemeSet([theme, theme])


def test_explain_accepts_an_int_code_as_zero_padded(sample_result: npf.ScreenResult) -> None:
    code = sample_result.candidates["code"].iloc[0]
    by_text = sample_result.explain(code)
    by_int = sample_result.explain(int(code))
    assert not by_text.verdicts.empty
    assert by_int.code == code and by_int.verdicts.equals(by_text.verdicts)
    assert sample_result.themes_of(int(code)).equals(sample_result.themes_of(code))


@pytest.mark.parametrize("bad", [1.5, True, -1, 1_000_000, None])
def test_explain_refuses_what_is_not_a_code(sample_result: npf.ScreenResult, bad: object) -> None:
    with pytest.raises(npf.UnknownCompanyError, match=r"6-digit code|not in the screened universe"):
        sample_result.explain(bad)  # type: ignore[arg-type]


def test_atomic_writes_never_touch_the_process_umask(tmp_path, monkeypatch) -> None:
    """Setting the umask to read it races with threads creating files; the writer only reads it."""
    calls: list[int] = []
    real = os.umask
    monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or real(mask))
    paths = [tmp_path / f"f{i}.txt" for i in range(8)]
    threads = [threading.Thread(target=atomic.atomic_write_text, args=(path, "x")) for path in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == []
    current = real(0o022)
    real(current)
    assert {stat.S_IMODE(path.stat().st_mode) for path in paths} == {0o666 & ~current}
