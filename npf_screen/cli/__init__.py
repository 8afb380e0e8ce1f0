"""The ``npf-screen`` command line: commands only, on top of every other layer.

:mod:`.main` builds the parser and maps errors to :class:`~npf_screen.core.exit_codes.ExitCode`; each
subcommand lives in its own ``*_cmd`` module exposing ``register(subparsers)``; options and helpers that
several commands share live in :mod:`.common`. Commands import heavy dependencies inside their
handlers so that start-up stays fast.
"""
