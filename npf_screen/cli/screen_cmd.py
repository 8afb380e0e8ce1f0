"""``npf-screen themes``, ``npf-screen screen`` and ``npf-screen explain``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from npf_screen.cli.arg_types import positive_int, score
from npf_screen.cli.common import (
    add_rules_option,
    add_universe_options,
    emit_table,
    load_rule_themes,
    screen_from_args,
)
from npf_screen.core.exit_codes import ExitCode
from npf_screen.rules.model import LINES

__all__ = ["register"]


def run_themes(args: argparse.Namespace) -> int:
    """List the loaded themes."""
    frame = load_rule_themes(args).select(lines=args.line or None).to_frame()
    emit_table(frame if args.format != "table" else frame.drop(columns="origin"), args.format, args.output)
    return ExitCode.OK


def _expand_count(args: argparse.Namespace) -> int:
    from npf_screen.core.errors import UsageError

    if args.expand < 0:
        raise UsageError(f"--expand {args.expand}: give how many companies to add per theme, or 0 for none")
    return int(args.expand)


def run_screen(args: argparse.Namespace) -> int:
    """Screen a universe and write candidates, then the learned expansion of each theme."""
    n = _expand_count(args)
    result = screen_from_args(args, theme_ids=args.theme or None, lines=args.line or None)
    if result.snapshot_id:
        print(f"screened snapshot {result.snapshot_id}", file=sys.stderr)
    watchlist = args.format not in ("table", "csv", "json", "parquet")
    # The terminal overview (no --theme, no --full) lists candidates only: no expansion to learn.
    overview_only = args.format == "table" and args.output is None and not (args.full or args.theme)
    if n > 0 and not overview_only and (not watchlist or args.watchlist_expanded):
        from npf_screen.ml.expansion import expand

        frame = expand(result, n).table(args.top)
    else:
        frame = result.top(args.top) if args.top else result.candidates
    if args.min_score:
        frame = frame[(frame["score"] >= args.min_score) | frame.get("expanded", False)]
    if args.format == "table" and args.output is None and not args.full:
        sys.stdout.write(_terminal_view(args, result, frame))
        return ExitCode.OK
    if not watchlist:
        if args.format == "table":
            frame = frame.drop(columns=["theme_name", "line"])
        emit_table(frame, args.format, args.output)
        return ExitCode.OK
    from npf_screen.core.errors import OutputError

    if args.output is None:
        raise OutputError(f"--format {args.format} writes a file: give it a path with -o PATH")
    from npf_screen.outputs.watchlists.writer import write_candidates

    evidence = result.evidence if args.format == "xlsx" else None
    write_candidates(
        frame,
        args.format,
        args.output,
        evidence=evidence,
        name=args.block_name,
        register=args.register,
        overwrite_main=args.overwrite_main,
    )
    print(f"wrote {frame['code'].nunique()} codes to {args.output}", file=sys.stderr)
    return ExitCode.OK


def _source(args: argparse.Namespace) -> str:
    """The options that chose the universe and rules, to repeat in hints."""
    if args.universe:
        chosen = f"--universe {args.universe}"
    elif args.snapshot:
        chosen = f"--snapshot {args.snapshot}"
    elif args.offline:
        chosen = "--offline"
    else:
        chosen = "--sample"
    if getattr(args, "cache_dir", None) and (args.snapshot or args.offline):
        chosen += f" --cache-dir {args.cache_dir}"
    return " ".join([chosen, *(f"--rules {r}" for r in args.rules)])


#: Rows of one theme's table shown without --top (the rest are counted).
THEME_ROWS = 20


def _terminal_view(args: argparse.Namespace, result: Any, frame: Any) -> str:
    """The screenful ``screen`` prints: an overview, a line's themes, or one theme's candidates."""
    from npf_screen.outputs.terminal import candidate_table, line_overview, overview

    source = _source(args)
    if args.theme:
        more = 0
        if not args.top:
            more = int((frame["rank"] > THEME_ROWS).sum())
            frame = frame[frame["rank"] <= THEME_ROWS]
        hint = f"--top N or --full ({len(frame) + more} in all)" if more else ""
        return candidate_table(frame, more=more, hint=hint)
    if args.line:
        return line_overview(result, list(dict.fromkeys(args.line)), source=source)
    return overview(result, source=source)


def run_explain(args: argparse.Namespace) -> int:
    """Explain one company's scores and, apart, why the learned expansion proposed it."""
    n = _expand_count(args)
    result = screen_from_args(args)
    explanation = result.explain(args.code, args.theme)
    expansion = None
    if n > 0:
        from npf_screen.ml.expansion import expand

        ids = [args.theme] if args.theme else None
        expansion = expand(result, n, theme_ids=ids).explain(args.code, args.theme)
    if args.format == "table":
        text = str(expansion) if expansion is not None else str(explanation)
        if explanation.verdicts.empty and (expansion is None or not expansion.expansion["expanded"].any()):
            text += (
                "\nmatched no theme: no rule of any theme found its name, business text, industry or concepts"
            )
        print(text)
    else:
        frame = explanation.evidence.merge(explanation.verdicts, on="theme", how="outer")
        if expansion is not None:
            frame = frame.merge(expansion.expansion, on="theme", how="outer")
        emit_table(frame, args.format, args.output)
    return ExitCode.OK


