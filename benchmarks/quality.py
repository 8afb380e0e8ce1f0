"""Quality of the theme screen against Eastmoney concept boards, with a naive baseline and the
similarity signal measured in the same run.

Screens ``companies.csv`` (../shared/data/reference/) with the bundled rules and scores each theme
that has a fitting board (``MAPPING`` below) against ``labels_dev.csv``. The screen never reads the
labels; only this benchmark does. ``labels_dev.csv`` covers SH and SZ only, so every figure is on
the SH/SZ companies of the universe (BJ companies are screened but not evaluated; board members
that are not in the universe, e.g. delisted, are ignored).

Per theme, with the ranking = candidates by score (rank order of the screen):

- precision and recall of the candidate set;
- R-precision: precision of the top k, k = board size (fewer than k candidates count as misses);
- average precision over the ranked candidates (non-candidates are never retrieved);
- the same two over the full score ranking ("all": every company with points, also below min_score).

Compared in the same run:

- **baseline**: the theme's own keyword terms, ``str.contains`` over ``main_business``; any hit is a
  candidate, ranked by the number of distinct terms found;
- **+similarity (rerank)**: candidates re-ranked by ``score/100 + λ·similarity`` (similarity to the
  centroid of the theme's top-10 candidates, :func:`npf_screen.ml.similarity.theme_similarity`);
- **+similarity (expand)**: also non-candidates whose similarity reaches that of the theme's median
  candidate, ranked together by the same combined value (their score is 0).

- **+affinity**: :func:`npf_screen.ml.affinity.affinity_ranking`, the candidates by
  ``score / 100 + affinity`` followed by every other company by its learned affinity (a logistic
  regression trained on the screen's own candidates, cross-fitted); also the precision of its
  ``review`` head (the 20 best non-candidates per theme), against the board's base rate.

And, as a yardstick for what this data can support at all:

- **supervised reference**: the same features and model as the affinity, but fitted on the board
  itself (5-fold cross-validated, so every company is scored by a model that did not see its
  label). The screen never does this; it only shows how well *any* linear model on these texts and
  labels can recover each board. It is not a strict upper bound (a rule can know more than a model
  fitted on a few hundred noisy positives), but a screen that matches it has used what the data holds.

Revenue exposure (:mod:`npf_screen.screening.exposure`) cannot be measured here: the reference data has no
revenue composition.

    python benchmarks/quality.py [--reference companies.csv] [--labels labels_dev.csv]
                                 [--lambda 0.5] [--json PATH] [--diagnose]
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
from npf_screen.ml.affinity import affinity_ranking, cross_fit, feature_matrix
from npf_screen.ml.similarity import theme_similarity
from npf_screen.ml.text_features import text_index
from npf_screen.rules.model import normalize_term

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference" / "companies.csv"
EVALUATED_EXCHANGES = ("SH", "SZ")
REVIEW = 20  # non-candidates flagged for review per theme by the affinity ranking
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


def metrics(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    """Precision, recall, R-precision and average precision of one ranking against one board."""
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
    }


def screen_ranking(scores: pd.DataFrame, theme: str, evaluated: set[str]) -> pd.DataFrame:
    """The theme's candidates in rank order (SH/SZ only): code, score."""
    s = scores[(scores["theme"] == theme) & scores["qualified"] & scores["code"].isin(evaluated)]
    return s.sort_values("rank")[["code", "score"]].reset_index(drop=True)


def scored_ranking(scores: pd.DataFrame, theme: str, evaluated: set[str]) -> list[str]:
    """Every SH/SZ company with points for the theme, by score (candidates and those below min_score)."""
    s = scores[(scores["theme"] == theme) & (scores["score"] > 0) & scores["code"].isin(evaluated)]
    return s.sort_values(["score", "code"], ascending=[False, True])["code"].tolist()


