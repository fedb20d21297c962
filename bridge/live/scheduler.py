"""The output scheduler: MIDI messages sent at their times, on the live time base (``now``).

A worker thread waits for the earliest event: it sleeps until ``spin`` seconds before it (sleeping
alone drifts by the OS's wake-up latency), then spins on the clock to the exact time. Each send's
lateness is recorded. Note-ons and note-offs go through the :class:`~bridge.live.ledger.NoteLedger`,
so :meth:`Scheduler.panic` can drop everything pending and silence everything sounding.

Thread-safe: any thread may schedule; only the worker sends (plus :meth:`panic`, under the lock).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from sidl.bridge.live.ledger import NoteLedger, ShortMessage
from sidl.bridge.live.realtime import realtime_thread
from sidl.bridge.live.timebase import TimeSource, monotonic_now

log = logging.getLogger(__name__)

Send = Callable[[ShortMessage], None]


@dataclass(order=True)
class _Event:
    when: float
    seq: int
    kind: str = field(compare=False)  # "on" | "off" | "raw"
    port: Hashable = field(compare=False)
    channel: int = field(compare=False)
    data1: int = field(compare=False)
    data2: int = field(compare=False)


@dataclass
class Lateness:
    """How late sends were (seconds after their scheduled time)."""

    samples: list[float] = field(default_factory=list)
    late_events: int = 0  # later than the tolerance

    def add(self, value: float, tolerance: float) -> None:
        self.samples.append(value)
        if len(self.samples) > 10_000:
            del self.samples[:5_000]
        if value > tolerance:
            self.late_events += 1


class Scheduler:
    """Sends scheduled notes through ``send`` at their times (see module docstring)."""

    def __init__(self, send: Send, *, now: TimeSource = monotonic_now, spin: float = 0.0015,
                 tolerance: float = 0.002, sleep: Callable[[float], None] = time.sleep, realtime: bool = False) -> None:
        self._send = send
        self.realtime = realtime  # ask for real-time priority for the sending thread (bridge.live.realtime)
        self._now = now
        self._sleep = sleep
        self.spin = spin
        self.tolerance = tolerance
        self.ledger = NoteLedger()
        self.lateness = Lateness()
        self._queue: list[_Event] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._running = False
        self._thread: threading.Thread | None = None

    def now(self) -> float:
        return self._now()

    # ------------------------------------------------------------------ scheduling
    def note(self, port: Hashable, channel: int, pitch: int, velocity: int, start: float, end: float) -> None:
        """A note from ``start`` to ``end`` (seconds on the scheduler's clock)."""
        end = max(end, start + 0.001)
        with self._cv:
            heapq.heappush(self._queue, _Event(start, next(self._seq), "on", port, channel, pitch, velocity))
            heapq.heappush(self._queue, _Event(end, next(self._seq), "off", port, channel, pitch, 0))
            self._cv.notify()

    def send_now(self, port: Hashable, channel: int, pitch: int, velocity: int) -> None:
        """Send a note-on (velocity > 0) or note-off at once, from the calling thread, through the
        ledger (filter mode: the input's own timing is the output's)."""
        with self._cv:
            message = (self.ledger.note_on(port, channel, pitch, velocity) if velocity > 0
                       else self.ledger.note_off(port, channel, pitch))
        self._deliver(message)

    def pending(self) -> int:
        with self._cv:
            return len(self._queue)

    def next_time(self) -> float | None:
        """When the earliest pending event is due (None: nothing pending)."""
        with self._cv:
            return self._queue[0].when if self._queue else None

    # ------------------------------------------------------------------ sending
    def run_due(self) -> int:
        """Send every event whose time has come (the worker's step; tests call it directly)."""
        sent = 0
        while True:
            with self._cv:
                if not self._queue or self._queue[0].when > self._now():
                    return sent
                event = heapq.heappop(self._queue)
                message = self._message(event)
            self.lateness.add(self._now() - event.when, self.tolerance)
            self._deliver(message)
            sent += 1

    def _message(self, event: _Event) -> ShortMessage:
        if event.kind == "on":
            return self.ledger.note_on(event.port, event.channel, event.data1, event.data2)
        return self.ledger.note_off(event.port, event.channel, event.data1)

    def _deliver(self, message: ShortMessage) -> None:
        try:
            self._send(message)
        except Exception as exc:  # a lost port must not kill the scheduler
            log.warning("send failed (%s): %s", type(exc).__name__, exc)

    def panic(self, port: Hashable | None = None, *, always: tuple[tuple[Hashable, int], ...] = ()) -> list[ShortMessage]:
        """Drop pending events (of ``port``, or all) and send a note-off for every sounding note,
        then CC64=0 and CC123 on every channel used — and on the ``always`` (port, channel) pairs
        even if the ledger saw nothing there (an explicit panic must always be heard); returns what
        was sent."""
        with self._cv:
            self._queue = [e for e in self._queue if port is not None and e.port != port]
            heapq.heapify(self._queue)
            messages = self.ledger.release_all(port)
        reset = {(m.port, m.channel) for m in messages if m.kind == "control_change"}
        for p, ch in always:
            if (p, ch) not in reset:
                messages += [ShortMessage(p, "control_change", ch, cc, 0) for cc in (64, 123)]
        for m in messages:
            self._deliver(m)
        return messages

    # ------------------------------------------------------------------ worker
    def start(self) -> None:
        self._running = True
        self._thread = threading.Thread(target=self._work, name="sidl-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> list[ShortMessage]:
        """Stop the worker and silence everything (the ledger guarantees every note-off)."""
        with self._cv:
            self._running = False
            self._cv.notify()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        return self.panic()

    def _work(self) -> None:
        if self.realtime:
            realtime_thread("scheduler")
        while True:
            with self._cv:
                if not self._running:
                    return
                if not self._queue:
                    self._cv.wait(0.1)
                    continue
                wait = self._queue[0].when - self._now()
                if wait > self.spin:
                    self._cv.wait(wait - self.spin)  # woken early by new, earlier events
                    continue
            while self._now() < self._queue_head_time():
                pass  # spin the last stretch: sleep's wake-up jitter is bigger than this
            self.run_due()

    def _queue_head_time(self) -> float:
        with self._cv:
            return self._queue[0].when if self._queue else float("-inf")
