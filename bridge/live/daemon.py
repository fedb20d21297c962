"""The live bridge: MIDI in → rolling bar windows → sparse codes → edited codes → MIDI out, in time.

:class:`LiveBridge` wires the parts: the input decoder and quantizer (live notes on the model's
grid), a clock (beats ↔ seconds), the engine and the sparse-code operations, the scheduler (with its
note-off ledger), and the OSC control state. It has no threads of its own except :meth:`run`'s bar
loop, so tests drive it step by step with a fake clock (the one ``now`` it is given is passed on to
the scheduler, and must be the clock's).

The controls OSC changes are one immutable :class:`Controls` snapshot, replaced whole
(:meth:`LiveBridge.change_controls`); the bar loop takes one snapshot per bar, so it never iterates a
set of mutes or solos that the OSC thread is changing. Stored scenes are replaced whole the same way.

Three modes (:data:`~bridge.live.limits.MODES`), switched at a bar boundary (``Controls.mode``):

**Filter**: every incoming note is passed through at once — no added latency beyond processing —
or held back, by its belief (:mod:`bridge.live.filter_gate`): the dictionary's reconstruction of the
bar before and the groove of the bars before (and the row's hits so far in this bar), on the scale
of :mod:`bridge.denoise`. With ``denoise`` amount a, a note passes when its belief is above
``keep_below(a)``; passed notes keep the player's velocity and timing. Amount 0 passes everything,
1 is the strongest — live denoising of a performance, the same amount ``sidl denoise`` takes.

**Generate**: no input needed — each bar plays the selected scene (morphing to it from the scene
before it), or a code sampled from the atoms' training statistics (temperature, seed).

**Loop**: at every bar boundary the last window of ``window_bars`` bars is encoded,
the window is first cleaned by :func:`bridge.denoise.clean` at the ``denoise`` amount (0: coded as
played), the current edits are applied (atom mute/solo/gain, morph toward a stored scene),
and the last bar of the decoded result is scheduled over the next bar — a bar of latency by design,
like a looper. The bar is processed half a grid step *before* its boundary: a note played later than
that rounds to the next bar's first step anyway, so nothing is lost and the next bar's first notes
are never late. When the player stops (an empty window), the last code keeps playing (freeze).
``feel`` (1 by default) is how much of the played bar the code does not explain is kept
(:mod:`bridge.feel`): at 1 and no edits the bar plays back as played, with the player's
velocity and micro-timing, and the edits change only what they touch; at 0 the dictionary alone.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from sidl.bridge import ops
from sidl.bridge.denoise import clean
from sidl.bridge.codecs import DrumMap
from sidl.bridge.engine import CodeModel
from sidl.bridge.errors import ModelError, ParameterError
from sidl.bridge.live.clock import HostClock, InternalClock, LinkClock, MidiClock
from sidl.bridge.feel import FeelSource, keep_feel, with_feel
from sidl.bridge.live.filter_gate import FilterGate
from sidl.bridge.live.limits import DEFAULT_MODE, check_mode
from sidl.bridge.live.midi_in import ClockEvent, MidiInputDecoder, NoteEvent
from sidl.bridge.live.osc_table import ATOMS_PER_PAGE, MAX_REPLY, STATE_LISTED
from sidl.bridge.live.quantizer import RollingQuantizer
from sidl.bridge.live.realtime import favour_timing_threads, realtime_thread
from sidl.bridge.live.scheduler import Scheduler
from sidl.bridge.live.timebase import TimeSource, monotonic_now

log = logging.getLogger(__name__)

OUT_PORT: Hashable = "out"


@dataclass(frozen=True)
class Controls:
    """What OSC changes, as one immutable snapshot read at each bar boundary: never changed in place,
    only replaced (sets and dicts given are frozen on construction)."""

    mode: str = DEFAULT_MODE
    denoise: float = 0.0
    feel: float = 1.0  # loop mode: how much of the played bar's residual is kept (1 as played, 0 the dictionary)
    morph: float = 0.0
    scene: int | None = None
    mute: frozenset[int] = frozenset()
    solo: frozenset[int] = frozenset()
    gain: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))
    temperature: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        check_mode(self.mode)
        object.__setattr__(self, "mute", frozenset(self.mute))
        object.__setattr__(self, "solo", frozenset(self.solo))
        object.__setattr__(self, "gain", MappingProxyType(dict(self.gain)))

    def with_atom(self, kind: str, atom: int, on: bool) -> Controls:
        """Atom ``atom`` muted or soloed (``kind``: "mute" | "solo") or not."""
        current: frozenset[int] = getattr(self, kind)
        changed = current | {atom} if on else current - {atom}
        return replace(self, mute=changed) if kind == "mute" else replace(self, solo=changed)

    def with_gain(self, atom: int, gain: float) -> Controls:
        return replace(self, gain={**self.gain, atom: gain})

    def without_atom_edits(self) -> Controls:
        return replace(self, mute=frozenset(), solo=frozenset(), gain={})


def _close_model(model: CodeModel, *, wait: bool = False) -> None:
    """End a model that runs in a worker process (an in-process engine has nothing to close); off
    the caller's thread unless ``wait`` (the bar loop must not wait for a process to exit)."""
    close = getattr(model, "close", None)
    if close is None:
        return
    if wait:
        close()
    else:
        threading.Thread(target=close, name="sidl-model-close", daemon=True).start()


