"""``npf-screen themes``, ``npf-screen screen`` and ``npf-screen explain``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from npf_screen.core.exit_codes import ExitCode

__all__ = ["register"]


def _add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules", action="append", metavar="PATH", default=[],
        help="extra theme rule file or folder of *.toml (repeatable); same ids replace bundled themes",
    )  # fmt: skip


def _add_universe(parser: argparse.ArgumentParser) -> None:
    from npf_screen.cli.snapshots_cmd import add_snapshot_options

    group = parser.add_mutually_exclusive_group()
    group.add_argument("--sample", action="store_true", help="screen the bundled sample universe (default)")
    group.add_argument("--universe", metavar="PATH", help="a company table (.csv or .parquet)")
    add_snapshot_options(parser)
    parser.add_argument(
        "--revenue",
        metavar="PATH",
        help="revenue composition (code, report_date, product, revenue, share as a fraction; .csv/.parquet) "
        "for the exposure signal; a snapshot's own composition is used when it has one",
    )


def _themes(args: argparse.Namespace) -> Any:
    from npf_screen.rules.loader import load_themes

    return load_themes(args.rules or None)


def _universe(args: argparse.Namespace) -> tuple[Any, str | None, Any]:
    """(universe, snapshot id or None, revenue composition or None) as the options ask."""
    from npf_screen.cli.snapshots_cmd import snapshot_universe
    from npf_screen.core.errors import UsageError
    from npf_screen.universe.loader import load_sample, load_universe

    if (args.offline or args.snapshot) and (args.sample or args.universe):
        raise UsageError("--offline/--snapshot screen a snapshot; drop --sample/--universe")
    chosen = snapshot_universe(args)
    if chosen is not None:
        universe, snapshot_id = chosen
    else:
        universe, snapshot_id = (load_universe(args.universe) if args.universe else load_sample()), None
    return universe, snapshot_id, _revenue(args, snapshot_id)


def _revenue(args: argparse.Namespace, snapshot_id: str | None) -> Any:
    import pandas as pd

    from npf_screen.core.errors import UsageError

    if args.revenue:
        from pathlib import Path

        path = Path(args.revenue)
        if not path.is_file():
            raise UsageError(f"--revenue {path}: no such file")
        reader = (
            pd.read_parquet
            if path.suffix.lower() == ".parquet"
            else lambda f: pd.read_csv(f, dtype={"code": str})
        )
        return reader(path)
    if snapshot_id is None:
        return None
    from npf_screen.core.errors import SnapshotError
    from npf_screen.fetch.snapshots import SnapshotStore, resolve_cache_dir

    try:
        return SnapshotStore(resolve_cache_dir(args.cache_dir)).load_composition(snapshot_id)
    except SnapshotError:
        return None  # a snapshot pulled without composition: no exposure signal


def _screen(args: argparse.Namespace, **narrow: Any) -> Any:
    from npf_screen.screening.engine import screen

    universe, snapshot_id, revenue = _universe(args)
    return screen(universe, _themes(args), snapshot_id=snapshot_id, revenue=revenue, **narrow)


def _emit(frame: Any, fmt: str, path: str | None) -> None:
    from npf_screen.outputs.table_writer import write_table

    text = write_table(frame, fmt, path)
    if text is not None:
        sys.stdout.write(text)
    elif path is not None:
        print(f"wrote {len(frame)} rows to {path}", file=sys.stderr)


def run_themes(args: argparse.Namespace) -> int:
    """List the loaded themes."""
    frame = _themes(args).select(lines=args.line or None).to_frame()
    _emit(frame if args.format != "table" else frame.drop(columns="origin"), args.format, args.output)
    return ExitCode.OK


def run_screen(args: argparse.Namespace) -> int:
    """Screen a universe and write candidates."""
    result = _screen(args, theme_ids=args.theme or None, lines=args.line or None)
    if result.snapshot_id:
        print(f"screened snapshot {result.snapshot_id}", file=sys.stderr)
    frame = result.top(args.top) if args.top else result.candidates
    if args.min_score:
        frame = frame[frame["score"] >= args.min_score]
    if args.format in ("table", "csv", "json", "parquet"):
        if args.format == "table":
            frame = frame.drop(columns=["theme_name", "line"])
        _emit(frame, args.format, args.output)
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


def run_explain(args: argparse.Namespace) -> int:
    """Explain one company's scores."""
    result = _screen(args)
    explanation = result.explain(args.code, args.theme)
    if args.format == "table":
        text = str(explanation)
        if explanation.verdicts.empty:
            text += (
                "\nmatched no theme: no rule of any theme found its name, business text, industry or concepts"
            )
        print(text)
    else:
        _emit(explanation.evidence.merge(explanation.verdicts, on="theme"), args.format, args.output)
    return ExitCode.OK


def register(subparsers: Any) -> None:
    """Add the themes, screen and explain commands."""
    from npf_screen.outputs.table_writer import TABLE_FORMATS

    lines = ("choke_point", "regional", "emerging", "future")
    themes = subparsers.add_parser("themes", help="list themes (id, name, line, number of terms)")
    _add_rules(themes)
    themes.add_argument(
        "--line", action="append", choices=lines, help="only themes of this line (repeatable)"
    )
    themes.add_argument("--format", choices=TABLE_FORMATS, default="table")
    themes.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    themes.set_defaults(handler=run_themes)

    screen = subparsers.add_parser("screen", help="screen a universe; candidates per theme ranked by score")
    _add_universe(screen)
    _add_rules(screen)
    screen.add_argument("--theme", action="append", metavar="ID", help="only this theme (repeatable)")
    screen.add_argument(
        "--line", action="append", choices=lines, help="only themes of this line (repeatable)"
    )
    screen.add_argument("--top", type=int, metavar="N", help="keep the N best candidates per theme")
    screen.add_argument("--min-score", type=float, default=0.0, metavar="S", help="drop candidates below S")
    screen.add_argument(
        "--format", default="table",
        choices=(*TABLE_FORMATS, "tdx", "ebk", "em", "ths", "xlsx"),
        help="table (stdout), csv, json, parquet, or a watchlist format: tdx, ebk, em, ths, xlsx",
    )  # fmt: skip
    screen.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
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
    _add_universe(explain)
    _add_rules(explain)
    explain.add_argument(
        "--theme", metavar="ID", help="explain this theme only (default: every theme it touched)"
    )
    explain.add_argument("--format", choices=TABLE_FORMATS, default="table")
    explain.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    explain.set_defaults(handler=run_explain)
