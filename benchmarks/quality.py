"""Quality of the screen against Eastmoney concept boards, on themes nobody tuned.

Screens ``companies.csv`` (../shared/data/reference/) with the bundled rules, expands it
(:func:`npf_screen.expand`, the default ranking of notebooks and the CLI) and scores each theme that
has a fitting board (``MAPPING`` below) against ``labels_dev.csv``. The screen never reads the labels;
only this benchmark does. ``labels_dev.csv`` covers SH and SZ only, so every figure is on the SH/SZ
companies (BJ companies are screened but not evaluated; board members not in the universe are ignored).

**Protocol.** The mapped themes are split, by their position in ``MAPPING`` and fixed before any
result was seen, into **tuning** themes (positions i with i % 3 != 2) and **held-back** themes
(i % 3 == 2: :data:`HELD_BACK`). Rules, weights and models may be tuned on tuning themes only; the
held-back means are the headline. Per theme and as means of each set:

- **candidates**: precision and recall of the rule candidates;
- **ranking** (candidates by ``score / 100 + affinity``, then every eligible non-candidate by learned
  affinity; :meth:`npf_screen.ml.expansion.Expansion.market_ranking`): R-precision (precision of the
  top k, k = board size), average precision (AP) and precision of the top 20 (P@20);
- **baseline**: the theme's own keyword terms with ``str.contains`` over ``main_business``, ranked by
  the number of distinct terms found: precision, recall, R-precision, AP, P@20;
- **supervised reference**: the same features and model fitted on the board itself (5-fold
  cross-validated, never used by the screen): what a linear model on this data recovers when shown
  the answers — a yardstick, not a bound;
- **expanded heads**: the share of board members among the 10 / 20 / 50 best expanded companies
  (the default ``--expand`` is chosen from the tuning themes' figures), against the board's base rate.

Also: text coverage, positive evidence of every candidate, expanded companies without drivers,
regional candidates, and the time of the expansion for all themes.

    python benchmarks/quality.py [--reference companies.csv] [--labels labels_dev.csv]
                                 [--expand N] [--json PATH] [--diagnose]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import npf_screen as npf
from npf_screen.ml.affinity import cross_fit, feature_matrix
from npf_screen.ml.defaults import DEFAULT_EXPAND
from npf_screen.ml.expansion import expand
from npf_screen.rules.model import normalize_term

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference" / "companies.csv"
EVALUATED_EXCHANGES = ("SH", "SZ")
HEADS = (10, 20, 50)  # expanded-head sizes whose precision is reported
TOP = 20  # P@20
TEXT_FIELDS = ("main_business", "products", "business_scope", "summary_en")

#: theme id → (Eastmoney concept board in labels_dev.csv, how well the board fits the theme).
#: Chosen from board NAMES only. Themes without a fitting board (lithography, semiconductor
#: equipment and materials, advanced packaging, machine tools, aero engines, precision instruments,
#: biomanufacturing, quantum, the regional themes) are not measured.
MAPPING: dict[str, tuple[str, str]] = {
    "cp_eda": ("EDA概念", "close"),
    "cp_high_end_chips": ("国产芯片", "board is every domestic chip maker, also power/analog/packaging"),
    "cp_power_semiconductors": ("IGBT概念", "close; board includes IGBT users (inverters, EV parts)"),
    "cp_basic_software": ("信创", "board also has hardware, IT services and integrators"),
    "cp_robot_components": ("机器人概念", "board is every robot-related company, not only components"),
    "cp_large_aircraft": ("航天航空", "board mixes aviation with space"),
    "cp_advanced_materials": ("新材料", "very broad board"),
    "em_intelligent_nev": ("新能源车", "board is the whole NEV supply chain incl. batteries"),
    "em_hydrogen": ("氢能源", "close"),
    "em_new_materials": ("新材料", "very broad board"),
    "em_innovative_drugs": ("创新药", "close"),
    "em_commercial_aerospace": ("卫星互联网", "satellites only; rockets and launch are not in the board"),
    "em_low_altitude": ("低空经济", "close"),
    "em_ai_computing": ("算力概念", "close"),
    "em_data_economy": ("数据要素", "close"),
    "fu_humanoid_robots": ("人形机器人", "board includes component suppliers"),
    "fu_brain_computer": ("人脑工程", "close (Eastmoney's brain-science board)"),
    "fu_nuclear_fusion": ("可控核聚变", "close"),
    "fu_6g": ("6G概念", "close"),
    "fu_metaverse": ("元宇宙概念", "close"),
    "cp_industrial_software": ("工业互联", "partial: industrial-internet board, also networks and hardware"),
    "fu_life_sciences": ("基因测序", "partial: sequencing is one field of the theme"),
}


#: The held-back themes: positions i % 3 == 2 of MAPPING (fixed by the lead before any result).
HELD_BACK: tuple[str, ...] = tuple(t for i, t in enumerate(MAPPING) if i % 3 == 2)
SETS = ("tuning", "held_back")
KEYS = ("precision", "recall", "r_precision", "ap", "p_at_20")


def metrics(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    """Precision, recall, R-precision, average precision and P@20 of one ranking against one board."""
    hits = np.array([c in relevant for c in ranked], dtype=bool)
    k, n = len(relevant), len(ranked)
    tp = int(hits.sum())
    ap = float((np.cumsum(hits)[hits] / (np.flatnonzero(hits) + 1)).sum() / k) if k else 0.0
    return {
        "candidates": n,
        "board": k,
        "tp": tp,
        "precision": tp / n if n else 0.0,
        "recall": tp / k if k else 0.0,
        "r_precision": float(hits[:k].sum() / k) if k else 0.0,
        "ap": ap,
        "p_at_20": float(hits[:TOP].sum() / TOP),
    }


def screen_ranking(scores: pd.DataFrame, theme: str, evaluated: set[str]) -> pd.DataFrame:
    """The theme's candidates in rank order (SH/SZ only): code, score."""
    s = scores[(scores["theme"] == theme) & scores["qualified"] & scores["code"].isin(evaluated)]
    return s.sort_values("rank")[["code", "score"]].reset_index(drop=True)


