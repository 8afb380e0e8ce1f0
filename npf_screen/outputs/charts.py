"""Charts of a screen (matplotlib): score distributions, province × theme, theme overlap, profiles.

Every function draws on ``ax`` when given (else on a new figure sized to the data) and returns
the :class:`~matplotlib.axes.Axes`, so you can restyle it: ``ax.set_title(...)``,
``ax.figure.savefig(...)``. Each accepts a :class:`~npf_screen.ScreenResult` or a frame of
candidates with its columns (``code, name, theme, score, rank, theme_name, province``), such as
the candidates a recorded run keeps.

Chinese labels
--------------
Theme names, company names and provinces are Chinese, and matplotlib's default font (DejaVu Sans)
has no CJK glyphs: they would render as empty boxes. Before drawing, :func:`use_cjk_font` puts the
first available font of :data:`CJK_FONTS` (Noto Sans CJK SC, then the Noto Sans SC that npf-screen
installs from the package index — :mod:`npf_screen.outputs.fonts` — then Source Han Sans,
WenQuanYi Zen Hei, SimHei, Microsoft YaHei, PingFang SC, …) at the head of
``rcParams["font.sans-serif"]``, with DejaVu Sans after it for any glyph it lacks. The bundled font
is registered with matplotlib at chart time, so a plain ``pip install`` draws Chinese; only when it
is missing too (an install without dependencies) does it warn once.

matplotlib itself is imported on first use, and a machine without a display gets the Agg backend.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import os
import re
import sys
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "CJK_FONTS",
    "cjk_font",
    "company_profile",
    "province_heatmap",
    "score_distribution",
    "short_name",
    "theme_overlap",
    "use_cjk_font",
]

#: CJK fonts tried in order: free ones first (Linux packages), then those macOS and Windows ship.
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Arial Unicode MS",
    # Other faces of the same collections: full Chinese coverage, regional glyph shapes.
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans",
)
#: File names of CJK fonts to register when matplotlib's font cache predates their installation.
_CJK_FILES = re.compile(
    r"(notosanscjk|notosanssc|sourcehansans|wqy-?(zenhei|microhei)|droidsansfallback|simhei|msyh|pingfang)",
    re.IGNORECASE,
)
_NO_FONT = (
    "no CJK font found for matplotlib (tried {tried}): Chinese labels will show as boxes. "
    "Reinstall npf-screen with its dependencies (`pip install pylopdf-fonts-zh-cn` brings Noto Sans SC), "
    "or install a system font, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu)."
)
_warned = False
#: Set by :func:`offscreen`: new charts get a plain Figure (no pyplot, never shown).
_OFFSCREEN: contextvars.ContextVar[bool] = contextvars.ContextVar("npf_charts_offscreen", default=False)


def _matplotlib() -> Any:
    """Import matplotlib, choosing Agg when there is no display and no backend was asked for."""
    import matplotlib

    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless and "MPLBACKEND" not in os.environ and "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    return matplotlib


@functools.cache
def cjk_font() -> str | None:
    """The first font of :data:`CJK_FONTS` that matplotlib can find, or ``None``."""
    from matplotlib import font_manager

    def first() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    found = first()
    if found is None:  # the font npf-screen installs from the package index
        from npf_screen.outputs.fonts import font_path

        bundled = font_path()
        if bundled is not None:
            with contextlib.suppress(Exception):
                font_manager.fontManager.addfont(str(bundled))
            found = first()
    if found is None:  # matplotlib caches its font list: register fonts installed since
        for path in font_manager.findSystemFonts():
            if _CJK_FILES.search(os.path.basename(path)):
                with contextlib.suppress(Exception):  # an unreadable font file is skipped
                    font_manager.fontManager.addfont(path)
        found = first()
    return found


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese text: put a CJK font first in ``font.sans-serif``.

    Called by every chart function; call it yourself before plotting Chinese text of your own.
    Warns once (``RuntimeWarning``) when no CJK font is installed.

    Returns
    -------
    str or None
        The font chosen.
    """
    global _warned
    mpl = _matplotlib()
    font = cjk_font()
    if font is None:
        if not _warned:
            _warned = True
            warnings.warn(
                _NO_FONT.format(tried=", ".join(CJK_FONTS[:6]) + ", …"), RuntimeWarning, stacklevel=3
            )
        return None
    current = [f for f in mpl.rcParams["font.sans-serif"] if f != font]
    mpl.rcParams["font.sans-serif"] = [font, *current]
    family = mpl.rcParams["font.family"]
    if list(family) != ["sans-serif"]:
        mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["axes.unicode_minus"] = False
    return font


