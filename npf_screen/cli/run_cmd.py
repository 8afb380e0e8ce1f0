"""``npf-screen run``, ``history``, ``diff`` and ``members``: scheduled screens and their history.

``run`` exit codes (for cron and systemd):

== ===================================================================================
0  success
1  failure (data could not be loaded, a watchlist could not be written, ...)
2  bad screen definition, theme rules, universe file or watchlist path (every problem listed on
   stderr), bad usage, or a run that would empty watchlists that had members (``--allow-empty``)
3  ``--strict`` only: the run completed on stale or partial data (watchlists and history
   were written; the summary says what was stale)
4  another run of the same screen holds the lock; nothing was changed
== ===================================================================================
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from npf_screen.cli.arg_types import positive_int
from npf_screen.core.exit_codes import ExitCode

__all__ = ["register"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def run_run(args: argparse.Namespace) -> int:
    """Run a screen definition once."""
    from npf_screen.core.errors import (
        DefinitionError,
        EmptyRunError,
        OutputError,
        RuleError,
        RunLockedError,
        UniverseError,
        UnknownThemeError,
        UsageError,
    )  # fmt: skip
    from npf_screen.runs.definitions import load_definition
    from npf_screen.runs.runner import run_screen

    def fail(code: int, kind: str, exc: BaseException) -> int:
        print(f"npf-screen run: {kind}: {exc}", file=sys.stderr)
        return code

    import warnings

    try:
        definition = load_definition(args.definition)
        with warnings.catch_warnings():
            if args.quiet:  # -q: nothing on success (shortened block names are in the watchlists)
                warnings.simplefilter("ignore", UserWarning)
            outcome = run_screen(
                definition, offline=args.offline, run_date=args.date, history_dir=args.history_dir,
                allow_empty=args.allow_empty,
            )  # fmt: skip
    except RunLockedError as exc:
        return fail(ExitCode.LOCKED, "locked", exc)
    except (
        DefinitionError, RuleError, UnknownThemeError, UniverseError, OutputError, UsageError, EmptyRunError,
    ) as exc:  # fmt: skip
        return fail(ExitCode.USAGE, "error", exc)
    except Exception as exc:  # cron needs 1 for every other failure, whatever raised it
        return fail(ExitCode.FAILURE, "failed", f"{type(exc).__name__}: {exc}")  # type: ignore[arg-type]
    if not args.quiet:
        print(outcome.summary())
    code = outcome.exit_code(strict=args.strict)
    if code:
        print("npf-screen run: ran on stale or partial data (--strict): exit 3", file=sys.stderr)
    return code


def _history(args: argparse.Namespace) -> Any:
    """The RunHistory named by --history-dir, --screen (file or name) or the only screen there is."""
    from npf_screen.core.errors import NpfScreenError
    from npf_screen.runs.history import RunHistory, default_history_dir

    if args.history_dir:
        if not Path(args.history_dir).is_dir():
            raise NpfScreenError(f"--history-dir {args.history_dir}: no such folder; name one a run wrote")
        return RunHistory(args.history_dir)
    screen = args.screen
    if screen and (screen.endswith(".toml") or Path(screen).is_file()):
        from npf_screen.runs.definitions import load_definition

        definition = load_definition(screen)
        return RunHistory(definition.history_dir or default_history_dir(definition.name))
    root = default_history_dir("_").parent
    names = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if screen:
        folder = default_history_dir(screen)
        if not folder.is_dir():  # a name, not a file: only screens that ran have a history
            raise NpfScreenError(
                f"--screen {screen}: no definition file and no recorded runs by that name in {root} "
                f"(screens with runs: {', '.join(names) or 'none'}); give the definition file or a name above"
            )
        return RunHistory(folder)
    if len(names) != 1:
        shown = ", ".join(names) or "none"
        raise NpfScreenError(
            f"name the screen with --screen NAME_OR_FILE or --history-dir; screens in {root}: {shown}"
        )
    return RunHistory(root / names[0])


def _emit(frame: Any, fmt: str) -> None:
    from npf_screen.outputs.table_writer import write_table

    sys.stdout.write(write_table(frame, fmt) or "")


def run_history(args: argparse.Namespace) -> int:
    """List recorded runs."""
    _emit(_history(args).index(), args.format)
    return ExitCode.OK


def run_diff(args: argparse.Namespace) -> int:
    """Compare the members of two runs."""
    from npf_screen.runs.membership import diff_runs

    history = _history(args)
    a, b = history.load(args.run_a), history.load(args.run_b)
    diff = diff_runs(a, b, history.candidates(b.run_id))
    if args.format == "table":
        print("\n".join(diff.lines(limit=args.limit)))
        return ExitCode.OK
    import pandas as pd

    frames = [diff.entered.assign(change="entered"), diff.exited.assign(change="exited")]
    frames.append(diff.moves.assign(change="stayed"))
    _emit(
        pd.concat([f for f in frames if len(f)], ignore_index=True) if any(map(len, frames)) else frames[0],
        args.format,
    )
    return ExitCode.OK


def run_members(args: argparse.Namespace) -> int:
    """Members of each theme on a date, and since when."""
    frame = _history(args).members_as_of(args.date or dt.date.today(), args.theme)
    columns = ["theme", "code", "name", "rank", "score", "since", "run_id"]
    _emit(frame[columns] if args.format == "table" else frame, args.format)
    return ExitCode.OK


def _add_history_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--screen", metavar="NAME_OR_FILE", help="the screen: its definition file or name")
    parser.add_argument(
        "--history-dir", metavar="DIR", help="the screen's history folder (overrides --screen)"
    )
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")


def register(subparsers: Any) -> None:
    """Add the run, history, diff and members commands."""
    run = subparsers.add_parser(
        "run", help="run a screen definition: refresh, screen, write watchlists, record history",
        description="Run a screen definition (TOML) once. Exit codes: 0 ok, 1 failure, 2 bad definition, "
        "3 stale or partial data under --strict, 4 another run holds the lock.",
    )  # fmt: skip
    run.add_argument("definition", metavar="SCREEN.toml", help="the screen definition file")
    run.add_argument("--offline", action="store_true", help="use cached data, never the network")
    run.add_argument("--strict", action="store_true", help="exit 3 when the data was stale or partial")
    run.add_argument("--history-dir", metavar="DIR", help="override the definition's history folder")
    run.add_argument(
        "--date", type=_date, metavar="YYYY-MM-DD", help="record the run under this date (default today)"
    )
    run.add_argument(
        "--allow-empty", action="store_true",
        help="write empty watchlists even when the previous run had members (refused otherwise: exit 2)",
    )  # fmt: skip
    run.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    run.set_defaults(handler=run_run)

    history = subparsers.add_parser("history", help="list the recorded runs of a screen")
    _add_history_args(history)
    history.set_defaults(handler=run_history)

    diff = subparsers.add_parser("diff", help="members entered, exited and moved between two runs")
    diff.add_argument("run_a", metavar="RUN_A", help="run date (YYYY-MM-DD), latest or previous")
    diff.add_argument("run_b", metavar="RUN_B", help="run date (YYYY-MM-DD), latest or previous")
    _add_history_args(diff)
    diff.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help="rows per section in the table (50)"
    )
    diff.set_defaults(handler=run_diff)

    members = subparsers.add_parser(
        "members", help="which companies were in each theme on a date, since when"
    )
    members.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="as of this date (default today)")
    members.add_argument("--theme", metavar="ID", help="one theme only")
    _add_history_args(members)
    members.set_defaults(handler=run_members)
