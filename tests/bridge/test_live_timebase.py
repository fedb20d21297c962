"""One time base for the live parts: clocks, scheduler, MIDI input, bar loop and demo feed read the
same ``now``, injected at construction, with one shared default (before, the clocks defaulted to
``time.monotonic`` while the scheduler and the port callbacks read ``time.perf_counter``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest

from sidl.bridge.engine import Engine
from sidl.bridge.live import timebase
from sidl.bridge.live.clock import HostClock, InternalClock, LinkClock, MidiClock, new_clock
from sidl.bridge.live.daemon import LiveBridge
from sidl.bridge.live.ledger import ShortMessage
from sidl.bridge.live.ports import open_input
from sidl.bridge.live.scheduler import Scheduler


class FakeTime:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.mark.parametrize("part", [InternalClock, MidiClock, HostClock, LinkClock, Scheduler, LiveBridge, open_input])
def test_every_live_part_takes_now_and_defaults_to_the_one_time_base(part: Callable[..., object]) -> None:
    default = inspect.signature(part).parameters["now"].default
    assert default is timebase.monotonic_now, f"{part.__name__} defaults to {default!r}"


@pytest.mark.parametrize("source", ["internal", "midi", "host"])
def test_clocks_made_at_start_up_or_by_osc_read_the_now_they_are_given(source: str) -> None:
    now = FakeTime()
    clock = new_clock(source, 100.0, now=now)
    assert clock._now is now  # type: ignore[union-attr]
    if isinstance(clock, InternalClock):
        clock.start()
        now.t += 0.6
        assert clock.bpm == 100.0 and clock.beat_at(now()) == pytest.approx(1.0)


def test_the_bridge_passes_its_now_to_the_scheduler_and_the_demo_feed_reads_it() -> None:
    from sidl.bridge.live.demo import DemoFeed

    now, sent = FakeTime(), []
    clock = InternalClock(120, now=now)
    clock.start()
    bridge = LiveBridge(Engine.load("drums", provider="cpu"), sent.append, clock=clock, now=now)
    assert bridge.scheduler.now() == now.t
    feed = DemoFeed(bridge)
    now.t += 1.0  # two beats at 120 BPM
    feed.record_output(ShortMessage("out", "note_on", 9, 36, 100))
    assert feed.played[0][0] == pytest.approx(2.0)  # the beat of the injected time, not the machine's
