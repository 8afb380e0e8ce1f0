"""Being a polite, resilient client: timeouts, jittered retries, one request in flight per host, bans.

akshare sets no timeout on most calls, retries little and knows nothing about bans. Every call we
make goes through :meth:`Politeness.call`, which

- runs it in a worker thread with a deadline (a dead host cannot hang a pull);
- holds a per-host lock, so at most one request is in flight to Eastmoney (or any host), and waits
  a jittered minimum interval between calls to the same host;
- retries timeouts and connection failures with exponential, jittered backoff;
- counts consecutive refusals (connection resets, ``RemoteDisconnected``, HTTP 403/429) per host;
  past a threshold it pauses once, probes once more, and if still refused stops calling that host
  for the rest of the run (:class:`UpstreamRefusedError`), so fallbacks on other hosts take over;
- sorts akshare's failure modes: "no data" (``'NoneType' object is not subscriptable``) and
  positional-rename breakage (``Length mismatch``) are not retried.

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

from npf_screen.core.errors import SchemaDriftError, SourceError, UpstreamRefusedError

__all__ = [
    "DRIFT",
    "NO_DATA",
    "REFUSED",
    "TRANSIENT",
    "CallTimeout",
    "Politeness",
    "PolitenessPolicy",
    "classify_failure",
]

REFUSED, TRANSIENT, NO_DATA, DRIFT, BUG = "refused", "transient", "no_data", "drift", "bug"

_REFUSAL_TEXT = ("remotedisconnected", "connection aborted", "connection reset", "forcibly closed", "captcha")
_NO_DATA_TEXT = ("'nonetype' object", "no tables found", "list index out of range")


class CallTimeout(TimeoutError):
    """A call that did not finish within its deadline (the worker thread is abandoned)."""


@dataclass(frozen=True)
class PolitenessPolicy:
    """How patient and how polite to be.

    Attributes
    ----------
    timeout : float or None
        Seconds per call for every endpoint; ``None`` uses each endpoint's own deadline.
    host_timeouts : mapping
        Seconds per call for the endpoints of one host (overrides ``timeout``).
    attempts : int
        Tries per call for timeouts and connection failures.
    backoff, backoff_cap : float
        Retry ``k`` waits ``min(cap, backoff * 2**k) * U(1, 1.5)`` seconds.
    min_interval : mapping
        Seconds between the end of one call and the start of the next to the same host, jittered
        by ``U(0.5, 1.5)``; hosts not listed use ``default_interval``.
    burst : mapping
        ``host → (calls, seconds)``: after every ``calls`` calls to the host, rest ``seconds``
        (Eastmoney reportedly bans after a few hundred quick requests; these are guesses to tune live).
    refusals_before_pause : int
        Consecutive refusals from one host that trigger the pause.
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
        default_factory=lambda: MappingProxyType({"eastmoney": 1.0, "ths": 1.0, "cninfo": 1.0, "sina": 2.0})
    )
    default_interval: float = 0.3
    burst: Mapping[str, tuple[int, float]] = field(
        default_factory=lambda: MappingProxyType({"eastmoney": (150, 120.0), "ths": (300, 60.0)})
    )
    refusals_before_pause: int = 3
    ban_pause: float = 300.0
    empty_streak_limit: int = 25

    @classmethod
    def impatient(cls) -> PolitenessPolicy:
        """No waiting at all: for tests and benchmarks against fakes."""
        return cls(
            backoff=0.0,
            min_interval=MappingProxyType({}),
            default_interval=0.0,
            burst=MappingProxyType({}),
            ban_pause=0.0,
        )


def classify_failure(exc: BaseException) -> str:
    """Sort an exception from an akshare call into refused / transient / no_data / drift / bug."""
    if isinstance(exc, SchemaDriftError):
        return DRIFT
    if isinstance(exc, UpstreamRefusedError):
        return REFUSED
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
    if isinstance(exc, TypeError | KeyError | AttributeError | IndexError) and (
        any(t in text for t in _NO_DATA_TEXT) or isinstance(exc, KeyError)
    ):
        return NO_DATA
    if type(exc).__name__ == "JSONDecodeError":  # an HTML error or CAPTCHA page instead of JSON
        return TRANSIENT
    return BUG


