"""What ``npf-screen screen`` prints in a terminal: short, at most 100 columns, Chinese-width aware.

Three levels, each one option away from the next:

- :func:`overview` (no ``--theme``/``--line``): per investment line, the themes with the most
  candidates and their best names, "N more themes", and how to drill in;
- :func:`line_overview` (``--line``): one row per theme of the chosen lines;
- :func:`candidate_table` (``--theme``, or ``--full`` for every theme): the candidates themselves.

Chinese characters take two terminal columns (:func:`display_width`); cells are cut with "…" to fit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import pandas as pd

from npf_screen.universe.schema import BUSINESS_TEXT_FIELDS

__all__ = ["WIDTH", "candidate_table", "display_width", "fit", "line_overview", "overview"]

#: The widest line printed.
WIDTH = 100
_LINES = ("choke_point", "emerging", "future", "regional")
_LINE_NAMES = {"choke_point": "卡脖子", "emerging": "新兴产业", "future": "未来产业", "regional": "因地制宜"}


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (wide and full-width characters count two).

    Examples
    --------
    >>> display_width("光刻机 EUV")
    10
    """
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, width: int, *, right: bool = False) -> str:
    """``text`` cut to ``width`` columns (ending in "…" when cut) and padded to exactly ``width``.

    Examples
    --------
    >>> fit("苏大维格", 7) + "|"
    '苏大维…|'
    >>> fit("42", 4, right=True)
    '  42'
    """
    text = str(text)
    if display_width(text) > width:
        out, used = [], 0
        for char in text:
            w = display_width(char)
            if used + w > width - 1:
                break
            out.append(char)
            used += w
        text = "".join(out) + "…"
    pad = " " * max(0, width - display_width(text))
    return pad + text if right else text + pad


def _best_names(candidates: pd.DataFrame, n: int = 4) -> dict[str, str]:
    """Per theme, its ``n`` best candidates' names, space-separated."""
    best = candidates[candidates["rank"] <= n].sort_values(["theme", "rank"], kind="stable")
    names: dict[str, list[str]] = {}
    for theme, name in zip(best["theme"].tolist(), best["name"].tolist(), strict=True):
        names.setdefault(theme, []).append(str(name))
    return {theme: " ".join(found) for theme, found in names.items()}


def _theme_rows(themes: Sequence[object], counts: dict[str, int], names: dict[str, str]) -> list[str]:
    rows = []
    for t in themes:
        count, shown = int(counts.get(t.id, 0)), names.get(t.id, "")  # type: ignore[attr-defined]
        row = f"  {fit(t.id, 28)} {fit(t.name, 16)} {count:>4}  {shown}"  # type: ignore[attr-defined]
        rows.append(fit(row, WIDTH).rstrip())
    return rows


def overview(result: object, *, source: str, per_line: int = 5) -> str:
    """Per investment line: the ``per_line`` themes with most candidates, their best names, and hints.

    ``source`` is how the command named its universe (``--sample``, ``--universe PATH`` …), reused
    in the hints.
    """
    candidates = result.candidates  # type: ignore[attr-defined]
    themes = list(result.themes)  # type: ignore[attr-defined]
    universe = result.universe  # type: ignore[attr-defined]
    if not len(candidates):
        return _no_candidates(result, source)
    counts = candidates.groupby("theme").size()
    per_theme, names = counts.to_dict(), _best_names(candidates)
    out = [
        f"{len(universe)} companies × {len(themes)} themes: {len(candidates)} candidates "
        f"({candidates['code'].nunique()} companies) in {int((counts > 0).sum())} themes.",
        "",
        f"  {fit('theme', 28)} {fit('name', 16)} {'cand':>4}  best candidates",
    ]
    for line in [*_LINES, *sorted({t.line for t in themes} - set(_LINES))]:
        members = [t for t in themes if t.line == line]
        if not members:
            continue
        n = int(counts.reindex([t.id for t in members]).fillna(0).sum())
        out.append(f"{line} ({_LINE_NAMES.get(line, line)}): {len(members)} themes, {n} candidates")
        shown = sorted(members, key=lambda t: -int(counts.get(t.id, 0)))[:per_line]
        out.extend(_theme_rows(shown, per_theme, names))
        if len(members) > len(shown):
            out.append(
                f"  … {len(members) - len(shown)} more themes: npf-screen screen {source} --line {line}"
            )
    example = next(iter(counts.sort_values(ascending=False).index), themes[0].id if themes else "ID")
    out += [
        "",
        f"one theme:   npf-screen screen {source} --theme {example}",
        f"why:         npf-screen explain CODE {source} --theme {example}",
        f"everything:  npf-screen screen {source} --full   (or --format csv -o candidates.csv)",
    ]
    return "\n".join(map(_shown, out)) + "\n"


