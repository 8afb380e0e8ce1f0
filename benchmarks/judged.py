"""Judged benchmark: how many of each theme's top companies an analyst calls "core".

Blind reviewers (who never saw scores, ranks or evidence: packets list the companies by stock code)
judged the top 40 of 16 themes as ``core`` (a meaningful part of the business is in the theme),
``peripheral`` (a real but minor or indirect link) or ``no``, from the company texts and public
knowledge. Their verdicts, with a one-line reason in their own words, are in
``benchmarks/judged/verdicts.csv`` (code, theme, verdict, reason).

Two sets of eight themes:

- **A** (the project's own themes) is held back: its verdicts are only ever read as the aggregate
  figures below, never to write rules;
- **B** (the eight themes of issue 16, with its error classes) is the set rules may be tuned on.

Per theme, on the screen's candidates in rank order: ``core@10`` and ``core@30`` (share of the top
10 / top 30 judged core), ``no@30`` (share judged no), ``listed`` (candidates in the top 30; a
theme with fewer candidates is measured on those) and ``unjudged`` (companies of the top 30 that no
reviewer has judged yet: they count as neither core nor no, so a change that brings in new
companies must have them judged before its figures mean much).

    python benchmarks/judged.py [--reference companies.csv] [--verdicts verdicts.csv] [--json PATH]
                                [--unjudged]

``judged_figures(result)`` is the function the quality benchmark calls on a screen it already ran.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

import npf_screen as npf

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference" / "companies.csv"
DEFAULT_VERDICTS = ROOT / "benchmarks" / "judged" / "verdicts.csv"
VERDICTS = ("core", "peripheral", "no")
#: set name → themes; A is held back (aggregates only), B may be tuned on.
SETS: dict[str, tuple[str, ...]] = {
    "A": (
        "cp_semiconductor_equipment", "cp_semiconductor_materials", "cp_aero_engines",
        "cp_precision_instruments", "em_hydrogen", "em_low_altitude", "fu_nuclear_fusion",
        "fu_humanoid_robots",
    ),
    "B": (
        "cp_lithography", "cp_robot_components", "em_commercial_aerospace", "em_biomanufacturing",
        "cp_machine_tools", "cp_large_aircraft", "cp_advanced_packaging", "fu_quantum",
    ),
}  # fmt: skip
TOP = 30


def load_verdicts(path: Path = DEFAULT_VERDICTS) -> pd.DataFrame:
    """The verdicts table (code, theme, verdict, reason); raises ``ValueError`` naming a bad row."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"code", "theme", "verdict", "reason"} - set(table.columns)
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {sorted(missing)}; expected code, theme, verdict, reason"
        )
    bad = table[~table["verdict"].isin(VERDICTS)]
    if len(bad):
        row = bad.iloc[0]
        raise ValueError(
            f"{path}: line {bad.index[0] + 2}: verdict {row['verdict']!r} for {row['code']} / {row['theme']} "
            f"is not one of {', '.join(VERDICTS)}"
        )
    dupes = table[table.duplicated(["code", "theme"])]
    if len(dupes):
        row = dupes.iloc[0]
        raise ValueError(f"{path}: {row['code']} / {row['theme']} is judged twice; keep one verdict")
    return table


def theme_figures(ranked: list[str], verdicts: dict[str, str]) -> dict[str, float]:
    """core@10, core@30, no@30, listed and unjudged of one ranked list of codes (best first)."""
    top = [verdicts.get(code, "?") for code in ranked[:TOP]]
    head = top[:10]
    return {
        "core@10": sum(v == "core" for v in head) / len(head) if head else 0.0,
        "core@30": sum(v == "core" for v in top) / len(top) if top else 0.0,
        "no@30": sum(v == "no" for v in top) / len(top) if top else 0.0,
        "listed": len(top),
        "unjudged": top.count("?"),
    }


def judged_figures(result: npf.ScreenResult, verdicts: pd.DataFrame | None = None) -> dict[str, object]:
    """Per set: per-theme figures, their mean, and the unjudged (theme, code) pairs of the top 30."""
    verdicts = load_verdicts() if verdicts is None else verdicts
    out: dict[str, object] = {}
    for name, themes in SETS.items():
        rows, unjudged = {}, []
        for theme in themes:
            if theme not in result.themes:
                continue
            ranked = result.top(TOP, theme=theme)["code"].tolist()
            judged = verdicts[verdicts["theme"] == theme]
            known = dict(zip(judged["code"], judged["verdict"], strict=True))
            rows[theme] = theme_figures(ranked, known)
            unjudged += [(theme, code) for code in ranked if code not in known]
        frame = pd.DataFrame(rows).T
        mean = frame.mean().to_dict() if len(frame) else {}
        out[name] = {"themes": rows, "mean": mean, "unjudged": unjudged}
    return out


def report(figures: dict[str, object]) -> str:
    """The judged table as text, one block per set."""
    lines = []
    for name, block in figures.items():
        if not block["themes"]:  # type: ignore[index]
            continue
        held = "held back: aggregates only" if name == "A" else "tuning set"
        lines.append(f"judged set {name} ({held})")
        lines.append(
            f"{'theme':28s} {'core@10':>8s} {'core@30':>8s} {'no@30':>7s} {'listed':>7s} {'unjudged':>9s}"
        )
        rows = dict(block["themes"])  # type: ignore[index]
        rows["mean"] = block["mean"]  # type: ignore[index]
        for theme, f in rows.items():
            lines.append(
                f"{theme:28s} {f['core@10']:8.2f} {f['core@30']:8.2f} {f['no@30']:7.2f} "
                f"{f['listed']:7.1f} {f['unjudged']:9.1f}"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="companies.csv")
    parser.add_argument("--verdicts", type=Path, default=DEFAULT_VERDICTS, help="verdicts.csv")
    parser.add_argument("--json", type=Path, help="save the figures to this JSON file")
    parser.add_argument("--unjudged", action="store_true", help="list the unjudged (theme, code) pairs")
    args = parser.parse_args(argv)
    if not args.reference.exists():
        print(f"reference data not found: {args.reference}", file=sys.stderr)
        return 2
    try:
        verdicts = load_verdicts(args.verdicts)
    except (OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    result = npf.screen(npf.load_universe(args.reference))
    figures = judged_figures(result, verdicts)
    print(report(figures))
    if args.unjudged:
        for name, block in figures.items():
            for theme, code in block["unjudged"]:  # type: ignore[index]
                print(f"unjudged {name} {theme} {code}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
