"""``npf-screen snapshots``: list the local snapshots, or prune old ones."""

from __future__ import annotations

import argparse
import sys

from npf_screen.cli.arg_types import positive_int
from npf_screen.core.exit_codes import ExitCode

__all__ = ["register", "run_snapshots"]


def run_snapshots(args: argparse.Namespace) -> int:
    """Print the snapshot table (newest first); with --prune, delete all but the newest KEEP."""
    from npf_screen.fetch.cache_policy import resolve_cache_dir
    from npf_screen.fetch.snapshots import SnapshotStore

    store = SnapshotStore(resolve_cache_dir(args.cache_dir))
    if args.prune is not None:
        with store.lock():
            removed = store.prune(args.prune)
        print(
            f"removed {len(removed)} snapshot(s)" + (f": {', '.join(removed)}" if removed else ""),
            file=sys.stderr,
        )
    table = store.list()
    if table.empty:
        print(f"no snapshots in {store.snapshots_dir}; run `npf-screen pull`", file=sys.stderr)
        return ExitCode.OK
    if args.json:
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        shown = table.drop(columns=["path"]).fillna("")
        sys.stdout.write(shown.to_string(index=False) + "\n")
    return ExitCode.OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``snapshots`` to the CLI."""
    p = subparsers.add_parser("snapshots", help="list local data snapshots (newest first), or prune old ones")
    p.add_argument(
        "--cache-dir", metavar="DIR", help="cache directory (default: $NPF_SCREEN_CACHE or the user cache)"
    )
    p.add_argument(
        "--prune",
        type=positive_int,
        metavar="KEEP",
        help="delete all but the KEEP newest (the newest complete stays)",
    )
    p.add_argument("--json", action="store_true", help="print JSON records instead of a table")
    p.set_defaults(handler=run_snapshots)