def baseline_ranking(universe: pd.DataFrame, theme: npf.Theme, evaluated: set[str]) -> list[str]:
    """Naive: the theme's keyword terms with ``str.contains`` over main_business, by hit count."""
    text = universe["main_business"].fillna("").map(normalize_term)
    count = pd.Series(0, index=universe.index)
    for term in {normalize_term(t) for group in theme.keywords for t in group.terms}:
        count += text.str.contains(term, regex=False).astype("int64")
    frame = pd.DataFrame({"code": universe["code"], "hits": count})
    frame = frame[(frame["hits"] > 0) & frame["code"].isin(evaluated)]
    return frame.sort_values(["hits", "code"], ascending=[False, True])["code"].tolist()


def similarity_rankings(
    sims: pd.DataFrame, result: npf.ScreenResult, theme: str, evaluated: set[str], lam: float
) -> tuple[list[str], list[str], list[str]]:
    """(candidates re-ranked by score/100 + λ·similarity, the same with similar non-candidates
    added, those added non-candidates). ``sims`` is :func:`theme_similarity` indexed by code."""
    sim = sims["similarity"].fillna(0.0)
    cands = screen_ranking(result.scores, theme, evaluated)
    combined = cands["score"].to_numpy() / 100 + lam * sim.reindex(cands["code"]).to_numpy()
    rerank = cands.assign(v=combined).sort_values(["v", "code"], ascending=[False, True])["code"].tolist()
    all_cands = sims[sims["candidate"]]
    floor = all_cands["similarity"].median()
    extra = sims[~sims["candidate"] & (sims["similarity"] >= floor) & sims.index.isin(evaluated)]
    pool = pd.concat([cands.set_index("code")["score"], pd.Series(0.0, index=extra.index)])
    value = pool / 100 + lam * sim.reindex(pool.index).to_numpy()
    expand = value.reset_index().set_axis(["code", "v"], axis=1)
    expand = expand.sort_values(["v", "code"], ascending=[False, True])["code"].tolist()
    return rerank, expand, extra.index.tolist()


def supervised_reference(
    matrix: object, codes: np.ndarray, evaluated: np.ndarray, relevant: set[str]
) -> dict[str, float]:
    """R-precision and AP of the affinity's model fitted on the board itself (cross-validated)."""
    x, c = matrix[evaluated], codes[evaluated]  # type: ignore[index]
    p, _, _, _ = cross_fit(x, np.isin(c, list(relevant)).astype(int))
    if np.isnan(p).all():
        return metrics([], relevant)
    return metrics(c[np.lexsort((c, -p))].tolist(), relevant)


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


