"""The timing threads ask for real-time priority (SCHED_FIFO) and run on at normal priority where
the system refuses it."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

import pytest

from sidl.bridge.live import realtime
from sidl.bridge.live.realtime import realtime_thread

linux_only = pytest.mark.skipif(not hasattr(os, "sched_getscheduler"), reason="POSIX scheduling policies (Linux)")


def _in_thread(function):  # type: ignore[no-untyped-def]
    result: dict[str, object] = {}

    def run() -> None:
        result["answer"] = function()
        result["policy"] = os.sched_getscheduler(threading.get_native_id())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result


@linux_only
def test_a_timing_thread_gets_fifo_where_allowed_and_says_so() -> None:
    result = _in_thread(lambda: realtime_thread("scheduler"))
    if result["answer"] == "fifo":
        assert result["policy"] == os.SCHED_FIFO
    else:  # this user may not raise priorities (no rtprio limit): the thread keeps its policy
        assert result["answer"] == "normal" and result["policy"] == os.SCHED_OTHER
    assert os.sched_getscheduler(0) == os.SCHED_OTHER  # only that thread, never the process


@linux_only
def test_refused_priority_runs_on_at_normal_priority_with_one_line(monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(realtime.os, "sched_setscheduler", refuse)
    monkeypatch.setattr(realtime, "_refused", set())
    with caplog.at_level(logging.INFO, logger="sidl.bridge.live.realtime"):
        answers = [_in_thread(lambda: realtime_thread("bar loop")) for _ in range(3)]
    assert [a["answer"] for a in answers] == ["normal"] * 3
    assert all(a["policy"] == os.SCHED_OTHER for a in answers)
    lines = [r.getMessage() for r in caplog.records if r.name == "sidl.bridge.live.realtime"]
    assert len(lines) == 1 and "Operation not permitted" in lines[0]  # said once, not per thread start


@linux_only
def test_the_bridge_asks_for_it_only_when_told(drums) -> None:  # type: ignore[no-untyped-def]
    from sidl.bridge.live.clock import InternalClock
    from sidl.bridge.live.daemon import LiveBridge

    policies = {}
    for wanted in (False, True):
        bridge = LiveBridge(drums, lambda m: None, clock=InternalClock(120.0), realtime=wanted)
        bridge.clock.start()
        loop = threading.Thread(target=bridge.run, daemon=True)
        loop.start()
        try:
            deadline = time.monotonic() + 5.0
            while bridge.scheduler._thread is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.2)  # both threads have started and set their priority
            assert bridge.scheduler._thread is not None and bridge.scheduler._thread.native_id is not None
            policies[wanted] = (os.sched_getscheduler(bridge.scheduler._thread.native_id),
                                os.sched_getscheduler(loop.native_id or 0))
        finally:
            bridge.stop()
            loop.join(5)
    assert policies[False] == (os.SCHED_OTHER, os.SCHED_OTHER)
    allowed = _in_thread(lambda: realtime_thread("scheduler"))["answer"] == "fifo"
    assert policies[True] == ((os.SCHED_FIFO, os.SCHED_FIFO) if allowed else (os.SCHED_OTHER, os.SCHED_OTHER))
    assert sys.getswitchinterval() <= realtime.SWITCH_INTERVAL_S
