"""How close drafts from the seed report's own sections land to the curated seeds.

The report the bundled themes were written from (``../shared/seeds/000_63b094940f472d74.txt``, read at
run time, never copied into the project) names sectors in three places: the emerging and future
industries of the 2024 government work report (section 3.2), the regional examples and the
首台（套）/新材料首批次 policy line (section 3.1). For each curated theme whose sector a section names,
this script drafts a theme from that section with ``focus`` = the words the section uses for the sector
(:func:`npf_screen.draft_theme`) on the reference universe, and reports:

- **term share**: the share of the draft's top 20 terms (by weight) that occur in the curated theme's
  vocabulary (its keyword terms, concept and industry labels, and region terms, folded), where a term
  occurs when it equals a vocabulary entry, is part of one, or contains one of at least two characters;
- **top-30 overlap**: ``|draft top 30 ∩ curated top 30| / |curated top 30|``, both ranked by the
  screen on the reference universe (a regional theme may have fewer than 30 candidates).

A section that yields no usable terms for a sector counts as 0 on both. Targets: means ≥ 0.5 (term
share) and ≥ 0.4 (top-30 overlap). Labels (``labels_dev.csv``) are not read.

    python benchmarks/draft_quality.py [--reference companies.csv] [--report REPORT.txt] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

import npf_screen as npf
from npf_screen.core.errors import DraftError
from npf_screen.rules.model import Theme, normalize_term

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

#: (section heading, focus: the words the section uses, curated themes of that sector)
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("3.2", "智能网联新能源汽车", ("em_intelligent_nev",)),
    ("3.2", "氢能", ("em_hydrogen",)),
    ("3.2", "新材料", ("em_new_materials",)),
    ("3.2", "创新药", ("em_innovative_drugs",)),
    ("3.2", "生物制造", ("em_biomanufacturing",)),
    ("3.2", "商业航天", ("em_commercial_aerospace",)),
    ("3.2", "低空经济", ("em_low_altitude",)),
    ("3.2", "量子技术", ("fu_quantum",)),
    ("3.2", "生命科学", ("fu_life_sciences",)),
    ("3.2", "人工智能", ("em_ai_computing",)),
    ("3.2", "数字基础设施", ("em_data_economy",)),
    ("3.1", "广西", ("rg_gx_autos", "rg_gx_steel")),
    ("3.1", "云南", ("rg_yn_green_aluminium",)),
    ("3.1", "重庆", ("rg_cq_vehicles", "rg_cq_wafer_fabs")),
    ("3.1", "贵州", ("rg_gz_digital",)),
    ("3.1", "新材料首批次", ("cp_advanced_materials",)),
]
TOP_TERMS, TOP_COMPANIES = 20, 30


def vocabulary(theme: Theme) -> set[str]:
    """A curated theme's words: keyword terms, labels and region terms, folded."""
    words = {x for g in theme.keywords for x in g.terms}
    words |= set(theme.concepts) | set(theme.industries)
    if theme.region is not None:
        words |= set(theme.region.terms)
    return {normalize_term(w) for w in words if w}


def occurs(term: str, words: set[str]) -> bool:
    t = normalize_term(term)
    return any(t == w or t in w or (len(w) >= 2 and w in t) for w in words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default=SHARED / "data" / "reference" / "companies.csv", type=Path)
    parser.add_argument("--report", default=SHARED / "seeds" / "000_63b094940f472d74.txt", type=Path)
    parser.add_argument("--json", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    for path in (args.reference, args.report):
        if not path.is_file():
            print(f"missing {path}: put the shared folder beside the clone", file=sys.stderr)
            return 2
    started = time.perf_counter()
    universe = npf.load_universe(args.reference)
    report = args.report.read_text(encoding="utf-8")
    themes = npf.load_themes()
    curated = npf.screen(universe, themes)
    rows = []
    for section, focus, theme_ids in CASES:
        try:
            draft = npf.draft_theme(
                report, universe, section=section, focus=focus, theme_id="draft", themes=themes
            )
        except DraftError as exc:
            draft, error = None, str(exc)
        for theme_id in theme_ids:
            row = {"section": section, "focus": focus, "theme": theme_id}
            if draft is None:
                rows.append({**row, "terms": 0, "term_share": 0.0, "overlap30": 0.0, "note": error[-80:]})
                continue
            words_only = draft.terms[draft.terms["kind"] != "label"]  # concept labels are not terms
            ranked = words_only.sort_values(["weight", "companies"], ascending=[False, True])
            top_terms = ranked.head(TOP_TERMS)
            words = vocabulary(themes[theme_id])
            share = sum(occurs(t, words) for t in top_terms["term"]) / len(top_terms)
            mine = set(draft.screen(universe).top(TOP_COMPANIES, theme="draft")["code"])
            theirs = set(curated.top(TOP_COMPANIES, theme=theme_id)["code"])
            missed = [t for t in top_terms["term"] if not occurs(t, words)][:6]
            rows.append(
                {**row, "terms": len(words_only), "term_share": round(share, 2),
                 "overlap30": round(len(mine & theirs) / max(1, len(theirs)), 2),
                 "note": "not in seed: " + "、".join(missed)}
            )  # fmt: skip
    table = pd.DataFrame(rows)
    with pd.option_context(
        "display.width", 220, "display.max_colwidth", 70, "display.unicode.east_asian_width", True
    ):
        print(table.to_string(index=False))
    means = table[["term_share", "overlap30"]].mean()
    print(
        f"\nmean term share {means['term_share']:.2f} (target >= 0.5); "
        f"mean top-30 overlap {means['overlap30']:.2f} (target >= 0.4); "
        f"{len(table)} curated themes, {time.perf_counter() - started:.0f} s"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"rows": rows, "means": means.round(3).to_dict()}, ensure_ascii=False)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