def coverage(result: npf.ScreenResult) -> dict[str, int]:
    """Companies without business text, and what the screen does with them."""
    u = result.universe
    no_text = ~u[list(TEXT_FIELDS)].notna().any(axis=1)
    with_candidate = set(result.candidates["code"])
    blind = u[no_text]
    evaluated = u["exchange"].isin(EVALUATED_EXCHANGES)
    return {
        "companies": len(u),
        "no_main_business": int(u["main_business"].isna().sum()),
        "no_business_text": int(no_text.sum()),
        "no_business_text_sh_sz": int((no_text & evaluated).sum()),
        "no_text_with_candidates": int(blind["code"].isin(with_candidate).sum()),
        "no_text_with_industry_or_concepts": int(
            (
                blind[[c for c in u.columns if c.startswith("industry_")] + ["concepts"]].notna().any(axis=1)
            ).sum()
        ),
        "no_text_with_concepts": int(blind["concepts"].notna().sum()),
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
    u = result.universe
    evaluated = set(u.loc[u["exchange"].isin(EVALUATED_EXCHANGES), "code"])
    boards = labels[labels["code"].isin(evaluated)].groupby("board")["code"].agg(set).to_dict()
    mapped = {t: b for t, b in MAPPING.items() if t in themes and b[0] in boards}
    blind = set(u.loc[~u[list(TEXT_FIELDS)].notna().any(axis=1), "code"])
    t0 = time.perf_counter()
    _ = text_index(u).tfidf  # fit once, timed apart
    fit_seconds = time.perf_counter() - t0
    rows = []
    affinity_seconds = 0.0
    matrix, _ = feature_matrix(result)
    codes = u["code"].to_numpy(dtype=object)
    evaluated_rows = np.flatnonzero(u["exchange"].isin(EVALUATED_EXCHANGES).to_numpy())
    lambdas = sorted({0.25, 0.5, 1.0, args.lam})
    for theme, (board, fit) in mapped.items():
        relevant = boards[board]
        sims = theme_similarity(result, theme, k=10).set_index("code")
        rerank, expand, added = similarity_rankings(sims, result, theme, evaluated, args.lam)
        row = {"theme": theme, "board": board, "fit": fit, "board_without_text": len(relevant & blind)}
        row["added"] = {
            "n": len(added),
            "tp": sum(c in relevant for c in added),
            "base_rate": len(relevant) / len(evaluated),
        }
        row["lambda_grid"] = {
            str(lam): {
                name: metrics(ranking, relevant)["ap"]
                for name, ranking in zip(
                    ("rerank", "expand"),
                    similarity_rankings(sims, result, theme, evaluated, lam)[:2],
                    strict=True,
                )
            }
            for lam in lambdas
        }
        row["screen"] = metrics(screen_ranking(result.scores, theme, evaluated)["code"].tolist(), relevant)
        row["scored"] = metrics(scored_ranking(result.scores, theme, evaluated), relevant)
        row["baseline"] = metrics(baseline_ranking(u, themes[theme], evaluated), relevant)
        t0 = time.perf_counter()
        ranking = affinity_ranking(result, theme, review=REVIEW, drivers=0)
        affinity_seconds += time.perf_counter() - t0
        ranking = ranking[ranking["code"].isin(evaluated)]
        row["affinity"] = metrics(ranking["code"].tolist(), relevant)
        head = ranking.loc[ranking["review"], "code"]
        row["review"] = {"n": len(head), "tp": int(head.isin(relevant).sum())}
        row["rerank"] = metrics(rerank, relevant)
        row["supervised"] = supervised_reference(matrix, codes, evaluated_rows, relevant)
        row["expand"] = metrics(expand, relevant)
        if args.diagnose:
            row["diagnosis"] = diagnose(result, theme, relevant, evaluated)
        rows.append(row)
    variants = ("screen", "scored", "baseline", "rerank", "expand", "affinity", "supervised")
    keys = ("precision", "recall", "r_precision", "ap")
    means = {v: {k: float(np.mean([r[v][k] for r in rows])) if rows else 0.0 for k in keys} for v in variants}
    grid = {
        lam: {
            v: float(np.mean([r["lambda_grid"][lam][v] for r in rows])) if rows else 0.0
            for v in ("rerank", "expand")
        }
        for lam in map(str, lambdas)
    }
    added_n = sum(r["added"]["n"] for r in rows)
    added_tp = sum(r["added"]["tp"] for r in rows)
    n_cands, no_evidence = evidence_check(result)
    return {
        "universe": str(args.reference),
        "evaluated_companies": len(evaluated),
        "themes_loaded": len(themes),
        "themes_mapped": len(rows),
        "unmapped_themes": [t for t in themes.ids if t not in mapped],
        "lambda": args.lam,
        "rows": rows,
        "means": means,
        "lambda_grid_mean_ap": grid,
        "added_by_similarity": {
            "n": added_n,
            "tp": added_tp,
            "precision": added_tp / added_n if added_n else 0.0,
            "mean_base_rate": float(np.mean([r["added"]["base_rate"] for r in rows])) if rows else 0.0,
        },
        "review": {
            "n": sum(r["review"]["n"] for r in rows),
            "tp": sum(r["review"]["tp"] for r in rows),
        },
        "coverage": coverage(result),
        "regional": regional_profile(result),
        "evidence": {"candidates": n_cands, "without_positive_evidence": no_evidence},
        "seconds": {
            "screen": round(screen_seconds, 2),
            "tfidf_fit": round(fit_seconds, 2),
            "affinity": round(affinity_seconds, 2),
            "total": round(time.perf_counter() - started, 2),
        },
    }


def report(out: dict) -> None:
    rows, means = out["rows"], out["means"]
    print(
        f"Quality vs Eastmoney concept boards (labels_dev.csv), {out['evaluated_companies']} SH/SZ companies "
        f"(BJ not labelled, not evaluated); {out['themes_mapped']} of {out['themes_loaded']} themes mapped.\n"
    )
    head = (
        f"{'theme':<24}{'board':<12}{'|B|':>5}{'|C|':>6}{'TP':>5}{'P':>6}{'R':>6}{'R-P':>6}{'AP':>6}"
        f" │ all {'R-P':>5}{'AP':>6} │ base {'R-P':>5}{'AP':>6} │ affinity {'R-P':>5}{'AP':>6}"
        f" │ expand {'P':>5}{'R':>6}{'R-P':>6}{'AP':>6}"
    )
    print(head)
    print("─" * len(head))
    for r in rows:
        s, a, b, rr, ex = r["screen"], r["scored"], r["baseline"], r["affinity"], r["expand"]
        print(
            f"{r['theme']:<24}{r['board']:<{12 - _wide(r['board'])}}{s['board']:>5}{s['candidates']:>6}"
            f"{s['tp']:>5}{s['precision']:>6.2f}{s['recall']:>6.2f}{s['r_precision']:>6.2f}{s['ap']:>6.2f}"
            f" │     {a['r_precision']:>5.2f}{a['ap']:>6.2f}"
            f" │      {b['r_precision']:>5.2f}{b['ap']:>6.2f}"
            f" │          {rr['r_precision']:>5.2f}{rr['ap']:>6.2f}"
            f" │        {ex['precision']:>5.2f}{ex['recall']:>6.2f}{ex['r_precision']:>6.2f}{ex['ap']:>6.2f}"
        )
    print("─" * len(head))
    m = means
    print(
        f"{'MEAN':<36}{'':>16}{m['screen']['precision']:>6.2f}{m['screen']['recall']:>6.2f}"
        f"{m['screen']['r_precision']:>6.2f}{m['screen']['ap']:>6.2f}"
        f" │     {m['scored']['r_precision']:>5.2f}{m['scored']['ap']:>6.2f}"
        f" │      {m['baseline']['r_precision']:>5.2f}{m['baseline']['ap']:>6.2f}"
        f" │          {m['affinity']['r_precision']:>5.2f}{m['affinity']['ap']:>6.2f}"
        f" │        {m['expand']['precision']:>5.2f}{m['expand']['recall']:>6.2f}"
        f"{m['expand']['r_precision']:>6.2f}{m['expand']['ap']:>6.2f}"
    )
    sr, sa = m["screen"]["r_precision"], m["screen"]["ap"]
    fr, fa = m["affinity"]["r_precision"], m["affinity"]["ap"]
    cr, ca = m["supervised"]["r_precision"], m["supervised"]["ap"]

    def verdict(r: float, a: float) -> str:
        return f"R-precision {r:.3f}, AP {a:.3f}: {'met' if r >= 0.6 and a >= 0.5 else 'NOT met'}"

    print(
        "\nTargets (mean R-precision >= 0.60 and mean AP >= 0.50):\n"
        f"  candidates (the rules' watchlist, ranked by score)       {verdict(sr, sa)}\n"
        f"  the screen's market ranking (candidates, then affinity) {verdict(fr, fa)}\n"
        f"  for scale, the supervised reference (fitted on the boards) R-precision {cr:.3f}, AP {ca:.3f}"
    )
    ar, aa = m["scored"]["r_precision"], m["scored"]["ap"]
    print(
        f"Full score ranking (every company with points, also below min_score): mean R-precision {ar:.3f}, "
        f"mean AP {aa:.3f}."
    )
    br, ba = m["baseline"]["r_precision"], m["baseline"]["ap"]
    print(f"Screen / naive baseline: R-precision ×{sr / br:.2f}, AP ×{sa / ba:.2f}." if br and ba else "")
    rv = out["review"]
    print(
        f"Learned affinity (candidates, then every other company by affinity): mean R-precision {fr:.3f} "
        f"({fr - sr:+.3f}), mean AP {fa:.3f} ({fa - sa:+.3f}); its review head ({REVIEW} best non-candidates "
        f"per theme): {rv['tp']} of {rv['n']} in their board (precision {rv['tp'] / max(rv['n'], 1):.2f})."
    )
    print(
        f"Supervised reference (the same features fitted on each board itself, cross-validated; never "
        f"used by the screen): mean R-precision {cr:.3f}, mean AP {ca:.3f}. What a linear model on these "
        "texts and labels recovers when it is shown the answers."
    )
    dr, da = m["rerank"]["r_precision"] - sr, m["rerank"]["ap"] - sa
    de = m["expand"]["ap"] - sa
    print(
        f"Similarity signal (λ = {out['lambda']}): rerank ΔR-P {dr:+.3f}, ΔAP {da:+.3f}; "
        f"expand ΔAP {de:+.3f}, Δprecision {m['expand']['precision'] - m['screen']['precision']:+.3f}, "
        f"Δrecall {m['expand']['recall'] - m['screen']['recall']:+.3f}."
    )
    a = out["added_by_similarity"]
    print(
        f"  expand added {a['n']} non-candidates, {a['tp']} in their board (precision {a['precision']:.2f}; "
        f"a random pick would hit {a['mean_base_rate']:.2f})."
    )
    grid = "; ".join(
        f"λ={lam}: rerank {v['rerank']:.3f}, expand {v['expand']:.3f}"
        for lam, v in out["lambda_grid_mean_ap"].items()
    )
    print(f"  mean AP by λ (screen {sa:.3f}): {grid}.")
    print("Revenue exposure: not measurable here (the reference data has no revenue composition).")
    c, ev = out["coverage"], out["evidence"]
    print(
        f"\nCoverage: {c['no_business_text']} of {c['companies']} companies have no business text "
        f"({c['no_main_business']} lack main_business; {c['no_business_text_sh_sz']} of the no-text ones are "
        f"SH/SZ). The screen scores them on name, industry and concept labels only "
        f"({c['no_text_with_industry_or_concepts']} have an industry or concept label, "
        f"{c['no_text_with_concepts']} concept labels); {c['no_text_with_candidates']} are candidates of "
        "some theme. Their text similarity is undefined (NaN), so similarity can neither add nor rank them."
    )
    share = np.mean([r["board_without_text"] / r["screen"]["board"] for r in rows]) if rows else 0.0
    print(
        f"On average {share:.0%} of a mapped board's SH/SZ members have no business text: only their name "
        "and industry labels can find them, which caps recall."
    )
    status = (
        "yes" if ev["without_positive_evidence"] == 0 else f"NO ({ev['without_positive_evidence']} without)"
    )
    print(f"Every positive carries evidence: {status} ({ev['candidates']} candidates checked).")
    g = out["regional"]
    print(
        f"\nRegional themes (no labels exist): {g['themes']} themes, {g['candidates']} candidates "
        f"(median {g['median_candidates_per_theme']:g} per theme), {g['located_in_region']} located in their "
        f"region and {g['via_text_naming_region']} elsewhere but naming it in their text; "
        f"{g['gated_out_elsewhere']} industry matches gated out for sitting elsewhere; "
        f"themes with no candidate: {', '.join(g['themes_without_candidates']) or 'none'}."
    )
    if any("diagnosis" in r for r in rows):
        print("\nDiagnosis (worst AP first):")
        for r in sorted(rows, key=lambda r: r["screen"]["ap"]):
            print(f"  {r['theme']:<24} AP {r['screen']['ap']:.2f}  [{r['fit']}]  {r['diagnosis']}")
    unmapped = [t for t in out["unmapped_themes"] if not t.startswith("rg_")]
    regional = len(out["unmapped_themes"]) - len(unmapped)
    print(
        f"\nNot measured: {', '.join(unmapped)} (no fitting board in labels_dev.csv), "
        f"and the {regional} regional themes (no regional industry boards)."
    )
    s = out["seconds"]
    print(
        f"Time: screen {s['screen']} s, TF-IDF fit {s['tfidf_fit']} s, affinity {s['affinity']} s "
        f"({out['themes_mapped']} themes), whole benchmark {s['total']} s."
    )


def _wide(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 0x2E80)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="companies.csv")
    parser.add_argument(
        "--labels", type=Path, default=None, help="labels_dev.csv (default: beside companies)"
    )
    parser.add_argument("--rules", type=Path, action="append", help="extra rule files, as in the CLI")
    parser.add_argument("--lambda", dest="lam", type=float, default=0.5, help="weight of similarity")
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
