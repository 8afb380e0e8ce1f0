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


def test_a_canonical_frame_with_duplicate_codes_is_refused() -> None:
    """screen() on a frame already in canonical columns (e.g. two samples concatenated) used to skip
    the code checks a file gets, and listed each company twice."""
    import pandas as pd

    sample = npf.load_sample()
    with pytest.raises(npf.UniverseError, match="3 duplicate code"):
        npf.screen(pd.concat([sample.head(3), sample.head(3)]))


def test_themes_may_be_theme_objects_but_not_ids() -> None:
    """A list of Theme objects is screened as a ThemeSet; ids or other objects get a TypeError that
    says what to pass (it was "cannot create weak reference to 'list' object")."""
    themes = npf.load_themes()
    some = list(themes)[:2]
    assert npf.screen(npf.load_sample(), some).themes.ids == [t.id for t in some]
    for wrong in (["cp_eda"], "cp_eda", 5, []):
        with pytest.raises(TypeError, match="theme_ids="):
            npf.screen(npf.load_sample(), wrong)


def test_top_needs_a_positive_count(sample_result: npf.ScreenResult) -> None:
    for n in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="whole number"):
            sample_result.top(n)
    assert len(sample_result.top(1, theme="cp_eda")) == 1


@pytest.mark.parametrize("rows", [0, 2], ids=["empty universe", "names only"])
def test_a_screen_without_candidates_renders_expands_and_charts(rows: int) -> None:
    """No candidates at all (an empty table, or names without text or labels): the Jupyter HTML, the
    expansion and the charts used to fail (str + float, scikit-learn's normalize on a 0-column matrix,
    a heatmap of no rows); each now gives an empty but valid answer, without warnings."""
    import pandas as pd

    from npf_screen.outputs import charts

    table = pd.DataFrame({"code": ["600000", "000001"][:rows], "name": ["浦发银行", "平安银行"][:rows]})
    result = npf.screen(table)
    assert result.candidates.empty
    assert "<table" in result._repr_html_()
    expansion = npf.expand(result)
    assert expansion.ranking.empty and expansion.table().empty
    with charts.offscreen():
        for draw in (charts.score_distribution, charts.province_heatmap, charts.theme_overlap):
            assert draw(result) is not None
