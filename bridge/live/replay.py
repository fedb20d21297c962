"""``sidl replay``: the live bridge run over a MIDI file, on a simulated clock, with no ports.

The replay builds the real :class:`~bridge.live.daemon.LiveBridge` — the object ``sidl run`` builds —
with a :class:`SimulatedTime` as its one time base and an :class:`~bridge.live.clock.InternalClock`
at the file's tempo started at the file's beat 0. It then plays the file into it as a port would:
every note-on/note-off goes through :meth:`LiveBridge.on_midi` at its time, the bar loop turns by
:meth:`LiveBridge.step` (the body of :meth:`LiveBridge.run`), and the scheduler sends what is due by
:meth:`Scheduler.run_due` (its worker's step). Time only moves between those events, straight to the
next one, so a replay takes as long as the coding, not as the music; what the bridge sends is
recorded with its time and written as a MIDI file on the bridge's output channel.

Tempo: the clock follows the file's tempo map — it starts at the first tempo, and at each change
the clock's tempo is set through the API ``/sidl/tempo`` uses (:meth:`InternalClock.set_bpm`), at
the change's time. Every tempo must lie in the live range (:mod:`bridge.live.limits`).

Length: the file's bars as the codec reads them (whole bars holding every note start). Loop mode
plays each bar one bar later, so its replay runs one bar more; the bar loop processes only bars
whose boundary lies before the end — nothing of the input is lost and no bar is frozen after it.
At the end the bridge is stopped as ``sidl run`` stops it: the ledger releases what still sounds.

``align`` shifts the output back by the mode's latency (one bar in loop mode, none in filter and
generate), so loop mode's output lines up with its input note for note.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge import safe_io
from sidl.bridge.codecs import DrumMap, Note, Score, load_score, save_score
from sidl.bridge.engine import Engine
from sidl.bridge.errors import MidiFileError, ParameterError
from sidl.bridge.live.clock import InternalClock
from sidl.bridge.live.daemon import BarReport, LiveBridge
from sidl.bridge.live.ledger import ShortMessage
from sidl.bridge.live.limits import DEFAULT_MODE, check_bpm, check_mode

log = logging.getLogger(__name__)

LATENCY_BARS = {"loop": 1, "filter": 0, "generate": 0}  # bars between an input bar and what it makes heard


class SimulatedTime:
    """A time base that stands still until the replay moves it (the bridge reads it as ``now``)."""

    def __init__(self, start: float = 0.0) -> None:
        self.t = float(start)

    def __call__(self) -> float:
        return self.t

    def now(self) -> float:
        return self.t

    def advance_to(self, t: float) -> None:
        """Move to ``t``; time never runs backwards."""
        self.t = max(self.t, float(t))


@dataclass
class ReplayResult:
    """What the bridge sent over a file: the output score (the input's tempo map and meter, beats of
    the file, shifted back by ``shift_beats`` with ``align``), every message with its time (seconds
    from the file's start, unshifted), and the bar loop's reports."""

    score: Score
    messages: list[tuple[float, ShortMessage]]
    reports: list[BarReport]
    mode: str
    denoise: float
    align: bool
    input_bars: int
    input_notes: int
    end_seconds: float
    shift_beats: float
    tempo_changes: int
    filter_counts: dict[str, int] = field(default_factory=dict)
    #: filter mode: (seconds, pitch, velocity, belief, passed) of every note-on judged; belief None: no prior
    filter_beliefs: list[tuple[float, int, int, float | None, bool]] = field(default_factory=list)
    feel: float = 1.0  # loop mode: how much of the played bar's residual was kept

    def note_ons(self) -> list[tuple[float, int, int]]:
        """(time in seconds, pitch, velocity) of every note-on sent, unshifted."""
        return [(t, m.data1, m.data2) for t, m in self.messages if m.kind == "note_on"]

    def summary(self) -> dict[str, Any]:
        """The JSON-able facts ``sidl replay`` prints."""
        out: dict[str, Any] = {
            "mode": self.mode, "denoise": self.denoise, "feel": self.feel, "align": self.align, "shift_beats": self.shift_beats,
            "input_bars": self.input_bars, "input_notes": self.input_notes, "output_notes": len(self.score.notes),
            "bars_processed": len(self.reports), "frozen_bars": sum(r.frozen for r in self.reports),
            "seconds": round(self.end_seconds, 3), "tempo_changes": self.tempo_changes,
        }
        if self.mode == "filter":
            out["filter"] = dict(self.filter_counts)
        return out


@dataclass(frozen=True, order=True)
class _InputEvent:
    t: float
    order: int  # at one time: note-offs before note-ons, as a MIDI file stores them (0 off, 1 on, 2 late off)
    data: tuple[int, int, int] = field(compare=False)


def load_input(engine: Engine, source: str | Path | Score) -> tuple[Score, int]:
    """The score to replay and its length in bars; refuses files with no notes the codec can use or
    made for another codec."""
    if isinstance(source, Score):
        score, name = source, source.source or "<score>"
        if not score.notes:
            raise MidiFileError(f"{name}: the score holds no notes")
    else:
        score, name = load_score(source), str(source)  # raises for missing, unreadable or empty files
    engine.codec.check_file(score, source=name, model=engine.info.name)
    grid = np.asarray(engine.codec.encode(score).array)
    if not engine.codec.has_notes(grid):
        raise MidiFileError(f"{name}: none of its notes is one the {engine.info.codec_name} codec can use")
    bars = -(-grid.shape[1] // engine.info.steps_per_bar)
    return score, int(bars)


def _input_events(score: Score) -> list[_InputEvent]:
    tempo = score.tempo_map
    events = []
    for n in score.notes:
        events.append(_InputEvent(tempo.to_seconds(n.start), 1, (0x90 | n.channel, n.pitch, n.velocity)))
        # a note of no length ends after it starts (its off must not come first and leave it held)
        events.append(_InputEvent(tempo.to_seconds(max(n.end, n.start)), 0 if n.end > n.start else 2,
                                  (0x80 | n.channel, n.pitch, 0)))
    return sorted(events)


def _tempo_changes(score: Score, name: str) -> list[tuple[float, float]]:
    """(seconds, bpm) of every tempo in the file's map, each checked against the live range."""
    return [(score.tempo_map.to_seconds(beat), check_bpm(60e6 / us, f"{name}: the tempo at beat {beat:g}"))
            for beat, us in score.tempo_map.changes]


def replay(engine: Engine, source: str | Path | Score, *, mode: str = DEFAULT_MODE, denoise: float | None = None,
           mute: Iterable[int] = (), solo: Iterable[int] = (), gain: Mapping[int, float] | None = None,
           temperature: float = 1.0, seed: int = 0, feel: float = 1.0, align: bool = False,
           input_channel: int | None = None,
           drum_map_in: DrumMap | None = None, drum_map_out: DrumMap | None = None) -> ReplayResult:
    """Play ``source`` (a MIDI file or a score) into a live bridge on a simulated clock; see the
    module docstring. ``denoise`` None: the model's tuned amount, as ``sidl run``."""
    mode = check_mode(mode, "--mode")
    amount = engine.info.denoise_amount if denoise is None else float(denoise)
    if not 0.0 <= amount <= 1.0:
        raise ParameterError(f"--denoise must be within 0..1, got {denoise}")
    if isinstance(feel, bool) or not isinstance(feel, (int, float)) or not 0.0 <= feel <= 1.0:
        raise ParameterError(f"--feel must be within 0..1, got {feel}")
    if input_channel is not None and not 0 <= input_channel <= 15:
        raise ParameterError(f"--channel must be within 0..15, got {input_channel}")
    score, input_bars = load_input(engine, source)
    tempos = deque(_tempo_changes(score, score.source or str(source)))

    now = SimulatedTime()
    sent: list[tuple[float, ShortMessage]] = []
    clock = InternalClock(tempos.popleft()[1], now=now)
    bridge = LiveBridge(engine, lambda message: sent.append((now(), message)), clock=clock,
                        input_channel=input_channel, drum_map_in=drum_map_in, drum_map_out=drum_map_out, now=now)
    # the controls as `sidl run` sets them at start-up, the mode in force from the first bar
    bridge.change_controls(mode=mode, denoise=amount, feel=float(feel), mute=frozenset(mute), solo=frozenset(solo),
                           gain=dict(gain or {}), temperature=float(temperature), seed=int(seed))
    bridge.mode = mode
    reports: list[BarReport] = []
    bridge.listeners.append(reports.append)  # the bridge keeps only its last 64
    beliefs: list[tuple[float, int, int, float | None, bool]] = []
    bridge.filter_listeners.append(lambda e, belief, passed: beliefs.append((e.t, e.pitch, e.velocity, belief, passed)))
    clock.start()  # the file's beat 0 at time 0

    end_bar = input_bars + LATENCY_BARS[mode]
    end = score.tempo_map.to_seconds(end_bar * bridge.beats_per_bar)
    events = deque(_input_events(score))
    bar: int | None = None
    while True:
        # at this instant: tempo, then input, then the bar loop's turn, then the scheduler's sends
        while tempos and tempos[0][0] <= now():
            clock.set_bpm(tempos.popleft()[1])
        while events and events[0].t <= now():
            bridge.on_midi(list(events.popleft().data), now())
        if bar is None or bar < end_bar:  # only bars whose boundary lies before the end
            bar, _ = bridge.step(bar)
        bridge.scheduler.run_due()
        upcoming = [end]
        if tempos:
            upcoming.append(tempos[0][0])
        if events:
            upcoming.append(events[0].t)
        if (pending := bridge.scheduler.next_time()) is not None:
            upcoming.append(pending)
        if bar is not None and bar < end_bar:
            upcoming.append(bridge.next_processing_time(bar))
        following = min(upcoming)
        if following >= end:
            break
        now.advance_to(following)
    now.advance_to(end)
    bridge.scheduler.run_due()
    bridge.stop()  # what still sounds is released at the end, through the ledger
    shift = bridge.beats_per_bar * LATENCY_BARS[mode] if align else 0.0
    out = _score_of(sent, score, shift, end_bar * bridge.beats_per_bar - shift)
    log.info("replayed %d bars in %s mode: %d notes in, %d out", input_bars, mode, len(score.notes), len(out.notes))
    return ReplayResult(out, sent, reports, mode, amount, align, input_bars, len(score.notes), end, shift,
                        len(score.tempo_map.changes) - 1, dict(bridge.filter_counts), beliefs, float(feel))


def _score_of(sent: list[tuple[float, ShortMessage]], like: Score, shift: float, end_beat: float) -> Score:
    """The note-ons and note-offs sent as notes (first on, first off per channel and pitch), in the
    beats of ``like``'s tempo map, ``shift`` beats earlier."""
    tempo = like.tempo_map
    notes: list[Note] = []
    sounding: dict[tuple[int, int], list[tuple[float, int]]] = {}
    for t, m in sent:
        beat = tempo.to_beats(t) - shift
        key = (m.channel, m.data1)
        if m.kind == "note_on":
            sounding.setdefault(key, []).append((beat, m.data2))
        elif m.kind == "note_off" and sounding.get(key):
            start, velocity = sounding[key].pop(0)
            notes.append(_note(start, beat, key, velocity))
    for key, started in sounding.items():  # never released (cannot happen: stop() releases all)
        notes.extend(_note(start, end_beat, key, velocity) for start, velocity in started)
    return Score(sorted(notes), tempo, list(like.time_signatures), like.ticks_per_beat, "sidl replay")


def _note(start: float, end: float, key: tuple[int, int], velocity: int) -> Note:
    start = max(0.0, start)  # a loop note played a hair early, aligned, would fall before the file
    return Note(start, key[1], velocity, max(end, start + 1e-3), key[0])


def check_output(source: str | Path, out: str | Path) -> Path:
    """``out`` as a path, refused before any work if it ends in neither .mid nor .midi, is the input
    file itself, or cannot be written (:func:`sidl.bridge.safe_io.check_output`)."""
    return safe_io.check_output(out, inputs=(source,))


def write_replay(result: ReplayResult, out: str | Path, *, source: str | Path | None = None,
                 track_name: str | None = None) -> Path:
    """Write ``result.score`` to ``out`` through a temporary file and a rename (a failed write never
    leaves half a file, nor replaces the input: ``source`` is refused as ``out``)."""
    inputs = () if source is None else (source,)
    dst = safe_io.check_output(out, inputs=inputs)
    return save_score(result.score, dst, track_name=track_name or f"sidl replay {result.mode}", inputs=inputs)
