"""The rolling window: live notes placed on the model's grid exactly as files are.

Notes are stored with their beat position (from the shared clock); a window is built by handing the
codec a :class:`~bridge.codecs.Score` of the notes around it, so live input is quantized by the very
code that encoded the training data (loudest hit wins a cell, micro-timing kept as an offset, an
early hit just before a bar line counts for that bar's first step).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

import numpy as np

from sidl.bridge.codecs import Codec, DrumMap, Note, Score, TempoMap, TimeSignature
from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)


@dataclass
class _Held:
    start: float
    pitch: int
    velocity: int
    channel: int
    end: float | None = None


class RollingQuantizer:
    """Collects notes by beat and cuts grid windows of whole bars.

    ``codec``: the model's codec; ``beats_per_bar``: 4 for the drum codec; ``keep_bars``: how much
    history to keep (at least one window); ``drum_map``: the input map the codec reads notes through
    (the drum codec's; others ignore it).
    """

    def __init__(self, codec: Codec, *, beats_per_bar: float, keep_bars: int, drum_map: DrumMap | None = None) -> None:
        if keep_bars < 1:
            raise ParameterError(f"keep_bars must be >= 1, got {keep_bars}")
        self.codec = codec
        self.beats_per_bar = float(beats_per_bar)
        self.keep_bars = keep_bars
        self.drum_map = drum_map
        self._notes: deque[_Held] = deque()
        self._open: dict[tuple[int, int], _Held] = {}
        self.steps_per_bar = int(round(codec.steps_per_beat * self.beats_per_bar))

    def note(self, beat: float, channel: int, pitch: int, velocity: int) -> None:
        """A note-on (velocity > 0) or note-off (0) at ``beat``."""
        key = (channel, pitch)
        if velocity > 0:
            held = _Held(beat, pitch, velocity, channel)
            self._notes.append(held)
            if key in self._open and self._open[key].end is None:
                self._open[key].end = beat
            self._open[key] = held
        elif key in self._open:
            self._open.pop(key).end = beat

    def window(self, end_bar: int, bars: int) -> np.ndarray:
        """The grid of bars ``end_bar − bars`` … ``end_bar − 1`` (C, bars · steps_per_bar)."""
        if bars < 1:
            raise ParameterError(f"bars must be >= 1, got {bars}")
        start = (end_bar - bars) * self.beats_per_bar
        stop = end_bar * self.beats_per_bar
        half_step = 0.5 / self.codec.steps_per_beat
        notes = [Note(h.start - start, h.pitch, h.velocity,
                      (stop if h.end is None else min(h.end, stop + 1.0)) - start, h.channel)
                 for h in self._notes if start - half_step <= h.start < stop]
        score = Score(notes, TempoMap.constant(120.0), [TimeSignature(0.0, 4, 4)], 480, "live")
        n_steps = bars * self.steps_per_bar
        return self.codec.encode_input(score, n_steps=n_steps, input_map=self.drum_map)

    def clear(self) -> None:
        """Forget every note (their beat positions belong to a clock that is being replaced)."""
        self._notes.clear()
        self._open.clear()

    def forget_before(self, bar: int) -> None:
        """Drop notes that can no longer fall in a window (start before ``bar − keep_bars``)."""
        cutoff = (bar - self.keep_bars) * self.beats_per_bar - 1.0
        while self._notes and self._notes[0].start < cutoff:
            self._notes.popleft()
