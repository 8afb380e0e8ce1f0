"""The exception tree of npf-screen.

Every error the library raises on purpose derives from :class:`NpfScreenError` and also from the
builtin it resembles, so ``except ValueError`` keeps working for callers who do not know us::

    NpfScreenError
    ├── RuleError(ValueError)          theme rule files: syntax or content problems
    ├── UniverseError(ValueError)      company tables: missing columns, malformed codes
    ├── UnknownThemeError(KeyError)    a theme id that is not loaded
    ├── UnknownCompanyError(KeyError)  a stock code that is not in the universe
    ├── OutputError(ValueError)        an output format or path that cannot be written
    ├── UsageError(ValueError)         command options that do not go together
    ├── DefinitionError(ValueError)    screen definition files: unknown keys, bad values
    ├── DraftError(ValueError)         a policy text to draft from: empty, binary, no section, no terms
    ├── UnknownRunError(KeyError)      a run id that is not in the run history
    ├── RunError(RuntimeError)         a scheduled run that cannot proceed
    │   ├── RunLockedError             another run of the same screen holds the lock
    │   ├── EmptyRunError              a run would empty watchlists that had members
    │   └── HistoryRecordError         a run record that cannot be read (truncated, hand-edited)
    ├── SourceError(ConnectionError)   an upstream data source failed: timeout, outage, no data
    │   └── UpstreamRefusedError       the upstream refuses us (ban, CAPTCHA): paused, then stopped
    ├── SchemaDriftError(ValueError)   a source frame arrived with unexpected columns, dtypes or values
    └── SnapshotError(RuntimeError)    the local snapshot cache is missing, locked or unreadable
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "DefinitionError",
    "DraftError",
    "EmptyRunError",
    "HistoryRecordError",
    "NpfScreenError",
    "OutputError",
    "RuleError",
    "RunError",
    "RunLockedError",
    "SchemaDriftError",
    "SnapshotError",
    "SourceError",
    "UniverseError",
    "UnknownCompanyError",
    "UnknownRunError",
    "UnknownThemeError",
    "UpstreamRefusedError",
    "UsageError",
]


class NpfScreenError(Exception):
    """Base class of every error npf-screen raises on purpose."""


class _ProblemListError(NpfScreenError):
    """An error that carries every problem found, not just the first one."""

    headline = "problems found"

    def __init__(self, problems: Iterable[str], headline: str | None = None) -> None:
        self.problems: list[str] = list(problems)
        if headline is not None:
            self.headline = headline
        lines = [f"{self.headline} ({len(self.problems)}):"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class RuleError(_ProblemListError, ValueError):
    """Theme rule files failed to parse or validate.

    ``problems`` lists every problem, each naming the file, theme id, field, the offending value
    and how to fix it.
    """

    headline = "invalid theme rules"


class UniverseError(_ProblemListError, ValueError):
    """A company table is missing required columns or holds malformed values."""

    headline = "invalid company table"


class UnknownThemeError(NpfScreenError, KeyError):
    """A theme id that is not among the loaded themes."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class UnknownCompanyError(NpfScreenError, KeyError):
    """A stock code that is not in the universe being screened."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class OutputError(NpfScreenError, ValueError):
    """An output that cannot be written as asked (unknown format, refused path)."""


class UsageError(NpfScreenError, ValueError):
    """Command options or arguments that do not go together (the CLI exits 2)."""


class DraftError(NpfScreenError, ValueError):
    """A policy text that cannot be drafted from: empty, not text, a missing section, no usable terms."""


class DefinitionError(_ProblemListError, ValueError):
    """A screen definition file failed to parse or validate.

    ``problems`` lists every problem, each naming the file, the key (e.g. ``[filters].boards``) and
    the reason.
    """

    headline = "invalid screen definition"


class UnknownRunError(NpfScreenError, KeyError):
    """A run id (date) that is not in a screen's run history."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class RunError(NpfScreenError, RuntimeError):
    """A scheduled screen run that cannot proceed (e.g. its date precedes the latest recorded run)."""


class RunLockedError(RunError):
    """Another run of the same screen holds the history lock; nothing was changed."""


class EmptyRunError(RunError):
    """A run selected no member where the previous run had some; nothing was replaced.

    Usually a filter that leaves no company; ``allow_empty=True`` (``run --allow-empty``) writes
    the empty watchlists anyway.
    """


class HistoryRecordError(RunError):
    """A run record in the history cannot be read; the message names the file."""


class SourceError(NpfScreenError, ConnectionError):
    """An upstream data source could not deliver: timeout, connection failure, or no data.

    The message names the endpoint (e.g. ``akshare.stock_yjbb_em``), what was tried and how to
    proceed (retry later, use ``--offline``). Raised after retries and fallbacks are exhausted.
    """


class UpstreamRefusedError(SourceError):
    """An upstream host keeps refusing requests (IP ban, CAPTCHA wall, HTTP 403/429).

    npf-screen pauses once, then stops calling that host for the rest of the run; ``host`` names it.
    """

    def __init__(self, message: str, host: str = "") -> None:
        super().__init__(message)
        self.host = host


class SchemaDriftError(NpfScreenError, ValueError):
    """A source frame arrived with columns, dtypes, row counts or values other than expected.

    The message names the endpoint and lists the expected versus the received columns, so values
    are never silently shifted into the wrong column. Usually fixed by upgrading akshare.
    """

    def __init__(
        self,
        message: str,
        endpoint: str = "",
        expected: tuple[str, ...] = (),
        received: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.expected = tuple(expected)
        self.received = tuple(received)


class SnapshotError(NpfScreenError, RuntimeError):
    """The local snapshot cache cannot serve the request: no snapshot, unknown id, locked, unreadable."""