def _add_expand(parser: argparse.ArgumentParser, what: str) -> None:
    from npf_screen.ml.defaults import DEFAULT_EXPAND

    parser.add_argument(
        "--expand", type=int, default=DEFAULT_EXPAND, metavar="N",
        help=f"{what} (default {DEFAULT_EXPAND}; 0: rules only). Expanded companies keep score 0 and "
        "carry their learned affinity and the words behind it",
    )  # fmt: skip


def register(subparsers: Any) -> None:
    """Add the themes, screen and explain commands."""
    from npf_screen.outputs.table_writer import TABLE_FORMATS

    themes = subparsers.add_parser("themes", help="list themes (id, name, line, number of terms)")
    add_rules_option(themes)
    themes.add_argument(
        "--line", action="append", choices=LINES, help="only themes of this line (repeatable)"
    )
    themes.add_argument("--format", choices=TABLE_FORMATS, default="table")
    themes.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    themes.set_defaults(handler=run_themes)

    screen = subparsers.add_parser("screen", help="screen a universe; candidates per theme ranked by score")
    add_universe_options(screen)
    add_rules_option(screen)
    screen.add_argument("--theme", action="append", metavar="ID", help="only this theme (repeatable)")
    screen.add_argument(
        "--line", action="append", choices=LINES, help="only themes of this line (repeatable)"
    )
    screen.add_argument("--top", type=positive_int, metavar="N", help="keep the N best candidates per theme")
    screen.add_argument("--min-score", type=score, default=0.0, metavar="S", help="drop candidates below S")
    screen.add_argument(
        "--format", default="table",
        choices=(*TABLE_FORMATS, "tdx", "ebk", "em", "ths", "xlsx"),
        help="table (stdout), csv, json, parquet, or a watchlist format: tdx, ebk, em, ths, xlsx",
    )  # fmt: skip
    screen.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    _add_expand(screen, "after each theme's candidates, the N non-candidates that look most like them")
    screen.add_argument(
        "--watchlist-expanded", action="store_true",
        help="also put the expanded companies into tdx/ebk/em/ths/xlsx watchlists (default: candidates only)",
    )  # fmt: skip
    screen.add_argument(
        "--full",
        action="store_true",
        help="print every candidate row with all columns (default: an overview, or one theme with --theme)",
    )
    terminal = screen.add_argument_group("通达信 block (--format tdx)")
    terminal.add_argument(
        "--block-name", metavar="NAME", help="the block's display name (default: the file stem)"
    )
    terminal.add_argument(
        "--register", action="store_true", help="also register the block in blocknew.cfg beside the .blk file"
    )
    terminal.add_argument(
        "--overwrite-main",
        action="store_true",
        help="allow writing the main watchlist ZXG.blk (refused by default)",
    )
    screen.set_defaults(handler=run_screen)

    explain = subparsers.add_parser("explain", help="why a company did or did not qualify for themes")
    explain.add_argument("code", help="6-digit stock code")
    add_universe_options(explain)
    add_rules_option(explain)
    explain.add_argument(
        "--theme", metavar="ID", help="explain this theme only (default: every theme it touched)"
    )
    _add_expand(explain, "also show whether the learned expansion (N per theme) proposed it, and why")
    explain.add_argument("--format", choices=TABLE_FORMATS, default="table")
    explain.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    explain.set_defaults(handler=run_explain)
