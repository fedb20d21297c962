"""A groove the project makes itself: demos and tests need drums without any dataset file."""

from __future__ import annotations

import numpy as np

from sidl.bridge.codecs import Note, Score, TempoMap, TimeSignature


def generate_groove(bars: int = 4, seed: int = 7, bpm: float = 96.0) -> Score:
    """A humanised funk-rock groove of ``bars`` bars (4/4), deterministic for a seed."""
    rng = np.random.default_rng(seed)
    notes: list[Note] = []

    def hit(beat: float, pitch: int, velocity: float, jitter_beats: float = 0.02) -> None:
        start = max(0.0, beat + rng.normal(0.0, jitter_beats))
        v = int(np.clip(round(velocity + rng.normal(0, 6)), 1, 127))
        notes.append(Note(start, pitch, v, start + 0.25, 9))

    for bar in range(bars):
        b0 = bar * 4.0
        fill = bar == bars - 1
        for eighth in range(8):
            beat = b0 + eighth * 0.5 + (0.04 if eighth % 2 else 0.0)  # a little swing on the off-beats
            if not (fill and eighth >= 6):
                hit(beat, 42, 96 if eighth % 2 == 0 else 64)
        for beat in (0.0, 2.5) if bar % 2 else (0.0, 1.75, 2.5):
            hit(b0 + beat, 36, 110)
        hit(b0 + 1.0, 38, 112, 0.01)
        hit(b0 + 3.0, 38, 116, 0.01)
        hit(b0 + 2.25, 38, 34)  # ghost note
        if bar == 0:
            hit(b0, 49, 118)  # crash on the one
        if fill:
            for i, pitch in enumerate((50, 50, 47, 45)):
                hit(b0 + 3.0 + i * 0.25, pitch, 90 + 6 * i)
        else:
            hit(b0 + 3.75, 38, 40)
    return Score(sorted(notes), TempoMap.constant(bpm), [TimeSignature(0.0, 4, 4)], 480, "generated groove")
