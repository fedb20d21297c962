"""The scheduler sends in time order, through the ledger, and panic leaves nothing sounding."""

from __future__ import annotations

import threading
import time

from sidl.bridge.live.ledger import ShortMessage
from sidl.bridge.live.scheduler import Scheduler


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_due_events_go_out_in_time_order() -> None:
    now, sent = FakeTime(), []
    sched = Scheduler(sent.append, now=now)
    sched.note("out", 9, 38, 100, start=1.0, end=1.1)
    sched.note("out", 9, 36, 110, start=0.5, end=0.6)
    now.t = 0.55
    assert sched.run_due() == 1 and sent[-1] == ShortMessage("out", "note_on", 9, 36, 110)
    now.t = 2.0
    sched.run_due()
    assert [(m.kind, m.data1) for m in sent] == [("note_on", 36), ("note_off", 36), ("note_on", 38), ("note_off", 38)]
    assert sched.ledger.sounding() == {}
    assert sched.lateness.late_events == 4  # all sent after their time + 2 ms (the fake clock jumped)


def test_panic_drops_pending_and_silences_sounding() -> None:
    now, sent = FakeTime(), []
    sched = Scheduler(sent.append, now=now)
    sched.note("out", 9, 36, 100, start=0.0, end=10.0)
    sched.note("out", 9, 38, 100, start=5.0, end=6.0)
    sched.run_due()
    released = sched.panic()
    assert [(m.kind, m.data1) for m in released] == [("note_off", 36), ("control_change", 64), ("control_change", 123)]
    assert sched.pending() == 0 and sched.ledger.sounding() == {}


def test_a_failing_port_does_not_stop_sending() -> None:
    now, sent = FakeTime(), []

    def flaky(m: ShortMessage) -> None:
        if m.data1 == 36:
            raise OSError("port gone")
        sent.append(m)

    sched = Scheduler(flaky, now=now)
    sched.note("out", 9, 36, 100, start=0.0, end=0.1)
    sched.note("out", 9, 38, 100, start=0.0, end=0.1)
    now.t = 1.0
    assert sched.run_due() == 4 and [m.data1 for m in sent] == [38, 38]


def test_worker_thread_sends_everything_in_real_time() -> None:
    sent: list[tuple[float, ShortMessage]] = []
    lock = threading.Lock()

    def record(m: ShortMessage) -> None:
        with lock:
            sent.append((time.perf_counter(), m))

    sched = Scheduler(record)
    sched.start()
    t0 = time.perf_counter() + 0.02
    for i in range(20):
        sched.note("out", 9, 36 + i % 4, 100, start=t0 + i * 0.005, end=t0 + i * 0.005 + 0.003)
    time.sleep(0.25)
    released = sched.stop()
    ons = [m for _, m in sent if m.kind == "note_on"]
    offs = [m for _, m in sent if m.kind == "note_off"]
    assert len(ons) == 20 and len(offs) == 20
    assert [m.kind for m in released] == ["control_change", "control_change"]  # nothing left sounding
    times = [t for t, m in sent if m.kind == "note_on"]
    assert times == sorted(times)
