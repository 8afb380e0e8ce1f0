"""A canned upstream under akshare: the HTTP transport replaced, inside tests only, by payload builders.

:class:`CannedUpstream` replaces ``requests.adapters.HTTPAdapter.send`` (the transport every
``requests`` call ends in, below npf-screen's HTTP guard, which wraps ``Session.send``), routes each
request by host and path to the payload builder of :mod:`.payloads`, and answers with the bytes the real
service would send, so akshare's own functions parse them. It counts the requests each service
received and can simulate latency. Faults are queued per service:

- ``"403"``: an nginx block page with HTTP 403; ``"captcha"``: an HTML CAPTCHA page with HTTP 200;
- ``"empty_diff"``: Eastmoney's list API with an empty ``diff`` (akshare divides by zero on it);
- ``"reset"``, ``"hang"``, ``"drip"``: the request really goes to a local socket on 127.0.0.1
  (:class:`LocalServer`) that resets the connection, accepts and never answers, or sends headers
  and then one byte at a time; the transport's real timeouts apply;
- ``"refused"``: a closed local port (connection refused, as without a network);
- ``"odd_json"``: HTTP 200 with a JSON error object where data was expected (akshare then fails in
  its own way: Excel parser ValueError, ``result`` None, cninfo's bare ``Exception``).
"""

from __future__ import annotations

import contextlib
import io
import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from npf_screen.sources.transport import service_of

from . import payloads as pl

LOCAL_KINDS = ("reset", "hang", "drip", "refused")