def _run_with_deadline(fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float, label: str) -> Any:
    box: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=target, name=f"npf-call {label}", daemon=True)
    worker.start()
    if not done.wait(timeout):
        raise CallTimeout(f"{label} did not answer within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


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


class Politeness:
    """Per-run politeness state shared by every call of one source.

    Parameters
    ----------
    policy : PolitenessPolicy, optional
        Timeouts, retries, intervals, ban handling; the defaults suit the real upstream.
    sleep : callable, default time.sleep
        Called with seconds to wait; inject a no-op in tests.
    clock : callable, default time.monotonic
        Seconds, for the interval between calls to one host.
    rng : random.Random, optional
        Source of jitter.
    """

    def __init__(
        self,
        policy: PolitenessPolicy | None = None,
        *,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or PolitenessPolicy()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._hosts: dict[str, _Host] = {}
        self._guard = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._guard:
            return self._hosts.setdefault(host, _Host())

    def banned_hosts(self) -> dict[str, str]:
        """Hosts this run stopped calling, with the refusal that stopped it."""
        return {name: h.banned for name, h in self._hosts.items() if h.banned}

    def _wait_turn(self, host: str, state: _Host) -> None:
        state.calls += 1
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

    def call(
        self, host: str, label: str, fn: Callable[..., Any], *args: Any, timeout: float = 60.0, **kwargs: Any
    ) -> CallOutcome:
        """Call ``fn(*args, **kwargs)`` politely and return its outcome.

        Raises
        ------
        UpstreamRefusedError
            The host refused repeatedly, even after the pause; it is not called again this run.
        SourceError
            Timeouts or connection failures on every attempt, or the endpoint had no data
            (``kind`` attribute: ``"transient"`` or ``"no_data"``).
        SchemaDriftError
            akshare could not map the upstream columns (``Length mismatch``).
        Exception
            Anything else is a bug and propagates unchanged.
        """
        state = self._host(host)
        deadline = self.policy.host_timeouts.get(host, self.policy.timeout)
        deadline = timeout if deadline is None else deadline
        started = self._clock()
        attempt, allowed = 0, self.policy.attempts
        while True:
            if state.banned:
                message = (
                    f"{label}: not called, because {host} refused this run's earlier requests "
                    f"({state.banned}). Wait an hour or more before pulling again, or use --offline."
                )
                raise _tag(UpstreamRefusedError(message, host=host), attempt, REFUSED)
            attempt += 1
            error: BaseException | None = None
            with state.lock:
                self._wait_turn(host, state)
                try:
                    value = _run_with_deadline(fn, args, kwargs, deadline, label)
                except BaseException as exc:
                    error = exc
                finally:
                    state.last_done = self._clock()
            if error is None:
                state.refusals = state.empty_streak = 0
                return CallOutcome(value, attempt, self._clock() - started)
            kind = classify_failure(error)
            if kind == BUG or isinstance(error, KeyboardInterrupt | SystemExit):
                raise error
            if kind == REFUSED:
                state.refusals += 1
                if state.refusals >= self.policy.refusals_before_pause:
                    if not state.paused:
                        state.paused = True
                        self._sleep(self.policy.ban_pause)
                        allowed = max(allowed, attempt + 1)  # one probe after the pause
                        continue
                    state.banned = f"{type(error).__name__}: {error}"[:200]
                    message = (
                        f"{label}: {host} keeps refusing requests ({state.banned}), even after a "
                        f"{self.policy.ban_pause:g} s pause; stopped calling it for this run. "
                        "Wait an hour or more, or use --offline."
                    )
                    raise _tag(UpstreamRefusedError(message, host=host), attempt, REFUSED) from error
            if kind == NO_DATA:
                state.empty_streak += 1
                if state.empty_streak >= self.policy.empty_streak_limit:
                    state.banned = f"{state.empty_streak} answers in a row without data, last {error}"[:200]
            if kind in (DRIFT, NO_DATA) or attempt >= allowed:
                raise _wrap(error, kind, label, attempt) from error
            self._sleep(self._backoff(attempt))


def _wrap(error: BaseException, kind: str, label: str, attempts: int) -> Exception:
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
    message = (
        f"{label}: failed after {attempts} attempt(s), last {described}. "
        "The site may be down or slow; retry later or use --offline."
    )
    if kind == REFUSED:
        return _tag(UpstreamRefusedError(message, host=label.split(".")[0]), attempts, kind)
    return _tag(SourceError(message), attempts, kind)


def _tag(error: Exception, attempts: int, kind: str) -> Exception:
    error.attempts = attempts  # type: ignore[attr-defined]
    error.kind = kind  # type: ignore[attr-defined]
    return error
