"""The ``npf-screen`` entry point: the parser of every subcommand and the exit-code mapping.

Each subcommand lives in its own module under :mod:`npf_screen.cli` exposing
``register(subparsers)``, which adds an argparse parser whose ``handler`` default is a function
``(args) -> int``. Modules import heavy dependencies inside their handlers so that start-up stays fast.

Exit codes: :class:`npf_screen.core.exit_codes.ExitCode` (0 success, 2 bad input or usage with the
message on stderr, 1 any other failure, 3 partial or stale data, 4 locked, 130 interrupted).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["COMMANDS", "COMMAND_MODULES", "build_parser", "main"]

#: Each subcommand and the module that registers it, in the order `npf-screen --help` lists them
#: (a test checks this against what the modules register).
COMMANDS: dict[str, str] = {
    "themes": "npf_screen.cli.screen_cmd",
    "screen": "npf_screen.cli.screen_cmd",
    "explain": "npf_screen.cli.screen_cmd",
    "review": "npf_screen.cli.review_cmd",
    "draft": "npf_screen.cli.draft_cmd",
    "run": "npf_screen.cli.run_cmd",
    "history": "npf_screen.cli.run_cmd",
    "diff": "npf_screen.cli.run_cmd",
    "members": "npf_screen.cli.run_cmd",
    "report": "npf_screen.cli.report_cmd",
    "pull": "npf_screen.cli.pull_cmd",
    "snapshots": "npf_screen.cli.snapshots_cmd",
    "doctor": "npf_screen.cli.doctor_cmd",
}
#: Subcommand modules, in the order `npf-screen --help` lists them.
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(COMMANDS.values()))


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser with every subcommand, or only the module of ``command`` when it is
    one (what ``main`` does: a command's run does not import the seven other command modules)."""
    parser = argparse.ArgumentParser(
        prog="npf-screen",
        description="Screen China's A-share market against the 新质生产力 theme rules, with evidence.",
    )
    from npf_screen.core.version import __version__

    parser.add_argument("--version", action="version", version=f"npf-screen {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in [COMMANDS[command]] if command in COMMANDS else COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (``npf-screen`` calls ``sys.exit`` on it)."""
    from npf_screen.core.atomic import USER_ERRNOS
    from npf_screen.core.errors import NpfScreenError
    from npf_screen.core.exit_codes import ExitCode

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    for option in ("output", "cache_dir", "history_dir", "universe"):
        value = getattr(args, option, None)
        if value is not None and (not value.strip() or "\x00" in value):
            parser.error(f"--{option.replace('_', '-')} {value!r}: name a path (non-empty, without NUL)")
    import warnings

    # Warnings for a person at a terminal: one line, no source location (restored on return).
    plain_warnings, warnings.formatwarning = (
        warnings.formatwarning,
        (lambda message, category, *_, **__: f"npf-screen {args.command}: warning: {message}\n"),
    )
    try:
        return int(args.handler(args) or 0)
    except (NpfScreenError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"npf-screen {args.command}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except OSError as exc:  # a path the user chose that cannot be used is their input (exit 2)
        if exc.errno not in USER_ERRNOS:
            print(f"npf-screen {args.command}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return ExitCode.FAILURE
        print(f"npf-screen {args.command}: error: cannot use {exc.filename}: {exc.strerror}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print(f"npf-screen {args.command}: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:
        print(f"npf-screen {args.command}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return ExitCode.FAILURE
    finally:
        warnings.formatwarning = plain_warnings


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
