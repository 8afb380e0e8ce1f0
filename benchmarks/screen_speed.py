"""Speed and memory of a full screen, as ratios against floors measured in the same run.

Full reference universe (../shared/data/reference/companies.csv, 5,524 companies) × all bundled
themes. Measures, warm (median of repeats):

- the **floor**: one bare Aho-Corasick pass (``ahocorasick_rs``, overlapping, one thread) over the
  same folded texts the screen searches — the matching work no screen can avoid;
- ``screen()`` + ``.candidates``, and ``screen()`` + ``.candidates`` + ``.evidence`` (snippets);
- the naive pandas implementation (``Series.str.contains`` per keyword × field, the same rules and
  caps) as a second reference;
- cold processes: ``npf-screen screen --sample --top 5`` against ``python -c "import pandas"``, and
  ``npf-screen screen --universe companies.csv --top 5`` (the full market from the command line);
- peak Python memory of one screen with candidates, and with evidence.

Targets (2-core machine): candidates ≤ 2.5× the floor, with evidence ≤ 3.5×, the sample command
≤ 1.3× ``import pandas``, the full-market command ≤ 1.0 s, naive / warm ≥ 30.

The processes run the *installed* ``npf-screen`` from a scratch folder, so the benchmark works
from the repository root whether the package is installed editable or not. They run with byte-code
caching on (``PYTHONDONTWRITEBYTECODE`` removed from their environment), as on a machine after
``pip install``: pandas's byte code was compiled when it was installed, and with the variable set
every run would compile npf-screen's ~50 modules from source again (about 60 ms) while pandas's
would not.

    python benchmarks/screen_speed.py [--repeats 7] [--reference PATH] [--no-naive]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

import npf_screen as npf
from npf_screen.rules.model import FIELDS, normalize_term
from npf_screen.screening.matching import compile_rules
from npf_screen.screening.texts import prepare_texts

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference" / "companies.csv"
TARGETS = {"candidates": 2.5, "evidence": 3.5, "sample_cli": 1.3, "market_cli_s": 1.0, "naive": 30.0}


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


def floor_scan(universe: pd.DataFrame, themes: npf.ThemeSet):
    """A closure doing one bare Aho-Corasick pass over every field's folded text."""
    matcher = compile_rules(themes).matcher
    folded = prepare_texts(universe).folded
    texts = [folded[f] for f in FIELDS if folded[f]]

    def scan() -> int:
        return sum(len(matcher.find_matches_as_indexes(t, overlapping=True)) for t in texts)

    return scan


def _command() -> list[str]:
    """The installed console script beside this interpreter (else ``python -P -m npf_screen.cli``)."""
    script = Path(sys.executable).with_name("npf-screen")
    if script.is_file():
        return [str(script)]
    found = shutil.which("npf-screen")
    return [found] if found else [sys.executable, "-P", "-m", "npf_screen.cli"]


#: The environment of the timed processes: byte-code caching on (see the module docstring).
_BYTECODE_ON = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cold_pair(a: list[str], b: list[str], repeats: int, cwd: str) -> tuple[float, float]:
    """Median wall times of fresh processes ``a`` and ``b``, run alternately."""
    times_a, times_b = [], []
    for _ in range(repeats):
        times_a.append(cold(a, 1, cwd))
        times_b.append(cold(b, 1, cwd))
    return statistics.median(times_a), statistics.median(times_b)


