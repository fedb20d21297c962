"""Per-piece style features (numpy only): what the dictionary says about a whole piece, and two
hand-made baselines to compare it with.

- :func:`average_activity` — the paper's feature: the code averaged over time, one value per atom
  (mean activation per code column, whole piece, any length).
- :func:`active_histogram` — a time-normalised histogram of active atoms: how many times each atom
  is active (non-zero) per bar, whatever its strength.
- :func:`pitch_class_histogram` (piano baseline) — share of note onsets on each of the 12 pitch
  classes (C … B).
- :func:`hit_density` (drum baseline) — hits per bar for each of the drum codec's 9 classes.

The baselines are read from the codec's grid, the model features from the engine's code; both work
on whole pieces of any length.
"""

from __future__ import annotations

import numpy as np

from sidl.bridge.errors import ParameterError

FEATURES = ("activity", "histogram")
PIANO_KEYS = 88
PIANO_LOWEST = 21  # MIDI pitch of row 0 (A0)
DRUM_CLASSES = 9


def _code(code: np.ndarray) -> np.ndarray:
    arr = np.asarray(code, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ParameterError(f"code must be (atoms, columns) with at least one column, got shape {arr.shape}")
    return arr


def average_activity(code: np.ndarray) -> np.ndarray:
    """Mean absolute activation of every atom over the code's columns: (atoms,) float64."""
    return np.abs(_code(code)).mean(axis=1)


def active_histogram(code: np.ndarray, n_bars: int) -> np.ndarray:
    """Times each atom is active (non-zero) per bar: (atoms,) float64 — counts normalised by length."""
    if isinstance(n_bars, bool) or not isinstance(n_bars, (int, np.integer)) or n_bars < 1:
        raise ParameterError(f"n_bars must be an integer >= 1, got {n_bars!r}")
    return (_code(code) != 0).sum(axis=1) / float(n_bars)


def model_feature(code: np.ndarray, n_bars: int, kind: str = "activity") -> np.ndarray:
    """The model feature named ``kind`` (``activity`` or ``histogram``) of one piece's code."""
    if kind == "activity":
        return average_activity(code)
    if kind == "histogram":
        return active_histogram(code, n_bars)
    raise ParameterError(f"feature must be one of {', '.join(FEATURES)}, got {kind!r}")


def pitch_class_histogram(grid: np.ndarray) -> np.ndarray:
    """Share of onsets on each pitch class C, C#, … B of a piano grid (264, T): (12,), sums to 1
    (all zeros for a grid with no onset)."""
    arr = np.asarray(grid)
    if arr.ndim != 2 or arr.shape[0] < PIANO_KEYS:
        raise ParameterError(f"piano grid must be ({3 * PIANO_KEYS}, steps), got shape {arr.shape}")
    per_key = (arr[:PIANO_KEYS] > 0.5).sum(axis=1).astype(np.float64)
    classes = (PIANO_LOWEST + np.arange(PIANO_KEYS)) % 12
    hist = np.bincount(classes, weights=per_key, minlength=12)
    total = hist.sum()
    return hist / total if total > 0 else hist


def hit_density(grid: np.ndarray, steps_per_bar: int) -> np.ndarray:
    """Hits per bar of each drum class (kick, snare, … ride) of a drum grid (27, T): (9,)."""
    arr = np.asarray(grid)
    if arr.ndim != 2 or arr.shape[0] < DRUM_CLASSES or arr.shape[1] == 0:
        raise ParameterError(f"drum grid must be ({3 * DRUM_CLASSES}, steps), got shape {arr.shape}")
    if steps_per_bar < 1:
        raise ParameterError(f"steps_per_bar must be >= 1, got {steps_per_bar!r}")
    bars = arr.shape[1] / steps_per_bar
    return (arr[:DRUM_CLASSES] > 0.5).sum(axis=1).astype(np.float64) / bars


def baseline_feature(grid: np.ndarray, codec_name: str, steps_per_bar: int) -> np.ndarray:
    """The hand-made baseline of the codec: pitch-class histogram (piano) or hit density (drums)."""
    if codec_name == "piano":
        return pitch_class_histogram(grid)
    if codec_name == "drums":
        return hit_density(grid, steps_per_bar)
    raise ParameterError(f"no baseline feature for codec {codec_name!r}; expected 'piano' or 'drums'")


def baseline_name(codec_name: str) -> str:
    return {"piano": "pitch-class histogram", "drums": "per-class hit density"}.get(codec_name, codec_name)
