"""Is there a network at all? Resolve and connect to every service at once, within a few seconds.

Without a network every endpoint fails slowly (timeouts, retries, fallbacks: about a minute for a
pull, minutes for ``doctor --live``). :func:`check_network` asks each service's host in parallel,
resolving its name and opening a TCP connection, and gives up after ``timeout`` seconds; when none
answers, :class:`NoNetworkError` says so, and the caller stops before making any request.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Sequence

from npf_screen.core.errors import SourceError
from npf_screen.sources.aliases import SERVICES
from npf_screen.sources.endpoint_spec import Service

__all__ = ["NoNetworkError", "check_network", "tcp_connect"]


class NoNetworkError(SourceError):
    """No upstream service could be resolved or connected to: the machine is offline."""


def tcp_connect(host: str, port: int, timeout: float) -> None:
    """Resolve ``host`` and open (then close) a TCP connection; raises OSError on failure."""
    with socket.create_connection((host, port), timeout=timeout):
        pass


def check_network(
    services: Sequence[Service] = SERVICES,
    *,
    timeout: float = 6.0,
    port: int = 443,
    connector: Callable[[str, int, float], None] = tcp_connect,
) -> dict[str, str]:
    """Probe every service's host in parallel; return ``{service: problem}`` for those that failed.

    Returns within ``timeout`` seconds (plus thread start-up): a host that has not answered by then
    counts as failed ("no answer"). The probe threads are daemons and end with their own socket timeout.

    Raises
    ------
    NoNetworkError
        Every service failed: the message names the cause for the first few and the time taken.
    """
    started = time.monotonic()
    problems: dict[str, str] = {}
    done: dict[str, bool] = {}
    lock = threading.Lock()
    finished = threading.Event()

    def probe(service: Service) -> None:
        try:
            connector(service.probe_host, port, timeout)
            outcome = ""
        except OSError as exc:
            outcome = f"{type(exc).__name__}: {exc}"[:160]
        with lock:
            done[service.key] = True
            if outcome:
                problems[service.key] = outcome
            if len(done) == len(services) or not outcome:
                finished.set()

    for service in services:
        threading.Thread(target=probe, args=(service,), name=f"npf-probe {service.key}", daemon=True).start()
    finished.wait(timeout)
    with lock:
        answered = [s.key for s in services if done.get(s.key) and s.key not in problems]
        result = {s.key: problems.get(s.key, "no answer") for s in services if s.key not in answered}
    if len(result) == len(services):
        seconds = time.monotonic() - started
        shown = "; ".join(f"{k}: {v}" for k, v in list(result.items())[:3])
        raise NoNetworkError(
            f"no network: none of the {len(services)} data services could be reached within {seconds:.1f} s "
            f"({shown}). Check the internet connection or a proxy (HTTPS_PROXY); use --offline to work "
            "from the latest snapshot."
        )
    return result
