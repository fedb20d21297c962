"""Clocks: where the music is (in beats) at a given monotonic time, and when a beat will be.

Every clock answers the same two questions — :meth:`beat_at` and :meth:`time_at` — so input
quantization and output scheduling share one notion of bar and step. Times are seconds from an
injected monotonic source (:mod:`bridge.live.timebase`, shared with the scheduler and the MIDI input),
so tests drive clocks without sleeping. Tempos are refused outside :mod:`bridge.live.limits`' range,
except a MIDI clock's measured tempo, which is clamped into it.

- :class:`InternalClock`: a tempo set by flag or OSC; a tempo change keeps the beat position
  continuous (no jump, no drift).
- :class:`HostClock`: the DAW's own transport sent over OSC (``/sidl/host/transport playing bpm
  beat``, e.g. by the Max for Live device from Live's transport), so Live users need no MIDI clock;
  small disagreements are slewed in, jumps (a locate) are taken at once.
- :class:`LinkClock`: an Ableton Link session (optional ``aalink`` extra, GPL): tempo shared with
  every peer, beats phase-aligned to a quantum of one bar.
- :class:`MidiClock`: 24 ticks per quarter note from a DAW, with Start/Continue/Stop and Song
  Position Pointer. Position comes from counting ticks (exact, never drifts); tempo is a least-squares
  line through the times of the last ``fit_ticks`` ticks, so single jittery ticks barely move it, and
  between ticks the position is extrapolated along that line. No tick for ``loss_after`` seconds
  (or 8 tick periods, whichever is longer) means the clock is lost.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

import numpy as np

from sidl.bridge.errors import ParameterError
from sidl.bridge.live.limits import DEFAULT_BPM, MAX_BPM, MIN_BPM, check_bpm, check_clock
from sidl.bridge.live.timebase import TimeSource, monotonic_now

log = logging.getLogger(__name__)

PPQN = 24

CLOCK, START, CONTINUE, STOP, SONG_POSITION = 0xF8, 0xFA, 0xFB, 0xFC, 0xF2


class _AnchoredClock:
    """A beat position anchored at a time, running on at a tempo while ``running``."""

    _anchor_time: float
    _anchor_beat: float
    _bpm: float
    running: bool

    @property
    def bpm(self) -> float:
        return self._bpm

    def beat_at(self, t: float) -> float:
        if not self.running:
            return self._anchor_beat
        return self._anchor_beat + (t - self._anchor_time) * self._bpm / 60.0

    def time_at(self, beat: float) -> float:
        return self._anchor_time + (beat - self._anchor_beat) * 60.0 / self._bpm


class InternalClock(_AnchoredClock):
    """A free-running clock at a set tempo; beat 0 is when :meth:`start` was called."""

    source = "internal"

    def __init__(self, bpm: float = DEFAULT_BPM, *, now: TimeSource = monotonic_now) -> None:
        self._now = now
        self._bpm = check_bpm(bpm)
        self._anchor_time = now()
        self._anchor_beat = 0.0
        self.running = False

    def start(self, beat: float = 0.0) -> None:
        self._anchor_time, self._anchor_beat, self.running = self._now(), float(beat), True

    def stop(self) -> None:
        self._anchor_beat = self.beat_at(self._now())
        self._anchor_time = self._now()
        self.running = False

    def set_bpm(self, bpm: float) -> None:
        """Change tempo from now on; the current beat position is kept."""
        bpm = check_bpm(bpm)
        t = self._now()
        self._anchor_beat, self._anchor_time, self._bpm = self.beat_at(t), t, bpm

    def lost(self) -> bool:
        return False


class MidiClock:
    """Follows MIDI clock bytes fed with their arrival times (see module docstring)."""

    source = "midi"

    def __init__(self, *, now: TimeSource = monotonic_now, fit_ticks: int = 48, loss_after: float = 0.5,
                 initial_bpm: float = DEFAULT_BPM) -> None:
        if fit_ticks < 3:
            raise ParameterError(f"fit_ticks must be >= 3, got {fit_ticks}")
        self._now = now
        self._times: deque[float] = deque(maxlen=fit_ticks)
        self._ticks: deque[int] = deque(maxlen=fit_ticks)
        self._tick = 0  # ticks since beat 0 (Song Position Pointer sets it)
        self._seconds_per_tick = 60.0 / (check_bpm(initial_bpm) * PPQN)
        self._loss_after = float(loss_after)
        self.running = False
        self.received = 0

    @property
    def bpm(self) -> float:
        return 60.0 / (self._seconds_per_tick * PPQN)

    def feed(self, status: int, t: float, data: tuple[int, ...] = ()) -> None:
        """One real-time or song-position message that arrived at time ``t``."""
        if status == CLOCK:
            self.received += 1
            if not self.running:
                return  # ticks while stopped keep tempo sources alive but do not move the song
            self._tick += 1
            self._times.append(t)
            self._ticks.append(self._tick)
            self._refit()
        elif status == START:
            self._tick, self.running = 0, True
            self._times.clear()
            self._ticks.clear()
            self._times.append(t)
            self._ticks.append(0)
        elif status == CONTINUE:
            self.running = True
            self._times.clear()
            self._ticks.clear()
            self._times.append(t)
            self._ticks.append(self._tick)
        elif status == STOP:
            self.running = False
        elif status == SONG_POSITION:
            if len(data) != 2 or not all(0 <= d <= 127 for d in data):
                raise ParameterError(f"song position pointer needs two 7-bit data bytes, got {data!r}")
            sixteenths = data[0] | (data[1] << 7)
            self._tick = sixteenths * PPQN // 4
            self._times.clear()
            self._ticks.clear()

    def _refit(self) -> None:
        if len(self._times) < 3:
            if len(self._times) == 2:
                self._seconds_per_tick = self._in_range(self._times[1] - self._times[0])
            return
        ticks = np.asarray(self._ticks, dtype=np.float64)
        times = np.asarray(self._times, dtype=np.float64)
        self._seconds_per_tick = self._in_range(np.polyfit(ticks - ticks[-1], times - times[-1], 1)[0])

    @staticmethod
    def _in_range(seconds_per_tick: float) -> float:
        """A measured tick period, clamped to the tempo range (a burst of ticks is not 10 000 BPM)."""
        return float(np.clip(seconds_per_tick, 60.0 / (MAX_BPM * PPQN), 60.0 / (MIN_BPM * PPQN)))

    def _line(self) -> tuple[float, float]:
        """(time, tick) of the fitted line at the last tick: the least-squares value, not the raw
        (jittery) arrival time."""
        if not self._times:
            return self._now(), float(self._tick)
        ticks = np.asarray(self._ticks, dtype=np.float64)
        times = np.asarray(self._times, dtype=np.float64)
        predicted = times + (ticks[-1] - ticks) * self._seconds_per_tick
        return float(predicted.mean()), float(ticks[-1])

    def beat_at(self, t: float) -> float:
        anchor_time, anchor_tick = self._line()
        if not self.running:
            return anchor_tick / PPQN
        ahead = (t - anchor_time) / self._seconds_per_tick
        return (anchor_tick + min(max(ahead, -1.0), 2.0)) / PPQN  # never run far past the ticks we have

    def time_at(self, beat: float) -> float:
        anchor_time, anchor_tick = self._line()
        return anchor_time + (beat * PPQN - anchor_tick) * self._seconds_per_tick

    def lost(self) -> bool:
        """Running, but no tick for longer than allowed."""
        if not self.running or not self._times:
            return False
        silence = self._now() - self._times[-1]
        return silence > max(self._loss_after, 8 * self._seconds_per_tick)


class HostClock(_AnchoredClock):
    """Follows transport reports (playing, bpm, beat) that arrive every few tens of milliseconds.

    Between reports the position runs on at the reported tempo. A report within ``slew_window``
    seconds of where the clock already is moves it by ``slew`` of the difference (network jitter must
    not make notes stutter); a bigger jump (the user located elsewhere) is taken as is. No report for
    ``loss_after`` seconds while playing means the host is gone.
    """

    source = "host"

    def __init__(self, *, now: TimeSource = monotonic_now, slew: float = 0.25, slew_window: float = 0.03,
                 loss_after: float = 1.0) -> None:
        self._now = now
        self._bpm = DEFAULT_BPM
        self._anchor_time = now()
        self._anchor_beat = 0.0
        self._last_report = float("-inf")
        self.slew, self.slew_window, self.loss_after = slew, slew_window, loss_after
        self.running = False

    def update(self, playing: bool, bpm: float, beat: float, t: float | None = None) -> None:
        t = self._now() if t is None else t
        bpm = check_bpm(bpm)
        if not playing:
            self.running, self._anchor_beat, self._anchor_time, self._bpm = False, float(beat), t, bpm
            self._last_report = t
            return
        predicted = self.beat_at(t) if self.running else float(beat)
        error_seconds = (float(beat) - predicted) * 60.0 / bpm
        if self.running and abs(error_seconds) <= self.slew_window:
            beat = predicted + self.slew * (float(beat) - predicted)
        self._anchor_beat, self._anchor_time, self._bpm, self.running = float(beat), t, bpm, True
        self._last_report = t

    def lost(self) -> bool:
        return self.running and self._now() - self._last_report > self.loss_after


class LinkClock:
    """Ableton Link through ``aalink`` (``pip install sidl[link]``; Link is GPL unless licensed).

    aalink needs an asyncio loop, so one runs on a daemon thread just for Link. Beats are read from
    the session and extrapolated at its tempo; the quantum is one bar, so bar lines meet every peer's.
    Setting the tempo changes it for the whole session.
    """

    source = "link"

    def __init__(self, bpm: float = DEFAULT_BPM, *, quantum: float = 4.0, now: TimeSource = monotonic_now) -> None:
        try:
            import aalink
        except ImportError:
            raise ParameterError("the Link clock needs aalink: pip install 'sidl[link]'") from None
        import asyncio
        import threading

        self._now = now
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="sidl-link", daemon=True).start()

        async def create() -> object:
            link = aalink.Link(check_bpm(bpm))
            link.quantum = quantum
            link.enabled = True
            return link

        self._link: Any = asyncio.run_coroutine_threadsafe(create(), self._loop).result(timeout=5)
        self.running = True

    @property
    def bpm(self) -> float:
        return float(self._link.tempo)

    @property
    def peers(self) -> int:
        return int(self._link.num_peers)

    def set_bpm(self, bpm: float) -> None:
        self._link.tempo = check_bpm(bpm)

    def beat_at(self, t: float) -> float:
        return float(self._link.beat) + (t - self._now()) * self.bpm / 60.0

    def time_at(self, beat: float) -> float:
        return self._now() + (beat - float(self._link.beat)) * 60.0 / self.bpm

    def lost(self) -> bool:
        return False

    def close(self) -> None:
        self._link.enabled = False
        self._loop.call_soon_threadsafe(self._loop.stop)


LiveClock = InternalClock | MidiClock | HostClock | LinkClock


def new_clock(source: str, bpm: float = DEFAULT_BPM, *, now: TimeSource = monotonic_now) -> LiveClock:
    """A clock of ``source`` (one of :data:`~bridge.live.limits.CLOCKS`) reading ``now``; ``bpm`` sets
    the internal and Link clocks (MIDI and host clocks take their tempo from the DAW). Start-up and
    ``/sidl/clock`` both make their clocks here."""
    source = check_clock(source)
    if source == "internal":
        return InternalClock(bpm, now=now)
    if source == "midi":
        return MidiClock(now=now)
    if source == "host":
        return HostClock(now=now)
    return LinkClock(bpm, now=now)
