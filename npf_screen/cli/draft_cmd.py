"""``npf-screen draft``: propose a theme from a policy text, with the words that justify each term."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def run_draft(args: argparse.Namespace) -> int:
    """Draft a theme from ``--from FILE``; write its TOML (stdout or ``-o``) and print the review."""
    from pathlib import Path

    from npf_screen.cli.common import load_rule_themes, universe_from_args
    from npf_screen.core.errors import UsageError
    from npf_screen.ml.draft import draft_theme

    if args.top < 1:
        raise UsageError(f"--top {args.top}: give a positive number of companies, e.g. --top 10")
    if args.max_terms < 1:
        raise UsageError(f"--max-terms {args.max_terms}: give a positive number of terms, e.g. 30")
    universe, _, _ = universe_from_args(args)
    themes = load_rule_themes(args)
    draft = draft_theme(
        Path(args.source),
        universe,
        section=args.section,
        focus=args.focus,
        theme_id=args.id,
        name=args.name,
        line=args.line,
        themes=themes,
        max_terms=args.max_terms,
        top=args.top,
    )
    # the draft's rule file goes to stdout (or -o); the review goes to stderr (or stdout with -o)
    review = sys.stdout if args.output else sys.stderr
    if args.output:
        draft.write(Path(args.output))
        print(f"wrote theme {draft.theme.id!r} ({len(draft.terms)} terms) to {args.output}", file=review)
    else:
        sys.stdout.write(draft.toml)
    with _wide():
        print("\nterms (kind: named in the text, or vocabulary of a named term's companies):", file=review)
        print(draft.terms.drop(columns="sentence").to_string(index=False), file=review)
        print(f"\ntop {args.top} companies of the draft:", file=review)
        columns = ["code", "name", "score", "evidence_summary"]
        print(draft.preview[columns].to_string(index=False) if len(draft.preview) else "(none)", file=review)
        print("\nloaded themes sharing the draft's top-30 companies:", file=review)
        print(draft.overlaps.to_string(index=False) if len(draft.overlaps) else "(none)", file=review)
    return 0


def _wide() -> Any:
    import pandas as pd

    return pd.option_context(
        "display.width", 200, "display.max_colwidth", 80, "display.unicode.east_asian_width", True
    )


def register(subparsers: Any) -> None:
    """Add the draft command."""
    from npf_screen.cli.common import add_rules_option, add_universe_options

    draft = subparsers.add_parser(
        "draft",
        help="propose a theme (TOML) from a policy text, each term with the sentence it came from",
        description="Read a policy or research text (UTF-8 text or Markdown), find the industrial terms it "
        "names that companies also use, add the vocabulary those companies share, weigh each term by how "
        "specific it is, and write a theme rule file that loads with --rules. Prints the terms with their "
        "justification, the draft's top companies and the loaded themes it overlaps. A proposal to review.",
    )
    draft.add_argument("--from", dest="source", required=True, metavar="FILE", help="the policy text")
    draft.add_argument("--section", metavar="TITLE", help="only the section whose heading contains TITLE")
    draft.add_argument(
        "--focus", metavar="TEXT", help="only the clauses that name TEXT (one sector of a list)"
    )
    draft.add_argument("--id", default="draft", metavar="ID", help="theme id (default: draft)")
    draft.add_argument("--name", metavar="NAME", help="theme name (default: its first terms)")
    draft.add_argument(
        "--line", choices=("choke_point", "regional", "emerging", "future"),
        help="theme line (default: regional when the text names a province, else emerging)",
    )  # fmt: skip
    draft.add_argument("--max-terms", type=int, default=30, metavar="N", help="at most N terms (default 30)")
    draft.add_argument(
        "--top", type=int, default=10, metavar="N", help="companies in the preview (default 10)"
    )
    add_universe_options(draft)
    add_rules_option(draft)
    draft.add_argument("-o", "--output", metavar="PATH", help="write the theme TOML here (atomically)")
    draft.set_defaults(handler=run_draft)