def _shown(row: str) -> str:
    """A printed row: cut to :data:`WIDTH`, except a command hint, which must stay whole to be copied."""
    return row.rstrip() if "npf-screen " in row else fit(row, WIDTH).rstrip()


def _no_candidates(result: object, source: str) -> str:
    """What to say instead of a table of zeros: how much business text the universe had."""
    universe, themes = result.universe, list(result.themes)  # type: ignore[attr-defined]
    with_text = int((result.text_coverage["n_text_fields"] > 0).sum())  # type: ignore[attr-defined]
    out = [
        f"{len(universe)} companies × {len(themes)} themes: no candidates.",
        f"{with_text} of {len(universe)} companies have business text ({', '.join(BUSINESS_TEXT_FIELDS)});",
        "the rules read those texts, the names, and the industry and concept labels.",
        "",
        f"why a company did not qualify:  npf-screen explain CODE {source}",
        "the themes and their terms:     npf-screen themes",
    ]
    return "\n".join(map(_shown, out)) + "\n"


def line_overview(result: object, lines: Sequence[str], *, source: str) -> str:
    """One row per theme of ``lines``: id, name, number of candidates, best names."""
    candidates = result.candidates  # type: ignore[attr-defined]
    per_theme, names = candidates["theme"].value_counts().to_dict(), _best_names(candidates)
    out = [f"  {fit('theme', 28)} {fit('name', 16)} {'cand':>4}  best candidates"]
    for line in lines:
        members = [t for t in result.themes if t.line == line]  # type: ignore[attr-defined]
        out.append(f"{line} ({_LINE_NAMES.get(line, line)}): {len(members)} themes")
        out.extend(_theme_rows(members, per_theme, names))
    out += ["", f"one theme:   npf-screen screen {source} --theme ID"]
    return "\n".join(out) + "\n"


def candidate_table(frame: pd.DataFrame, *, more: int = 0, hint: str = "") -> str:
    """Candidates as rows of at most :data:`WIDTH` columns: theme, rank, code, name, score, province,
    and as much of the evidence summary as fits; ``more`` rows left out are counted at the end.

    Rows of the learned expansion (``expanded`` true) show ``+`` for the rank, their affinity for
    the score and the words behind it (``drivers``) for the evidence."""
    if frame.empty:
        return "(no candidates)\n"
    head = (
        f"{fit('theme', 24)} {'rank':>4} {fit('code', 6)} {fit('name', 10)} {'score':>5} "
        f"{fit('prov', 6)} evidence"
    )
    rows = [head]
    for r in frame.itertuples(index=False):
        province = r.province if isinstance(r.province, str) else ""
        if getattr(r, "expanded", False) is True:
            rank, score, why = (
                "+",
                f"{getattr(r, 'affinity', 0.0):.2f}",
                f"affinity: {getattr(r, 'drivers', '')}",
            )
        else:
            rank, score, why = str(r.rank), f"{r.score:g}", r.evidence_summary
        row = (
            f"{fit(r.theme, 24)} {rank:>4} {fit(r.code, 6)} {fit(r.name, 10)} {score:>5} "
            f"{fit(province, 6)} {why}"
        )
        rows.append(fit(row, WIDTH).rstrip())
    if more:
        rows.append(f"… {more} more rows{': ' + hint if hint else ''}")
    return "\n".join(rows) + "\n"
