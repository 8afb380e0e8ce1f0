"""The HTTP guard under akshare: real timeouts, per-service pacing, counting and refusals, per request.

akshare calls ``requests`` directly, mostly without a timeout, and retries inside some functions. A
deadline around the *call* cannot stop a request already on the wire, and ``socket.setdefaulttimeout``
is overridden by requests/urllib3. So the guard sits where every request passes: it wraps
``requests.Session.send`` (which ``requests.get``/``post`` and every session use) once per process,
and while a call runs inside :meth:`HttpGuard.calling` each request

- gets a real connect and read timeout, clipped to what is left of the call's deadline; the body is
  read in chunks and abandoned once the request's own limit passes, so **no request outlives its
  call** (nothing runs in a background thread) and none lives longer than :attr:`TransportPolicy.request_cap`
  plus one read timeout;
- is keyed by the real service that answers it (:data:`~.aliases.SERVICES`: push2 and its numbered
  mirrors are one, the data centre and F10 pages are others), paced per service and counted;
- is classified on arrival: HTTP 403/429/456, a connection reset, or an HTML page where JSON or a
  file was expected (a block or CAPTCHA page served with 200) is a *refusal*; timeouts and 5xx are
  transient. Failures are raised as :class:`TransportError` subclasses, which are neither
  ``requests.RequestException`` nor ``ValueError``, so akshare's own retry loops do not repeat them;
- after :attr:`TransportPolicy.refusals_before_block` refusals in a row the service is blocked:
  further requests fail at once without being sent, until :meth:`HttpGuard.allow_probe` lets one
  through. A refusing service therefore receives at most ``refusals_before_block + 1`` requests per
  run; one that times out :attr:`TransportPolicy.failures_before_block` times in a row gets no more.

Requests made outside any call (another library in the same process) only get the default timeouts.
"""

from __future__ import annotations

import contextlib
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from npf_screen.core.errors import SourceError, UpstreamRefusedError
from npf_screen.sources.aliases import SERVICES
from npf_screen.sources.endpoint_spec import Service

__all__ = [
    "HttpGuard",
    "RequestRefused",
    "RequestTimedOut",
    "ServiceUnreachable",
    "TransportError",
    "TransportPolicy",
    "install",
    "service_of",
]

_HTML = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<script|<meta|<title)", re.IGNORECASE)
#: Marks of a verification or rate-limit page where an HTML page is the expected answer (unverified
#: live: THS's own block page has not been seen; these are the words such pages use).
_CAPTCHA = re.compile("captcha|滑块|安全验证|验证码|访问过于频繁|访问频率过快", re.IGNORECASE)
_REFUSAL_STATUS = frozenset({403, 429, 456})


class TransportError(SourceError):
    """A request that failed at the transport; ``service`` names the real service, ``kind`` the class."""

    kind = "transient"

    def __init__(self, message: str, service: str = "") -> None:
        super().__init__(message)
        self.service = service
        self.host = service


class RequestRefused(TransportError, UpstreamRefusedError):
    """The service refused: HTTP 403/429/456, a reset connection, or a block/CAPTCHA page."""

    kind = "refused"


class RequestTimedOut(TransportError):
    """Connect or read timeout, or the call's deadline passed before or during the request."""


class ServiceUnreachable(TransportError):
    """Name resolution or the TCP connection failed (no network, or the host is down)."""


@dataclass(frozen=True)
class TransportPolicy:
    """Timeouts, pacing and the refusal threshold of the guard.

    Attributes
    ----------
    connect_timeout, read_timeout : float
        Seconds to connect, and to wait for each read (first byte, then each chunk of the body).
    request_cap : float
        Seconds a request may take in all; the body read stops once it passes. A request ends at the
        latest ``request_cap + read_timeout`` after it started, sooner if its call's deadline is nearer.
    min_interval : mapping
        Seconds between the starts of two requests to one service, jittered by ``U(0.5, 1.5)``.
    default_interval : float
        The same for services not listed.
    burst : mapping
        ``service → (requests, seconds)``: after every ``requests`` requests, rest ``seconds``
        (Eastmoney reportedly bans after a few hundred quick requests; to be tuned live).
    refusals_before_block : int
        Refused requests in a row after which the service is blocked (until a probe is allowed).
    failures_before_block : int
        Timeouts or connection failures in a row after which the service counts as not answering:
        further requests fail at once (transient, not sent) for the rest of the run.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    request_cap: float = 30.0
    min_interval: Any = field(
        default_factory=lambda: {
            "em-push2": 1.0,
            "em-datacenter": 1.0,
            "em-emweb": 1.0,
            "ths": 1.0,
            "cninfo": 1.0,
            "sina": 2.0,
        }
    )
    default_interval: float = 0.3
    burst: Any = field(
        default_factory=lambda: {"em-push2": (150, 120.0), "em-emweb": (300, 60.0), "ths": (300, 60.0)}
    )
    refusals_before_block: int = 3
    failures_before_block: int = 3

    @classmethod
    def impatient(cls, **overrides: Any) -> TransportPolicy:
        """No pacing at all: for tests and benchmarks against canned answers."""
        return cls(min_interval={}, default_interval=0.0, burst={}, **overrides)


def service_of(url: str, services: Sequence[Service] = SERVICES) -> str:
    """The service key of a URL (``https://17.push2.eastmoney.com/...`` → ``em-push2``); else its host."""
    netloc = urlsplit(url).netloc.lower()
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0]
    for service in services:
        if re.fullmatch(service.hosts, host):
            return service.key
    return host


