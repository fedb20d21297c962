"""Piano codec: notes <-> a (264, steps) grid of onsets, velocities and holds over the 88 keys.

Rows ``0..87`` are onsets (1 at the step nearest each note start), ``88..175`` velocities
(``v/127`` at onsets), ``176..263`` holds (1 on every step the key sounds). Separate onset and hold
rows keep repeated notes apart from held ones. Row ``k`` is MIDI pitch ``21 + k`` (A0..C8).

The grid is in beats (``steps_per_beat``, default 4 = 16ths; 12 also resolves triplets), so the
codec is meter-agnostic: any time signature encodes, and the meters are kept on the result.

Sustain pedal: off by default (the grid then holds exactly the keys pressed). With
``sustain_pedal=True`` a key released while the pedal (CC64 >= 64, :attr:`Score.pedal`, any
channel) is down keeps sounding until the pedal is lifted or the same key is struck again,
which is closer to what one hears in pedalled piano music.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from sidl.bridge.codecs.base import GridLayout, HitGroupMixin
from sidl.bridge.codecs.drums import _check_grid, _check_n_steps, _check_threshold
from sidl.bridge.codecs.score import DRUM_CHANNEL, Note, PedalSpan, Score, TempoMap, TimeSignature
from sidl.bridge.errors import CodecMismatchError, ParameterError

log = logging.getLogger(__name__)

__all__ = ["HOLD_ROWS", "ONSET_ROWS", "VELOCITY_ROWS", "PianoCodec", "PianoGrid", "apply_sustain_pedal",
           "note_name", "pitch_class_histogram"]

N_KEYS = 88
LOWEST_PITCH = 21
HIGHEST_PITCH = LOWEST_PITCH + N_KEYS - 1  # 108
ONSET_ROWS = slice(0, N_KEYS)
VELOCITY_ROWS = slice(N_KEYS, 2 * N_KEYS)
HOLD_ROWS = slice(2 * N_KEYS, 3 * N_KEYS)
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(pitch: int) -> str:
    """MIDI pitch -> scientific name: 60 -> "C4", 21 -> "A0"."""
    return f"{NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


def pitch_class_histogram(grid: np.ndarray) -> np.ndarray:
    """Share of onsets on each pitch class C, C#, … B of a piano grid (264, T): (12,), sums to 1
    (all zeros for a grid with no onset)."""
    arr = np.asarray(grid)
    if arr.ndim != 2 or arr.shape[0] < N_KEYS:
        raise ParameterError(f"piano grid must be ({3 * N_KEYS}, steps), got shape {arr.shape}")
    per_key = (arr[:N_KEYS] > 0.5).sum(axis=1).astype(np.float64)
    classes = (LOWEST_PITCH + np.arange(N_KEYS)) % 12
    hist = np.bincount(classes, weights=per_key, minlength=12)
    total = hist.sum()
    return hist / total if total > 0 else hist


@dataclass
class PianoGrid:
    """An encoded piano score and what the encoding could not keep."""

    array: np.ndarray  # (264, T) float32
    out_of_range: Counter[int] = field(default_factory=Counter)  # pitch -> notes outside 21..108
    dropped_notes: int = 0  # notes starting past the end of the grid
    tempo_map: TempoMap = field(default_factory=TempoMap)
    time_signatures: list[TimeSignature] = field(default_factory=lambda: [TimeSignature(0.0, 4, 4)])
    source: str | None = None
    steps_per_beat: int = 4

    @property
    def n_steps(self) -> int:
        return int(self.array.shape[1])


def apply_sustain_pedal(notes: list[Note], pedal: list[PedalSpan]) -> list[Note]:
    """Notes lengthened by the sustain pedal: a key released while the pedal is down sounds until
    the pedal is lifted, but never past the next strike of the same pitch."""
    if not pedal:
        return list(notes)
    spans = sorted(pedal)
    starts = [s.start for s in spans]
    # Running maximum of span ends lets overlapping spans (several channels) act as one.
    ends: list[float] = []
    for s in spans:
        ends.append(max(s.end, ends[-1]) if ends else s.end)
    next_strike: dict[int, float] = {}
    out: list[Note] = []
    for note in sorted(notes, key=lambda n: n.start, reverse=True):
        end = note.end
        i = bisect.bisect_right(starts, end) - 1
        if i >= 0 and ends[i] > end:
            end = ends[i]
        nxt = next_strike.get(note.pitch)
        if nxt is not None and nxt > note.start:
            end = max(note.end, min(end, nxt))
        next_strike[note.pitch] = note.start
        out.append(Note(note.start, note.pitch, note.velocity, end, note.channel))
    out.sort()
    return out


class PianoCodec(HitGroupMixin):
    """Encode piano scores to the 264-row grid and decode grids back to scores."""

    name: ClassVar[str] = "piano"
    n_keys: ClassVar[int] = N_KEYS
    lowest_pitch: ClassVar[int] = LOWEST_PITCH
    highest_pitch: ClassVar[int] = HIGHEST_PITCH
    channels: ClassVar[int] = 3 * N_KEYS
    grid_layout: ClassVar[GridLayout] = GridLayout.of(N_KEYS, hit="onset", third="hold", third_role="hold",
                                                      third_activation="sigmoid")
    output_channel: ClassVar[int] = 0
    baseline_name: ClassVar[str] = "pitch-class histogram"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> PianoCodec:
        """The codec a stored spec describes (its steps per beat and pedal setting)."""
        return cls(int(spec.get("steps_per_beat", 4)), sustain_pedal=bool(spec.get("sustain_pedal", False)))

    def __init__(self, steps_per_beat: int = 4, *, sustain_pedal: bool = False) -> None:
        if isinstance(steps_per_beat, bool) or not isinstance(steps_per_beat, int) or steps_per_beat < 1:
            raise ParameterError(f"steps_per_beat must be a positive integer, got {steps_per_beat!r}")
        self.steps_per_beat = steps_per_beat
        self.sustain_pedal = bool(sustain_pedal)

    def __repr__(self) -> str:
        return f"PianoCodec(steps_per_beat={self.steps_per_beat}, sustain_pedal={self.sustain_pedal})"

    # ------------------------------------------------------------------ the Codec protocol
    def encode_input(self, score: Score, *, n_steps: int | None = None, input_map: Any = None) -> np.ndarray:
        """Grid of live input; every key reads as itself (``input_map`` is not used)."""
        return self.encode(score, n_steps=n_steps).array

    def to_score(self, grid: np.ndarray, *, tempo_map: TempoMap | None = None,
                 time_signatures: list[TimeSignature] | None = None, output_map: Any = None) -> Score:
        """:meth:`decode` at ``tempo_map`` in ``time_signatures`` (``output_map`` is not used)."""
        return self.decode(grid, tempo_map=tempo_map, time_signatures=time_signatures)

    def input_rows(self, input_map: Any = None) -> Callable[[int], int | None]:
        """Input pitch -> onset row: one row per key from A0."""
        def row(pitch: int) -> int | None:
            return pitch - LOWEST_PITCH if 0 <= pitch - LOWEST_PITCH < N_KEYS else None

        return row

    def row_labels(self) -> tuple[str, ...]:
        return tuple(note_name(p) for p in self.row_pitches())

    def row_pitches(self) -> tuple[int, ...]:
        return tuple(range(LOWEST_PITCH, LOWEST_PITCH + N_KEYS))

    def baseline_feature(self, grid: np.ndarray, steps_per_bar: int) -> np.ndarray:
        return pitch_class_histogram(grid)

    def check_file(self, score: Score, *, source: str, model: str) -> None:
        """A file with most of its notes on the drum channel (10) is a drum file."""
        on_drum_channel = sum(1 for n in score.notes if n.channel == DRUM_CHANNEL)
        if on_drum_channel > len(score.notes) // 2:
            raise CodecMismatchError(f"{source}: {on_drum_channel} of {len(score.notes)} notes are on the drum "
                                     f"channel (10); this looks like a drum file, and model {model!r} is a piano "
                                     "model (try --model drums)")

    def encode(self, score: Score, *, n_steps: int | None = None) -> PianoGrid:
        """Grid of ``score``; ``n_steps`` defaults to the end of the last sounding note.

        Notes outside A0..C8 are counted in ``out_of_range``; notes starting at or past ``n_steps``
        in ``dropped_notes`` (holds running past the end are cut). Two strikes of one key on one
        step merge: the louder velocity and the longer hold win.
        """
        _check_n_steps(n_steps)
        spb = self.steps_per_beat
        notes = apply_sustain_pedal(score.notes, score.pedal) if self.sustain_pedal else score.notes
        out_of_range: Counter[int] = Counter()
        spans: list[tuple[int, int, int, int]] = []  # (key, onset step, end step, velocity)
        for note in notes:
            if not LOWEST_PITCH <= note.pitch <= HIGHEST_PITCH:
                out_of_range[note.pitch] += 1
                continue
            on = math.floor(note.start * spb + 0.5)
            end = max(on + 1, math.floor(note.end * spb + 0.5))
            spans.append((note.pitch - LOWEST_PITCH, on, end, min(127, max(1, int(note.velocity)))))
        if out_of_range:
            log.debug("%s: %d note(s) outside piano range: %s",
                      score.source, sum(out_of_range.values()), dict(out_of_range))
        if n_steps is None:
            n_steps = max((end for _, _, end, _ in spans), default=1)
        array = np.zeros((self.channels, n_steps), dtype=np.float32)
        dropped = 0
        for key, on, end, velocity in spans:
            if not 0 <= on < n_steps:
                dropped += 1
                continue
            array[key, on] = 1.0
            vrow = N_KEYS + key
            array[vrow, on] = max(array[vrow, on], velocity / 127.0)
            array[2 * N_KEYS + key, on:min(end, n_steps)] = 1.0
        if dropped:
            log.debug("%s: dropped %d note(s) starting beyond %d steps", score.source, dropped, n_steps)
        return PianoGrid(array, out_of_range, dropped, score.tempo_map, list(score.time_signatures),
                         score.source, spb)

    def decode(
        self,
        array: np.ndarray,
        *,
        threshold: float = 0.5,
        tempo_map: TempoMap | None = None,
        start_beat: float = 0.0,
        time_signatures: list[TimeSignature] | None = None,
    ) -> Score:
        """Score with a note at every ``onset > threshold``, channel 1 (0-based 0).

        A note lasts while ``hold > threshold`` on the following steps (at least one step); a new
        onset of the same key ends it and starts the next. Holds with no onset before them are
        ignored. Velocity = ``round(v * 127)`` clipped to 1..127.
        """
        grid = _check_grid(array, self.channels, self.name)
        threshold = _check_threshold(threshold)
        spb = self.steps_per_beat
        n_steps = grid.shape[1]
        onset = grid[ONSET_ROWS] > threshold
        held = grid[HOLD_ROWS] > threshold
        velocity = np.clip(np.rint(grid[VELOCITY_ROWS] * 127.0), 1, 127).astype(int)
        notes: list[Note] = []
        for key in np.flatnonzero(onset.any(axis=1)).tolist():
            starts = np.flatnonzero(onset[key])
            stops = np.flatnonzero(~held[key] | onset[key])  # a note ends at the first such step
            idx = np.searchsorted(stops, starts, side="right")
            ends = np.where(idx < len(stops), stops[np.minimum(idx, len(stops) - 1)], n_steps)
            pitch = LOWEST_PITCH + key
            for s, e in zip(starts.tolist(), ends.tolist()):
                notes.append(Note(start_beat + s / spb, pitch, int(velocity[key, s]),
                                  start_beat + e / spb, 0))
        notes.sort()
        return Score(
            notes=notes,
            tempo_map=tempo_map if tempo_map is not None else TempoMap(),
            time_signatures=list(time_signatures) if time_signatures else [TimeSignature(0.0, 4, 4)],
        )

    def spec(self) -> dict[str, Any]:
        """JSON-able description of the grid, enough to rebuild or check this codec elsewhere."""
        n = N_KEYS
        return {
            "name": self.name,
            "version": 1,
            "steps_per_beat": self.steps_per_beat,
            "channels": self.channels,
            "n_keys": n,
            "lowest_pitch": LOWEST_PITCH,
            "highest_pitch": HIGHEST_PITCH,
            "layout": {"onset": [0, n], "velocity": [n, 2 * n], "hold": [2 * n, 3 * n]},
            "onset": "1 at the step nearest each note start",
            "velocity": "MIDI velocity / 127 at onsets, 0 elsewhere",
            "hold": "1 from the onset step up to (excluding) the nearest step to the note end; at least 1 step",
            "meter": "any (grid is in beats)",
            "sustain_pedal": self.sustain_pedal,
        }
