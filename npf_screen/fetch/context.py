"""What every stage of a pull shares: the source it calls, its clock, and where progress goes.

:func:`as_source` and :func:`make_progress` turn the ``source=`` and ``progress=`` arguments of the
public pull functions (:mod:`npf_screen.fetch.api`) into the objects the stages use; :func:`utc_now` is
the default clock.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from typing import Any, ClassVar

from npf_screen.core.errors import SchemaDriftError, SourceError
from npf_screen.sources.akshare_source import AkshareSource

__all__ = ["SOURCE_ERRORS", "ProgressSink", "TqdmProgress", "as_source", "make_progress", "utc_now"]

#: Failures of one dataset or company that a pull records and moves past.
SOURCE_ERRORS = (SourceError, SchemaDriftError)


def utc_now() -> dt.datetime:
    """The current UTC time (the default clock of a pull)."""
    return dt.datetime.now(dt.UTC)


def as_source(source: Any) -> AkshareSource:
    """``None``: the default source (:meth:`AkshareSource.default`); an akshare-like object: wrapped."""
    if source is None:
        return AkshareSource.default()
    return source if isinstance(source, AkshareSource) else AkshareSource(source)


class ProgressSink:
    """Receives progress of long steps; the base class ignores it (``--quiet``, not a terminal).

    Subclass it, or pass any object with these three methods as ``progress=``.
    """

    def start(self, task: str, total: int) -> None:
        """A step with ``total`` units begins."""

    def advance(self, task: str, n: int = 1) -> None:
        """``n`` more units of ``task`` are done."""

    def finish(self, task: str) -> None:
        """The step ended (completed, stopped or failed)."""


class TqdmProgress(ProgressSink):
    """One tqdm bar per step on stderr."""

    _LABELS: ClassVar[dict[str, str]] = {
        "datasets": "bulk datasets",
        "texts": "business text",
        "composition": "revenue mix",
        "snapshot": "writing snapshot",
    }

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}
        self._lock = threading.Lock()

    def start(self, task: str, total: int) -> None:
        from tqdm import tqdm

        with self._lock:
            self._bars[task] = tqdm(total=total, desc=self._LABELS.get(task, task), unit="", leave=True)

    def advance(self, task: str, n: int = 1) -> None:
        with self._lock:
            if task in self._bars:
                self._bars[task].update(n)

    def finish(self, task: str) -> None:
        with self._lock:
            bar = self._bars.pop(task, None)
        if bar is not None:
            bar.close()


def make_progress(progress: ProgressSink | bool | None) -> ProgressSink:
    """``None``: bars when stderr is a terminal; ``True``/``False``: always/never; or a sink as is."""
    if isinstance(progress, bool) or progress is None:
        show = sys.stderr.isatty() if progress is None else progress
        return TqdmProgress() if show else ProgressSink()
    return progress