def baseline_ranking(universe: pd.DataFrame, theme: npf.Theme, evaluated: set[str]) -> list[str]:
    """Naive: the theme's keyword terms with ``str.contains`` over main_business, by hit count."""
    text = universe["main_business"].fillna("").map(normalize_term)
    count = pd.Series(0, index=universe.index)
    for term in {normalize_term(t) for group in theme.keywords for t in group.terms}:
        count += text.str.contains(term, regex=False).astype("int64")
    frame = pd.DataFrame({"code": universe["code"], "hits": count})
    frame = frame[(frame["hits"] > 0) & frame["code"].isin(evaluated)]
    return frame.sort_values(["hits", "code"], ascending=[False, True])["code"].tolist()


def supervised_reference(
    matrix: object, codes: np.ndarray, evaluated: np.ndarray, relevant: set[str]
) -> dict[str, float]:
    """The affinity's model fitted on the board itself (5-fold cross-validated)."""
    x, c = matrix[evaluated], codes[evaluated]  # type: ignore[index]
    p, _, _, _ = cross_fit(x, np.isin(c, list(relevant)).astype(int))
    if np.isnan(p).all():
        return metrics([], relevant)
    return metrics(c[np.lexsort((c, -p))].tolist(), relevant)


def heads(ex: npf.Expansion, theme: str, relevant: set[str], evaluated: set[str]) -> dict[str, int]:
    """Board members among the best 10/20/50 expanded (eligible non-candidate) companies."""
    ranking = ex.market_ranking(theme)
    tail = ranking[~ranking["candidate"] & ranking["code"].isin(evaluated) & ranking["affinity"].notna()]
    out = {}
    for h in HEADS:
        out[str(h)] = int(tail["code"].head(h).isin(relevant).sum())
    return out


def regional_profile(result: npf.ScreenResult) -> dict[str, object]:
    """Regional themes have no labels; report how their candidates qualified instead.

    Per regional theme: candidates, and how many are located in the region versus qualify through
    business text that names it; plus themes with no candidate at all and the share of companies
    that matched a regional theme's industry but were gated out for being elsewhere.
    """
    regional = [t.id for t in result.themes if t.region is not None]
    c = result.candidates[result.candidates["theme"].isin(regional)]
    e = result.evidence[result.evidence["kind"] == "region"]
    by_text = set(
        zip(e.loc[e["field"] != "region", "code"], e.loc[e["field"] != "region", "theme"], strict=True)
    )
    pairs = list(zip(c["code"], c["theme"], strict=True))
    via_text = sum(p in by_text for p in pairs)
    counts = c.groupby("theme").size()
    dropped = result.dropped[result.dropped["theme"].isin(regional)]
    return {
        "themes": len(regional),
        "candidates": len(c),
        "located_in_region": len(c) - via_text,
        "via_text_naming_region": via_text,
        "themes_without_candidates": [t for t in regional if counts.get(t, 0) == 0],
        "median_candidates_per_theme": float(counts.reindex(regional, fill_value=0).median())
        if regional
        else 0.0,
        "gated_out_elsewhere": int(dropped["reason"].str.startswith("outside the region").sum()),
    }