@contextlib.contextmanager
def offscreen() -> Iterator[None]:
    """Within this block, charts drawn without ``ax`` go on plain Figures that pyplot never shows.

    For rendering to files (the report) from anywhere, Jupyter included, without pyplot state.
    """
    token = _OFFSCREEN.set(True)
    try:
        yield
    finally:
        _OFFSCREEN.reset(token)


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    use_cjk_font()
    if ax is not None:
        return ax
    if _OFFSCREEN.get():
        from matplotlib.figure import Figure

        return Figure(figsize=size, layout="constrained").subplots()
    _matplotlib()
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _nothing_to_draw(ax: Axes | None, title: str) -> Axes:
    """An empty chart that says so (a heatmap of no rows would warn or fail)."""
    ax = _axes(ax, (4.0, 2.0))
    ax.text(0.5, 0.5, "no candidates", ha="center", va="center", transform=ax.transAxes, color="#6e7781")
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def _candidates(result: Any) -> pd.DataFrame:
    frame = result.candidates if hasattr(result, "candidates") else result
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a ScreenResult or a DataFrame of candidates, not {type(result).__name__}")
    return frame


def short_name(name: str, width: int = 12) -> str:
    """A theme name cut before its parenthesis and to ``width`` characters, for axis labels.

    Examples
    --------
    >>> short_name("高端芯片（处理器/AI/存储/FPGA/射频/高端模拟）与先进制造")
    '高端芯片'
    """
    for mark in ("（", "("):
        if mark in name and name.index(mark) > 0:
            name = name[: name.index(mark)]
    return name if len(name) <= width else name[: width - 1] + "…"


def _theme_labels(cands: pd.DataFrame, ids: list[str]) -> list[str]:
    names = cands.drop_duplicates("theme").set_index("theme")["theme_name"] if len(cands) else {}
    return [short_name(str(names.get(t, t))) if t in names else t for t in ids]


def _theme_order(cands: pd.DataFrame, themes: Any) -> list[str]:
    present = list(dict.fromkeys(cands["theme"].tolist()))
    if themes is None:
        return present
    wanted = [themes] if isinstance(themes, str) else list(themes)
    missing = [t for t in wanted if t not in present]
    if missing:
        from npf_screen.core.errors import UnknownThemeError

        raise UnknownThemeError(f"no candidates for theme(s) {', '.join(map(repr, missing))} in this result")
    return wanted


def score_distribution(result: Any, themes: Any = None, ax: Axes | None = None) -> Axes:
    """Candidate scores per theme: a box per theme with every candidate as a dot, and the count.

    Parameters
    ----------
    result : ScreenResult or DataFrame
        A screen result, or its candidates.
    themes : str or list of str, optional
        Theme ids to show, in order (default: every theme with candidates).
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import npf_screen as npf
    >>> from npf_screen.outputs.charts import score_distribution
    >>> result = npf.screen(npf.load_sample(), lines=["choke_point"])
    >>> ax = score_distribution(result, themes=["cp_lithography", "cp_eda"])
    >>> len(ax.get_yticklabels())
    2
    """
    cands = _candidates(result)
    ids = _theme_order(cands, themes)
    ax = _axes(ax, (8.0, 1.0 + 0.42 * max(len(ids), 1)))
    data = [cands.loc[cands["theme"] == t, "score"].to_numpy(dtype=float) for t in ids]
    positions = np.arange(len(ids))[::-1]
    if ids:
        horizontal = (
            {"orientation": "horizontal"}  # matplotlib >= 3.10
            if "orientation" in inspect.signature(ax.boxplot).parameters
            else {"vert": False}
        )
        ax.boxplot(data, positions=positions, widths=0.55, showfliers=False, patch_artist=True,
                   boxprops={"facecolor": "#dbe9f6", "edgecolor": "#4a78a8"},
                   medianprops={"color": "#1f4e79"}, **horizontal)  # fmt: skip
        rng = np.random.default_rng(0)
        for pos, values in zip(positions, data, strict=True):
            jitter = rng.uniform(-0.18, 0.18, len(values))
            ax.scatter(values, pos + jitter, s=11, color="#c0392b", alpha=0.7, zorder=3, linewidths=0)
            ax.text(103, pos, f"{len(values)}", va="center", fontsize=8, color="#555555")
    ax.set_yticks(positions, _theme_labels(cands, ids))
    ax.set_xlim(0, 108)
    ax.set_xlabel("score (0–100); number of candidates at right")
    ax.set_title("Candidate scores per theme")
    ax.grid(axis="x", alpha=0.3)
    return ax


def _annotated_heatmap(ax: Axes, matrix: pd.DataFrame, cmap: str, label: str) -> None:
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, aspect="auto", vmin=0)
    top = values.max() if values.size else 0
    for (i, j), v in np.ndenumerate(values):
        if v:
            colour = "white" if v > 0.6 * top else "#222222"
            ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=7.5, color=colour)
    ax.set_yticks(range(len(matrix.index)), [str(x) for x in matrix.index])
    ax.set_xticks(range(len(matrix.columns)), [str(x) for x in matrix.columns], rotation=55, ha="right")
    ax.figure.colorbar(image, ax=ax, label=label, shrink=0.8)


