"""Being a polite, resilient client: deadlines, jittered retries, one call in flight per service, bans.

Every akshare call goes through :meth:`Politeness.call`, which

- runs it in the calling thread under a deadline that the HTTP guard (:mod:`.transport`) enforces on
  every request the call makes: no watchdog thread, and no request outlives its call;
- holds a per-service lock, so at most one call is in flight to Eastmoney's quote servers (or any
  service); the pause between requests is kept per request by the guard (per call for an injected
  akshare-like object, which has no HTTP underneath);
- retries timeouts and connection failures with exponential, jittered backoff;
- when a service refuses (HTTP 403/429, resets, block or CAPTCHA pages) it pauses once, lets one probe
  request through, and if that is refused too stops calling the service for the rest of the run
  (:class:`UpstreamRefusedError`), so fallbacks on other services take over;
- sorts akshare's failures: "no data" (``'NoneType' object is not subscriptable``, the division by
  zero on an empty Eastmoney list, cninfo's bare ``Exception``) and positional-rename breakage
  (``Length mismatch``) are not retried, and any other exception raised inside akshare (an Excel
  parser fed an HTML page …) is an upstream *content* failure, reported as :class:`SourceError`
  naming the call, never a crash.

Sleeping and the clock are injected, so tests never sleep for real.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from npf_screen.core.errors import NpfScreenError, SchemaDriftError, SourceError, UpstreamRefusedError

__all__ = [
    "CONTENT",
    "DRIFT",
    "NO_DATA",
    "REFUSED",
    "TRANSIENT",
    "CallOutcome",
    "Politeness",
    "PolitenessPolicy",
    "classify_failure",
]

REFUSED, TRANSIENT, NO_DATA, DRIFT, CONTENT, BUG = (
    "refused",
    "transient",
    "no_data",
    "drift",
    "content",
    "bug",
)

_REFUSAL_TEXT = ("remotedisconnected", "connection aborted", "connection reset", "forcibly closed", "captcha")
_NO_DATA_TEXT = ("'nonetype' object", "no tables found", "list index out of range")


@dataclass(frozen=True)
class PolitenessPolicy:
    """How patient and how polite to be.

    Attributes
    ----------
    timeout : float or None
        Seconds per call for every endpoint; ``None`` uses each endpoint's own deadline. The HTTP
        guard enforces it on each request the call makes.
    host_timeouts : mapping
        Seconds per call for the endpoints of one host (overrides ``timeout``).
    attempts : int
        Tries per call for timeouts and connection failures.
    backoff, backoff_cap : float
        Retry ``k`` waits ``min(cap, backoff * 2**k) * U(1, 1.5)`` seconds.
    min_interval : mapping
        Only for an akshare-like object without HTTP underneath (the guard paces real requests,
        :class:`~.transport.TransportPolicy`): seconds between the end of one call and the start of
        the next to the same service, jittered by ``U(0.5, 1.5)``; others use ``default_interval``.
    burst : mapping
        The same: ``service → (calls, seconds)``, rest ``seconds`` after every ``calls`` calls.
    refusals_before_pause : int
        Consecutive refused calls from one service that trigger the pause (for an akshare-like
        object; real requests are counted by the guard, which blocks the service after its own
        :attr:`~.transport.TransportPolicy.refusals_before_block` refused requests).
    ban_pause : float
        Seconds to pause once the host refuses; after it, one probe decides whether to go on.
    empty_streak_limit : int
        Consecutive "no data" answers after which a host counts as blocking us (a block page
        parses as an empty page), and is stopped like a refusing one.
    """

    timeout: float | None = None
    host_timeouts: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    attempts: int = 3
    backoff: float = 2.0
    backoff_cap: float = 60.0
    min_interval: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"em-push2": 1.0, "em-datacenter": 1.0, "em-emweb": 1.0, "ths": 1.0, "cninfo": 1.0, "sina": 2.0}
        )
    )
    default_interval: float = 0.3
    burst: Mapping[str, tuple[int, float]] = field(
        default_factory=lambda: MappingProxyType(
            {"em-push2": (150, 120.0), "em-emweb": (300, 60.0), "ths": (300, 60.0)}
        )
    )
    refusals_before_pause: int = 3
    ban_pause: float = 300.0
    empty_streak_limit: int = 25

    @classmethod
    def impatient(cls, **overrides: Any) -> PolitenessPolicy:
        """No waiting at all: for tests and benchmarks against fakes."""
        options: dict[str, Any] = {
            "backoff": 0.0,
            "min_interval": MappingProxyType({}),
            "default_interval": 0.0,
            "burst": MappingProxyType({}),
            "ban_pause": 0.0,
        }
        return cls(**{**options, **overrides})


def classify_failure(exc: BaseException) -> str:
    """Sort an exception from an akshare call: refused / transient / no_data / drift / content / bug.

    ``bug`` is left for npf-screen's own errors and interpreter exits; anything else raised inside an
    akshare function comes from what the upstream sent (or failed to send).
    """
    kind = getattr(exc, "kind", None)
    if kind in (REFUSED, TRANSIENT) and isinstance(exc, SourceError):
        return str(kind)  # classified by the HTTP guard
    if isinstance(exc, SchemaDriftError):
        return DRIFT
    if isinstance(exc, UpstreamRefusedError):
        return REFUSED
    if isinstance(exc, NpfScreenError) or not isinstance(exc, Exception):
        return BUG
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int):
        if status in (403, 429, 456):
            return REFUSED
        return NO_DATA if status == 404 else TRANSIENT
    text = f"{type(exc).__name__}: {exc}".lower()
    chain = exc.__context__ or exc.__cause__
    if isinstance(exc, ConnectionResetError) or any(t in text for t in _REFUSAL_TEXT):
        return REFUSED
    if chain is not None and isinstance(chain, ConnectionResetError):
        return REFUSED
    if isinstance(exc, TimeoutError | ConnectionError | OSError) or "timeout" in type(exc).__name__.lower():
        return TRANSIENT
    if isinstance(exc, ValueError) and "length mismatch" in text:
        return DRIFT
    if isinstance(exc, ZeroDivisionError | KeyError) or type(exc) is Exception:
        return NO_DATA  # an empty Eastmoney list; a missing key; cninfo's bare Exception("数据错误！")
    if isinstance(exc, TypeError | AttributeError | IndexError) and any(t in text for t in _NO_DATA_TEXT):
        return NO_DATA
    return CONTENT


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_done: float | None = None
    refusals: int = 0
    empty_streak: int = 0
    calls: int = 0
    paused: bool = False
    banned: str = ""


@dataclass(frozen=True)
class CallOutcome:
    """A successful call: its value, how many attempts it took and its duration in seconds."""

    value: Any
    attempts: int
    seconds: float
    requests: int | None = None  # HTTP requests sent, when the guard counted them


class Politeness:
    """Per-run politeness state shared by every call of one source.

    Parameters
    ----------
    policy : PolitenessPolicy, optional
        Timeouts, retries, intervals, ban handling; the defaults suit the real upstream.
    sleep : callable, default time.sleep
        Called with seconds to wait; inject a no-op in tests.
    clock : callable, default time.monotonic
        Seconds, for the interval between calls to one service.
    rng : random.Random, optional
        Source of jitter.
    guard : HttpGuard, optional
        The HTTP guard under real akshare (set by the source): it enforces deadlines, paces and counts
        requests; without one, calls are paced here and deadlines are not enforced.
    """

    def __init__(
        self,
        policy: PolitenessPolicy | None = None,
        *,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        guard: Any = None,
    ) -> None:
        self.policy = policy or PolitenessPolicy()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self.guard = guard
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(host, _Host())

    def banned_hosts(self) -> dict[str, str]:
        """Services this run stopped calling, with the refusal that stopped it."""
        with self._lock:
            return {name: h.banned for name, h in self._hosts.items() if h.banned}

    def _wait_turn(self, host: str, state: _Host) -> None:
        state.calls += 1
        if self.guard is not None:
            return  # real requests are paced one by one by the guard
        every, rest = self.policy.burst.get(host, (0, 0.0))
        if every and state.calls > 1 and (state.calls - 1) % every == 0:
            self._sleep(rest)
            return
        interval = self.policy.min_interval.get(host, self.policy.default_interval)
        if state.last_done is None or interval <= 0:
            return
        wait = interval * self._rng.uniform(0.5, 1.5) - (self._clock() - state.last_done)
        if wait > 0:
            self._sleep(wait)

    def _backoff(self, attempt: int) -> float:
        p = self.policy
        return min(p.backoff_cap, p.backoff * 2 ** (attempt - 1)) * self._rng.uniform(1.0, 1.5)

    def _run(
        self, label: str, fn: Callable[..., Any], args: tuple, kwargs: dict, deadline: float, sent: list[int]
    ) -> Any:
        if self.guard is None:
            return fn(*args, **kwargs)
        with self.guard.calling(label, deadline) as call:
            try:
                return fn(*args, **kwargs)
            finally:
                sent.append(call.sent)

    def call(
        self, host: str, label: str, fn: Callable[..., Any], *args: Any, timeout: float = 60.0, **kwargs: Any
    ) -> CallOutcome:
        """Call ``fn(*args, **kwargs)`` politely and return its outcome.

        Raises
        ------
        UpstreamRefusedError
            The service refused repeatedly, even after the pause; it is not called again this run.
        SourceError
            Timeouts or connection failures on every attempt, no data, or content akshare could not
            parse (``kind`` attribute: ``"transient"``, ``"no_data"`` or ``"content"``).
        SchemaDriftError
            akshare could not map the upstream columns (``Length mismatch``).
        Exception
            npf-screen's own errors and interpreter exits propagate unchanged.
        """
        state = self._host(host)
        deadline = self.policy.host_timeouts.get(host, self.policy.timeout)
        deadline = timeout if deadline is None else deadline
        started = self._clock()
        attempt, allowed = 0, self.policy.attempts
        sent: list[int] = []
        while True:
            if state.banned:
                message = (
                    f"{label}: not called, because {host} refused this run's earlier requests "
                    f"({state.banned}). Wait an hour or more before pulling again, or use --offline."
                )
                raise _tag(UpstreamRefusedError(message, host=host), attempt, REFUSED, sent)
            attempt += 1
            error: BaseException | None = None
            with state.lock:
                self._wait_turn(host, state)
                try:
                    value = self._run(label, fn, args, kwargs, deadline, sent)
                except BaseException as exc:
                    error = exc
                finally:
                    state.last_done = self._clock()
            if error is None:
                state.refusals = state.empty_streak = 0
                requests = sum(sent) if self.guard is not None else None
                return CallOutcome(value, attempt, self._clock() - started, requests)
            kind = classify_failure(error)
            if kind == BUG:
                raise error
            if kind == REFUSED:
                service = getattr(error, "service", "") or host
                blocked = self.guard.blocked(service) if self.guard is not None else ""
                state.refusals += 1
                if blocked or (self.guard is None and state.refusals >= self.policy.refusals_before_pause):
                    if not state.paused:
                        state.paused = True
                        self._sleep(self.policy.ban_pause)
                        if self.guard is not None:
                            self.guard.allow_probe(service)
                        allowed = max(allowed, attempt + 1)  # one probe after the pause
                        continue
                    state.banned = f"{type(error).__name__}: {error}"[:200]
                    message = (
                        f"{label}: {host} keeps refusing requests ({state.banned}), even after a "
                        f"{self.policy.ban_pause:g} s pause; stopped calling it for this run. "
                        "Wait an hour or more, or use --offline."
                    )
                    raise _tag(UpstreamRefusedError(message, host=host), attempt, REFUSED, sent) from error
            if kind == NO_DATA:
                state.empty_streak += 1
                if state.empty_streak >= self.policy.empty_streak_limit:
                    state.banned = f"{state.empty_streak} answers in a row without data, last {error}"[:200]
            if kind in (DRIFT, NO_DATA, CONTENT) or attempt >= allowed:
                raise _tag(_wrap(error, kind, label, attempt, host), attempt, kind, sent) from error
            self._sleep(self._backoff(attempt))


def _wrap(error: BaseException, kind: str, label: str, attempts: int, host: str) -> Exception:
    described = f"{type(error).__name__}: {error}"
    if kind == DRIFT:
        message = (
            f"{label}: akshare could not map the upstream columns ({described}). "
            "The site changed its output; upgrade akshare (pip install -U akshare)."
        )
        return _tag(SchemaDriftError(message, endpoint=label), attempts, kind)
    if kind == NO_DATA:
        message = (
            f"{label}: the upstream returned no data ({described}); the arguments may name something "
            "not published yet or no longer listed."
        )
        return _tag(SourceError(message), attempts, kind)
    if kind == CONTENT:
        message = (
            f"{label}: akshare could not read what {host} sent ({described}); the site may have served "
            "an error page or changed its format. Upgrade akshare if it persists."
        )
        return _tag(SourceError(message), attempts, kind)
    message = (
        f"{label}: failed after {attempts} attempt(s), last {described}. "
        "The site may be down or slow; retry later or use --offline."
    )
    if kind == REFUSED:
        return _tag(UpstreamRefusedError(message, host=host), attempts, kind)
    return _tag(SourceError(message), attempts, kind)


def _tag(error: Exception, attempts: int, kind: str, sent: list[int] | None = None) -> Exception:
    error.attempts = attempts  # type: ignore[attr-defined]
    error.kind = kind  # type: ignore[attr-defined]
    if sent is not None:
        error.requests = sum(sent) if sent else attempts  # type: ignore[attr-defined]
    return error
