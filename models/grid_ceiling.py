"""How much a piano grid loses before any model touches it: the codec's own ceiling.

Each piece is encoded and decoded at a given resolution and compared with the original notes:
onsets moved (mean |error| in ms), notes lost to collisions (two onsets of one key in one cell) and
onset F1 within 50 ms (the usual transcription tolerance). This is the evidence behind the piano
codec's default of 4 steps per beat.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sidl.bridge.codecs import PianoCodec, load_score
from sidl.bridge.errors import MidiFileError
from sidl.models.datasets import discover

TOLERANCE_S = 0.05


def _onsets(score: Any) -> dict[int, np.ndarray]:
    by_pitch: dict[int, list[float]] = {}
    for n in score.notes:
        if 21 <= n.pitch <= 108:
            by_pitch.setdefault(n.pitch, []).append(score.tempo_map.to_seconds(n.start))
    return {p: np.sort(np.array(v)) for p, v in by_pitch.items()}


def grid_ceiling(data_dir: str | Path, split: str, steps_per_beat: int, max_files: int | None = None) -> dict[str, Any]:
    codec = PianoCodec(steps_per_beat)
    matched = ref_total = est_total = 0
    errors: list[float] = []
    for item in discover(data_dir, split)[:max_files]:
        try:
            score = load_score(item.path)
        except MidiFileError:
            continue
        decoded = codec.decode(codec.encode(score).array, tempo_map=score.tempo_map)
        ref, est = _onsets(score), _onsets(decoded)
        for pitch, times in ref.items():
            ref_total += len(times)
            guess = est.get(pitch, np.array([]))
            used = np.zeros(len(guess), bool)
            for t in times:  # greedy one-to-one matching within the tolerance
                if len(guess) == 0:
                    break
                i = int(np.argmin(np.abs(guess - t) + used * 1e9))
                if not used[i] and abs(guess[i] - t) <= TOLERANCE_S:
                    used[i] = True
                    matched += 1
                    errors.append(abs(guess[i] - t))
        est_total += sum(len(v) for v in est.values())
    precision = matched / est_total if est_total else 1.0
    recall = matched / ref_total if ref_total else 1.0
    return {
        "steps_per_beat": steps_per_beat,
        "notes": ref_total,
        "notes_after_grid": est_total,
        "onset_f1_50ms": round(2 * precision * recall / (precision + recall), 4) if matched else 0.0,
        "mean_onset_error_ms": round(1000 * float(np.mean(errors)), 2) if errors else None,
    }
