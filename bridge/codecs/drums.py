"""Drum codec: 4/4 drum performances <-> a (27, steps) grid of hits, velocities and micro-timing.

The grid is 16th notes (4 steps per beat, 16 per bar), channels-first so it feeds ``Conv1d``
directly. Rows ``0..8`` are hits (0/1) of the 9 :data:`DRUM_CLASSES`, rows ``9..17`` velocities
(``v/127``), rows ``18..26`` offsets: how far the onset lies from its (nearest) grid step, in
steps, in ``[-0.5, 0.5)``, positive = late. Keeping the offset (rather than quantizing it away) is
what lets a model learn and reproduce groove. Velocity and offset are 0 where there is no hit.

Only 4/4 is accepted because a bar is a fixed 16 steps: a 3/4 or 6/8 file would put its downbeats
in the wrong rows of every bar-aligned window the models see.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from sidl.bridge.codecs.base import GridLayout, HitGroupMixin
from sidl.bridge.codecs.drum_maps import (
    DRUM_CLASS_NAMES,
    DRUM_CLASSES,
    GM_DRUM_MAP,
    GROOVAE_INPUT_MAP,
    DrumClass,
    DrumMap,
)
from sidl.bridge.codecs.score import DRUM_CHANNEL, Note, Score, TempoMap, TimeSignature
from sidl.bridge.errors import CodecMismatchError, ParameterError, UnsupportedMeterError

log = logging.getLogger(__name__)

__all__ = [
    "DECODE_DURATIONS",
    "DRUM_CLASSES",
    "DRUM_CLASS_NAMES",
    "HIT_ROWS",
    "OFFSET_ROWS",
    "VELOCITY_ROWS",
    "DrumClass",
    "DrumCodec",
    "DrumGrid",
    "hit_density",
    "hits",
    "offsets",
    "velocities",
]

N_CLASSES = len(DRUM_CLASSES)
HIT_ROWS = slice(0, N_CLASSES)
VELOCITY_ROWS = slice(N_CLASSES, 2 * N_CLASSES)
OFFSET_ROWS = slice(2 * N_CLASSES, 3 * N_CLASSES)
DRUM_PITCHES = frozenset(p for c in DRUM_CLASSES for p in c.pitches)

#: Note length in beats written for each class on decode. Most drum samplers play one-shots and
#: ignore note-offs, but gate-mode samplers cut the sound at the note-off, so cymbals and the open
#: hi-hat get longer notes to ring. A note is always cut at the next hit of the same output pitch.
DECODE_DURATIONS: dict[str, float] = {
    "kick": 0.25,
    "snare": 0.25,
    "closed_hihat": 0.25,
    "open_hihat": 0.5,
    "low_tom": 0.25,
    "mid_tom": 0.25,
    "high_tom": 0.25,
    "crash": 1.0,
    "ride": 1.0,
}

# Largest offset below +0.5: an offset of exactly +0.5 would re-encode on the next step (as -0.5).
_MAX_OFFSET = float(np.nextafter(np.float32(0.5), np.float32(0.0)))


def _check_grid(array: np.ndarray, channels: int, codec: str) -> np.ndarray:
    arr = np.asarray(array)
    if arr.ndim != 2 or arr.shape[0] != channels:
        raise CodecMismatchError(
            f"{codec} codec expects an array shaped ({channels}, steps), got {tuple(arr.shape)}")
    return np.nan_to_num(arr.astype(np.float32, copy=False), nan=0.0, posinf=1.0, neginf=0.0)


def _check_threshold(threshold: float) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        raise ParameterError(f"threshold must be a finite number, got {threshold!r}")
    return float(threshold)


def _check_n_steps(n_steps: int | None) -> None:
    if n_steps is not None and (isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps < 1):
        raise ParameterError(f"n_steps must be a positive integer or None, got {n_steps!r}")


def hits(array: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """(9, T) bool: where a drum grid has a hit (``hit > threshold``)."""
    return _check_grid(array, DrumCodec.channels, "drum")[HIT_ROWS] > threshold


def velocities(array: np.ndarray) -> np.ndarray:
    """(9, T) float32 velocity rows (``v/127``) of a drum grid."""
    return _check_grid(array, DrumCodec.channels, "drum")[VELOCITY_ROWS]


def offsets(array: np.ndarray) -> np.ndarray:
    """(9, T) float32 offset rows (steps from the grid, positive = late) of a drum grid."""
    return _check_grid(array, DrumCodec.channels, "drum")[OFFSET_ROWS]


def hit_density(grid: np.ndarray, steps_per_bar: int) -> np.ndarray:
    """Hits per bar of each drum class (kick, snare, … ride) of a drum grid (27, T): (9,)."""
    arr = np.asarray(grid)
    if arr.ndim != 2 or arr.shape[0] < N_CLASSES or arr.shape[1] == 0:
        raise ParameterError(f"drum grid must be ({3 * N_CLASSES}, steps), got shape {arr.shape}")
    if steps_per_bar < 1:
        raise ParameterError(f"steps_per_bar must be >= 1, got {steps_per_bar!r}")
    bars = arr.shape[1] / steps_per_bar
    return (arr[:N_CLASSES] > 0.5).sum(axis=1).astype(np.float64) / bars


@dataclass
class DrumGrid:
    """An encoded drum performance and what the encoding could not keep."""

    array: np.ndarray  # (27, T) float32
    unknown_pitches: Counter[int] = field(default_factory=Counter)
    dropped_notes: int = 0  # notes past the end of the grid
    tempo_map: TempoMap = field(default_factory=TempoMap)
    source: str | None = None

    @property
    def n_steps(self) -> int:
        return int(self.array.shape[1])

    @property
    def n_bars(self) -> int:
        """Bars covered (a trailing partial bar counts as one)."""
        return math.ceil(self.n_steps / DrumCodec.steps_per_bar)


class DrumCodec(HitGroupMixin):
    """Encode 4/4 drum scores to the 27-row grid and decode grids back to MIDI-ready scores."""

    name: ClassVar[str] = "drums"
    steps_per_beat: ClassVar[int] = 4
    steps_per_bar: ClassVar[int] = 16
    n_classes: ClassVar[int] = N_CLASSES
    channels: ClassVar[int] = 3 * N_CLASSES
    grid_layout: ClassVar[GridLayout] = GridLayout.of(
        N_CLASSES, hit="hit", third="offset", third_role="timing", third_activation="half_tanh",
        third_range=(-0.5, 0.5))
    output_channel: ClassVar[int] = DRUM_CHANNEL
    baseline_name: ClassVar[str] = "per-class hit density"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> DrumCodec:
        """The codec a stored spec describes (the drum codec takes no options)."""
        return cls()

    # ------------------------------------------------------------------ the Codec protocol
    def encode_input(self, score: Score, *, n_steps: int | None = None, input_map: DrumMap | None = None) -> np.ndarray:
        """Grid of live input read through ``input_map`` (default: the GrooVAE mapping)."""
        return self.encode(score, n_steps=n_steps, drum_map=input_map).array

    def to_score(self, grid: np.ndarray, *, tempo_map: TempoMap | None = None,
                 time_signatures: list[TimeSignature] | None = None, output_map: DrumMap | None = None) -> Score:
        """:meth:`decode` through ``output_map`` (default General MIDI); always 4/4, so
        ``time_signatures`` is not used."""
        return self.decode(grid, tempo_map=tempo_map, drum_map=GM_DRUM_MAP if output_map is None else output_map)

    def input_rows(self, input_map: DrumMap | None = None) -> Callable[[int], int | None]:
        """Input pitch -> hit row, through ``input_map`` (default: the GrooVAE mapping)."""
        table = GROOVAE_INPUT_MAP if input_map is None else input_map.input
        rows = {p: DRUM_CLASS_NAMES.index(c) for p, c in table.items()}
        return rows.get

    def row_labels(self) -> tuple[str, ...]:
        return tuple(DRUM_CLASS_NAMES)

    def row_pitches(self) -> tuple[int, ...]:
        return tuple(GM_DRUM_MAP.output_pitches)

    def baseline_feature(self, grid: np.ndarray, steps_per_bar: int) -> np.ndarray:
        return hit_density(grid, steps_per_bar)

    def check_file(self, score: Score, *, source: str, model: str) -> None:
        """A file mostly off the drum channel whose pitches are mostly not drum pitches is melodic."""
        on_drum_channel = sum(1 for n in score.notes if n.channel == DRUM_CHANNEL)
        if on_drum_channel <= len(score.notes) // 2:
            known = sum(1 for n in score.notes if n.pitch in DRUM_PITCHES)
            if 2 * known < len(score.notes):
                raise CodecMismatchError(
                    f"{source}: only {known} of {len(score.notes)} notes have drum-class pitches and "
                    f"{on_drum_channel} are on channel 10; this looks like a melodic/piano file, and model "
                    f"{model!r} is a drum model (try --model piano)")

    def encode(
        self, score: Score, *, n_steps: int | None = None, drum_map: DrumMap | None = None
    ) -> DrumGrid:
        """Grid of ``score``; the loudest hit wins a (class, step) cell, ties go to the earliest.

        ``n_steps`` defaults to whole bars holding every onset. ``drum_map`` chooses the input
        table (default: the GrooVAE mapping); pass the map a file was decoded with to read it back.
        Raises :class:`UnsupportedMeterError` for anything but 4/4.
        """
        if not score.is_four_four:
            raise UnsupportedMeterError(
                f"{score.source or '<score>'}: time signature {', '.join(score.meters())}; "
                f"the drum codec supports only 4/4")
        _check_n_steps(n_steps)
        table = GROOVAE_INPUT_MAP if drum_map is None else drum_map.input
        row_of = {p: DRUM_CLASS_NAMES.index(c) for p, c in table.items()}
        spb = self.steps_per_beat

        notes = sorted(score.notes, key=lambda n: n.start)  # stable: equal starts keep the file's order
        rows = np.array([row_of.get(n.pitch, -1) for n in notes], dtype=np.int64)
        unknown: Counter[int] = Counter(n.pitch for n, r in zip(notes, rows) if r < 0)
        if unknown:
            log.debug("%s: %d note(s) of pitches outside the drum classes: %s",
                      score.source, sum(unknown.values()), dict(unknown))
        known = rows >= 0
        pos = np.array([n.start for n in notes], dtype=np.float64)[known] * spb
        steps = np.floor(pos + 0.5).astype(np.int64)
        offsets = pos - steps
        velocities = np.clip(np.array([int(n.velocity) for n in notes], dtype=np.int64)[known], 1, 127)
        rows = rows[known]

        if n_steps is None:
            last = max((n.start for n in score.notes), default=0.0)
            n_steps = (max(0, math.floor(last * spb + 0.5)) // self.steps_per_bar + 1) * self.steps_per_bar
        array = np.zeros((self.channels, n_steps), dtype=np.float32)
        inside = (steps >= 0) & (steps < n_steps)
        dropped = int((~inside).sum())
        # the loudest hit wins a cell; among equally loud ones the earliest (notes are in time order):
        # sort by cell, then loudness down, then order, and keep each cell's first
        order = np.flatnonzero(inside)
        cell = rows[order] * n_steps + steps[order]
        ranked = order[np.lexsort((order, -velocities[order], cell))]
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = (rows[ranked] * n_steps + steps[ranked])[1:] != (rows[ranked] * n_steps + steps[ranked])[:-1]
        win = ranked[first]
        array[rows[win], steps[win]] = 1.0
        array[N_CLASSES + rows[win], steps[win]] = velocities[win] / 127.0
        array[2 * N_CLASSES + rows[win], steps[win]] = offsets[win]
        if dropped:
            log.debug("%s: dropped %d note(s) beyond %d steps", score.source, dropped, n_steps)
        return DrumGrid(array, unknown, dropped, score.tempo_map, score.source)

    def decode(
        self,
        array: np.ndarray,
        *,
        drum_map: DrumMap = GM_DRUM_MAP,
        threshold: float = 0.5,
        tempo_map: TempoMap | None = None,
        start_beat: float = 0.0,
    ) -> Score:
        """Score with a note wherever ``hit > threshold``, pitched by ``drum_map``, on channel 10.

        Onset = ``start_beat + (step + offset) / 4`` beats, offset clipped to ``[-0.5, 0.5)``;
        lengths follow :data:`DECODE_DURATIONS`. The score is 4/4 at ``tempo_map`` (default 120 BPM).
        An early hit on the first step lies before ``start_beat`` (``save_score`` clamps times < 0).
        """
        grid = _check_grid(array, self.channels, self.name)
        threshold = _check_threshold(threshold)
        spb = self.steps_per_beat
        rows, steps = np.nonzero(grid[HIT_ROWS] > threshold)
        vel = np.clip(np.rint(grid[VELOCITY_ROWS][rows, steps] * 127.0), 1, 127).astype(int)
        off = np.clip(grid[OFFSET_ROWS][rows, steps].astype(np.float64), -0.5, _MAX_OFFSET)
        onsets = start_beat + (steps + off) / spb

        by_pitch: dict[int, list[tuple[float, int, int]]] = {}
        pitches = drum_map.output_pitches
        for row, onset, velocity in zip(rows.tolist(), onsets.tolist(), vel.tolist()):
            by_pitch.setdefault(pitches[row], []).append((onset, velocity, row))
        notes: list[Note] = []
        for pitch, hits_ in by_pitch.items():
            hits_.sort(key=lambda h: (h[0], -h[1]))
            # Classes sharing an output pitch at the same instant: keep the loudest.
            kept = [h for i, h in enumerate(hits_) if i == 0 or hits_[i - 1][0] != h[0]]
            for i, (onset, velocity, row) in enumerate(kept):
                end = onset + DECODE_DURATIONS[DRUM_CLASS_NAMES[row]]
                if i + 1 < len(kept):
                    end = min(end, kept[i + 1][0])  # never overlap the next hit of the same pitch
                notes.append(Note(onset, pitch, velocity, end, DRUM_CHANNEL))
        notes.sort()
        return Score(
            notes=notes,
            tempo_map=tempo_map if tempo_map is not None else TempoMap(),
            time_signatures=[TimeSignature(0.0, 4, 4)],
        )

    def spec(self) -> dict[str, Any]:
        """JSON-able description of the grid, enough to rebuild or check this codec elsewhere."""
        n = N_CLASSES
        return {
            "name": self.name,
            "version": 1,
            "steps_per_beat": self.steps_per_beat,
            "steps_per_bar": self.steps_per_bar,
            "meter": "4/4",
            "channels": self.channels,
            "layout": {
                "hit": [0, n],
                "velocity": [n, 2 * n],
                "offset": [2 * n, 3 * n],
            },
            "classes": [{"name": c.name, "pitches": list(c.pitches)} for c in DRUM_CLASSES],
            "hit": "1 where the class is struck at the step, else 0; decoded where > threshold",
            "velocity": "MIDI velocity / 127 at hits, 0 elsewhere",
            "offset": {
                "unit": "steps (16th notes)",
                "range": [-0.5, 0.5],
                "meaning": "onset_in_steps - nearest step; positive = late (behind the grid); 0 without a hit",
            },
            "decode_durations_beats": dict(DECODE_DURATIONS),
        }
