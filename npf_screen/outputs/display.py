"""HTML renderings of results, explanations, themes and evidence, for Jupyter and the report.

Jupyter calls ``_repr_html_`` on :class:`~npf_screen.ScreenResult`, :class:`~npf_screen.Explanation`
and :class:`~npf_screen.ThemeSet`, which delegate here; the plain-text ``repr`` stays what a
terminal shows. Every piece of text is escaped with :func:`escape`; in evidence snippets the
matched term (written ``【term】`` in :attr:`ScreenResult.evidence`) becomes ``<mark>term</mark>``.

For any other frame of evidence or candidates, :func:`table` returns an :class:`HTML` string that
Jupyter displays as a compact table (snippets highlighted, points coloured by sign).

Examples
--------
>>> from npf_screen.outputs.display import highlight
>>> highlight("自主研制【光刻机】<PCB>")
'自主研制<mark>光刻机</mark>&lt;PCB&gt;'
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from npf_screen.core.html_repr import register_html
from npf_screen.rules.model import ThemeSet
from npf_screen.screening.explanation import Explanation
from npf_screen.screening.results import ScreenResult

__all__ = [
    "HTML",
    "LINE_LABELS",
    "STYLE",
    "escape",
    "explanation_html",
    "highlight",
    "result_html",
    "table",
    "table_html",
    "themes_html",
]

#: Chinese names of the investment lines, as the report names them.
LINE_LABELS: dict[str, str] = {
    "choke_point": "卡脖子",
    "regional": "因地制宜",
    "emerging": "新兴产业",
    "future": "未来产业",
}

#: The stylesheet every rendering carries; all rules are scoped to the ``npf`` class.
STYLE = """<style>
.npf{font-size:13px;line-height:1.45;
 font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
.npf .npf-head{font-weight:600;margin:.2em 0 .4em}
.npf .npf-muted,.npf .zero{color:#6e7781}
.npf table.npf-table{border-collapse:collapse;margin:.3em 0 .9em;font-size:12.5px}
.npf .npf-table caption{text-align:left;font-weight:600;padding:.2em 0}
.npf .npf-table th,.npf .npf-table td{padding:3px 8px;border-bottom:1px solid #d8dee4;
 text-align:left;vertical-align:top}
.npf .npf-table th{background:#f1f3f5;color:#24292f;font-weight:600;white-space:nowrap}
.npf .npf-table td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.npf .npf-table td.code{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}
.npf .npf-table td.nw{white-space:nowrap}
.npf mark{background:#ffe08a;color:#1f2328;padding:0 1px;border-radius:2px}
.npf .pos{color:#1a7f37}.npf .neg{color:#cf222e}
.npf .npf-verdict{margin:.8em 0 .2em;padding:3px 8px;border-left:4px solid #8c959f;background:#f6f8fa}
.npf .npf-verdict.ok{border-left-color:#1a7f37}
.npf .npf-verdict.no{border-left-color:#cf222e}
.npf details>summary{cursor:pointer;color:#57606a;margin:.2em 0}
</style>"""

_TERM = re.compile(r"【(.*?)】", re.DOTALL)
_NUMERIC_FORMATS = {"points": "{:+.2f}", "score": "{:g}", "top_score": "{:g}", "positive": "{:g}"}
_CODE_COLUMNS = frozenset({"code", "top_code", "theme", "id"})
_SNIPPET_COLUMNS = frozenset({"snippet", "example"})
_NOWRAP_COLUMNS = frozenset({"line", "field", "kind", "term", "province", "since", "name"})


class HTML(str):
    """A string of HTML that Jupyter displays as HTML (and a terminal prints as markup)."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


def escape(value: object) -> str:
    """Any value as HTML text, quotes included — the one escape of every display and the report.

    Examples
    --------
    >>> escape('<b title="x">光刻 & co</b>')
    '&lt;b title=&quot;x&quot;&gt;光刻 &amp; co&lt;/b&gt;'
    """
    return html.escape(str(value), quote=True)


def highlight(snippet: object) -> str:
    """Escape an evidence snippet and turn each ``【term】`` into ``<mark>term</mark>``.

    Examples
    --------
    >>> highlight("…无掩膜直写【光刻机】,用于…")
    '…无掩膜直写<mark>光刻机</mark>,用于…'
    >>> highlight(None)
    ''
    """
    if _missing(snippet):
        return ""
    return _TERM.sub(lambda m: f"<mark>{m.group(1)}</mark>", escape(snippet))


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _cell(column: str, value: object) -> str:
    """One ``<td>`` for ``value`` in ``column``."""
    if _missing(value):
        return '<td class="zero">–</td>'
    if column in _SNIPPET_COLUMNS:
        return f"<td>{highlight(value)}</td>"
    if isinstance(value, bool | np.bool_):
        return f"<td>{'✓' if value else '✗'}</td>"
    if isinstance(value, numbers.Real):
        text = _NUMERIC_FORMATS.get(column, "{}" if isinstance(value, numbers.Integral) else "{:g}").format(
            value
        )
        sign = ""
        if column == "points":
            sign = " pos" if value > 0 else " neg" if value < 0 else " zero"
        return f'<td class="num{sign}">{escape(text)}</td>'
    css = ' class="code"' if column in _CODE_COLUMNS else ' class="nw"' if column in _NOWRAP_COLUMNS else ""
    return f"<td{css}>{escape(value)}</td>"


def table_html(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    max_rows: int | None = 50,
    caption: str | None = None,
    index: bool = False,
) -> str:
    """Render a frame as a compact ``<table class="npf-table">`` (no stylesheet, no wrapper).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame; ``snippet`` and ``example`` columns are highlighted, ``points`` coloured by sign.
    columns : sequence of str, optional
        The columns to show, in order (default: all).
    max_rows : int or None, default 50
        Show at most this many rows, then a note of how many were left out.
    caption : str, optional
        A caption above the table.
    index : bool, default False
        Show the index as the first column.

    Returns
    -------
    str
    """
    shown = frame if columns is None else frame[list(columns)]
    if index:
        shown = shown.reset_index()
    rest = 0
    if max_rows is not None and len(shown) > max_rows:
        rest = len(shown) - max_rows
        shown = shown.head(max_rows)
    names = [str(c) for c in shown.columns]
    out = ['<table class="npf-table">']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{escape(c)}</th>" for c in names) + "</tr></thead><tbody>")
    for row in shown.itertuples(index=False, name=None):
        out.append("<tr>" + "".join(_cell(c, v) for c, v in zip(names, row, strict=True)) + "</tr>")
    if not len(shown):
        out.append(f'<tr><td class="zero" colspan="{max(len(names), 1)}">(no rows)</td></tr>')
    out.append("</tbody></table>")
    if rest:
        out.append(f'<div class="npf-muted">… {rest} more row{"s" * (rest != 1)} not shown</div>')
    return "".join(out)


def _wrap(body: str) -> HTML:
    return HTML(f'{STYLE}<div class="npf">{body}</div>')


def table(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    max_rows: int | None = 50,
    caption: str | None = None,
) -> HTML:
    """A frame as a styled HTML table that Jupyter displays (evidence snippets highlighted).

    Examples
    --------
    >>> import npf_screen as npf
    >>> from npf_screen.outputs.display import table
    >>> result = npf.screen(npf.load_sample(), theme_ids=["cp_eda"])
    >>> shown = table(result.evidence.head(3), columns=["code", "term", "points", "snippet"])
    >>> "<mark>" in shown
    True
    """
    return _wrap(table_html(frame, columns=columns, max_rows=max_rows, caption=caption))


def _top_names(candidates: pd.DataFrame, n: int) -> pd.Series:
    best = candidates[candidates["rank"] <= n].sort_values(["theme", "rank"])
    if best.empty:  # no candidates at all: every theme shows an empty cell
        return pd.Series(dtype=str)
    text = best["name"].astype(str) + " " + best["score"].map("{:g}".format)
    return text.groupby(best["theme"]).agg(" · ".join)


def result_html(result: ScreenResult, top: int = 3) -> HTML:
    """A screen result: its size, then one row per theme with counts and the best candidates.

    Parameters
    ----------
    result : ScreenResult
    top : int, default 3
        How many best candidates to name per theme.

    Returns
    -------
    HTML
    """
    summary = result.summary()
    frame = pd.DataFrame(
        {
            "theme": summary["theme"],
            "name": summary["theme_name"],
            "line": summary["line"].map(lambda x: LINE_LABELS.get(x, x)),
            "candidates": summary["candidates"],
            f"top {top}": summary["theme"].map(_top_names(result.candidates, top)),
        }
    )
    snapshot = f", snapshot {escape(result.snapshot_id)}" if result.snapshot_id else ""
    head = (
        f'<div class="npf-head">ScreenResult: {len(result.universe)} companies × {len(result.themes)} '
        f"themes → {len(result.candidates)} candidates{snapshot}</div>"
    )
    hint = (
        '<div class="npf-muted">result.top(10, theme="…") · result.explain(code) · result.evidence · '
        "result.dropped · result.summary()</div>"
    )
    return _wrap(head + table_html(frame, max_rows=200) + hint)


_EVIDENCE_SHOWN = ["points", "field", "term", "kind", "note", "snippet"]


def explanation_html(explanation: Explanation) -> HTML:
    """An explanation: per theme its verdict, then the evidence rows that add up to the score.

    Rows worth 0 points (a term already counted, a field or score cap reached) are folded away
    in a ``<details>`` element.

    Returns
    -------
    HTML
    """
    parts = [f'<div class="npf-head">{escape(explanation.code)} {escape(explanation.name)}</div>']
    fields = getattr(explanation, "text_fields", "") or "none (name and labels only)"
    parts.append(f'<div class="npf-muted">text: {escape(fields)}</div>')
    if explanation.verdicts.empty:
        parts.append('<div class="npf-muted">matched no theme: no rule of any theme found its text</div>')
    evidence = explanation.evidence
    for row in explanation.verdicts.itertuples(index=False):
        css = "ok" if row.qualified else "no"
        parts.append(
            f'<div class="npf-verdict {css}"><b>{escape(row.theme_name)}</b> '
            f'<span class="npf-muted">[{escape(row.theme)}]</span> — {escape(row.verdict)}</div>'
        )
        rows = evidence[evidence["theme"] == row.theme]
        counted, zero = rows[rows["points"] != 0], rows[rows["points"] == 0]
        if len(counted):
            parts.append(table_html(counted, columns=_EVIDENCE_SHOWN, max_rows=None))
        if len(zero):
            parts.append(
                f"<details><summary>{len(zero)} more matches worth 0 points "
                "(term counted in a better field, or a cap reached)</summary>"
                + table_html(zero, columns=_EVIDENCE_SHOWN, max_rows=None)
                + "</details>"
            )
    return _wrap("".join(parts))


def _origin_name(origin: str) -> str:
    return Path(origin).name if origin else ""


def themes_html(themes: ThemeSet | Iterable[Any]) -> HTML:
    """Loaded themes: id, name, line, number of terms, min_score, report section and rule file.

    Returns
    -------
    HTML
    """
    listed = list(themes)
    frame = pd.DataFrame(
        [
            {
                "id": t.id,
                "name": t.name,
                "line": LINE_LABELS.get(t.line, t.line),
                "terms": t.n_terms,
                "min_score": t.min_score,
                "source": t.source,
                "file": _origin_name(t.origin),
            }
            for t in listed
        ],
        columns=["id", "name", "line", "terms", "min_score", "source", "file"],
    )
    counts = pd.Series([t.line for t in listed], dtype="object").value_counts()
    by_line = ", ".join(f"{LINE_LABELS.get(k, k)} {v}" for k, v in counts.items())
    head = f'<div class="npf-head">ThemeSet: {len(listed)} themes ({escape(by_line)})</div>'
    return _wrap(head + table_html(frame, max_rows=300))


register_html(ScreenResult, result_html)
register_html(Explanation, explanation_html)
register_html(ThemeSet, themes_html)
