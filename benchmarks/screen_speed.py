"""Speed and memory of a full screen, against a naive pandas baseline measured in the same run.

Full reference universe (../shared/data/reference/companies.csv, 5,524 companies) × all bundled
themes. Prints: warm screen time (median of repeats), with and without evidence snippets; peak
Python memory of one screen; the naive baseline (``Series.str.contains`` per keyword × field, the same
rules and caps) and the ratio; cold-start time of ``npf-screen screen --sample`` in a fresh process.

Targets (2-core machine): ratio >= 30, warm full screen <= 0.3 s, cold sample screen < 2 s.

    python benchmarks/screen_speed.py [--repeats 7] [--reference PATH]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

import npf_screen as npf
from npf_screen.rules.model import normalize_term

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference" / "companies.csv"


def naive_screen(universe: pd.DataFrame, themes: npf.ThemeSet) -> pd.DataFrame:
    """The obvious implementation: one ``str.contains`` per (theme, term, field), then the caps."""
    industry = universe[[c for c in universe.columns if c.startswith("industry_")]].fillna("")
    texts = {
        f: universe[f].fillna("").str.lower()
        for f in ("name", "main_business", "products", "business_scope", "summary_en", "concepts")
    }
    texts["industry"] = industry.agg(" / ".join, axis=1).str.lower()
    out = {}
    for theme in themes:
        per_field: dict[str, np.ndarray] = {}
        best_term: dict[str, np.ndarray] = {}
        for group in theme.keywords:
            for term in group.terms:
                key = normalize_term(term)
                for field in group.fields:
                    hit = texts[field].str.contains(key, regex=False).to_numpy()
                    pts = np.where(hit, group.weight * theme.field_weight(field), 0.0)
                    best_term[key] = np.maximum(best_term.get(key, 0.0), pts)
                    per_field[field] = per_field.get(field, 0.0) + pts
        total = sum(np.minimum(v, theme.max_per_field) for v in per_field.values()) if per_field else 0.0
        for label in theme.industries:
            total = total + np.where(industry.eq(label).any(axis=1), theme.industry_weight, 0.0)
        out[theme.id] = np.minimum(total, 100.0)
    return pd.DataFrame(out, index=universe["code"])


def timed(fn, repeats: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def cold_sample_screen(repeats: int = 3) -> tuple[float, bool]:
    probe = (
        "import sys, time; t = time.perf_counter(); from npf_screen.cli.main import main;"
        "import io, contextlib; buf = io.StringIO();"
        "contextlib.redirect_stdout(buf).__enter__(); rc = main(['screen', '--sample', '--top', '5']);"
        "sys.stderr.write(f'{rc} {\"akshare\" in sys.modules}')"
    )
    times, akshare_loaded = [], False
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        rc, loaded = done.stderr.split()[-2:]
        assert rc == "0", done.stderr
        akshare_loaded |= loaded == "True"
    return statistics.median(times), akshare_loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    args = parser.parse_args()
    if not args.reference.is_file():
        sys.exit(f"reference data not found at {args.reference}; pass --reference PATH")

    universe = npf.load_universe(args.reference)
    themes = npf.load_themes()
    n_terms = sum(t.n_terms for t in themes)
    npf.screen(universe, themes)  # warm: imports, compiled rules

    warm, result = timed(lambda: npf.screen(universe, themes).candidates, args.repeats)
    warm_evidence, _ = timed(lambda: npf.screen(universe, themes).evidence, args.repeats)
    tracemalloc.start()
    evidence = npf.screen(universe, themes).evidence
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    naive, naive_scores = timed(lambda: naive_screen(universe, themes), 1)
    cold, akshare_loaded = cold_sample_screen()

    ratio = naive / warm
    print(f"universe: {len(universe)} companies × {len(themes)} themes ({n_terms} terms and labels)")
    print(
        f"candidates: {len(result)}; naive baseline pairs with points: {(naive_scores.to_numpy() > 0).sum()}"
    )
    print(f"warm screen (scores + candidates), median of {args.repeats}: {warm * 1000:.0f} ms")
    print(f"warm screen incl. evidence snippets: {warm_evidence * 1000:.0f} ms")
    print(f"evidence rows: {len(evidence)}")
    print(f"peak Python memory of one screen (tracemalloc): {peak / 2**20:.1f} MiB")
    print(f"naive baseline (str.contains per keyword × field): {naive:.2f} s")
    print(f"ratio naive / warm: {ratio:.1f}x  (target >= 30x: {'PASS' if ratio >= 30 else 'FAIL'})")
    print(f"warm target <= 0.3 s: {'PASS' if warm <= 0.3 else 'FAIL'}")
    print(
        f"cold `npf-screen screen --sample`: {cold:.2f} s (target < 2 s: {'PASS' if cold < 2 else 'FAIL'}); "
        f"akshare imported: {akshare_loaded}"
    )


if __name__ == "__main__":
    main()
