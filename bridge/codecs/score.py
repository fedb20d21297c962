"""A MIDI file as sidl sees it: notes in beats, the tempo map and the meter.

Times are kept in *beats* (quarter notes, ``tick / ticks_per_beat``) because the grid codecs
quantize in musical time; the :class:`TempoMap` converts beats to seconds where milliseconds matter
(timing errors, jitter). Reading keeps every note-on/note-off pair on every track and channel; a
velocity-0 note-on counts as a note-off. Sustain-pedal (CC64) spans are kept in :attr:`Score.pedal`
for codecs that want them; notes themselves are never lengthened here.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import mido
import numpy as np

from sidl.bridge import limits
from sidl.bridge.errors import MidiFileError, ParameterError
from sidl.bridge.safe_io import write_atomic

log = logging.getLogger(__name__)

DEFAULT_TEMPO_US = 500_000  # 120 BPM, the MIDI default when a file states no tempo
DRUM_CHANNEL = 9  # channel 10 in 1-based numbering
SUSTAIN_CC = 64  # damper pedal; values >= 64 mean "down"


@dataclass(frozen=True, order=True)
class Note:
    """One sounding note. ``start``/``end`` are in beats from the start of the file."""

    start: float
    pitch: int
    velocity: int
    end: float
    channel: int = 0


@dataclass(frozen=True)
class TimeSignature:
    """A meter that holds from ``beat`` on (``numerator``/``denominator`` as in the MIDI meta event)."""

    beat: float
    numerator: int
    denominator: int

    @property
    def is_four_four(self) -> bool:
        return (self.numerator, self.denominator) == (4, 4)


@dataclass(frozen=True, order=True)
class PedalSpan:
    """Sustain pedal (CC64 >= 64) held down from ``start`` to ``end`` beats on ``channel``."""

    start: float
    end: float
    channel: int = 0


@dataclass
class TempoMap:
    """Piecewise-constant tempo: ``changes`` are ``(beat, microseconds_per_beat)``, sorted by beat.

    Before the first stated change the MIDI default of 120 BPM holds, as the MIDI spec says.
    """

    changes: list[tuple[float, int]] = field(default_factory=lambda: [(0.0, DEFAULT_TEMPO_US)])

    def __post_init__(self) -> None:
        # Copy (never mutate the caller's list) and sort, so two maps never share state.
        self.changes = sorted(((float(b), int(us)) for b, us in self.changes), key=lambda c: c[0])
        if not self.changes or self.changes[0][0] > 0.0:
            self.changes.insert(0, (0.0, DEFAULT_TEMPO_US))
        self._beats = [b for b, _ in self.changes]
        self._seconds = [0.0]
        for (b0, us), (b1, _) in zip(self.changes, self.changes[1:]):
            self._seconds.append(self._seconds[-1] + (b1 - b0) * us / 1e6)

    @classmethod
    def constant(cls, bpm: float) -> TempoMap:
        return cls([(0.0, round(60_000_000 / bpm))])

    def seconds_per_beat(self, beat: float) -> float:
        i = max(0, bisect.bisect_right(self._beats, beat) - 1)
        return self.changes[i][1] / 1e6

    def bpm_at(self, beat: float) -> float:
        return 60.0 / self.seconds_per_beat(beat)

    def to_seconds(self, beat: float) -> float:
        i = max(0, bisect.bisect_right(self._beats, beat) - 1)
        return self._seconds[i] + (beat - self._beats[i]) * self.changes[i][1] / 1e6

    def to_beats(self, seconds: float) -> float:
        i = max(0, bisect.bisect_right(self._seconds, seconds) - 1)
        return self._beats[i] + (seconds - self._seconds[i]) * 1e6 / self.changes[i][1]

    def step_seconds(self, n_steps: int, steps_per_beat: int = 4, start_beat: float = 0.0) -> np.ndarray:
        """float64 ``(n_steps,)``: how long each of ``n_steps`` grid steps from ``start_beat`` lasts.

        Step ``i`` spans beats ``start + i/spb`` .. ``start + (i+1)/spb``, so a step that straddles a
        tempo change gets its true, mixed length (what turns offsets in steps into milliseconds)."""
        if n_steps < 0:
            raise ParameterError(f"n_steps must be >= 0, got {n_steps}")
        if steps_per_beat < 1:
            raise ParameterError(f"steps_per_beat must be >= 1, got {steps_per_beat}")
        beats = start_beat + np.arange(n_steps + 1, dtype=np.float64) / steps_per_beat
        change_beats = np.asarray(self._beats, dtype=np.float64)
        idx = np.clip(np.searchsorted(change_beats, beats, side="right") - 1, 0, None)
        per_beat = np.array([us / 1e6 for _, us in self.changes], dtype=np.float64)
        seconds = np.asarray(self._seconds, dtype=np.float64)[idx] + (beats - change_beats[idx]) * per_beat[idx]
        return np.diff(seconds)


@dataclass
class Score:
    """Notes, tempo map and meter of one MIDI file (or of generated music)."""

    notes: list[Note]
    tempo_map: TempoMap = field(default_factory=TempoMap)
    time_signatures: list[TimeSignature] = field(
        default_factory=lambda: [TimeSignature(0.0, 4, 4)]
    )
    ticks_per_beat: int = 480
    source: str | None = None
    pedal: list[PedalSpan] = field(default_factory=list)

    @property
    def end_beat(self) -> float:
        return max((n.end for n in self.notes), default=0.0)

    @property
    def is_four_four(self) -> bool:
        return all(ts.is_four_four for ts in self.time_signatures)

    def meters(self) -> list[str]:
        return sorted({f"{ts.numerator}/{ts.denominator}" for ts in self.time_signatures})


def load_score(path: str | Path) -> Score:
    """Read a MIDI file. Raises :class:`MidiFileError` naming the file if it is unreadable, has no
    notes, or is over a size limit of :mod:`sidl.bridge.limits` (bytes, events, length in beats)."""
    path = Path(path)
    try:
        if path.is_file():
            size = path.stat().st_size
            if size == 0:
                raise MidiFileError(f"{path}: the file is empty; expected a standard MIDI file")
            limits.check_midi_bytes(size, str(path))  # before parsing: size bounds the parser's work
        elif path.exists():  # a folder, a FIFO or a device (/dev/zero would be read forever)
            raise MidiFileError(f"{path}: not a regular file; expected a standard MIDI file")
        midi = mido.MidiFile(str(path))
    except FileNotFoundError as exc:
        raise MidiFileError(f"{path}: no such file") from exc
    except (OSError, EOFError, ValueError, KeyError, IndexError) as exc:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, EOFError):
            reason = "the file ends in the middle of a chunk"
        raise MidiFileError(f"{path}: not a readable MIDI file ({reason})") from exc
    if midi.type == 2:
        raise MidiFileError(f"{path}: MIDI type 2 (independent sequences) is not supported; expected type 0 or 1")
    limits.check_midi_events(sum(len(track) for track in midi.tracks), str(path))
    score = score_from_midi(midi)
    score.source = str(path)
    if not score.notes:
        raise MidiFileError(f"{path}: the file holds no notes")
    # the grid a codec builds is as long as the notes: a tiny file with one huge delta time would ask
    # for gigabytes, so the length is checked here, before any grid
    limits.check_midi_beats(max(score.end_beat, max((p.end for p in score.pedal), default=0.0)), str(path))
    return score


def score_from_midi(midi: mido.MidiFile) -> Score:
    """Build a :class:`Score` from an opened :class:`mido.MidiFile` (tracks merged by absolute tick)."""
    tpb = midi.ticks_per_beat
    tempo_changes: list[tuple[float, int]] = []
    signatures: list[TimeSignature] = []
    notes: list[Note] = []
    pedal: list[PedalSpan] = []
    for track in midi.tracks:
        tick = 0
        sounding: dict[tuple[int, int], list[tuple[int, int]]] = {}
        pedal_down: dict[int, int] = {}  # channel -> tick the pedal went down
        for msg in track:
            tick += msg.time
            beat = tick / tpb
            if msg.type == "control_change" and msg.control == SUSTAIN_CC:
                if msg.value >= 64:
                    pedal_down.setdefault(msg.channel, tick)  # repeated "down" keeps the first
                elif msg.channel in pedal_down:
                    pedal.append(PedalSpan(pedal_down.pop(msg.channel) / tpb, beat, msg.channel))
            elif msg.type == "set_tempo":
                tempo_changes.append((beat, msg.tempo))
            elif msg.type == "time_signature":
                signatures.append(TimeSignature(beat, msg.numerator, msg.denominator))
            elif msg.type == "note_on" and msg.velocity > 0:
                sounding.setdefault((msg.channel, msg.note), []).append((tick, msg.velocity))
            elif msg.type in ("note_off", "note_on"):
                started = sounding.get((msg.channel, msg.note))
                if started:
                    on_tick, velocity = started.pop(0)  # first in, first out for repeated pitches
                    notes.append(Note(on_tick / tpb, msg.note, velocity, tick / tpb, msg.channel))
        for (channel, pitch), pending in sounding.items():  # never closed: end at the track's end
            for on_tick, velocity in pending:
                notes.append(Note(on_tick / tpb, pitch, velocity, max(tick, on_tick) / tpb, channel))
        for channel, down_tick in pedal_down.items():  # pedal never released: up at the track's end
            pedal.append(PedalSpan(down_tick / tpb, max(tick, down_tick) / tpb, channel))
    tempo_changes.sort(key=lambda c: c[0])
    signatures.sort(key=lambda s: s.beat)
    return Score(
        notes=sorted(notes),
        tempo_map=TempoMap(_dedupe(tempo_changes) or [(0.0, DEFAULT_TEMPO_US)]),
        time_signatures=_dedupe_signatures(signatures) or [TimeSignature(0.0, 4, 4)],
        ticks_per_beat=tpb,
        pedal=sorted(pedal),
    )


def _dedupe(changes: list[tuple[float, int]]) -> list[tuple[float, int]]:
    out: list[tuple[float, int]] = []
    for beat, tempo in changes:
        if out and out[-1][0] == beat:
            out[-1] = (beat, tempo)  # the later event at the same tick wins
        elif not out or out[-1][1] != tempo:
            out.append((beat, tempo))
    return out


def _dedupe_signatures(signatures: list[TimeSignature]) -> list[TimeSignature]:
    out: list[TimeSignature] = []
    for ts in signatures:
        if out and out[-1].beat == ts.beat:
            out[-1] = ts
        elif not out or (out[-1].numerator, out[-1].denominator) != (ts.numerator, ts.denominator):
            out.append(ts)
    return out


def save_score(score: Score, path: str | Path, *, track_name: str = "sidl", inputs: Iterable[str | Path] = ()) -> Path:
    """Write ``score`` as a type-0 MIDI file with its tempo map and meter; returns the path.

    Written through a temporary file and a rename (:func:`~sidl.bridge.safe_io.write_atomic`): a
    failed write leaves no partial file and keeps an earlier one; :class:`OutputError` says why.
    ``inputs``: files that must not be overwritten (:class:`ParameterError` if ``path`` is one)."""
    path = Path(path)
    tpb = score.ticks_per_beat
    events: list[tuple[int, int, mido.MetaMessage | mido.Message]] = []
    # (tick, order, message): at one tick, meta first, then note-offs, then note-ons.
    for beat, tempo in score.tempo_map.changes:
        events.append((round(beat * tpb), 0, mido.MetaMessage("set_tempo", tempo=tempo)))
    for ts in score.time_signatures:
        events.append((round(ts.beat * tpb), 0, mido.MetaMessage(
            "time_signature", numerator=ts.numerator, denominator=ts.denominator)))
    for n in score.notes:
        on = max(0, round(n.start * tpb))
        off = max(on + 1, round(n.end * tpb))
        velocity = min(127, max(1, int(n.velocity)))
        events.append((on, 2, mido.Message("note_on", note=n.pitch, velocity=velocity, channel=n.channel)))
        events.append((off, 1, mido.Message("note_off", note=n.pitch, velocity=0, channel=n.channel)))
    for span in score.pedal:  # pedal up sorts with the note-offs, pedal down after the note-ons
        down = max(0, round(span.start * tpb))
        up = max(down + 1, round(span.end * tpb))
        events.append((down, 3, mido.Message("control_change", control=SUSTAIN_CC, value=127,
                                              channel=span.channel)))
        events.append((up, 1, mido.Message("control_change", control=SUSTAIN_CC, value=0,
                                            channel=span.channel)))
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=track_name)])
    last = 0
    for tick, _, msg in events:
        track.append(msg.copy(time=tick - last))
        last = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    midi = mido.MidiFile(type=0, ticks_per_beat=tpb)
    midi.tracks.append(track)

    def write(fh: BinaryIO) -> None:
        midi.save(file=fh)

    return write_atomic(path, write, inputs=inputs)
