"""``npf-screen report``: one self-contained HTML file for a screen or a recorded run.

``npf-screen report --sample -o report.html`` screens (like ``npf-screen screen``) and writes the
report: run metadata, a summary per theme, charts, and each theme's top candidates with their
evidence. ``--run RUN_ID`` (a date, ``latest`` or ``previous``) reports a recorded scheduled run
instead, found with ``--screen NAME_OR_FILE`` or ``--history-dir DIR`` as for ``npf-screen history``.
The file opens offline in any browser; it is written atomically.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from npf_screen.cli.arg_types import positive_int
from npf_screen.cli.common import add_rules_option
from npf_screen.core.exit_codes import ExitCode
from npf_screen.rules.model import LINES

__all__ = ["register", "run_report"]


def _screen(args: argparse.Namespace) -> Any:
    from npf_screen.screening.engine import screen
    from npf_screen.screening.rule_cache import load_compiled_themes
    from npf_screen.universe.loader import load_sample, load_universe

    universe = load_universe(args.universe) if args.universe else load_sample()
    themes = load_compiled_themes(args.rules or None)
    return screen(universe, themes, theme_ids=args.theme or None, lines=args.line or None)


def _history(args: argparse.Namespace) -> Any:
    from pathlib import Path

    from npf_screen.core.errors import NpfScreenError
    from npf_screen.runs.history import RunHistory, default_history_dir

    if args.history_dir:
        return RunHistory(args.history_dir)
    if not args.screen:
        raise NpfScreenError("--run needs the screen: --screen NAME_OR_FILE or --history-dir DIR")
    if args.screen.endswith(".toml") or Path(args.screen).is_file():
        from npf_screen.runs.definitions import load_definition

        definition = load_definition(args.screen)
        return RunHistory(definition.history_dir or default_history_dir(definition.name))
    return RunHistory(default_history_dir(args.screen))


def _run_data(args: argparse.Namespace) -> Any:
    from npf_screen.core.errors import NpfScreenError
    from npf_screen.outputs.report import from_run

    given = {"--sample": args.sample, "--universe": args.universe, "--theme": args.theme,
             "--line": args.line, "--rules": args.rules}  # fmt: skip
    clashing = [flag for flag, value in given.items() if value]
    if clashing:
        raise NpfScreenError(f"--run reports a recorded run; it does not take {', '.join(clashing)}")
    return from_run(_history(args), args.run, title=args.title)


def run_report(args: argparse.Namespace) -> int:
    """Screen (or load a recorded run) and write the HTML report."""
    from npf_screen.core.errors import OutputError
    from npf_screen.outputs.report import write_report

    if args.top is not None and args.top < 1:
        raise OutputError(f"--top must be at least 1, not {args.top}")
    if not args.output.lower().endswith((".html", ".htm")):
        raise OutputError(f"-o {args.output}: the report is HTML; name the file *.html")
    data = _run_data(args) if args.run else _screen(args)
    path = write_report(data, args.output, top=args.top or 10, title=args.title, charts=not args.no_charts)
    print(f"wrote report to {path}", file=sys.stderr)
    return ExitCode.OK


def register(subparsers: Any) -> None:
    """Add the report command."""
    report = subparsers.add_parser(
        "report", help="write one self-contained HTML report (summary, charts, evidence) for a screen or run",
        description="Screen a universe (or load a recorded run with --run) and write one self-contained "
        "HTML file: run metadata, a summary per theme, charts, and each theme's top candidates with "
        "their evidence. It opens offline in any browser.",
    )  # fmt: skip
    group = report.add_mutually_exclusive_group()
    group.add_argument("--sample", action="store_true", help="screen the bundled sample universe (default)")
    group.add_argument("--universe", metavar="PATH", help="a company table (.csv or .parquet)")
    add_rules_option(report)
    report.add_argument("--theme", action="append", metavar="ID", help="only this theme (repeatable)")
    report.add_argument(
        "--line", action="append", choices=LINES, help="only themes of this line (repeatable)"
    )
    report.add_argument(
        "--top", type=positive_int, metavar="N", help="candidates shown per theme (default 10)"
    )
    report.add_argument("--title", metavar="TEXT", help="the report's title")
    report.add_argument("--no-charts", action="store_true", help="leave the charts out (smaller, faster)")
    runs = report.add_argument_group("a recorded run (npf-screen run) instead of a new screen")
    runs.add_argument("--run", metavar="RUN_ID", help="a run date (YYYY-MM-DD), latest or previous")
    runs.add_argument("--screen", metavar="NAME_OR_FILE", help="the screen: its definition file or name")
    runs.add_argument("--history-dir", metavar="DIR", help="the screen's history folder (overrides --screen)")
    report.add_argument("-o", "--output", metavar="REPORT.html", required=True, help="the HTML file to write")
    report.set_defaults(handler=run_report)