@dataclass
class _ServiceState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    sent: int = 0
    refused: int = 0
    failed: int = 0
    not_sent: int = 0
    in_a_row: int = 0
    failed_in_a_row: int = 0
    silent: str = ""
    blocked: str = ""
    probes: int = 0
    longest: float = 0.0


@dataclass
class _Call:
    guard: HttpGuard
    label: str
    deadline: float | None
    sent: int = 0


_local = threading.local()
_install_lock = threading.Lock()
_original_send: Callable[..., Any] | None = None


def install() -> None:
    """Wrap ``requests.Session.send`` once per process (idempotent); only default timeouts outside a call."""
    global _original_send
    import requests

    with _install_lock:
        if _original_send is not None:
            return
        _original_send = requests.Session.send

        def send(session: Any, request: Any, **kwargs: Any) -> Any:
            call: _Call | None = getattr(_local, "call", None)
            if call is None:
                return _original_send(session, request, **_default_timeout(kwargs))  # type: ignore[misc]
            return call.guard.send(call, session, request, kwargs)

        requests.Session.send = send  # type: ignore[method-assign]


def _default_timeout(kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs.get("timeout") is None:
        policy = TransportPolicy()
        kwargs["timeout"] = (policy.connect_timeout, policy.read_timeout)
    return kwargs


class HttpGuard:
    """Per-run request bookkeeping shared by every call of one source (see the module docs).

    Parameters
    ----------
    policy : TransportPolicy, optional
        Timeouts, pacing and the refusal threshold.
    services : sequence of Service
        The service table (default :data:`~.aliases.SERVICES`).
    sleep, clock : callable
        Injected for tests and simulated-time benchmarks.
    rng : random.Random, optional
        Source of jitter.
    """

    def __init__(
        self,
        policy: TransportPolicy | None = None,
        *,
        services: Sequence[Service] = SERVICES,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or TransportPolicy()
        self.services = tuple(services)
        self._expects = {s.key: s.expects for s in self.services}
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._states: dict[str, _ServiceState] = {}
        self._guard = threading.Lock()
        install()

    # ------------------------------------------------------------------ bookkeeping
    def _state(self, service: str) -> _ServiceState:
        with self._guard:
            return self._states.setdefault(service, _ServiceState())

    def counts(self) -> dict[str, dict[str, float]]:
        """Per service: requests sent, refused, failed, not sent (blocked), longest seconds, blocked."""
        with self._guard:
            items = list(self._states.items())
        return {
            key: {
                "sent": s.sent,
                "refused": s.refused,
                "failed": s.failed,
                "not_sent": s.not_sent,
                "longest_seconds": round(s.longest, 3),
                "blocked": bool(s.blocked or s.silent),
            }
            for key, s in items
        }

    def sent(self) -> int:
        """HTTP requests actually sent so far (all services)."""
        with self._guard:
            return sum(s.sent for s in self._states.values())

    def blocked(self, service: str) -> str:
        """Why ``service`` is blocked ('' when it is not)."""
        return self._state(service).blocked

    def allow_probe(self, service: str) -> None:
        """Let exactly one request through to a blocked service (after the caller's pause)."""
        state = self._state(service)
        with state.lock:
            state.probes = 1

    @contextlib.contextmanager
    def calling(self, label: str, timeout: float | None) -> Iterator[_Call]:
        """Run an akshare call: its requests are guarded and end before ``timeout`` seconds pass.

        Yields the call's record; its ``sent`` counts the requests the call sent.
        """
        previous = getattr(_local, "call", None)
        deadline = None if timeout is None else self._clock() + timeout
        call = _local.call = _Call(self, label, deadline)
        try:
            yield call
        finally:
            _local.call = previous

    # ------------------------------------------------------------------ one request
    def _reserve(self, service: str, state: _ServiceState, call: _Call) -> None:
        """Wait for this service's next slot (paced, bursts rested) or fail fast when blocked."""
        p = self.policy
        with state.lock:
            if state.silent:
                state.not_sent += 1
                raise ServiceUnreachable(
                    f"{call.label}: request to {service} not sent: {service} stopped answering this run "
                    f"({state.silent})",
                    service,
                )
            if state.blocked and state.probes <= 0:
                state.not_sent += 1
                raise RequestRefused(
                    f"{call.label}: request to {service} not sent: {service} refused this run's earlier "
                    f"requests ({state.blocked})",
                    service,
                )
            state.probes = max(0, state.probes - 1) if state.blocked else state.probes
            now = self._clock()
            every, rest = p.burst.get(service, (0, 0.0))
            interval = p.min_interval.get(service, p.default_interval)
            start = max(now, state.next_start)
            if every and state.sent and state.sent % every == 0:
                start = max(start, now + rest)
            if call.deadline is not None and start >= call.deadline:
                state.not_sent += 1
                raise RequestTimedOut(f"{call.label}: the call's deadline passed before a request", service)
            state.sent += 1
            call.sent += 1
            state.next_start = start + interval * self._rng.uniform(0.5, 1.5) if interval > 0 else start
        if start > now:
            self._sleep(start - now)

    def send(self, call: _Call, session: Any, request: Any, kwargs: dict[str, Any]) -> Any:
        """Send one request for ``call`` (used by the wrapped ``Session.send``)."""
        import requests
        import urllib3
        from urllib3.util import Timeout

        assert _original_send is not None
        service = service_of(request.url, self.services)
        state = self._state(service)
        self._reserve(service, state, call)
        p = self.policy
        started = self._clock()
        limit = p.request_cap if call.deadline is None else min(p.request_cap, call.deadline - started)
        if limit <= 0:
            raise RequestTimedOut(f"{call.label}: the call's deadline passed before a request", service)
        given = kwargs.get("timeout")
        connect, read = given if isinstance(given, tuple) else (given, given)
        connect = min(x for x in (p.connect_timeout, connect, limit) if isinstance(x, int | float))
        read = min(x for x in (p.read_timeout, read, limit) if isinstance(x, int | float))
        wanted_stream = bool(kwargs.get("stream"))
        kwargs = {**kwargs, "timeout": Timeout(connect=connect, read=read), "stream": True}
        try:
            response = _original_send(session, request, **kwargs)
            if not wanted_stream:
                response._content = self._read_body(response, started + limit, call, service)
                response._content_consumed = True
        except TransportError as exc:
            self._failed(state, exc)
            raise
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            error = _classify(exc, call.label, service)
            self._failed(state, error)
            raise error from exc
        finally:
            with state.lock:
                state.longest = max(state.longest, self._clock() - started)
        refusal = self._refusal(response, service)
        if refusal:
            error = RequestRefused(f"{call.label}: {service} refused: {refusal}", service)
            self._failed(state, error)
            raise error
        if response.status_code >= 500:
            error = TransportError(f"{call.label}: {service} answered HTTP {response.status_code}", service)
            self._failed(state, error)
            raise error
        with state.lock:
            state.in_a_row = state.failed_in_a_row = 0
            state.blocked = ""
        return response

    def _read_body(self, response: Any, ends: float, call: _Call, service: str) -> bytes:
        """Read the body one socket read at a time (``read1``), so a server trickling bytes cannot
        keep a request alive: each read waits at most the read timeout, and the limit is checked
        between reads."""
        from urllib3.response import BaseHTTPResponse

        raw = response.raw
        chunks = []
        while True:
            if isinstance(raw, BaseHTTPResponse):
                chunk = raw.read1(64 * 1024, decode_content=True)
            else:
                chunk = raw.read(64 * 1024)
            if not chunk:
                break
            chunks.append(chunk)
            if self._clock() > ends:
                response.close()
                raise RequestTimedOut(f"{call.label}: {service} was still sending at the time limit", service)
        return b"".join(chunks)

    def _refusal(self, response: Any, service: str) -> str:
        if response.status_code in _REFUSAL_STATUS:
            return f"HTTP {response.status_code}"
        expects = self._expects.get(service, "")
        body = response._content[:4096] if response._content_consumed and response._content else b""
        if response.status_code != 200 or not body:
            return ""
        if expects not in ("html", "") and _HTML.match(body):
            return f"an HTML page (a block or CAPTCHA page?) where {expects} was expected"
        if expects == "html" and _CAPTCHA.search(
            body.decode("utf-8", "ignore") + body.decode("gb18030", "ignore")
        ):
            return "a verification (CAPTCHA) page"
        return ""

    def _failed(self, state: _ServiceState, error: TransportError) -> None:
        with state.lock:
            if isinstance(error, RequestRefused):
                state.refused += 1
                state.in_a_row += 1
                if state.in_a_row >= self.policy.refusals_before_block or state.blocked:
                    state.blocked = str(error).split(": ", 1)[-1][:200]
                    state.probes = 0
            else:
                state.failed += 1
                state.failed_in_a_row += 1
                if state.failed_in_a_row >= self.policy.failures_before_block:
                    state.silent = str(error).split(": ", 1)[-1][:200]


def _classify(exc: Exception, label: str, service: str) -> TransportError:
    import requests

    text = f"{type(exc).__name__}: {exc}"
    lowered = text.lower()
    if isinstance(exc, requests.Timeout | TimeoutError) or "timeout" in type(exc).__name__.lower():
        return RequestTimedOut(f"{label}: {service} timed out ({text[:200]})", service)
    if isinstance(exc, requests.ConnectionError | ConnectionError):
        if any(
            t in lowered for t in ("reset", "remotedisconnected", "connection aborted", "forcibly closed")
        ):
            return RequestRefused(f"{label}: {service} dropped the connection ({text[:200]})", service)
        return ServiceUnreachable(f"{label}: {service} unreachable ({text[:200]})", service)
    return RequestTimedOut(f"{label}: {service} failed ({text[:200]})", service)