def coverage(result: npf.ScreenResult) -> dict[str, object]:
    """Which business-text fields the companies had (``ScreenResult.text_coverage``)."""
    cov = result.text_coverage
    cands = set(result.candidates["code"])
    no_text = cov["n_text_fields"] == 0
    return {
        "companies": len(cov),
        "by_fields": {
            str(k): int(v) for k, v in cov["text_fields"].replace("", "(none)").value_counts().items()
        },
        "no_business_text": int(no_text.sum()),
        "no_text_with_candidates": int(cov.loc[no_text, "code"].isin(cands).sum()),
        "one_text_field": int((cov["n_text_fields"] == 1).sum()),
    }


def evidence_check(result: npf.ScreenResult) -> tuple[int, int]:
    """(candidates, candidates without a positive evidence row)."""
    e = result.evidence
    positive = set(zip(e.loc[e["points"] > 0, "code"], e.loc[e["points"] > 0, "theme"], strict=True))
    c = result.candidates
    missing = sum((code, theme) not in positive for code, theme in zip(c["code"], c["theme"], strict=True))
    return len(c), int(missing)


def diagnose(result: npf.ScreenResult, theme: str, relevant: set[str], evaluated: set[str]) -> str:
    """For the lead's review (not for tuning on membership): where the misses and false hits come from."""
    ranked = screen_ranking(result.scores, theme, evaluated)
    fp = set(ranked["code"]) - relevant
    e = result.evidence
    e = e[(e["theme"] == theme) & (e["points"] > 0) & e["code"].isin(fp)]
    terms = e.groupby("term")["code"].nunique().sort_values(ascending=False).head(5)
    u = result.universe.set_index("code")
    missed = relevant - set(ranked["code"])
    blind = int((~u.loc[sorted(missed), list(TEXT_FIELDS)].notna().any(axis=1)).sum()) if missed else 0
    top_fp = ", ".join(f"{t}×{n}" for t, n in terms.items())
    d = result.dropped
    d = d[(d["theme"] == theme) & d["code"].isin(evaluated)]
    dropped = (
        f"{len(d)} dropped by min_score/exclusions/filters ({int(d['code'].isin(relevant).sum())} in board)"
    )
    return (
        f"FP {len(fp)} (top terms: {top_fp}); missed {len(missed)} ({blind} without business text); {dropped}"
    )


def run(args: argparse.Namespace) -> dict[str, object]:
    started = time.perf_counter()
    universe = npf.load_universe(args.reference)
    themes = npf.load_themes(args.rules) if args.rules else npf.load_themes()
    labels = pd.read_csv(args.labels, dtype=str)
    t0 = time.perf_counter()
    result = npf.screen(universe, themes)
    screen_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex = expand(result, n=args.expand)
    expand_seconds = time.perf_counter() - t0
    u = result.universe
    evaluated = set(u.loc[u["exchange"].isin(EVALUATED_EXCHANGES), "code"])
    boards = labels[labels["code"].isin(evaluated)].groupby("board")["code"].agg(set).to_dict()
    mapped = {t: b for t, b in MAPPING.items() if t in themes and b[0] in boards}
    matrix, _ = feature_matrix(result)
    codes = u["code"].to_numpy(dtype=object)
    evaluated_rows = np.flatnonzero(u["exchange"].isin(EVALUATED_EXCHANGES).to_numpy())
    rows = []
    for theme, (board, fit) in mapped.items():
        relevant = boards[board]
        row: dict[str, object] = {"theme": theme, "board": board, "fit": fit}
        row["set"] = "held_back" if theme in HELD_BACK else "tuning"
        row["base_rate"] = len(relevant) / len(evaluated)
        row["screen"] = metrics(screen_ranking(result.scores, theme, evaluated)["code"].tolist(), relevant)
        ranking = ex.market_ranking(theme)
        row["ranking"] = metrics(ranking.loc[ranking["code"].isin(evaluated), "code"].tolist(), relevant)
        row["baseline"] = metrics(baseline_ranking(u, themes[theme], evaluated), relevant)
        row["supervised"] = supervised_reference(matrix, codes, evaluated_rows, relevant)
        row["heads"] = heads(ex, theme, relevant, evaluated)
        if args.diagnose:
            row["diagnosis"] = diagnose(result, theme, relevant, evaluated)
        rows.append(row)
    variants = ("screen", "ranking", "baseline", "supervised")
    means: dict[str, dict[str, dict[str, float]]] = {}
    for name in SETS:
        part = [r for r in rows if r["set"] == name]
        means[name] = {
            v: {k: float(np.mean([r[v][k] for r in part])) if part else 0.0 for k in KEYS} for v in variants
        }
        means[name]["heads"] = {
            h: float(np.mean([r["heads"][h] / int(h) for r in part])) if part else 0.0
            for h in map(str, HEADS)
        }
        means[name]["heads"]["base_rate"] = float(np.mean([r["base_rate"] for r in part])) if part else 0.0
    n_cands, no_evidence = evidence_check(result)
    e = ex.expanded
    fitted = len(ex.models)
    return {
        "universe": str(args.reference),
        "evaluated_companies": len(evaluated),
        "themes_loaded": len(themes),
        "themes_mapped": len(rows),
        "held_back": list(HELD_BACK),
        "unmapped_themes": [t for t in themes.ids if t not in mapped],
        "expand": args.expand,
        "rows": rows,
        "means": means,
        "coverage": coverage(result),
        "regional": regional_profile(result),
        "evidence": {"candidates": n_cands, "without_positive_evidence": no_evidence},
        "judged": _judged(result),
        "expanded": {
            "themes_fitted": fitted,
            "companies": len(e),
            "without_drivers": int((e["drivers"] == "").sum()),
            "with_rule_score": int((e["score"] != 0).sum()),
        },
        "seconds": {
            "screen": round(screen_seconds, 2),
            "expand_all_themes": round(expand_seconds, 2),
            "expand_per_fitted_theme": round(expand_seconds / max(fitted, 1), 3),
            "total": round(time.perf_counter() - started, 2),
        },
    }


