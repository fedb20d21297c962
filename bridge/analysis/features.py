"""Per-piece style features (numpy only): what the dictionary says about a whole piece, and two
hand-made baselines to compare it with.

- :func:`average_activity` — the paper's feature: the code averaged over time, one value per atom
  (mean activation per code column, whole piece, any length).
- :func:`active_histogram` — a time-normalised histogram of active atoms: how many times each atom
  is active (non-zero) per bar, whatever its strength.
- :func:`pitch_class_histogram` (piano baseline) — share of note onsets on each of the 12 pitch
  classes (C … B).
- :func:`hit_density` (drum baseline) — hits per bar for each of the drum codec's 9 classes.

The baselines are the codec's own (:meth:`Codec.baseline_feature`), read from its grid; the model
features from the engine's code; both work on whole pieces of any length.
"""

from __future__ import annotations

import numpy as np

from sidl.bridge.codecs import Codec
from sidl.bridge.codecs.drums import hit_density
from sidl.bridge.codecs.piano import pitch_class_histogram
from sidl.bridge.errors import ParameterError

__all__ = ["FEATURES", "active_histogram", "average_activity", "baseline_feature", "baseline_name", "hit_density",
           "model_feature", "pitch_class_histogram"]

FEATURES = ("activity", "histogram")


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


def baseline_feature(grid: np.ndarray, codec: Codec, steps_per_bar: int) -> np.ndarray:
    """The codec's hand-made baseline (pitch-class histogram for piano, hit density for drums)."""
    return codec.baseline_feature(grid, steps_per_bar)


def baseline_name(codec: Codec) -> str:
    return codec.baseline_name