def province_heatmap(result: Any, line: str | None = None, ax: Axes | None = None) -> Axes:
    """Number of candidates per province and theme; provinces by total, the longer side vertical.

    Parameters
    ----------
    result : ScreenResult or DataFrame
        A screen result, or its candidates (with ``province``; a result also knows each theme's line).
    line : str, optional
        Only themes of this line (``choke_point``, ``regional``, ``emerging``, ``future``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    cands = _candidates(result)
    if line is not None:
        if "line" not in cands.columns:
            raise ValueError("these candidates have no `line` column; pass a ScreenResult to filter by line")
        cands = cands[cands["line"] == line]
    if cands.empty:
        return _nothing_to_draw(ax, "Candidates by province × theme" + (f" ({line})" if line else ""))
    cands = cands.assign(province=cands["province"].astype("object").fillna("未知"))
    ids = list(dict.fromkeys(cands["theme"].tolist()))
    matrix = pd.crosstab(cands["province"], cands["theme"]).reindex(columns=ids, fill_value=0)
    matrix = matrix.loc[matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    matrix.columns = _theme_labels(cands, ids)
    if len(matrix.columns) > len(matrix.index):  # keep the long side vertical
        matrix = matrix.T
    rows, cols = matrix.shape
    ax = _axes(ax, (2.4 + 0.36 * max(cols, 4) + 0.1 * rows / max(cols, 1), 1.6 + 0.3 * max(rows, 4)))
    _annotated_heatmap(ax, matrix, "YlOrRd", "candidates")
    ax.set_title("Candidates by province × theme" + (f" ({line})" if line else ""))
    return ax


def theme_overlap(result: Any, themes: Any = None, ax: Axes | None = None, max_themes: int = 30) -> Axes:
    """How many companies qualify for both of two themes (diagonal: the theme's candidates).

    Parameters
    ----------
    result : ScreenResult or DataFrame
    themes : list of str, optional
        Theme ids (default: every theme with candidates, at most ``max_themes`` of them).
    ax : matplotlib Axes, optional
    max_themes : int, default 30
        Without ``themes``, keep only this many themes: those with the most candidates.

    Returns
    -------
    matplotlib.axes.Axes
    """
    cands = _candidates(result)
    ids = _theme_order(cands, themes)
    title = "Theme overlap: companies qualifying for both"
    if themes is None and len(ids) > max_themes:
        sizes = cands["theme"].value_counts()
        keep = set(sizes.sort_values(ascending=False, kind="stable").index[:max_themes])
        title += f" ({max_themes} of {len(ids)} themes, the largest)"
        ids = [t for t in ids if t in keep]
    if cands.empty or not ids:
        return _nothing_to_draw(ax, title)
    member = pd.crosstab(cands["code"], cands["theme"]).reindex(columns=ids, fill_value=0).clip(upper=1)
    matrix = member.T @ member
    labels = _theme_labels(cands, ids)
    matrix.index, matrix.columns = labels, labels
    ax = _axes(ax, (2.2 + 0.45 * max(len(ids), 4), 1.6 + 0.4 * max(len(ids), 4)))
    _annotated_heatmap(ax, matrix, "Blues", "companies in both")
    ax.set_title(title)
    return ax


def company_profile(result: Any, code: str, ax: Axes | None = None) -> Axes:
    """One company's score in every theme where it scored (qualified dark, below min_score hatched).

    Themes whose points were cancelled (region gate, veto, filter) are left out:
    ``result.explain(code)`` lists them with the reason.

    Parameters
    ----------
    result : ScreenResult or DataFrame
        A result (every theme with a score above 0) or candidates (qualified themes only).
    code : str
        6-digit stock code.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    UnknownCompanyError
        When ``code`` is not in the screened universe (a result) or not a candidate (a frame).
    """
    code = str(code)
    if hasattr(result, "scores"):
        result.explain(code)  # raises UnknownCompanyError
        scores = result.scores[result.scores["code"] == code]
        scores = scores[scores["score"] > 0]
        names = result.themes.to_frame().set_index("id")["name"]
        company = str(result.universe.loc[result.universe["code"] == code, "name"].iloc[0])
        rows = scores[["theme", "score", "qualified"]].assign(theme_name=scores["theme"].map(names))
    else:
        cands = _candidates(result)
        rows = cands[cands["code"].astype(str) == code]
        if rows.empty:
            from npf_screen.core.errors import UnknownCompanyError

            raise UnknownCompanyError(f"stock code {code!r} is not among these candidates")
        company = str(rows["name"].iloc[0])
        rows = rows.assign(qualified=True)
    rows = rows.sort_values("score", ascending=True, kind="stable")
    ax = _axes(ax, (7.5, 1.2 + 0.38 * max(len(rows), 2)))
    labels = [short_name(str(n), 16) for n in rows["theme_name"]]
    colours = ["#2e6da4" if q else "#d5dde5" for q in rows["qualified"]]
    bars = ax.barh(range(len(rows)), rows["score"], color=colours, edgecolor="#2e6da4")
    for bar, qualified in zip(bars, rows["qualified"], strict=True):
        if not qualified:
            bar.set_hatch("///")
    for i, score in enumerate(rows["score"]):
        ax.text(score + 1, i, f"{score:g}", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlim(0, 108)
    ax.set_xlabel("score (hatched: below the theme's min_score)")
    ax.set_title(f"{code} {company}: theme profile")
    ax.grid(axis="x", alpha=0.3)
    return ax
