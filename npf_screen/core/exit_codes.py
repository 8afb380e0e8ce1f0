"""The exit codes of every ``npf-screen`` command, in one place.

Examples
--------
>>> from npf_screen.core.exit_codes import ExitCode
>>> int(ExitCode.USAGE)
2
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    """What a command's exit status means; cron and systemd read these."""

    #: Success.
    OK = 0
    #: Any failure that is not the user's input: upstream down, a bug, a full disk.
    FAILURE = 1
    #: Bad input or usage: a rule file, universe, definition, option or value (the message names it).
    USAGE = 2
    #: Done, but on stale or partial data (``run --strict``) or a partial snapshot (``pull``).
    PARTIAL = 3
    #: Another ``npf-screen run`` of the same history holds the lock.
    LOCKED = 4
    #: Interrupted by the user (Ctrl-C), as shells report SIGINT.
    INTERRUPTED = 130
