"""Clocks, driven by an injected time source: no sleeping, exact expectations."""

from __future__ import annotations

import numpy as np
import pytest

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.clock import CLOCK, CONTINUE, SONG_POSITION, START, STOP, InternalClock, MidiClock


class FakeTime:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_internal_clock_keeps_position_across_tempo_changes() -> None:
    now = FakeTime()
    clock = InternalClock(120, now=now)
    clock.start()
    now.t += 2.0
    assert clock.beat_at(now.t) == pytest.approx(4.0)
    clock.set_bpm(60)
    assert clock.beat_at(now.t) == pytest.approx(4.0)  # no jump
    now.t += 1.0
    assert clock.beat_at(now.t) == pytest.approx(5.0)
    assert clock.time_at(6.0) == pytest.approx(now.t + 1.0)
    clock.stop()
    now.t += 5.0
    assert clock.beat_at(now.t) == pytest.approx(5.0)
    with pytest.raises(ParameterError, match="tempo must be a number of BPM within 20..400, got 1000"):
        clock.set_bpm(1000)


def feed_ticks(clock: MidiClock, now: FakeTime, bpm: float, n: int, jitter: float, rng: np.random.Generator) -> None:
    period = 60.0 / (bpm * 24)
    for _ in range(n):
        now.t += period
        clock.feed(CLOCK, now.t + rng.normal(0, jitter))


def test_midi_clock_estimates_tempo_through_jitter_and_follows_changes() -> None:
    now, rng = FakeTime(), np.random.default_rng(0)
    clock = MidiClock(now=now)
    clock.feed(START, now.t)
    feed_ticks(clock, now, 120, 24 * 8, 0.0008, rng)  # 0.8 ms jitter per tick
    assert clock.bpm == pytest.approx(120, abs=0.5)
    assert clock.beat_at(now.t) == pytest.approx(8.0, abs=0.02)  # counted, not integrated: no drift
    feed_ticks(clock, now, 90, 24 * 3, 0.0008, rng)
    assert clock.bpm == pytest.approx(90, abs=0.5)
    assert clock.beat_at(now.t) == pytest.approx(11.0, abs=0.02)
    beat = clock.beat_at(now.t)
    assert clock.time_at(beat + 1) - now.t == pytest.approx(60 / 90, abs=0.005)


def test_start_stop_continue_and_song_position() -> None:
    now, rng = FakeTime(), np.random.default_rng(1)
    clock = MidiClock(now=now)
    clock.feed(START, now.t)
    feed_ticks(clock, now, 120, 48, 0.0, rng)
    clock.feed(STOP, now.t)
    feed_ticks(clock, now, 120, 24, 0.0, rng)  # ticks while stopped do not move the song
    assert clock.beat_at(now.t) == pytest.approx(2.0)
    clock.feed(SONG_POSITION, now.t, (32, 0))  # 32 sixteenths = beat 8
    clock.feed(CONTINUE, now.t)
    feed_ticks(clock, now, 120, 24, 0.0, rng)
    assert clock.beat_at(now.t) == pytest.approx(9.0, abs=1e-6)
    with pytest.raises(ParameterError, match="song position pointer"):
        clock.feed(SONG_POSITION, now.t, (200, 0))


def test_clock_loss_is_detected() -> None:
    now, rng = FakeTime(), np.random.default_rng(2)
    clock = MidiClock(now=now, loss_after=0.5)
    clock.feed(START, now.t)
    feed_ticks(clock, now, 120, 30, 0.0, rng)
    assert not clock.lost()
    now.t += 0.6
    assert clock.lost()
    clock.feed(STOP, now.t)
    assert not clock.lost()  # a stopped transport is not a lost clock


def test_host_clock_follows_transport_reports() -> None:
    from sidl.bridge.live.clock import HostClock

    now = FakeTime()
    clock = HostClock(now=now)
    clock.update(True, 120.0, 8.0, now.t)
    now.t += 0.5
    assert clock.beat_at(now.t) == pytest.approx(9.0)
    clock.update(True, 120.0, 9.02, now.t)  # 10 ms of jitter: slewed, not jumped
    assert clock.beat_at(now.t) == pytest.approx(9.005)
    clock.update(True, 120.0, 32.0, now.t)  # a locate: taken at once
    assert clock.beat_at(now.t) == pytest.approx(32.0)
    assert clock.time_at(33.0) == pytest.approx(now.t + 0.5)
    now.t += 1.5
    assert clock.lost()
    clock.update(False, 120.0, 35.0, now.t)
    assert not clock.running and not clock.lost() and clock.beat_at(now.t + 3) == 35.0


def test_link_clock_follows_the_session() -> None:
    pytest.importorskip("aalink")
    from sidl.bridge.live.clock import LinkClock

    clock = LinkClock(100.0)
    try:
        import time as _time

        t = _time.perf_counter()
        b = clock.beat_at(t)
        assert clock.bpm == pytest.approx(100.0)
        assert clock.time_at(b + 1) - t == pytest.approx(0.6, abs=0.01)
        _time.sleep(0.3)
        assert clock.beat_at(_time.perf_counter()) - b == pytest.approx(0.5, abs=0.1)
        clock.set_bpm(90.0)
        assert clock.bpm == pytest.approx(90.0)
    finally:
        clock.close()
