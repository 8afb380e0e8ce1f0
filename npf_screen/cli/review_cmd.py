"""``npf-screen review``: the companies the rules missed that look most like a theme's candidates."""

from __future__ import annotations

import argparse
from typing import Any

from npf_screen.cli.common import add_rules_option, add_universe_options, emit_table, screen_from_args
from npf_screen.core.exit_codes import ExitCode

__all__ = ["register"]


def run_review(args: argparse.Namespace) -> int:
    """Screen, fit the theme's affinity and list the best non-candidates (or the whole ranking)."""
    from npf_screen.core.errors import UsageError
    from npf_screen.ml.affinity import affinity_ranking

    if args.top < 1:
        raise UsageError(f"--top {args.top}: give a positive number of companies, e.g. --top 20")
    if args.folds < 2:
        raise UsageError(f"--folds {args.folds}: cross-fitting needs at least 2 folds, e.g. --folds 5")
    result = screen_from_args(args, theme_ids=[args.theme])
    ranking = affinity_ranking(result, args.theme, review=args.top, folds=args.folds)
    if ranking["affinity"].isna().all():
        raise UsageError(
            f"theme {args.theme!r} has too few candidates in this universe to learn from; "
            "screen a larger universe (--universe, --offline) or widen the theme's rules"
        )
    frame = ranking.head(args.top) if args.ranking else ranking[ranking["review"]]
    emit_table(frame.drop(columns="review"), args.format, args.output)
    return ExitCode.OK


def register(subparsers: Any) -> None:
    """Add the review command."""
    from npf_screen.outputs.table_writer import TABLE_FORMATS

    review = subparsers.add_parser(
        "review",
        help="non-candidates with the highest learned affinity to a theme (what the rules may miss)",
        description="Fit a logistic regression on the theme's candidates (text n-grams, industry and "
        "concept labels; cross-fitted) and list the non-candidates most like them, with the features "
        "behind each affinity. A list for a human to read, not an automatic addition.",
    )
    review.add_argument("theme", metavar="THEME", help="theme id")
    add_universe_options(review)
    add_rules_option(review)
    review.add_argument("--top", type=int, default=20, metavar="N", help="how many companies (default 20)")
    review.add_argument(
        "--ranking", action="store_true",
        help="print the head of the whole ranking (candidates first) instead of the review list",
    )  # fmt: skip
    review.add_argument("--folds", type=int, default=5, metavar="K", help="cross-fitting folds (default 5)")
    review.add_argument("--format", choices=TABLE_FORMATS, default="table")
    review.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    review.set_defaults(handler=run_review)
