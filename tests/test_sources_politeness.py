"""Politeness: deadlines, jittered retries, one call in flight per host, pause-and-stop on refusals."""

from __future__ import annotations

import random
import threading
import time

import pytest

from npf_screen.core.errors import SchemaDriftError, SourceError, UpstreamRefusedError, UsageError
from npf_screen.sources.politeness import (
    CONTENT,
    NO_DATA,
    REFUSED,
    TRANSIENT,
    Politeness,
    PolitenessPolicy,
    classify_failure,
)

from .fakes import http_error, refusal


class Clock:
    """A fake clock that sleeping advances; records every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def make(policy: PolitenessPolicy | None = None) -> tuple[Politeness, Clock]:
    clock = Clock()
    return Politeness(
        policy or PolitenessPolicy(), sleep=clock.sleep, clock=clock, rng=random.Random(1)
    ), clock


def flaky(errors: list[BaseException], value: object = "ok"):
    calls = {"n": 0}

    def fn() -> object:
        calls["n"] += 1
        if errors:
            raise errors.pop(0)
        return value

    fn.calls = calls  # type: ignore[attr-defined]
    return fn


def test_classification_of_akshare_failures() -> None:
    assert classify_failure(refusal()) == REFUSED
    assert classify_failure(http_error(403)) == REFUSED
    assert classify_failure(http_error(502)) == TRANSIENT
    assert classify_failure(TimeoutError("read timed out")) == TRANSIENT
    assert classify_failure(TypeError("'NoneType' object is not subscriptable")) == NO_DATA
    assert classify_failure(ValueError("Length mismatch: Expected axis has 39 elements")) == "drift"
    assert classify_failure(ZeroDivisionError("division by zero")) == NO_DATA  # an empty Eastmoney list
    assert classify_failure(Exception("数据错误！")) == NO_DATA  # cninfo's bare Exception
    assert classify_failure(ValueError("Excel file format cannot be determined")) == CONTENT
    assert classify_failure(UsageError("ours")) == "bug"


def test_transient_failures_are_retried_with_growing_jittered_backoff() -> None:
    politeness, clock = make()
    fn = flaky([TimeoutError("slow"), ConnectionError("down")])
    outcome = politeness.call("sse", "akshare.x()", fn)
    assert outcome.value == "ok" and outcome.attempts == 3
    assert len(clock.sleeps) == 2
    assert 2.0 <= clock.sleeps[0] <= 3.0 and 4.0 <= clock.sleeps[1] <= 6.0


def test_exhausted_retries_raise_source_error_naming_the_call() -> None:
    politeness, _ = make()
    fn = flaky([TimeoutError("slow")] * 5)
    with pytest.raises(SourceError, match=r"akshare\.x\(\): failed after 3 attempt\(s\), last TimeoutError"):
        politeness.call("sse", "akshare.x()", fn)
    assert fn.calls["n"] == 3


def test_no_data_and_drift_are_not_retried() -> None:
    politeness, _ = make()
    fn = flaky([TypeError("'NoneType' object is not subscriptable")])
    with pytest.raises(SourceError, match="returned no data") as info:
        politeness.call("eastmoney", "akshare.stock_yjbb_em('20261231')", fn)
    assert info.value.kind == NO_DATA and fn.calls["n"] == 1
    fn = flaky([ValueError("Length mismatch: Expected axis has 39 elements, new values have 38 elements")])
    with pytest.raises(SchemaDriftError, match="could not map the upstream columns"):
        politeness.call("eastmoney", "akshare.stock_yjbb_em('20260930')", fn)
    assert fn.calls["n"] == 1


def test_our_own_errors_propagate_but_upstream_content_failures_are_source_errors() -> None:
    politeness, _ = make()

    def ours() -> None:
        raise UsageError("a bug of npf-screen")

    with pytest.raises(UsageError):
        politeness.call("sse", "akshare.x()", ours)
    block_page = flaky([ValueError("Excel file format cannot be determined, you must specify an engine")])
    with pytest.raises(SourceError, match=r"akshare\.y\(\): akshare could not read what szse sent") as info:
        politeness.call("szse", "akshare.y()", block_page)
    assert info.value.kind == CONTENT and block_page.calls["n"] == 1  # not retried


def test_refusals_pause_once_then_stop_calling_the_host() -> None:
    policy = PolitenessPolicy(refusals_before_pause=3, ban_pause=300.0)
    politeness, clock = make(policy)
    fn = flaky([refusal() for _ in range(10)])
    with pytest.raises(UpstreamRefusedError, match="em-push2 keeps refusing") as info:
        politeness.call("em-push2", "akshare.stock_zh_a_spot_em()", fn)
    assert info.value.host == "em-push2"
    assert 300.0 in clock.sleeps  # paused once
    assert fn.calls["n"] == 4  # 3 refusals, the pause, one probe
    assert "em-push2" in politeness.banned_hosts()
    untouched = flaky([])
    with pytest.raises(UpstreamRefusedError, match="not called"):
        politeness.call("em-push2", "akshare.stock_zh_a_spot_em()", untouched)
    assert untouched.calls["n"] == 0  # stopped: no request at all
    assert politeness.call("sse", "akshare.y()", flaky([])).value == "ok"  # other hosts go on


def test_a_successful_probe_after_the_pause_resumes() -> None:
    politeness, clock = make(PolitenessPolicy(refusals_before_pause=2, ban_pause=60.0))
    fn = flaky([refusal(), refusal()])
    assert politeness.call("ths", "akshare.stock_zyjs_ths('000001')", fn).value == "ok"
    assert 60.0 in clock.sleeps and not politeness.banned_hosts()


def test_min_interval_between_calls_to_one_host_is_jittered() -> None:
    politeness, clock = make(PolitenessPolicy(min_interval={"eastmoney": 1.0}))
    for _ in range(3):
        politeness.call("eastmoney", "akshare.x()", flaky([]))
    waits = clock.sleeps
    assert len(waits) == 2 and all(0.5 <= w <= 1.5 for w in waits) and waits[0] != waits[1]
    politeness.call("sse", "akshare.y()", flaky([]))
    assert len(clock.sleeps) == 2  # another host has its own clock


def test_at_most_one_call_in_flight_per_host() -> None:
    politeness = Politeness(PolitenessPolicy.impatient())
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def tracked() -> str:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.01)
        with lock:
            state["now"] -= 1
        return "ok"

    threads = [
        threading.Thread(target=politeness.call, args=("eastmoney", "akshare.x()", tracked)) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert state["max"] == 1


def test_bursts_to_one_host_are_followed_by_a_rest() -> None:
    politeness, clock = make(
        PolitenessPolicy(min_interval={}, default_interval=0, burst={"eastmoney": (3, 90.0)})
    )
    for _ in range(7):
        politeness.call("eastmoney", "akshare.x()", flaky([]))
    assert clock.sleeps == [90.0, 90.0]  # before the 4th and the 7th call


def test_a_long_run_of_empty_answers_counts_as_a_block() -> None:
    politeness, _ = make(PolitenessPolicy(empty_streak_limit=3))
    for _ in range(3):
        with pytest.raises(SourceError, match="returned no data"):
            politeness.call(
                "ths",
                "akshare.stock_zyjs_ths()",
                flaky([AttributeError("'NoneType' object has no attribute 'find_all'")]),
            )
    with pytest.raises(UpstreamRefusedError, match="without data"):
        politeness.call("ths", "akshare.stock_zyjs_ths()", flaky([]))
