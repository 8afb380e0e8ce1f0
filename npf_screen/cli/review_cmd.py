"""``npf-screen review``: the companies the rules missed that look most like a theme's candidates."""

from __future__ import annotations

import argparse
from typing import Any

from npf_screen.cli.arg_types import positive_int
from npf_screen.cli.common import add_rules_option, add_universe_options, emit_table, screen_from_args
from npf_screen.core.exit_codes import ExitCode

__all__ = ["register"]


def run_review(args: argparse.Namespace) -> int:
    """Screen, fit the theme's affinity and list the best non-candidates (or the whole ranking)."""
    from npf_screen.core.errors import UsageError
    from npf_screen.ml.expansion import expand

    if args.top < 1:
        raise UsageError(f"--top {args.top}: give a positive number of companies, e.g. --top 20")
    if args.folds < 2:
        raise UsageError(f"--folds {args.folds}: cross-fitting needs at least 2 folds, e.g. --folds 5")
    result = screen_from_args(args, theme_ids=[args.theme])
    ex = expand(result, args.top, theme_ids=[args.theme], folds=args.folds)
    if args.theme not in ex.models:
        raise UsageError(
            f"theme {args.theme!r} has too few candidates in this universe to learn from; "
            "screen a larger universe (--universe, --offline) or widen the theme's rules"
        )
    ranking = ex.ranking.drop(columns="theme")
    frame = ranking.head(args.top) if args.ranking else ranking[ranking["expanded"]]
    emit_table(frame.drop(columns=["candidate"] if not args.ranking else []), args.format, args.output)
    return ExitCode.OK


def register(subparsers: Any) -> None:
    """Add the review command."""
    from npf_screen.outputs.table_writer import TABLE_FORMATS

    review = subparsers.add_parser(
        "review",
        help="non-candidates with the highest learned affinity to a theme (what the rules may miss)",
        description="Fit a logistic regression on the theme's candidates (words, character n-grams, "
        "industry and concept labels; cross-fitted) and list the non-candidates most like them (the "
        "theme's expansion), with the words and labels behind each affinity (drivers). Rule scores "
        "are untouched; `npf-screen explain CODE --theme THEME` shows one company's full reasons.",
    )
    review.add_argument("theme", metavar="THEME", help="theme id")
    add_universe_options(review)
    add_rules_option(review)
    review.add_argument(
        "--top", type=positive_int, default=20, metavar="N", help="how many companies (default 20)"
    )
    review.add_argument(
        "--ranking", action="store_true",
        help="print the head of the whole ranking (candidates first) instead of the review list",
    )  # fmt: skip
    review.add_argument("--folds", type=int, default=2, metavar="K", help="cross-fitting folds (default 2)")
    review.add_argument("--format", choices=TABLE_FORMATS, default="table")
    review.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    review.set_defaults(handler=run_review)
