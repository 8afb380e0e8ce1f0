"""Speed of the learned expansion for every theme, against the old per-theme affinity in the same run.

Full reference universe (../shared/data/reference/companies.csv) × all bundled themes.

- **new**: :func:`npf_screen.expand` on every theme — one shared feature matrix (words, character
  n-grams, English words, labels), liblinear's dual solver, 2 cross-fitting folds, BLAS pinned to
  one thread (threadpoolctl). Timed cold (the feature matrix built inside the timing) and warm.
- **old** (the approach this replaced): per theme, the feature matrix assembled again and 5 folds
  of lbfgs logistic regression with the BLAS threading left at its default. It takes minutes for all
  themes, so it runs on ``--old-themes`` themes (the first fitted ones, default 8), once as it was
  and once with BLAS pinned to one thread, and its time per theme is compared with the new one.

Targets (this 2-core machine): every theme ≤ 10 s, ≤ 0.5 s per theme.

    python benchmarks/affinity_speed.py [--reference PATH] [--old-themes 8]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

import npf_screen as npf
from npf_screen.ml.expansion import expand
from npf_screen.ml.text_features import clear_cache, text_index

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference" / "companies.csv"


def old_theme_affinity(result: npf.ScreenResult, theme: str) -> np.ndarray:
    """The replaced approach: matrix assembled per call, 5-fold lbfgs, default BLAS threading."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    index = text_index(result.universe)
    matrix = sparse.hstack([index.tfidf[0], index.labels[0]], format="csr")
    c = result.candidates
    y = result.universe["code"].isin(c.loc[c["theme"] == theme, "code"]).to_numpy().astype(int)
    out = np.full(len(y), np.nan)
    k = min(5, int(y.sum()), int(len(y) - y.sum()))
    for train, test in StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
        model.fit(matrix[train], y[train])
        out[test] = model.predict_proba(matrix[test])[:, 1]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--old-themes", type=int, default=8, help="themes timed with the old approach")
    args = parser.parse_args(argv)
    if not args.reference.is_file():
        print(f"{args.reference}: not found (put ../shared/data/reference beside the clone)", file=sys.stderr)
        return 2
    result = npf.screen(npf.load_universe(args.reference))
    clear_cache()
    t0, c0 = time.perf_counter(), time.process_time()
    ex = expand(result)
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    ex = expand(result)
    warm, warm_cpu = time.perf_counter() - t0, time.process_time() - c0
    fitted = list(ex.models)
    t0 = time.perf_counter()
    one = expand(result, theme_ids=[fitted[0]])
    single = time.perf_counter() - t0
    assert fitted[0] in one.models
    old_ids = fitted[: args.old_themes]
    _ = text_index(result.universe).tfidf  # the old approach's features, built before its timing
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    for theme in old_ids:
        old_theme_affinity(result, theme)
    old = (time.perf_counter() - t0) / max(len(old_ids), 1)
    t0 = time.perf_counter()
    with threadpool_limits(limits=1):
        for theme in old_ids:
            old_theme_affinity(result, theme)
    old_pinned = (time.perf_counter() - t0) / max(len(old_ids), 1)
    per_theme = warm / len(fitted)
    print(
        f"{len(result.universe)} companies, {len(result.themes)} themes ({len(fitted)} with enough "
        f"candidates to fit; {int(ex.ranking['expanded'].sum())} companies expanded)."
    )
    print(f"new, all themes: {cold:.2f} s cold (feature matrix and imports included; CPU {cold_cpu:.2f} s), "
          f"{warm:.2f} s warm (CPU {warm_cpu:.2f} s; {per_theme:.3f} s per theme); "
          f"one theme alone (warm matrix): {single:.2f} s")  # fmt: skip
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall times stretch with other work on the machine; CPU times do not)")  # fmt: skip
    print(f"old, per theme (mean of {len(old_ids)}): {old:.3f} s → all {len(fitted)} themes ≈ "
          f"{old * len(fitted):.0f} s")  # fmt: skip
    print(f"old with BLAS pinned to one thread, per theme: {old_pinned:.3f} s → all ≈ "
          f"{old_pinned * len(fitted):.0f} s")  # fmt: skip
    print(f"ratio old / new per theme: ×{old / per_theme:.1f} (against the old approach pinned to one "
          f"thread: ×{old_pinned / per_theme:.1f})")  # fmt: skip
    ok = cold <= 10 and per_theme <= 0.5
    ok_cpu = cold_cpu <= 10 and warm_cpu / len(fitted) <= 0.5
    print(f"targets (all themes ≤ 10 s cold, ≤ 0.5 s per theme): wall {'met' if ok else 'NOT met'}, "
          f"CPU {'met' if ok_cpu else 'NOT met'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