def _line(label: str, m: dict[str, dict[str, float]], width: int) -> str:
    s, r, b, c = m["screen"], m["ranking"], m["baseline"], m["supervised"]
    return (
        f"{label:<{width}}{s['precision']:>6.2f}{s['recall']:>6.2f}"
        f" │ {r['r_precision']:>5.2f}{r['ap']:>6.2f}{r['p_at_20']:>6.2f}"
        f" │ {b['precision']:>5.2f}{b['recall']:>6.2f}"
        f"{b['r_precision']:>6.2f}{b['ap']:>6.2f}{b['p_at_20']:>6.2f}"
        f" │ {c['r_precision']:>5.2f}{c['ap']:>6.2f}{c['p_at_20']:>6.2f}"
    )


def report(out: dict) -> None:
    rows, means = out["rows"], out["means"]
    print(
        f"Quality vs Eastmoney concept boards (labels_dev.csv), {out['evaluated_companies']} SH/SZ companies "
        f"(BJ not labelled); {out['themes_mapped']} of {out['themes_loaded']} themes mapped; "
        f"expansion n = {out['expand']} per theme.\n"
        "candidates = the rules' candidates; ranking = candidates, then the expansion by learned affinity; "
        "baseline = naive str.contains; supervised = fitted on the board itself (yardstick).\n"
    )
    width = 38
    head = (
        f"{'theme':<24}{'board':<10}{'|B|':>4}{'P':>6}{'R':>6} │ {'R-P':>5}{'AP':>6}{'P@20':>6}"
        f" │ {'P':>5}{'R':>6}{'R-P':>6}{'AP':>6}{'P@20':>6} │ {'R-P':>5}{'AP':>6}{'P@20':>6}"
    )
    title = f"{'':<{width}}{'candidates':>12} │ {'ranking':^17} │ {'baseline':^29} │ {'supervised':^17}"
    for name, label in (("held_back", "HELD-BACK themes (headline)"), ("tuning", "TUNING themes")):
        print(f"{label}\n{title}\n{head}\n" + "─" * len(head))
        for r in (r for r in rows if r["set"] == name):
            b = r["board"]
            cell = f"{r['theme']:<24}{b:<{10 - _wide(b)}}{r['screen']['board']:>4}"
            parts = {k: r[k] for k in ("screen", "ranking", "baseline", "supervised")}
            print(cell + _line("", parts, 0))
        print("─" * len(head))
        print(_line("MEAN", means[name], width) + "\n")
    h = means["held_back"]
    r, s = h["ranking"], h["screen"]

    def verdict(value: float, target: float) -> str:
        return f"{value:.3f} ({'met' if value >= target else 'NOT met'}, target {target})"

    print(
        "Targets on the held-back themes (means):\n"
        f"  ranking: R-precision {verdict(r['r_precision'], 0.50)}, AP {verdict(r['ap'], 0.45)}, "
        f"P@20 {verdict(r['p_at_20'], 0.80)}\n"
        f"  candidates: precision {verdict(s['precision'], 0.60)}, recall {verdict(s['recall'], 0.45)}\n"
        f"  for scale, the supervised reference: R-precision {h['supervised']['r_precision']:.3f}, "
        f"AP {h['supervised']['ap']:.3f}, P@20 {h['supervised']['p_at_20']:.3f}"
    )
    for name in SETS:
        hd = means[name]["heads"]
        heads_text = ", ".join(f"best {k}: {hd[k]:.2f}" for k in map(str, HEADS))
        print(
            f"Expanded heads ({name}): share of board members among the {heads_text} "
            f"(base rate {hd['base_rate']:.3f})."
        )
    ev, xp = out["evidence"], out["expanded"]
    status = (
        "yes" if ev["without_positive_evidence"] == 0 else f"NO ({ev['without_positive_evidence']} without)"
    )
    print(
        f"\nEvery candidate carries positive evidence: {status} ({ev['candidates']} checked). "
        f"Expansion: {xp['themes_fitted']} themes fitted, {xp['companies']} companies expanded, "
        f"{xp['without_drivers']} without named drivers, {xp['with_rule_score']} with a rule score."
    )
    c = out["coverage"]
    fields = "; ".join(f"{k}: {v}" for k, v in c["by_fields"].items())
    print(
        f"Text coverage of {c['companies']} companies: {fields}. No business text: {c['no_business_text']} "
        f"({c['no_text_with_candidates']} of them candidates)."
    )
    g = out["regional"]
    print(
        f"Regional themes (no labels exist): {g['themes']} themes, {g['candidates']} candidates "
        f"(median {g['median_candidates_per_theme']:g} per theme), {g['located_in_region']} located in their "
        f"region and {g['via_text_naming_region']} elsewhere but naming it in their text; "
        f"themes with no candidate: {', '.join(g['themes_without_candidates']) or 'none'}."
    )
    if any("diagnosis" in r for r in rows):
        print("\nDiagnosis (worst ranking AP first):")
        for r in sorted(rows, key=lambda r: r["ranking"]["ap"]):
            print(
                f"  {r['theme']:<24} AP {r['ranking']['ap']:.2f} [{r['set']}; {r['fit']}]  {r['diagnosis']}"
            )
    if out.get("judged"):
        print("\nAnalyst verdicts (benchmarks/judged.py; set A held back, set B tuned):")
        print(_judged_module().report(out["judged"]))
    unmapped = [t for t in out["unmapped_themes"] if not t.startswith("rg_")]
    print(f"\nNot measured: {', '.join(unmapped)} (no fitting board), and the regional themes.")
    s = out["seconds"]
    print(
        f"Time: screen {s['screen']} s, expansion of all {xp['themes_fitted']} fitted themes "
        f"{s['expand_all_themes']} s ({s['expand_per_fitted_theme']} s per theme), "
        f"whole benchmark {s['total']} s."
    )