def cold(args: list[str], repeats: int, cwd: str) -> float:
    """Median wall time of a fresh process running ``args`` (stdout discarded; must exit 0)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_BYTECODE_ON
        )
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return statistics.median(times)


def verdict(value: float, target: float, below: bool = True) -> str:
    ok = value <= target if below else value >= target
    return f"(target {'≤' if below else '≥'} {target:g}: {'PASS' if ok else 'FAIL'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--no-naive", action="store_true", help="skip the slow naive pandas reference")
    args = parser.parse_args()
    if not args.reference.is_file():
        sys.exit(f"reference data not found at {args.reference}; pass --reference PATH")
    reference = args.reference.resolve()

    universe = npf.load_universe(reference)
    themes = npf.load_themes()
    n_terms = sum(t.n_terms for t in themes)
    _ = npf.screen(universe, themes).evidence  # warm: imports, compiled rules, prepared texts

    scan = floor_scan(universe, themes)

    def with_evidence() -> object:
        screened = npf.screen(universe, themes)
        return screened.candidates, screened.evidence

    # Interleaved, so that a busy machine slows the floor and the screens alike.
    runs: dict[str, list[float]] = {"floor": [], "candidates": [], "evidence": []}
    for _ in range(args.repeats):
        for name, fn in (
            ("floor", scan),
            ("candidates", lambda: npf.screen(universe, themes).candidates),
            ("evidence", with_evidence),
        ):
            elapsed, value = timed(fn, 1)
            runs[name].append(elapsed)
            if name == "floor":
                n_matches = value
            elif name == "candidates":
                result = value
    floor, warm, warm_evidence = (statistics.median(runs[k]) for k in ("floor", "candidates", "evidence"))
    peaks = {}
    for name in ("candidates", "evidence"):
        tracemalloc.start()
        table = getattr(npf.screen(universe, themes), name)
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if name == "evidence":
            evidence = table

    command = _command()
    with tempfile.TemporaryDirectory() as scratch:
        cold([*command, "screen", "--sample", "--top", "5"], 1, scratch)  # first run: caches
        cold([*command, "screen", "--universe", str(reference), "--top", "5"], 1, scratch)
        pandas_import, sample_cli = cold_pair(
            [sys.executable, "-c", "import pandas"],
            [*command, "screen", "--sample", "--top", "5"],
            args.repeats,
            scratch,
        )
        market_cli = cold([*command, "screen", "--universe", str(reference), "--top", "5"], 5, scratch)

    print(f"universe: {len(universe)} companies × {len(themes)} themes ({n_terms} terms and labels)")
    print(f"candidates: {len(result)}; evidence rows: {len(evidence)}; floor matches: {n_matches}")
    print(
        f"floor: one bare Aho-Corasick pass over the folded texts, median of {args.repeats}: "
        f"{floor * 1000:.0f} ms"
    )
    ratio = warm / floor
    print(
        f"warm screen() + candidates: {warm * 1000:.0f} ms = {ratio:.2f}× floor "
        f"{verdict(ratio, TARGETS['candidates'])}"
    )
    ratio = warm_evidence / floor
    print(
        f"warm screen() + candidates + evidence: {warm_evidence * 1000:.0f} ms = {ratio:.2f}× floor "
        f"{verdict(ratio, TARGETS['evidence'])}"
    )
    print(
        "best-of ratios: candidates {:.2f}×, with evidence {:.2f}× the floor".format(
            min(runs["candidates"]) / min(runs["floor"]), min(runs["evidence"]) / min(runs["floor"])
        )
    )
    cand_mib, evidence_mib = peaks["candidates"] / 2**20, peaks["evidence"] / 2**20
    print(
        f"peak Python memory of one screen (tracemalloc): with candidates {cand_mib:.1f} MiB, "
        f"with evidence {evidence_mib:.1f} MiB"
    )
    ratio = sample_cli / pandas_import
    print(
        f"cold `npf-screen screen --sample --top 5`: {sample_cli:.2f} s = {ratio:.2f}× "
        f"`python -c 'import pandas'` ({pandas_import:.2f} s) {verdict(ratio, TARGETS['sample_cli'])}"
    )
    print(
        f"cold `npf-screen screen --universe companies.csv --top 5`: {market_cli:.2f} s "
        f"{verdict(market_cli, TARGETS['market_cli_s'])}"
    )
    if not args.no_naive:
        naive, naive_scores = timed(lambda: naive_screen(universe, themes), 1)
        ratio = naive / warm
        print(
            f"naive baseline (str.contains per keyword × field): {naive:.2f} s, "
            f"{(naive_scores.to_numpy() > 0).sum()} pairs with points; naive / warm = {ratio:.1f}× "
            f"{verdict(ratio, TARGETS['naive'], below=False)}"
        )


if __name__ == "__main__":
    main()
