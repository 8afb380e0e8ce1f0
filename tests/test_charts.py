"""Charts: each returns its Axes, draws on a given Axes, and renders Chinese without missing glyphs."""

from __future__ import annotations

import re
import warnings

import pytest

import npf_screen as npf
from npf_screen.outputs import charts

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

THEMES = ["cp_lithography", "cp_semiconductor_equipment", "cp_eda", "rg_cq_vehicles", "rg_gx_autos"]


@pytest.fixture(scope="module")
def result() -> npf.ScreenResult:
    return npf.screen(npf.load_sample(), theme_ids=THEMES)


def _ax() -> Axes:
    return Figure(figsize=(6, 4)).subplots()


def _texts(ax: Axes) -> str:
    return " ".join(t.get_text() for t in ax.figure.findobj(lambda a: hasattr(a, "get_text")))


def test_score_distribution_one_row_per_theme(result: npf.ScreenResult) -> None:
    with charts.offscreen():
        ax = charts.score_distribution(result)
    assert isinstance(ax, Axes)
    assert ax.get_yticklabels()[0].get_text() == "光刻机及光刻工艺链"
    assert len(ax.get_yticklabels()) == result.candidates["theme"].nunique()
    given = _ax()
    assert charts.score_distribution(result, themes="cp_eda", ax=given) is given
    with pytest.raises(npf.UnknownThemeError):
        charts.score_distribution(result, themes=["cp_nothing"], ax=_ax())


def test_province_heatmap_counts_candidates(result: npf.ScreenResult) -> None:
    ax = charts.province_heatmap(result, ax=_ax())
    cells = [t.get_text() for t in ax.texts]
    assert sum(int(c) for c in cells) == len(result.candidates)
    regional = charts.province_heatmap(result, line="regional", ax=_ax())
    labels = {t.get_text() for t in regional.get_yticklabels()} | {
        t.get_text() for t in regional.get_xticklabels()
    }
    assert "重庆" in labels
    assert "(regional)" in regional.get_title()


def test_theme_overlap_is_symmetric_with_sizes_on_the_diagonal(result: npf.ScreenResult) -> None:
    ax = charts.theme_overlap(result, themes=["cp_lithography", "cp_semiconductor_equipment"], ax=_ax())
    image = ax.images[0].get_array()
    sizes = result.candidates["theme"].value_counts()
    assert image[0, 0] == sizes["cp_lithography"] and image[1, 1] == sizes["cp_semiconductor_equipment"]
    assert image[0, 1] == image[1, 0]
    limited = charts.theme_overlap(result, ax=_ax(), max_themes=2)
    assert len(limited.get_yticklabels()) == 2 and "2 of" in limited.get_title()


def test_company_profile_from_result_and_from_candidates(result: npf.ScreenResult) -> None:
    code = result.top(1, theme="cp_lithography")["code"].iloc[0]
    ax = charts.company_profile(result, code, ax=_ax())
    assert code in ax.get_title() and len(ax.patches) >= 1
    from_frame = charts.company_profile(result.candidates, code, ax=_ax())
    assert len(from_frame.patches) == len(result.themes_of(code))
    with pytest.raises(npf.UnknownCompanyError):
        charts.company_profile(result, "999999", ax=_ax())
    with pytest.raises(TypeError):
        charts.company_profile(42, code, ax=_ax())


def test_offscreen_charts_leave_pyplot_alone(result: npf.ScreenResult) -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    with charts.offscreen():
        ax = charts.theme_overlap(result)
    assert plt.get_fignums() == before and ax.figure.get_size_inches()[0] > 2
    ax = charts.score_distribution(result)  # without offscreen: a pyplot figure (shown in Jupyter)
    assert ax.figure.number in plt.get_fignums()
    plt.close(ax.figure)


def test_warns_once_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    monkeypatch.setattr(charts, "_warned", False)
    with pytest.warns(RuntimeWarning, match="pylopdf-fonts-zh-cn") as record:
        assert charts.use_cjk_font() is None
        charts.use_cjk_font()
    assert len([w for w in record if issubclass(w.category, RuntimeWarning)]) == 1


def test_finds_cjk_fonts_installed_after_matplotlib_cached_its_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    if charts.cjk_font() is None:
        pytest.skip("no CJK font installed")
    manager = font_manager.fontManager
    kept = [f for f in manager.ttflist if f.name not in charts.CJK_FONTS]
    monkeypatch.setattr(manager, "ttflist", kept)
    charts.cjk_font.cache_clear()
    try:
        assert charts.cjk_font() in charts.CJK_FONTS
    finally:
        charts.cjk_font.cache_clear()


def test_chinese_labels_render_without_missing_glyphs(result: npf.ScreenResult) -> None:
    font = charts.cjk_font()
    assert font is not None, "no CJK font, not even the bundled Noto Sans SC (pylopdf-fonts-zh-cn)"
    code = result.top(1, theme="cp_lithography")["code"].iloc[0]
    with charts.offscreen():
        axes = [
            charts.score_distribution(result),
            charts.province_heatmap(result),
            charts.theme_overlap(result),
            charts.company_profile(result, code),
        ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for ax in axes:
            ax.figure.canvas.draw()
    missing = [
        str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert not missing, missing
    assert matplotlib.rcParams["font.sans-serif"][0] == font
    assert "光刻" in _texts(axes[0])


def test_the_bundled_font_draws_chinese_on_a_machine_without_cjk_fonts(
    monkeypatch: pytest.MonkeyPatch, result: npf.ScreenResult
) -> None:
    """With every system CJK font hidden, the font installed from the package index is registered."""
    from matplotlib import font_manager

    from npf_screen.outputs.fonts import font_path

    assert font_path() is not None, "pylopdf-fonts-zh-cn (a dependency) is not installed"
    manager = font_manager.fontManager
    cjk = re.compile(r"cjk|han ?sans|wenquan|wqy|droid|yahei|simhei|pingfang|noto sans sc", re.IGNORECASE)
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if not cjk.search(f.name + f.fname)])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    monkeypatch.setitem(matplotlib.rcParams, "font.sans-serif", list(matplotlib.rcParams["font.sans-serif"]))
    charts.cjk_font.cache_clear()
    try:
        assert charts.cjk_font() == "Noto Sans SC"
        with charts.offscreen():
            ax = charts.province_heatmap(result)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ax.figure.canvas.draw()
        assert not [str(w.message) for w in caught if "Glyph" in str(w.message)]
        used = {str(font_manager.findfont(t.get_fontproperties())) for t in ax.get_yticklabels()}
        assert used == {str(font_path())}
    finally:
        charts.cjk_font.cache_clear()