def _judged_module():
    """``benchmarks/judged.py`` (analyst verdicts), loaded by path: this file also runs as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("judged_benchmark", Path(__file__).with_name("judged.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _judged(result: npf.ScreenResult) -> dict[str, object]:
    """core@10, core@30, no@30 per judged theme (``benchmarks/judged.py``); empty without verdicts."""
    judged = _judged_module()
    if not judged.DEFAULT_VERDICTS.is_file():
        return {}
    return judged.judged_figures(result, judged.load_verdicts())


def _wide(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 0x2E80)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="companies.csv")
    parser.add_argument(
        "--labels", type=Path, default=None, help="labels_dev.csv (default: beside companies)"
    )
    parser.add_argument("--rules", type=Path, action="append", help="extra rule files, as in the CLI")
    parser.add_argument(
        "--expand", type=int, default=DEFAULT_EXPAND, help=f"expanded companies per theme ({DEFAULT_EXPAND})"
    )
    parser.add_argument("--json", type=Path, help="save every figure to this JSON file")
    parser.add_argument("--diagnose", action="store_true", help="print false-positive terms and misses")
    args = parser.parse_args(argv)
    args.labels = args.labels or args.reference.with_name("labels_dev.csv")
    for path in (args.reference, args.labels):
        if not path.is_file():
            print(f"{path}: not found (put ../shared/data/reference beside the clone)", file=sys.stderr)
            return 2
    out = run(args)
    report(out)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