def _without_morph(c: Controls) -> Controls:
    """The edits minus the input→scene morph (generate mode morphs between scenes itself)."""
    return replace(c, morph=0.0)


@dataclass
class BarReport:
    """What happened at one bar boundary (also sent as OSC feedback)."""

    bar: int
    notes: int
    active_atoms: list[int]
    activity: list[float]
    process_us: float
    frozen: bool


class LiveBridge:
    """See module docstring. ``send`` gets every outgoing MIDI message (a port's send, or a list)."""

    def __init__(self, engine: CodeModel, send: Callable[[Any], None], *, clock: InternalClock | MidiClock | HostClock | LinkClock,
                 input_channel: int | None = None, output_channel: int | None = None,
                 drum_map_in: DrumMap | None = None, drum_map_out: DrumMap | None = None,
                 now: TimeSource = monotonic_now, realtime: bool = False) -> None:
        self.engine = engine
        self.clock = clock
        self.now = now
        self._controls = Controls()
        self._scenes: Mapping[int, np.ndarray] = MappingProxyType({})
        # the bar each scene was coded from, where it was stored from play (a session stores codes only):
        # a morph toward the scene, or recalling it, plays it with the feel it was played with
        self._scene_bars: Mapping[int, np.ndarray] = MappingProxyType({})
        self._edits = threading.Lock()  # serialises replacing the controls and scenes (reads take no lock)
        self.realtime = realtime  # the bar loop and the scheduler ask for real-time priority (sidl run)
        self.scheduler = Scheduler(send, now=now, realtime=realtime)
        self.decoder = MidiInputDecoder(input_channel)
        self.output_channel = engine.codec.output_channel if output_channel is None else output_channel
        self.drum_map_out = drum_map_out
        self.beats_per_bar = engine.info.steps_per_bar / engine.codec.steps_per_beat
        self.window_bars = engine.info.window_bars
        self.quantizer = RollingQuantizer(engine.codec, beats_per_bar=self.beats_per_bar,
                                          keep_bars=self.window_bars + 1, drum_map=drum_map_in)
        self.last_code: np.ndarray | None = None  # the code of the bar now playing (freeze source)
        self.last_played: np.ndarray | None = None  # the grid that code was coded from (its residual's source)
        self.reports: list[BarReport] = []
        self.listeners: list[Callable[[BarReport], None]] = []
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self.pending_engine: CodeModel | None = None  # a hot-swapped model waits for the next bar boundary
        self.pending_clock: InternalClock | MidiClock | HostClock | LinkClock | None = None  # taken by the bar loop
        self.mode = DEFAULT_MODE  # the mode in force; Controls.mode is the one asked for (applied per bar)
        self._scene_in_force: int | None = None
        self._last_reject_log = float("-inf")
        self.expectation: FilterGate | None = None  # filter mode's prior for the bar now playing
        self._passed: set[tuple[int, int]] = set()  # (channel, pitch) of input notes let through
        self._row_of = self._input_rows(drum_map_in)
        self.filter_counts = {"passed": 0, "blocked": 0}
        # called with (note, belief, passed) for every note-on filter mode judges (replay's curve)
        self.filter_listeners: list[Callable[[NoteEvent, float | None, bool], None]] = []

    # ------------------------------------------------------------------ controls
    @property
    def controls(self) -> Controls:
        """The controls asked for: an immutable snapshot (take it once, read it as long as needed)."""
        return self._controls

    def change_controls(self, change: Callable[[Controls], Controls] | None = None, /, **values: Any) -> Controls:
        """Replace the controls by ``change(current)`` and/or ``values`` as one step (concurrent changes
        from OSC and start-up never lose each other); returns the new snapshot."""
        with self._edits:
            new = self._controls if change is None else change(self._controls)
            self._controls = replace(new, **values) if values else new
            return self._controls

    def check_atom(self, atom: object) -> int:
        """``atom`` if it numbers an atom of the model in use, else :class:`ParameterError` naming it
        and the model's range (an atom beyond the model is refused, never clamped or ignored)."""
        atoms = self.engine.info.atoms
        if isinstance(atom, bool) or not isinstance(atom, int) or not 0 <= atom < atoms:
            raise ParameterError(f"atom {atom!r} is outside the model in use ({self.engine.info.name!r}: atoms "
                                 f"0..{atoms - 1})")
        return atom

    @property
    def scenes(self) -> Mapping[int, np.ndarray]:
        """The stored scenes' codes: a read-only snapshot, replaced whole when a scene is stored."""
        return self._scenes

    def add_scenes(self, scenes: Mapping[int, np.ndarray], played: Mapping[int, np.ndarray] | None = None) -> None:
        """Store ``scenes`` (slot → code), e.g. from a session file, with the bar each was coded from
        where known (``played``, slot → grid); a slot stored without one plays as the dictionary hears it."""
        played = played or {}
        with self._edits:
            self._scenes = MappingProxyType({**self._scenes, **{int(s): np.array(c) for s, c in scenes.items()}})
            bars = {s: g for s, g in self._scene_bars.items() if s not in scenes}
            bars.update({int(s): np.array(played[s]) for s in scenes if played.get(s) is not None})
            self._scene_bars = MappingProxyType(bars)

    @property
    def scene_bars(self) -> Mapping[int, np.ndarray]:
        """The bar each stored scene was coded from, where known (slot → grid; read-only snapshot)."""
        return self._scene_bars

    def _scene_source(self, slot: int, weight: float, scenes: Mapping[int, np.ndarray],
                      bars: Mapping[int, np.ndarray]) -> FeelSource | None:
        """Scene ``slot`` as a groove whose feel is kept (None: stored without its bar)."""
        played = bars.get(slot)
        if played is None or slot not in scenes:
            return None
        return FeelSource(weight, played, self.engine.decode(scenes[slot])[:, -played.shape[1]:])

    # ------------------------------------------------------------------ input
    def on_midi(self, data: list[int], t: float) -> None:
        """rtmidi callback: notes go on the grid at the clock's beat; clock bytes drive a MIDI clock."""
        bad_before = self.decoder.counts["rejected"] + self.decoder.counts["stray"]
        events = self.decoder.feed(data, t)
        bad = self.decoder.counts["rejected"] + self.decoder.counts["stray"]
        if bad > bad_before and t - self._last_reject_log > 1.0:  # rate-limited: a flood must not flood the log
            self._last_reject_log = t
            log.warning("malformed MIDI input ignored (%d bytes so far)", bad)
        for event in events:
            if isinstance(event, NoteEvent):
                beat = self.clock.beat_at(event.t)
                # every note played is remembered, also those the filter holds back: leaving them out
                # of the next bars' prior makes one blocked hit block the next (measured: recall falls
                # from 0.81 to 0.53 at strength 0.9)
                with self._lock:
                    self.quantizer.note(beat, event.channel, event.pitch, event.velocity)
                if self.mode == "filter":
                    self._filter(event, beat)
            elif isinstance(event, ClockEvent) and isinstance(self.clock, MidiClock):
                try:
                    self.clock.feed(event.status, event.t, event.data)
                except ParameterError as exc:
                    log.debug("bad clock message: %s", exc)

    # ------------------------------------------------------------------ filter mode
    def _input_rows(self, drum_map: DrumMap | None) -> Callable[[int], int | None]:
        """Input pitch → row of the hit/onset group of the grid (None: not a pitch the model knows)."""
        return self.engine.codec.input_rows(drum_map)

    def _filter(self, event: NoteEvent, beat: float) -> bool:
        """Pass the note on at once or hold it back; returns whether it went out (note-offs: True)."""
        key = (event.channel, event.pitch)
        if event.velocity == 0:
            if key in self._passed:
                self._passed.discard(key)
                self.scheduler.send_now(OUT_PORT, self.output_channel, event.pitch, 0)
            return True
        belief, cell = self._belief(beat, event.pitch)
        passed = FilterGate.passes(belief, self.controls.denoise)
        if cell is not None and self.expectation is not None:
            self.expectation.struck(*cell)
        for listener in self.filter_listeners:
            listener(event, belief, passed)
        if not passed:
            self.filter_counts["blocked"] += 1
            return False
        self.filter_counts["passed"] += 1
        self._passed.add(key)
        # the player's own velocity: the gate only decides whether a note belongs
        self.scheduler.send_now(OUT_PORT, self.output_channel, event.pitch, event.velocity)
        return True

    def _belief(self, beat: float, pitch: int) -> tuple[float | None, tuple[int, int] | None]:
        """The gate's belief in ``pitch`` at ``beat`` (None: no prior, the note passes) and its
        (row, step) relative to the gate's bar (None: not one the gate judges)."""
        gate = self.expectation
        if gate is None:
            return None, None
        spb = self.engine.info.steps_per_bar
        position = (beat - gate.bar * self.beats_per_bar) * self.engine.codec.steps_per_beat
        step = int(np.floor(position + 0.5))
        row = self._row_of(pitch)
        if row is None:
            return None, None  # a pitch the model does not read: not its to judge
        if not -spb <= step < 2 * spb:
            return None, None  # no expectation this far from its bar: pass rather than guess
        # a note in the bar just before or after the predicted one (the bar loop ran late, or the
        # clock's estimate jittered across the line) is gated by the same pattern, since grooves repeat
        belief = gate.belief(row, step)
        lean = position - step  # in [-0.5, 0.5): where in its step the note fell
        if belief is not None and abs(lean) > 0.25:
            # played (or clocked) far from its step's centre: it may be the neighbour's hit, early or late
            neighbour = gate.belief(row, step + (1 if lean > 0 else -1))
            belief = max(belief, neighbour if neighbour is not None else belief)
        return belief, (row, step)

    # ------------------------------------------------------------------ one bar
    def process_bar(self, bar: int) -> BarReport:
        """Code the window that ends at bar ``bar`` and schedule its last bar over bar ``bar``."""
        started = time.perf_counter()  # a stopwatch for process_us (CPU time spent), not the time base
        if self.pending_engine is not None:
            retired, self.engine, self.pending_engine = self.engine, self.pending_engine, None
            _close_model(retired)
            self.last_code = self.last_played = None
            with self._edits:  # codes of another dictionary mean nothing to this one
                self._scenes = self._scene_bars = MappingProxyType({})
            self.panic()  # a model change silences what the old one played
            log.info("model swapped to %s at bar %d", self.engine.info.name, bar)
        c, scenes, scene_bars = self.controls, self.scenes, self._scene_bars  # one snapshot of each for the bar
        engine = self.engine
        spb = engine.info.steps_per_bar
        with self._lock:
            # generate mode plays without input: its window is not built (at thousands of notes a
            # second, quantizing them is most of a bar's work)
            window = None if c.mode == "generate" else self.quantizer.window(end_bar=bar, bars=self.window_bars)
            self.quantizer.forget_before(bar)
        bars_of = engine.geometry.column_bars(self.window_bars * spb)
        last_columns = bars_of == bars_of.max()
        silent = window is None or not engine.codec.has_notes(window[:, -spb:])  # nothing played in the last bar
        held = self.last_code if silent else None  # the bar to keep playing while nothing is played
        frozen = held is not None
        played: np.ndarray | None = None  # the bar's grid as coded: loop mode keeps its residual
        if c.mode == "generate":
            bar_code = self._generated(bar, int(last_columns.sum()), c, scenes)
            frozen = False
        elif held is not None:
            bar_code, played = held, self.last_played
        elif silent:  # nothing played yet: stay silent (don't code the decoder's bias)
            bar_code = np.zeros((engine.info.atoms, int(last_columns.sum())), np.float32)
        else:
            assert window is not None  # built for every mode but generate, and not silent
            # loop mode codes the window cleaned at the denoise amount (0: as played)
            coded = clean(engine, window, c.denoise).grid if c.mode == "loop" and c.denoise > 0 else window
            code = engine.encode(coded)
            bar_code, played = code[:, last_columns], coded[:, -spb:]
        if not silent or c.mode == "generate":
            self.last_code, self.last_played = bar_code, played
        edited = self._edit(bar_code, c if c.mode != "generate" else _without_morph(c), scenes)
        full = np.zeros((engine.info.atoms, len(bars_of)), np.float32)
        full[:, last_columns] = edited
        grid = engine.decode(full)[:, -spb:]
        if c.mode == "loop" and played is not None and c.feel > 0:
            # the bar as played, changed only where the edits change the code's part (bridge.feel)
            if edited is bar_code:
                unedited = grid
            else:
                full[:, last_columns] = bar_code
                unedited = engine.decode(full)[:, -spb:]
            toward = None
            if c.scene is not None and c.morph > 0:  # morphing toward a scene: toward its bar as played
                toward = self._scene_source(c.scene, c.morph, scenes, scene_bars)
            grid = keep_feel(engine.codec, played, unedited, grid, c.feel, toward=toward)
        elif c.mode == "generate" and c.feel > 0:
            grid = with_feel(engine.codec, grid, self._generated_sources(c, scenes, scene_bars))
        if (c.mode, c.scene) != (self.mode, self._scene_in_force):
            # a mode or scene change takes effect at this boundary, and what the old one left
            # sounding (or had scheduled) is released first
            self.panic()
            self.mode, self._scene_in_force = c.mode, c.scene
        self.expectation = self._gate(bar, window) if self.mode == "filter" and window is not None else None
        notes = self._schedule(grid, bar) if self.mode in ("loop", "generate") else 0
        totals = edited.sum(axis=1)
        peak = float(totals.max()) if totals.size and totals.max() > 0 else 1.0
        report = BarReport(bar, notes, np.flatnonzero(totals).tolist(), (totals / peak).round(4).tolist(),
                           round((time.perf_counter() - started) * 1e6, 1), frozen)
        self.reports.append(report)
        del self.reports[:-64]
        for listener in self.listeners:
            try:
                listener(report)
            except Exception:
                log.exception("bar listener failed")
        return report

    def _gate(self, bar: int, window: np.ndarray) -> FilterGate:
        """Filter mode's prior for bar ``bar`` from the window of the bars before it."""
        engine = self.engine
        spb, rows = engine.info.steps_per_bar, engine.codec.hit_rows
        hits = window[rows] > engine.codec.hit_threshold
        dictionary = np.zeros((hits.shape[0], spb), np.float32)
        played = np.flatnonzero(hits.reshape(hits.shape[0], -1, spb).any(axis=(0, 2)))
        if played.size:  # silence is not coded (the decoder's bias is no prediction)
            # the groove's bar as the dictionary hears it: its reading of every played bar of the
            # window, averaged (the last bar alone would carry that bar's strays into the next)
            reading = engine.reconstruct(window, 2 * engine.info.atoms_per_bar)[rows]
            dictionary = reading.reshape(hits.shape[0], -1, spb)[:, played[0]:].mean(axis=1)
        return FilterGate(bar, spb, dictionary, hits)

    def _generated_sources(self, c: Controls, scenes: Mapping[int, np.ndarray],
                           scene_bars: Mapping[int, np.ndarray]) -> list[FeelSource]:
        """The played grooves under generate mode's bar (:meth:`_generated`): the selected scene's
        (and, while morphing, the scene before it), weighted like their codes and by the feel."""
        if c.scene is None or c.scene not in scenes:
            return []  # generated from the atoms' statistics: the dictionary's own feel
        others = [s for s in sorted(scenes) if s < c.scene]
        t = c.morph if others and c.morph < 1.0 else 1.0
        parts = [(c.scene, t)] + ([(others[-1], 1.0 - t)] if t < 1.0 else [])
        sources = [self._scene_source(slot, c.feel * w, scenes, scene_bars) for slot, w in parts]
        return [s for s in sources if s is not None]

    def _generated(self, bar: int, columns: int, c: Controls, scenes: Mapping[int, np.ndarray]) -> np.ndarray:
        """Generate mode: the selected scene (morphing from the one before it by ``morph``), else a
        code sampled from the atoms' training statistics (seed + bar: reproducible, new every bar)."""
        k = self.engine.info.atoms_per_bar
        bars = np.zeros(columns, dtype=np.int64)
        if c.scene is not None and c.scene in scenes:
            target = scenes[c.scene]
            others = [s for s in sorted(scenes) if s < c.scene]
            if others and c.morph < 1.0:
                return ops.interpolate(scenes[others[-1]], target, c.morph, k=k, column_bars=bars)
            return target
        stats = self.engine.info.atom_stats
        if stats is None:  # a model exported without statistics generates silence
            return np.zeros((self.engine.info.atoms, columns), np.float32)
        return ops.generate(stats, columns, k=k, column_bars=bars, temperature=c.temperature,
                            seed=c.seed * 100_003 + bar)

    def _edit(self, code: np.ndarray, c: Controls, scenes: Mapping[int, np.ndarray]) -> np.ndarray:
        """The current edits, in order: morph toward the scene, atom mute/solo/gain (denoising is done
        on the played window before coding, see :meth:`process_bar`)."""
        k = self.engine.info.atoms_per_bar
        bars = np.zeros(code.shape[1], dtype=np.int64)  # one bar's columns
        out = code
        if c.scene is not None and c.scene in scenes and c.morph > 0:
            out = ops.interpolate(out, scenes[c.scene], c.morph, k=k, column_bars=bars)
        if c.solo:
            out = ops.solo(out, sorted(a for a in c.solo if a < out.shape[0]))
        if c.mute:
            out = ops.mute(out, sorted(a for a in c.mute if a < out.shape[0]))
        if c.gain:
            out = ops.gain(out, {a: g for a, g in c.gain.items() if a < out.shape[0]})
        return out

    def _schedule(self, grid: np.ndarray, bar: int) -> int:
        score = self.engine.codec.to_score(grid, output_map=self.drum_map_out)
        origin = bar * self.beats_per_bar
        for n in score.notes:
            start = self.clock.time_at(origin + n.start)
            end = self.clock.time_at(origin + n.end)
            self.scheduler.note(OUT_PORT, self.output_channel, n.pitch, n.velocity, start, end)
        return len(score.notes)

    # ------------------------------------------------------------------ scenes
    def store_scene(self, slot: int) -> None:
        code, played = self.last_code, self.last_played
        if code is None:
            raise ParameterError("nothing has been coded yet: play a bar before storing a scene")
        self.add_scenes({slot: code}, None if played is None else {slot: played})

    def swap_model(self, engine: CodeModel) -> None:
        """Queue ``engine`` (already loaded and warmed) for the next bar boundary; it must read the
        same grid as the current model."""
        if engine.info.codec_spec != self.engine.info.codec_spec:
            raise ParameterError(f"model {engine.info.name!r} uses the {engine.info.codec_name} codec, but the live "
                                 f"input is coded for {self.engine.info.codec_name}; start a new session for it")
        replaced, self.pending_engine = self.pending_engine, engine
        if replaced is not None:  # a second load before the first played: the first never will
            _close_model(replaced)

    def close_models(self) -> None:
        """End the model(s) held (a worker process each, when run in one); after :meth:`stop`."""
        for model in (self.pending_engine, self.engine):
            if model is not None:
                _close_model(model, wait=True)

    def switch_clock(self, clock: InternalClock | MidiClock | HostClock | LinkClock) -> None:
        """Queue a new clock source for the bar loop's next turn (see :meth:`take_pending_clock`)."""
        self.pending_clock = clock

    def take_pending_clock(self) -> int | None:
        """Put a queued clock in force; returns the next bar to process by it (None if none was queued).

        Beat positions belong to their clock, so what sounds is released and the held input notes
        are forgotten; an internal clock starts at the old clock's beat, so bar numbers run on."""
        clock, self.pending_clock = self.pending_clock, None
        if clock is None:
            return None
        self.panic()
        with self._lock:
            old, self.clock = self.clock, clock
            self.quantizer.clear()
            self.expectation = None
            if isinstance(clock, InternalClock):
                clock.start(max(0.0, old.beat_at(self.now())))
        close = getattr(old, "close", None)  # a Link clock stops its thread
        if close is not None:
            close()
        log.info("clock source now %s (was %s)", clock.source, old.source)
        return self.next_bar()

    # ------------------------------------------------------------------ running
    def next_processing_time(self, bar: int) -> float:
        """When bar ``bar``'s boundary must be processed: half a grid step before it."""
        half_step = 0.5 / self.engine.codec.steps_per_beat
        return self.clock.time_at(bar * self.beats_per_bar - half_step)

    def run(self, sleep: Callable[[float], None] = time.sleep) -> None:
        """The bar loop until :meth:`stop`; the scheduler thread sends the notes."""
        favour_timing_threads()
        if self.realtime:
            realtime_thread("bar loop")
        self.scheduler.start()
        bar: int | None = None
        while not self._stop.is_set():
            bar, wait = self.step(bar)
            if wait > 0:
                self._stop.wait(wait)

    def step(self, bar: int | None) -> tuple[int | None, float]:
        """One turn of the bar loop at ``now()``: put a queued clock in force, silence a stopped or
        lost external clock, and process bar ``bar`` if its time has come (None: the bar after the
        clock's position). Returns the bar for the next turn and how long to wait before it (0: at
        once). :meth:`run` turns it on a thread; ``sidl replay`` turns it on a simulated clock, so
        both run this same code."""
        switched = self.take_pending_clock()
        if switched is not None:
            bar = switched
        if isinstance(self.clock, (MidiClock, HostClock)) and (self.clock.lost() or not self.clock.running):
            if self.scheduler.ledger.sounding() or self.scheduler.pending():
                log.warning("%s clock stopped or lost: silencing", self.clock.source)
                self.panic()
            return None, 0.01  # the bar is found again from the clock once it runs
        if bar is None:
            bar = self.next_bar()
        elif bar < self.next_bar() - 1:  # that bar is over (a model call past its deadline): don't play it late
            log.warning("the bar loop fell %d bar(s) behind (a model call took too long): skipping to bar %d",
                        self.next_bar() - bar, self.next_bar())
            bar = self.next_bar()
        wait = self.next_processing_time(bar) - self.now()
        if wait > 0:
            return bar, min(wait, 0.05)
        try:
            self.process_bar(bar)
        except ModelError as exc:  # the model failed or its worker is restarting: one line, not a traceback
            log.warning("bar %d: %s; silencing, the loop goes on", bar, exc)
            self._after_failed_bar()
        except Exception:  # a bad window or model error must neither stop the loop nor leave a note on
            log.exception("bar %d failed: silencing, the loop goes on", bar)
            self._after_failed_bar()
        return bar + 1, 0.0

    def _after_failed_bar(self) -> None:
        """Silence, and give filter mode no prior for a bar that was not coded: every note passes
        (an old bar's prior would judge this bar's notes by the wrong pattern)."""
        self.expectation = None
        self.panic()

    def next_bar(self) -> int:
        """The first bar whose boundary is still ahead of the clock."""
        return int(np.floor(self.clock.beat_at(self.now()) / self.beats_per_bar)) + 1

    def panic(self) -> list[Any]:
        """Silence now: every sounding note's note-off, then CC64=0 and CC123 on the output channel."""
        return self.scheduler.panic(always=((OUT_PORT, self.output_channel),))

    def stop(self) -> list[Any]:
        """Stop the loop and silence everything; returns the messages sent to do so."""
        self._stop.set()
        released = self.scheduler.stop()  # the worker ends, the ledger releases what sounds
        if not any(m.kind == "control_change" and m.channel == self.output_channel for m in released):
            released += self.panic()  # make the reset heard even when nothing was sounding
        return released

    def state(self, *, listed: int = STATE_LISTED, model_loading: str | None = None) -> dict[str, Any]:
        """The state ``/sidl/query`` answers: the controls, clock, model and timing, with the atom
        edits summarised — the ``listed`` lowest atoms of each kind plus the counts (``atom_edits``);
        :meth:`atoms_page` pages through them all."""
        c = self.controls
        mute, solo, gains = sorted(c.mute), sorted(c.solo), sorted(c.gain.items())
        atoms = self.engine.info.atoms
        return {"mode": self.mode, "requested_mode": c.mode, "denoise": c.denoise, "feel": c.feel, "morph": c.morph,
                "scene": c.scene,
                "temperature": c.temperature, "seed": c.seed, "scenes": sorted(self.scenes), "mute": mute[:listed],
                "solo": solo[:listed],
                "gain": {str(a): round(g, 4) for a, g in gains[:listed]}, "bpm": round(self.clock.bpm, 3),
                "atom_edits": {"mute": len(mute), "solo": len(solo), "gain": len(gains), "listed": listed,
                               "complete": max(len(mute), len(solo), len(gains)) <= listed,
                               "pages": -(-atoms // ATOMS_PER_PAGE), "page_atoms": ATOMS_PER_PAGE},
                "clock": self.clock.source, "provider": self.engine.provider, "model": self.engine.describe(),
                "model_loading": model_loading,
                "model_pending": None if (pending := self.pending_engine) is None else pending.info.name,
                "late_events": self.scheduler.lateness.late_events, "lateness_ms": self._lateness_ms()}

    def atoms_page(self, page: int) -> dict[str, Any]:
        """The atom edits of atoms ``page × ATOMS_PER_PAGE`` onwards (``/sidl/atoms/query``)."""
        atoms = self.engine.info.atoms
        pages = -(-atoms // ATOMS_PER_PAGE)
        if isinstance(page, bool) or not isinstance(page, int) or not 0 <= page < pages:
            raise ParameterError(f"page {page!r} is not one of the atom pages 0..{pages - 1} "
                                 f"(model {self.engine.info.name!r}: {atoms} atoms, {ATOMS_PER_PAGE} a page)")
        c = self.controls
        first, last = page * ATOMS_PER_PAGE, min((page + 1) * ATOMS_PER_PAGE, atoms) - 1
        return {"page": page, "pages": pages, "first": first, "last": last,
                "mute": sorted(a for a in c.mute if first <= a <= last),
                "solo": sorted(a for a in c.solo if first <= a <= last),
                "gain": {str(a): round(g, 4) for a, g in sorted(c.gain.items()) if first <= a <= last}}

    def atoms_page_json(self, page: int) -> str:
        return json.dumps(self.atoms_page(page), sort_keys=True)

    def _lateness_ms(self) -> dict[str, float]:
        samples = np.asarray(self.scheduler.lateness.samples[-5000:], dtype=np.float64) * 1000.0
        if not samples.size:
            return {}
        p50, p99 = np.percentile(samples, [50, 99])  # one sort for both (a query must stay cheap)
        return {"p50": round(float(p50), 3), "p99": round(float(p99), 3),
                "max": round(float(samples.max()), 3), "count": int(samples.size)}

    def state_json(self, *, model_loading: str | None = None, max_bytes: int = MAX_REPLY - 64) -> str:
        """:meth:`state` as JSON of at most ``max_bytes`` (what one reply datagram carries): fewer
        atoms listed if needed, and as a last resort the model's strings shortened (they come from
        its metadata)."""
        state: dict[str, Any] = {}
        for listed in (STATE_LISTED, 16, 0):
            state = self.state(listed=listed, model_loading=model_loading)
            text = json.dumps(state, sort_keys=True)
            if len(text.encode()) <= max_bytes:
                return text
        state["model"] = {k: (v[:64] if isinstance(v, str) else v if isinstance(v, (int, float)) else str(v)[:64])
                          for k, v in list(state["model"].items())[:16]}
        for key in ("model_loading", "model_pending"):
            if isinstance(state.get(key), str):
                state[key] = state[key][:64]
        return json.dumps(state, sort_keys=True)