class LocalServer:
    """A misbehaving HTTP server on 127.0.0.1 (one thread), for the failures only sockets can show.

    ``mode``: ``reset`` closes each connection with a TCP reset after reading the request; ``hang``
    reads the request and never answers; ``drip`` answers headers promising 1 MB, then one byte every
    0.2 s. Every socket is closed when the server stops (the ``with`` block ends), so nothing outlives a test.
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, name=f"local-{mode}", daemon=True)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        for client in self._clients:
            with contextlib.suppress(OSError):
                client.close()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._clients.append(client)
            client.settimeout(0.5)
            with contextlib.suppress(OSError):
                client.recv(65536)
                if self.mode == "reset":
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    client.close()
                elif self.mode == "drip":
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    client.sendall(head + b"Content-Length: 1000000\r\n\r\n")
                    while not self._stop.wait(0.2):
                        client.sendall(b" ")


def closed_port() -> int:
    """A local port nobody listens on (connecting is refused at once)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def _response(request: Any, status: int, body: bytes, content_type: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = {200: "OK", 403: "Forbidden", 404: "Not Found"}.get(status, "")
    response.headers = CaseInsensitiveDict({"Content-Type": content_type, "Content-Length": str(len(body))})
    response.raw = io.BytesIO(body)
    response.url = request.url
    response.request = request
    response.encoding = None
    return response


class CannedUpstream:
    """Answers akshare's requests from a synthetic market (see the module docs).

    Parameters
    ----------
    market : pandas.DataFrame
        From :func:`tests.fakes.market.make_market`.
    quarters : tuple of str
        Report quarters the data centre has published.
    board_codes : bool
        Eastmoney's list gives board codes (``BK0501``) instead of names in f100/f103.
    latency : float
        Seconds each request takes (passed to ``sleep``).
    """

    def __init__(
        self,
        market: pd.DataFrame,
        *,
        quarters: tuple[str, ...] = ("20260630", "20260930"),
        board_codes: bool = False,
        latency: float = 0.0,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.market = market
        self.quarters = quarters
        self.board_codes = board_codes
        self.latency = latency
        self._sleep = sleep
        self.received: Counter[str] = Counter()
        self._faults: dict[str, list[list[Any]]] = defaultdict(list)
        self._by_code = {r["code"]: r for r in market.to_dict("records")}
        self._lock = threading.Lock()
        self._servers: dict[str, LocalServer] = {}
        self._original = HTTPAdapter.send

    def fault(self, service: str, kind: str, times: int = 10**6) -> None:
        """Answer the next ``times`` requests to ``service`` (a key of ``SERVICES``) with ``kind``."""
        self._faults[service].append([kind, times])

    def _take(self, service: str) -> str | None:
        with self._lock:
            self.received[service] += 1
            for entry in self._faults[service]:
                if entry[1] > 0:
                    entry[1] -= 1
                    return str(entry[0])
        return None

    @contextlib.contextmanager
    def installed(self) -> Iterator[CannedUpstream]:
        """Replace the transport under ``requests`` for the ``with`` block (and stop local servers after)."""
        upstream = self

        def send(adapter: HTTPAdapter, request: Any, **kwargs: Any) -> requests.Response:
            return upstream._send(adapter, request, kwargs)

        HTTPAdapter.send = send  # type: ignore[method-assign]
        try:
            yield self
        finally:
            HTTPAdapter.send = self._original  # type: ignore[method-assign]
            for server in self._servers.values():
                server.__exit__()
            self._servers.clear()

    def _local(self, adapter: HTTPAdapter, request: Any, kind: str, kwargs: dict[str, Any]) -> Any:
        if kind == "refused":
            port = closed_port()
        else:
            with self._lock:
                if kind not in self._servers:
                    self._servers[kind] = LocalServer(kind).__enter__()
                port = self._servers[kind].port
        local = request.copy()
        local.url = f"http://127.0.0.1:{port}/{urlsplit(request.url).path.lstrip('/')}"
        local.headers["Host"] = f"127.0.0.1:{port}"
        return self._original(adapter, local, **kwargs)

    def _send(self, adapter: HTTPAdapter, request: Any, kwargs: dict[str, Any]) -> Any:
        service = service_of(request.url)
        kind = self._take(service)
        if self.latency:
            self._sleep(self.latency)
        if kind in LOCAL_KINDS:
            return self._local(adapter, request, kind, kwargs)
        if kind == "403":
            return _response(request, 403, pl.BLOCK_PAGE, "text/html")
        if kind == "captcha":
            return _response(request, 200, pl.CAPTCHA_PAGE, "text/html; charset=utf-8")
        if kind == "empty_diff":
            return _response(request, 200, pl.EMPTY_DIFF, "application/json")
        if kind == "odd_json":
            return _response(request, 200, pl.ODD_JSON, "application/json")
        status, body, content_type = self._route(request)
        return _response(request, status, body, content_type)

    def _route(self, request: Any) -> tuple[int, bytes, str]:
        parts = urlsplit(request.url)
        host, path = parts.hostname or "", parts.path
        params = dict(parse_qsl(parts.query))
        if isinstance(request.body, str | bytes) and request.body:
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            params.update(parse_qsl(body))
        market, json_type, xlsx = self.market, "application/json", "application/vnd.ms-excel"
        if host == "query.sse.com.cn":
            return 200, pl.sse_list(market, params["STOCK_TYPE"]), json_type
        if host == "www.szse.cn":
            return 200, pl.szse_list(market), xlsx
        if host == "www.bse.cn":
            return 200, pl.bse_page(market, int(params.get("page", 0))), "text/html"
        if host.endswith("push2.eastmoney.com") and path == "/api/qt/clist/get":
            return 200, pl.clist_page(market, params, self.board_codes), json_type
        if host == "datacenter-web.eastmoney.com" and "reportName" in params:
            return 200, pl.datacenter_page(market, params, self.quarters), json_type
        if host == "www.swsresearch.com":
            return 200, pl.sw_file(market), xlsx
        if host == "webapi.cninfo.com.cn" and path.endswith("p_public0002"):
            return 200, pl.cninfo_categories(), json_type
        if host == "webapi.cninfo.com.cn" and path.endswith("p_sysapi1133"):
            return 200, pl.cninfo_profile(self._by_code.get(params.get("scode", ""))), json_type
        if host == "basic.10jqka.com.cn":
            code = path.split("/")[2]
            return 200, pl.ths_page(self._by_code.get(code)), "text/html; charset=gbk"
        if host == "emweb.securities.eastmoney.com":
            symbol = params.get("code", "")
            return 200, pl.zygc(self._by_code.get(symbol[2:]), symbol), json_type
        if host == "vip.stock.finance.sina.com.cn" and "Count" in path:
            return 200, pl.sina_count(market), "text/javascript"
        if host == "vip.stock.finance.sina.com.cn":
            return 200, pl.sina_page(market, int(params.get("page", 1))), "text/javascript"
        return 404, b"<html><body>404 Not Found</body></html>", "text/html"


def http_source(
    market_size: int,
    *,
    transport: Any = None,
    politeness: Any = None,
    network_check: Callable[[], object] | None = lambda: None,
) -> Any:
    """An AkshareSource over the *real* akshare, for use inside :meth:`CannedUpstream.installed`.

    No pauses (politeness and pacing impatient), short real timeouts (0.5 s), row floors scaled to
    the market, and no network check unless one is given.
    """
    from npf_screen.sources.akshare_source import AkshareSource
    from npf_screen.sources.politeness import Politeness, PolitenessPolicy
    from npf_screen.sources.transport import HttpGuard, TransportPolicy

    guard = transport or HttpGuard(TransportPolicy.impatient(connect_timeout=0.5, read_timeout=0.5))
    politeness = politeness or Politeness(PolitenessPolicy.impatient(), sleep=lambda seconds: None)
    return AkshareSource(
        politeness=politeness,
        transport=guard,
        quiet=True,
        row_floor_scale=min(1.0, market_size / 5450) * 0.9,
        network_check=network_check,
    )


def no_page_sleep() -> Any:
    """A stand-in for the ``time`` module inside ``akshare.utils.func``: its 0.5-1.5 s pause between
    Eastmoney pages is recorded instead of slept (the guard paces requests itself)."""

    class _Time:
        def __init__(self) -> None:
            self.slept: list[float] = []

        def sleep(self, seconds: float) -> None:
            self.slept.append(seconds)

    return _Time()
