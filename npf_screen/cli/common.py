"""Options and steps that several commands share: rules, universe and snapshot options, screening
from parsed options, and printing or writing a table."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = [
    "add_rules_option",
    "add_snapshot_options",
    "add_universe_options",
    "emit_table",
    "load_rule_themes",
    "revenue_from_args",
    "screen_from_args",
    "snapshot_universe",
    "universe_from_args",
]


def add_snapshot_options(parser: argparse.ArgumentParser) -> None:
    """``--offline`` / ``--snapshot ID`` / ``--cache-dir``, for commands that screen a snapshot."""
    parser.add_argument(
        "--offline", action="store_true", help="screen the latest local snapshot (no network)"
    )
    parser.add_argument("--snapshot", metavar="ID", help="screen this snapshot (see `npf-screen snapshots`)")
    if not any("--cache-dir" in a.option_strings for a in parser._actions):
        parser.add_argument("--cache-dir", metavar="DIR", help="snapshot cache (default: $NPF_SCREEN_CACHE)")


def snapshot_universe(args: argparse.Namespace) -> tuple[Any, str] | None:
    """The universe and snapshot id that ``--offline`` / ``--snapshot`` ask for, else ``None``."""
    if not (getattr(args, "offline", False) or getattr(args, "snapshot", None)):
        return None
    from npf_screen.fetch.api import load_snapshot

    return load_snapshot(getattr(args, "snapshot", None), getattr(args, "cache_dir", None))


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    """``--rules PATH`` (repeatable): extra rule files or folders."""
    parser.add_argument(
        "--rules", action="append", metavar="PATH", default=[],
        help="extra theme rule file or folder of *.toml (repeatable); same ids replace bundled themes",
    )  # fmt: skip


def add_universe_options(parser: argparse.ArgumentParser) -> None:
    """``--sample`` | ``--universe PATH`` | a snapshot (``--offline``/``--snapshot``), and ``--revenue``."""
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


def load_rule_themes(args: argparse.Namespace) -> Any:
    """The bundled themes plus ``--rules``, compiled (from the disk cache when the files are unchanged)."""
    from npf_screen.screening.rule_cache import load_compiled_themes

    return load_compiled_themes(args.rules or None)


def universe_from_args(args: argparse.Namespace) -> tuple[Any, str | None, Any]:
    """(universe, snapshot id or None, revenue composition or None) as the options ask."""
    from npf_screen.core.errors import UsageError
    from npf_screen.screening.universe_cache import load_sample_cached, load_universe_cached

    if (args.offline or args.snapshot) and (args.sample or args.universe):
        raise UsageError("--offline/--snapshot screen a snapshot; drop --sample/--universe")
    chosen = snapshot_universe(args)
    if chosen is not None:
        universe, snapshot_id = chosen
    else:
        universe = load_universe_cached(args.universe) if args.universe else load_sample_cached()
        snapshot_id = None
    return universe, snapshot_id, revenue_from_args(args, snapshot_id)


def revenue_from_args(args: argparse.Namespace, snapshot_id: str | None) -> Any:
    """The revenue composition of ``--revenue`` or of the screened snapshot, else None."""
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
    from npf_screen.fetch.cache_policy import resolve_cache_dir
    from npf_screen.fetch.snapshots import SnapshotStore

    store = SnapshotStore(resolve_cache_dir(args.cache_dir))
    if not store.has_composition(snapshot_id):
        return None  # a snapshot pulled without composition: no exposure signal
    return store.load_composition(snapshot_id)  # a damaged one is an error naming the file


def screen_from_args(args: argparse.Namespace, **narrow: Any) -> Any:
    """Screen the universe and themes the options name (``narrow``: theme_ids, lines)."""
    from npf_screen.screening.engine import screen

    universe, snapshot_id, revenue = universe_from_args(args)
    return screen(universe, load_rule_themes(args), snapshot_id=snapshot_id, revenue=revenue, **narrow)


def emit_table(frame: Any, fmt: str, path: str | None) -> None:
    """Write ``frame`` as ``fmt`` to ``path``, or print it to stdout."""
    from npf_screen.outputs.table_writer import write_table

    text = write_table(frame, fmt, path)
    if text is not None:
        sys.stdout.write(text)
    elif path is not None:
        print(f"wrote {len(frame)} rows to {path}", file=sys.stderr)
