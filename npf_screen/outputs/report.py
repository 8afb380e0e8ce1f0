"""A shareable report: one self-contained HTML file for a screen or a recorded run.

The file carries everything inline — stylesheet, charts as base64 PNG, the glyphs of the bundled
Chinese font that the page uses (a WOFF subset, :mod:`npf_screen.outputs.fonts`), a few lines of
script — and names no external resource (a Content-Security-Policy forbids any), so it opens offline in any
browser and can be mailed as it is. It holds the run metadata (date, npf-screen version, themes,
universe size, snapshot id, where the rules came from), a summary per theme, charts per investment
line (:mod:`npf_screen.outputs.charts`), and per theme its top candidates with the evidence behind them.

The page's script only reports on itself: it records script errors and images that failed to load
in ``data-errors`` / ``data-broken-images`` on ``<body>`` and sets ``data-ready="1"`` when loaded.

Examples
--------
>>> import npf_screen as npf
>>> from npf_screen.outputs.report import build_report
>>> page = build_report(npf.screen(npf.load_sample(), theme_ids=["cp_eda"]), charts=False)
>>> page.startswith("<!DOCTYPE html>") and "EDA" in page
True
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from npf_screen.outputs.display import LINE_LABELS, STYLE, escape, table_html
from npf_screen.outputs.fonts import FAMILY, font_face_css
from npf_screen.rules.model import LINES

__all__ = ["ReportData", "build_report", "from_result", "from_run", "rules_origin", "write_report"]

# The page's fonts: the reader's own first, then the embedded subset of the bundled Noto Sans SC
# (:mod:`npf_screen.outputs.fonts`) for every character they lack.
_FAMILIES = (
    'system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",'
    f'"{FAMILY}",sans-serif'
)
_CSP = (
    "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)
_HEAD_SCRIPT = """<script>
(function () {
  var errors = [];
  function note(text) {
    errors.push(text);
    if (document.body) { document.body.setAttribute("data-errors", errors.join(" | ")); }
  }
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && t.tagName) { note("failed to load " + t.tagName); }
    else { note(String(e.message || e)); }
  }, true);
  window.addEventListener("load", function () {
    var broken = 0, imgs = document.images;
    for (var i = 0; i < imgs.length; i++) {
      if (!imgs[i].complete || imgs[i].naturalWidth === 0) { broken++; }
    }
    document.body.setAttribute("data-images", String(imgs.length));
    document.body.setAttribute("data-broken-images", String(broken));
    if (errors.length) { document.body.setAttribute("data-errors", errors.join(" | ")); }
    document.body.dataset.ready = "1";
  });
})();
</script>"""
_PAGE_STYLE = """<style>
body{margin:0 auto;max-width:1180px;padding:18px 26px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:.2em 0 .1em} h2{font-size:18px;margin:1.6em 0 .4em;border-bottom:2px solid #d8dee4}
h3{font-size:15px;margin:1.3em 0 .2em} .npf p{margin:.3em 0}
.npf nav ul{margin:.2em 0;padding-left:1.2em;columns:3;column-gap:24px;font-size:12.5px}
.npf a{color:#0969da;text-decoration:none}
figure.chart{margin:.6em 0 1.2em} figure.chart img{max-width:100%;height:auto;border:1px solid #eaeef2}
figure.chart figcaption{color:#57606a;font-size:12px}
.npf section.theme{break-inside:avoid-page}
</style>"""


@dataclass
class ReportData:
    """What a report shows, from a :class:`~npf_screen.ScreenResult` or a recorded run.

    ``candidates`` has the columns of :attr:`ScreenResult.candidates`; ``themes`` is one row per
    theme (``theme, theme_name, line``) in display order; ``evidence`` (optional) the evidence rows;
    ``members`` (optional, runs) the members with ``since``; ``meta`` the run metadata, in order.
    """

    title: str
    candidates: pd.DataFrame
    themes: pd.DataFrame
    meta: list[tuple[str, str]]
    evidence: pd.DataFrame | None = None
    members: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    source: Any = None  # what the charts draw from: a ScreenResult or the candidates frame


def _version() -> str:
    from npf_screen.core.version import __version__

    return __version__


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def rules_origin(themes: Any) -> str:
    """Where the themes came from: ``bundled (a.toml, b.toml)`` and/or the paths of user files."""
    from npf_screen.rules.loader import bundled_rule_files

    bundled = {str(p.resolve()) for p in bundled_rule_files()}
    seen: dict[str, bool] = {}
    for theme in themes:
        if theme.origin:
            origin = str(Path(theme.origin).resolve())
            seen.setdefault(origin, origin in bundled)
    inside = sorted(Path(o).name for o, b in seen.items() if b)
    outside = sorted(o for o, b in seen.items() if not b)
    parts = [f"bundled ({', '.join(inside)})"] if inside else []
    return "; ".join(parts + outside) or "unknown"


def from_result(result: Any, title: str | None = None) -> ReportData:
    """The report data of a screen result (evidence included)."""
    frame = result.themes.to_frame()
    themes = frame.rename(columns={"id": "theme", "name": "theme_name"})[["theme", "theme_name", "line"]]
    counts = themes["line"].value_counts()
    by_line = ", ".join(f"{LINE_LABELS.get(k, k)} {v}" for k, v in counts.items())
    meta = [
        ("generated", _now()),
        ("npf-screen version", _version()),
        ("themes", f"{len(themes)} ({by_line})"),
        ("universe", f"{len(result.universe)} companies"),
        ("candidates", f"{len(result.candidates)} (company, theme) pairs"),
        ("snapshot", result.snapshot_id or "none (a table, not a snapshot)"),
        ("rules", rules_origin(result.themes)),
    ]
    return ReportData(
        title=title or "npf-screen report",
        candidates=result.candidates,
        themes=themes,
        meta=meta,
        evidence=result.evidence,
        source=result,
    )


def from_run(history: Any, run_id: str = "latest", title: str | None = None) -> ReportData:
    """The report data of a recorded run (:class:`npf_screen.runs.runner.RunHistory`): its members per theme.

    Runs keep candidates and members, not evidence rows: the report shows each member's evidence
    summary, and ``npf-screen explain`` gives the rows.
    """
    record = history.load(run_id)
    candidates = history.candidates(record.run_id)
    names = candidates.drop_duplicates("theme").set_index("theme")
    themes = pd.DataFrame({"theme": list(record.themes)})
    themes["theme_name"] = themes["theme"].map(names["theme_name"]).fillna(themes["theme"])
    themes["line"] = themes["theme"].map(names["line"]).fillna("")
    quality = ", ".join(x for x, on in (("STALE", record.stale), ("PARTIAL", record.partial)) if on)
    meta = [
        ("run", f"{record.screen} {record.run_id}" + (f" [{quality} data]" if quality else "")),
        ("run recorded", record.created_at),
        ("report generated", _now()),
        ("npf-screen version", _version()),
        ("themes", str(len(record.themes))),
        ("universe", f"{record.universe_size} companies, {record.screened_size} after filters"),
        ("members", f"{len(record.members)} (top {record.top} per theme, buffer {record.buffer:g})"),
        ("snapshot", record.snapshot_id),
        ("definition hash", record.definition_hash),
        ("history", str(history.root)),
    ]
    notes = [str(n) for n in record.notes]
    notes.append("Runs keep members and candidates, not evidence rows: `npf-screen explain CODE` gives them.")
    return ReportData(
        title=title or f"npf-screen run {record.screen} {record.run_id}",
        candidates=candidates,
        themes=themes,
        meta=meta,
        members=record.members,
        notes=notes,
        source=candidates,
    )


def _png(draw: Callable[[], Any]) -> str:
    """Draw one chart off screen and return it as a PNG data: URI."""
    from npf_screen.outputs import charts

    with charts.offscreen():
        ax = draw()
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=80)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _lines(data: ReportData) -> list[str]:
    present = [line for line in LINES if line in set(data.themes["line"])]
    return present + sorted(set(data.themes["line"]) - set(present) - {""})


def _charts(data: ReportData) -> list[tuple[str, str]]:
    from npf_screen.outputs import charts

    source, cands, out = data.source, data.candidates, []
    for line in _lines(data):
        ids = [t for t in data.themes.loc[data.themes["line"] == line, "theme"] if t in set(cands["theme"])]
        if not ids:
            continue
        label = f"{LINE_LABELS.get(line, line)} ({line})"
        out.append(
            (f"Score distribution — {label}", _png(lambda ids=ids: charts.score_distribution(source, ids)))
        )
        out.append(
            (f"Province × theme — {label}", _png(lambda line=line: charts.province_heatmap(source, line)))
        )
    non_regional = [
        t for t in data.themes.loc[data.themes["line"] != "regional", "theme"] if t in set(cands["theme"])
    ]
    if len(non_regional) > 1:
        out.append(
            (
                "Theme overlap (all lines but regional)",
                _png(lambda: charts.theme_overlap(source, non_regional[:40])),
            )
        )
    return out


def _theme_section(data: ReportData, theme: str, name: str, line: str, top: int) -> str:
    anchor = f"t-{theme}"
    label = escape(LINE_LABELS.get(line, line))
    parts = [
        f'<section class="theme" id="{escape(anchor)}"><h3>{escape(name)} '
        f'<span class="npf-muted">[{escape(theme)}] · {label}</span></h3>'
    ]
    if data.members is not None:
        rows = data.members[data.members["theme"] == theme].sort_values("rank")
        columns = ["rank", "code", "name", "score", "since", "evidence_summary"]
        n_all = int((data.candidates["theme"] == theme).sum())
        parts.append(f"<p>{len(rows)} members (of {n_all} candidates).</p>")
        parts.append(table_html(rows, columns=columns, max_rows=None))
        return "".join(parts) + "</section>"
    cands = data.candidates[data.candidates["theme"] == theme].sort_values("rank")
    best = cands[cands["rank"] <= top]
    parts.append(f"<p>{len(cands)} candidates; the best {len(best)}:</p>")
    columns = ["rank", "code", "name", "province", "score", "evidence_summary", "text_fields"]
    parts.append(table_html(best, columns=[c for c in columns if c in best.columns], max_rows=None))
    if data.evidence is not None and len(best):
        ev = data.evidence
        ev = ev[(ev["theme"] == theme) & ev["code"].isin(best["code"]) & (ev["points"] != 0)]
        order = {c: i for i, c in enumerate(best["code"])}
        ev = ev.assign(_o=ev["code"].map(order)).sort_values(["_o", "points"], ascending=[True, False])
        ev = ev.merge(best[["code", "name"]], on="code", how="left")
        columns = ["code", "name", "points", "field", "term", "kind", "note", "snippet"]
        parts.append(f"<details><summary>Evidence: {len(ev)} scoring rows of these candidates</summary>"
                     + table_html(ev, columns=columns, max_rows=None) + "</details>")  # fmt: skip
    return "".join(parts) + "</section>"


def build_report(result: Any, *, top: int = 10, title: str | None = None, charts: bool = True) -> str:
    """The HTML text of a report for a :class:`~npf_screen.ScreenResult` or :class:`ReportData`.

    Parameters
    ----------
    result : ScreenResult or ReportData
        What to report on (:func:`from_run` makes the data of a recorded run).
    top : int, default 10
        Candidates shown per theme (a run shows its members).
    title : str, optional
        The page title (default "npf-screen report").
    charts : bool, default True
        Include the charts (they need matplotlib and take most of the time and size).

    Returns
    -------
    str
        A complete HTML document.
    """
    data = result if isinstance(result, ReportData) else from_result(result, title)
    if title:
        data.title = title
    counts = data.candidates.groupby("theme").size()
    themes = data.themes.assign(candidates=data.themes["theme"].map(counts).fillna(0).astype("int64"))
    body = [f"<h1>{escape(data.title)}</h1>", '<table class="npf-table">']
    body += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in data.meta]
    body.append("</table>")
    body += [f'<p class="npf-muted">{escape(n)}</p>' for n in data.notes]
    body.append(_summary(data, themes))
    if charts:
        body.append("<h2>Charts</h2>")
        for caption, uri in _charts(data):
            body.append(f'<figure class="chart"><img src="{uri}" alt="{escape(caption)}">'
                        f"<figcaption>{escape(caption)}</figcaption></figure>")  # fmt: skip
    body.append("<h2>Top candidates per theme</h2>")
    with_cands = themes[themes["candidates"] > 0]
    for row in with_cands.itertuples(index=False):
        body.append(_theme_section(data, row.theme, row.theme_name, row.line, top))
    empty = themes[themes["candidates"] == 0]
    if len(empty):
        names = ", ".join(f"{n} [{t}]" for t, n in zip(empty["theme"], empty["theme_name"], strict=True))
        body.append(f'<p class="npf-muted">No candidates: {escape(names)}.</p>')
    font = font_face_css(data.title + "".join(body))
    font_style = f"<style>{font}.npf{{font-family:{_FAMILIES}}}</style>" if font else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(data.title)}</title>{STYLE}{_PAGE_STYLE}{font_style}{_HEAD_SCRIPT}</head>"
        f'<body class="npf">{"".join(body)}'
        f'<footer class="npf-muted"><p>npf-screen {escape(_version())}</p></footer></body></html>\n'
    )


def _summary(data: ReportData, themes: pd.DataFrame) -> str:
    parts = ["<h2>Summary</h2>", "<nav><ul>"]
    for row in themes[themes["candidates"] > 0].itertuples(index=False):
        parts.append(
            f'<li><a href="#t-{escape(row.theme)}">{escape(row.theme_name)}</a> ({row.candidates})</li>'
        )
    parts.append("</ul></nav>")
    cands = data.candidates
    best = cands[cands["rank"] == 1].drop_duplicates("theme").set_index("theme")
    frame = pd.DataFrame(
        {
            "theme": themes["theme"],
            "name": themes["theme_name"],
            "line": themes["line"].map(lambda x: LINE_LABELS.get(x, x)),
            "candidates": themes["candidates"],
            "top score": themes["theme"].map(best["score"]),
            "top company": themes["theme"].map(best["code"].astype(str) + " " + best["name"].astype(str)),
        }
    )
    parts.append(table_html(frame, max_rows=None))
    return "".join(parts)


def write_report(result: Any, path: str | Path, **options: Any) -> Path:
    """Build a report (see :func:`build_report` for ``options``) and write it atomically to ``path``."""
    from npf_screen.core.atomic import atomic_write_text

    return atomic_write_text(path, build_report(result, **options))
